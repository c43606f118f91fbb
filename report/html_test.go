package report

import (
	"strings"
	"testing"

	"vigie/finding"
)

// Everything that comes from audited sites or the user's lists must reach
// the page as text, never as markup or script.
func TestHTMLEscaping(t *testing.T) {
	const site = "https://evil.example/"
	hostile := &Site{
		URL:          site,
		Organisation: "<script>alert('org')</script>",
		Tags:         []string{`"><img src=x onerror=alert(1)>`},
		Findings: []finding.Finding{{
			ID: "1", Check: "x.<b>check</b>", Severity: finding.High, Site: site,
			URL:    "javascript:alert(document.cookie)",
			Title:  "<img src=x onerror=alert('title')>",
			Detail: map[string]any{"field": "</td><script>alert('detail')</script>"},
			Legal:  []string{"<iframe src=//evil.example>"},
		}},
	}
	failed := &Site{URL: "https://down.example/<svg onload=alert(1)>", Organisation: "<script>x</script>", Error: "<script>alert('error')</script>", ErrorKind: "<b>dns</b>"}
	scan := Scan{ID: "<script>id</script>", Version: "<b>v</b>", Settings: map[string]string{"<k>": "<v>"}}
	out := string(render(t, "html", Options{}, []*Site{hostile, failed}, scan))

	for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<b>", "<k>", `href="javascript:`} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt;",
		"&lt;img src=x onerror=alert(&#39;title&#39;)&gt;",
		"&lt;/td&gt;&lt;script&gt;alert(&#39;detail&#39;)&lt;/script&gt;",
		"&lt;script&gt;alert(&#39;error&#39;)&lt;/script&gt;",
		`href="#ZgotmplZ"`, // html/template's marker for a refused URL
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// The page must stand alone: no scripts, no external style sheets, images or
// fonts, and links that do not leak the report's address.
func TestHTMLSelfContained(t *testing.T) {
	out := string(render(t, "html", Options{}, fixture(), fixtureScan()))
	for _, bad := range []string{"<script", "<link", "<img", "@import", "url(", "<iframe"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if n, m := strings.Count(out, "<a "), strings.Count(out, `rel="noreferrer"`); n == 0 || n != m {
		t.Errorf("%d links, %d with rel=noreferrer", n, m)
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>\n<html lang=\"en\">") {
		t.Errorf("page starts %q", out[:40])
	}
	fr := string(render(t, "html", Options{Lang: "fr"}, fixture(), fixtureScan()))
	if !strings.Contains(fr, `<html lang="fr">`) || !strings.Contains(fr, "Dossiers personnels lisibles sans authentification") {
		t.Error("French page lacks its lang attribute or French titles")
	}
}

func TestHTMLOrganisationOrder(t *testing.T) {
	mk := func(url, org string) *Site { return &Site{URL: url, Organisation: org} }
	sites := []*Site{
		mk("https://z.example/", ""),
		mk("https://b.example/", "beta"),
		mk("https://a2.example/", "Alpha"),
		mk("https://a1.example/", "Alpha"),
		{URL: "https://down.example/", Organisation: "Gamma", Error: "refused", ErrorKind: "refused"},
	}
	out := string(render(t, "html", Options{}, sites, Scan{}))
	order := []string{
		"<h2>Alpha</h2>", "https://a1.example/", "https://a2.example/",
		"<h2>beta</h2>", "<h2>(no organisation)</h2>", "https://z.example/",
		"<h2>Sites not audited</h2>", "https://down.example/",
	}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i < 0 {
			t.Fatalf("page lacks %q", s)
		}
		if i < last {
			t.Errorf("%q is out of order", s)
		}
		last = i
	}
	if strings.Contains(out, "<h2>Gamma</h2>") {
		t.Error("a site that was not audited has an organisation section")
	}
}

// TestHTMLDatasetAttribution: a scan that judged hosting with the IP
// datasets credits them (their CC BY 4.0 licence asks for it); one that
// did not says nothing of them.
func TestHTMLDatasetAttribution(t *testing.T) {
	for _, tc := range []struct {
		lang, want string
	}{{"en", "CC BY 4.0 by RouteViews, DB-IP"}, {"fr", "CC BY 4.0 par RouteViews, DB-IP"}} {
		scan := Scan{ID: "s", Settings: map[string]string{"ip_datasets": "ip-location-db/asn-ipv4.mmdb@2026-12-01 sha256:ab"}}
		out := string(render(t, "html", Options{Lang: tc.lang}, []*Site{{URL: "https://a.test/"}}, scan))
		if !strings.Contains(out, tc.want) || !strings.Contains(out, "asn-ipv4.mmdb@2026-12-01 sha256:ab") {
			t.Errorf("%s: no attribution of the datasets", tc.lang)
		}
		out = string(render(t, "html", Options{Lang: tc.lang}, []*Site{{URL: "https://a.test/"}}, Scan{ID: "s"}))
		if strings.Contains(out, "RouteViews") {
			t.Errorf("%s: attribution without datasets", tc.lang)
		}
	}
}
