package runner

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"vigie/browser"
	"vigie/queue"
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
	// NoConsent skips the consent pass (--no-consent).
	NoConsent bool
	// NoScreenshots skips the page screenshots (--no-screenshots).
	NoScreenshots bool
	// PageTimeout bounds each page's rendering (--page-timeout).
	PageTimeout time.Duration
	// trackerCSV adds trackers given as data (the demo farm's).
	trackerCSV []byte
}

// needed reports whether any target is to be rendered.
func (b BrowserSettings) needed(targets []target.Target) bool {
	for _, t := range targets {
		if t.Mode == target.ModeBrowser || (b.All && t.Mode != target.ModeStatic) {
			return true
		}
	}
	return false
}

// scanBrowser returns the scan's browser settings, nil when no target is
// to be rendered.
func (b BrowserSettings) scanBrowser(targets []target.Target, concurrency int) (*scan.Browser, error) {
	if !b.needed(targets) {
		return nil, nil
	}
	exe, err := browser.Find(b.Chromium)
	if err != nil {
		return nil, fmt.Errorf("browser mode: %w (install Debian's chromium package or give --chromium PATH)", err)
	}
	lists, err := b.trackerLists()
	if err != nil {
		return nil, err
	}
	trackers, err := mergeTrackers(lists)
	if err != nil {
		return nil, err
	}
	return &scan.Browser{
		ExecPath: exe, All: b.All, Tabs: concurrency, Trackers: trackers,
		NoTyping: b.NoTyping, NoConsent: b.NoConsent, PageTimeout: b.PageTimeout, Screenshots: !b.NoScreenshots,
	}, nil
}

// jobBrowser returns the browser-mode settings queued with every job of a
// scan, nil when no target is to be rendered. The tracker list is read
// here, as data: workers may run on machines that do not have the file.
// Chromium is the workers' business, not the coordinator's.
func (b BrowserSettings) jobBrowser(targets []target.Target) (*queue.Browser, error) {
	if !b.needed(targets) {
		return nil, nil
	}
	lists, err := b.trackerLists()
	if err != nil {
		return nil, err
	}
	jb := &queue.Browser{All: b.All, NoTyping: b.NoTyping, NoConsent: b.NoConsent, PageTimeout: b.PageTimeout, TrackerLists: lists}
	return jb, nil
}

// errNoBrowser marks a site a worker could not render because its
// Chromium is missing or would not start.
var errNoBrowser = errors.New("browser unavailable")

// workerBrowser builds a worker's browser-mode settings from a job's:
// the worker's Chromium (found on PATH when exe is empty) with tabs tabs,
// and no screenshots, since workers keep no evidence.
func workerBrowser(jb *queue.Browser, exe string, tabs int) (*scan.Browser, error) {
	path, err := browser.Find(exe)
	if err != nil {
		return nil, fmt.Errorf("%w: %w (install Debian's chromium package or give vigie worker --chromium PATH)", errNoBrowser, err)
	}
	trackers, err := mergeTrackers(jb.TrackerLists)
	if err != nil {
		return nil, err
	}
	return &scan.Browser{
		ExecPath: path, All: jb.All, Tabs: tabs, Trackers: trackers,
		NoTyping: jb.NoTyping, NoConsent: jb.NoConsent, PageTimeout: jb.PageTimeout,
	}, nil
}

// trackerLists returns the tracker lists the scan adds to the bundled one,
// as CSV data: --tracker-list read and checked here, then the built-in
// extra list (the demo farm's).
func (b BrowserSettings) trackerLists() ([][]byte, error) {
	var lists [][]byte
	if b.TrackerList != "" {
		csv, err := os.ReadFile(b.TrackerList)
		if err == nil {
			_, err = tracker.Load(bytes.NewReader(csv), b.TrackerList)
		}
		if err != nil {
			return nil, fmt.Errorf("--tracker-list: %w", err)
		}
		lists = append(lists, csv)
	}
	if len(b.trackerCSV) > 0 {
		lists = append(lists, b.trackerCSV)
	}
	return lists, nil
}

// mergeTrackers returns the bundled tracker list extended by lists, later
// entries winning.
func mergeTrackers(lists [][]byte) (*tracker.List, error) {
	trackers := tracker.Default()
	for i, csv := range lists {
		more, err := tracker.Load(bytes.NewReader(csv), fmt.Sprintf("the scan's tracker list %d", i+1))
		if err != nil {
			return nil, err
		}
		trackers = trackers.Merge(more)
	}
	return trackers, nil
}
