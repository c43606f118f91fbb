package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/store"
)

// readRoutes are GET routes with data; postRoutes every state-changing
// route.
var readRoutes = []string{
	"/", "/findings", "/findings?state=open&format=csv", "/findings/0123456789abcdef01234567",
	"/findings/0123456789abcdef01234567/bundle", "/sites", "/sites?format=jsonl", "/site?url=http%3A%2F%2Fmairie-b.test",
	"/organisations", "/scans", "/scans/x/progress", "/checks", "/cases", "/cases/C-1", "/cases/C-1/documents/1",
	"/cases/C-1/chronology", "/nowhere",
}

var postRoutes = []string{
	"/scans", "/cases", "/cases/C-1/events", "/cases/C-1/letter", "/cases/C-1/publish",
}

func TestAnonymousSeesOnlyLogin(t *testing.T) {
	env := newEnv(t, nil)
	c := env.client()
	for _, path := range append(append([]string{}, readRoutes...), "/logout") {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			if method == http.MethodGet && path == "/logout" {
				continue
			}
			var rec = c.get(path)
			if method == http.MethodPost {
				rec = c.post(path, url.Values{"csrf": {"x"}})
			}
			if path == "/nowhere" && method == http.MethodGet || rec.Code == http.StatusSeeOther {
				if loc := rec.Header().Get("Location"); loc != "/login" {
					t.Errorf("anonymous %s %s: %d to %q, want a redirect to /login", method, path, rec.Code, loc)
				}
				continue
			}
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("anonymous %s %s: %d, want a redirect to /login", method, path, rec.Code)
			}
		}
	}
	for _, path := range postRoutes {
		if rec := c.post(path, url.Values{}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
			t.Errorf("anonymous POST %s: %d to %q, want a redirect to /login", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	rec := c.get("/login")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="password"`) {
		t.Errorf("GET /login: %d", rec.Code)
	}
}

func TestLogin(t *testing.T) {
	env := newEnv(t, nil)
	c := env.client()
	rec := c.tryLogin("ed", testPassword)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	ck := c.cookies["vigie"]
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || len(ck.Value) < 40 {
		t.Fatalf("session cookie %+v", ck)
	}
	if got := c.get("/"); got.Code != http.StatusOK {
		t.Fatalf("overview after login: %d", got.Code)
	}
	// The store keeps a hash of the token, never the token.
	if _, err := env.db.Session(t.Context(), ck.Value, env.clock.Now()); err == nil {
		t.Error("the store finds a session by its raw token")
	}
	if _, err := env.db.Session(t.Context(), tokenHash(ck.Value), env.clock.Now()); err != nil {
		t.Errorf("session by hash: %v", err)
	}
	// Sign-out ends the session for good.
	old := *ck
	if rec := c.post("/logout", url.Values{"csrf": {c.csrf("/")}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	c.cookies["vigie"] = &old
	if rec := c.get("/"); rec.Code != http.StatusSeeOther {
		t.Errorf("old session after logout: %d", rec.Code)
	}
	// Expiry: 2 h idle, or 12 h whatever the use.
	c2 := env.client().login("vi")
	for range 11 {
		env.clock.advance(time.Hour)
		if rec := c2.get("/"); rec.Code != http.StatusOK {
			t.Fatalf("session used every hour, after %s: %d", env.clock.Now().Sub(scan2), rec.Code)
		}
	}
	env.clock.advance(61 * time.Minute)
	if rec := c2.get("/"); rec.Code != http.StatusSeeOther {
		t.Errorf("session after 12 h: %d", rec.Code)
	}
	c4 := env.client().login("vi")
	env.clock.advance(2*time.Hour + time.Minute)
	if rec := c4.get("/"); rec.Code != http.StatusSeeOther {
		t.Errorf("session idle 2 h: %d", rec.Code)
	}

	// Unknown user and wrong password read the same.
	bad := env.client().tryLogin("ed", "wrong password!")
	unknown := env.client().tryLogin("nobody", testPassword)
	strip := func(s string) string { return csrfField.ReplaceAllString(s, "") }
	if bad.Code != http.StatusUnauthorized || unknown.Code != http.StatusUnauthorized || strip(bad.Body.String()) != strip(unknown.Body.String()) {
		t.Errorf("bad password %d, unknown user %d; bodies equal: %v", bad.Code, unknown.Code, strip(bad.Body.String()) == strip(unknown.Body.String()))
	}
	// The login form needs its pre-session token.
	c3 := env.client()
	c3.get("/login")
	if rec := c3.post("/login", url.Values{"user": {"ed"}, "password": {testPassword}}); rec.Code != http.StatusForbidden || c3.cookies["vigie"] != nil {
		t.Errorf("login without token: %d", rec.Code)
	}
	if rec := c3.post("/login", url.Values{"csrf": {"forged"}, "user": {"ed"}, "password": {testPassword}}); rec.Code != http.StatusForbidden {
		t.Errorf("login with a forged token: %d", rec.Code)
	}
}

func TestLoginRateLimit(t *testing.T) {
	env := newEnv(t, nil)
	c := env.client()
	for i := range loginFreeFailures {
		if rec := c.tryLogin("ed", "not the password"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, rec.Code)
		}
	}
	rec := c.tryLogin("ed", testPassword)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("after %d failures, the right password: %d (Retry-After %q), want 429", loginFreeFailures, rec.Code, rec.Header().Get("Retry-After"))
	}
	// The user name is throttled from another address too.
	other := env.client()
	r := newPost("/login", url.Values{"csrf": {other.csrf("/login")}, "user": {"ed"}, "password": {testPassword}})
	r.RemoteAddr = "198.51.100.9:1234"
	for _, ck := range other.cookies {
		r.AddCookie(ck)
	}
	if got := serve(env, r); got.Code != http.StatusTooManyRequests {
		t.Errorf("same user from another address: %d", got.Code)
	}
	env.clock.advance(2 * time.Second)
	c.login("ed")
}

func TestLoginLimiterBackoff(t *testing.T) {
	l := newLoginLimiter()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const ip = "192.0.2.1"
	for i := range loginFreeFailures {
		if w := l.begin(now, ip, "ed"); w != 0 {
			t.Fatalf("attempt %d blocked %v", i+1, w)
		}
	}
	// Each further attempt waits twice as long as the last; refused
	// attempts count for nothing.
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		if w := l.begin(now, ip, "ed"); w != want {
			t.Errorf("attempt %d: wait %v, want %v", loginFreeFailures+i+1, w, want)
		}
		if w := l.begin(now, "203.0.113.1", "ed"); w != want {
			t.Errorf("attempt %d, user from elsewhere: wait %v, want %v", loginFreeFailures+i+1, w, want)
		}
		if w := l.begin(now, ip, "someone-else"); w != want {
			t.Errorf("attempt %d, address with another user: wait %v, want %v", loginFreeFailures+i+1, w, want)
		}
		now = now.Add(want)
		if w := l.begin(now, ip, "ed"); w != 0 {
			t.Errorf("still blocked %v once the wait is over", w)
		}
	}
	for range 40 {
		now = now.Add(loginMaxDelay)
		l.begin(now, ip, "ed")
	}
	if w := l.begin(now, ip, "ed"); w != loginMaxDelay {
		t.Errorf("wait after many failures %v, want the cap %v", w, loginMaxDelay)
	}
	// Success clears the user's count, not the address's.
	l.succeed(ip, "ed")
	if w := l.begin(now, "203.0.113.1", "ed"); w != 0 {
		t.Errorf("user still blocked after success: %v", w)
	}
	if w := l.begin(now, ip, "other"); w == 0 {
		t.Error("address unblocked by one success")
	}
}

// Parallel wrong passwords: the throttle is decided before the hash, so
// no more than the free attempts get a hash, and hashes run at most
// MaxHashes at once whatever the load.
func TestLoginParallel(t *testing.T) {
	env := newEnv(t, func(o *Options) { o.MaxHashes = 2 })
	var running, peak, hashed atomic.Int32
	env.srv.dummyHash = testHash(t, "unknown users' hash") // as cheap as the test users'
	verify := env.srv.verify
	env.srv.verify = func(hash, password string) (bool, error) {
		n := running.Add(1)
		hashed.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		defer running.Add(-1)
		time.Sleep(20 * time.Millisecond)
		return verify(hash, password)
	}
	try := func(ip, user string) int {
		c := env.client()
		r := newPost("/login", url.Values{"csrf": {c.csrf("/login")}, "user": {user}, "password": {"wrong password!!"}})
		r.RemoteAddr = ip + ":1234"
		for _, ck := range c.cookies {
			r.AddCookie(ck)
		}
		return serve(env, r).Code
	}
	codes := make(chan int, 30)
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() { codes <- try("198.51.100.7", "ed") })
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusUnauthorized] != loginFreeFailures || count[http.StatusTooManyRequests] != 30-loginFreeFailures {
		t.Errorf("30 parallel wrong passwords: %v; want %d judged, the rest throttled", count, loginFreeFailures)
	}
	if int(hashed.Load()) != loginFreeFailures {
		t.Errorf("%d hashes computed, want %d", hashed.Load(), loginFreeFailures)
	}
	// Many users from many addresses: no throttle, but a bounded number
	// of hashes at once.
	hashed.Store(0)
	var mu sync.Mutex
	count = map[int]int{}
	for i := range 12 {
		wg.Go(func() {
			code := try(fmt.Sprintf("203.0.113.%d", i+1), fmt.Sprintf("user%d", i))
			mu.Lock()
			count[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if hashed.Load() != 12 || peak.Load() > 2 || count[http.StatusUnauthorized] != 12 {
		t.Errorf("%d hashes, at most %d at once, answers %v; want 12, at most 2, all 401", hashed.Load(), peak.Load(), count)
	}
}

func TestCSRF(t *testing.T) {
	env := newEnv(t, nil)
	ed := env.client().login("ed")
	good := ed.csrf("/")
	for _, path := range append(append([]string{}, postRoutes...), "/logout") {
		for name, form := range map[string]url.Values{
			"none":  {},
			"wrong": {"csrf": {good[:len(good)-2] + "xx"}},
			"empty": {"csrf": {""}},
		} {
			if rec := ed.post(path, form); rec.Code != http.StatusForbidden {
				t.Errorf("POST %s with %s token: %d, want 403", path, name, rec.Code)
			}
		}
		// A cross-site request is refused even with the token.
		ed.header.Set("Sec-Fetch-Site", "cross-site")
		if rec := ed.post(path, url.Values{"csrf": {good}}); rec.Code != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, rec.Code)
		}
		ed.header.Del("Sec-Fetch-Site")
		ed.header.Set("Origin", "https://evil.test")
		if rec := ed.post(path, url.Values{"csrf": {good}}); rec.Code != http.StatusForbidden {
			t.Errorf("POST %s from another origin: %d, want 403", path, rec.Code)
		}
		ed.header.Del("Origin")
	}
	if env.l.count() != 0 {
		t.Errorf("%d scans launched by refused requests", env.l.count())
	}
	all, _ := env.db.Cases(t.Context())
	if len(all) != 0 {
		t.Errorf("%d cases opened by refused requests", len(all))
	}
	// Another session's token is not this one's.
	vi := env.client().login("vi")
	if rec := ed.post("/scans", url.Values{"csrf": {vi.csrf("/")}, "targets": {"203.0.113.1"}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST with another session's token: %d", rec.Code)
	}
}

func TestViewerChangesNothing(t *testing.T) {
	env := newEnv(t, nil)
	ed := env.client().login("ed")
	// A case exists, so that case routes reach their handlers.
	if rec := ed.post("/cases", url.Values{"csrf": {ed.csrf("/cases")}, "scan": {scanID(t, env, 1)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("open cases: %d %s", rec.Code, rec.Body.String())
	}
	before, _ := env.db.Case(t.Context(), "C-1")
	beforeAll, _ := env.db.Cases(t.Context())
	vi := env.client().login("vi")
	token := vi.csrf("/")
	forms := map[string]url.Values{
		"/scans":             {"targets": {"203.0.113.1"}},
		"/cases":             {"scan": {scanID(t, env, 2)}},
		"/cases/C-1/events":  {"kind": {"note"}, "date": {"2026-11-02"}, "text": {"x"}},
		"/cases/C-1/letter":  {"kind": {"alert"}, "format": {"md"}},
		"/cases/C-1/publish": {"lang": {"fr"}},
	}
	for _, path := range postRoutes {
		form := forms[path]
		form.Set("csrf", token)
		rec := vi.post(path, form)
		if rec.Code != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d, want 403", path, rec.Code)
		}
	}
	after, _ := env.db.Case(t.Context(), "C-1")
	all, _ := env.db.Cases(t.Context())
	if len(after.Events) != len(before.Events) || len(all) != len(beforeAll) || env.l.count() != 0 {
		t.Errorf("a viewer changed something: events %d → %d, cases %d, scans %d", len(before.Events), len(after.Events), len(all), env.l.count())
	}
	// The viewer sees no form that would change anything.
	for _, path := range []string{"/scans", "/cases", "/cases/C-1"} {
		body := vi.get(path).Body.String()
		if strings.Contains(body, `method="post" action="/scans"`) || strings.Contains(body, `method="post" action="/cases`) {
			t.Errorf("viewer sees an editing form on %s", path)
		}
	}
	// And may still read and sign out.
	if rec := vi.get("/cases/C-1"); rec.Code != http.StatusOK {
		t.Errorf("viewer reads a case: %d", rec.Code)
	}
	if rec := vi.post("/logout", url.Values{"csrf": {token}}); rec.Code != http.StatusSeeOther {
		t.Errorf("viewer signs out: %d", rec.Code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	for _, secure := range []bool{false, true} {
		env := newEnv(t, func(o *Options) { o.Secure = secure })
		ed := env.client()
		login := ed.get("/login")
		ed.login("ed")
		cookie := "vigie"
		if secure {
			cookie = "__Host-vigie"
		}
		if ck := ed.cookies[cookie]; ck == nil || ck.Secure != secure {
			t.Errorf("secure=%v: session cookie %q %+v", secure, cookie, ck)
		}
		responses := map[string]*http.Response{
			"login":    login.Result(),
			"overview": ed.get("/").Result(),
			"findings": ed.get("/findings?severity=high").Result(),
			"export":   ed.get("/findings?format=jsonl").Result(),
			"static":   ed.get("/static/style.css").Result(),
			"404":      ed.get("/nowhere").Result(),
			"400":      ed.get("/findings?severity=bogus").Result(),
			"403":      ed.post("/scans", url.Values{}).Result(),
			"anon":     env.client().get("/").Result(),
		}
		for name, resp := range responses {
			h := resp.Header
			want := map[string]string{
				"Content-Security-Policy":    ContentSecurityPolicy,
				"X-Content-Type-Options":     "nosniff",
				"Referrer-Policy":            "no-referrer",
				"X-Frame-Options":            "DENY",
				"Cross-Origin-Opener-Policy": "same-origin",
			}
			if secure {
				want["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
			}
			for k, v := range want {
				if got := h.Get(k); got != v {
					t.Errorf("secure=%v %s: %s = %q, want %q", secure, name, k, got, v)
				}
			}
			if !secure && h.Get("Strict-Transport-Security") != "" {
				t.Errorf("%s: HSTS over HTTP", name)
			}
			if !strings.Contains(h.Get("Permissions-Policy"), "camera=()") {
				t.Errorf("%s: Permissions-Policy %q", name, h.Get("Permissions-Policy"))
			}
			if name != "static" && h.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q", name, h.Get("Cache-Control"))
			}
		}
	}
}

func TestPages(t *testing.T) {
	env := newEnv(t, nil)
	ed := env.client().login("ed")
	ed.header.Set("Accept-Language", "en")
	fs, _, err := env.db.Query(t.Context(), store.Query{Filter: store.Filter{Check: "form.http-action"}})
	if err != nil || len(fs) != 1 {
		t.Fatalf("seeded finding: %v %d", err, len(fs))
	}
	id := fs[0].ID
	tests := []struct {
		path string
		want []string
	}{
		{"/", []string{"<svg", "sev-critical", "form.http-action", scanID(t, env, 2)}},
		{"/findings?state=open", []string{"http://mairie-b.test", "/findings/" + id}},
		{"/findings?state=fixed", []string{"transport.hsts"}},
		{"/findings?organisation=Pr%C3%A9fecture+A&severity=high", []string{"form.http-action"}},
		{"/findings?tag=mairie", []string{"transport.no-https"}},
		{"/findings?q=contact", []string{"/findings/" + id}},
		{"/findings?since=2026-11-01&until=2026-11-30", []string{"form.http-action"}},
		{"/findings/" + id, []string{"GDPR art. 32", "Evidence", "<dt>Submission method</dt><dd>post</dd>"}},
		{"/sites?failing=1", []string{"https://www.prefecture-a.test", "http://mairie-b.test"}},
		{"/site?url=https%3A%2F%2Fwww.prefecture-a.test", []string{"History of scans", scanID(t, env, 1), "fixed",
			"MDN HTTP Observatory", `<strong class="grade">B</strong> (75)`, `<span class="bad">csp-not-implemented</span>`, "x-frame-options-sameorigin-or-deny", "mdn-http-observatory algorithm 4"}},
		{"/organisations", []string{"Préfecture A", "dpo@prefecture-a.test", "=Mairie B", "/organisation?name=Pr%c3%a9fecture"}},
		{"/organisation?name=Pr%C3%A9fecture+A", []string{"Retention periods stated", "Les messages sont conservés sans limitation de durée", "unlimited", "https://www.prefecture-a.test/donnees-personnelles"}},
		{"/scans", []string{scanID(t, env, 1), `name="targets"`, "tag:prefecture", "organisation:Préfecture A"}},
		{"/checks", []string{"form.password-http", "GDPR"}},
		{"/cases", []string{scanID(t, env, 2)}},
	}
	for _, tt := range tests {
		rec := ed.get(tt.path)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", tt.path, rec.Code)
			continue
		}
		body := rec.Body.String()
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q", tt.path, w)
			}
		}
		if strings.Contains(body, "style=") || strings.Contains(body, "<script>") || strings.Contains(body, "onclick") {
			t.Errorf("GET %s: inline style or script", tt.path)
		}
	}
	// Filters narrow the list.
	if body := ed.get("/findings?tag=mairie").Body.String(); strings.Contains(body, "/findings/"+id) {
		t.Error("tag filter keeps another site's finding")
	}
	if rec := ed.get("/findings?since=2026-13-01"); rec.Code != http.StatusBadRequest {
		t.Errorf("bad date: %d", rec.Code)
	}
}

func scanID(t *testing.T, env *testEnv, n int) string {
	t.Helper()
	scans, err := env.db.Scans(t.Context(), 0)
	if err != nil || len(scans) < n {
		t.Fatalf("scans: %v", err)
	}
	return scans[len(scans)-n].ID
}

// Idle expiry reads the last use from the store: a restart neither
// forgets it nor renews idle sessions.
func TestIdleExpirySurvivesRestart(t *testing.T) {
	env := newEnv(t, nil)
	c := env.client().login("vi")
	env.clock.advance(time.Hour)
	if rec := c.get("/"); rec.Code != http.StatusOK {
		t.Fatalf("used after an hour: %d", rec.Code)
	}
	restarted, err := New(env.srv.o)
	if err != nil {
		t.Fatal(err)
	}
	env.srv = restarted
	env.clock.advance(2*time.Hour + time.Minute)
	if rec := c.get("/"); rec.Code != http.StatusSeeOther {
		t.Errorf("idle 2 h 01 across a restart: %d, want the login page", rec.Code)
	}
}
