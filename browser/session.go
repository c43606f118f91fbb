package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Session is one tab in a browser context of its own (own cookies, storage
// and cache), meant for one site. A Session renders one page at a time.
type Session struct {
	p      *Pool
	in     *instance
	ctx    context.Context // chromedp tab context
	cancel context.CancelFunc
	target *chromedp.Target
	bcID   cdp.BrowserContextID

	mu     sync.Mutex
	rec    *recorder
	worlds map[cdp.FrameID]mainWorld // page's own JavaScript world per frame
	closed bool
}

type mainWorld struct {
	id     runtime.ExecutionContextID
	unique string
}

// Open waits for a free tab slot and opens a session in a fresh browser
// context. Its error wraps ErrBrowserGone when the browser died meanwhile.
func (p *Pool) Open(ctx context.Context) (*Session, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("browser: waiting for a tab: %w", ctx.Err())
	}
	s, err := p.open(ctx)
	if err != nil {
		<-p.slots
		return nil, err
	}
	return s, nil
}

func (p *Pool) open(ctx context.Context) (*Session, error) {
	in, err := p.current(ctx)
	if err != nil {
		return nil, err
	}
	s := &Session{p: p, in: in, worlds: map[cdp.FrameID]mainWorld{}}
	s.ctx, s.cancel = chromedp.NewContext(in.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(s.event))
	octx, cancel := context.WithTimeout(ctx, p.o.PageTimeout)
	defer cancel()
	errc := make(chan error, 1)
	// The first Run creates the target and binds it to s.ctx, so it cannot
	// carry the timeout itself.
	go func() { _, err := chromedp.Run(s.ctx, attach); errc <- err }()
	select {
	case err = <-errc:
	case <-octx.Done():
		err = octx.Err()
	}
	if err == nil {
		c := chromedp.FromContext(s.ctx)
		s.target, s.bcID = c.Target, c.BrowserContextID
		err = s.setup(octx)
	}
	if err != nil {
		s.cancel()
		if !in.alive() {
			return nil, fmt.Errorf("browser: open tab: %w", ErrBrowserGone)
		}
		return nil, fmt.Errorf("browser: open tab: %w", err)
	}
	return s, nil
}

// setup keeps no response body, has request bodies sent with their events, and
// blocks the schemes a page has no business loading.
func (s *Session) setup(ctx context.Context) error {
	// Bodies up to maxInlinePost come with their request event; the
	// browser no longer has larger ones once the request is over.
	zero, post := int64(0), int64(maxInlinePost)
	if _, err := cdp.Call(ctx, s.target, network.Enable, network.EnableParams{
		MaxTotalBufferSize: &zero, MaxResourceBufferSize: &zero, MaxPostDataSize: &post,
	}); err != nil {
		return err
	}
	if s.in.ua != "" {
		if _, err := cdp.Call(ctx, s.target, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: s.in.ua}); err != nil {
			return fmt.Errorf("user agent: %w", err)
		}
	}
	// Third-party cookies as a default Chrome profile has them, so that
	// the audit sees what trackers set.
	if _, err := cdp.Call(ctx, s.target, network.SetCookieControls, network.SetCookieControlsParams{}); err != nil {
		fmt.Fprintf(s.p.o.Log, "browser: cookie controls: %v\n", err)
	}
	// A page must not write files: downloads are refused.
	if _, err := cdp.Call(ctx, chromedp.FromContext(s.ctx).Browser, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorDeny, BrowserContextID: s.bcID,
	}); err != nil {
		fmt.Fprintf(s.p.o.Log, "browser: refusing downloads: %v\n", err)
	}
	var patterns []*network.BlockPattern
	for _, scheme := range []string{"file", "ftp", "chrome", "chrome-extension", "chrome-untrusted", "devtools", "filesystem"} {
		patterns = append(patterns, &network.BlockPattern{URLPattern: scheme + "://*", Block: true})
	}
	if _, err := cdp.Call(ctx, s.target, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns}); err != nil {
		fmt.Fprintf(s.p.o.Log, "browser: blocking schemes: %v\n", err)
	}
	return nil
}

// Close disposes of the session's browser context and frees its slot.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	var err error
	if s.in.alive() {
		err = chromedp.Cancel(s.ctx)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
	}
	s.cancel()
	<-s.p.slots
	if err != nil {
		return fmt.Errorf("browser: close tab: %w", err)
	}
	return nil
}

// event receives every event of the tab, in order, on chromedp's reader
// goroutine: it must not block nor send commands.
func (s *Session) event(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExecutionContextCreated:
		var aux struct {
			FrameID   cdp.FrameID `json:"frameId"`
			IsDefault bool        `json:"isDefault"`
		}
		if ev.Context == nil || json.Unmarshal([]byte(ev.Context.AuxData), &aux) != nil || !aux.IsDefault || aux.FrameID == "" {
			break
		}
		s.mu.Lock()
		s.worlds[aux.FrameID] = mainWorld{ev.Context.ID, ev.Context.UniqueID}
		s.mu.Unlock()
	case *runtime.EventExecutionContextDestroyed:
		s.mu.Lock()
		for f, w := range s.worlds {
			if w.unique == ev.ExecutionContextUniqueID {
				delete(s.worlds, f)
			}
		}
		s.mu.Unlock()
	case *page.EventJavascriptDialogOpening:
		// alert(), confirm() and prompt() would stop the page until
		// answered; dismiss them (leaving the page when it asks).
		leave := ev.Type == page.DialogTypeBeforeunload
		go func() {
			ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
			defer cancel()
			cdp.Call(ctx, s.target, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: leave})
		}()
	case *runtime.EventExecutionContextsCleared:
		s.mu.Lock()
		clear(s.worlds)
		s.mu.Unlock()
	}
	s.mu.Lock()
	r := s.rec
	s.mu.Unlock()
	if r != nil {
		r.event(ev)
	}
}

func (s *Session) setRecorder(r *recorder) {
	s.mu.Lock()
	s.rec = r
	s.mu.Unlock()
}

func (s *Session) mainWorld(f cdp.FrameID) (runtime.ExecutionContextID, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.worlds[f]
	return w.id, ok
}
