package check

import (
	"encoding/json"
	"strings"
	"testing"

	"vigie/observation"
)

// TestReportMasks: a finding names where it was seen, never whom, and
// keeps its ID whatever it masks.
func TestReportMasks(t *testing.T) {
	const page = "https://www.exemple.test/fiche.php?nom=Zorglub&prenom=Zoe&id=3"
	r := &Reporter{site: &observation.Site{URL: "https://www.exemple.test/"}, index: map[string]int{}}
	r.Report(Issue{Check: testCheck, URL: page, Detail: map[string]any{
		"files":  []string{"liste-adherents.csv", "jean.dupont@orange.fr.vcf"},
		"nested": map[string]any{"page": page},
		"count":  3,
	}})
	if len(r.out) != 1 {
		t.Fatalf("%d findings", len(r.out))
	}
	f := r.out[0]
	b, _ := json.Marshal(f)
	for _, clear := range []string{"Zorglub", "Zoe", "jean.dupont"} {
		if strings.Contains(string(b), clear) {
			t.Errorf("%q in clear in %s", clear, b)
		}
	}
	for _, kept := range []string{"fiche.php?nom=", "id=3", "liste-adherents.csv", `"count":3`} {
		if !strings.Contains(string(b), kept) {
			t.Errorf("%q lost from %s", kept, b)
		}
	}
	r2 := &Reporter{site: r.site, index: map[string]int{}}
	r2.Report(Issue{Check: f.Check, URL: "https://www.exemple.test/fiche.php?nom=Autre&prenom=Zoe&id=3"})
	if r2.out[0].ID == f.ID {
		t.Error("two pages about two people share a finding ID")
	}
}

// testCheck is a check registered for this package's tests only.
const testCheck = "test.masking"

func init() {
	Register("test", []byte(`[{"id":"test.masking","severity":"low","confidence":"firm",
		"title":{"fr":"Essai","en":"Test"},"rationale":{"fr":"Essai","en":"Test"},
		"remediation":{"fr":"Essai","en":"Test"},"legal":["GDPR art. 32"]}]`), func(*observation.Site, *Reporter) {})
}
