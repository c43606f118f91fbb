package detect

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchBody builds about size bytes of a format from the test pages: a
// public site's pages with a member list among them, as a crawl sees.
func benchBody(b *testing.B, f Format, size int) []byte {
	var page []byte
	switch f {
	case FormatHTML:
		paths, _ := filepath.Glob("testdata/*.html")
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			page = append(page, data...)
		}
	case FormatCSV:
		var buf bytes.Buffer
		buf.WriteString("id;nom;prenom;email;telephone;date_naissance;adresse;commentaire\n")
		for i := range 200 {
			fmt.Fprintf(&buf, "%d;Nom%d;Prénom;prenom.nom%d@gmail.com;06 %02d %02d %02d %02d;%02d/%02d/19%02d;%d rue de la République 69003 Lyon;Adhésion renouvelée le 12/03/2024, paiement reçu.\n",
				i, i, i, i%100, (i*7)%100, (i*13)%100, (i*17)%100, 1+i%28, 1+i%12, 40+i%60, 1+i%90)
		}
		page = buf.Bytes()
	case FormatText:
		page = []byte(`Le conseil municipal s'est réuni le 12 mars 2024 à 18 h 30 sous la présidence du maire. ` +
			`Étaient présents 27 conseillers sur 33. La délibération n° 2024-031 relative au budget primitif, ` +
			`d'un montant de 12 345 678 euros, a été adoptée à l'unanimité. Renseignements à l'accueil de la mairie ` +
			`au 04 76 00 00 00 ou par courriel à accueil@mairie-exemple.test. Les travaux de la rue Victor Hugo ` +
			`débuteront le 15/04/2024 ; la circulation sera déviée par l'avenue Jean Jaurès (38000 Grenoble).` + "\n")
	}
	out := make([]byte, 0, size+len(page))
	for len(out) < size {
		out = append(out, page...)
	}
	return out
}

// BenchmarkScan reports the detectors' throughput (MB/s) per format on
// about 1 MiB of text.
func BenchmarkScan(b *testing.B) {
	for _, f := range []struct {
		name string
		f    Format
	}{{"html", FormatHTML}, {"csv", FormatCSV}, {"text", FormatText}} {
		body := benchBody(b, f.f, 1<<20)
		o := Options{Salt: []byte("bench"), OwnDomains: []string{"mairie-exemple.test"}}
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				ScanFormat(body, f.f, o)
			}
		})
	}
}

// BenchmarkFind reports the masker's throughput (MB/s) per format on
// about 1 MiB of text: `go test -bench Find ./pii/detect/`. It must stay
// at or above 50 MB/s on one core.
func BenchmarkFind(b *testing.B) {
	for _, f := range []struct {
		name string
		f    Format
	}{{"html", FormatHTML}, {"csv", FormatCSV}, {"text", FormatText}} {
		body := benchBody(b, f.f, 1<<20)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				FindFormat(body, f.f, MaskOptions{OwnDomains: []string{"mairie-exemple.test"}})
			}
		})
	}
}
