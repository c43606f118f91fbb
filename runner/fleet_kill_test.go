package runner

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"vigie/farm"
	"vigie/queue/natstest"
	"vigie/store/postgres/pgtest"
	"vigie/store/sqlite"
)

// TestFleetKillWorkerProcess is the fleet's acceptance test: three `vigie
// worker` processes audit 2,000 farm sites queued by the coordinator; one
// of them is killed with SIGKILL mid-run. The scan must complete with every
// site recorded exactly once, no finding duplicated, and the finding IDs of
// a local scan of the same farm.
func TestFleetKillWorkerProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 sites and three worker processes: not in -short")
	}
	const sites = 2000
	began := time.Now()
	ctx := t.Context()
	dir := t.TempDir()
	dbURL := pgtest.URL(t)
	natsURL := natstest.Start(t)

	// The vigie binary, built once from the module root.
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || len(bytes.TrimSpace(gomod)) == 0 {
		t.Fatalf("go env GOMOD: %q, %v", gomod, err)
	}
	bin := filepath.Join(dir, "vigie")
	build := exec.Command("go", "build", "-o", bin, "./cmd/vigie")
	build.Dir = filepath.Dir(string(bytes.TrimSpace(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	f, err := farm.Start(farm.Options{Sites: sites})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	csv := farmTargetsFile(t, f, dir)
	targets := TargetSources{CSVFiles: []string{csv}}

	// The reference: a local scan into SQLite.
	localDB := filepath.Join(dir, "local.db")
	lo := farmScan(f, localDB, targets)
	lo.Concurrency = 32
	lo.Stderr = new(bytes.Buffer)
	localBegan := time.Now()
	if _, err := Scan(ctx, lo); err != nil {
		t.Fatal(err)
	}
	localTime := time.Since(localBegan)
	local, err := sqlite.Open(ctx, localDB)
	if err != nil {
		t.Fatal(err)
	}
	want := findingIDs(t, local, "")
	localScans, err := local.Scans(ctx, 1)
	if err != nil || len(localScans) != 1 {
		t.Fatalf("local scan: %v, %v", localScans, err)
	}
	localSites, err := local.Sites(ctx, localScans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	local.Close()
	if len(want) == 0 || len(localSites) != sites {
		t.Fatalf("local scan: %d findings, %d sites", len(want), len(localSites))
	}
	t.Logf("local scan: %d findings (%.1fs since start)", len(want), time.Since(began).Seconds())

	// Three worker processes with the default timings (the victim's jobs
	// come back after the default ack wait). The jobs carry the network
	// settings (--connect-to, CA, --no-dns) from the coordinator.
	type proc struct {
		cmd  *exec.Cmd
		addr string
		log  *bytes.Buffer
		done chan error
	}
	workers := make([]*proc, 3)
	for i := range workers {
		port, err := freeTCPPort()
		if err != nil {
			t.Fatal(err)
		}
		p := &proc{addr: fmt.Sprintf("127.0.0.1:%d", port), log: new(bytes.Buffer), done: make(chan error, 1)}
		p.cmd = exec.Command(bin, "worker", "--queue", natsURL, "--db", dbURL, "-c", "12",
			"--listen", p.addr, "--grace", "5s", "--log-format", "json",
			"--allow-private", "--allow-job-network")
		p.cmd.Stderr = p.log
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { p.done <- p.cmd.Wait() }()
		t.Cleanup(func() {
			if p.cmd.ProcessState == nil {
				p.cmd.Process.Kill()
				<-p.done
			}
		})
		workers[i] = p
	}

	// The coordinator, in process.
	o := farmScan(f, dbURL, targets)
	o.Queue, o.Wait, o.pollEvery = natsURL, true, 200*time.Millisecond
	o.Format, o.Output = "jsonl", filepath.Join(dir, "fleet.jsonl")
	var progress bytes.Buffer
	o.Stderr = &progress
	fleetBegan := time.Now()
	coord := startCoordinator(ctx, o)

	// SIGKILL the victim once it has recorded some sites and holds others.
	victim := workers[0]
	var vdone, vheld float64
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("victim did %v jobs, %v in flight; log:\n%s", vdone, vheld, victim.log)
		}
		m, err := fetchMetrics(victim.addr)
		if err != nil {
			continue
		}
		vdone, vheld = m["vigie_worker_jobs_done_total"], m["vigie_worker_jobs_in_flight"]
		if vdone >= 150 && vheld > 0 {
			break
		}
	}
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-victim.done
	t.Logf("victim SIGKILLed after %v jobs, holding %v (%.1fs since start)", vdone, vheld, time.Since(began).Seconds())

	var res scanResult
	select {
	case res = <-coord:
	case <-time.After(max(90*time.Second, 2*localTime)):
		// A guard against a hang, not a speed target: on a loaded
		// machine the local scan alone may take minutes.
		t.Fatalf("scan did not complete; progress:\n%s", progress.String())
	}
	if res.err != nil || (res.code != ExitOK && res.code != ExitFindings) {
		t.Fatalf("Scan = %d, %v; progress:\n%s", res.code, res.err, progress.String())
	}
	// Issue 21 asks for at most 1.5× the local scan's time; a figure for
	// the closing note, not a timed assertion (the machine may be busy).
	fleetTime := time.Since(fleetBegan)
	t.Logf("local scan %.1fs, fleet scan with a worker killed %.1fs (%.2f×)", localTime.Seconds(), fleetTime.Seconds(), fleetTime.Seconds()/localTime.Seconds())
	// A job the victim committed but did not acknowledge comes back after
	// the ack deadline and may be recorded again after the scan ended:
	// check the store once the queue is empty and the survivors idle.
	q := connectTestQueue(t, natsURL)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		depth, err := q.Depth(ctx)
		if err == nil && depth == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue depth %d, %v after the scan ended", depth, err)
		}
	}
	var redelivered float64
	for _, w := range workers[1:] {
		m, err := fetchMetrics(w.addr)
		if err != nil {
			t.Fatal(err)
		}
		redelivered += m["vigie_worker_jobs_redelivered_total"]
		w.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-w.done:
			if err != nil {
				t.Errorf("worker: %v; log:\n%s", err, w.log)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("worker did not stop on SIGTERM")
		}
	}
	if redelivered == 0 {
		t.Errorf("no job was redelivered after the victim died holding %v", vheld)
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
	failed := 0
	for _, s := range recorded {
		count[s.URL]++
		if !s.OK() {
			failed++
		}
	}
	for _, s := range localSites {
		if n := count[s.URL]; n != 1 {
			t.Errorf("site %s recorded %d times", s.URL, n)
		}
	}
	if len(recorded) != sites || len(count) != sites {
		t.Errorf("recorded %d sites (%d distinct), want %d", len(recorded), len(count), sites)
	}
	if failed > 0 {
		t.Errorf("%d sites failed", failed)
	}
	got := findingIDs(t, st, scans[0].ID)
	if !slices.Equal(got, want) {
		t.Errorf("fleet findings (%d) differ from the local scan's (%d)", len(got), len(want))
	}
	checkJSONL(t, o.Output, sites, want)
	t.Logf("fleet: %d sites, %d findings, %v jobs redelivered; %.1fs in all", len(recorded), len(got), redelivered, time.Since(began).Seconds())
}

var metricLine = regexp.MustCompile(`(?m)^(vigie_\w+) ([0-9.eE+-]+|NaN|[+-]Inf)$`)

// fetchMetrics reads the values of a worker's /metrics.
func fetchMetrics(addr string) (map[string]float64, error) {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	m := map[string]float64{}
	for _, l := range metricLine.FindAllStringSubmatch(string(b), -1) {
		v, _ := strconv.ParseFloat(l[2], 64)
		m[l[1]] = v
	}
	return m, nil
}

func freeTCPPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
