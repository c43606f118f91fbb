package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"vigie/observation"
)

// bannerWait is how long the consent pass waits for a banner that is not
// there once the page settled: consent managers often draw it a moment
// after the load event (after fetching their texts).
const bannerWait = time.Second

// afterReload is the least time awaited on the page loaded again after a
// choice, before the network quiet time: trackers often start on a timer.
const afterReload = 500 * time.Millisecond

// Consent runs the consent pass on pageURL (a site's entry page): it
// loads the page in a fresh browser context, finds the consent banners and
// describes their controls, then refuses as a visitor would (on the first
// layer, else through the settings layer) and records what the browser
// sent and kept after the choice, the page loaded once more; then the
// same in another fresh context, accepting. Clicking the banner's own
// controls is the only interaction. Each visit takes a tab of the pool in
// turn, so a caller must not hold one. The error is for a dead browser
// (wrapping ErrBrowserGone), a cancelled ctx or a bad URL; a page that
// does not load gives a Consent with Error set.
func (p *Pool) Consent(ctx context.Context, pageURL string) (*observation.Consent, error) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("browser: consent %q: not an absolute http(s) URL", pageURL)
	}
	c := &observation.Consent{URL: pageURL}
	for _, choice := range []string{observation.ControlRefuse, observation.ControlAccept} {
		s, err := p.Open(ctx)
		if err != nil {
			return nil, err
		}
		err = s.consentVisit(ctx, c, choice)
		s.Close()
		if err != nil {
			return nil, err
		}
		if c.Error != "" || len(c.Banners) == 0 {
			break // nothing to accept either
		}
	}
	return c, nil
}

// consentVisit is one visit of the pass. The first one (refusal) fills the
// banners, managers and screenshot of c.
func (s *Session) consentVisit(ctx context.Context, c *observation.Consent, choice string) error {
	if !s.in.alive() {
		return fmt.Errorf("browser: consent %s: %w", c.URL, ErrBrowserGone)
	}
	// Two loads of the page and the clicks between.
	vctx, cancel := s.bound(ctx, 2*s.p.o.PageTimeout)
	defer cancel()
	first := choice == observation.ControlRefuse
	v, err := s.visit(vctx, c, choice, first)
	if !s.in.alive() {
		return fmt.Errorf("browser: consent %s: %w", c.URL, ErrBrowserGone)
	}
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("browser: consent %s: %w", c.URL, ctx.Err())
	}
	if err != nil {
		msg := err.Error()
		if vctx.Err() != nil {
			msg = fmt.Sprintf("timeout after %s: %v", 2*s.p.o.PageTimeout, err)
		}
		if v == nil {
			if first {
				c.Error = msg
			}
		} else {
			v.Error = msg
		}
	}
	if v != nil {
		if first {
			c.Refusal = v
		} else {
			c.Acceptance = v
		}
	}
	return nil
}

// visit loads the page, finds the banners, clicks towards choice and
// records what follows. It returns nil and no error when there is nothing
// to click, nil and an error when the page did not load.
func (s *Session) visit(ctx context.Context, c *observation.Consent, choice string, first bool) (*observation.ConsentVisit, error) {
	rec := newRecorder()
	s.setRecorder(rec)
	defer s.setRecorder(nil)
	if err := s.navigate(ctx, rec, c.URL); err != nil {
		return nil, err
	}
	topID, world, err := s.topWorld(ctx)
	if err != nil {
		return nil, err
	}
	banners, err := s.banners(ctx, world)
	if err != nil {
		return nil, err
	}
	if len(banners) == 0 {
		// Drawn late?
		select {
		case <-time.After(bannerWait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if banners, err = s.banners(ctx, world); err != nil {
			return nil, err
		}
	}
	if first {
		if mw, ok := s.mainWorld(topID); ok {
			var g struct {
				Managers []string `json:"managers"`
				TCF      bool     `json:"tcf"`
				CmpID    int      `json:"tcf_cmp"`
			}
			if err := s.eval(ctx, mw, globalsScript, &g); err == nil {
				c.Managers, c.TCF, c.TCFCmpID = g.Managers, g.TCF, g.CmpID
			}
		}
		c.Banners = banners
		if len(banners) > 0 && s.p.o.Screenshot {
			s.consentScreenshot(ctx, c)
		}
	}
	bi := -1
	for i, b := range banners {
		if hasRole(b.Controls, observation.ControlAccept) || hasRole(b.Controls, observation.ControlRefuse) {
			bi = i
			break
		}
	}
	if bi < 0 || bi >= len(c.Banners) {
		return nil, nil
	}
	v := &observation.ConsentVisit{Choice: choice}
	before, err := s.allCookies(ctx, rec)
	if err != nil {
		return nil, err
	}
	v.CookiesBefore = before
	v.StorageBefore = s.topStorage(ctx)

	// First layer, else the settings layer.
	clicks := 0
	target, ok := find(banners[bi].Controls, choice)
	if !ok {
		settings, ok := find(banners[bi].Controls, observation.ControlSettings)
		if !ok || settings.Navigates {
			return nil, nil
		}
		if err := s.click(ctx, world, settings, false); err != nil {
			return nil, err
		}
		clicks++
		v.Clicked = append(v.Clicked, label(settings))
		second, err := s.secondLayer(ctx, rec, world, choice)
		if err != nil {
			return nil, err
		}
		if _, ok := find(second, choice); !ok {
			// The mouse may have missed a moving layer: the control
			// once more, by script. (The controls were listed again.)
			if again, ok := findText(second, settings); ok {
				if err := s.click(ctx, world, again, true); err != nil {
					return nil, err
				}
				if second, err = s.secondLayer(ctx, rec, world, choice); err != nil {
					return nil, err
				}
			}
		}
		if first || c.Banners[bi].SecondLayer == nil {
			c.Banners[bi].SecondLayer = second
		}
		if target, ok = find(second, choice); !ok {
			return nil, nil // no way to refuse (or accept) found
		}
	}
	rec.mu.Lock()
	start := len(rec.reqs)
	rec.mu.Unlock()
	if err := s.click(ctx, world, target, false); err != nil {
		return v, err
	}
	clicks++
	v.Clicked = append(v.Clicked, label(target))
	if choice == observation.ControlRefuse {
		c.Banners[bi].RefuseClicks = clicks
	} else {
		c.Banners[bi].AcceptClicks = clicks
	}
	if s.settle(ctx, rec) {
		return v, errCrashed
	}
	// What followed the click, then the page once more.
	r := &observation.Rendering{URL: c.URL}
	s.finish(rec, r)
	v.Requests = append(v.Requests, r.Requests[min(start, len(r.Requests)):]...)
	rec2 := newRecorder()
	s.setRecorder(rec2)
	err = s.navigate(ctx, rec2, c.URL)
	if err == nil {
		select {
		case <-time.After(afterReload):
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err == nil && s.settle(ctx, rec2) {
			err = errCrashed
		}
	}
	r2 := &observation.Rendering{URL: c.URL}
	if after, cerr := s.allCookies(ctx, rec2); cerr == nil {
		r2.Cookies = after
		r2.Cookies = append(r2.Cookies, v.CookiesBefore...)
	}
	s.finish(rec2, r2)
	v.Requests = append(v.Requests, r2.Requests...)
	for i := range v.Requests {
		v.Requests[i].Header, v.Requests[i].PostData = nil, ""
	}
	// finish classified the cookies of both moments together.
	n := len(r2.Cookies) - len(v.CookiesBefore)
	if n >= 0 {
		v.Cookies, v.CookiesBefore = r2.Cookies[:n], r2.Cookies[n:]
	}
	if err == nil {
		v.Storage = s.topStorage(ctx)
	}
	return v, err
}

// secondLayer waits for the layer a settings control opened and returns
// the controls then visible in any banner.
func (s *Session) secondLayer(ctx context.Context, rec *recorder, world runtime.ExecutionContextID, choice string) ([]observation.Control, error) {
	if s.settle(ctx, rec) {
		return nil, errCrashed
	}
	var out []observation.Control
	deadline := time.Now().Add(bannerWait)
	for {
		banners, err := s.banners(ctx, world)
		if err != nil {
			return nil, err
		}
		out = out[:0]
		for _, b := range banners {
			out = append(out, b.Controls...)
		}
		if _, ok := find(out, choice); ok || time.Now().After(deadline) {
			return out, nil
		}
		select {
		case <-time.After(250 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// topWorld makes an isolated world of this package in the top document.
func (s *Session) topWorld(ctx context.Context) (cdp.FrameID, runtime.ExecutionContextID, error) {
	tree, err := cdp.Call(ctx, s.target, page.GetFrameTree, cdp.Empty{})
	if err != nil || tree.FrameTree == nil || tree.FrameTree.Frame == nil {
		return "", 0, fmt.Errorf("frame tree: %v", err)
	}
	id := tree.FrameTree.Frame.ID
	w, err := cdp.Call(ctx, s.target, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: id, WorldName: "vigie-consent"})
	if err != nil {
		return "", 0, fmt.Errorf("isolated world: %w", err)
	}
	return id, w.ExecutionContextID, nil
}

// banners runs bannerScript in world.
func (s *Session) banners(ctx context.Context, world runtime.ExecutionContextID) ([]observation.Banner, error) {
	var bs []observation.Banner
	if err := s.eval(ctx, world, bannerScript, &bs); err != nil {
		return nil, fmt.Errorf("banners: %w", err)
	}
	return bs, nil
}

// click clicks control ctl with the mouse at its centre once it stopped
// moving (banners slide in), or by script when something covers it or
// when byScript.
func (s *Session) click(ctx context.Context, world runtime.ExecutionContextID, ctl observation.Control, byScript bool) error {
	type place struct {
		Found bool    `json:"found"`
		Mouse bool    `json:"mouse"`
		X     float64 `json:"x"`
		Y     float64 `json:"y"`
	}
	var at place
	if !byScript {
		// Wait (up to a second) until two looks 100ms apart agree.
		var last place
		for i := 0; i < 10; i++ {
			if err := s.eval(ctx, world, clickScript(ctl.Index, false, false), &at); err != nil {
				return fmt.Errorf("click %q: %w", label(ctl), err)
			}
			if i > 0 && at == last {
				break
			}
			last = at
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if err := s.eval(ctx, world, clickScript(ctl.Index, true, byScript), &at); err != nil {
		return fmt.Errorf("click %q: %w", label(ctl), err)
	}
	if !at.Found {
		return fmt.Errorf("click %q: the control is gone", label(ctl))
	}
	if !at.Mouse {
		return nil
	}
	for _, t := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		p := input.DispatchMouseEventParams{Type: t, X: at.X, Y: at.Y}
		if t != input.DispatchMouseEventTypeMouseMoved {
			p.Button, p.ClickCount = input.MouseButtonLeft, 1
		}
		if _, err := cdp.Call(ctx, s.target, input.DispatchMouseEvent, p); err != nil {
			return fmt.Errorf("click %q: %w", label(ctl), err)
		}
	}
	return nil
}

// allCookies returns the browser context's cookies.
func (s *Session) allCookies(ctx context.Context, rec *recorder) ([]observation.Cookie, error) {
	res, err := cdp.Call(ctx, chromedp.FromContext(s.ctx).Browser, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: s.bcID})
	if err != nil {
		return nil, fmt.Errorf("cookies: %w", err)
	}
	return s.cookies(rec, res.Cookies), nil
}

// topStorage returns the Web Storage entries of the top document; none
// when it cannot be read.
func (s *Session) topStorage(ctx context.Context) []observation.StorageItem {
	frames, err := s.frames(ctx, false)
	if err != nil {
		return nil
	}
	var items []observation.StorageItem
	for _, f := range frames {
		if f.top {
			items = appendStorage(items, f)
		}
	}
	return items
}

// consentScreenshot captures the page with its banner, personal data
// masked as in Render.
func (s *Session) consentScreenshot(ctx context.Context, c *observation.Consent) {
	frames, err := s.frames(ctx, false)
	if err != nil {
		c.ScreenshotUnmasked = err.Error()
		return
	}
	r := &observation.Rendering{}
	if err := s.screenshot(ctx, r, frames); err != nil {
		c.ScreenshotUnmasked = err.Error()
		return
	}
	c.Screenshot, c.ScreenshotDigest, c.ScreenshotMasked, c.ScreenshotUnmasked = r.Screenshot, r.ScreenshotDigest, r.ScreenshotMasked, r.ScreenshotUnmasked
}

func hasRole(cs []observation.Control, role string) bool {
	_, ok := find(cs, role)
	return ok
}

// find returns the first control of role.
func find(cs []observation.Control, role string) (observation.Control, bool) {
	for _, c := range cs {
		if c.Role == role {
			return c, true
		}
	}
	return observation.Control{}, false
}

// findText returns the control of cs with the role and label of c.
func findText(cs []observation.Control, c observation.Control) (observation.Control, bool) {
	for _, x := range cs {
		if x.Role == c.Role && x.Text == c.Text && x.Aria == c.Aria {
			return x, true
		}
	}
	return observation.Control{}, false
}

func label(c observation.Control) string {
	if c.Text != "" {
		return c.Text
	}
	return c.Aria
}
