package detect

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var longDigits = regexp.MustCompile(`[0-9]{5}`)

// FuzzScan reads arbitrary bytes as every format: no panic, samples
// masked, labels in order, no control character in the flat text but the
// field, paragraph and record separators.
func FuzzScan(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.html")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint8(FormatHTML))
		}
	}
	for _, s := range []string{
		`{"email":"a.b@gmail.com","dob":"1985-03-12","x":[1,"\ud83d\ude00",{"iban":"FR76 1773 4397 5399 2273 4253 568"}]}`,
		"nom;tel\n\"a\"\"b\";06 12 34 56 78\n",
		"<a x='1' email=\"c@d.fr\"><![CDATA[+33 (0)6 12 34 56 78]]></a>",
		"né le 1er mars 1985, 1 85 03 2A 012 345 47, 4970 1012 3456 7893, IP 81.2.3.4, 12 rue X 75011 Paris",
		"<table><tr><th>a<td>b<tr><td><table><th>c</table>", "&#xFFFFFFFF;&#99999999999;&amp", `"\u`, "+33(0)",
	} {
		for fm := FormatText; fm <= FormatCSV; fm++ {
			f.Add([]byte(s), uint8(fm))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, format uint8) {
		fm := Format(format%uint8(FormatCSV) + 1)
		p := ScanFormat(body, fm, Options{Salt: []byte("fuzz"), OwnDomains: []string{"x.fr"}})
		if p != nil {
			total := 0
			for _, n := range p.Distinct {
				total += n
			}
			if p.People > total {
				t.Errorf("People %d > %d distinct values", p.People, total)
			}
			for _, s := range p.Samples {
				if longDigits.MatchString(s.Masked) || s.Kind == "" || s.Category == "" {
					t.Errorf("sample %+v", s)
				}
			}
		}
		fl := &flat{intern: map[string]string{}}
		switch fm {
		case FormatHTML, FormatXML:
			fl.html(body, fm == FormatXML)
		case FormatJSON:
			fl.json(body)
		case FormatCSV:
			fl.csv(body)
		default:
			return
		}
		for _, c := range fl.text {
			if c < ' ' && c != '\t' && c != '\n' && c != '\r' {
				t.Fatalf("control byte %#x in flat text %q", c, fl.text)
			}
		}
		last := 0
		for _, l := range fl.labels {
			if l.start < last || l.start > len(fl.text) {
				t.Fatalf("labels out of order: %+v (text %d bytes)", fl.labels, len(fl.text))
			}
			last = l.start
		}
	})
}
