package mail_test

import (
	"bytes"
	"testing"

	"vigie/check"
	"vigie/internal/golden"
	"vigie/report"
)

// TestCatalogueGolden keeps the mail family's catalogue, in both
// languages, under review: a change of wording or severity shows in the
// golden files.
func TestCatalogueGolden(t *testing.T) {
	var metas []check.Meta
	for _, m := range check.Catalogue() {
		if m.Family == "mail" {
			metas = append(metas, m)
		}
	}
	if len(metas) != 11 {
		t.Fatalf("%d mail checks, want 11", len(metas))
	}
	for _, lang := range []string{"en", "fr"} {
		var b bytes.Buffer
		if err := report.WriteCatalogue(&b, metas, "md", lang); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "catalogue."+lang+".md.golden", b.Bytes())
	}
}
