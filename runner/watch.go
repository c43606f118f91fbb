package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"vigie/alert"
	"vigie/crawl"
	"vigie/fetch"
	"vigie/scan"
	"vigie/store"
	"vigie/target"
	"vigie/watch"
)

// WatchSettings are the schedule and alert settings shared by vigie serve
// and vigie watch.
type WatchSettings struct {
	// NoSchedules leaves schedules alone (vigie serve --no-schedules:
	// another process, vigie watch, runs them).
	NoSchedules bool
	// Tick is how often schedules are read (default 30 s).
	Tick time.Duration
	// DigestCron says when daily digests go out (default "0 7 * * *").
	DigestCron string
	// SMTP sends alert emails.
	SMTP alert.SMTP
	// WebhookPrivate lets webhooks reach private and loopback addresses.
	WebhookPrivate bool
	// Dashboard is the dashboard's public URL, for links in alerts.
	Dashboard string
	// Backoff is the first wait between delivery attempts (default 1 s).
	Backoff time.Duration
	// Browser configures browser mode for schedules that ask for it.
	Browser BrowserSettings
}

// WatchOptions are the settings of `vigie watch`: the scheduler without
// the dashboard.
type WatchOptions struct {
	DB, DataDir  string
	AllowPrivate bool
	Fetch        fetch.Options
	Crawl        crawl.Options
	Concurrency  int
	NoTLSProbe   bool
	MaxScans     int
	Archive      string
	Watch        WatchSettings
	Log          *slog.Logger
	// Started, when set, is called once the scheduler runs.
	Started func()
}

// Watch runs the schedules stored in the database until ctx ends.
func Watch(ctx context.Context, o WatchOptions) error {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.DB == "none" {
		return errors.New("watch: schedules live in the database; --db none keeps none")
	}
	st, err := OpenStore(ctx, o.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := newScheduler(st, schedulerConfig{
		db: o.DB, dataDir: o.DataDir, allowPrivate: o.AllowPrivate, fetch: o.Fetch, crawl: o.Crawl,
		concurrency: o.Concurrency, noTLSProbe: o.NoTLSProbe, maxScans: o.MaxScans, archive: o.Archive, watch: o.Watch, log: o.Log,
	})
	if err != nil {
		return err
	}
	o.Log.Info("watching", "db", o.DB)
	if o.Started != nil {
		o.Started()
	}
	return s.Run(ctx)
}

// schedulerConfig is what newScheduler needs of serve's or watch's options.
type schedulerConfig struct {
	db, dataDir  string
	allowPrivate bool
	fetch        fetch.Options
	crawl        crawl.Options
	concurrency  int
	noTLSProbe   bool
	maxScans     int
	archive      string
	watch        WatchSettings
	log          *slog.Logger
	// slots, when set, are the scan slots shared with the dashboard.
	slots chan struct{}
}

// scheduleStore is what schedules need of the store.
type scheduleStore interface {
	store.Store
	store.Watch
}

func newScheduler(st store.Store, c schedulerConfig) (*watch.Scheduler, error) {
	ws, ok := st.(scheduleStore)
	if !ok {
		return nil, fmt.Errorf("watch: the %T store keeps no schedules", st)
	}
	if c.archive == "" {
		c.archive = ArchiveFindings
	}
	data, err := dataDir(c.dataDir)
	if err != nil {
		return nil, err
	}
	evs := EvidenceSettings{Archive: c.archive, DataDir: data}
	ev, err := evs.scanEvidence()
	if err != nil {
		return nil, err
	}
	fo := c.fetch
	fo.DenyPrivate = !c.allowPrivate
	r := &scheduleRunner{
		st: ws, browser: c.watch.Browser, log: c.log,
		base: scan.Options{Concurrency: c.concurrency, TLSProbe: !c.noTLSProbe, Crawl: c.crawl, Fetch: fo, Evidence: ev, Version: Version,
			Settings: map[string]string{"origin": "schedule", "max_pages": strconv.Itoa(c.crawl.MaxPages), "max_depth": strconv.Itoa(c.crawl.MaxDepth),
				"tls_probe": strconv.FormatBool(!c.noTLSProbe), "archive": c.archive, "allow_private": strconv.FormatBool(c.allowPrivate)}},
		verify: ScanOptions{DB: c.db, Fetch: fo, Crawl: c.crawl, Concurrency: c.concurrency, NoTLSProbe: c.noTLSProbe, Evidence: evs},
	}
	al := alert.New(alert.Options{Store: ws, SMTP: c.watch.SMTP, AllowPrivate: c.watch.WebhookPrivate, Dashboard: c.watch.Dashboard,
		Backoff: c.watch.Backoff, Log: c.log})
	return watch.New(watch.Options{Store: ws, Runner: r, Alerter: al, MaxScans: c.maxScans, Slots: c.slots, Tick: c.watch.Tick,
		DigestCron: c.watch.DigestCron, Log: c.log})
}

// scheduleRunner runs scheduled scans and case verifications here.
type scheduleRunner struct {
	st      store.Store
	base    scan.Options
	browser BrowserSettings
	verify  ScanOptions
	log     *slog.Logger
}

func (r *scheduleRunner) Scan(ctx context.Context, s store.Schedule, ts []target.Target) (string, error) {
	o := r.base
	o.Store = r.st
	o.Crawl.Active = s.Active
	o.Settings = map[string]string{"name": s.Group, "schedule": s.Name, "browser": strconv.FormatBool(s.Browser), "active": strconv.FormatBool(s.Active)}
	for k, v := range r.base.Settings {
		o.Settings[k] = v
	}
	if s.Browser {
		b := r.browser
		b.All = true
		br, err := b.scanBrowser(ts, max(1, o.Concurrency))
		if err != nil {
			return "", err
		}
		o.Browser = br
	}
	sum, err := scan.Run(ctx, ts, o, nil)
	if sum == nil || sum.Scan.ID == "" {
		if err == nil {
			err = errors.New("the scan did not start")
		}
		return "", err
	}
	r.log.Info("scheduled scan finished", "schedule", s.Name, "scan", sum.Scan.ID, "sites", sum.Sites, "failed", sum.Failed, "findings", sum.Findings)
	return sum.Scan.ID, err
}

func (r *scheduleRunner) Verify(ctx context.Context, s store.Schedule) error {
	return CaseVerifyAll(ctx, VerifyAllOptions{
		CaseVerifyOptions: CaseVerifyOptions{Scan: r.verify, Author: "vigie (schedule " + s.Name + ")"},
		Out:               slogWriter{r.log},
	})
}

// slogWriter logs each line written to it.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(b []byte) (int, error) {
	w.log.Info("case verification", "result", string(b))
	return len(b), nil
}
