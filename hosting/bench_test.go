package hosting_test

import (
	"context"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"vigie/dnsq"
	"vigie/hosting"
	"vigie/hosting/hostingtest"
	"vigie/internal/authdns"
	"vigie/observation"
)

// BenchmarkExamine measures the hosting work of one site: its DNS
// questions (A, AAAA, NS, MX; a CNAME chain followed) to a real Knot DNS
// on loopback, the dataset look-ups and the judgement.
func BenchmarkExamine(b *testing.B) {
	srv := authdns.Start(b,
		authdns.Zone{Name: "direct.test", Records: []string{"www A 88.198.1.2", "www AAAA 2001:41d0::1", "@ MX 10 mx.direct.test."}},
		authdns.Zone{Name: "alias.test", Records: []string{"www CNAME edge.alias.test.", "edge A 104.16.1.1"}},
	)
	db, err := hosting.Open(hostingtest.Write(b, b.TempDir(), hostingtest.Networks))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	j := &hosting.Judge{DNS: &dnsq.Client{Server: srv.Addr, Timeout: 2 * time.Second}, DB: db}
	sig := hosting.Signals{Header: http.Header{"Server": {"nginx"}}}
	for _, host := range []string{"www.direct.test", "www.alias.test"} {
		b.Run(host, func(b *testing.B) {
			for b.Loop() {
				if h := j.Examine(context.Background(), host, sig); h.Error != "" {
					b.Fatal(h.Error)
				}
			}
		})
	}
	b.Run("dataset-lookup", func(b *testing.B) {
		ip := netip.MustParseAddr("88.198.1.2")
		for b.Loop() {
			var a observation.HostAddress
			db.Lookup(ip, &a)
		}
	})
}
