package page

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses a 52 KB prefecture page: a mega-menu of 240
// links, text, a search form and a 16-field contact form.
func BenchmarkParse(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "bench-prefecture-50k.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body, "https://www.haute-savoie.gouv.fr/Contact"); err != nil {
			b.Fatal(err)
		}
	}
}
