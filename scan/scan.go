// Package scan runs an audit over a list of targets: it crawls sites in
// parallel, runs every registered check on each site's observations, keeps
// history in the store and streams results to the caller site by site, so
// memory stays flat however long the list.
package scan

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"vigie/browser"
	"vigie/check"
	_ "vigie/check/all" // every check family
	"vigie/crawl"
	"vigie/evidence"
	"vigie/fetch"
	"vigie/finding"
	"vigie/hosting"
	"vigie/mailcheck"
	"vigie/notice"
	"vigie/observation"
	"vigie/observatory"
	"vigie/pii"
	"vigie/store"
	"vigie/target"
	"vigie/tlsprobe"
)

// Options configure a scan.
type Options struct {
	// Concurrency is the number of sites audited at once (default 16).
	Concurrency int
	Crawl       crawl.Options
	Fetch       fetch.Options
	// Store keeps history; nil keeps nothing (findings then have
	// first_seen = last_seen = scan start).
	Store store.Store
	// TLSProbe enables the TLS prober on every site that answers over
	// HTTPS (or fails there with a TLS error); TLS holds its settings
	// (Dial and RootCAs are filled from the fetcher).
	TLSProbe bool
	TLS      tlsprobe.Options
	// Version is the tool version recorded with the scan.
	Version  string
	Settings map[string]string
	// Evidence, when set, archives the exchanges findings rely on.
	Evidence *Evidence
	// Browser, when set, renders pages in headless Chromium for the
	// targets that ask for it (browser mode).
	Browser *Browser
	// Hosting, when set with a DNS client, looks up where each site (and
	// each third party receiving personal data) is hosted; its DNS
	// answers go to the evidence.
	Hosting *hosting.Judge
	// Mail, when set, examines the mail posture of each site's
	// registrable domain (scan --mail); sites sharing one are examined
	// once.
	Mail *mailcheck.Auditor

	// Resume, when set, continues this scan, recorded in Store, instead of
	// starting a new one: the findings keep its start time and ID. The
	// caller passes only the targets not recorded yet.
	Resume *store.Scan
	// RetentionLimits override, per purpose of a form ("contact",
	// "newsletter", "recruitment"), the longest retention in days the
	// transparency checks accept (see check/transparency.Limits).
	RetentionLimits map[string]int

	// BatchSites and BatchWait bound the batches in which Run records the
	// sites (default 32 sites, 200 ms after the first site of the batch
	// was examined): one transaction per batch rather than per site. Only
	// the batch open when the process dies is lost (--resume audits its
	// sites again).
	BatchSites int
	BatchWait  time.Duration

	// onEngine lets tests reach the engine Run starts.
	onEngine func(*Engine)
}

// Defaults of Options.BatchSites and BatchWait.
const (
	DefaultBatchSites = 32
	DefaultBatchWait  = 200 * time.Millisecond
)

func (o *Options) batchSites() int {
	if o.BatchSites > 0 {
		return o.BatchSites
	}
	return DefaultBatchSites
}

func (o *Options) batchWait() time.Duration {
	if o.BatchWait > 0 {
		return o.BatchWait
	}
	return DefaultBatchWait
}

// Result is one audited site.
type Result struct {
	Site     *observation.Site
	Findings []finding.Finding
	Changes  []store.Change
	// Forms and PersonalForms count the forms seen and those collecting
	// personal data.
	Forms, PersonalForms int
	// Observatory is the site's grade on the MDN HTTP Observatory's
	// scale, nil when the site could not be graded (see package
	// observatory).
	Observatory *observatory.Result
	// Retention are the retention statements of the site's information
	// notices (notice.Statements).
	Retention []observation.RetentionStatement
}

// Summary describes a finished scan.
type Summary struct {
	Scan       store.Scan
	Sites      int
	Failed     int
	Findings   int
	BySeverity map[finding.Severity]int
	New        int
	Fixed      int
	Regressed  int
	// Evidence describes the evidence written, nil without.
	Evidence *evidence.Result
}

// count adds a recorded site to the summary's totals: the summary keeps
// counts, never the results.
func (sum *Summary) count(res *Result) {
	sum.Sites++
	if res.Site.Error != "" {
		sum.Failed++
	}
	for _, f := range res.Findings {
		sum.Findings++
		sum.BySeverity[f.Severity]++
	}
	for _, c := range res.Changes {
		switch c.Kind {
		case store.ChangeNew:
			sum.New++
		case store.ChangeFixed:
			sum.Fixed++
		case store.ChangeRegressed:
			sum.Regressed++
		}
	}
}

// Run audits targets and calls emit once per site, from one goroutine at a
// time, in completion order. An error from emit or the store stops the scan
// and is returned; per-site failures are results, not errors.
func Run(ctx context.Context, targets []target.Target, o Options, emit func(*Result) error) (*Summary, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.Evidence != nil {
		o.Fetch.Capture = true
		o.Crawl.KeepScreenshots = true
	}
	eng, err := NewEngine(o) // draws the scan's salt
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	if o.onEngine != nil {
		o.onEngine(eng)
	}

	started := time.Now().UTC()
	sum := &Summary{
		Scan:       store.Scan{ID: store.NewScanID(started), Started: started, Version: o.Version, Settings: o.Settings, Targets: len(targets)},
		BySeverity: map[finding.Severity]int{},
	}
	if o.Resume != nil {
		if o.Store == nil {
			return nil, errors.New("scan: resuming needs the store holding the scan")
		}
		sum.Scan = *o.Resume
		sum.Scan.Ended = time.Time{}
	}
	ar, err := openEvidence(o, &sum.Scan, targets)
	if err != nil {
		return nil, err
	}
	eng.ar = ar
	if o.Resume != nil {
		// Running again: no end, and the totals kept at its end dropped.
		if err := o.Store.EndScan(ctx, sum.Scan.ID, time.Time{}); err != nil {
			if ar != nil {
				ar.a.Discard()
			}
			return nil, fmt.Errorf("resuming scan %s: %w", sum.Scan.ID, err)
		}
	} else if o.Store != nil {
		if err := o.Store.BeginScan(ctx, &sum.Scan); err != nil {
			if ar != nil {
				ar.a.Discard()
			}
			return nil, fmt.Errorf("recording scan start: %w", err)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan target.Target)
	results := make(chan *Result)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	for range o.Concurrency {
		wg.Go(func() {
			for t := range jobs {
				res, err := eng.examine(ctx, t, sum.Scan)
				if err != nil {
					fail(err)
					continue
				}
				shed(res.Site)
				results <- res
			}
		})
	}
	// One writer records the examined sites in batches (one transaction
	// each) and emits them in the order recorded, so that the store keeps
	// the sites in the order the results were written (vigie report
	// writes them again in that order). A site is emitted only once its
	// batch is committed: an interrupted scan has written the sites it
	// recorded, no more, and --resume audits the others.
	written := make(chan struct{})
	go func() {
		defer close(written)
		emitting, storing := emit != nil, true
		w := batchWriter{max: o.batchSites(), wait: o.batchWait(), flush: func(batch []*Result) {
			if !storing {
				return // the store failed: the scan is stopping
			}
			// A site examined is recorded even when the scan is being
			// interrupted: only the batch open when the process dies is
			// lost.
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer rcancel()
			if err := eng.recordBatch(rctx, sum.Scan, batch); err != nil {
				fail(err)
				storing = false
				return
			}
			for _, res := range batch {
				sum.count(res)
				if emitting {
					if err := emit(res); err != nil {
						fail(err)
						emitting = false
					}
				}
			}
		}}
		w.run(results)
	}()
feed:
	for _, t := range targets {
		select {
		case jobs <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(results)
	<-written

	sum.Scan.Ended = time.Now().UTC()
	if ar != nil {
		if err := ar.close(sum); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if o.Store != nil {
		// Record the end even when interrupted, with a fresh context.
		endCtx, endCancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer endCancel()
		if err := o.Store.EndScan(endCtx, sum.Scan.ID, sum.Scan.Ended); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("recording scan end: %w", err)
		}
	}
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return sum, firstErr
}

// Engine audits sites one at a time, with a fetcher and TLS prober shared
// by all of them: Run drives one over a list of targets, vigie worker over
// queued jobs. It is safe for concurrent use.
type Engine struct {
	o      Options
	client *fetch.Client
	prober *tlsprobe.Prober
	ar     *archiver     // nil: no evidence
	pool   *browser.Pool // nil: static mode only
	// browserRetries counts the sites rendered again after the browser
	// failed.
	browserRetries atomic.Int64
	// onRender, a test hook, is called as each page render starts.
	onRender func()
}

// NewEngine returns an engine auditing with o's fetch, crawl, TLS and store
// settings (Concurrency and Evidence are Run's business). An empty
// o.Crawl.Salt gets a random one.
func NewEngine(o Options) (*Engine, error) {
	if len(o.Crawl.Salt) == 0 {
		// One salt per scan: a person is recognised across the pages and
		// sites of a scan, never across scans.
		o.Crawl.Salt = make([]byte, 32)
		rand.Read(o.Crawl.Salt)
	}
	client, err := fetch.New(o.Fetch)
	if err != nil {
		return nil, err
	}
	e := &Engine{o: o, client: client}
	if o.TLSProbe {
		to := o.TLS
		to.Dial = client.DialContext
		to.RootCAs = client.RootCAs()
		if to.Timeout == 0 {
			to.Timeout = min(o.Fetch.Timeout, 5*time.Second)
		}
		e.prober = tlsprobe.New(to)
	}
	if o.Browser != nil {
		if err := e.startBrowser(context.Background()); err != nil {
			client.Close()
			return nil, fmt.Errorf("browser mode: %w", err)
		}
	}
	return e, nil
}

// Close releases the engine's connections and stops its browser.
func (e *Engine) Close() {
	if e.pool != nil {
		e.pool.Close()
	}
	e.client.Close()
}

// Audit crawls the site t, runs every check on what it saw and, with a
// store, records the site and its findings in scan sc. A site that cannot
// be audited is a Result with Site.Error set; the error return is for a
// cancelled context or a store that failed.
func (e *Engine) Audit(ctx context.Context, t target.Target, sc store.Scan) (*Result, error) {
	res, err := e.examine(ctx, t, sc)
	if err != nil {
		return nil, err
	}
	if err := e.record(ctx, sc, res); err != nil {
		return nil, err
	}
	return res, nil
}

// Examine is Audit without the recording; Record records its result. A
// worker calls them apart to retry a failed record without auditing the
// site again.
func (e *Engine) Examine(ctx context.Context, t target.Target, sc store.Scan) (*Result, error) {
	return e.examine(ctx, t, sc)
}

// Record stores a result of Examine (see Audit).
func (e *Engine) Record(ctx context.Context, sc store.Scan, res *Result) error {
	return e.record(ctx, sc, res)
}

// examine is Audit without the recording: crawl, checks, evidence.
func (e *Engine) examine(ctx context.Context, t target.Target, sc store.Scan) (*Result, error) {
	prober, ar := e.prober, e.ar
	site := e.crawlSite(ctx, t)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if prober != nil {
		probeTLS(ctx, prober, site)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	examineHosting(ctx, e.o.Hosting, site)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if e.o.Mail != nil && site.Error == "" {
		if d := mailcheck.RegistrableDomain(site.Host); d != "" {
			site.Mail = e.o.Mail.Audit(ctx, d)
		}
	}
	res := &Result{Site: site}
	for _, p := range site.Pages {
		for i := range p.Forms {
			res.Forms++
			if pii.CollectsPersonalData(&p.Forms[i]).Personal {
				res.PersonalForms++
			}
		}
	}
	if site.Error == "" {
		res.Observatory = observatory.Grade(observatory.FromSite(site))
	}
	res.Retention = notice.Statements(site)
	site.RetentionLimits = e.o.RetentionLimits
	fs := check.Run(site)
	for i := range fs {
		fs[i].Scan = sc.ID
		fs[i].FirstSeen = sc.Started
		fs[i].LastSeen = sc.Started
	}
	if ar != nil {
		if err := ar.site(site, fs); err != nil {
			return nil, fmt.Errorf("evidence of %s: %w", site.URL, err)
		}
	}
	res.Findings = fs
	return res, nil
}

// record stores an examined site and its findings in scan sc, when the
// engine has a store, and replaces res's findings with those recorded
// (dates filled in from history).
func (e *Engine) record(ctx context.Context, sc store.Scan, res *Result) error {
	if e.o.Store == nil {
		return nil
	}
	rec := siteRecord(res)
	recorded, changes, err := e.o.Store.RecordSite(ctx, sc.ID, rec.Site, rec.Findings)
	if err != nil {
		return fmt.Errorf("recording %s: %w", res.Site.URL, err)
	}
	res.Findings, res.Changes = recorded, changes
	return nil
}

// recordBatch is record for several sites, in one transaction when the
// store can (store.BatchRecorder).
func (e *Engine) recordBatch(ctx context.Context, sc store.Scan, batch []*Result) error {
	br, ok := e.o.Store.(store.BatchRecorder)
	if !ok || len(batch) == 1 {
		for _, res := range batch {
			if err := e.record(ctx, sc, res); err != nil {
				return err
			}
		}
		return nil
	}
	recs := make([]store.SiteRecord, len(batch))
	for i, res := range batch {
		recs[i] = siteRecord(res)
	}
	recorded, err := br.RecordSites(ctx, sc.ID, recs)
	if err != nil {
		return fmt.Errorf("recording %d sites: %w", len(batch), err)
	}
	for i, res := range batch {
		res.Findings, res.Changes = recorded[i].Findings, recorded[i].Changes
	}
	return nil
}

// shed drops what an examined site no longer needs before it waits in a
// batch: the page bodies, read by the checks and the evidence only.
func shed(site *observation.Site) {
	for i := range site.Pages {
		site.Pages[i].Body = nil
	}
	if site.SecurityTxt != nil {
		site.SecurityTxt.Body = nil
	}
}

// siteRecord is what the store keeps of an examined site.
func siteRecord(res *Result) store.SiteRecord {
	site := res.Site
	sr := store.SiteResult{
		URL: site.URL, Organisation: site.Organisation, Tags: site.Tags,
		Pages: len(site.Pages), Forms: res.Forms, PersonalForms: res.PersonalForms,
		Error: site.Error, ErrorKind: site.ErrorKind, Started: site.Started, Ended: site.Ended,
		Covered: coverage(site), Retention: res.Retention, Hosting: site.Hosting,
	}
	if res.Observatory != nil {
		if b, err := json.Marshal(res.Observatory); err == nil {
			sr.HTTPObservatory = b
		}
	}
	return store.SiteRecord{Site: sr, Findings: res.Findings}
}

// probeTLS runs the TLS prober on the site's HTTPS origin when the HTTPS
// root answered or failed in TLS (a bad certificate is what it reports).
func probeTLS(ctx context.Context, prober *tlsprobe.Prober, site *observation.Site) {
	p := site.HTTPS
	if p == nil || (!p.OK() && p.ErrorKind != observation.KindTLS) {
		return
	}
	u, err := url.Parse(p.URL)
	if err != nil || u.Scheme != "https" {
		return
	}
	port := 443
	if s := u.Port(); s != "" {
		if port, err = strconv.Atoi(s); err != nil {
			return
		}
	}
	rep, _ := prober.Probe(ctx, u.Hostname(), port)
	site.TLSProbe = rep
}
