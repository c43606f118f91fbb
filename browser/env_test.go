package browser

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/observation"
)

// testHosts are the names the test sites answer to; Dial maps them all to
// loopback listeners.
var testHosts = []string{"www.site.test", "tracker.test", "frame.test", "cdn.other.test"}

// testEnv is a set of HTTPS and HTTP sites on loopback behind real host
// names, with a throwaway CA.
type testEnv struct {
	caPEM   []byte
	tlsSrv  *httptest.Server
	httpSrv *httptest.Server
	mu      sync.Mutex
	hits    map[string]int // path -> requests seen
	bodies  map[string][]string
}

func (e *testEnv) hit(path string, body string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hits[path]++
	if body != "" {
		e.bodies[path] = append(e.bodies[path], body)
	}
}

func (e *testEnv) count(path string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hits[path]
}

// dial sends every connection for a test host to the matching listener;
// anything else is refused, so no test traffic leaves loopback.
func (e *testEnv) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	known := false
	for _, h := range testHosts {
		known = known || h == host
	}
	if !known {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	target := e.httpSrv.Listener.Addr().String()
	if port == "443" {
		target = e.tlsSrv.Listener.Addr().String()
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", target)
}

// newTestEnv starts the sites; withCAInChain says whether the servers send
// the CA certificate after their leaf, as most servers do.
func newTestEnv(t testing.TB, h http.Handler, withCAInChain bool) *testEnv {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Vigie browser test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: testHosts[0]}, DNSNames: testHosts,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	chain := [][]byte{leafDER}
	if withCAInChain {
		chain = append(chain, caDER)
	}
	e := &testEnv{
		caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		hits:  map[string]int{}, bodies: map[string][]string{},
	}
	e.tlsSrv = httptest.NewUnstartedServer(h)
	e.tlsSrv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: leafKey}}}
	e.tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	e.tlsSrv.StartTLS()
	e.httpSrv = httptest.NewServer(h)
	t.Cleanup(func() {
		e.tlsSrv.CloseClientConnections()
		e.tlsSrv.Close()
		e.httpSrv.CloseClientConnections()
		e.httpSrv.Close()
	})
	return e
}

// chromium returns the Chromium to test with; it fails under CI=true when
// there is none and skips otherwise.
func chromium(t testing.TB) string {
	t.Helper()
	p, err := Find("")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is not installed; CI must install it: %v", err)
		}
		t.Skipf("Chromium not installed: %v", err)
	}
	return p
}

// startPool starts a pool on env with o's other settings.
func startPool(t testing.TB, e *testEnv, o Options) *Pool {
	return startPoolCA(t, e, o, true)
}

// startPoolCA is startPool, trusting the test CA or not.
func startPoolCA(t testing.TB, e *testEnv, o Options, trust bool) *Pool {
	t.Helper()
	o.ExecPath = chromium(t)
	if o.Dial == nil {
		o.Dial = e.dial
	}
	if trust {
		o.CACertPEM = e.caPEM
	}
	if testing.Verbose() && o.Log == nil {
		o.Log = testLog{t}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// render opens a session, renders u and closes the session.
func render(t testing.TB, p *Pool, u string) *observation.Rendering {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := p.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Render(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
