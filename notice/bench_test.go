package notice

import (
	"os"
	"path/filepath"
	"testing"

	"vigie/page"
)

// BenchmarkRead reads as a notice the 52 KB prefecture page package page
// benchmarks its parser on (a mega-menu of 240 links, text, a search form
// and a 16-field contact form): the work the crawl adds to every HTML
// page, beside page.Parse's.
func BenchmarkRead(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "page", "testdata", "bench-prefecture-50k.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.Run("notice", func(b *testing.B) {
		for b.Loop() {
			if Read(body, "https://www.haute-savoie.gouv.fr/Contact") == nil {
				b.Fatal("no reading")
			}
		}
	})
	// The parser's work on the same page, measured in the same run.
	b.Run("page.Parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := page.Parse(body, "https://www.haute-savoie.gouv.fr/Contact"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadNotice reads a complete personal-data page.
func BenchmarkReadNotice(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "complete-fr.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if !Read(body, "https://www.exemple.test/donnees-personnelles").IsNotice {
			b.Fatal("not a notice")
		}
	}
}
