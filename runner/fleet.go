package runner

import (
	"context"
	"crypto/rand"
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
	q, err := queue.Connect(ctx, o.Queue, queue.Options{})
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
	if err := waitScan(ctx, st, q, sc, o.pollEvery, o.Stderr); err != nil {
		return ExitError, err
	}
	ended := time.Now().UTC()
	if err := st.EndScan(ctx, sc.ID, ended); err != nil {
		return ExitError, fmt.Errorf("recording scan end: %w", err)
	}
	sc.Ended = ended
	return writeRecorded(ctx, st, sc, settings, writers, closers, failOn, o)
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

// Progress is the state of a queued scan as the store and the queue see it.
type Progress struct {
	Targets, Done, Failed, InFlight, Findings int
}

func (p Progress) String() string {
	return fmt.Sprintf("%d/%d sites done, %d failed, %d in flight, %d findings", p.Done, p.Targets, p.Failed, p.InFlight, p.Findings)
}

// ScanProgress reads the progress of scan sc.
func ScanProgress(ctx context.Context, st store.Store, q *queue.Queue, sc store.Scan) (Progress, error) {
	p := Progress{Targets: sc.Targets}
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
	if q != nil {
		if p.InFlight, err = q.InFlight(ctx); err != nil {
			return p, err
		}
	}
	return p, nil
}

// waitScan reports progress to w until every site of sc is recorded.
func waitScan(ctx context.Context, st store.Store, q *queue.Queue, sc store.Scan, every time.Duration, w io.Writer) error {
	if every <= 0 {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	last := ""
	for {
		p, err := ScanProgress(ctx, st, q, sc)
		if err != nil {
			return fmt.Errorf("scan %s: progress: %w", sc.ID, err)
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
	writers []report.Writer, closers []io.Closer, failOn finding.Severity, o ScanOptions) (int, error) {
	t, err := writeStored(ctx, st, sc, settings, writers, failOn)
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
