package scan

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"vigie/evidence"
	"vigie/farm"
	"vigie/finding"
	"vigie/internal/chromiumtest"
	"vigie/observation"
	"vigie/pii/canary"
	"vigie/target"
	"vigie/tracker"
)

// browserFarm starts the farm and returns its browser-mode sites as
// targets, with scan options rendering them through the farm's trackers.
func browserFarm(t testing.TB) (*farm.Farm, []target.Target, Options) {
	t.Helper()
	exe := chromiumtest.Path(t)
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	var csv bytes.Buffer
	if err := f.WriteTargetsCSV(&csv, "browser"); err != nil {
		t.Fatal(err)
	}
	targets, errs := target.ParseCSV(&csv, "farm")
	if len(errs) > 0 || len(targets) == 0 {
		t.Fatalf("farm browser targets: %d, errors %v", len(targets), errs)
	}
	farmTrackers, err := tracker.Load(bytes.NewReader(farm.TrackerListCSV()), "farm trackers")
	if err != nil {
		t.Fatal(err)
	}
	o := farmOptions(f)
	o.Concurrency = 2
	o.TLSProbe = false
	o.Fetch.Timeout = 5 * time.Second
	o.Browser = &Browser{ExecPath: exe, All: true, Trackers: tracker.Default().Merge(farmTrackers), PageTimeout: 20 * time.Second}
	return f, targets, o
}

// TestBrowserFarm renders the farm's browser sites in the real Chromium
// and compares every finding (TLS aside) with the browser-mode ground
// truth, then checks that each leak expected was seen with the right
// field, party and encoding, and that no other leak was reported.
func TestBrowserFarm(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a dozen sites in Chromium")
	}
	f, targets, o := browserFarm(t)
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	evDir := t.TempDir()
	o.Evidence = &Evidence{Dir: evDir, Key: key}
	o.Browser.Screenshots = true
	inScan := map[string]bool{}
	for _, tg := range targets {
		inScan[farm.SiteID(tg.Input)] = true
	}

	var mu sync.Mutex
	got := map[farmKey]int{}
	type leakKey struct{ site, url, field, party string }
	leaks := map[leakKey][]string{}
	var failed []string
	sum, err := Run(context.Background(), targets, o, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		if r.Site.Error != "" {
			failed = append(failed, r.Site.URL+": "+r.Site.Error)
		}
		if r.Site.Mode != target.ModeBrowser {
			t.Errorf("site %s audited in mode %q", r.Site.URL, r.Site.Mode)
		}
		for _, fd := range r.Findings {
			if !strings.HasPrefix(fd.Check, "tls.") {
				got[keyOf(fd)]++
			}
		}
		for _, p := range r.Site.Pages {
			if p.Rendering == nil {
				continue
			}
			for _, l := range p.Rendering.Leaks {
				// The proof: the canary typed and the request that
				// carried it, as sent.
				if l.Value == "" || l.Request == nil || l.Request.URL == "" {
					t.Errorf("leak of %s to %s without its value or request: %+v", l.Field, l.Party, l)
				} else if canary.MaskURL(l.Request.URL) != l.RequestURL || l.Request.Method != l.Method {
					// (Scripts may send a value while it is being typed:
					// the request then holds part of it, which is why
					// the value itself is not looked for here.)
					t.Errorf("leak's request %s %s is not the one reported (%s %s)", l.Request.Method, l.Request.URL, l.Method, l.RequestURL)
				}
				k := leakKey{r.Site.URL, finding.NormaliseURL(p.Rendering.URL), l.Field, l.Party}
				leaks[k] = append(leaks[k], l.Encoding)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sites != len(targets) || len(failed) > 0 {
		t.Fatalf("audited %d of %d sites; failed: %v", sum.Sites, len(targets), failed)
	}

	want := map[farmKey]int{}
	for _, e := range f.ExpectedFor(farm.ModeBrowser) {
		if inScan[e.Site] && !e.Active {
			want[farmKey{e.Check, e.Site, finding.NormaliseURL(e.URL), e.Form}]++
		}
	}
	compareFindings(t, want, got)

	for _, l := range f.ExpectedLeaks() {
		k := leakKey{l.Site, finding.NormaliseURL(l.URL), l.Field, l.Party}
		encs, ok := leaks[k]
		if !ok {
			t.Errorf("leak of %s to %s on %s not seen", l.Field, l.Party, l.URL)
			continue
		}
		delete(leaks, k)
		found := false
		for _, e := range encs {
			// URL-encoding leaves a value without reserved characters
			// as it is: the two cannot be told apart.
			found = found || e == l.Encoding || (l.Encoding == observation.EncodingURL && e == observation.EncodingPlain)
		}
		if !found {
			t.Errorf("leak of %s to %s on %s seen as %v, want %s", l.Field, l.Party, l.URL, encs, l.Encoding)
		}
	}
	for k, encs := range leaks {
		t.Errorf("unexpected leak %+v (%v)", k, encs)
	}

	// Pages with findings have their screenshot in the signed evidence,
	// except those that show other people's data (masked evidence).
	rep, err := evidence.Verify(evDir, evidence.VerifyOptions{TrustedKey: key.Public().(ed25519.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("evidence problems: %v", rep.Problems)
	}
	raw, err := os.ReadFile(filepath.Join(evDir, evidence.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m evidence.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	shot := map[string]bool{}
	for _, s := range m.Screenshots {
		shot[finding.NormaliseURL(s.URL)] = true
		if len(s.SHA256) != 64 || s.Finding == "" {
			t.Errorf("screenshot entry %+v", s)
		}
	}
	for k := range want {
		if strings.HasPrefix(k.check, "thirdparty.") && !shot[k.url] {
			t.Errorf("no screenshot of %s, which has %s", k.url, k.check)
		}
	}
	t.Logf("%d screenshots in the evidence", len(m.Screenshots))
}

// compareFindings fails on any difference between the findings expected
// and those got, listing both sides.
func compareFindings(t *testing.T, want, got map[farmKey]int) {
	t.Helper()
	var missing, extra []string
	for k, n := range want {
		if got[k] < n {
			missing = append(missing, fmt.Sprintf("%v", k))
		}
	}
	for k, n := range got {
		if n > want[k] {
			extra = append(extra, fmt.Sprintf("%v", k))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	t.Logf("%d expected findings, %d missing, %d extra", len(want), len(missing), len(extra))
	if len(missing)+len(extra) > 0 {
		t.Errorf("missing:\n  %s\nextra:\n  %s", strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}
}

// TestBrowserCrash kills Chromium while a scan renders: the scan goes on
// (the browser restarts, the interrupted sites are rendered again) and
// every site is accounted for, audited or recorded as failed.
func TestBrowserCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("renders sites in Chromium")
	}
	_, targets, o := browserFarm(t)
	// Each site twice under two names would be deduplicated: repeat the
	// list instead, so the scan outlives the kill.
	o.Crawl.MaxPages = 3
	// The consent pass would double the test's time; a browser lost
	// during it sends the site to the same retry (Engine.consent).
	o.Browser.NoConsent = true
	var all []target.Target
	for range 2 {
		all = append(all, targets...)
	}
	var kills atomic.Int32
	var eng *Engine
	o.onEngine = func(e *Engine) {
		eng = e
		var renders atomic.Int32
		e.onRender = func() {
			// Kill the browser while the fifth page renders, once.
			if renders.Add(1) != 5 {
				return
			}
			go func() {
				time.Sleep(200 * time.Millisecond)
				for _, pid := range e.pool.PIDs() {
					if syscall.Kill(pid, syscall.SIGKILL) == nil {
						kills.Add(1)
					}
				}
			}()
		}
	}
	var mu sync.Mutex
	browserFailures := 0
	sum, err := Run(context.Background(), all, o, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		if r.Site.ErrorKind == observation.KindBrowser {
			browserFailures++
		} else if r.Site.Error != "" {
			t.Errorf("site %s failed: %s", r.Site.URL, r.Site.Error)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if kills.Load() == 0 {
		t.Fatal("the browser was not killed")
	}
	if sum.Sites != len(all) {
		t.Fatalf("%d sites recorded, want %d", sum.Sites, len(all))
	}
	retried := eng.browserRetries.Load()
	t.Logf("%d sites, browser killed once, %d sites rendered again, %d recorded as browser failures", len(all), retried, browserFailures)
	if retried == 0 {
		t.Error("the kill interrupted no site: nothing was rendered again")
	}
	// One kill interrupts at most Concurrency sites, each retried once in
	// the restarted browser: none should need to be given up.
	if browserFailures > 0 {
		t.Errorf("%d sites gave up after one crash; a retry in the restarted browser should have rendered them", browserFailures)
	}
}

// BenchmarkScanBrowser audits the farm's browser-mode sites (every page
// rendered, canaries typed into personal forms, screenshots taken) at
// concurrency 1, 2 and 4, and reports rendered pages per second, seconds
// per page, and the peak memory of the browser's process tree (RSS, and
// PSS which shares out the pages its processes have in common).
//
//	go test -bench ScanBrowser -benchtime 1x -run '^$' ./scan/
func BenchmarkScanBrowser(b *testing.B) {
	_, targets, o := browserFarm(b)
	for _, c := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("c=%d", c), func(b *testing.B) {
			o := o
			o.Concurrency = c
			o.Browser = &Browser{ExecPath: o.Browser.ExecPath, All: true, Trackers: o.Browser.Trackers, Screenshots: true}
			// Each Run starts its own browser pool: watch each, keep the
			// highest peaks.
			var stops []func() (int64, int64)
			o.onEngine = func(e *Engine) { stops = append(stops, e.pool.WatchMemory(100*time.Millisecond)) }
			var elapsed time.Duration
			pages := 0
			for b.Loop() {
				start := time.Now()
				sum, err := Run(context.Background(), targets, o, func(r *Result) error {
					for _, p := range r.Site.Pages {
						if p.Rendering != nil {
							pages++
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if sum.Failed != 0 {
					b.Fatalf("%d sites failed", sum.Failed)
				}
				elapsed += time.Since(start)
			}
			var peakRSS, peakPSS int64
			for _, stop := range stops {
				rss, pss := stop()
				peakRSS, peakPSS = max(peakRSS, rss), max(peakPSS, pss)
			}
			b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
			b.ReportMetric(elapsed.Seconds()/float64(pages), "s/page")
			b.ReportMetric(float64(peakRSS)/(1<<20), "browserRSS-MB")
			b.ReportMetric(float64(peakPSS)/(1<<20), "browserPSS-MB")
		})
	}
}
