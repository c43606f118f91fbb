package document

import (
	"os"
	"testing"
)

// BenchmarkExtract reads each fixture whole; bytes/s are of the file.
func BenchmarkExtract(b *testing.B) {
	for _, file := range []string{"members-libreoffice.xlsx", "members-libreoffice.ods", "members-libreoffice.pdf", "member-letter-chromium.pdf"} {
		body, err := os.ReadFile("testdata/" + file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(file, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := Extract("", file, body, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
