package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/queue/natstest"
	"vigie/store/postgres/pgtest"
	"vigie/store/sqlite"
)

// TestFleetRestarts restarts PostgreSQL (a fast shutdown, as pg_ctl
// restart -m fast does) or Debian's nats-server in the middle of a queued
// scan of farm sites audited by two workers: the coordinator (--wait) and
// the workers ride through, every site is recorded once, and the findings
// are those of a local scan of the same sites.
func TestFleetRestarts(t *testing.T) {
	const sites = 120
	f, err := farm.Start(farm.Options{Sites: sites})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	csv := farmTargetsFile(t, f, dir)
	targets := TargetSources{CSVFiles: []string{csv}}
	ctx := t.Context()

	// The reference: a local scan, timed.
	localDB := filepath.Join(dir, "local.db")
	lo := farmScan(f, localDB, targets)
	lo.Concurrency = 16
	began := time.Now()
	if _, err := Scan(ctx, lo); err != nil {
		t.Fatal(err)
	}
	localTime := time.Since(began)
	local, err := sqlite.Open(ctx, localDB)
	if err != nil {
		t.Fatal(err)
	}
	want := findingIDs(t, local, "")
	local.Close()
	if len(want) == 0 {
		t.Fatal("local scan: no findings")
	}

	for _, restart := range []string{"postgres", "nats"} {
		t.Run(restart, func(t *testing.T) {
			nats := natstest.StartBinaryWith(t, "")
			dbURL := pgtest.URL(t)
			var workers []*Worker
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 2)
			for range 2 {
				w, err := NewWorker(ctx, WorkerOptions{
					// The default timings (ack wait, backoff) the bench measures.
					Queue: nats.URL, DB: dbURL, Concurrency: 8,
					Grace: 5 * time.Second, AllowPrivate: true, AllowJobNetwork: true,
				})
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				workers = append(workers, w)
				go func() { done <- w.Run(runCtx) }()
			}
			o := farmScan(f, dbURL, targets)
			o.Queue, o.Wait, o.pollEvery = nats.URL, true, 100*time.Millisecond
			o.GiveUp = 30 * time.Second
			o.Format, o.Output = "jsonl", filepath.Join(t.TempDir(), "fleet.jsonl")
			var progress bytes.Buffer
			o.Stderr = &progress
			began := time.Now()
			coord := startCoordinator(ctx, o)

			// Restart once a third of the sites are recorded.
			for deadline := time.Now().Add(30 * time.Second); workers[0].done.Load()+workers[1].done.Load() < sites/3; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("workers did %d jobs", workers[0].done.Load()+workers[1].done.Load())
				}
			}
			switch restart {
			case "postgres":
				pgtest.Restart(t, 500*time.Millisecond)
			case "nats":
				nats.Stop()
				time.Sleep(500 * time.Millisecond)
				nats.Start()
			}
			t.Logf("%s restarted after %.1fs", restart, time.Since(began).Seconds())

			var res scanResult
			select {
			case res = <-coord:
			case <-time.After(90 * time.Second):
				t.Fatalf("scan did not complete; progress:\n%s", progress.String())
			}
			fleetTime := time.Since(began)
			stop()
			for range 2 {
				<-done
			}
			if res.err != nil || (res.code != ExitOK && res.code != ExitFindings) {
				t.Fatalf("Scan = %d, %v; progress:\n%s", res.code, res.err, progress.String())
			}
			st := openTestStore(t, dbURL)
			scans, err := st.Scans(ctx, 0)
			if err != nil || len(scans) != 1 || scans[0].Ended.IsZero() {
				t.Fatalf("Scans = %+v, %v; want one ended scan", scans, err)
			}
			recorded, err := st.Sites(ctx, scans[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for _, s := range recorded {
				count[s.URL]++
				if !s.OK() {
					t.Errorf("site %s failed: %s", s.URL, s.Error)
				}
			}
			if len(recorded) != sites || len(count) != sites {
				t.Errorf("recorded %d sites (%d distinct), want %d", len(recorded), len(count), sites)
			}
			if got := findingIDs(t, st, scans[0].ID); !slices.Equal(got, want) {
				t.Errorf("fleet findings (%d) differ from the local scan's (%d)", len(got), len(want))
			}
			checkJSONL(t, o.Output, sites, want)
			if restart == "postgres" && !strings.Contains(progress.String(), "retrying") {
				t.Logf("the coordinator met no failure during the restart; progress:\n%s", progress.String())
			}
			t.Logf("local scan %.1fs, fleet scan with a %s restart %.1fs (%.2f×)", localTime.Seconds(), restart,
				fleetTime.Seconds(), fleetTime.Seconds()/localTime.Seconds())
		})
	}
}

// checkJSONL checks a scan's JSONL output: one site line (site or
// site-error) per site, sites in all, and the findings with IDs want, each
// once.
func checkJSONL(t *testing.T, path string, sites int, want []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	perSite := map[string]int{}
	var ids []string
	for l := range bytes.Lines(b) {
		var r struct {
			Record, Site, ID, Check string
		}
		if err := json.Unmarshal(l, &r); err != nil {
			t.Fatalf("%s: %v in %q", path, err, l)
		}
		switch {
		case r.Record != "":
			perSite[r.Site]++
		case r.Check != "":
			ids = append(ids, r.ID)
		}
	}
	for s, n := range perSite {
		if n != 1 {
			t.Errorf("JSONL: site %s has %d site lines", s, n)
		}
	}
	if len(perSite) != sites {
		t.Errorf("JSONL: %d sites, want %d", len(perSite), sites)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, want) {
		t.Errorf("JSONL: %d findings differ from the local scan's %d", len(ids), len(want))
	}
}
