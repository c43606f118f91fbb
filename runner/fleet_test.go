package runner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/queue/natstest"
	"vigie/store"
	"vigie/store/postgres/pgtest"
	"vigie/store/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestFleet queues 30 farm sites for two workers, kills one of them
// mid-way without acknowledging its jobs, and checks that every site is
// recorded once, no finding is duplicated, and the findings are those of a
// local scan of the same sites.
func TestFleet(t *testing.T) { testFleet(t, natstest.Start(t)) }

// TestFleetDebianNATS is TestFleet against Debian's nats-server binary.
func TestFleetDebianNATS(t *testing.T) { testFleet(t, natstest.StartBinary(t)) }

func testFleet(t *testing.T, natsURL string) {
	f, err := farm.Start(farm.Options{Sites: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	csv := farmTargetsFile(t, f, dir)
	ctx := t.Context()

	// The reference: a local scan.
	localDB := filepath.Join(dir, "local.db")
	if _, err := Scan(ctx, farmScan(f, localDB, TargetSources{CSVFiles: []string{csv}})); err != nil {
		t.Fatal(err)
	}
	local, err := sqlite.Open(ctx, localDB)
	if err != nil {
		t.Fatal(err)
	}
	want := findingIDs(t, local, "")
	wantSites, _ := local.Scans(ctx, 1)
	local.Close()
	if len(want) == 0 || len(wantSites) != 1 {
		t.Fatalf("local scan: %d findings, %d scans", len(want), len(wantSites))
	}

	dbURL := pgtest.URL(t)
	newWorker := func(abandon bool) *Worker {
		w, err := NewWorker(ctx, WorkerOptions{
			Queue: natsURL, DB: dbURL, Concurrency: 3, Listen: "127.0.0.1:0",
			AckWait: 2 * time.Second, Grace: 5 * time.Second, abandon: abandon,
			AllowPrivate: true, AllowJobNetwork: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		return w
	}
	victim, survivor := newWorker(true), newWorker(false)
	victimCtx, kill := context.WithCancel(ctx)
	survivorCtx, stop := context.WithCancel(ctx)
	victimDone, survivorDone := make(chan error, 1), make(chan error, 1)
	go func() { victimDone <- victim.Run(victimCtx) }()

	o := farmScan(f, dbURL, TargetSources{CSVFiles: []string{csv}})
	o.Queue, o.Wait, o.pollEvery = natsURL, true, 100*time.Millisecond
	o.Format, o.Output = "jsonl", filepath.Join(dir, "fleet.jsonl")
	var progress bytes.Buffer
	o.Stderr = &progress
	coord := startCoordinator(ctx, o)

	// Kill the victim once it has recorded a few sites and holds others.
	deadline := time.Now().Add(30 * time.Second)
	for victim.done.Load() < 3 || victim.inFlight.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("victim did %d jobs, %d in flight", victim.done.Load(), victim.inFlight.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	held := victim.inFlight.Load()
	kill()
	if err := <-victimDone; err != nil {
		t.Fatal(err)
	}
	go func() { survivorDone <- survivor.Run(survivorCtx) }()

	var res scanResult
	select {
	case res = <-coord:
	case <-time.After(60 * time.Second):
		t.Fatalf("scan did not complete; progress:\n%s", progress.String())
	}
	if res.err != nil || (res.code != ExitOK && res.code != ExitFindings) {
		t.Fatalf("Scan = %d, %v; progress:\n%s", res.code, res.err, progress.String())
	}
	// The victim may have committed a site and died before acking it: the
	// scan is then complete before the ack deadline hands that job to the
	// survivor, so wait for the redelivery rather than race it.
	for end := time.Now().Add(15 * time.Second); (survivor.redelivered.Load() == 0 || survivor.inFlight.Load() > 0) && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
	}
	metrics := get(t, "http://"+survivor.addr+"/metrics")
	if h := get(t, "http://"+survivor.addr+"/healthz"); strings.TrimSpace(h) != "ok" {
		t.Errorf("/healthz = %q", h)
	}
	stop()
	if err := <-survivorDone; err != nil {
		t.Fatal(err)
	}
	t.Logf("victim: %d done, killed holding %d; survivor: %d done, %d redelivered",
		victim.done.Load(), held, survivor.done.Load(), survivor.redelivered.Load())
	if survivor.redelivered.Load() == 0 {
		t.Errorf("no job was redelivered after the victim died holding %d", held)
	}
	for _, m := range []string{"vigie_worker_jobs_done_total", "vigie_worker_jobs_redelivered_total", "vigie_queue_depth 0", "vigie_worker_sites_per_second"} {
		if !strings.Contains(metrics, m) {
			t.Errorf("/metrics lacks %q:\n%s", m, metrics)
		}
	}

	st := openTestStore(t, dbURL)
	scans, err := st.Scans(ctx, 0)
	if err != nil || len(scans) != 1 || scans[0].Ended.IsZero() {
		t.Fatalf("Scans = %+v, %v; want one ended scan", scans, err)
	}
	sites, err := st.Sites(ctx, scans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, s := range sites {
		urls = append(urls, s.URL)
	}
	if len(urls) != 30 || len(slices.Compact(slices.Clone(urls))) != 30 {
		t.Errorf("recorded %d sites (%d distinct), want 30", len(urls), len(slices.Compact(slices.Clone(urls))))
	}
	got := findingIDs(t, st, scans[0].ID)
	if !slices.Equal(got, want) {
		t.Errorf("fleet findings differ from the local scan's:\nfleet %d: %v\nlocal %d: %v", len(got), got, len(want), want)
	}
	d, err := st.Diff(ctx, scans[0].ID)
	if err != nil || len(d.New) != len(want) {
		t.Errorf("Diff: %d new, %v; want %d", len(d.New), err, len(want))
	}
	out, err := os.ReadFile(o.Output)
	if err != nil || bytes.Count(out, []byte(`"check":`)) != len(want) {
		t.Errorf("JSONL output has %d findings, %v; want %d", bytes.Count(out, []byte(`"check":`)), err, len(want))
	}
	// vigie report renders the fleet scan as --wait wrote it, redelivered
	// site included.
	var again bytes.Buffer
	if err := Report(ctx, ReportOptions{DB: dbURL, Scan: scans[0].ID, Format: "jsonl", Stdout: &again}); err != nil || !bytes.Equal(again.Bytes(), out) {
		t.Errorf("vigie report of the fleet scan differs from its --wait output (%v):\n%s", err, firstDiff(out, again.Bytes()))
	}
}

// findingIDs returns the sorted IDs of the findings of a scan (all when
// scan is ""), failing on a duplicate.
func findingIDs(t *testing.T, st store.Store, scan string) []string {
	t.Helper()
	fs, err := st.Findings(t.Context(), store.Filter{Scan: scan})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	if n := len(slices.Compact(slices.Clone(ids))); n != len(ids) {
		t.Errorf("%d findings, %d distinct", len(ids), n)
	}
	return ids
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return string(b)
}

// scanResult is what Scan returned.
type scanResult struct {
	code int
	err  error
}

// startCoordinator runs Scan (a --queue --wait coordinator) in the
// background and delivers its result.
func startCoordinator(ctx context.Context, o ScanOptions) <-chan scanResult {
	coord := make(chan scanResult, 1)
	go func() {
		code, err := Scan(ctx, o)
		coord <- scanResult{code, err}
	}()
	return coord
}

// farmTargetsFile writes the farm's sites as a targets CSV in dir and
// returns its path.
func farmTargetsFile(t *testing.T, f *farm.Farm, dir string) string {
	t.Helper()
	var b bytes.Buffer
	if err := f.WriteTargetsCSV(&b); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "sites.csv")
	if err := os.WriteFile(csv, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return csv
}
