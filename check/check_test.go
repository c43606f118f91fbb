package check

import (
	"fmt"
	"slices"
	"testing"

	"vigie/finding"
	"vigie/observation"
)

// The test family reports, on every page of a site, one grouped issue
// ("test.grouped", located by the site's template) and one plain issue
// ("test.plain", located by the same name on every page).
const testCatalogue = `[
 {"id": "test.grouped", "severity": "high", "confidence": "certain", "title": {"fr": "t", "en": "t"},
  "rationale": {"fr": "r", "en": "r"}, "remediation": {"fr": "m", "en": "m"}, "legal": ["GDPR art. 32"]},
 {"id": "test.plain", "severity": "low", "confidence": "firm", "title": {"fr": "t", "en": "t"},
  "rationale": {"fr": "r", "en": "r"}, "remediation": {"fr": "m", "en": "m"}, "legal": ["GDPR art. 32"]}
]`

func init() {
	Register("test", []byte(testCatalogue), func(site *observation.Site, r *Reporter) {
		for i, p := range site.Pages {
			r.Report(Issue{Check: "test.grouped", URL: p.URL, Location: "template", Grouped: true, Detail: map[string]any{"seen": i}})
			r.Report(Issue{Check: "test.plain", URL: p.URL, Location: "same", Detail: map[string]any{"seen": i}})
		}
	})
}

func TestReporterGroups(t *testing.T) {
	site := &observation.Site{URL: "https://x.test/"}
	var want []string
	for i := 60; i > 0; i-- {
		u := fmt.Sprintf("https://x.test/p%02d", i)
		site.Pages = append(site.Pages, observation.Page{Probe: observation.Probe{URL: u}})
	}
	// A page whose URL had a secret masked sorts last; the same page
	// twice counts once; pages are listed normalised.
	site.Pages = append(site.Pages,
		observation.Page{Probe: observation.Probe{URL: "https://x.test/a;jsessionid=" + finding.MaskedSecret}},
		observation.Page{Probe: observation.Probe{URL: "HTTPS://X.test:443/p07"}})
	for i := 1; i <= finding.MaxListedPages; i++ {
		want = append(want, fmt.Sprintf("https://x.test/p%02d", i))
	}
	fs := Run(site)
	if len(fs) != 2 {
		t.Fatalf("%d findings, want 2: %+v", len(fs), fs)
	}
	g, p := fs[0], fs[1]
	if g.Check != "test.grouped" || p.Check != "test.plain" {
		t.Fatalf("findings %s, %s", g.Check, p.Check)
	}
	if g.URL != "https://x.test/p01" || g.Detail["seen"] != 59 {
		t.Errorf("grouped finding at %s from report %v, want the first page in URL order, p01 (report 59)", g.URL, g.Detail["seen"])
	}
	if g.Detail[finding.DetailPagesCount] != 61 || !slices.Equal(finding.Pages(g.Detail), want) {
		t.Errorf("grouped finding lists %v pages: %v", g.Detail[finding.DetailPagesCount], g.Detail[finding.DetailPages])
	}
	if p.URL != "https://x.test/p60" || p.Detail["seen"] != 0 || p.Detail[finding.DetailPages] != nil {
		t.Errorf("plain finding at %s (report %v, pages %v), want the first reported, without pages", p.URL, p.Detail["seen"], p.Detail[finding.DetailPages])
	}

	// Reversed, the same findings.
	slices.Reverse(site.Pages)
	again := Run(site)
	if again[0].URL != g.URL || again[0].ID != g.ID || !slices.Equal(finding.Pages(again[0].Detail), want) {
		t.Errorf("grouped finding depends on page order: %s %v", again[0].URL, again[0].Detail[finding.DetailPages])
	}
}
