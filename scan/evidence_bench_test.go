package scan

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"vigie/farm"
)

// BenchmarkScanEvidence scans 200 generated farm sites without evidence
// and with the default archive (the exchanges findings rely on, masked).
func BenchmarkScanEvidence(b *testing.B) {
	f, err := farm.Start(farm.Options{Sites: 200})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	targets := farmTargets(b, f)
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "findings"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				o := farmOptions(f)
				o.TLSProbe = false
				if on {
					o.Evidence = &Evidence{Dir: b.TempDir(), Key: key}
				}
				if _, err := Run(context.Background(), targets, o, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)/float64(len(targets))*1e3, "ms/site")
		})
	}
}
