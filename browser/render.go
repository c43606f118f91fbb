package browser

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"math"
	"net/url"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"vigie/observation"
)

// maxScreenshotHeight caps full-page screenshots, in CSS pixels.
const maxScreenshotHeight = 10000

// frameDoc is one frame of the page as the collect script saw it.
type frameDoc struct {
	id     cdp.FrameID
	world  runtime.ExecutionContextID // isolated world of this package
	url    string
	origin string
	top    bool
	cross  bool
	HTML   string     `json:"html"`
	Origin string     `json:"origin"`
	Local  [][2]any   `json:"local"`
	Sess   [][2]any   `json:"session"`
	Forms  [][]jsForm `json:"forms"`
}

type jsForm struct {
	observation.Field
	Typable bool `json:"typable"`
}

// Render loads pageURL in the session's tab and reports what the browser
// saw. canaries chooses the values typed into the page's form fields; nil
// means Options.Canaries, and no typing when that is nil too. A page that
// fails to load or times out gives a Rendering with Error set; the error is
// for a dead browser (wrapping ErrBrowserGone), a closed session or a bad
// URL.
func (s *Session) Render(ctx context.Context, pageURL string, canaries CanaryFunc) (*observation.Rendering, error) {
	if canaries == nil {
		canaries = s.p.o.Canaries
	}
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("browser: render %q: not an absolute http(s) URL", pageURL)
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("browser: render %s: session closed", pageURL)
	}
	if !s.in.alive() {
		return nil, fmt.Errorf("browser: render %s: %w", pageURL, ErrBrowserGone)
	}
	rctx, cancel := s.bound(ctx, s.p.o.PageTimeout)
	defer cancel()

	rec := newRecorder()
	s.setRecorder(rec)
	defer s.setRecorder(nil)

	r := &observation.Rendering{URL: pageURL}
	err = s.render(rctx, rec, r, pageURL, canaries)
	if !s.in.alive() {
		return nil, fmt.Errorf("browser: render %s: %w", pageURL, ErrBrowserGone)
	}
	if err != nil {
		if ctx.Err() != nil && rctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("browser: render %s: %w", pageURL, ctx.Err())
		}
		if rctx.Err() != nil {
			r.Error = fmt.Sprintf("timeout after %s: %v", s.p.o.PageTimeout, err)
		} else {
			r.Error = err.Error()
		}
		// Stop what the page still loads so the next Render starts clean.
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		cdp.Call(sctx, s.target, page.StopLoading, cdp.Empty{})
		scancel()
	}
	s.finish(rec, r)
	return r, nil
}

// bound returns ctx limited to d, and ended at once when the tab or the
// browser is gone.
func (s *Session) bound(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	bctx, cancel := context.WithTimeout(ctx, d)
	stop := context.AfterFunc(s.ctx, cancel)
	go func() {
		select {
		case <-s.in.lost:
			cancel()
		case <-bctx.Done():
		}
	}()
	return bctx, func() { stop(); cancel() }
}

// render does the work of Render; an error is recorded in r.Error.
func (s *Session) render(ctx context.Context, rec *recorder, r *observation.Rendering, pageURL string, canaries CanaryFunc) error {
	if err := s.navigate(ctx, rec, pageURL); err != nil {
		return err
	}
	frames, err := s.frames(ctx, canaries != nil)
	if err != nil && ctx.Err() == nil {
		// The page navigated away while it was read (a script or a meta
		// refresh): read the new one once it settles.
		if s.settle(ctx, rec) {
			return errCrashed
		}
		frames, err = s.frames(ctx, canaries != nil)
	}
	if err != nil {
		return err
	}
	for _, f := range frames {
		if f.top {
			r.URL = f.url
		}
		r.Frames = append(r.Frames, observation.Frame{URL: f.url, Top: f.top, CrossOrigin: f.cross, HTML: f.HTML})
		r.Storage = appendStorage(r.Storage, f)
	}
	cookies, err := cdp.Call(ctx, chromedp.FromContext(s.ctx).Browser, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: s.bcID})
	if err != nil {
		return fmt.Errorf("cookies: %w", err)
	}
	r.Cookies = s.cookies(rec, cookies.Cookies)
	if s.p.o.Screenshot {
		if err := s.screenshot(ctx, r, frames); err != nil {
			return err
		}
	}
	if canaries != nil {
		typed, err := s.typeCanaries(ctx, rec, frames, canaries)
		if err != nil {
			return err
		}
		if typed {
			r.Typed = true
			// Form-analytics and session-replay scripts batch what they
			// read (every second or so): a quiet network right after the
			// last keystroke does not mean they are done.
			select {
			case <-time.After(s.p.o.AfterTyping):
			case <-rec.crash:
				return errCrashed
			case <-ctx.Done():
				return fmt.Errorf("waiting after typing: %w", ctx.Err())
			}
			if s.settle(ctx, rec) {
				return errCrashed
			}
		}
	}
	return nil
}

// navigate loads pageURL in the tab and waits for its load event, then for
// the network to settle.
func (s *Session) navigate(ctx context.Context, rec *recorder, pageURL string) error {
	nav, err := cdp.Call(ctx, s.target, page.Navigate, page.NavigateParams{URL: pageURL})
	if err != nil {
		return fmt.Errorf("navigate: %w", err)
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("navigate: %s", nav.ErrorText)
	}
	if nav.IsDownload {
		return errors.New("navigate: the URL is a download (refused)")
	}
	if nav.LoaderID != "" { // else a same-document navigation: no load event
		select {
		case <-rec.load:
		case <-rec.crash:
			return errCrashed
		case <-ctx.Done():
			return fmt.Errorf("waiting for the load event: %w", ctx.Err())
		}
	}
	if s.settle(ctx, rec) {
		return errCrashed
	}
	return nil
}

// errCrashed is the Rendering.Error of a page whose renderer crashed while
// the browser lived on.
var errCrashed = errors.New("the page's renderer crashed")

// settle waits until the network has been quiet for Settle, at most
// 4×Settle+2s, or until ctx ends. It reports whether the renderer crashed.
func (s *Session) settle(ctx context.Context, rec *recorder) (crashed bool) {
	d := s.p.o.Settle
	deadline := time.NewTimer(4*d + 2*time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for !rec.quiet(d) {
		select {
		case <-tick.C:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		case <-rec.crash:
			return true
		}
	}
	return false
}

// frames walks the frame tree in document order and reads every frame's
// DOM, storage and forms in an isolated world of this package, out of the
// page scripts' reach.
func (s *Session) frames(ctx context.Context, forms bool) ([]*frameDoc, error) {
	tree, err := cdp.Call(ctx, s.target, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("frame tree: %w", err)
	}
	var out []*frameDoc
	var topOrigin string
	var walk func(t *page.FrameTree, top bool) error
	walk = func(t *page.FrameTree, top bool) error {
		if t == nil || t.Frame == nil {
			return nil
		}
		f := &frameDoc{id: t.Frame.ID, url: t.Frame.URL + t.Frame.URLFragment, origin: t.Frame.SecurityOrigin, top: top}
		if top {
			topOrigin = f.origin
		}
		f.cross = !top && f.origin != topOrigin
		w, err := cdp.Call(ctx, s.target, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: f.id, WorldName: "vigie"})
		if err == nil {
			f.world = w.ExecutionContextID
			err = s.eval(ctx, f.world, collectScript(forms), f)
		}
		if err != nil {
			if ctx.Err() != nil || top {
				return fmt.Errorf("frame %s: %w", f.url, err)
			}
			// A frame that went away meanwhile is left out.
			fmt.Fprintf(s.p.o.Log, "browser: frame %s: %v\n", f.url, err)
			return nil
		}
		out = append(out, f)
		for _, c := range t.ChildFrames {
			if err := walk(c, false); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(tree.FrameTree, true); err != nil {
		return nil, err
	}
	return out, nil
}

// eval runs a script returning JSON.stringify(...) in world and decodes its
// value into v (nil to ignore it).
func (s *Session) eval(ctx context.Context, world runtime.ExecutionContextID, script string, v any) error {
	yes := true
	res, err := cdp.Call(ctx, s.target, runtime.Evaluate, runtime.EvaluateParams{
		Expression: script, ContextID: world, ReturnByValue: &yes, Silent: &yes,
	})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		msg := res.ExceptionDetails.Text
		if e := res.ExceptionDetails.Exception; e != nil && e.Description != "" {
			msg = e.Description
		}
		return fmt.Errorf("script: %s", msg)
	}
	if v == nil || res.Result == nil {
		return nil
	}
	var js string
	if err := json.Unmarshal([]byte(res.Result.Value), &js); err != nil {
		return fmt.Errorf("script result: %w", err)
	}
	return json.Unmarshal([]byte(js), v)
}

func appendStorage(items []observation.StorageItem, f *frameDoc) []observation.StorageItem {
	add := func(kind string, entries [][2]any) {
		for _, e := range entries {
			key, _ := e[0].(string)
			n, _ := e[1].(float64)
			dup := false
			for _, it := range items {
				if it.Origin == f.Origin && it.Kind == kind && it.Key == key {
					dup = true
					break
				}
			}
			if !dup {
				items = append(items, observation.StorageItem{Origin: f.Origin, Kind: kind, Key: key, ValueLength: int(n)})
			}
		}
	}
	add("local", f.Local)
	add("session", f.Sess)
	return items
}

// cookies converts the browser context's cookies, dropping their values.
func (s *Session) cookies(rec *recorder, in []*network.Cookie) []observation.Cookie {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	now := float64(time.Now().Unix())
	var out []observation.Cookie
	for _, c := range in {
		if c == nil {
			continue
		}
		oc := observation.Cookie{
			Name: c.Name, Domain: c.Domain, Path: c.Path, Party: party(c.Domain),
			Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: string(c.SameSite),
			Session: c.Session, ValueLength: len(c.Value),
			SetBy: rec.setBy[cookieKey(c.Name, c.Domain)],
		}
		if !c.Session && c.Expires > 0 && !math.IsInf(c.Expires, 0) {
			oc.Expires = c.Expires
			oc.Lifetime = math.Round((c.Expires-now)/86400*100) / 100
		}
		out = append(out, oc)
	}
	return out
}

// screenshot takes a PNG of the whole page, its height capped. With
// Options.Mask, the personal data the page shows is blacked out; when the
// page cannot be read whole, ScreenshotUnmasked says why, and when
// personal data was found but cannot be located reliably (the page moves,
// it sits in a fixed box of a page taller than the window), the
// screenshot is dropped.
func (s *Session) screenshot(ctx context.Context, r *observation.Rendering, frames []*frameDoc) error {
	var plan *maskPlan
	if s.p.o.Mask != nil {
		t := top(frames)
		if t == nil {
			r.ScreenshotUnmasked = "no top document"
			return nil
		}
		var reason string
		var err error
		if plan, reason, err = s.planMask(ctx, t.world); err != nil {
			// Personal data may be on the page and cannot be hidden.
			r.ScreenshotUnmasked = err.Error()
			return nil
		}
		if reason != "" && r.ScreenshotUnmasked == "" {
			r.ScreenshotUnmasked = "the page holds " + reason
		}
	}
	m, err := cdp.Call(ctx, s.target, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	w, h := 1280.0, 900.0
	if m.CSSContentSize != nil {
		w, h = math.Ceil(m.CSSContentSize.Width), math.Ceil(m.CSSContentSize.Height)
	}
	w, h = max(min(w, 4096), 1), max(min(h, maxScreenshotHeight), 1)
	yes := true
	shot, err := cdp.Call(ctx, s.target, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes,
		Clip: &page.Viewport{X: 0, Y: 0, Width: w, Height: h, Scale: 1},
	})
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	data := shot.Data
	if plan != nil && len(plan.reqs) > 0 {
		// Measured again after the capture: a page that moved in between
		// may show its data elsewhere than measured.
		after, err := s.measureMask(ctx, top(frames).world, plan.reqs)
		switch {
		case err != nil:
			return s.dropScreenshot(r, err.Error())
		case !sameBoxes(plan.boxes, after):
			return s.dropScreenshot(r, "the page moved while it was captured")
		}
		viewH := 0.0
		if m.CSSLayoutViewport != nil {
			viewH = float64(m.CSSLayoutViewport.ClientHeight)
		}
		for _, b := range plan.boxes {
			if b.Pinned && len(b.Rects) > 0 && h > viewH {
				return s.dropScreenshot(r, "personal data in a fixed box of a page taller than the window")
			}
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("screenshot: %w", err)
		}
		if data, r.ScreenshotMasked, err = paintMask(data, plan.boxes, float64(cfg.Width)/w); err != nil {
			return err
		}
	}
	r.Screenshot = data
	sum := sha256.Sum256(data)
	r.ScreenshotDigest = "sha256:" + hex.EncodeToString(sum[:])
	return nil
}

// dropScreenshot leaves the page without a screenshot, saying why: it
// would show personal data that could not be hidden.
func (s *Session) dropScreenshot(r *observation.Rendering, why string) error {
	r.Screenshot, r.ScreenshotDigest, r.ScreenshotMasked = nil, "", 0
	r.ScreenshotUnmasked = "personal data could not be located: " + why
	return nil
}

// top returns the top frame of frames.
func top(frames []*frameDoc) *frameDoc {
	for _, f := range frames {
		if f.top {
			return f
		}
	}
	return nil
}

// finish fetches the request bodies the events left out, sets parties and
// calls Classify.
func (s *Session) finish(rec *recorder, r *observation.Rendering) {
	rec.mu.Lock()
	late := make(map[int]network.RequestID, len(rec.postLate))
	for i, id := range rec.postLate {
		late[i] = id
	}
	rec.mu.Unlock()
	if len(late) > 0 && s.in.alive() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		for i, id := range late {
			var res struct {
				PostData      string `json:"postData"`
				Base64Encoded bool   `json:"base64Encoded"`
			}
			err := s.target.Call(ctx, network.GetRequestPostData.Method, network.GetRequestPostDataParams{RequestID: id}, &res)
			if err == nil {
				rec.mu.Lock()
				rec.reqs[i].PostData = capString(res.PostData)
				rec.mu.Unlock()
			}
		}
		cancel()
	}
	rec.mu.Lock()
	r.Requests = rec.reqs
	rec.reqs = nil
	rec.mu.Unlock()
	top := urlParty(r.URL)
	for i := range r.Requests {
		q := &r.Requests[i]
		q.Party = urlParty(q.URL)
		q.ThirdParty = q.Party != "" && top != "" && q.Party != top
	}
	for i := range r.Cookies {
		c := &r.Cookies[i]
		c.ThirdParty = c.Party != "" && top != "" && c.Party != top
	}
	if s.p.o.Classify != nil {
		s.p.o.Classify(r)
	}
}

// typeCanaries types the values canaries chooses into the fields
// of every frame's forms, for real, key by key, with every way to submit
// a form disabled first. It reports whether anything was typed.
func (s *Session) typeCanaries(ctx context.Context, rec *recorder, frames []*frameDoc, canaries CanaryFunc) (bool, error) {
	type plan struct {
		f           *frameDoc
		form, field int
		value       string
	}
	var plans []plan
	for _, f := range frames {
		for i, fields := range f.Forms {
			for j, fl := range fields {
				v, ok := canaries(f.url, i, fl.Field)
				if ok && fl.Typable && v != "" {
					plans = append(plans, plan{f, i, j, printable(v)})
				}
			}
		}
	}
	if len(plans) == 0 {
		return false, nil
	}
	// Neutralise submission in the page's own world of every frame; a frame
	// whose world is unknown gets no typing.
	guarded := map[cdp.FrameID]bool{}
	for _, f := range frames {
		world, ok := s.mainWorld(f.id)
		if !ok {
			continue
		}
		if err := s.eval(ctx, world, noSubmitScript, nil); err != nil {
			if ctx.Err() != nil {
				return false, err
			}
			continue
		}
		guarded[f.id] = true
	}
	rec.startTyping()
	typed := false
	for _, p := range plans {
		if !guarded[p.f.id] || p.value == "" {
			continue
		}
		var focused bool
		if err := s.eval(ctx, p.f.world, focusScript(p.form, p.field), &focused); err != nil {
			if ctx.Err() != nil {
				return typed, err
			}
			continue
		}
		if !focused {
			continue
		}
		for _, ch := range p.value {
			k := string(ch)
			if _, err := cdp.Call(ctx, s.target, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: input.DispatchKeyEventTypeKeyDown, Text: k, UnmodifiedText: k, Key: k,
			}); err != nil {
				return typed, fmt.Errorf("typing: %w", err)
			}
			if _, err := cdp.Call(ctx, s.target, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: input.DispatchKeyEventTypeKeyUp, Key: k,
			}); err != nil {
				return typed, fmt.Errorf("typing: %w", err)
			}
		}
		typed = true
		if err := s.eval(ctx, p.f.world, blurScript(p.form, p.field), nil); err != nil && ctx.Err() != nil {
			return typed, err
		}
	}
	return typed, nil
}

// printable drops control characters, Enter first among them: typing must
// never submit.
func printable(v string) string {
	out := make([]rune, 0, len(v))
	for _, r := range v {
		if r >= 0x20 && r != 0x7f {
			out = append(out, r)
		}
	}
	return string(out)
}
