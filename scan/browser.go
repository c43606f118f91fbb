package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"vigie/browser"
	"vigie/crawl"
	"vigie/evidence"
	"vigie/fetch"
	"vigie/observation"
	"vigie/target"
	"vigie/tracker"
)

// Browser configures browser mode: pages rendered in headless Chromium
// (see package browser) for the targets that ask for it.
type Browser struct {
	// ExecPath is the Chromium executable (browser.Find).
	ExecPath string
	// All renders every target whose CSV row does not say "static";
	// otherwise only rows with mode "browser" are rendered.
	All bool
	// Tabs is the number of sites rendered at once (default: the scan's
	// concurrency).
	Tabs int
	// Trackers classifies requests and cookies (tracker.Default() when
	// nil).
	Trackers *tracker.List
	// NoTyping leaves form fields untouched (no canary values).
	NoTyping bool
	// NoConsent skips the consent pass (see browser.Pool.Consent): the
	// entry page's consent banner is then neither described nor
	// clicked, and the consent.* checks say nothing.
	NoConsent bool
	// PageTimeout bounds each page's rendering (browser default when 0).
	PageTimeout time.Duration
	// Screenshots takes a full-page image of every rendered page, kept as
	// evidence for pages with findings (when the scan keeps evidence).
	Screenshots bool
}

// startBrowser starts the engine's Chromium, whose connections go through
// the engine's fetcher (its resolve rules, politeness and trusted CAs).
func (e *Engine) startBrowser(ctx context.Context) error {
	b := e.o.Browser
	trackers := b.Trackers
	if trackers == nil {
		trackers = tracker.Default()
	}
	tabs := b.Tabs
	if tabs <= 0 {
		tabs = max(1, e.o.Concurrency)
	}
	// Chromium is told to trust the same extra authorities as the
	// fetcher.
	cas := bytes.Join(e.o.Fetch.CACertPEM, []byte("\n"))
	for _, f := range e.o.Fetch.CACertFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("reading CA certificates: %w", err)
		}
		cas = append(append(cas, '\n'), b...)
	}
	pool, err := browser.Start(ctx, browser.Options{
		ExecPath:       b.ExecPath,
		Tabs:           tabs,
		Dial:           e.client.DialContext,
		CACertPEM:      cas,
		UserAgent:      browserUserAgent(e.o.Fetch.UserAgent),
		UserAgentToken: BrowserUserAgentToken,
		PageTimeout:    b.PageTimeout,
		Classify:       trackers.Classify,
		// Screenshots are only kept as evidence.
		Screenshot: b.Screenshots && e.o.Crawl.KeepScreenshots,
		Mask:       screenshotMask(e.o.Evidence),
	})
	if err != nil {
		return err
	}
	e.pool = pool
	return nil
}

// BrowserUserAgentToken ends the User-Agent of browser mode, after
// Chromium's own (see browser.Options.UserAgentToken): it names the audit
// without the words ("bot", "crawl", "spider") for which some consent
// managers hide their banner, so that Vigie sees what visitors see.
var BrowserUserAgentToken = "Vigie/" + fetch.Version + " (personal-data audit)"

// browserUserAgent is the User-Agent the browser is given: none (Chromium's
// own with BrowserUserAgentToken) unless the scan set one of its own.
func browserUserAgent(fetchUA string) string {
	if fetchUA == fetch.DefaultUserAgent {
		return ""
	}
	return fetchUA
}

// rendered reports whether target t is audited in browser mode.
func (e *Engine) rendered(t target.Target) bool {
	if e.pool == nil {
		return false
	}
	switch t.Mode {
	case target.ModeBrowser:
		return true
	case target.ModeStatic:
		return false
	}
	return e.o.Browser.All
}

// crawlSite crawls t, in the browser when its mode asks for it. A site
// whose browser failed (crashed) is crawled once more in a fresh browser
// context before its failure is recorded.
func (e *Engine) crawlSite(ctx context.Context, t target.Target) *observation.Site {
	co := e.o.Crawl
	co.Revisit = e.revisits(ctx, t)
	if !e.rendered(t) {
		sess := e.client.Session()
		defer sess.Close()
		return crawl.Site(ctx, sess, t, co)
	}
	co.NoTyping = e.o.Browser.NoTyping
	var site *observation.Site
	for attempt := 0; attempt < 2; attempt++ {
		if attempt > 0 {
			e.browserRetries.Add(1)
		}
		site = e.renderSite(ctx, t, co)
		if site.ErrorKind != observation.KindBrowser || ctx.Err() != nil {
			break
		}
	}
	return site
}

func (e *Engine) renderSite(ctx context.Context, t target.Target, co crawl.Options) *observation.Site {
	bs, err := e.pool.Open(ctx)
	if err != nil {
		now := time.Now().UTC()
		return &observation.Site{Input: t.Input, URL: t.URL, Host: t.Host, Organisation: t.Organisation, Tags: t.Tags,
			Mode: target.ModeBrowser, Error: "browser: " + err.Error(), ErrorKind: observation.KindBrowser, Started: now, Ended: now}
	}
	co.Renderer = renderer{bs, e.onRender}
	sess := e.client.Session()
	defer sess.Close()
	site := crawl.Site(ctx, sess, t, co)
	// The consent pass opens fresh sessions of its own: this one's tab
	// is given back first.
	bs.Close()
	if !e.o.Browser.NoConsent && site.Error == "" {
		e.consent(ctx, site)
	}
	return site
}

// consent runs the consent pass over the site's entry page, once per
// site, and records it in site.Consent. A dead browser makes the site a
// browser failure, as a crash while crawling does.
func (e *Engine) consent(ctx context.Context, site *observation.Site) {
	entry := ""
	for i := range site.Pages {
		if r := site.Pages[i].Rendering; r != nil && r.Error == "" && len(r.Frames) > 0 {
			entry = r.URL
			break
		}
	}
	if entry == "" {
		return
	}
	c, err := e.pool.Consent(ctx, entry)
	if err != nil {
		if errors.Is(err, browser.ErrBrowserGone) {
			site.Error, site.ErrorKind = "browser: "+err.Error(), observation.KindBrowser
		}
		return
	}
	site.Consent = c
}

// renderer adapts a browser session to the crawler.
type renderer struct {
	s *browser.Session
	// onRender, a test hook, is called as each render starts.
	onRender func()
}

func (r renderer) Render(ctx context.Context, pageURL string, c crawl.Canaries) (*observation.Rendering, error) {
	if r.onRender != nil {
		r.onRender()
	}
	return r.s.Render(ctx, pageURL, browser.CanaryFunc(c))
}

// screenshotMask returns the Options.Mask of the browser for evidence ev:
// the personal data a screenshot must hide is what ev's redactor masks in
// the text the page shows; nil when ev keeps personal data (or there is
// no evidence to keep screenshots in).
func screenshotMask(ev *Evidence) func(doc []byte) [][2]int {
	if ev == nil || ev.KeepPersonalData {
		return nil
	}
	redact := ev.Redactor
	if redact == nil {
		redact = evidence.MaskPersonalData
	}
	return func(doc []byte) [][2]int {
		_, masks := redact(doc, "text/html; charset=utf-8")
		spans := make([][2]int, 0, len(masks))
		for _, m := range masks {
			spans = append(spans, [2]int{m.Offset, m.Offset + m.Length})
		}
		return spans
	}
}
