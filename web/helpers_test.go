package web

import (
	"context"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/cases"
	"vigie/finding"
	"vigie/observation"
	"vigie/store"
	"vigie/store/sqlite"
	"vigie/target"
)

const testPassword = "correct horse battery"

// testEnv is a dashboard over a real SQLite store seeded with two scans.
type testEnv struct {
	t     *testing.T
	srv   *Server
	db    *sqlite.DB
	clock *testClock
	l     *recordingLauncher
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// recordingLauncher records the scans the dashboard asks for; it scans
// nothing (the real launcher is tested in package runner).
type recordingLauncher struct {
	mu       sync.Mutex
	launched [][]target.Target
}

func (l *recordingLauncher) Launch(_ context.Context, ts []target.Target, name string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.launched = append(l.launched, ts)
	return "20260101T000000Z-0000", nil
}

func (l *recordingLauncher) Progress(string) (int, int, bool, error) {
	return 0, 0, false, store.ErrNotFound
}

func (l *recordingLauncher) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.launched)
}

var (
	scan1 = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	scan2 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
)

// testFindings returns the findings a seeded scan records for a site.
func testFindings(site string, second bool) []finding.Finding {
	switch site {
	case "https://www.prefecture-a.test":
		fs := []finding.Finding{
			{Check: "form.http-action", Severity: finding.High, Confidence: finding.Certain, URL: site + "/contact", Location: site + "/contact#form=1", Title: "Form posts personal data over HTTP", Legal: []string{"GDPR art. 32"}, Detail: map[string]any{"method": "post"}},
		}
		if !second {
			fs = append(fs, finding.Finding{Check: "transport.hsts", Severity: finding.Medium, Confidence: finding.Certain, URL: site + "/", Location: site + "/", Title: "No HSTS", Legal: []string{"GDPR art. 32"}})
		}
		return fs
	case "http://mairie-b.test":
		return []finding.Finding{
			{Check: "transport.no-https", Severity: finding.High, Confidence: finding.Certain, URL: site + "/", Location: site + "/", Title: "No HTTPS", Legal: []string{"GDPR art. 32"}},
			{Check: "form.http-page", Severity: finding.Critical, Confidence: finding.Firm, URL: site + "/=cmd", Location: site + "/=cmd#form=1", Title: "=HYPERLINK(\"x\")", Legal: []string{"GDPR art. 5(1)(f)"}},
		}
	case "https://www.mairie-c.test":
		// A note only: never a failing site.
		return []finding.Finding{
			{Check: "tls.cert-no-revocation", Severity: finding.Info, Confidence: finding.Certain, URL: site + "/", Location: "tls:www.mairie-c.test:443:cert", Title: "No revocation information", Detail: map[string]any{"ocsp_stapled": false}},
		}
	}
	return nil
}

func seed(t *testing.T, db *sqlite.DB) {
	ctx := context.Background()
	sites := []store.SiteResult{
		{URL: "https://www.prefecture-a.test", Organisation: "Préfecture A", Tags: []string{"prefecture", "dept:01"}, Pages: 3,
			HTTPObservatory: []byte(`{"score":75,"grade":"B","version":"mdn-http-observatory algorithm 4","tests":{"content-security-policy":{"result":"csp-not-implemented","pass":false,"score_modifier":-25},"x-frame-options":{"result":"x-frame-options-sameorigin-or-deny","pass":true,"score_modifier":0}}}`),
			Retention:       []observation.RetentionStatement{{Sentence: "Les messages sont conservés sans limitation de durée", Unlimited: true, URL: "https://www.prefecture-a.test/donnees-personnelles"}}},
		{URL: "http://mairie-b.test", Organisation: "=Mairie B", Tags: []string{"mairie"}, Pages: 2},
		{URL: "https://www.mairie-c.test", Organisation: "Mairie C", Tags: []string{"mairie"}, Pages: 1},
	}
	for i, start := range []time.Time{scan1, scan2} {
		sc := &store.Scan{ID: store.NewScanID(start)[:16] + "-000" + string(rune('1'+i)), Started: start, Version: "test", Targets: len(sites), Settings: map[string]string{"name": "seed"}}
		if err := db.BeginScan(ctx, sc); err != nil {
			t.Fatal(err)
		}
		for _, s := range sites {
			s.Started, s.Ended = start, start.Add(time.Minute)
			if _, _, err := db.RecordSite(ctx, sc.ID, s, testFindings(s.URL, i == 1)); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.EndScan(ctx, sc.ID, start.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutOrganisation(ctx, cases.Organisation{Name: "Préfecture A", DPOEmail: "dpo@prefecture-a.test", SiteSuffixes: []string{"prefecture-a.test"}}); err != nil {
		t.Fatal(err)
	}
}

// testHash is a cheaper argon2id hash than HashPassword's, so that tests
// do not spend seconds per login; CheckPassword reads the parameters from
// the hash.
func testHash(t testing.TB, password string) string {
	h, err := hashArgon2id(password, 1024, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func newEnv(t *testing.T, change func(*Options)) *testEnv {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed(t, db)
	for _, u := range []store.User{{Name: "ed", Role: store.RoleEditor}, {Name: "vi", Role: store.RoleViewer}} {
		u.PasswordHash, u.Created = testHash(t, testPassword), scan1
		if err := db.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	env := &testEnv{t: t, db: db, clock: &testClock{now: scan2.Add(24 * time.Hour)}, l: &recordingLauncher{}}
	o := Options{
		Store: db, Browser: db, Accounts: db, Cases: db, Watch: db, Launcher: env.l,
		FilesDir: t.TempDir(), Now: env.clock.Now, LetterFrom: "Vigie <alerte@vigie.test>",
		Lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			switch host {
			case "rebind.example.test":
				return []netip.Addr{netip.MustParseAddr("193.51.24.7"), netip.MustParseAddr("127.0.0.1")}, nil
			case "www.public.test":
				return []netip.Addr{netip.MustParseAddr("193.51.24.8")}, nil
			}
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
	}
	if change != nil {
		change(&o)
	}
	if env.srv, err = New(o); err != nil {
		t.Fatal(err)
	}
	return env
}

// client is a browser of the test dashboard: it keeps cookies.
type client struct {
	env     *testEnv
	cookies map[string]*http.Cookie
	// header is added to every request.
	header http.Header
}

func (e *testEnv) client() *client {
	return &client{env: e, cookies: map[string]*http.Cookie{}, header: http.Header{}}
}

func (c *client) do(req *http.Request) *httptest.ResponseRecorder {
	c.env.t.Helper()
	req.RemoteAddr = "192.0.2.50:40000"
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	c.env.srv.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	return rec
}

func (c *client) get(path string) *httptest.ResponseRecorder {
	return c.do(httptest.NewRequest(http.MethodGet, path, nil))
}

func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postMultipart(path string, fields map[string]string, fileField, fileName, content string) *httptest.ResponseRecorder {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if fileField != "" {
			fw, _ := mw.CreateFormFile(fileField, fileName)
			io.WriteString(fw, content)
		}
		mw.Close()
		pw.Close()
	}()
	req := httptest.NewRequest(http.MethodPost, path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the anti-forgery token of a page's forms.
func (c *client) csrf(path string) string {
	c.env.t.Helper()
	m := csrfField.FindStringSubmatch(c.get(path).Body.String())
	if m == nil {
		c.env.t.Fatalf("no csrf field on %s", path)
	}
	return m[1]
}

// login signs in and fails the test if that does not work.
func (c *client) login(user string) *client {
	c.env.t.Helper()
	rec := c.tryLogin(user, testPassword)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		c.env.t.Fatalf("login %s: %d %s", user, rec.Code, rec.Body.String())
	}
	return c
}

func (c *client) tryLogin(user, password string) *httptest.ResponseRecorder {
	token := c.csrf("/login")
	return c.post("/login", url.Values{"csrf": {token}, "user": {user}, "password": {password}})
}

func newPost(path string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func serve(env *testEnv, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	env.srv.ServeHTTP(rec, req)
	return rec
}
