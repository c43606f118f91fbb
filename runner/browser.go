package runner

import (
	"bytes"
	"fmt"
	"time"

	"vigie/browser"
	"vigie/scan"
	"vigie/target"
	"vigie/tracker"
)

// BrowserSettings are the browser-mode options of vigie scan.
type BrowserSettings struct {
	// All renders every target (--browser); otherwise only CSV rows whose
	// mode column says "browser" are.
	All bool
	// Chromium is the executable (--chromium); found on PATH when empty.
	Chromium string
	// TrackerList is a CSV file of trackers (domain,name,category) added
	// to the bundled list (--tracker-list).
	TrackerList string
	// NoTyping leaves form fields untouched (--no-typing).
	NoTyping bool
	// NoScreenshots skips the page screenshots (--no-screenshots).
	NoScreenshots bool
	// PageTimeout bounds each page's rendering (--page-timeout).
	PageTimeout time.Duration
	// trackerCSV adds trackers given as data (the demo farm's).
	trackerCSV []byte
}

// scanBrowser returns the scan's browser settings, nil when no target is
// to be rendered.
func (b BrowserSettings) scanBrowser(targets []target.Target, concurrency int) (*scan.Browser, error) {
	need := false
	for _, t := range targets {
		if t.Mode == target.ModeBrowser || (b.All && t.Mode != target.ModeStatic) {
			need = true
			break
		}
	}
	if !need {
		return nil, nil
	}
	exe, err := browser.Find(b.Chromium)
	if err != nil {
		return nil, fmt.Errorf("browser mode: %w (install Debian's chromium package or give --chromium PATH)", err)
	}
	trackers := tracker.Default()
	if b.TrackerList != "" {
		user, err := tracker.LoadFile(b.TrackerList)
		if err != nil {
			return nil, fmt.Errorf("--tracker-list: %w", err)
		}
		trackers = trackers.Merge(user)
	}
	if len(b.trackerCSV) > 0 {
		more, err := tracker.Load(bytes.NewReader(b.trackerCSV), "built-in")
		if err != nil {
			return nil, err
		}
		trackers = trackers.Merge(more)
	}
	return &scan.Browser{
		ExecPath: exe, All: b.All, Tabs: concurrency, Trackers: trackers,
		NoTyping: b.NoTyping, PageTimeout: b.PageTimeout, Screenshots: !b.NoScreenshots,
	}, nil
}
