//go:debug tlssha1=1

package fetch

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"vigie/internal/testtool"

	"vigie/internal/testpki"
	"vigie/observation"
)

// The test binary sets tlssha1=1 as cmd/vigie does (see the comment at
// the top of tls.go).

// legacyServer starts an HTTPS server for name with cfg's protocol and
// suite limits and returns its port and a counter of the connections it
// accepted.
func legacyServer(t *testing.T, cert tls.Certificate, cfg *tls.Config) (string, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<title>Connexion</title>"))
	}))
	srv.Config.ErrorLog = quietLog
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	cfg.Certificates = []tls.Certificate{cert}
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return port(t, srv.URL), &conns
}

// TestLegacyTLS fetches from servers that refuse Go's default handshake:
// each must be audited over the legacy configuration, which the TLS state
// of the response and of its captured exchange must say, with the
// protocol and suite actually used. A server Go cannot talk to at all, or
// that presents a bad certificate, still fails in TLS.
func TestLegacyTLS(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "Vigie Legacy Test CA")
	const host = "www.ancien-protocole.test"
	ecdsaCert := ca.Issue(t, testpki.LeafOptions{Names: []string{host}})
	rsaCert := ca.Issue(t, testpki.LeafOptions{Names: []string{host}, RSABits: 2048})
	tests := []struct {
		name         string
		cert         tls.Certificate
		cfg          *tls.Config
		wantVersion  string
		wantSuite    string
		wantFallback bool
	}{
		{
			name:        "modern server",
			cert:        ecdsaCert,
			cfg:         &tls.Config{},
			wantVersion: "TLS 1.3", wantSuite: "TLS_AES_128_GCM_SHA256",
		},
		{
			name:        "TLS 1.0 only, ECDHE with AES-CBC-SHA1",
			cert:        ecdsaCert,
			cfg:         &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10},
			wantVersion: "TLS 1.0", wantSuite: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", wantFallback: true,
		},
		{
			name:        "TLS 1.1 only",
			cert:        rsaCert,
			cfg:         &tls.Config{MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA}},
			wantVersion: "TLS 1.1", wantSuite: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", wantFallback: true,
		},
		{
			name:        "TLS 1.2, RSA key exchange only",
			cert:        rsaCert,
			cfg:         &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}},
			wantVersion: "TLS 1.2", wantSuite: "TLS_RSA_WITH_AES_128_GCM_SHA256", wantFallback: true,
		},
		{
			name:        "TLS 1.2, 3DES only",
			cert:        rsaCert,
			cfg:         &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA}},
			wantVersion: "TLS 1.2", wantSuite: "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", wantFallback: true,
		},
		{
			// The configuration the CNIL called "procédés cryptologiques
			// faibles" in the Francetest case.
			name:        "TLS 1.0, RSA key exchange with 3DES",
			cert:        rsaCert,
			cfg:         &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10, CipherSuites: []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}},
			wantVersion: "TLS 1.0", wantSuite: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", wantFallback: true,
		},
		{
			name:        "TLS 1.1, RC4",
			cert:        rsaCert,
			cfg:         &tls.Config{MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11, CipherSuites: []uint16{tls.TLS_RSA_WITH_RC4_128_SHA}},
			wantVersion: "TLS 1.1", wantSuite: "TLS_RSA_WITH_RC4_128_SHA", wantFallback: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, conns := legacyServer(t, tt.cert, tt.cfg)
			c := newClient(t, Options{
				ConnectTo: []string{host + ":443:127.0.0.1:" + p},
				CACertPEM: [][]byte{ca.PEM()}, Capture: true, Retries: -1,
			})
			r := c.Get(context.Background(), "https://"+host+"/")
			if r.Error != "" || r.Status != 200 || string(r.Body) != "<title>Connexion</title>" {
				t.Fatalf("status %d error %q body %q", r.Status, r.Error, r.Body)
			}
			for where, st := range map[string]*observation.TLSState{"response": r.TLS, "exchange": r.Exchanges[0].TLS} {
				if st == nil {
					t.Fatalf("%s: no TLS state", where)
				}
				if st.Version != tt.wantVersion || st.CipherSuite != tt.wantSuite || st.LegacyFallback != tt.wantFallback {
					t.Errorf("%s: %s %s fallback %v, want %s %s fallback %v", where,
						st.Version, st.CipherSuite, st.LegacyFallback, tt.wantVersion, tt.wantSuite, tt.wantFallback)
				}
				if tt.wantFallback != (st.FallbackReason != "") {
					t.Errorf("%s: fallback reason %q", where, st.FallbackReason)
				}
				if len(st.Chain) != 2 {
					t.Errorf("%s: %d certificates, want the leaf and the CA", where, len(st.Chain))
				}
			}
			if tt.wantFallback && r.Proto != "HTTP/1.1" {
				t.Errorf("protocol %s over a legacy connection, want HTTP/1.1", r.Proto)
			}
			want := int32(1)
			if tt.wantFallback {
				want = 2 // the refused modern handshake, then the legacy one
			}
			if n := conns.Load(); n != want {
				t.Errorf("%d connections, want %d", n, want)
			}
			// A session of the same client goes straight to what worked.
			s := c.Session()
			defer s.Close()
			r = s.Get(context.Background(), "https://"+host+"/")
			if r.Error != "" || r.TLS == nil || r.TLS.LegacyFallback != tt.wantFallback {
				t.Errorf("second fetch: error %q TLS %+v", r.Error, r.TLS)
			}
			if n := conns.Load(); n != want+1 {
				t.Errorf("second fetch: %d connections in all, want %d", n, want+1)
			}
		})
	}
}

// TestLegacyTLSFailures: a legacy server with a bad certificate still
// fails on its certificate (the fallback verifies as strictly); a server
// that completes no handshake either way fails in TLS, saying both
// attempts; a server that does not speak TLS is not tried twice.
func TestLegacyTLSFailures(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "Vigie Legacy Test CA")
	other := testpki.NewCA(t, "Some Other CA")
	const host = "www.ancien-protocole.test"
	untrusted := other.Issue(t, testpki.LeafOptions{Names: []string{host}, RSABits: 2048})
	legacyCfg := func() *tls.Config {
		return &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10, CipherSuites: []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}}
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T) (string, *atomic.Int32)
		msg     string
		conns   int32
		chain   bool
		retries int
	}{
		{
			name:  "legacy server, untrusted certificate",
			setup: func(t *testing.T) (string, *atomic.Int32) { return legacyServer(t, untrusted, legacyCfg()) },
			msg:   "tls: certificate signed by unknown authority", conns: 2, chain: true,
		},
		{
			name: "no handshake completes",
			setup: func(t *testing.T) (string, *atomic.Int32) {
				addr, n := rawServer(t, func(c net.Conn) {
					c.Read(make([]byte, 4096))
					// Alert, fatal, protocol_version.
					c.Write([]byte{0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 70})
				})
				_, p, _ := net.SplitHostPort(addr)
				return p, n
			},
			msg: "tls: no handshake completed, by default (tls: server rejected the handshake: protocol version not supported) nor offering TLS 1.0-1.2 legacy suites (", conns: 2,
		},
		{
			// Both hellos cut short, as a busy server does: retried
			// (twice, as a single cut was before the fallback).
			name: "connection closed at every hello",
			setup: func(t *testing.T) (string, *atomic.Int32) {
				addr, n := rawServer(t, func(c net.Conn) { c.Read(make([]byte, 4096)) })
				_, p, _ := net.SplitHostPort(addr)
				return p, n
			},
			msg: "tls: no handshake completed, by default (", conns: 6, retries: 2,
		},
		{
			name: "plain HTTP on the HTTPS port",
			setup: func(t *testing.T) (string, *atomic.Int32) {
				var n atomic.Int32
				srv := httptest.NewUnstartedServer(http.NotFoundHandler())
				srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
					if s == http.StateNew {
						n.Add(1)
					}
				}
				srv.Start()
				t.Cleanup(srv.Close)
				return port(t, srv.URL), &n
			},
			msg: "tls: ", conns: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, conns := tt.setup(t)
			c := newClient(t, Options{
				ConnectTo: []string{host + ":443:127.0.0.1:" + p},
				CACertPEM: [][]byte{ca.PEM()}, Retries: tt.retries, Timeout: 5 * time.Second,
			})
			if tt.retries == 0 {
				c.opts.Retries = 0
			}
			r := c.Get(context.Background(), "https://"+host+"/")
			if r.ErrorKind != observation.KindTLS || !strings.Contains(r.Error, tt.msg) {
				t.Errorf("error %q (%s), want kind tls with %q", r.Error, r.ErrorKind, tt.msg)
			}
			if tt.chain != (r.TLS != nil && len(r.TLS.Chain) > 0) {
				t.Errorf("TLS %+v, want the unverified chain kept: %v", r.TLS, tt.chain)
			}
			if n := conns.Load(); n != tt.conns {
				t.Errorf("%d connections, want %d", n, tt.conns)
			}
		})
	}
}

// opensslServer serves dir's files with `openssl s_server -WWW` on a
// loopback port with args, until the test ends, and returns the port.
func opensslServer(t *testing.T, dir string, args ...string) string {
	t.Helper()
	bin := testtool.Need(t, "openssl")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, append([]string{"s_server", "-accept", "127.0.0.1:" + strconv.Itoa(p), "-WWW", "-quiet"}, args...)...)
	cmd.Dir = dir
	log, err := os.Create(filepath.Join(t.TempDir(), "s_server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(p), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("openssl s_server did not start: %v\n%s", err, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return strconv.Itoa(p)
}

// TestLegacyTLSOpenSSL fetches a page from Debian's OpenSSL configured as
// old servers are: TLS 1.0 with RSA key exchange (Debian builds OpenSSL
// without 3DES, which TestLegacyTLS covers with Go's server), TLS 1.1
// with ECDHE-CBC-SHA1, and TLS 1.2 signing its key exchange with SHA-1
// only, which crypto/tls accepts only with GODEBUG tlssha1=1.
func TestLegacyTLSOpenSSL(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "Vigie Legacy Test CA")
	const host = "www.ancien-protocole.test"
	dir := t.TempDir()
	certPEM, keyPEM := ca.IssuePEM(t, testpki.LeafOptions{Names: []string{host}, RSABits: 2048})
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	www := filepath.Join(dir, "www")
	for name, data := range map[string][]byte{certFile: certPEM, keyFile: keyPEM, filepath.Join(www, "index.html"): []byte("<title>Connexion</title>")} {
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name         string
		args         []string
		wantVersion  string
		wantSuite    string
		wantFallback bool
	}{
		{"TLS 1.0, RSA key exchange", []string{"-tls1", "-cipher", "AES128-SHA:@SECLEVEL=0"}, "TLS 1.0", "TLS_RSA_WITH_AES_128_CBC_SHA", true},
		{"TLS 1.1, ECDHE-CBC-SHA1", []string{"-tls1_1", "-cipher", "ECDHE-RSA-AES256-SHA:@SECLEVEL=0"}, "TLS 1.1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", true},
		{"TLS 1.2, SHA-1 signatures only", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", "-sigalgs", "RSA+SHA1"}, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := opensslServer(t, www, append([]string{"-cert", certFile, "-key", keyFile}, tt.args...)...)
			c := newClient(t, Options{
				ConnectTo: []string{host + ":443:127.0.0.1:" + p},
				CACertPEM: [][]byte{ca.PEM()}, Retries: -1,
			})
			r := c.Get(context.Background(), "https://"+host+"/index.html")
			if r.Error != "" || r.Status != 200 || !strings.Contains(string(r.Body), "Connexion") {
				t.Fatalf("status %d error %q body %q", r.Status, r.Error, r.Body)
			}
			if st := r.TLS; st.Version != tt.wantVersion || st.CipherSuite != tt.wantSuite || st.LegacyFallback != tt.wantFallback {
				t.Errorf("%s %s fallback %v (%s), want %s %s fallback %v", st.Version, st.CipherSuite, st.LegacyFallback, st.FallbackReason,
					tt.wantVersion, tt.wantSuite, tt.wantFallback)
			}
		})
	}
}
