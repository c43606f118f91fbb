package farm

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/tracker"
)

// TestExpectedFor checks the ground truth per mode: Expected is the static
// one, browser-only findings are kept out of it, and the browser-mode
// sites' findings are consistent with their leaks.
func TestExpectedFor(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	static, browser := f.Expected(), f.ExpectedFor(ModeBrowser)
	if !slices.Equal(static, f.ExpectedFor(ModeStatic)) {
		t.Errorf("Expected() differs from ExpectedFor(ModeStatic)")
	}
	for _, e := range static {
		if e.Mode == ModeBrowser {
			t.Errorf("static ground truth holds a browser-only finding: %s %s", e.Check, e.URL)
		}
	}
	browserOnly := map[string]int{}
	for _, e := range browser {
		if e.Mode == ModeStatic {
			t.Errorf("browser ground truth holds a static-only finding: %s %s", e.Check, e.URL)
		}
		if e.Mode == ModeBrowser {
			browserOnly[e.Check]++
		}
	}
	for _, c := range []string{CheckThirdPartyOnForm, CheckFormDataLeak, CheckCookieConsent, CheckHTTPPage} {
		if browserOnly[c] == 0 {
			t.Errorf("no site expects %s in browser mode only", c)
		}
	}
	for _, e := range static {
		// thirdparty.script-no-sri reads the page's script elements: a
		// static audit sees them.
		if (strings.HasPrefix(e.Check, "thirdparty.") && e.Check != CheckScriptNoSRI) || strings.HasPrefix(e.Check, "cookies.") {
			t.Errorf("%s %s expected in static mode, which renders nothing", e.Check, e.URL)
		}
	}

	// Each page leaking to a party has one CheckFormDataLeak finding per
	// party and a CheckThirdPartyOnForm finding.
	type pageKey struct{ site, url string }
	parties := map[pageKey]map[string]bool{}
	trackers, err := tracker.Load(bytes.NewReader(TrackerListCSV()), "farm trackers")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range f.ExpectedLeaks() {
		k := pageKey{l.Site, l.URL}
		if parties[k] == nil {
			parties[k] = map[string]bool{}
		}
		parties[k][l.Party] = true
		if _, ok := trackers.Lookup("www." + l.Party); !ok {
			t.Errorf("leak to %s: party not in TrackerListCSV", l.Party)
		}
		if l.Field == "" || l.Form < 0 || l.Encoding == "" {
			t.Errorf("leak %+v: field, form or encoding missing", l)
		}
	}
	leaks, onForm := map[pageKey]int{}, map[pageKey]bool{}
	for _, e := range browser {
		switch e.Check {
		case CheckFormDataLeak:
			leaks[pageKey{e.Site, e.URL}]++
		case CheckThirdPartyOnForm:
			onForm[pageKey{e.Site, e.URL}] = true
		}
	}
	for k, ps := range parties {
		if leaks[k] != len(ps) {
			t.Errorf("%s: %d %s findings expected, want one per receiving party (%d)", k.url, leaks[k], CheckFormDataLeak, len(ps))
		}
		if !onForm[k] {
			t.Errorf("%s leaks to a third party without a %s finding", k.url, CheckThirdPartyOnForm)
		}
	}
	for k := range leaks {
		if parties[k] == nil {
			t.Errorf("%s: %s expected but ExpectedLeaks lists none", k.url, CheckFormDataLeak)
		}
	}
}

// TestBrowserSites checks the sites made for browser mode: tagged
// "browser", listed, their third parties served but not listed.
func TestBrowserSites(t *testing.T) {
	f := startFarm(t, Options{})
	var tagged []Site
	hosts := map[string]bool{}
	for _, s := range f.Sites() {
		hosts[registrable(s.Host)] = true
		if slices.Contains(s.Tags, "browser") {
			tagged = append(tagged, s)
		}
	}
	for _, id := range []string{"js-form", "typed-leak", "replay-leak", "pageview-only", "cookie-consent", "consent-lookalike", "browser-clean", "frame-form"} {
		if !slices.ContainsFunc(tagged, func(s Site) bool { return s.Archetype == id }) {
			t.Errorf("archetype %s: no listed site tagged browser", id)
		}
	}
	for _, d := range []string{trackerStats, trackerPub, trackerReplay, "formulaires-prestataire.test"} {
		if hosts[d] {
			t.Errorf("third party %s is listed as a site", d)
		}
	}

	var b bytes.Buffer
	if err := f.WriteTargetsCSV(&b, "browser"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(tagged)+1 || strings.Join(rows[0], ",") != "url,organisation,tags" {
		t.Fatalf("browser targets: %d rows, header %v; want %d sites", len(rows), rows[0], len(tagged))
	}
	for i, s := range tagged {
		if rows[i+1][0] != s.URL {
			t.Errorf("browser targets row %d = %v, want %s", i+1, rows[i+1], s.URL)
		}
	}
}

// TestTargetsModeColumn checks that the mode column is written when, and
// only when, a site asks for a mode.
func TestTargetsModeColumn(t *testing.T) {
	f := &Farm{sites: []*siteInst{
		{pub: Site{URL: "https://www.a.test/", Organisation: "A", Tags: []string{"x"}}},
		{pub: Site{URL: "https://www.b.test/", Organisation: "B", Tags: []string{"browser"}, Mode: ModeBrowser}},
	}}
	for _, tc := range []struct {
		tags []string
		want string
	}{
		{nil, "url,organisation,tags,mode\nhttps://www.a.test/,A,x,\nhttps://www.b.test/,B,browser,browser\n"},
		{[]string{"x"}, "url,organisation,tags\nhttps://www.a.test/,A,x\n"},
		{[]string{"browser", "x"}, "url,organisation,tags,mode\nhttps://www.a.test/,A,x,\nhttps://www.b.test/,B,browser,browser\n"},
	} {
		var b strings.Builder
		if err := f.WriteTargetsCSV(&b, tc.tags...); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("tags %v: got\n%s\nwant\n%s", tc.tags, b.String(), tc.want)
		}
	}
}

// TestTrackerList checks that the farm's tracker list parses and classifies
// the trackers' hosts.
func TestTrackerList(t *testing.T) {
	l, err := tracker.Load(bytes.NewReader(TrackerListCSV()), "farm trackers")
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"cdn.stats-mesure.test":      tracker.Analytics,
		"collecte.stats-mesure.test": tracker.Analytics,
		"ad.pub-regie.test":          tracker.Advertising,
		"tag.pub-regie.test":         tracker.Advertising,
		"ingest.replay-session.test": tracker.SessionReplay,
	} {
		if e, ok := l.Lookup(host); !ok || e.Category != want {
			t.Errorf("Lookup(%s) = %+v, %v; want %s", host, e, ok, want)
		}
	}
	if _, ok := l.Lookup("www.formulaires-prestataire.test"); ok {
		t.Errorf("the form provider is in the tracker list")
	}
}

var srcAttr = regexp.MustCompile(`(?:src)="(https://[^"]+)"`)

// TestThirdPartyResources fetches every third-party resource the
// browser-mode sites' pages load: scripts as JavaScript, frames as HTML,
// pixels as GIF.
func TestThirdPartyResources(t *testing.T) {
	f := startFarm(t, Options{})
	c := newClient(t, f, 2*time.Second)
	pages := []string{
		"https://www.mairie-montlucon.test/contact.html",
		"https://www.oph-allier.test/contact.html",
		"https://www.mairie-yzeure.test/contact.html",
		"https://www.ville-vichy.test/",
		"https://www.ccas-commentry.test/rendez-vous.html",
	}
	seen := map[string]bool{}
	for _, p := range pages {
		for _, m := range srcAttr.FindAllStringSubmatch(string(get(t, c, p)), -1) {
			u := strings.ReplaceAll(m[1], "&amp;", "&")
			seen[u] = true
			resp, err := c.Get(u)
			if err != nil {
				t.Errorf("%s loads %s: %v", p, u, err)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			ct := resp.Header.Get("Content-Type")
			var want string
			switch {
			case strings.Contains(u, ".js"):
				want = "application/javascript"
			case strings.Contains(u, ".gif"):
				want = "image/gif"
			default:
				want = "text/html"
			}
			if resp.StatusCode != 200 || !strings.HasPrefix(ct, want) || len(body) == 0 {
				t.Errorf("%s loads %s: status %d, %s, %d bytes; want 200 %s", p, u, resp.StatusCode, ct, len(body), want)
			}
		}
	}
	if len(seen) != 5 {
		t.Errorf("the browser-mode pages load %d third-party resources, want 5: %v", len(seen), seen)
	}
	// The scripts send to their own collectors.
	for u, want := range map[string]string{
		"https://cdn.stats-mesure.test/a.js":      "https://collecte.stats-mesure.test/c",
		"https://tag.pub-regie.test/t.js":         "https://ad.pub-regie.test/conv.gif",
		"https://static.replay-session.test/r.js": "https://ingest.replay-session.test/v1/rec",
	} {
		if b := get(t, c, u); !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s does not send to %s", u, want)
		}
	}
}

// TestCollectors checks the trackers' collector endpoints: GET and POST
// answered (204, or a GIF for pixels), hits counted and recorded, the
// advertising pixel's third-party cookie set.
func TestCollectors(t *testing.T) {
	f := startFarm(t, Options{})
	c := noRedirect(newClient(t, f, 2*time.Second))
	for _, tc := range []struct {
		method, url, body string
		status            int
		ctype, cookie     string
	}{
		{"GET", "https://collecte.stats-mesure.test/c?v=3&t=field&f=nom&fv=Dupont", "", 204, "", ""},
		{"POST", "https://collecte.stats-mesure.test/c", "t=pageview", 204, "", ""},
		{"GET", "https://ad.pub-regie.test/conv.gif?pid=1&em=ab12", "", 200, "image/gif", ""},
		{"GET", "https://ad.pub-regie.test/px.gif?pid=1", "", 200, "image/gif", "IDE="},
		{"POST", "https://ingest.replay-session.test/v1/rec", `{"ev":[{"t":"input","f":"nom","v":"RHVwb250"}]}`, 204, "", ""},
		{"OPTIONS", "https://ingest.replay-session.test/v1/rec", "", 204, "", ""},
		{"PUT", "https://ingest.replay-session.test/v1/rec", "x", 405, "", ""},
	} {
		req, err := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Referer", "https://www.mairie-montlucon.test/contact.html")
		resp, err := c.Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.url, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s %s: status %d, %s; want %d %s", tc.method, tc.url, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype)
		}
		if tc.ctype == "image/gif" && !bytes.HasPrefix(body, []byte("GIF89a")) {
			t.Errorf("%s: not a GIF: %q", tc.url, body)
		}
		if got := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(got, tc.cookie) || (tc.cookie == "") != (got == "") {
			t.Errorf("%s: Set-Cookie %q, want %q", tc.url, got, tc.cookie)
		} else if got != "" && (!strings.Contains(got, "SameSite=None") || !strings.Contains(got, "Secure")) {
			t.Errorf("%s: third-party cookie %q lacks SameSite=None; Secure", tc.url, got)
		}
	}
	for _, tc := range []struct {
		host, path string
		hits       int
	}{
		{"collecte.stats-mesure.test", "/c", 2},
		{"ad.pub-regie.test", "/conv.gif", 1},
		{"ad.pub-regie.test", "/px.gif", 1},
		{"ingest.replay-session.test", "/v1/rec", 1},
		{"www.mairie-montlucon.test", "/contact.html", 0},
	} {
		if n := f.Hits(tc.host, tc.path); n != tc.hits {
			t.Errorf("Hits(%s, %s) = %d, want %d", tc.host, tc.path, n, tc.hits)
		}
		if n := len(f.Beacons(tc.host, tc.path)); n != tc.hits {
			t.Errorf("Beacons(%s, %s): %d, want %d", tc.host, tc.path, n, tc.hits)
		}
	}
	b := f.Beacons("collecte.stats-mesure.test", "/c")
	if b[0].Method != "GET" || b[0].URL != "https://collecte.stats-mesure.test/c?v=3&t=field&f=nom&fv=Dupont" ||
		b[0].Referer != "https://www.mairie-montlucon.test/contact.html" || b[1].Method != "POST" || b[1].Body != "t=pageview" {
		t.Errorf("beacons recorded: %+v", b)
	}
}
