package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"vigie/store"
)

// TestScanCountsKept checks what storetest cannot see from outside: the
// totals EndScan keeps in scan_counts are what ScanSummaries reports for an
// ended scan, and records or reopening drop them.
func TestScanCountsKept(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	started := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	if err := db.BeginScan(ctx, &store.Scan{ID: "scan1", Started: started}); err != nil {
		t.Fatal(err)
	}
	s := benchSite(1)
	record := func(n int) {
		t.Helper()
		if _, _, err := db.RecordSite(ctx, "scan1", s, benchFindings(s.URL, 0, n)); err != nil {
			t.Fatal(err)
		}
	}
	kept := func() (sites int, seen string, ok bool) {
		t.Helper()
		err := db.r.QueryRowContext(ctx, `SELECT sites, seen FROM scan_counts WHERE scan_id = 'scan1'`).Scan(&sites, &seen)
		return sites, seen, err == nil
	}
	summary := func() store.ScanSummary {
		t.Helper()
		ss, err := db.ScanSummaries(ctx, 0)
		if err != nil || len(ss) != 1 {
			t.Fatalf("ScanSummaries = %+v, %v", ss, err)
		}
		return ss[0]
	}
	end := func(at time.Time) {
		t.Helper()
		if err := db.EndScan(ctx, "scan1", at); err != nil {
			t.Fatal(err)
		}
	}

	record(2)
	if _, _, ok := kept(); ok {
		t.Error("a running scan has kept totals")
	}
	end(started.Add(time.Hour))
	if sites, seen, ok := kept(); !ok || sites != 1 || seen != `{"high":2}` {
		t.Fatalf("kept totals after EndScan: %d sites, seen %s (%v); want 1 site, {\"high\":2}", sites, seen, ok)
	}
	// The summary is read from the kept totals, not counted again.
	if _, err := db.w.ExecContext(ctx, `UPDATE scan_counts SET sites = 99, seen = '{"low":7}', changes_fixed = 5`); err != nil {
		t.Fatal(err)
	}
	if got := summary(); got.Sites != 99 || got.Seen["low"] != 7 || got.Fixed != 5 || got.New != 2 {
		t.Errorf("summary of an ended scan = %+v, want the kept totals", got)
	}
	// A late record drops them: the scan is counted live again.
	record(3)
	if _, _, ok := kept(); ok {
		t.Error("totals still kept after a record of the ended scan")
	}
	if got := summary(); got.Sites != 1 || got.Seen["high"] != 3 || got.New != 3 || got.Ended.IsZero() {
		t.Errorf("summary after a late record = %+v, want 1 site, 3 high, 3 new, ended", got)
	}
	end(started.Add(2 * time.Hour))
	if sites, seen, ok := kept(); !ok || sites != 1 || seen != `{"high":3}` {
		t.Errorf("kept totals after ending again: %d sites, seen %s (%v)", sites, seen, ok)
	}
	// A zero end reopens the scan and drops them too.
	end(time.Time{})
	if _, _, ok := kept(); ok {
		t.Error("totals still kept for a reopened scan")
	}
	if got := summary(); !got.Ended.IsZero() || got.Seen["high"] != 3 {
		t.Errorf("summary of the reopened scan = %+v", got)
	}
}
