package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/fetch"
	"vigie/internal/testpki"
	"vigie/store"
	"vigie/store/sqlite"
)

const servePassword = "a long enough passphrase"

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vigie.db")
	ctx := context.Background()
	tests := []struct {
		name, user, role, password string
		err                        string
	}{
		{"short password", "alice", "", "short\n", "password too short"},
		{"bad role", "alice", "admin", servePassword + "\n", `role "admin"`},
		{"bad name", "al ice", "", servePassword + "\n", "only letters"},
		{"viewer by default", "alice", "", servePassword + "\n", ""},
		{"editor, CRLF", "bob", "editor", servePassword + "\r\nignored\n", ""},
	}
	for _, tt := range tests {
		var out strings.Builder
		err := UserAdd(ctx, UserOptions{DB: db, Name: tt.user, Role: tt.role, Password: strings.NewReader(tt.password), Stdout: &out})
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
		}
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.User(ctx, "bob")
	st.Close()
	if err != nil || u.Role != store.RoleEditor || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("bob: %+v %v", u, err)
	}
	var out strings.Builder
	if err := UserList(ctx, db, &out); err != nil || !strings.Contains(out.String(), "alice") || !strings.Contains(out.String(), "editor") {
		t.Errorf("list: %v\n%s", err, out.String())
	}
	if err := UserDelete(ctx, db, "alice", io.Discard); err != nil {
		t.Error(err)
	}
	if err := UserDelete(ctx, db, "alice", io.Discard); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

// dashboard is a running vigie serve for tests, with one editor.
type dashboard struct {
	URL  string
	DB   string
	Data string
}

// startDashboard runs Serve until the test ends.
func startDashboard(t *testing.T, o ServeOptions) *dashboard {
	t.Helper()
	dir := t.TempDir()
	if o.DB == "" {
		o.DB = filepath.Join(dir, "vigie.db")
	}
	if o.DataDir == "" {
		o.DataDir = filepath.Join(dir, "data")
	}
	o.Listen = "127.0.0.1:0"
	if err := UserAdd(context.Background(), UserOptions{DB: o.DB, Name: "ed", Role: store.RoleEditor, Password: strings.NewReader(servePassword)}); err != nil {
		t.Fatal(err)
	}
	ready := make(chan net.Addr, 1)
	o.Ready = func(a net.Addr) { ready <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case a := <-ready:
		scheme := "http"
		if o.CertFile != "" {
			scheme = "https"
		}
		return &dashboard{URL: scheme + "://" + a.String(), DB: o.DB, Data: o.DataDir}
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return nil
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// webClient signs in to a dashboard over HTTP.
type webClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func signIn(t *testing.T, base string, tr http.RoundTripper) *webClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	w := &webClient{t: t, base: base, c: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
	token := w.token("/login")
	resp := w.post("/login", url.Values{"csrf": {token}, "user": {"ed"}, "password": {servePassword}})
	if resp.Request.URL.Path != "/" {
		t.Fatalf("login ended on %s", resp.Request.URL)
	}
	return w
}

func (w *webClient) get(path string) (*http.Response, string) {
	w.t.Helper()
	resp, err := w.c.Get(w.base + path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (w *webClient) token(path string) string {
	w.t.Helper()
	_, body := w.get(path)
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		w.t.Fatalf("no csrf token on %s", path)
	}
	return m[1]
}

func (w *webClient) postPage(path string, form url.Values) (*http.Response, string) {
	w.t.Helper()
	resp, err := w.c.PostForm(w.base+path, form)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (w *webClient) post(path string, form url.Values) *http.Response {
	w.t.Helper()
	resp, err := w.c.PostForm(w.base+path, form)
	if err != nil {
		w.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func farmFetch(f *farm.Farm) fetch.Options {
	return fetch.Options{Timeout: 3 * time.Second, ConnectTo: f.ConnectTo(), CACertPEM: [][]byte{f.CACertPEM()}, NoDNS: true}
}

func TestServeLaunchesScans(t *testing.T) {
	f := startFarm(t)
	d := startDashboard(t, ServeOptions{AllowPrivate: true, Fetch: farmFetch(f), Concurrency: 4})
	w := signIn(t, d.URL, nil)
	resp := w.post("/scans", url.Values{"csrf": {w.token("/scans")}, "targets": {"http://www.pref-ain.test/\nhttps://www.mairie-annecy.test/"}})
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/scans" {
		t.Fatalf("launch: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	scans := mustScans(t, d.DB)
	if len(scans) != 1 {
		t.Fatalf("%d scans", len(scans))
	}
	id := scans[0].ID
	var p struct {
		Done, Total int
		Finished    bool
		Error       string
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		_, body := w.get("/scans/" + id + "/progress")
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("progress %q: %v", body, err)
		}
		if p.Finished || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !p.Finished || p.Done != 2 || p.Total != 2 || p.Error != "" {
		t.Fatalf("progress %+v", p)
	}
	// The finding page shows its verified evidence.
	st, err := sqlite.Open(context.Background(), d.DB)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := st.Findings(context.Background(), store.Filter{Scan: id, Check: "form.http-page"})
	st.Close()
	if err != nil || len(fs) == 0 {
		t.Fatalf("form.http-page findings: %v %d", err, len(fs))
	}
	_, body := w.get("/findings/" + fs[0].ID)
	for _, want := range []string{`<pre class="head">GET /`, "HTTP/1.1 200 OK", "class=\"ok\"", "/findings/" + fs[0].ID + "/bundle"} {
		if !strings.Contains(body, want) {
			t.Errorf("finding page lacks %q:\n%s", want, body)
		}
	}
	resp, bundle := w.get("/findings/" + fs[0].ID + "/bundle")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(bundle, "PK") {
		t.Errorf("bundle: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	bundlePath := filepath.Join(t.TempDir(), "b.zip")
	os.WriteFile(bundlePath, []byte(bundle), 0o600)
	if err := VerifyEvidence(VerifyOptions{Path: bundlePath, Stdout: io.Discard, DataDir: d.Data}); err != nil {
		t.Errorf("downloaded bundle: %v", err)
	}
}

func mustScans(t *testing.T, db string) []store.Scan {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scans, err := st.Scans(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return scans
}

func TestServeRefusesPrivateScans(t *testing.T) {
	fo := fetch.Options{
		Resolve:   []string{"www.inside.test:80:10.0.0.8", "www.loop.test:443:127.0.0.1"},
		ConnectTo: []string{"www.pref-ain.test:80:127.0.0.1:8080"},
		NoDNS:     true,
	}
	d := startDashboard(t, ServeOptions{Fetch: fo})
	w := signIn(t, d.URL, nil)
	tests := []struct{ targets, why string }{
		{"127.0.0.1", "127.0.0.1 is a loopback address"},
		{"http://[::1]:8080/", "::1 is a loopback address"},
		{"http://169.254.169.254/latest/", "169.254.169.254 is a link-local address"},
		{"http://www.inside.test/", "www.inside.test resolves to 10.0.0.8, a private address"},
		{"https://www.loop.test/", "www.loop.test resolves to 127.0.0.1, a loopback address"},
		{"http://www.pref-ain.test/", "www.pref-ain.test resolves to 127.0.0.1, a loopback address"},
	}
	for _, tt := range tests {
		resp, body := w.postPage("/scans", url.Values{"csrf": {w.token("/scans")}, "targets": {tt.targets}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, tt.why) {
			t.Errorf("scan of %s from the web: %d, want 403 saying %q", tt.targets, resp.StatusCode, tt.why)
		}
	}
	if n := len(mustScans(t, d.DB)); n != 0 {
		t.Errorf("%d scans started", n)
	}
}

func TestResolverLookup(t *testing.T) {
	lookup, err := ResolverLookup(fetch.Options{
		Resolve:   []string{"a.test:443:192.0.2.1", "b.test:80:127.0.0.1,192.0.2.2"},
		ConnectTo: []string{"c.test:443:b.test:8443", "d.test:443:10.1.1.1:443", ":8080:192.0.2.9:80"},
		NoDNS:     true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host, want string
	}{
		{"a.test", "[192.0.2.9 192.0.2.1]"},
		{"b.test", "[192.0.2.9 127.0.0.1 192.0.2.2]"},
		{"c.test", "[192.0.2.9 127.0.0.1 192.0.2.2 192.0.2.9]"},
		{"d.test", "[10.1.1.1 192.0.2.9]"},
		{"203.0.113.4", "[203.0.113.4]"},
		{"e.test", "[192.0.2.9]"},
	}
	for _, tt := range tests {
		addrs, err := lookup(context.Background(), tt.host)
		got := fmt.Sprint(addrs)
		if err != nil {
			got = "error"
		}
		if got != tt.want {
			t.Errorf("lookup %s = %s, want %s", tt.host, got, tt.want)
		}
	}
}

// testCertificate makes a throwaway CA and a server certificate for name,
// written as PEM files in dir; it returns the CA certificate, key and
// certificate paths.
func testCertificate(t *testing.T, dir, name string) (caPEM []byte, certFile, keyFile string) {
	t.Helper()
	ca := testpki.NewCA(t, "Vigie test CA")
	// 80 days, with revocation information, like a certificate of a
	// public CA: nothing for the TLS checks to report.
	certPEM, keyPEM := ca.IssuePEM(t, testpki.LeafOptions{
		Names:    []string{name},
		NotAfter: time.Now().Add(80 * 24 * time.Hour),
		CRL:      []string{"http://crl.vigie-dashboard.test/ca.crl"},
	})
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return ca.PEM(), certFile, keyFile
}

// TestSelfScan serves the dashboard over HTTPS and audits its login page
// with Vigie itself: no finding.
func TestSelfScan(t *testing.T) {
	dir := t.TempDir()
	caPEM, cert, key := testCertificate(t, dir, "vigie-dashboard.test")
	d := startDashboard(t, ServeOptions{CertFile: cert, KeyFile: key})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(d.URL, "https://"))
	// The HTTPS dashboard works for a browser-like client.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
		},
	}
	w := signIn(t, "https://vigie-dashboard.test:"+port, tr)
	if resp, _ := w.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("overview over HTTPS: %d", resp.StatusCode)
	}

	var out strings.Builder
	loginURL := "https://vigie-dashboard.test:" + port + "/login"
	code, err := Scan(context.Background(), ScanOptions{
		Targets: TargetSources{Args: []string{loginURL}},
		Format:  "jsonl", FailOn: "low", Concurrency: 1, DB: "none",
		Fetch: fetch.Options{
			Timeout: 5 * time.Second, NoDNS: true, CACertPEM: [][]byte{caPEM},
			Resolve: []string{"vigie-dashboard.test:" + port + ":127.0.0.1"},
		},
		Stdout: &out, Stderr: io.Discard,
	})
	// Nothing but the site's own record and one note: a private
	// dashboard publishes no security.txt (RFC 9116 is for public sites).
	var unexpected []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(l, `{"record":"site",`) && !strings.Contains(l, `"check":"wellknown.security-txt-missing"`) {
			unexpected = append(unexpected, l)
		}
	}
	if err != nil || code != ExitOK || len(unexpected) > 0 {
		t.Errorf("Vigie's scan of its own dashboard: exit %d, err %v, findings:\n%s", code, err, out.String())
	}
}
