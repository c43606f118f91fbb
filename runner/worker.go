package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vigie/fetch"
	"vigie/observation"
	"vigie/queue"
	"vigie/scan"
	"vigie/store"
)

// WorkerOptions are the settings of `vigie worker`.
type WorkerOptions struct {
	// Queue is the NATS URL (nats://HOST:PORT), DB the shared store.
	Queue, DB string
	// Concurrency is the number of sites audited at once (default 8).
	Concurrency int
	// Listen, when set, serves /healthz and /metrics on that address.
	Listen string
	// AckWait and MaxDeliver configure the queue's consumer.
	AckWait    time.Duration
	MaxDeliver int
	// Grace is how long in-flight jobs may run on after the context is
	// cancelled before they are handed back to the queue (default 30 s).
	Grace time.Duration
	// GiveUp is how long a job retries a failing store (a PostgreSQL
	// restart) before it fails (default DefaultGiveUp).
	GiveUp time.Duration
	Log    *slog.Logger
	// Chromium is the executable rendering browser-mode sites (found on
	// PATH when empty); it is started only when a job needs it.
	Chromium string
	// BrowserTabs is the number of sites one Chromium renders at once
	// (default Concurrency).
	BrowserTabs int
	// Hosting selects the hosting lookups; their DNS server is the
	// scan's (its --dns).
	Hosting HostingSettings
	// QueueAuth authenticates the queue connection.
	QueueAuth queue.Auth
	// AllowPrivate lets the worker connect to loopback, private,
	// link-local and other non-public addresses (fetch.PrivateAddr);
	// whatever a job says, they are refused otherwise.
	AllowPrivate bool
	// AllowJobNetwork lets jobs route connections (--resolve,
	// --connect-to, --no-dns) and add trusted CAs; otherwise a job
	// carrying such settings is recorded as a failed site.
	AllowJobNetwork bool

	// abandon makes a cancelled worker drop its in-flight jobs without a
	// word, as a killed process would (tests).
	abandon bool
}

// Worker pulls site jobs from the queue, audits each site with the same
// engine as a local scan and records it in the store, acknowledging a job
// only once its results are committed.
type Worker struct {
	o    WorkerOptions
	q    *queue.Queue
	cons *queue.Consumer
	st   store.Store
	// hosting is the dataset and HDS list every scan's judge shares.
	hosting hostingData
	log     *slog.Logger
	start   time.Time
	addr    string // where /metrics listens

	mu      sync.Mutex
	engines map[string]*scanEngine

	done, failed, redelivered atomic.Int64
	inFlight                  atomic.Int64
}

// scanEngine is the engine and record of one scan, shared by its jobs.
type scanEngine struct {
	once sync.Once
	eng  *scan.Engine
	sc   store.Scan
	err  error

	// rendering is the engine of the scan's browser-mode sites, with its
	// own Chromium, started by the first job that needs it and stopped
	// once no such job came for idleBrowser; renders counts the jobs using
	// it, lastRender is when the last one ended.
	bmu        sync.Mutex
	rendering  *scan.Engine
	renders    int
	lastRender time.Time
	// jobs counts the jobs using the engine, lastJob is when the last one
	// ended (both under Worker.mu).
	jobs    int
	lastJob time.Time
}

// pullWait is how long one pull waits for a job before it is sent again.
// A pull request lives on the NATS server: one sent just before the
// server restarted is lost, and the worker asks again after pullWait.
const pullWait = time.Second

// idleScan is how long a worker keeps the engine of a scan none of whose
// jobs came (its connections, TLS results, salt): a worker serves scan
// after scan and keeps no state of finished ones.
const idleScan = 5 * time.Minute

// maxIdleScans is how many engines of scans without a job in flight a
// worker keeps (for their next jobs) before it closes the one idle
// longest.
const maxIdleScans = 4

// idleBrowser is how long a scan's Chromium outlives its last rendered
// job: a worker serves scan after scan and must not keep one Chromium per
// finished scan.
const idleBrowser = 2 * time.Minute

// NewWorker connects to the queue and the store.
func NewWorker(ctx context.Context, o WorkerOptions) (*Worker, error) {
	if o.Queue == "" {
		return nil, errors.New("worker: --queue is required")
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Grace <= 0 {
		o.Grace = 30 * time.Second
	}
	if o.GiveUp <= 0 {
		o.GiveUp = DefaultGiveUp
	}
	if o.BrowserTabs <= 0 {
		o.BrowserTabs = o.Concurrency
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.DB == "none" {
		return nil, errors.New("worker: a worker needs a store (--db postgres://...)")
	}
	hd, err := o.Hosting.load(nil)
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, o.DB)
	if err != nil {
		hd.db.Close()
		return nil, err
	}
	q, err := queue.Connect(ctx, o.Queue, queue.Options{AckWait: o.AckWait, MaxDeliver: o.MaxDeliver, Auth: o.QueueAuth})
	if err != nil {
		st.Close()
		hd.db.Close()
		return nil, err
	}
	cons, err := q.Consumer(ctx)
	if err != nil {
		q.Close()
		st.Close()
		hd.db.Close()
		return nil, err
	}
	if o.AckWait <= 0 {
		o.AckWait = queue.DefaultAckWait
	}
	return &Worker{o: o, q: q, cons: cons, st: st, hosting: hd, log: o.Log, start: time.Now(), engines: map[string]*scanEngine{}}, nil
}

// Close releases the queue connection, the store and the engines.
func (w *Worker) Close() error {
	w.q.Close()
	defer w.hosting.db.Close()
	w.mu.Lock()
	for _, e := range w.engines {
		e.close()
	}
	w.mu.Unlock()
	return w.st.Close()
}

// Run pulls and handles jobs until ctx is cancelled; in-flight jobs then
// get WorkerOptions.Grace to finish before they are handed back.
func (w *Worker) Run(ctx context.Context) error {
	var srvErr chan error
	if w.o.Listen != "" {
		l, err := net.Listen("tcp", w.o.Listen)
		if err != nil {
			return fmt.Errorf("worker: --listen: %w", err)
		}
		w.addr = l.Addr().String()
		srv := &http.Server{Handler: w.handler(), ReadHeaderTimeout: 5 * time.Second}
		srvErr = make(chan error, 1)
		go func() { srvErr <- srv.Serve(l) }()
		defer srv.Close()
		w.log.Info("serving health and metrics", "addr", w.addr)
	}
	// Jobs run on hard, which outlives ctx by the grace period.
	hard, cancelHard := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHard()
	stopGrace := context.AfterFunc(ctx, func() {
		w.log.Info("stopping: no new jobs; in-flight jobs get a grace period", "grace", w.o.Grace, "in_flight", w.inFlight.Load())
		time.AfterFunc(w.o.Grace, cancelHard)
	})
	defer stopGrace()
	w.log.Info("worker started", "queue", w.o.Queue, "concurrency", w.o.Concurrency)
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(idleBrowser / 4)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				w.stopIdleBrowsers(idleBrowser)
				w.dropIdleScans(idleScan)
			}
		}
	})
	for range w.o.Concurrency {
		wg.Go(func() {
			// failing: since when pulling fails (the NATS server may be
			// restarting); pulls are retried every FirstRetry, said once.
			var failing time.Time
			for ctx.Err() == nil {
				d, err := w.cons.Next(ctx, pullWait)
				if errors.Is(err, queue.ErrNoJob) {
					continue
				}
				if err != nil {
					if ctx.Err() == nil {
						if failing.IsZero() {
							failing = time.Now()
							w.log.Warn("pulling a job failed; retrying", "err", err)
						}
						sleep(ctx, FirstRetry)
					}
					continue
				}
				if !failing.IsZero() {
					w.log.Info("pulling jobs: the queue works again", "after", time.Since(failing).Round(time.Millisecond))
					failing = time.Time{}
				}
				w.handle(ctx, hard, d)
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		w.log.Info("worker stopped", "done", w.done.Load(), "failed", w.failed.Load())
	}
	select {
	case err := <-srvErr:
		return fmt.Errorf("worker: metrics server: %w", err)
	default:
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// handle audits one job's site, records it and acknowledges the job.
func (w *Worker) handle(ctx, hard context.Context, d *queue.Delivery) {
	w.inFlight.Add(1)
	defer w.inFlight.Add(-1)
	if d.Attempt > 1 {
		w.redelivered.Add(1)
	}
	log := w.log.With("scan", d.Job.Scan, "site", d.Job.Target.URL, "attempt", d.Attempt)
	jobCtx, cancel := context.WithCancel(hard)
	defer cancel()
	if w.o.abandon {
		// A killed process stops at once, acknowledging nothing.
		stop := context.AfterFunc(ctx, cancel)
		defer stop()
	}
	// Keep the job ours while the audit runs longer than the ack deadline.
	touch := time.NewTicker(max(w.o.AckWait/3, 100*time.Millisecond))
	defer touch.Stop()
	go func() {
		for {
			select {
			case <-jobCtx.Done():
				return
			case <-touch.C:
				d.Touch()
			}
		}
	}()

	if why := w.refuse(d.Job); why != "" {
		log.Warn("refusing a job", "why", why)
		w.failed.Add(1)
		w.recordFailed(jobCtx, d, errors.New(why), "refused", log)
		w.ack(jobCtx, d, log)
		return
	}
	se := w.engine(jobCtx, d.Job)
	defer w.release(se)
	var res *scan.Result
	eng, err := se.eng, se.err
	if err == nil && d.Job.Rendered() {
		var release func()
		if eng, release, err = w.renderingEngine(se, d.Job); err == nil {
			defer release()
		}
	}
	if err == nil {
		res, err = eng.Examine(jobCtx, d.Job.Target, se.sc)
	}
	if err == nil {
		// The store may be restarting (PostgreSQL update, failover): keep
		// the audit and retry its record for up to GiveUp, the job being
		// touched meanwhile, rather than audit the site again.
		err = w.retryStore(jobCtx, log, "recording the site", func() error { return eng.Record(jobCtx, se.sc, res) })
	}
	if err != nil && jobCtx.Err() != nil {
		if w.o.abandon {
			return
		}
		log.Info("handing back an unfinished job")
		if err := d.Nak(0); err != nil {
			log.Warn("handing back a job", "err", err)
		}
		return
	}
	if err != nil {
		w.failed.Add(1)
		if !d.Last {
			log.Warn("job failed, will be retried", "err", err)
			d.Nak(5 * time.Second)
			return
		}
		// Out of retries: record the site as failed so that the scan
		// still accounts for it.
		log.Error("job failed for the last time; recording the site as failed", "err", err)
		kind := "worker"
		if errors.Is(err, errNoBrowser) {
			kind = observation.KindBrowser
		}
		if !w.recordFailed(jobCtx, d, err, kind, log) {
			return
		}
	} else {
		w.done.Add(1)
		if res.Site.Error != "" {
			w.failed.Add(1)
		}
		log.Info("site recorded", "findings", len(res.Findings), "error", res.Site.Error)
	}
	w.ack(jobCtx, d, log)
}

// retryStore runs fn, an operation on the store, until it succeeds, ctx
// ends or GiveUp has passed since its first failure, with backoff.
func (w *Worker) retryStore(ctx context.Context, log *slog.Logger, op string, fn func() error) error {
	return retryFor(ctx, w.o.GiveUp, fn, func(err error) {
		log.Warn(op+" failed; retrying", "err", err, "give_up", w.o.GiveUp)
	}, func(after time.Duration) {
		log.Info(op+": the store works again", "after", after.Round(time.Millisecond))
	}, op)
}

// ackTimeout bounds one acknowledgement's wait for the server's answer.
const ackTimeout = 5 * time.Second

// ack acknowledges a recorded job. The NATS server may be restarting: the
// acknowledgement is retried, the job touched meanwhile, for up to GiveUp
// while ctx lasts (a stopping worker's grace period); the first attempt
// is made even after ctx ended. A job not acknowledged comes back and is
// audited again.
func (w *Worker) ack(ctx context.Context, d *queue.Delivery, log *slog.Logger) {
	err := retryFor(ctx, w.o.GiveUp, func() error {
		actx, acancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
		defer acancel()
		return d.Ack(actx)
	}, func(err error) {
		log.Warn("acknowledging a job failed; retrying", "err", err, "give_up", w.o.GiveUp)
	}, func(after time.Duration) {
		log.Info("acknowledging a job: the queue works again", "after", after.Round(time.Millisecond))
	}, "acknowledging the job")
	if err != nil {
		// The job comes back; recording it again replaces this record.
		log.Warn("acknowledging a job", "err", err)
	}
}

// recordFailed records the job's site as not audited, with err, so that
// the scan still accounts for it; false when that failed too (the job
// then comes back).
func (w *Worker) recordFailed(ctx context.Context, d *queue.Delivery, err error, kind string, log *slog.Logger) bool {
	t := d.Job.Target
	now := time.Now().UTC()
	sr := store.SiteResult{URL: t.URL, Organisation: t.Organisation, Tags: t.Tags,
		Error: err.Error(), ErrorKind: kind, Started: now, Ended: now}
	if _, _, err := w.st.RecordSite(ctx, d.Job.Scan, sr, nil); err != nil {
		log.Error("recording the failed site", "err", err)
		return false
	}
	return true
}

// refuse returns why the worker's policy refuses job j, "" when it may
// run. The private-address guard itself acts at connection time (DNS
// rebinding included); a target given as a literal non-public address is
// refused here already, with a clearer message.
func (w *Worker) refuse(j queue.Job) string {
	f := j.Settings.Fetch
	if !w.o.AllowJobNetwork {
		var set []string
		if len(f.Resolve) > 0 {
			set = append(set, "--resolve")
		}
		if len(f.ConnectTo) > 0 {
			set = append(set, "--connect-to")
		}
		if f.NoDNS {
			set = append(set, "--no-dns")
		}
		if f.DNS != "" {
			// The job would choose the server every name is resolved by,
			// and the worker would send it packets outside the dial guard.
			set = append(set, "--dns")
		}
		if len(f.CACertPEM) > 0 || len(f.CACertFiles) > 0 {
			set = append(set, "--ca-cert")
		}
		if len(set) > 0 {
			return "the job carries network settings (" + strings.Join(set, ", ") + ") this worker does not accept (start it with --allow-job-network)"
		}
	}
	if !w.o.AllowPrivate {
		if a, err := netip.ParseAddr(strings.Trim(j.Target.Host, "[]")); err == nil {
			if why := fetch.PrivateAddr(a); why != "" {
				return fmt.Sprintf("%s is a %s address, refused by this worker (start it with --allow-private)", a, why)
			}
		}
	}
	return ""
}

// engine returns the engine of the job's scan, created on first use with
// the settings the job carries.
func (w *Worker) engine(ctx context.Context, j queue.Job) *scanEngine {
	w.mu.Lock()
	se := w.engines[j.Scan]
	if se == nil {
		se = &scanEngine{}
		w.engines[j.Scan] = se
	}
	se.jobs++
	w.mu.Unlock()
	se.once.Do(func() {
		var sc *store.Scan
		err := w.retryStore(ctx, w.log, "reading the scan", func() (err error) {
			sc, err = w.st.Scan(ctx, j.Scan)
			if errors.Is(err, store.ErrNotFound) {
				return backoffStop{err}
			}
			return err
		})
		if err != nil {
			se.err = fmt.Errorf("scan %s: %w", j.Scan, err)
			return
		}
		se.sc = *sc
		se.eng, se.err = scan.NewEngine(w.engineOptions(j, nil))
	})
	if se.err != nil {
		// Let a later job try again (the store may have been unreachable).
		w.mu.Lock()
		if w.engines[j.Scan] == se {
			delete(w.engines, j.Scan)
		}
		w.mu.Unlock()
	}
	return se
}

// release ends a job's use of its scan's engine. Past maxIdleScans
// engines without a job, the one idle longest is closed: a worker serving
// many scans at once (a dashboard's small scans, say) keeps at most
// Concurrency engines in use plus maxIdleScans idle ones.
func (w *Worker) release(se *scanEngine) {
	w.mu.Lock()
	se.jobs--
	se.lastJob = time.Now()
	var drop *scanEngine
	if se.jobs == 0 {
		idle, oldest := 0, ""
		for id, e := range w.engines {
			if e.jobs > 0 {
				continue
			}
			idle++
			if oldest == "" || e.lastJob.Before(w.engines[oldest].lastJob) {
				oldest = id
			}
		}
		if idle > maxIdleScans {
			drop = w.engines[oldest]
			delete(w.engines, oldest)
			w.log.Info("too many idle scans: engine released", "scan", oldest, "idle_scans", idle)
		}
	}
	w.mu.Unlock()
	if drop != nil {
		drop.close()
	}
}

// close closes the engines of a scan no job uses any more.
func (se *scanEngine) close() {
	if se.eng != nil {
		se.eng.Close()
	}
	se.bmu.Lock()
	if se.rendering != nil {
		se.rendering.Close()
		se.rendering = nil
	}
	se.bmu.Unlock()
}

// scans returns the number of scans whose engine the worker holds.
func (w *Worker) scans() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.engines)
}

// dropIdleScans closes the engines of the scans that had no job for idle.
func (w *Worker) dropIdleScans(idle time.Duration) {
	w.mu.Lock()
	var drop []*scanEngine
	for id, se := range w.engines {
		if se.jobs == 0 && time.Since(se.lastJob) >= idle {
			delete(w.engines, id)
			drop = append(drop, se)
			w.log.Info("scan idle: engine released", "scan", id, "idle", idle)
		}
	}
	w.mu.Unlock()
	for _, se := range drop {
		se.close()
	}
}

// engineOptions are the options of an engine auditing j's scan, rendering
// with b when not nil.
func (w *Worker) engineOptions(j queue.Job, b *scan.Browser) scan.Options {
	fo := j.Settings.Fetch
	// The worker's policy, not the job's: anyone able to publish on the
	// queue must not make the fleet reach internal hosts.
	fo.DenyPrivate = !w.o.AllowPrivate
	fo.CACertFiles = nil // files of the worker's machine: never from a job
	return scan.Options{
		Store:    w.st,
		Fetch:    fo,
		Crawl:    j.Settings.Crawl,
		TLSProbe: j.Settings.TLSProbe,
		Browser:  b,
		Hosting:  w.hosting.judge(w.o.Hosting.Off, j.Settings.Fetch, nil),
		Version:  Version,
	}
}

// renderingEngine returns the browser-mode engine of se's scan, starting
// its Chromium when it does not run, and a function to call once the job
// is done with it. An error wraps errNoBrowser when Chromium is missing or
// would not start; the next job tries again.
func (w *Worker) renderingEngine(se *scanEngine, j queue.Job) (*scan.Engine, func(), error) {
	se.bmu.Lock()
	defer se.bmu.Unlock()
	if se.rendering == nil {
		b, err := workerBrowser(j.Settings.Browser, w.o.Chromium, w.o.BrowserTabs)
		if err != nil {
			return nil, nil, fmt.Errorf("scan %s: %w", j.Scan, err)
		}
		// The static engine of the same settings started: what fails now
		// is the browser.
		eng, err := scan.NewEngine(w.engineOptions(j, b))
		if err != nil {
			return nil, nil, fmt.Errorf("scan %s: %w: %w", j.Scan, errNoBrowser, err)
		}
		w.log.Info("Chromium started", "scan", j.Scan, "chromium", b.ExecPath, "tabs", b.Tabs)
		se.rendering = eng
	}
	se.renders++
	release := func() {
		se.bmu.Lock()
		se.renders--
		se.lastRender = time.Now()
		se.bmu.Unlock()
	}
	return se.rendering, release, nil
}

// stopIdleBrowsers stops the Chromium of every scan that has rendered no
// site for idle.
func (w *Worker) stopIdleBrowsers(idle time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, se := range w.engines {
		se.bmu.Lock()
		if se.rendering != nil && se.renders == 0 && time.Since(se.lastRender) >= idle {
			se.rendering.Close()
			se.rendering = nil
			w.log.Info("Chromium stopped: no site of the scan to render", "scan", id, "idle", idle)
		}
		se.bmu.Unlock()
	}
}

// handler serves /healthz and /metrics.
func (w *Worker) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, r *http.Request) {
		if _, err := w.q.Depth(r.Context()); err != nil {
			http.Error(rw, "queue: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(rw, "ok")
	})
	mux.HandleFunc("GET /metrics", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		metric := func(name, kind, help string, v float64) {
			fmt.Fprintf(rw, "# HELP %s %s\n# TYPE %s %s\n%s %g\n", name, help, name, kind, name, v)
		}
		done := w.done.Load()
		metric("vigie_worker_jobs_done_total", "counter", "Jobs audited, recorded and acknowledged.", float64(done))
		metric("vigie_worker_jobs_failed_total", "counter", "Jobs whose site could not be audited or recorded.", float64(w.failed.Load()))
		metric("vigie_worker_jobs_redelivered_total", "counter", "Jobs received again after an earlier delivery.", float64(w.redelivered.Load()))
		metric("vigie_worker_jobs_in_flight", "gauge", "Jobs being audited.", float64(w.inFlight.Load()))
		metric("vigie_worker_scans", "gauge", "Scans whose engine the worker holds (in use, or idle for their next jobs).", float64(w.scans()))
		metric("vigie_worker_sites_per_second", "gauge", "Sites recorded per second since the worker started.", float64(done)/time.Since(w.start).Seconds())
		if depth, err := w.q.Depth(r.Context()); err == nil {
			metric("vigie_queue_depth", "gauge", "Jobs in the queue, delivered or not.", float64(depth))
		}
	})
	return mux
}
