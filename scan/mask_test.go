package scan

import (
	"testing"

	"vigie/finding"
	"vigie/observation"
	"vigie/pii/detect"
)

// TestEvidenceOfMaskedURL: a finding names a page with its personal
// query values masked; its evidence is still the page's exchange.
func TestEvidenceOfMaskedURL(t *testing.T) {
	for _, raw := range []string{
		"https://www.exemple.test/fiche.php?nom=Zorglub&id=3",
		"https://www.exemple.test/fiche.php?id=3",
	} {
		u := finding.NormaliseURL(detect.MaskText(raw))
		if !probeAt(&observation.Probe{URL: raw}, u) {
			t.Errorf("%s: not the page of the finding at %s", raw, u)
		}
		if probeAt(&observation.Probe{URL: "https://www.exemple.test/fiche.php?nom=Autre&id=4"}, u) {
			t.Errorf("%s: another page taken for it", raw)
		}
	}
}
