package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"vigie/finding"
)

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTableFitsWidth(t *testing.T) {
	const site = "https://www.example.gouv.fr/"
	long := site + strings.Repeat("démarche/", 30) + "?id=1"
	sites := []*Site{{
		URL: site,
		Findings: []finding.Finding{
			{ID: "1", Check: "test.alpha", Severity: finding.High, Site: site, URL: long},
			{ID: "2", Check: "family.a-check-id-much-longer-than-the-column-allows", Severity: finding.Low, Site: site, URL: site},
			{ID: "3", Check: "test.beta", Severity: finding.Critical, Site: site, URL: site + "court"},
		},
	}}
	for _, colour := range []bool{false, true} {
		out := string(render(t, "table", Options{Color: colour}, sites, Scan{}))
		lines := strings.Split(out, "\n")
		table := lines[:4] // header and three rows
		for _, l := range table {
			plain := ansiEscape.ReplaceAllString(l, "")
			if n := utf8.RuneCountInString(plain); n > tableWidth {
				t.Errorf("colour=%v: line of %d characters: %q", colour, n, plain)
			}
		}
		if !strings.Contains(table[2], "…") || strings.Contains(out, long) {
			t.Errorf("colour=%v: long URL not truncated with an ellipsis:\n%s", colour, out)
		}
		if !strings.Contains(out, "family.a-check-id-much-longer-t…") {
			t.Errorf("colour=%v: long check ID not truncated:\n%s", colour, out)
		}
		// Most serious first.
		if !strings.Contains(ansiEscape.ReplaceAllString(table[1], ""), "critical") ||
			!strings.Contains(ansiEscape.ReplaceAllString(table[3], ""), "low") {
			t.Errorf("colour=%v: rows not sorted by severity:\n%s", colour, out)
		}
		if hasANSI := ansiEscape.MatchString(out); hasANSI != colour {
			t.Errorf("colour=%v: output has ANSI escapes: %v", colour, hasANSI)
		}
	}
}

// A hostile URL or error message must not drive the terminal.
func TestTableStripsControlCharacters(t *testing.T) {
	site := &Site{
		URL: "https://evil.example/",
		Findings: []finding.Finding{{
			ID: "1", Check: "test.alpha", Severity: finding.High,
			Site: "https://evil.example/", URL: "https://evil.example/\x1b]0;pwned\x07\x1b[2J",
		}},
	}
	failed := &Site{URL: "https://down.example/", Organisation: "Org\x1b[31m", Error: "boom\r\nfake line\x1b[0m"}
	out := string(render(t, "table", Options{}, []*Site{site, failed}, Scan{}))
	if strings.ContainsAny(out, "\x1b\x07\r") {
		t.Errorf("control characters reach the terminal: %q", out)
	}
	if strings.Contains(out, "\nfake line") {
		t.Errorf("an error message starts a line of its own: %q", out)
	}
}

func TestTableSummary(t *testing.T) {
	out := string(render(t, "table", Options{}, fixture(), fixtureScan()))
	want := "4 sites audited, 1 failed, 7 findings (1 critical, 2 high, 2 medium, 1 low, 1 info)"
	if !strings.Contains(out, want) {
		t.Errorf("summary missing %q:\n%s", want, out)
	}
	if !strings.Contains(out, "https://injoignable.exemple.fr/ (Commune d'Injoignable): dial tcp: lookup injoignable.exemple.fr: no such host [dns]") {
		t.Errorf("failed site missing:\n%s", out)
	}
}

func FuzzTruncatePrintable(f *testing.F) {
	f.Add("https://example.fr/é/\x1b[31m", 10)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 500 {
			return
		}
		got := truncate(printable(s), n)
		if utf8.RuneCountInString(got) > n {
			t.Errorf("truncate(%q, %d) = %q, too long", s, n, got)
		}
		for _, r := range got {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Errorf("control character %U left in %q", r, got)
			}
		}
	})
}

// Past its bound, the table lists the most severe findings, and the first
// sites not audited, and counts the others; its summary counts them all.
func TestTableBounded(t *testing.T) {
	sites := fixture()
	for _, u := range []string{"https://panne-1.exemple.fr/", "https://panne-2.exemple.fr/"} {
		sites = append(sites, &Site{URL: u, Error: "connection refused", ErrorKind: "connect"})
	}
	var b bytes.Buffer
	tw := newTable(&b, Options{})
	tw.max = 2
	for _, s := range sites {
		if err := tw.WriteSite(s); err != nil {
			t.Fatal(err)
		}
	}
	if len(tw.rows) > 2*tw.max || len(tw.failed) > tw.max {
		t.Errorf("%d rows and %d failed sites kept, want at most %d and %d", len(tw.rows), len(tw.failed), 2*tw.max, tw.max)
	}
	if err := tw.Close(Scan{}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.bounded.table.golden", b.Bytes())
}
