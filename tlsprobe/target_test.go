package tlsprobe

import (
	"context"
	"crypto/x509"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestProbeTarget probes the servers named in VIGIE_TLS_PROBE (host:port,
// space-separated) and prints their reports; bench/tls-compare.sh uses it
// while the command line has no tls verb. VIGIE_TLS_CA names a PEM file
// of extra roots, VIGIE_TLS_FORMAT selects text or json.
func TestProbeTarget(t *testing.T) {
	targets := os.Getenv("VIGIE_TLS_PROBE")
	if targets == "" {
		t.Skip("VIGIE_TLS_PROBE not set")
	}
	var roots *x509.CertPool
	if f := os.Getenv("VIGIE_TLS_CA"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		roots = x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
	}
	p := New(Options{RootCAs: roots})
	for _, target := range splitFields(targets) {
		host, port, err := net.SplitHostPort(target)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(port)
		rep, err := p.Probe(context.Background(), host, n)
		if err != nil {
			t.Errorf("%s: %v", target, err)
		}
		if err := WriteReport(os.Stdout, rep, os.Getenv("VIGIE_TLS_FORMAT")); err != nil {
			t.Fatal(err)
		}
	}
}

func splitFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}
