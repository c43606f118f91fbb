package peers

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestServe fetches each application's entry page over both host names:
// the HTTP-only host serves the application, the HTTPS host serves it
// over TLS with the test CA and redirects HTTP to HTTPS.
func TestServe(t *testing.T) {
	s := Start(t)
	routes := map[string]string{}
	for _, r := range s.ConnectTo() {
		f := strings.SplitN(r, ":", 3)
		routes[f[0]+":"+f[1]] = f[2]
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(s.CAPEM)
	c := &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, routes[addr])
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	markers := map[string]string{MediaWiki: "Peer Wiki", PhpMyAdmin: "pma_username", Roundcube: "_pass"}
	for _, app := range Apps {
		t.Run(app, func(t *testing.T) {
			get := func(u string) (*http.Response, string) {
				t.Helper()
				resp, err := c.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			for _, u := range []string{URL(app, false), URL(app, true)} {
				resp, body := get(u)
				for resp.StatusCode/100 == 3 {
					resp, body = get(resp.Request.URL.ResolveReference(mustParse(t, resp.Header.Get("Location"))).String())
				}
				if resp.StatusCode != 200 || !strings.Contains(body, markers[app]) {
					t.Errorf("%s: status %d, body without %q:\n%.2000s", u, resp.StatusCode, markers[app], body)
				}
			}
			resp, _ := get("http://" + Host(app, true) + "/index.php")
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://"+Host(app, true)+"/index.php" {
				t.Errorf("HTTP of the HTTPS host: %d to %q, want 301 to HTTPS", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, err := c.Get("https://" + Host(app, false) + "/"); err == nil {
				t.Errorf("the HTTP-only host answered over HTTPS")
			}
		})
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
