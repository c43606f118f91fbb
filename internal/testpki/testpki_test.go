package testpki

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"net"
	"slices"
	"testing"
	"time"
)

func TestIssue(t *testing.T) {
	ca := NewCA(t, "Vigie testpki CA")
	other := NewCA(t, "Another CA")
	now := time.Now()
	tests := []struct {
		name    string
		o       LeafOptions
		host    string
		trust   *CA
		wantErr bool
	}{
		{"DNS name", LeafOptions{Names: []string{"www.site.test", "tracker.test"}}, "tracker.test", ca, false},
		{"IP address", LeafOptions{Names: []string{"127.0.0.1"}}, "127.0.0.1", ca, false},
		{"wrong name", LeafOptions{Names: []string{"www.site.test"}}, "other.test", ca, true},
		{"expired", LeafOptions{Names: []string{"www.site.test"}, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}, "www.site.test", ca, true},
		{"other CA", LeafOptions{Names: []string{"www.site.test"}}, "www.site.test", other, true},
		{"without CA in chain", LeafOptions{Names: []string{"www.site.test"}, OmitCA: true}, "www.site.test", ca, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ca.Issue(t, tt.o)
			want := [][]byte{c.Leaf.Raw, ca.Cert().Raw}
			if tt.o.OmitCA {
				want = want[:1]
			}
			if !slices.EqualFunc(c.Certificate, want, bytes.Equal) {
				t.Fatalf("chain of %d certificates, want the leaf then, unless omitted, the CA", len(c.Certificate))
			}
			_, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: tt.host, Roots: tt.trust.Pool()})
			if (err != nil) != tt.wantErr {
				t.Errorf("Verify(%s): %v, want error %v", tt.host, err, tt.wantErr)
			}
		})
	}
}

// TestIssueHandshake serves an issued certificate and connects trusting
// the CA's PEM, as the tests using the package do.
func TestIssueHandshake(t *testing.T) {
	ca := NewCA(t, "Vigie testpki CA")
	certPEM, keyPEM := ca.IssuePEM(t, LeafOptions{Names: []string{"www.site.test"}, CRL: []string{"http://crl.site.test/ca.crl"}})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if got := cert.Leaf.CRLDistributionPoints; !slices.Equal(got, []string{"http://crl.site.test/ca.crl"}) {
		t.Errorf("CRL distribution points %v", got)
	}
	if days := time.Until(cert.Leaf.NotAfter).Hours() / 24; days < 79 || days > 80 {
		t.Errorf("default validity: %.1f days left, want 80", days)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca.PEM()) {
		t.Fatal("PEM holds no certificate")
	}
	srvConn, cliConn := net.Pipe()
	defer cliConn.Close()
	done := make(chan error, 1)
	go func() {
		defer srvConn.Close()
		done <- tls.Server(srvConn, &tls.Config{Certificates: []tls.Certificate{cert}}).Handshake()
	}()
	if err := tls.Client(cliConn, &tls.Config{ServerName: "www.site.test", RootCAs: roots}).Handshake(); err != nil {
		t.Errorf("client handshake: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("server handshake: %v", err)
	}
}
