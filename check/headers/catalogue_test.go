package headers_test

import (
	"bytes"
	"strings"
	"testing"

	"vigie/check"
	"vigie/internal/golden"
	"vigie/report"
)

// TestCatalogueGolden renders, as vigie checks does, the checks of issue
// 19: headers.*, wellknown.* and thirdparty.script-no-sri.
func TestCatalogueGolden(t *testing.T) {
	var metas []check.Meta
	for _, m := range check.Catalogue() {
		if strings.HasPrefix(m.ID, "headers.") || strings.HasPrefix(m.ID, "wellknown.") || m.ID == "thirdparty.script-no-sri" {
			metas = append(metas, m)
		}
	}
	if len(metas) != 8 {
		t.Fatalf("%d checks, want 8", len(metas))
	}
	for _, tc := range []struct{ golden, format, lang string }{
		{"catalogue.md.golden", "md", "en"},
		{"catalogue.fr.md.golden", "md", "fr"},
		{"catalogue.fr.text.golden", "text", "fr"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := report.WriteCatalogue(&b, metas, tc.format, tc.lang); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tc.golden, b.Bytes())
		})
	}
}
