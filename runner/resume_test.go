package runner

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/store/sqlite"
)

// An interrupted scan resumed with --resume: the sites it recorded are not
// audited again, the others are, into the same scan, and the scan ends
// with every site once and the findings of an uninterrupted scan.
func TestScanResume(t *testing.T) {
	const sites = 40
	f, err := farm.Start(farm.Options{Sites: sites})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	csv := farmTargetsFile(t, f, dir)
	targets := TargetSources{CSVFiles: []string{csv}}
	ctx := t.Context()

	whole := filepath.Join(dir, "whole.db")
	if _, err := Scan(ctx, farmScan(f, whole, targets)); err != nil {
		t.Fatal(err)
	}
	ref, err := sqlite.Open(ctx, whole)
	if err != nil {
		t.Fatal(err)
	}
	want := findingIDs(t, ref, "")
	ref.Close()

	// Interrupted once a quarter of the sites are recorded.
	db := filepath.Join(dir, "resumed.db")
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cut, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		for cut.Err() == nil {
			time.Sleep(10 * time.Millisecond)
			scans, err := st.Scans(ctx, 1)
			if err != nil || len(scans) == 0 {
				continue
			}
			if n, _, _, err := st.ScanProgress(ctx, scans[0].ID); err == nil && n >= sites/4 {
				return
			}
		}
	}()
	o := farmScan(f, db, targets)
	o.Concurrency = 2
	if code, err := Scan(cut, o); err == nil || code != ExitError {
		t.Fatalf("interrupted scan = %d, %v; want an error", code, err)
	}
	scans, err := st.Scans(ctx, 0)
	if err != nil || len(scans) != 1 {
		t.Fatalf("Scans = %v, %v", scans, err)
	}
	id := scans[0].ID
	before, err := st.Sites(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) < sites/4 || len(before) >= sites {
		t.Fatalf("interrupted scan recorded %d sites", len(before))
	}
	started := map[string]time.Time{}
	for _, s := range before {
		started[s.URL] = s.Started
	}

	o = farmScan(f, db, targets)
	o.Resume = id
	var stderr bytes.Buffer
	o.Stderr = &stderr
	if code, err := Scan(ctx, o); err != nil || code == ExitError {
		t.Fatalf("resumed scan = %d, %v\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "resuming: ") {
		t.Errorf("stderr: %s", stderr.String())
	}
	scans, err = st.Scans(ctx, 0)
	if err != nil || len(scans) != 1 || scans[0].ID != id || scans[0].Ended.IsZero() {
		t.Fatalf("after resuming: scans %+v, %v; want scan %s, ended", scans, err, id)
	}
	after, err := st.Sites(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, s := range after {
		count[s.URL]++
		if t0, ok := started[s.URL]; ok && !s.Started.Equal(t0) {
			t.Errorf("%s audited again on resuming", s.URL)
		}
	}
	if len(after) != sites || len(count) != sites {
		t.Errorf("%d sites recorded (%d distinct), want %d", len(after), len(count), sites)
	}
	if got := findingIDs(t, st, id); !slices.Equal(got, want) {
		t.Errorf("resumed scan: %d findings, uninterrupted scan %d", len(got), len(want))
	}
	// Resuming a scan that is not there is an error.
	o.Resume = "20000101T000000Z-none"
	if code, err := Scan(ctx, o); err == nil || code != ExitError {
		t.Errorf("resuming an unknown scan = %d, %v", code, err)
	}
}
