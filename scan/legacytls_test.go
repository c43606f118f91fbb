package scan

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"vigie/internal/testtool"

	"vigie/fetch"
	"vigie/finding"
	"vigie/internal/testpki"
	"vigie/target"
)

// The legacy-TLS peers serve, over TLS 1.0 and 1.1 only with RSA key
// exchange (Debian builds OpenSSL without 3DES, so no 3DES suite can be
// offered: Go's server covers 3DES in the farm), the pages of an
// organisation whose patient area has every failure a legacy TLS must not
// hide: a login form posting to http:// with a session identifier in its
// URL, no HSTS, and HTTP served without redirect.
const legacyHost = "www.labo-ancien.test"

// legacySite writes the site's pages under root: what both peers serve.
func legacySite(t *testing.T, root string) {
	t.Helper()
	const session = "jsessionid=5C1E0A7B93D2468FA0B1C2D3E4F50617"
	files := map[string]string{
		"index.html": `<!DOCTYPE html><html lang="fr"><head><title>Laboratoire d'analyses</title></head><body>
<h1>Laboratoire départemental d'analyses</h1><p>Vos résultats sont sur votre <a href="/espace/connexion.html">espace patient</a>.</p></body></html>`,
		"espace/connexion.html": `<!DOCTYPE html><html lang="fr"><head><title>Espace patient</title></head><body>
<h1>Espace patient</h1>
<form action="http://` + legacyHost + `/espace/login.do;` + session + `" method="post">
<label for="identifiant">Identifiant</label><input id="identifiant" name="identifiant" autocomplete="username">
<label for="motdepasse">Mot de passe</label><input type="password" id="motdepasse" name="motdepasse" autocomplete="current-password">
<button type="submit">Se connecter</button></form>
<p><a href="/espace/horaires.html;` + session + `">Horaires des centres</a></p></body></html>`,
		"espace/horaires.html;" + session: "<!DOCTYPE html><title>Horaires</title><p>Du lundi au vendredi.</p>",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitListening waits until something listens on port, or fails with log.
func waitListening(t *testing.T, port int, log func() string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on port %d: %s", port, log())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// start runs cmd until the test ends, its output in a log file.
func start(t *testing.T, cmd *exec.Cmd) func() string {
	t.Helper()
	logFile := filepath.Join(t.TempDir(), "server.log")
	out, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		out.Close()
	})
	return func() string { b, _ := os.ReadFile(logFile); return string(b) }
}

// legacyOpenSSL serves root with `openssl s_server -WWW` over TLS 1.0 and
// 1.1 only, RSA key exchange, and over HTTP with Go's file server; it
// returns the HTTPS and HTTP ports.
func legacyOpenSSL(t *testing.T, root, certFile, keyFile string) (int, int) {
	bin := testtool.Need(t, "openssl")
	port := freeLoopbackPort(t)
	cmd := exec.Command(bin, "s_server", "-accept", "127.0.0.1:"+strconv.Itoa(port), "-WWW", "-quiet",
		"-cert", certFile, "-key", keyFile,
		// OpenSSL 3 refuses TLS 1.0 and 1.1 above security level 0.
		"-min_protocol", "TLSv1", "-max_protocol", "TLSv1.1", "-cipher", "AES128-SHA:AES256-SHA:@SECLEVEL=0")
	cmd.Dir = root
	waitListening(t, port, start(t, cmd))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(root)), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return port, l.Addr().(*net.TCPAddr).Port
}

// legacyNginx serves root with Debian's nginx over TLS 1.0 and 1.1 only,
// RSA key exchange, and over HTTP; it returns the HTTPS and HTTP ports.
func legacyNginx(t *testing.T, root, certFile, keyFile string) (int, int) {
	tlsPort, httpPort := freeLoopbackPort(t), freeLoopbackPort(t)
	runNginx(t, fmt.Sprintf(`	types { text/html html; }
	default_type text/html;
	server {
		listen 127.0.0.1:%[1]d ssl;
		listen 127.0.0.1:%[2]d;
		server_name %[3]s;
		root %[4]s;
		ssl_certificate %[5]s;
		ssl_certificate_key %[6]s;
		ssl_protocols TLSv1 TLSv1.1;
		ssl_ciphers AES128-SHA:AES256-SHA:@SECLEVEL=0;
	}`, tlsPort, httpPort, legacyHost, root, certFile, keyFile), tlsPort, httpPort)
	return tlsPort, httpPort
}

// TestLegacyTLSPeers audits a site behind TLS 1.0/1.1-only servers, real
// OpenSSL and nginx from Debian: the TLS weaknesses and every failure
// behind HTTPS must be reported, and no transport.no-https; the site's
// observations and the TLS findings say the crawl used the legacy
// fallback, with which protocol and suite.
func TestLegacyTLSPeers(t *testing.T) {
	// Written before running Vigie on these peers.
	const (
		https = "https://" + legacyHost + "/"
		http_ = "http://" + legacyHost + "/"
		login = https + "espace/connexion.html"
	)
	want := []string{
		"auth.token-in-url " + login,
		"form.http-action " + login,
		"form.password-http " + login,
		"tls.no-forward-secrecy " + https,
		"tls.no-tls13 " + https,
		"tls.protocol-legacy " + https,
		"transport.hsts " + https,
		"transport.no-redirect " + http_,
		// Added when the header checks came (after the first runs): the
		// servers send no security header, and the log-in page collects
		// credentials.
		"headers.csp-missing " + login,
		"headers.frame-missing " + login,
	}
	for _, peer := range []struct {
		name  string
		start func(t *testing.T, root, certFile, keyFile string) (int, int)
		// entry is the page the audit starts from: s_server -WWW
		// serves files only, "/" is not one.
		entry string
		// more are the peer's own notes: nosniff missing on the entry
		// page; s_server -WWW answers 200 with an error text for a
		// missing file (an invalid security.txt), nginx 404 (missing).
		more []string
	}{
		{"openssl", legacyOpenSSL, https + "index.html", []string{
			"headers.nosniff-missing " + https + "index.html",
			"wellknown.security-txt-invalid " + https + ".well-known/security.txt"}},
		{"nginx", legacyNginx, https, []string{
			"headers.nosniff-missing " + https,
			"wellknown.security-txt-missing " + https + ".well-known/security.txt"}},
	} {
		want := append(slices.Clone(want), peer.more...)
		slices.Sort(want)
		t.Run(peer.name, func(t *testing.T) {
			t.Parallel()
			ca := testpki.NewCA(t, "Vigie Legacy Peer CA")
			dir := t.TempDir()
			certPEM, keyPEM := ca.IssuePEM(t, testpki.LeafOptions{Names: []string{legacyHost}, RSABits: 2048,
				CRL: []string{"http://crl.example.test/ca.crl"}})
			certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
			if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(dir, "www")
			legacySite(t, root)
			tlsPort, httpPort := peer.start(t, root, certFile, keyFile)

			tg, err := target.Parse(peer.entry)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var res *Result
			_, err = Run(context.Background(), []target.Target{tg}, Options{
				Concurrency: 1, TLSProbe: true,
				Fetch: fetch.Options{
					Timeout: 5 * time.Second, Retries: -1, NoDNS: true,
					ConnectTo: []string{
						legacyHost + ":443:127.0.0.1:" + strconv.Itoa(tlsPort),
						legacyHost + ":80:127.0.0.1:" + strconv.Itoa(httpPort),
					},
					CACertPEM: [][]byte{ca.PEM()},
				},
			}, func(r *Result) error {
				res = r
				for _, f := range r.Findings {
					got = append(got, f.Check+" "+finding.NormaliseURL(f.URL))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			got = slices.Compact(got)
			if !slices.Equal(got, want) {
				t.Errorf("findings\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			st := res.Site.HTTPS.TLS
			if st == nil || !st.LegacyFallback || st.FallbackReason == "" || !strings.HasPrefix(st.Version, "TLS 1.") ||
				!strings.HasPrefix(st.CipherSuite, "TLS_RSA_WITH_AES_") {
				t.Errorf("HTTPS root's TLS state %+v, want the legacy fallback with its protocol and suite", st)
			}
			for _, f := range res.Findings {
				if strings.HasPrefix(f.Check, "tls.") {
					if c, ok := f.Detail["crawl_connection"].(map[string]any); !ok || c["legacy_fallback"] != true {
						t.Errorf("%s: detail %v lacks the crawl's legacy connection", f.Check, f.Detail)
					}
				}
			}
		})
	}
}
