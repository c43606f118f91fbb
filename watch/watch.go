// Package watch runs Vigie's schedules: saved groups of sites rescanned at
// an interval or at cron-like times, case re-verification rounds, and the
// daily alert digests, with at most N scans at once. Schedules live in the
// store, so they survive restarts; a run missed while the scheduler was
// down runs once when it starts again, not once per missed time.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"vigie/store"
	"vigie/target"
)

// Store is what the scheduler reads and writes.
type Store interface {
	Schedules(ctx context.Context) ([]store.Schedule, error)
	ClaimSchedule(ctx context.Context, name string, due, next time.Time) (bool, error)
	FinishSchedule(ctx context.Context, name string, ran time.Time, scanID, errText string) error
	GroupSites(ctx context.Context, name string) ([]store.SiteSummary, error)
}

// Runner does the work of a schedule.
type Runner interface {
	// Scan audits targets with the schedule's settings (browser mode,
	// active probes), records the scan in the store and returns its ID
	// once it has ended.
	Scan(ctx context.Context, s store.Schedule, targets []target.Target) (scanID string, err error)
	// Verify re-verifies every case awaiting verification.
	Verify(ctx context.Context, s store.Schedule) error
}

// Alerter tells subscribers what scans changed.
type Alerter interface {
	ScanFinished(ctx context.Context, schedule, group, scanID string) error
	FlushDigests(ctx context.Context) error
}

// Options configure a Scheduler.
type Options struct {
	Store  Store
	Runner Runner
	// Alerter, when set, is told of each scheduled scan's end.
	Alerter Alerter
	// MaxScans bounds the runs at once (default 2); a due run waits for a
	// free slot. Slots, when set, holds the slots instead (shared with the
	// dashboard's launches: one bound for both).
	MaxScans int
	Slots    chan struct{}
	// Tick is how often schedules are read (default 30 s).
	Tick time.Duration
	// DigestCron says when daily digests go out (default "0 7 * * *",
	// 07:00 local time).
	DigestCron string
	Now        func() time.Time
	Log        *slog.Logger
}

// Scheduler runs due schedules.
type Scheduler struct {
	o      Options
	sem    chan struct{}
	digest cron.Schedule

	mu      sync.Mutex
	running map[string]bool
	wg      sync.WaitGroup
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Validate checks a schedule's timing: an interval of a minute or more, or
// cron times (five fields, or @hourly, @daily, @weekly, @monthly).
func Validate(s store.Schedule) error {
	switch {
	case s.Every > 0 && s.Cron != "":
		return errors.New("give an interval or cron times, not both")
	case s.Every > 0:
		if s.Every < time.Minute {
			return fmt.Errorf("interval %s: a minute at least", s.Every)
		}
		return nil
	case s.Cron != "":
		if _, err := parser.Parse(s.Cron); err != nil {
			return fmt.Errorf("cron times %q: %w", s.Cron, err)
		}
		return nil
	}
	return errors.New("give an interval or cron times")
}

// Next returns the first time after after when s is due.
func Next(s store.Schedule, after time.Time) (time.Time, error) {
	if s.Every > 0 {
		return after.Add(s.Every), nil
	}
	c, err := parser.Parse(s.Cron)
	if err != nil {
		return time.Time{}, fmt.Errorf("schedule %q: cron times %q: %w", s.Name, s.Cron, err)
	}
	return c.Next(after), nil
}

// New returns a scheduler.
func New(o Options) (*Scheduler, error) {
	if o.Store == nil || o.Runner == nil {
		return nil, errors.New("watch: a store and a runner are needed")
	}
	if o.MaxScans <= 0 {
		o.MaxScans = 2
	}
	if o.Tick <= 0 {
		o.Tick = 30 * time.Second
	}
	if o.DigestCron == "" {
		o.DigestCron = "0 7 * * *"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	d, err := parser.Parse(o.DigestCron)
	if err != nil {
		return nil, fmt.Errorf("watch: digest times %q: %w", o.DigestCron, err)
	}
	sem := o.Slots
	if sem == nil {
		sem = make(chan struct{}, o.MaxScans)
	}
	return &Scheduler{o: o, sem: sem, digest: d, running: map[string]bool{}}, nil
}

// Run runs due schedules until ctx ends, then waits for the runs under way
// (which see ctx cancelled).
func (s *Scheduler) Run(ctx context.Context) error {
	defer s.wg.Wait()
	nextDigest := s.digest.Next(s.o.Now())
	t := time.NewTicker(s.o.Tick)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.o.Log.Warn("reading schedules", "err", err)
		}
		if now := s.o.Now(); !now.Before(nextDigest) && s.o.Alerter != nil {
			nextDigest = s.digest.Next(now)
			if err := s.o.Alerter.FlushDigests(ctx); err != nil {
				s.o.Log.Warn("daily digests", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick starts the runs due now, each claimed in the store first so that a
// run is started once even by several schedulers on one database. The
// next run is counted from now: runs missed while nobody was watching
// collapse into this one.
func (s *Scheduler) Tick(ctx context.Context) error {
	all, err := s.o.Store.Schedules(ctx)
	if err != nil {
		return err
	}
	now := s.o.Now()
	for _, sc := range all {
		if sc.NextRun.After(now) {
			continue
		}
		s.mu.Lock()
		busy := s.running[sc.Name]
		s.mu.Unlock()
		if busy {
			continue // still running: due again once it ends
		}
		next, err := Next(sc, now)
		if err != nil {
			s.o.Log.Warn("schedule", "name", sc.Name, "err", err)
			continue
		}
		ok, err := s.o.Store.ClaimSchedule(ctx, sc.Name, sc.NextRun, next)
		if err != nil {
			return err
		}
		if !ok {
			continue // another scheduler took it
		}
		s.mu.Lock()
		s.running[sc.Name] = true
		s.mu.Unlock()
		s.wg.Go(func() {
			defer func() {
				s.mu.Lock()
				delete(s.running, sc.Name)
				s.mu.Unlock()
			}()
			select {
			case s.sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-s.sem }()
			s.run(ctx, sc)
		})
	}
	return nil
}

// Wait waits for the runs under way.
func (s *Scheduler) Wait() { s.wg.Wait() }

func (s *Scheduler) run(ctx context.Context, sc store.Schedule) {
	started := s.o.Now()
	var (
		scanID string
		err    error
	)
	switch sc.Kind {
	case store.ScheduleVerify:
		err = s.o.Runner.Verify(ctx, sc)
	case store.ScheduleScan:
		scanID, err = s.scan(ctx, sc)
	default:
		err = fmt.Errorf("unknown kind %q", sc.Kind)
	}
	errText := ""
	if err != nil {
		errText = err.Error()
		s.o.Log.Warn("scheduled run failed", "schedule", sc.Name, "err", err)
	} else {
		s.o.Log.Info("scheduled run done", "schedule", sc.Name, "scan", scanID)
	}
	// Recorded even when ctx ended: the outcome must not be lost.
	if ferr := s.o.Store.FinishSchedule(context.WithoutCancel(ctx), sc.Name, started, scanID, errText); ferr != nil {
		s.o.Log.Warn("recording a scheduled run", "schedule", sc.Name, "err", ferr)
	}
	if err == nil && scanID != "" && s.o.Alerter != nil {
		if aerr := s.o.Alerter.ScanFinished(ctx, sc.Name, sc.Group, scanID); aerr != nil {
			s.o.Log.Warn("alerts", "schedule", sc.Name, "scan", scanID, "err", aerr)
		}
	}
}

func (s *Scheduler) scan(ctx context.Context, sc store.Schedule) (string, error) {
	sites, err := s.o.Store.GroupSites(ctx, sc.Group)
	if err != nil {
		return "", err
	}
	var ts []target.Target
	for _, site := range sites {
		t, err := target.Parse(site.URL)
		if err != nil {
			s.o.Log.Warn("schedule: skipping a site", "schedule", sc.Name, "site", site.URL, "err", err)
			continue
		}
		t.Organisation, t.Tags, t.Source = site.Organisation, site.Tags, "schedule "+sc.Name
		ts = append(ts, t)
	}
	if len(ts) == 0 {
		return "", fmt.Errorf("group %q has no site", sc.Group)
	}
	return s.o.Runner.Scan(ctx, sc, target.Dedup(ts))
}
