package watch

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/store"
	"vigie/store/sqlite"
	"vigie/target"
)

// countingRunner records the runs it is asked for; it stands for the
// scanner, whose real runs the end-to-end test in runner exercises.
type countingRunner struct {
	mu       sync.Mutex
	scans    map[string]int
	verifies int
	hold     chan struct{} // when set, each scan waits on it
	running  atomic.Int32
	peak     atomic.Int32
}

func (r *countingRunner) Scan(ctx context.Context, s store.Schedule, ts []target.Target) (string, error) {
	n := r.running.Add(1)
	defer r.running.Add(-1)
	for {
		p := r.peak.Load()
		if n <= p || r.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if r.hold != nil {
		<-r.hold
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.scans == nil {
		r.scans = map[string]int{}
	}
	r.scans[s.Name]++
	return "", nil
}

func (r *countingRunner) Verify(ctx context.Context, s store.Schedule) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.verifies++
	return nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func openDB(t *testing.T, path string) *sqlite.DB {
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func setUp(t *testing.T, db *sqlite.DB, start time.Time, ss ...store.Schedule) {
	ctx := t.Context()
	sc := &store.Scan{Started: start.Add(-48 * time.Hour)}
	db.BeginScan(ctx, sc)
	for _, u := range []string{"https://a.example/", "https://b.example/"} {
		if _, _, err := db.RecordSite(ctx, sc.ID, store.SiteResult{URL: u, Tags: []string{"t"}, Started: sc.Started, Ended: sc.Started}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateGroup(ctx, store.Group{Name: "g", Tags: []string{"t"}, Created: start}); err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if err := db.PutSchedule(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

// A schedule due long ago (the server was down for days) runs once at
// start-up, and then at its next time counted from now.
func TestMissedRunsRunOnce(t *testing.T) {
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "v.db")
	db := openDB(t, path)
	setUp(t, db, start,
		store.Schedule{Name: "hourly", Kind: store.ScheduleScan, Group: "g", Every: time.Hour, Created: start, NextRun: start.Add(-72 * time.Hour)},
		store.Schedule{Name: "nightly", Kind: store.ScheduleScan, Group: "g", Cron: "0 3 * * *", Created: start, NextRun: start.Add(-72 * time.Hour)},
		store.Schedule{Name: "verify", Kind: store.ScheduleVerify, Every: 24 * time.Hour, Created: start, NextRun: start.Add(time.Hour)},
	)
	db.Close()

	// A restart: a new scheduler on the same file.
	db = openDB(t, path)
	clk := &clock{t: start}
	r := &countingRunner{}
	s, err := New(Options{Store: db, Runner: r, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := s.Tick(t.Context()); err != nil {
			t.Fatal(err)
		}
		s.Wait()
	}
	if r.scans["hourly"] != 1 || r.scans["nightly"] != 1 || r.verifies != 0 {
		t.Fatalf("after start-up: scans %v, verifications %d; want one run of each overdue schedule", r.scans, r.verifies)
	}
	all, _ := db.Schedules(t.Context())
	want := map[string]time.Time{"hourly": start.Add(time.Hour), "nightly": time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC), "verify": start.Add(time.Hour)}
	for _, sc := range all {
		if !sc.NextRun.Equal(want[sc.Name]) {
			t.Errorf("%s: next run %s, want %s", sc.Name, sc.NextRun, want[sc.Name])
		}
		if sc.Kind == store.ScheduleScan && !sc.LastRun.Equal(start) {
			t.Errorf("%s: last run %s, want %s", sc.Name, sc.LastRun, start)
		}
	}
	clk.add(61 * time.Minute)
	s.Tick(t.Context())
	s.Wait()
	if r.scans["hourly"] != 2 || r.scans["nightly"] != 1 || r.verifies != 1 {
		t.Errorf("an hour later: scans %v, verifications %d", r.scans, r.verifies)
	}
}

// At most MaxScans runs at once; the others wait for a slot.
func TestMaxScans(t *testing.T) {
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	db := openDB(t, filepath.Join(t.TempDir(), "v.db"))
	var ss []store.Schedule
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		ss = append(ss, store.Schedule{Name: n, Kind: store.ScheduleScan, Group: "g", Every: time.Hour, Created: start, NextRun: start})
	}
	setUp(t, db, start, ss...)
	r := &countingRunner{hold: make(chan struct{})}
	s, _ := New(Options{Store: db, Runner: r, MaxScans: 2, Now: func() time.Time { return start }})
	if err := s.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := r.running.Load(); n != 2 {
		t.Errorf("%d scans running, want 2", n)
	}
	close(r.hold)
	s.Wait()
	if r.peak.Load() != 2 || len(r.scans) != 5 {
		t.Errorf("peak %d, runs %v; want 2 at once and all five", r.peak.Load(), r.scans)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		s  store.Schedule
		ok bool
	}{
		{store.Schedule{Every: time.Hour}, true},
		{store.Schedule{Cron: "30 2 * * 1"}, true},
		{store.Schedule{Cron: "@weekly"}, true},
		{store.Schedule{Every: time.Second}, false},
		{store.Schedule{Cron: "61 * * * *"}, false},
		{store.Schedule{Cron: "* * * * * *"}, false},
		{store.Schedule{}, false},
		{store.Schedule{Every: time.Hour, Cron: "@daily"}, false},
	} {
		if err := Validate(c.s); (err == nil) != c.ok {
			t.Errorf("Validate(%+v) = %v", c.s, err)
		}
	}
}
