package runner

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"vigie/finding"
	"vigie/queue"
	"vigie/report"
	"vigie/store"
	"vigie/target"
)

// enqueueBatch bounds the jobs published before waiting for the server's
// acknowledgements.
const enqueueBatch = 500

// queueScan records the scan in st and sends one job per target to the
// workers; with o.Wait it then follows the scan to its end.
func queueScan(ctx context.Context, o ScanOptions, targets []target.Target, st store.Store,
	settings map[string]string, writers []report.Writer, closers []io.Closer, failOn finding.Severity) (int, error) {
	js, err := jobSettings(o, targets)
	if err != nil {
		return ExitError, err
	}
	if js.Browser != nil {
		settings["browser"] = strconv.FormatBool(js.Browser.All)
		settings["browser_typing"] = strconv.FormatBool(!js.Browser.NoTyping)
		settings["browser_consent"] = strconv.FormatBool(!js.Browser.NoConsent)
	}
	q, err := queue.Connect(ctx, o.Queue, queue.Options{Auth: o.QueueAuth})
	if err != nil {
		return ExitError, err
	}
	defer q.Close()
	settings["queue"] = o.Queue
	sc := store.Scan{Version: Version, Settings: settings, Targets: len(targets)}
	if err := st.BeginScan(ctx, &sc); err != nil {
		return ExitError, fmt.Errorf("recording scan start: %w", err)
	}
	for start := 0; start < len(targets); start += enqueueBatch {
		batch := targets[start:min(start+enqueueBatch, len(targets))]
		jobs := make([]queue.Job, len(batch))
		for i, t := range batch {
			jobs[i] = queue.Job{Scan: sc.ID, Target: t, Settings: js}
		}
		if err := q.Enqueue(ctx, jobs...); err != nil {
			return ExitError, fmt.Errorf("scan %s: %w", sc.ID, err)
		}
	}
	fmt.Fprintf(o.Stderr, "scan %s: %d sites queued on %s\n", sc.ID, len(targets), o.Queue)
	if !o.Wait {
		fmt.Fprintf(o.Stderr, "follow it with: vigie diff %s, or scan again with --wait\n", sc.ID)
		return ExitOK, nil
	}
	giveUp := o.GiveUp
	if giveUp <= 0 {
		giveUp = DefaultGiveUp
	}
	r := retrier{giveUp: giveUp, w: o.Stderr, what: "scan " + sc.ID}
	if err := waitScan(ctx, st, q, sc, o.pollEvery, o.Stderr, r); err != nil {
		return ExitError, err
	}
	ended := time.Now().UTC()
	if err := r.do(ctx, "recording the scan's end", func() error { return st.EndScan(ctx, sc.ID, ended) }); err != nil {
		return ExitError, fmt.Errorf("scan %s: %w", sc.ID, err)
	}
	sc.Ended = ended
	return writeRecorded(ctx, st, sc, settings, writers, closers, failOn, o, r)
}

// jobSettings are the settings workers audit targets with. CA files and
// the tracker list are read here: workers may run on machines that do not
// have them.
func jobSettings(o ScanOptions, targets []target.Target) (queue.Settings, error) {
	s := queue.Settings{Fetch: o.Fetch, Crawl: o.Crawl, TLSProbe: !o.NoTLSProbe}
	var err error
	if s.Browser, err = o.Browser.jobBrowser(targets); err != nil {
		return s, err
	}
	s.Fetch.CACertPEM = append([][]byte(nil), o.Fetch.CACertPEM...)
	for _, f := range o.Fetch.CACertFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return s, fmt.Errorf("--ca-cert: %w", err)
		}
		s.Fetch.CACertPEM = append(s.Fetch.CACertPEM, b)
	}
	s.Fetch.CACertFiles = nil
	s.Fetch.Capture = false
	// Workers keep no evidence, hence no screenshots.
	s.Crawl.KeepScreenshots = false
	// One salt for the whole scan, as a local scan draws.
	s.Crawl.Salt = make([]byte, 32)
	rand.Read(s.Crawl.Salt)
	return s, nil
}

// Progress is the state of a queued scan as the store and the queue see
// it; InFlight is -1 when the queue could not say.
type Progress struct {
	Targets, Done, Failed, InFlight, Findings int
}

func (p Progress) String() string {
	inFlight := strconv.Itoa(p.InFlight)
	if p.InFlight < 0 {
		inFlight = "?" // the queue did not answer
	}
	return fmt.Sprintf("%d/%d sites done, %d failed, %s in flight, %d findings", p.Done, p.Targets, p.Failed, inFlight, p.Findings)
}

// progressCounter is the store's cheap progress count (both back ends
// have one).
type progressCounter interface {
	ScanProgress(ctx context.Context, id string) (sites, failed, findings int, err error)
}

// ScanProgress reads the progress of scan sc.
func ScanProgress(ctx context.Context, st store.Store, q *queue.Queue, sc store.Scan) (Progress, error) {
	p := Progress{Targets: sc.Targets}
	if pc, ok := st.(progressCounter); ok {
		var err error
		if p.Done, p.Failed, p.Findings, err = pc.ScanProgress(ctx, sc.ID); err != nil {
			return p, err
		}
	} else {
		sites, err := st.Sites(ctx, sc.ID)
		if err != nil {
			return p, err
		}
		p.Done = len(sites)
		for _, s := range sites {
			if !s.OK() {
				p.Failed++
			}
		}
		fs, err := st.Findings(ctx, store.Filter{Scan: sc.ID})
		if err != nil {
			return p, err
		}
		p.Findings = len(fs)
	}
	if q != nil {
		// Only shown: a queue restarting must not hold up a scan whose
		// sites are all recorded.
		// A request to a server that is restarting waits for the
		// reconnection: not longer than a poll.
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		var err error
		if p.InFlight, err = q.InFlight(qctx); err != nil {
			p.InFlight = -1
		}
	}
	return p, nil
}

// DefaultGiveUp is how long the coordinator of a queued scan (vigie scan
// --queue --wait) keeps retrying when the store or the queue fails, as
// during a PostgreSQL or NATS restart or failover, before it exits with
// status 2. The scan itself goes on: the workers retry on their own, and
// vigie report SCAN_ID writes its results later.
const DefaultGiveUp = 2 * time.Minute

// retrier retries the coordinator's operations on the store and the queue
// with backoff, for up to giveUp from the first failure of a streak.
type retrier struct {
	giveUp time.Duration
	w      io.Writer
	what   string // the scan, for messages
}

// do runs fn until it succeeds, ctx ends or giveUp has passed since its
// first failure; it says on w when it starts retrying and when it
// recovers.
func (r retrier) do(ctx context.Context, op string, fn func() error) error {
	return retryFor(ctx, r.giveUp, fn, func(err error) {
		fmt.Fprintf(r.w, "%s: %s failed (%v); retrying for up to %s\n", r.what, op, err, r.giveUp)
	}, func(after time.Duration) {
		fmt.Fprintf(r.w, "%s: %s works again after %s\n", r.what, op, after.Round(time.Second))
	}, op+" (the workers go on; vigie report writes the results later)")
}

// Backoff of retryFor: the first retry comes after FirstRetry, each
// further one after twice the previous wait, at most MaxRetryWait. The
// cap is short because what fails is usually a server restarting
// (PostgreSQL or NATS are back within a few seconds): a longer wait would
// leave the fleet idle after it is back. Retries are cheap (a refused
// connection), one per job in flight.
const (
	FirstRetry   = 250 * time.Millisecond
	MaxRetryWait = time.Second
)

// retryFor runs fn until it succeeds, ctx ends, fn returns a backoffStop
// or giveUp has passed since its first failure, waiting FirstRetry, then
// twice as long each time up to MaxRetryWait. failing is called on the
// first failure, recovered on a success after failures.
func retryFor(ctx context.Context, giveUp time.Duration, fn func() error, failing func(error), recovered func(time.Duration), op string) error {
	var first time.Time
	delay := FirstRetry
	for {
		err := fn()
		if err == nil {
			if !first.IsZero() {
				recovered(time.Since(first))
			}
			return nil
		}
		var stop backoffStop
		if errors.As(err, &stop) {
			return stop.err
		}
		if ctx.Err() != nil {
			return err
		}
		if first.IsZero() {
			first = time.Now()
			failing(err)
		}
		if time.Since(first) >= giveUp {
			return fmt.Errorf("%s failed for %s, giving up: %w", op, giveUp, err)
		}
		sleep(ctx, delay)
		delay = min(2*delay, MaxRetryWait)
	}
}

// backoffStop wraps an error retrier.do must not retry.
type backoffStop struct{ err error }

func (b backoffStop) Error() string { return b.err.Error() }
func (b backoffStop) Unwrap() error { return b.err }

// ProgressEvery is how often the coordinator of a queued scan (--wait)
// reads its progress: the scan is seen complete at most this long after
// its last site is recorded. A read is three counts in the store and one
// request to the queue.
const ProgressEvery = 500 * time.Millisecond

// waitScan reports progress to w until every site of sc is recorded.
func waitScan(ctx context.Context, st store.Store, q *queue.Queue, sc store.Scan, every time.Duration, w io.Writer, r retrier) error {
	if every <= 0 {
		every = ProgressEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	last := ""
	for {
		var p Progress
		err := r.do(ctx, "reading progress", func() (err error) {
			p, err = ScanProgress(ctx, st, q, sc)
			return err
		})
		if err != nil {
			return fmt.Errorf("scan %s: %w", sc.ID, err)
		}
		if line := p.String(); line != last {
			fmt.Fprintf(w, "scan %s: %s\n", sc.ID, line)
			last = line
		}
		if p.Done >= p.Targets {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("scan %s: stopped waiting with %s (the workers go on): %w", sc.ID, p, ctx.Err())
		case <-tick.C:
		}
	}
}

// writeRecorded writes the scan's sites and findings, read from the store
// as vigie report reads them, to the writers, and returns the exit status
// a local scan would.
func writeRecorded(ctx context.Context, st store.Store, sc store.Scan, settings map[string]string,
	writers []report.Writer, closers []io.Closer, failOn finding.Severity, o ScanOptions, r retrier) (int, error) {
	// Retried only while nothing was written: a failure half-way through
	// the results cannot be mended by writing them again.
	var t storedTotals
	err := r.do(ctx, "reading the results", func() (err error) {
		t, err = writeStored(ctx, st, sc, settings, writers, failOn)
		if err != nil && t.sites > 0 {
			return backoffStop{err}
		}
		return err
	})
	if err != nil {
		return ExitError, err
	}
	for _, c := range closers {
		if err := c.Close(); err != nil {
			return ExitError, fmt.Errorf("writing %s: %w", o.Output, err)
		}
	}
	fmt.Fprintf(o.Stderr, "scan %s: %d sites in %s (%d failed), %d findings (details: vigie diff %s)\n",
		sc.ID, t.sites, sc.Ended.Sub(sc.Started).Round(time.Millisecond), t.failed, t.findings, sc.ID)
	if t.failing > 0 {
		return ExitFindings, nil
	}
	return ExitOK, nil
}
