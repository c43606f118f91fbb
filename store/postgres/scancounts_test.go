package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vigie/finding"
	"vigie/store"
	"vigie/store/postgres/pgtest"
)

func countsFindings(site string, n int) []finding.Finding {
	var fs []finding.Finding
	for k := range n {
		loc := fmt.Sprintf("/page-%d#form=0", k)
		fs = append(fs, finding.Finding{
			ID: finding.MakeID("form.http-page", site, loc), Check: "form.http-page",
			Severity: finding.High, Site: site, URL: site + loc[1:], Location: loc,
		})
	}
	return fs
}

// waiting waits until a backend is blocked on a lock while running a
// statement containing text, or until done is closed; it fails the test
// when neither happens within a minute.
func waiting(t *testing.T, db *DB, text string, done <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		var n int
		err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND datname = current_database() AND strpos(query, $1) > 0`, text).Scan(&n)
		if err != nil {
			t.Fatalf("waiting for %q: %v", text, err)
		}
		if n > 0 {
			return
		}
		select {
		case <-done:
			return
		case <-ctx.Done():
			t.Fatalf("no backend waits while running %q", text)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestScanCountsRace forces the interleaving in which EndScan has counted a
// scan and not yet committed its totals while a record of the same scan
// commits: the record must wait for EndScan and drop its totals, or else
// they would miss the record for good. A transaction of the test's own
// holds EndScan between its counting and its insert of the totals.
func TestScanCountsRace(t *testing.T) {
	ctx := t.Context()
	db := open(t, pgtest.URL(t))
	defer db.Close()
	started := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	if err := db.BeginScan(ctx, &store.Scan{ID: "scan1", Started: started}); err != nil {
		t.Fatal(err)
	}
	site := func(host string) store.SiteResult {
		return store.SiteResult{URL: "https://" + host + "/", Started: started, Ended: started}
	}
	a, b := site("a.example.fr"), site("b.example.fr")
	if _, _, err := db.RecordSite(ctx, "scan1", a, countsFindings(a.URL, 2)); err != nil {
		t.Fatal(err)
	}

	hold, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback()
	if _, err := hold.ExecContext(ctx, `INSERT INTO scan_counts (scan_id, sites, failed, seen,
	changes_new, changes_fixed, changes_regressed) VALUES ('scan1', 0, 0, '{}', 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	ended, recorded := make(chan error, 1), make(chan error, 1)
	go func() { ended <- db.EndScan(ctx, "scan1", started.Add(time.Hour)) }()
	waiting(t, db, "INSERT INTO scan_counts", nil)
	done := make(chan struct{})
	go func() {
		_, _, err := db.RecordSite(ctx, "scan1", b, countsFindings(b.URL, 3))
		recorded <- err
		close(done)
	}()
	waiting(t, db, "FOR SHARE", done)
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
	if err := <-recorded; err != nil {
		t.Fatal(err)
	}

	ss, err := db.ScanSummaries(ctx, 0)
	if err != nil || len(ss) != 1 {
		t.Fatalf("ScanSummaries = %+v, %v", ss, err)
	}
	if got := ss[0]; got.Sites != 2 || got.Seen["high"] != 5 || got.New != 5 || got.Ended.IsZero() {
		t.Errorf("summary = %+v, want 2 sites, 5 high, 5 new, ended", got)
	}
}
