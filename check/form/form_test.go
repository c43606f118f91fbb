package form

import (
	"reflect"
	"sort"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

func field(name, typ, cat string) observation.Field {
	return observation.Field{Tag: "input", Name: name, Type: typ, Category: cat}
}

func page(url string, forms ...observation.Form) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200}, Forms: forms}
}

var (
	contact = []observation.Field{field("nom", "text", "identity"), field("courriel", "email", "contact"), {Tag: "textarea", Name: "message", Category: "message"}}
	search  = []observation.Field{field("q", "search", "")}
	login   = []observation.Field{field("login", "text", "credentials"), field("pass", "password", "credentials")}
	health  = []observation.Field{field("nom", "text", "identity"), {Tag: "textarea", Name: "antecedents", Category: "health"}}
)

type want struct {
	check    string
	severity finding.Severity
}

func TestFormChecks(t *testing.T) {
	tests := []struct {
		name  string
		pages []observation.Page
		want  []want
	}{
		{"contact form on http page with relative action", []observation.Page{page("http://pref.test/contact",
			observation.Form{Action: "http://pref.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-page", finding.High}}},
		{"http page posting to https", []observation.Page{page("http://pref.test/contact",
			observation.Form{Action: "https://pref.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-page", finding.High}}},
		{"https page posting to http", []observation.Page{page("https://pref.test/contact",
			observation.Form{Action: "http://pref.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-action", finding.High}}},
		{"https page, formaction to http", []observation.Page{page("https://pref.test/contact",
			observation.Form{Action: "https://pref.test/envoi", Method: "post", Fields: contact,
				Submitters: []observation.Submitter{{Action: "HTTP://pref.test/old", Method: "post"}}})},
			[]want{{"form.http-action", finding.High}}},
		{"login on http: the page's defect and the password's, no http-action", []observation.Page{page("http://pref.test/login",
			observation.Form{Action: "http://pref.test/login", Method: "post", Fields: login})},
			[]want{{"form.http-page", finding.Critical}, {"form.password-http", finding.Critical}}},
		{"form in an http frame posting over http is the frame's defect only", []observation.Page{page("https://pref.test/contact",
			observation.Form{Frame: "http://formulaires.test/contact", Action: "http://formulaires.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-page", finding.High}}},
		{"health data raises severity", []observation.Page{page("http://clinique.test/rdv",
			observation.Form{Action: "https://clinique.test/rdv", Method: "post", Fields: health})},
			[]want{{"form.http-page", finding.Critical}}},
		{"all https is fine", []observation.Page{page("https://pref.test/contact",
			observation.Form{Action: "https://pref.test/envoi", Method: "post", Fields: login})}, nil},
		{"search box on http is not personal", []observation.Page{page("http://pref.test/",
			observation.Form{Action: "http://pref.test/recherche", Method: "get", Fields: search})}, nil},
		{"form without fields", []observation.Page{page("http://pref.test/",
			observation.Form{Action: "http://pref.test/x", Method: "get"})}, nil},
		{"failed page is skipped", []observation.Page{{Probe: observation.Probe{URL: "http://pref.test/c", Error: "timeout"},
			Forms: []observation.Form{{Action: "http://pref.test/envoi", Fields: contact}}}}, nil},
		{"form in an http frame of an https page (browser mode)", []observation.Page{page("https://pref.test/contact",
			observation.Form{Frame: "http://formulaires.test/contact", Action: "https://formulaires.test/envoi", Method: "post", Fields: contact})},
			[]want{{"form.http-page", finding.High}}},
		{"form in an https frame of an http page is protected by the frame", []observation.Page{page("http://pref.test/contact",
			observation.Form{Frame: "https://formulaires.test/contact", Action: "https://formulaires.test/envoi", Method: "post", Fields: contact})}, nil},
		{"two forms, two findings", []observation.Page{page("http://pref.test/contact",
			observation.Form{Index: 0, Action: "https://pref.test/a", Fields: contact},
			observation.Form{Index: 1, Action: "https://pref.test/b", Fields: contact})},
			[]want{{"form.http-page", finding.High}, {"form.http-page", finding.High}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "http://pref.test/", Pages: tt.pages}
			var got []want
			for _, f := range check.Run(site) {
				got = append(got, want{f.Check, f.Severity})
				if f.ID == "" || f.Location == "" || len(f.Legal) == 0 || f.Title == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i].check < got[j].check })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFindingIDStableAcrossScans(t *testing.T) {
	mk := func() []finding.Finding {
		site := &observation.Site{URL: "http://pref.test", Pages: []observation.Page{page("http://PREF.test/contact#top",
			observation.Form{Action: "http://pref.test/envoi", Fields: contact})}}
		return check.Run(site)
	}
	a, b := mk(), mk()
	if len(a) != 1 || a[0].ID != b[0].ID {
		t.Fatalf("IDs not stable/distinct: %+v %+v", a, b)
	}
}

// TestSameFormOnSeveralPages checks that a form repeated on several pages
// is one finding per defect, listing the pages, with an ID, URL and detail
// that do not depend on the order the pages were crawled in; and that
// forms that differ are not merged.
func TestSameFormOnSeveralPages(t *testing.T) {
	newsletter := []observation.Field{field("courriel", "email", "contact"), field("ok", "submit", "")}
	nl := func(idx int, action string) observation.Form {
		return observation.Form{Index: idx, Action: action, Method: "post", Fields: newsletter}
	}
	pages := []observation.Page{
		page("http://pref.test/actualites", nl(1, "http://pref.test/lettre")),
		page("http://pref.test/", nl(0, "http://pref.test/lettre")),
		page("http://pref.test/contact", nl(2, "http://pref.test/lettre"),
			observation.Form{Index: 0, Action: "http://pref.test/envoi", Method: "post", Fields: contact}),
		page("http://pref.test/agenda", nl(1, "http://pref.test/lettre")),
	}
	run := func(ps []observation.Page) []finding.Finding {
		return check.Run(&observation.Site{URL: "http://pref.test/", Pages: ps})
	}
	got := run(pages)
	reversed := make([]observation.Page, len(pages))
	for i, p := range pages {
		reversed[len(pages)-1-i] = p
	}
	if again := run(reversed); !reflect.DeepEqual(got, again) {
		t.Errorf("findings depend on crawl order:\n%+v\n%+v", got, again)
	}
	if len(got) != 2 {
		t.Fatalf("got %d findings, want 2 (newsletter, contact): %+v", len(got), got)
	}
	var letter finding.Finding
	for _, f := range got {
		if f.Detail["form_action"] == "http://pref.test/lettre" {
			letter = f
		}
	}
	if letter.Check != "form.http-page" || letter.URL != "http://pref.test/" || letter.Detail["form_index"] != 0 {
		t.Errorf("newsletter finding %s at %s (form %v), want form.http-page at the first page in URL order, http://pref.test/, form 0",
			letter.Check, letter.URL, letter.Detail["form_index"])
	}
	wantPages := []string{"http://pref.test/", "http://pref.test/actualites", "http://pref.test/agenda", "http://pref.test/contact"}
	if !reflect.DeepEqual(finding.Pages(letter.Detail), wantPages) || letter.Detail[finding.DetailPagesCount] != 4 {
		t.Errorf("pages %v (count %v), want %v (4)", letter.Detail[finding.DetailPages], letter.Detail[finding.DetailPagesCount], wantPages)
	}

	// Another action, another method or another field is another form.
	for _, f := range []observation.Form{
		nl(0, "http://pref.test/lettre-bis"),
		{Action: "http://pref.test/lettre", Method: "get", Fields: newsletter},
		{Action: "http://pref.test/lettre", Method: "post", Fields: append([]observation.Field{field("nom", "text", "identity")}, newsletter...)},
	} {
		fs := run([]observation.Page{pages[1], page("http://pref.test/autre", f)})
		if len(fs) != 2 {
			t.Errorf("form %+v: %d findings, want 2 (not merged with the newsletter form)", f, len(fs))
		}
	}
}

func TestSignature(t *testing.T) {
	base := observation.Form{Action: "http://Wiki.test:80/index.php?title=Special:UserLogin&returnto=Accueil", Method: "post",
		Fields: []observation.Field{field("wpName", "text", "credentials"), field("wpPassword", "password", "credentials")}}
	same := base
	same.Action = "http://wiki.test/index.php?title=Special:UserLogin&returnto=Aide&returntoquery=action%3Dedit#top"
	same.Fields = []observation.Field{base.Fields[1], base.Fields[0], base.Fields[0]}
	same.Index = 3
	if a, b := Signature(&base), Signature(&same); a != b {
		t.Errorf("signatures differ for the same form:\n%s\n%s", a, b)
	}
	want := "form:post http://wiki.test/index.php fields=wpName,wpPassword"
	if got := Signature(&base); got != want {
		t.Errorf("Signature = %q, want %q", got, want)
	}
	other := base
	other.Fields = append([]observation.Field{field("retype", "password", "credentials")}, base.Fields...)
	framed := base
	framed.Frame = "http://autre.test/connexion"
	formaction := base
	formaction.Submitters = []observation.Submitter{{Action: "http://wiki.test/ancien", Method: "post"}}
	for name, f := range map[string]observation.Form{"another field": other, "in a frame": framed, "formaction": formaction} {
		if Signature(&f) == Signature(&base) {
			t.Errorf("%s: same signature as the base form", name)
		}
	}
}
