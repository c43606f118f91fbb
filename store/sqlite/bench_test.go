package sqlite

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"vigie/finding"
	"vigie/store"
)

// benchFindings returns n findings of a site, the k-th at location "/k".
func benchFindings(url string, from, n int) []finding.Finding {
	var fs []finding.Finding
	for k := from; k < from+n; k++ {
		loc := fmt.Sprintf("/page-%d#form=0", k)
		fs = append(fs, finding.Finding{
			ID: finding.MakeID("form.http-page", url, loc), Check: "form.http-page",
			Severity: finding.High, Confidence: finding.Firm, Site: url, URL: url + loc[1:],
			Title: "Personal data form served over HTTP", Location: loc,
			Detail: map[string]any{"form_action": url + "send", "method": "post",
				"fields": []any{map[string]any{"name": "nom", "category": "identity"}}},
			Legal:    []string{"GDPR art. 5(1)(f)", "GDPR art. 32"},
			Evidence: []string{"warc:bench.warc.gz#sha256:0f3c"},
		})
	}
	return fs
}

func benchSite(i int) store.SiteResult {
	now := time.Now()
	return store.SiteResult{
		URL: fmt.Sprintf("https://site-%07d.example.fr/", i), Organisation: "Préfecture",
		Tags: []string{"prefecture"}, Pages: 20, Forms: 3, PersonalForms: 2,
		Started: now, Ended: now,
	}
}

func benchDB(b *testing.B, scans ...string) *DB {
	b.Helper()
	db, err := Open(b.Context(), filepath.Join(b.TempDir(), "vigie.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for i, id := range scans {
		s := &store.Scan{ID: id, Started: time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC)}
		if err := db.BeginScan(b.Context(), s); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

func reportSites(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sites/s")
}

// BenchmarkRecordSite records sites of 5 findings into an on-disk database:
// first audits (all findings new), re-audits against a previous scan (one
// finding fixed, one new, three seen again), and first audits from 8
// goroutines, as the scanner's workers do.
func BenchmarkRecordSite(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		db := benchDB(b, "scan1")
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := benchSite(i)
			if _, _, err := db.RecordSite(b.Context(), "scan1", s, benchFindings(s.URL, 0, 5)); err != nil {
				b.Fatal(err)
			}
		}
		reportSites(b)
	})
	b.Run("rescan", func(b *testing.B) {
		db := benchDB(b, "scan1", "scan2")
		for i := 0; i < b.N; i++ {
			s := benchSite(i)
			if _, _, err := db.RecordSite(b.Context(), "scan1", s, benchFindings(s.URL, 0, 5)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := benchSite(i)
			_, changes, err := db.RecordSite(b.Context(), "scan2", s, benchFindings(s.URL, 1, 5))
			if err != nil {
				b.Fatal(err)
			}
			if len(changes) != 2 {
				b.Fatalf("%d changes, want 2", len(changes))
			}
		}
		reportSites(b)
	})
	b.Run("parallel", func(b *testing.B) {
		db := benchDB(b, "scan1")
		var next atomic.Int64
		b.ReportAllocs()
		b.SetParallelism(1) // GOMAXPROCS goroutines
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s := benchSite(int(next.Add(1)))
				if _, _, err := db.RecordSite(b.Context(), "scan1", s, benchFindings(s.URL, 0, 5)); err != nil {
					b.Error(err)
					return
				}
			}
		})
		reportSites(b)
	})
}

// BenchmarkRecordSites records the same first audits as
// BenchmarkRecordSite/new, 32 sites per transaction as vigie scan does
// (scan.DefaultBatchSites), and reports the database's size per 1,000
// sites.
func BenchmarkRecordSites(b *testing.B) {
	const batch = 32
	db := benchDB(b, "scan1")
	b.ReportAllocs()
	b.ResetTimer()
	recs := make([]store.SiteRecord, 0, batch)
	flush := func() {
		if _, err := db.RecordSites(b.Context(), "scan1", recs); err != nil {
			b.Fatal(err)
		}
		recs = recs[:0]
	}
	for i := 0; i < b.N; i++ {
		s := benchSite(i)
		recs = append(recs, store.SiteRecord{Site: s, Findings: benchFindings(s.URL, 0, 5)})
		if len(recs) == batch {
			flush()
		}
	}
	if len(recs) > 0 {
		flush()
	}
	reportSites(b)
	b.StopTimer()
	if _, err := db.w.ExecContext(b.Context(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	var pages, size int64
	if err := db.w.QueryRowContext(b.Context(), `PRAGMA page_count`).Scan(&pages); err != nil {
		b.Fatal(err)
	}
	if err := db.w.QueryRowContext(b.Context(), `PRAGMA page_size`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(pages*size)/(1<<20)/float64(b.N)*1000, "MB/1000sites")
}
