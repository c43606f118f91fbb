package farm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// connectRoute is one parsed --connect-to entry.
type connectRoute struct{ host, port, toHost, toPort string }

func parseConnectTo(t testing.TB, entries []string) []connectRoute {
	var rs []connectRoute
	for _, e := range entries {
		p := strings.Split(e, ":")
		if len(p) != 4 {
			t.Fatalf("ConnectTo entry %q: want HOST:PORT:HOST:PORT", e)
		}
		rs = append(rs, connectRoute{p[0], p[1], p[2], p[3]})
	}
	return rs
}

// dialer reaches every host through the farm's ConnectTo entries, the first
// matching one applying, as the fetcher does.
func dialer(rs []connectRoute) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if (r.host == "" || strings.EqualFold(r.host, host)) && (r.port == "" || r.port == port) {
				addr = net.JoinHostPort(r.toHost, r.toPort)
				break
			}
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

// legacyClientConfig is a client configuration for serverName that speaks
// everything crypto/tls implements, as Vigie's crawler does when a server
// refuses the default one: the reference audit reaches the pages behind
// the farm's legacy TLS hosts.
func legacyClientConfig(serverName string, pool *x509.CertPool) *tls.Config {
	var suites []uint16
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		suites = append(suites, s.ID)
	}
	return &tls.Config{ServerName: serverName, RootCAs: pool, MinVersion: tls.VersionTLS10, CipherSuites: suites}
}

// newClient returns a client that reaches the farm and trusts its CA,
// legacy TLS hosts included; it follows up to 10 redirects.
func newClient(t testing.TB, f *Farm, timeout time.Duration) *http.Client {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(f.CACertPEM()) {
		t.Fatal("CACertPEM: no certificate")
	}
	tr := &http.Transport{
		DialContext:           dialer(parseConnectTo(t, f.ConnectTo())),
		TLSClientConfig:       legacyClientConfig("", pool),
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: timeout}
}

// noRedirect makes a client return redirects instead of following them.
func noRedirect(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

func startFarm(t testing.TB, o Options) *Farm {
	t.Helper()
	f, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}
