package thirdparty

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/internal/golden"
	"vigie/observation"
)

func field(name, typ, cat string) observation.Field {
	return observation.Field{Tag: "input", Name: name, Type: typ, Category: cat}
}

var (
	contact = observation.Form{Index: 0, Action: "https://www.pref.test/envoi", Method: "post",
		Fields: []observation.Field{field("nom", "text", "identity"), field("courriel", "email", "contact")}}
	health = observation.Form{Index: 1, Action: "https://www.clinique.test/rdv", Method: "post",
		Fields: []observation.Field{field("nom", "text", "identity"), {Tag: "textarea", Name: "antecedents", Category: "health"}}}
	search = observation.Form{Index: 0, Action: "https://www.pref.test/recherche", Method: "get",
		Fields: []observation.Field{field("q", "search", "")}}
)

func req(u, typ, party string, third bool, tracker, name string) observation.Request {
	return observation.Request{URL: u, Method: "GET", Type: typ, Party: party, ThirdParty: third, Tracker: tracker, TrackerName: name, Status: 200}
}

var (
	doc       = req("https://www.pref.test/contact", "document", "pref.test", false, "", "")
	ownCDN    = req("https://static.pref.test/app.js", "script", "pref.test", false, "", "")
	ga        = req("https://www.google-analytics.com/g/collect?v=2", "ping", "google-analytics.com", true, "analytics", "Google Analytics")
	gaScript  = req("https://www.googletagmanager.com/gtag/js?id=G-1", "script", "googletagmanager.com", true, "tag-manager", "Google Tag Manager")
	fonts     = req("https://fonts.googleapis.com/css2?family=Marianne", "stylesheet", "googleapis.com", true, "content", "Google Fonts")
	fontFile  = req("https://fonts.gstatic.com/s/m.woff2", "font", "gstatic.com", true, "content", "Google Fonts")
	didomi    = req("https://sdk.privacy-center.org/loader.js", "script", "privacy-center.org", true, "consent", "Didomi")
	unknown   = req("https://cdn.agence-web.test/widget.js", "script", "agence-web.test", true, "", "")
	pixel     = req("https://connect.facebook.net/fr_FR/fbevents.js", "script", "facebook.net", true, "advertising", "Meta Pixel")
	pixelPing = req("https://www.facebook.com/tr?id=1&ev=PageView", "image", "facebook.com", true, "social", "Facebook")
)

func rendered(url string, forms []observation.Form, reqs ...observation.Request) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200}, Forms: forms,
		Rendering: &observation.Rendering{URL: url, Requests: append([]observation.Request{doc}, reqs...)}}
}

type want struct {
	check    string
	severity finding.Severity
}

func TestOnFormPage(t *testing.T) {
	static := rendered("https://www.pref.test/contact", []observation.Form{contact})
	static.Rendering = nil
	tests := []struct {
		name string
		page observation.Page
		want []want
	}{
		// One finding per form and party, each graded by its party.
		{"analytics tracker on contact page", rendered("https://www.pref.test/contact", []observation.Form{contact}, ownCDN, gaScript, ga),
			[]want{{"thirdparty.on-form-page", finding.Medium}, {"thirdparty.on-form-page", finding.High}}},
		{"advertising pixel on contact page", rendered("https://www.pref.test/contact", []observation.Form{contact}, pixel, pixelPing),
			[]want{{"thirdparty.on-form-page", finding.High}, {"thirdparty.on-form-page", finding.High}}},
		{"unknown third party is medium", rendered("https://www.pref.test/contact", []observation.Form{contact}, unknown),
			[]want{{"thirdparty.on-form-page", finding.Medium}}},
		{"tag manager alone is medium", rendered("https://www.pref.test/contact", []observation.Form{contact}, gaScript),
			[]want{{"thirdparty.on-form-page", finding.Medium}}},
		{"fonts and consent only is low", rendered("https://www.pref.test/contact", []observation.Form{contact}, fonts, fontFile, didomi),
			[]want{{"thirdparty.on-form-page", finding.Low}, {"thirdparty.on-form-page", finding.Low}, {"thirdparty.on-form-page", finding.Low}}},
		{"fonts beside an unknown party", rendered("https://www.pref.test/contact", []observation.Form{contact}, fonts, unknown),
			[]want{{"thirdparty.on-form-page", finding.Low}, {"thirdparty.on-form-page", finding.Medium}}},
		{"two personal forms, one party", rendered("https://www.pref.test/rdv", []observation.Form{contact, health}, unknown),
			[]want{{"thirdparty.on-form-page", finding.Medium}, {"thirdparty.on-form-page", finding.High}}},
		{"fonts on a health form is high", rendered("https://www.pref.test/rdv", []observation.Form{search, health}, fonts),
			[]want{{"thirdparty.on-form-page", finding.High}}},
		{"form in a frame counts", rendered("https://www.pref.test/contact",
			[]observation.Form{{Index: 0, Frame: "https://forms.pref.test/f", Fields: contact.Fields}}, unknown),
			[]want{{"thirdparty.on-form-page", finding.Medium}}},
		// Look-alikes that must not trigger.
		{"personal form, first-party requests only (subdomains included)",
			rendered("https://www.pref.test/contact", []observation.Form{contact}, ownCDN,
				req("https://api.pref.test/v1", "xhr", "pref.test", false, "", "")), nil},
		{"first-party request wrongly flagged third party", rendered("https://www.pref.test/contact", []observation.Form{contact},
			req("https://api.pref.test/v1", "xhr", "pref.test", true, "", "")), nil},
		{"third parties but only a search box", rendered("https://www.pref.test/", []observation.Form{search}, ga, pixel), nil},
		{"third parties and no form at all", rendered("https://www.pref.test/", nil, ga, pixel), nil},
		{"static-mode page", static, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runChecks(t, tt.page)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func leak(field, cat, party, tracker, enc, where string) observation.Leak {
	return observation.Leak{Form: 0, Field: field, Category: cat, Party: party, Tracker: tracker,
		RequestURL: "https://www." + party + "/tr?ud=***", Method: "GET", Where: where, Encoding: enc}
}

func TestFormDataLeak(t *testing.T) {
	login := observation.Form{Index: 0, Fields: []observation.Field{field("identifiant", "text", "credentials"), field("mdp", "password", "credentials")}}
	withLeaks := func(forms []observation.Form, leaks ...observation.Leak) observation.Page {
		p := rendered("https://www.pref.test/contact", forms, pixel)
		p.Rendering.Typed = true
		p.Rendering.Leaks = leaks
		return p
	}
	tests := []struct {
		name string
		page observation.Page
		want []want
	}{
		{"email hashed to an advertising pixel", withLeaks([]observation.Form{contact},
			leak("courriel", "contact", "facebook.com", "social", observation.EncodingSHA256, "url")),
			[]want{{"thirdparty.form-data-leak", finding.High}}},
		{"two parties, two findings", withLeaks([]observation.Form{contact},
			leak("courriel", "contact", "facebook.com", "social", observation.EncodingSHA256, "url"),
			leak("nom", "identity", "hotjar.com", "session-replay", observation.EncodingPlain, "body"),
			leak("courriel", "contact", "hotjar.com", "session-replay", observation.EncodingPlain, "body")),
			[]want{{"thirdparty.form-data-leak", finding.High}, {"thirdparty.form-data-leak", finding.High}}},
		{"login leaked is critical", withLeaks([]observation.Form{login},
			leak("identifiant", "credentials", "hotjar.com", "session-replay", observation.EncodingPlain, "body")),
			[]want{{"thirdparty.form-data-leak", finding.Critical}}},
		{"health leaked is critical", withLeaks([]observation.Form{health},
			leak("antecedents", "health", "agence-web.test", "", observation.EncodingBase64, "header")),
			[]want{{"thirdparty.form-data-leak", finding.Critical}}},
		// Look-alikes that must not trigger.
		{"typed without leaks", withLeaks([]observation.Form{contact}), nil},
		{"leak to the page's own party is ignored", withLeaks([]observation.Form{contact},
			leak("courriel", "contact", "pref.test", "", observation.EncodingPlain, "body")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []want // thirdparty.on-form-page is tested above
			for _, w := range runChecks(t, tt.page) {
				if w.check == "thirdparty.form-data-leak" {
					got = append(got, w)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// runChecks runs every registered check on a site of one page and returns
// the findings of this family, sorted.
func runChecks(t *testing.T, p observation.Page) []want {
	t.Helper()
	site := &observation.Site{URL: "https://www.pref.test/", Pages: []observation.Page{p}}
	var got []want
	for _, f := range check.Run(site) {
		if f.ID == "" || f.Location == "" || len(f.Legal) == 0 || f.Title == "" {
			t.Errorf("incomplete finding %+v", f)
		}
		got = append(got, want{f.Check, f.Severity})
	}
	sort.Slice(got, func(i, j int) bool {
		if got[i].check != got[j].check {
			return got[i].check < got[j].check
		}
		return got[i].severity < got[j].severity
	})
	return got
}

// TestDetailGolden pins the finding records, detail and locations included.
func TestDetailGolden(t *testing.T) {
	p := rendered("https://www.pref.test/contact", []observation.Form{search, {Index: 1, Fields: contact.Fields}},
		ownCDN, gaScript, ga, ga, fonts, fontFile, unknown)
	p.Rendering.Typed = true
	p.Rendering.Leaks = []observation.Leak{
		leak("courriel", "contact", "google-analytics.com", "analytics", observation.EncodingPlain, "url"),
		leak("courriel", "contact", "google-analytics.com", "analytics", observation.EncodingPlain, "url"),
		leak("nom", "identity", "agence-web.test", "", observation.EncodingURL, "body"),
	}
	site := &observation.Site{URL: "https://www.pref.test/", Organisation: "Préfecture de test", Pages: []observation.Page{p}}
	b, err := json.MarshalIndent(check.Run(site), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "findings.json.golden", append(b, '\n'))
}

func TestFindingIDStable(t *testing.T) {
	mk := func(u string) []finding.Finding {
		p := rendered(u, []observation.Form{contact}, ga)
		p.Rendering.Leaks = []observation.Leak{leak("courriel", "contact", "google-analytics.com", "analytics", observation.EncodingPlain, "url")}
		return check.Run(&observation.Site{URL: "https://www.pref.test", Pages: []observation.Page{p}})
	}
	a, b := mk("https://www.pref.test/contact"), mk("https://WWW.PREF.test/contact#haut")
	if len(a) != 2 || len(b) != 2 || a[0].ID != b[0].ID || a[1].ID != b[1].ID || a[0].ID == a[1].ID {
		t.Fatalf("IDs not stable or not distinct: %+v / %+v", a, b)
	}
	for _, f := range a {
		if f.Check == "thirdparty.form-data-leak" && f.Location != "https://www.pref.test/contact#party=google-analytics.com" {
			t.Errorf("leak location = %q", f.Location)
		}
	}
}

// TestOnFormPageGrouped runs the check on a site whose template puts a
// tracker and a newsletter form on every page: one finding per form and
// party, listing the pages, with the same ID, URL and detail whatever the
// order the crawl met the pages in.
func TestOnFormPageGrouped(t *testing.T) {
	newsletter := observation.Form{Index: 0, Action: "https://www.pref.test/lettre", Method: "post",
		Fields: []observation.Field{field("courriel", "email", "contact")}}
	var pages []observation.Page
	for _, path := range []string{"/", "/actualites", "/contact", "/demarches", "/mentions-legales"} {
		forms := []observation.Form{newsletter}
		if path == "/contact" {
			c := contact
			c.Index = 1
			forms = append(forms, c)
		}
		pages = append(pages, rendered("https://www.pref.test"+path, forms, ga, fonts))
	}
	run := func(ps []observation.Page) []finding.Finding {
		var out []finding.Finding
		for _, f := range check.Run(&observation.Site{URL: "https://www.pref.test/", Pages: ps}) {
			if f.Check == "thirdparty.on-form-page" {
				out = append(out, f)
			}
		}
		return out
	}
	got := run(pages)
	// The newsletter with analytics and with fonts, the contact form with
	// each: four findings.
	if len(got) != 4 {
		t.Fatalf("%d findings, want 4: %+v", len(got), got)
	}
	counts := map[int]int{}
	for _, f := range got {
		n, _ := f.Detail[finding.DetailPagesCount].(int)
		counts[n]++
		if n == 5 && f.URL != "https://www.pref.test/" {
			t.Errorf("newsletter finding at %s, want the first page in order, https://www.pref.test/", f.URL)
		}
	}
	if counts[5] != 2 || counts[1] != 2 {
		t.Errorf("pages per finding %v, want two findings on 5 pages and two on 1", counts)
	}
	reversed := slices.Clone(pages)
	slices.Reverse(reversed)
	again := run(reversed)
	if !reflect.DeepEqual(got, again) {
		t.Errorf("findings depend on the crawl's order:\n%+v\n%+v", got, again)
	}
}

func TestScriptNoSRI(t *testing.T) {
	const u = "https://www.mairie.test/contact"
	form := []observation.Form{{Index: 0, Method: "post", Action: u, Fields: []observation.Field{
		{Tag: "input", Type: "email", Name: "email", Category: "contact"}}}}
	for _, tc := range []struct {
		name    string
		forms   []observation.Form
		scripts []observation.Resource
		want    int
	}{
		{"third party without integrity", form, []observation.Resource{{Kind: "script", URL: "https://cdn.autre.test/w.js"}}, 1},
		{"third party with integrity", form, []observation.Resource{{Kind: "script", URL: "https://cdn.autre.test/w.js", Integrity: "sha384-abc"}}, 0},
		{"own script, other host of the same site", form, []observation.Resource{{Kind: "script", URL: "https://static.mairie.test/app.js"}}, 0},
		{"no personal form", nil, []observation.Resource{{Kind: "script", URL: "https://cdn.autre.test/w.js"}}, 0},
		{"stylesheet", form, []observation.Resource{{Kind: "stylesheet", URL: "https://cdn.autre.test/s.css"}}, 0},
		{"two scripts", form, []observation.Resource{{Kind: "script", URL: "https://cdn.autre.test/w.js"}, {Kind: "script", URL: "https://tags.pub.test/t.js"}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.mairie.test/", Pages: []observation.Page{{
				Probe: observation.Probe{URL: u, FinalURL: u, Status: 200}, Forms: tc.forms, Resources: tc.scripts}}}
			n := 0
			for _, f := range check.Run(site) {
				if f.Check == "thirdparty.script-no-sri" {
					n++
				}
			}
			if n != tc.want {
				t.Errorf("%d findings, want %d", n, tc.want)
			}
		})
	}
}
