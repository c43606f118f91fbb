package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"vigie/scan"
	"vigie/store/postgres/pgtest"
)

// TestReportEqualsScan: `vigie report` writes a stored scan byte for byte
// as `vigie scan` wrote it, in every format, also for an older scan after
// a newer one changed its findings' history, on SQLite and PostgreSQL.
func TestReportEqualsScan(t *testing.T) {
	f := startFarm(t)
	dir := t.TempDir()
	var csv bytes.Buffer
	if err := f.WriteTargetsCSV(&csv); err != nil {
		t.Fatal(err)
	}
	targets := filepath.Join(dir, "targets.csv")
	os.WriteFile(targets, csv.Bytes(), 0o644)
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "vigie.db")
			formats := []struct{ format, lang string }{{"jsonl", ""}, {"csv", ""}, {"sarif", "fr"}, {"html", "fr"}}
			if db == "postgres" {
				dsn = pgtest.URL(t)
				formats = formats[:1] // the store is what differs
			}
			type run struct{ id, format, lang, out string }
			var runs []run
			for i, ft := range formats {
				o := farmScan(f, dsn, TargetSources{CSVFiles: []string{targets}})
				o.Format, o.Lang = ft.format, ft.lang
				o.Output = filepath.Join(t.TempDir(), "scan."+ft.format)
				var id string
				o.onSummary = func(s *scan.Summary) { id = s.Scan.ID }
				if i == 0 {
					o.Concurrency = 1 // and concurrent for the others
				}
				if _, err := Scan(t.Context(), o); err != nil {
					t.Fatal(err)
				}
				runs = append(runs, run{id, ft.format, ft.lang, o.Output})
			}
			// The first scan is rendered again after the later ones moved
			// its findings' last sightings on.
			for _, r := range runs {
				want, err := os.ReadFile(r.out)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) < 1000 {
					t.Fatalf("%s: scan wrote only %d bytes", r.format, len(want))
				}
				got := filepath.Join(t.TempDir(), "report."+r.format)
				if err := Report(t.Context(), ReportOptions{DB: dsn, Scan: r.id, Format: r.format, Lang: r.lang, Output: got}); err != nil {
					t.Fatal(err)
				}
				g, _ := os.ReadFile(got)
				if !bytes.Equal(g, want) {
					t.Errorf("%s: report of scan %s differs from what the scan wrote:\n%s", r.format, r.id, firstDiff(want, g))
				}
			}
			// Without an ID: the latest scan.
			var out bytes.Buffer
			last := runs[len(runs)-1]
			if err := Report(t.Context(), ReportOptions{DB: dsn, Format: last.format, Lang: last.lang, Stdout: &out}); err != nil {
				t.Fatal(err)
			}
			if want, _ := os.ReadFile(last.out); !bytes.Equal(out.Bytes(), want) {
				t.Errorf("report of the latest scan differs:\n%s", firstDiff(want, out.Bytes()))
			}
			if err := Report(t.Context(), ReportOptions{DB: dsn, Scan: "nope", Format: "jsonl", Stdout: &out}); err == nil {
				t.Error("unknown scan accepted")
			}
		})
	}
}

// firstDiff shows where two outputs part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-200, 0)
	return "scan:   ..." + string(a[from:min(i+200, len(a))]) + "\nreport: ..." + string(b[from:min(i+200, len(b))])
}
