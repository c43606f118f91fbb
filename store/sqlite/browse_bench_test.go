package sqlite

import (
	"fmt"
	"testing"
	"time"

	"vigie/finding"
	"vigie/store"
)

// BenchmarkBrowse pages through a history of 10,000 sites of 5 findings
// each (a second scan re-audits 2,000 of them and fixes one finding of
// each), 50 findings or sites a page, as the dashboard does, and sums up
// the scans, running (counted live) then ended (totals kept by EndScan).
// Each query's time includes its count of the whole selection.
func BenchmarkBrowse(b *testing.B) {
	const sites, reaudited = 10000, 2000
	db := benchDB(b, "scan1", "scan2")
	start := time.Now()
	for i := range sites {
		s := benchSite(i)
		s.Organisation = fmt.Sprintf("Organisation %d", i%50)
		s.Tags = []string{"prefecture", fmt.Sprintf("dept:%d", i%100)}
		fs := benchFindings(s.URL, 0, 5)
		fs[1].Check, fs[1].Severity = "tls.protocol-legacy", finding.Medium
		if _, _, err := db.RecordSite(b.Context(), "scan1", s, fs); err != nil {
			b.Fatal(err)
		}
		if i < reaudited {
			if _, _, err := db.RecordSite(b.Context(), "scan2", s, fs[1:]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("recorded %d sites in %v", sites, time.Since(start))

	for _, tc := range []struct {
		name  string
		q     store.Query
		total int
	}{
		{"all, deep page", store.Query{Filter: store.Filter{Limit: 50}, Offset: 25000}, sites * 5},
		{"tag, open, high", store.Query{Tag: "dept:13", State: store.StateOpen,
			Filter: store.Filter{MinSeverity: finding.High, Limit: 50}, Offset: 50}, 100*4 - 20},
		{"organisation, fixed", store.Query{Filter: store.Filter{Organisation: "Organisation 7", Limit: 50},
			State: store.StateFixed}, reaudited / 50},
		{"check, since", store.Query{Filter: store.Filter{Check: "tls.protocol-legacy", Limit: 50},
			Since: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}, reaudited},
		{"text", store.Query{Text: "SITE-000123", Filter: store.Filter{Limit: 50}}, 10 * 5},
		{"scan", store.Query{Filter: store.Filter{Scan: "scan2", Open: true, Limit: 50}, Offset: 1000}, reaudited * 4},
	} {
		b.Run("query/"+tc.name, func(b *testing.B) {
			for b.Loop() {
				fs, n, err := db.Query(b.Context(), tc.q)
				if err != nil {
					b.Fatal(err)
				}
				if n != tc.total || len(fs) != min(50, n-tc.q.Offset) {
					b.Fatalf("%d findings of %d, want %d in all", len(fs), n, tc.total)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
		})
	}
	for _, tc := range []struct {
		name  string
		q     store.SiteQuery
		total int
	}{
		{"all, deep page", store.SiteQuery{Limit: 50, Offset: 5000}, sites},
		{"tag, failing", store.SiteQuery{Tag: "dept:13", Failing: true, Limit: 50}, 100},
	} {
		b.Run("sites/"+tc.name, func(b *testing.B) {
			for b.Loop() {
				ss, n, err := db.SiteSummaries(b.Context(), tc.q)
				if err != nil {
					b.Fatal(err)
				}
				if n != tc.total || len(ss) != 50 {
					b.Fatalf("%d sites of %d, want 50 of %d", len(ss), n, tc.total)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
		})
	}
	b.Run("scans", func(b *testing.B) {
		for b.Loop() {
			ss, err := db.ScanSummaries(b.Context(), 10)
			if err != nil || len(ss) != 2 || ss[0].Fixed != reaudited {
				b.Fatalf("ScanSummaries = %+v, %v", ss, err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
	})
	// Once ended, the scans' summaries are the totals EndScan kept.
	for _, id := range []string{"scan1", "scan2"} {
		start := time.Now()
		if err := db.EndScan(b.Context(), id, time.Now()); err != nil {
			b.Fatal(err)
		}
		b.Logf("ended %s, counting it, in %v", id, time.Since(start))
	}
	b.Run("scans, ended", func(b *testing.B) {
		for b.Loop() {
			ss, err := db.ScanSummaries(b.Context(), 10)
			if err != nil || len(ss) != 2 || ss[0].Fixed != reaudited || ss[1].Seen["high"] != sites*4 {
				b.Fatalf("ScanSummaries = %+v, %v", ss, err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
	})
	b.Run("history", func(b *testing.B) {
		url := benchSite(7).URL
		for b.Loop() {
			h, err := db.SiteHistory(b.Context(), url)
			if err != nil || len(h) != 2 || h[0].Fixed != 1 {
				b.Fatalf("SiteHistory = %+v, %v", h, err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/op")
	})
}
