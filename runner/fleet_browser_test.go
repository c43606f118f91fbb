package runner

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/internal/chromiumtest"
	"vigie/observation"
	"vigie/queue"
	"vigie/queue/natstest"
	"vigie/store"
	"vigie/store/postgres/pgtest"
	"vigie/store/sqlite"
	"vigie/target"
	"vigie/tracker"
)

// mixedTargetsCSV writes a CSV of the farm's browser sites (mode
// "browser") and a few static ones (no mode) and returns its path and the
// URLs of the browser sites.
func mixedTargetsCSV(t *testing.T, f *farm.Farm, dir string) (string, map[string]bool) {
	t.Helper()
	var b bytes.Buffer
	if err := f.WriteTargetsCSV(&b, "browser"); err != nil {
		t.Fatal(err)
	}
	browserSites, errs := target.ParseCSV(&b, "farm")
	if len(errs) > 0 || len(browserSites) == 0 {
		t.Fatalf("farm browser targets: %d, errors %v", len(browserSites), errs)
	}
	b.Reset()
	if err := f.WriteTargetsCSV(&b); err != nil {
		t.Fatal(err)
	}
	all, errs := target.ParseCSV(&b, "farm")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	rendered := map[string]bool{}
	var rows []target.Target
	for _, tg := range browserSites {
		tg.Mode = target.ModeBrowser
		rendered[tg.URL] = true
		rows = append(rows, tg)
	}
	static := 0
	for _, tg := range all {
		if static < 3 && !rendered[tg.URL] && !slices.Contains(tg.Tags, "browser") {
			rows = append(rows, tg)
			static++
		}
	}
	b.Reset()
	cw := csv.NewWriter(&b)
	cw.Write([]string{"url", "organisation", "tags", "mode"})
	for _, tg := range rows {
		cw.Write([]string{tg.Input, tg.Organisation, strings.Join(tg.Tags, ";"), tg.Mode})
	}
	cw.Flush()
	path := filepath.Join(dir, "mixed.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, rendered
}

// findingKeys returns the sorted "check site url severity" of a scan's
// findings: the severity of thirdparty.on-form-page depends on the tracker
// list.
func findingKeys(t *testing.T, st store.Store, scan string) []string {
	t.Helper()
	fs, err := st.Findings(t.Context(), store.Filter{Scan: scan})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range fs {
		keys = append(keys, f.Check+" "+f.Site+" "+f.URL+" "+f.Severity.String())
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// TestFleetBrowser queues the farm's browser sites (mode "browser") and a
// few static ones: a worker with Chromium finds what a local browser-mode
// scan finds, with the farm's tracker list reaching it through the jobs
// only; a worker without Chromium records the browser sites as failed
// (kind "browser") and audits the static ones.
func TestFleetBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("renders sites in Chromium")
	}
	exe := chromiumtest.Path(t)
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	csvPath, rendered := mixedTargetsCSV(t, f, dir)
	trackers := filepath.Join(dir, "trackers.csv")
	if err := os.WriteFile(trackers, farm.TrackerListCSV(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	scanOptions := func(db string) ScanOptions {
		o := farmScan(f, db, TargetSources{CSVFiles: []string{csvPath}})
		o.Concurrency = 4
		o.Fetch.Timeout = 5 * time.Second
		// The consent pass (two more visits of each entry page) is
		// scan's to test (scan.TestBrowserFarm); here it would only
		// stretch the fleet's time budget.
		o.Browser = BrowserSettings{Chromium: exe, TrackerList: trackers, PageTimeout: 20 * time.Second, NoConsent: true}
		return o
	}

	// The reference: a local browser-mode scan.
	localDB := filepath.Join(dir, "local.db")
	if _, err := Scan(ctx, scanOptions(localDB)); err != nil {
		t.Fatal(err)
	}
	local, err := sqlite.Open(ctx, localDB)
	if err != nil {
		t.Fatal(err)
	}
	want := findingKeys(t, local, "")
	localScans, err := local.Scans(ctx, 1)
	if err != nil || len(localScans) != 1 {
		t.Fatalf("local scans: %v, %v", localScans, err)
	}
	localSites, err := local.Sites(ctx, localScans[0].ID)
	local.Close()
	if err != nil {
		t.Fatal(err)
	}
	localOK := map[string]bool{}
	for _, s := range localSites {
		localOK[s.URL] = s.OK()
		if rendered[s.URL] && !s.OK() {
			t.Fatalf("local scan: %s failed: %s", s.URL, s.Error)
		}
	}
	if !slices.ContainsFunc(want, func(k string) bool { return strings.HasPrefix(k, "thirdparty.") }) {
		t.Fatalf("local scan found no third party: %v", want)
	}

	natsURL, dbURL := natstest.Start(t), pgtest.URL(t)
	st := openTestStore(t, dbURL)
	q := connectTestQueue(t, natsURL)

	// fleetScan queues the sites, then starts a worker with chromium once
	// they are all queued, and returns the scan's sites once it is
	// complete; started tells whether the worker's Chromium ran.
	fleetScan := func(t *testing.T, chromium string) (sc store.Scan, sites []store.SiteResult, started bool) {
		o := scanOptions(dbURL)
		o.Queue, o.Wait, o.pollEvery = natsURL, true, 100*time.Millisecond
		// The coordinator runs no Chromium.
		o.Browser.Chromium = "/nonexistent"
		var progress bytes.Buffer
		o.Stderr = &progress
		before, err := st.Scans(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		coord := startCoordinator(ctx, o)
		// A job the previous sub-test's worker left unacknowledged may
		// still count in the depth: wait for at least this scan's jobs,
		// and never for ever.
		queued := time.After(2 * time.Minute)
		for {
			n, err := q.Depth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n >= uint64(len(localSites)) {
				break
			}
			select {
			case res := <-coord:
				t.Fatalf("Scan = %d, %v before its jobs were queued", res.code, res.err)
			case <-queued:
				t.Fatalf("queue depth %d after 2 minutes, want %d jobs queued", n, len(localSites))
			case <-time.After(20 * time.Millisecond):
			}
		}
		// Queued: the tracker list now travels in the jobs only.
		if err := os.Rename(trackers, trackers+".gone"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(trackers+".gone", trackers)

		w, err := NewWorker(ctx, WorkerOptions{
			Queue: natsURL, DB: dbURL, Concurrency: 4, Chromium: chromium,
			AckWait: 10 * time.Second, MaxDeliver: 2, AllowPrivate: true, AllowJobNetwork: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- w.Run(runCtx) }()
		var res scanResult
		select {
		case res = <-coord:
		case <-time.After(3 * time.Minute):
			// A guard against a hang, not a speed target: on a loaded
			// machine Chromium renders the 24 sites slowly.
			t.Fatalf("scan did not complete; progress:\n%s", progress.String())
		}
		stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		// Chromium stops once the scan has no site left to render.
		for _, se := range w.engines {
			started = started || se.rendering != nil
		}
		w.stopIdleBrowsers(0)
		for id, se := range w.engines {
			if se.rendering != nil {
				t.Errorf("scan %s: Chromium still runs after its idle time", id)
			}
		}
		if res.err != nil || (res.code != ExitOK && res.code != ExitFindings) {
			t.Fatalf("Scan = %d, %v; progress:\n%s", res.code, res.err, progress.String())
		}
		after, err := st.Scans(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range after {
			if !slices.ContainsFunc(before, func(b store.Scan) bool { return b.ID == s.ID }) {
				sc = s
			}
		}
		if sc.ID == "" || sc.Settings["browser"] != "false" || sc.Settings["browser_typing"] != "true" {
			t.Fatalf("scan record %+v", sc)
		}
		if sites, err = st.Sites(ctx, sc.ID); err != nil {
			t.Fatal(err)
		}
		if len(sites) != len(localSites) {
			t.Fatalf("%d sites recorded, want %d", len(sites), len(localSites))
		}
		return sc, sites, started
	}

	t.Run("worker with Chromium", func(t *testing.T) {
		// The worker's default: the Chromium found on PATH.
		sc, sites, started := fleetScan(t, "")
		if !started {
			t.Error("the worker's Chromium did not start")
		}
		for _, s := range sites {
			if s.OK() != localOK[s.URL] {
				t.Errorf("%s: error %q (%s); local scan ok: %v", s.URL, s.Error, s.ErrorKind, localOK[s.URL])
			}
		}
		if got := findingKeys(t, st, sc.ID); !slices.Equal(got, want) {
			t.Errorf("fleet findings differ from the local scan's:\nfleet %d: %v\nlocal %d: %v", len(got), got, len(want), want)
		}
	})

	t.Run("worker without Chromium", func(t *testing.T) {
		_, sites, started := fleetScan(t, "/nonexistent")
		if started {
			t.Error("a Chromium started from /nonexistent")
		}
		static := 0
		for _, s := range sites {
			switch {
			case rendered[s.URL]:
				if s.ErrorKind != observation.KindBrowser || !strings.Contains(s.Error, "/nonexistent") {
					t.Errorf("browser site %s: error %q, kind %q; want kind %q naming the missing Chromium", s.URL, s.Error, s.ErrorKind, observation.KindBrowser)
				}
			case s.OK() != localOK[s.URL]:
				t.Errorf("static site %s: error %q (%s); local scan ok: %v", s.URL, s.Error, s.ErrorKind, localOK[s.URL])
			case s.OK():
				static++
			}
		}
		if static == 0 {
			t.Error("no static site audited")
		}
	})
}

// TestJobBrowser checks the browser settings the coordinator queues and
// what a worker makes of them: the tracker list as data, no screenshots.
func TestJobBrowser(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "trackers.csv")
	if err := os.WriteFile(list, farm.TrackerListCSV(), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("domain,name,category\nt.test,T,no-such-category\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	farmList, err := tracker.Load(bytes.NewReader(farm.TrackerListCSV()), "farm")
	if err != nil {
		t.Fatal(err)
	}
	static := []target.Target{{URL: "https://a.test/"}, {URL: "https://b.test/", Mode: target.ModeStatic}}
	mixed := append(slices.Clone(static), target.Target{URL: "https://c.test/", Mode: target.ModeBrowser})
	for _, tc := range []struct {
		name    string
		b       BrowserSettings
		targets []target.Target
		want    *queue.Browser
		wantErr string
	}{
		{"no site rendered", BrowserSettings{TrackerList: list}, static, nil, ""},
		{"all but static rows", BrowserSettings{All: true, NoTyping: true, PageTimeout: time.Second}, static,
			&queue.Browser{All: true, NoTyping: true, PageTimeout: time.Second}, ""},
		{"browser rows, tracker list", BrowserSettings{TrackerList: list, Chromium: "/nonexistent"}, mixed,
			&queue.Browser{TrackerLists: [][]byte{farm.TrackerListCSV()}}, ""},
		{"missing tracker list", BrowserSettings{All: true, TrackerList: filepath.Join(dir, "none.csv")}, static, nil, "--tracker-list"},
		{"bad tracker list", BrowserSettings{All: true, TrackerList: bad}, static, nil, "no-such-category"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.b.jobBrowser(tc.targets)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("jobBrowser = %+v, %v; want an error with %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || (got != nil && (got.All != tc.want.All || got.NoTyping != tc.want.NoTyping ||
				got.PageTimeout != tc.want.PageTimeout || !slices.EqualFunc(got.TrackerLists, tc.want.TrackerLists, bytes.Equal))) {
				t.Fatalf("jobBrowser = %+v, want %+v", got, tc.want)
			}
		})
	}

	exe := filepath.Join(dir, "chromium")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	jb := &queue.Browser{All: true, NoTyping: true, PageTimeout: 3 * time.Second, TrackerLists: [][]byte{farm.TrackerListCSV()}}
	b, err := workerBrowser(jb, exe, 3)
	if err != nil {
		t.Fatal(err)
	}
	if b.ExecPath != exe || !b.All || !b.NoTyping || b.PageTimeout != 3*time.Second || b.Tabs != 3 || b.Screenshots {
		t.Errorf("workerBrowser = %+v", b)
	}
	for _, e := range farmList.Entries() {
		if got, ok := b.Trackers.Lookup(e.Domain); !ok || got.Name != e.Name {
			t.Errorf("tracker %s: %+v, %v; want %s", e.Domain, got, ok, e.Name)
		}
	}
	if _, err := workerBrowser(jb, filepath.Join(dir, "none"), 3); !errors.Is(err, errNoBrowser) {
		t.Errorf("workerBrowser without Chromium: %v", err)
	}
}
