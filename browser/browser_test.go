package browser

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"

	"vigie/internal/testpki"
	"vigie/observation"
)

func newSite(t testing.TB, withCA bool) *testEnv {
	var e *testEnv
	e = newTestEnv(t, site(&e), withCA)
	return e
}

func findRequest(r *observation.Rendering, prefix string) *observation.Request {
	for i := range r.Requests {
		if strings.HasPrefix(r.Requests[i].URL, prefix) {
			return &r.Requests[i]
		}
	}
	return nil
}

func findCookie(r *observation.Rendering, name string) *observation.Cookie {
	for i := range r.Cookies {
		if r.Cookies[i].Name == name {
			return &r.Cookies[i]
		}
	}
	return nil
}

func TestRender(t *testing.T) {
	e := newSite(t, true)
	classified := false
	p := startPool(t, e, Options{Settle: 300 * time.Millisecond, Classify: func(r *observation.Rendering) {
		classified = true
		for i := range r.Requests {
			if r.Requests[i].Party == "tracker.test" {
				r.Requests[i].Tracker = "analytics"
			}
		}
	}})
	r := render(t, p, "https://www.site.test/")
	if r.Error != "" {
		t.Fatalf("Error = %q", r.Error)
	}
	if r.URL != "https://www.site.test/" || r.Typed {
		t.Errorf("URL = %q, Typed %v", r.URL, r.Typed)
	}

	t.Run("frames", func(t *testing.T) {
		if len(r.Frames) != 3 {
			t.Fatalf("%d frames, want 3: %+v", len(r.Frames), r.Frames)
		}
		top := r.Frames[0]
		if !top.Top || top.CrossOrigin || top.URL != "https://www.site.test/" {
			t.Errorf("top frame = %+v", top)
		}
		if !strings.Contains(top.HTML, `<form id="injected" action="/contact" method="post">`) {
			t.Errorf("the script's form is not in the top document:\n%s", top.HTML)
		}
		for i, want := range []struct{ url, html string }{
			{"https://frame.test/frame.html", `<form name="frameform"`},
			{"https://frame.test/nested.html", `<p id="nested">`},
		} {
			f := r.Frames[i+1]
			if f.URL != want.url || f.Top || !f.CrossOrigin || !strings.Contains(f.HTML, want.html) {
				t.Errorf("frame %d = %+v, want %s holding %s, cross-origin", i+1, f, want.url, want.html)
			}
		}
	})

	t.Run("requests", func(t *testing.T) {
		if r.Requests[0].URL != "https://www.site.test/" || r.Requests[0].Type != "document" {
			t.Errorf("first request = %+v, want the document", r.Requests[0])
		}
		for _, want := range []observation.Request{
			{URL: "https://www.site.test/", Method: "GET", Type: "document", Party: "site.test", Status: 200},
			{URL: "https://www.site.test/app.js", Method: "GET", Type: "script", Party: "site.test", Status: 200, Initiator: "https://www.site.test/"},
			{URL: "https://tracker.test/t.js", Method: "GET", Type: "script", Party: "tracker.test", ThirdParty: true, Tracker: "analytics", Status: 200},
			{URL: "https://www.site.test/api/data", Method: "GET", Type: "fetch", Party: "site.test", Status: 200, Initiator: "https://www.site.test/app.js"},
			{URL: "https://tracker.test/pixel?x=1", Method: "GET", Type: "xhr", Party: "tracker.test", ThirdParty: true, Tracker: "analytics", Status: 200, Initiator: "https://tracker.test/t.js"},
			{URL: "https://tracker.test/collect", Method: "POST", Type: "fetch", Party: "tracker.test", ThirdParty: true, Tracker: "analytics", Status: 200, PostData: "hello=world"},
			{URL: "https://tracker.test/beacon", Method: "POST", Type: "ping", Party: "tracker.test", ThirdParty: true, Tracker: "analytics", Status: 200, PostData: "beacon-data"},
			{URL: "https://frame.test/frame.html", Method: "GET", Type: "document", Party: "frame.test", ThirdParty: true, Status: 200},
		} {
			got := findRequest(r, want.URL)
			if got == nil {
				t.Errorf("no request for %s", want.URL)
				continue
			}
			if want.Initiator == "" {
				want.Initiator = got.Initiator
			}
			want.Header = got.Header
			g := *got
			if g.URL != want.URL || g.Method != want.Method || g.Type != want.Type || g.Party != want.Party ||
				g.ThirdParty != want.ThirdParty || g.Tracker != want.Tracker || g.Status != want.Status ||
				g.PostData != want.PostData || g.Initiator != want.Initiator || g.AfterTyping {
				t.Errorf("request\n got %+v\nwant %+v", g, want)
			}
			if g.Header["host"] == "" && g.Header["user-agent"] == "" {
				t.Errorf("%s: no request headers kept: %v", want.URL, g.Header)
			}
		}
		if big := findRequest(r, "https://tracker.test/big"); big == nil || len(big.PostData) != maxPostData || big.PostData[:3] != "xxx" {
			t.Errorf("a 100 kB body is not kept capped to %d bytes: %d bytes", maxPostData, len(big.PostData))
		}
		if !classified {
			t.Error("Classify was not called")
		}
	})

	t.Run("cookies", func(t *testing.T) {
		sid, trk, js := findCookie(r, "sid"), findCookie(r, "trk"), findCookie(r, "jsck")
		if sid == nil || trk == nil || js == nil {
			t.Fatalf("cookies = %+v, want sid, trk and jsck", r.Cookies)
		}
		if *sid != (observation.Cookie{Name: "sid", Domain: "www.site.test", Path: "/", Party: "site.test", Secure: true,
			HTTPOnly: true, SameSite: "Lax", Session: true, ValueLength: 6, SetBy: "https://www.site.test/"}) {
			t.Errorf("sid = %+v", *sid)
		}
		if trk.Party != "tracker.test" || !trk.ThirdParty || trk.Session || trk.SameSite != "None" ||
			trk.Lifetime < 29 || trk.Lifetime > 30.1 || trk.Expires == 0 || trk.ValueLength != 10 || trk.SetBy != "https://tracker.test/t.js" {
			t.Errorf("trk = %+v", *trk)
		}
		if js.ValueLength != 2 || js.HTTPOnly || js.ThirdParty {
			t.Errorf("jsck = %+v", *js)
		}
	})

	t.Run("storage", func(t *testing.T) {
		want := []observation.StorageItem{
			{Origin: "https://www.site.test", Kind: "local", Key: "ls-key", ValueLength: 8},
			{Origin: "https://www.site.test", Kind: "session", Key: "ss-key", ValueLength: 2},
			{Origin: "https://frame.test", Kind: "local", Key: "nested-key", ValueLength: 1},
		}
		if !slices.Equal(r.Storage, want) {
			t.Errorf("storage\n got %+v\nwant %+v", r.Storage, want)
		}
	})
}

func TestRenderRedirect(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{Settle: 200 * time.Millisecond, UserAgent: "Vigie-test/1.0 (+https://vigie.test)"})
	r := render(t, p, "https://www.site.test/redirect")
	if ua := r.Requests[0].Header["user-agent"]; ua != "Vigie-test/1.0 (+https://vigie.test)" {
		t.Errorf("User-Agent %q", ua)
	}
	if r.Error != "" || r.URL != "https://www.site.test/" || r.Frames[0].URL != "https://www.site.test/" {
		t.Fatalf("URL %q, frame %q, error %q", r.URL, r.Frames[0].URL, r.Error)
	}
	if len(r.Requests) < 2 || r.Requests[0].URL != "https://www.site.test/redirect" || r.Requests[0].Status != 302 ||
		r.Requests[1].URL != "https://www.site.test/" || r.Requests[1].Status != 200 || r.Requests[1].Type != "document" {
		t.Errorf("requests start with %+v", r.Requests[:min(2, len(r.Requests))])
	}
}

func TestRenderMetaRefresh(t *testing.T) {
	e := newSite(t, true)
	settle := 300 * time.Millisecond
	if raceDetector {
		settle = time.Second // the refreshed page was captured before it loaded
	}
	p := startPool(t, e, Options{Settle: settle})
	r := render(t, p, "https://www.site.test/refresh")
	if r.Error != "" || r.URL != "https://www.site.test/" || !strings.Contains(r.Frames[0].HTML, "<h1>Mairie</h1>") {
		t.Errorf("URL %q, error %q", r.URL, r.Error)
	}
}

func TestTyping(t *testing.T) {
	e := newSite(t, true)
	var mu sync.Mutex
	var seen []observation.Field
	canaries := func(frameURL string, form int, f observation.Field) (string, bool) {
		mu.Lock()
		seen = append(seen, f)
		mu.Unlock()
		if frameURL != "https://www.site.test/form" || form != 0 {
			return "", false
		}
		switch f.Name {
		case "email":
			return "canary.4711@vigie.test", true
		case "nom":
			return "Canary\nNom", true // the newline must not be typed
		}
		return "", false
	}
	p := startPool(t, e, Options{Settle: 300 * time.Millisecond, Canaries: canaries})
	r := render(t, p, "https://www.site.test/form")
	if r.Error != "" {
		t.Fatalf("Error = %q", r.Error)
	}
	if !r.Typed {
		t.Error("Typed is false")
	}
	wantFields := []observation.Field{
		{Tag: "input", Type: "text", Name: "nom", ID: "nom", Label: "Nom"},
		{Tag: "input", Type: "email", Name: "email", ID: "email", Placeholder: "Votre courriel"},
		{Tag: "textarea", Name: "message"},
		{Tag: "input", Type: "text", Name: "demo", ID: "demo", Legend: "Are you a union member?", Disabled: true},
	}
	if !reflect.DeepEqual(seen, wantFields) {
		t.Errorf("fields offered\n got %+v\nwant %+v", seen, wantFields)
	}
	var keylog []observation.Request
	for _, q := range r.Requests {
		if strings.HasPrefix(q.URL, "https://tracker.test/keylog") {
			keylog = append(keylog, q)
		}
	}
	if len(keylog) == 0 {
		t.Fatal("the page's input listener sent nothing")
	}
	last := keylog[len(keylog)-1]
	if !last.AfterTyping || last.PostData != "v=canary.4711%40vigie.test" || last.Type != "ping" || !last.ThirdParty {
		t.Errorf("last keylog request = %+v", last)
	}
	if c := findRequest(r, "https://tracker.test/change"); c == nil || !c.AfterTyping || !strings.Contains(c.PostData, "canary.4711@vigie.test") {
		t.Errorf("change request = %+v", c)
	}
	if doc := r.Requests[0]; doc.AfterTyping {
		t.Errorf("the document is marked AfterTyping")
	}
	if n := e.count("www.site.test/submit"); n != 0 {
		t.Errorf("the form was submitted %d times", n)
	}
	if findRequest(r, "https://www.site.test/submit") != nil {
		t.Error("a request to the form's action was sent")
	}
	var keys string
	for _, q := range r.Requests {
		if q.URL == "https://tracker.test/key" && q.AfterTyping {
			keys += q.PostData
		}
	}
	if keys != "CanaryNom" { // the newline is never typed
		t.Errorf("keydown listener saw %q, want CanaryNom", keys)
	}
}

// TestTypingFrame types into the form of a cross-origin frame.
func TestTypingFrame(t *testing.T) {
	e := newSite(t, true)
	canaries := func(frameURL string, form int, f observation.Field) (string, bool) {
		return "frame-canary", frameURL == "https://frame.test/frame.html" && form == 0 && f.Name == "newsletter-email"
	}
	// The canaries come with the call, not the options.
	p := startPool(t, e, Options{Settle: 200 * time.Millisecond})
	ctx, s := openSession(t, p, time.Minute)
	r, err := s.Render(ctx, "https://www.site.test/", canaries)
	if err != nil {
		t.Fatal(err)
	}
	if r.Error != "" || !r.Typed {
		t.Fatalf("Error %q, Typed %v", r.Error, r.Typed)
	}
	var last *observation.Request
	for i := range r.Requests {
		if r.Requests[i].URL == "https://tracker.test/framekey" {
			last = &r.Requests[i]
		}
	}
	if last == nil || last.PostData != "frame-canary" || !last.AfterTyping {
		t.Errorf("frame's input listener sent %+v", last)
	}
}

func TestScreenshot(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{Settle: 100 * time.Millisecond, Screenshot: true})
	r := render(t, p, "https://www.site.test/tall")
	if r.Error != "" {
		t.Fatalf("Error = %q", r.Error)
	}
	img, err := png.Decode(bytes.NewReader(r.Screenshot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if h := img.Bounds().Dy(); h != maxScreenshotHeight {
		t.Errorf("screenshot height %d, want the cap %d", h, maxScreenshotHeight)
	}
	sum := sha256.Sum256(r.Screenshot)
	if r.ScreenshotDigest != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("digest %q", r.ScreenshotDigest)
	}
}

func TestBrowserKilled(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{PageTimeout: time.Minute})
	ctx, s := openSession(t, p, 2*time.Minute)
	pids := p.PIDs()
	if len(pids) != 1 {
		t.Fatalf("PIDs = %v", pids)
	}
	go func() {
		for e.count("www.site.test/hang") == 0 && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		syscall.Kill(pids[0], syscall.SIGKILL)
	}()
	// /hang never answers: only the kill ends this Render before its
	// minute is up.
	r, err := s.Render(ctx, "https://www.site.test/hang", nil)
	if !errors.Is(err, ErrBrowserGone) {
		t.Fatalf("Render = %+v, %v; want ErrBrowserGone", r, err)
	}
	if ctx.Err() != nil {
		t.Fatal("Render returned only when the test's context ended")
	}
	s.Close()
	r = render(t, p, "https://www.site.test/")
	if r.Error != "" || len(r.Frames) == 0 {
		t.Fatalf("after restart: %+v", r.Error)
	}
	if got := p.PIDs(); len(got) != 1 || got[0] == pids[0] {
		t.Errorf("PIDs after restart = %v (before %v)", got, pids)
	}
}

func TestPageTimeout(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{PageTimeout: 3 * time.Second, Settle: 100 * time.Millisecond})
	ctx, s := openSession(t, p, time.Minute)
	r, err := s.Render(ctx, "https://www.site.test/never", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Error, "timeout") {
		t.Errorf("Error = %q, want a timeout", r.Error)
	}
	if findRequest(r, "https://www.site.test/never") == nil {
		t.Errorf("the requests seen before the timeout are lost: %+v", r.Requests)
	}
	// The session stays usable.
	r, err = s.Render(ctx, "https://www.site.test/setck?v=after", nil)
	if err != nil || r.Error != "" || findCookie(r, "only-after") == nil {
		t.Errorf("next Render: %v, %+v", err, r)
	}
}

// TestHostilePages renders pages that fight the browser: each Render ends
// soon after the page timeout with the page's failure recorded, never a hang,
// and the session renders the next page.
func TestHostilePages(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{PageTimeout: 8 * time.Second, Settle: 100 * time.Millisecond})
	for _, tc := range []struct {
		path    string
		wantErr bool
	}{
		{"/busy", true},   // the renderer never yields
		{"/bounce", true}, // navigates forever
		{"/popups", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			ctx, s := openSession(t, p, time.Minute)
			start := time.Now()
			r, err := s.Render(ctx, "https://www.site.test"+tc.path, nil)
			if err != nil {
				t.Fatalf("a hostile page is the page's failure, not the browser's: %v", err)
			}
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("Render took %v with an 8 s page timeout", took)
			}
			if (r.Error != "") != tc.wantErr {
				t.Errorf("Error = %q, want an error: %v", r.Error, tc.wantErr)
			}
			if !tc.wantErr && (len(r.Frames) == 0 || !strings.Contains(r.Frames[0].HTML, `id="stay"`)) {
				t.Errorf("the page itself was lost: %+v", r.Frames)
			}
			// The browser is still usable.
			s.Close()
			ctx2, s2 := openSession(t, p, time.Minute)
			r, err = s2.Render(ctx2, "https://www.site.test/setck?v=next", nil)
			if err != nil || r.Error != "" || findCookie(r, "only-next") == nil {
				t.Errorf("next Render: %v, %+v", err, r)
			}
		})
	}
}

func TestDialogsDismissed(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{PageTimeout: time.Minute, Settle: 100 * time.Millisecond})
	r := render(t, p, "https://www.site.test/alert")
	if r.Error != "" || !strings.Contains(r.Frames[0].HTML, `<p id="after">`) {
		t.Errorf("Error %q, frames %+v", r.Error, r.Frames)
	}
}

func TestDownloadRefused(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{PageTimeout: time.Minute, Settle: 100 * time.Millisecond})
	r := render(t, p, "https://www.site.test/export.csv")
	if r.Error == "" || strings.Contains(r.Error, "timeout") {
		t.Errorf("Error = %q, want the download refused at once", r.Error)
	}
}

func TestRendererCrash(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{PageTimeout: time.Minute})
	ctx, s := openSession(t, p, 2*time.Minute)
	go func() {
		for e.count("www.site.test/slow.png") == 0 && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		cdp.Call(ctx, s.target, page.Crash, cdp.Empty{})
	}()
	r, err := s.Render(ctx, "https://www.site.test/never", nil)
	if err != nil {
		t.Fatalf("a renderer crash is the page's failure, not the browser's: %v", err)
	}
	if r.Error != errCrashed.Error() {
		t.Errorf("Error = %q, want %q", r.Error, errCrashed)
	}
	if len(p.PIDs()) != 1 {
		t.Error("the browser died with the renderer")
	}
}

func TestTabsIsolated(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{Tabs: 2, Settle: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var ss [2]*Session
	for i := range ss {
		s, err := p.Open(ctx) // both at once: Tabs is 2
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ss[i] = s
	}
	var rs [2]*observation.Rendering
	var errs [2]error
	var wg sync.WaitGroup
	for i, v := range []string{"a", "b"} {
		wg.Go(func() { rs[i], errs[i] = ss[i].Render(ctx, "https://www.site.test/setck?v="+v, nil) })
	}
	wg.Wait()
	for i, v := range []string{"a", "b"} {
		if errs[i] != nil || rs[i].Error != "" {
			t.Fatalf("session %d: %v %+v", i, errs[i], rs[i])
		}
		var names []string
		for _, c := range rs[i].Cookies {
			names = append(names, c.Name)
		}
		if !slices.Equal(names, []string{"only-" + v}) {
			t.Errorf("session %d cookies %v, want only-%s alone", i, names, v)
		}
	}
	// A third session waits for a free slot.
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if s, err := p.Open(short); err == nil {
		s.Close()
		t.Error("a third session opened while two were open with Tabs=2")
	}
}

// TestTrust checks which certificates Chromium accepts. With certutil, the
// CA given is a root in the browser's NSS database: a server sending its
// leaf alone is trusted, one signed by another CA is not. Without certutil
// the pool falls back to the SPKI list, which Chromium only matches against
// the chain the server sent: the leaf alone is then refused, as the log
// warns.
func TestTrust(t *testing.T) {
	const (
		own = iota
		other
		none
	)
	for _, tc := range []struct {
		name      string
		caInChain bool
		trust     int
		nss       bool
		wantOK    bool
	}{
		{"NSS, CA sent", true, own, true, true},
		{"NSS, leaf alone", false, own, true, true},
		{"NSS, other CA given, leaf alone", false, other, true, false},
		{"NSS, other CA given, CA sent", true, other, true, false},
		{"no CA given", true, none, true, false},
		{"SPKI fallback, CA sent", true, own, false, true},
		{"SPKI fallback, leaf alone", false, own, false, false},
		{"SPKI fallback, other CA given", true, other, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			certutil := ""
			if tc.nss {
				certutil = needCertutil(t)
			}
			e := newSite(t, tc.caInChain)
			var caPEM []byte
			switch tc.trust {
			case own:
				caPEM = e.caPEM
			case other:
				caPEM = testpki.NewCA(t, "Vigie browser test CA").PEM() // same name, other key
			}
			log := &syncLog{}
			p := startTrusting(t, e, caPEM, certutil, log)
			// The second browser, started after the first is killed, gets
			// a database of its own and must trust the same.
			var homes []string
			for _, when := range []string{"first browser", "after restart"} {
				if when == "after restart" {
					killBrowser(t, p)
				}
				r := render(t, p, "https://www.site.test/setck?v=x")
				if ok := r.Error == ""; ok != tc.wantOK {
					t.Errorf("%s: Error = %q, want success %v", when, r.Error, tc.wantOK)
				}
				if !tc.wantOK && !strings.Contains(r.Error, "ERR_CERT_AUTHORITY_INVALID") {
					t.Errorf("%s: Error = %q, want ERR_CERT_AUTHORITY_INVALID", when, r.Error)
				}
				p.mu.Lock()
				home := filepath.Join(p.cur.dir, "home")
				p.mu.Unlock()
				homes = append(homes, home)
				_, err := os.Stat(filepath.Join(nssDir(home), "cert9.db"))
				if inNSS := err == nil; inNSS != (tc.nss && tc.trust != none) {
					t.Errorf("%s: NSS database in HOME: %v (%v)", when, inNSS, err)
				}
			}
			if homes[0] == homes[1] {
				t.Errorf("the restarted browser kept the profile %s", homes[0])
			}
			fallback := strings.Contains(log.String(), "ignore-certificate-errors-spki-list")
			if want := !tc.nss && tc.trust != none; fallback != want {
				t.Errorf("log tells of the SPKI fallback: %v, want %v:\n%s", fallback, want, log)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			for _, home := range homes {
				if _, err := os.Stat(home); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("HOME %s still there after Close: %v", home, err)
				}
			}
		})
	}
}

// killBrowser kills p's Chromium and waits until the pool sees it gone.
func killBrowser(t *testing.T, p *Pool) {
	t.Helper()
	pids := p.PIDs()
	if len(pids) != 1 {
		t.Fatalf("PIDs = %v", pids)
	}
	if err := syscall.Kill(pids[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); len(p.PIDs()) > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still seen alive 30s after SIGKILL", pids[0])
		}
	}
}

// TestDialOnly checks that every connection goes through Dial with the
// host name, never an address Chromium resolved.
func TestDialOnly(t *testing.T) {
	e := newSite(t, true)
	var mu sync.Mutex
	var addrs []string
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		addrs = append(addrs, addr)
		mu.Unlock()
		return e.dial(ctx, network, addr)
	}
	p := startPool(t, e, Options{Dial: dial, Settle: 100 * time.Millisecond})
	r := render(t, p, "http://www.site.test/setck?v=plain")
	if r.Error != "" {
		t.Fatalf("plain HTTP: %q", r.Error)
	}
	r = render(t, p, "https://unknown.invalid/")
	if r.Error == "" {
		t.Error("a host Dial refuses rendered")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"www.site.test:80", "unknown.invalid:443"} {
		if !slices.Contains(addrs, want) {
			t.Errorf("Dial saw %v, not %s", addrs, want)
		}
	}
	for _, a := range addrs {
		host, _, _ := net.SplitHostPort(a)
		if net.ParseIP(host) != nil {
			t.Errorf("Dial got an address, %s: Chromium resolved a name itself", a)
		}
	}
}

// TestWebSocket checks that ws:// and wss:// go through the proxy and are
// listed.
func TestWebSocket(t *testing.T) {
	e := newSite(t, true)
	p := startPool(t, e, Options{Settle: 300 * time.Millisecond})
	r := render(t, p, "http://www.site.test/socket") // ws:// is mixed content on https
	if r.Error != "" {
		t.Fatalf("Error = %q", r.Error)
	}
	for _, scheme := range []string{"wss", "ws"} {
		q := findRequest(r, scheme+"://tracker.test/ws")
		if q == nil || q.Type != "websocket" || !q.ThirdParty {
			t.Errorf("%s request = %+v", scheme, q)
		}
		if e.count("ws-message:hello-"+scheme) != 1 {
			t.Errorf("the %s message did not reach the server", scheme)
		}
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "chrome")
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{exe, true},
		{plain, false},
		{dir, false},
		{filepath.Join(dir, "missing"), false},
	} {
		got, err := Find(tc.path)
		if (err == nil) != tc.ok || (tc.ok && got != tc.path) {
			t.Errorf("Find(%s) = %q, %v; want ok %v", tc.path, got, err, tc.ok)
		}
	}
}
