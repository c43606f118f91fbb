package browser

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/testpki"
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
	ca := testpki.NewCA(t, "Vigie browser test CA")
	cert := ca.Issue(t, testpki.LeafOptions{Names: testHosts, OmitCA: !withCAInChain})
	e := &testEnv{caPEM: ca.PEM(), hits: map[string]int{}, bodies: map[string][]string{}}
	e.tlsSrv = httptest.NewUnstartedServer(h)
	e.tlsSrv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
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
	return startTest(t, func(ctx context.Context) (*Pool, error) { return Start(ctx, o) })
}

// startTest starts a pool with start, failing the test on error, and
// closes it when the test ends.
func startTest(t testing.TB, start func(context.Context) (*Pool, error)) *Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := start(ctx)
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

// openSession opens a session on p, with d for the test to use it; the
// session closes when the test ends, if not before.
func openSession(t testing.TB, p *Pool, d time.Duration) (context.Context, *Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	s, err := p.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return ctx, s
}

// render opens a session, renders u and closes the session.
func render(t testing.TB, p *Pool, u string) *observation.Rendering {
	t.Helper()
	ctx, s := openSession(t, p, time.Minute)
	defer s.Close() // now: the next render may need the tab
	r, err := s.Render(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
