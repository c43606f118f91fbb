package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/farm"
	"vigie/fetch"
	"vigie/store"
	"vigie/store/sqlite"
)

func startFarm(t *testing.T) *farm.Farm {
	t.Helper()
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

func farmScan(f *farm.Farm, db string, targets TargetSources) ScanOptions {
	return ScanOptions{
		Targets:     targets,
		Concurrency: 8,
		DB:          db,
		Fetch: fetch.Options{
			Timeout:   3 * time.Second,
			ConnectTo: f.ConnectTo(),
			CACertPEM: [][]byte{f.CACertPEM()},
			NoDNS:     true,
		},
	}
}

func TestScanExitStatusAndFormats(t *testing.T) {
	f := startFarm(t)
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		format   string
		failOn   string
		wantCode int
		check    func(t *testing.T, out []byte)
	}{
		{"http contact form fails at high", []string{"http://www.pref-ain.test/"}, "jsonl", "", ExitFindings, func(t *testing.T, out []byte) {
			sc := bufio.NewScanner(bytes.NewReader(out))
			n := 0
			for sc.Scan() {
				var rec map[string]any
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatalf("bad JSONL line %q: %v", sc.Text(), err)
				}
				n++
			}
			if n == 0 {
				t.Error("no finding in JSONL")
			}
		}},
		{"compliant site passes", []string{"https://www.pref-allier.test/"}, "csv", "", ExitOK, func(t *testing.T, out []byte) {
			if lines := strings.Count(string(out), "\n"); lines != 1 {
				t.Errorf("want only the CSV header, got %d lines:\n%s", lines, out)
			}
		}},
		{"hsts finding is below the default threshold", []string{"https://www.mairie-annecy.test/"}, "sarif", "", ExitOK, func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte(`"transport.hsts"`)) {
				t.Error("SARIF lacks the transport.hsts result")
			}
		}},
		{"fail-on low catches it", []string{"https://www.mairie-annecy.test/"}, "html", "low", ExitFindings, func(t *testing.T, out []byte) {
			if !bytes.Contains(out, []byte("<html")) {
				t.Error("not an HTML report")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := farmScan(f, "none", TargetSources{Args: tt.args})
			o.Format, o.FailOn = tt.format, tt.failOn
			o.Output = filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+"."+tt.format)
			var stdout, stderr bytes.Buffer
			o.Stdout, o.Stderr = &stdout, &stderr
			code, err := Scan(context.Background(), o)
			if err != nil {
				t.Fatalf("scan: %v (stderr %s)", err, stderr.String())
			}
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; table:\n%s", code, tt.wantCode, stdout.String())
			}
			out, err := os.ReadFile(o.Output)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, out)
		})
	}
}

func TestScanJunkTargets(t *testing.T) {
	f := startFarm(t)
	list := filepath.Join(t.TempDir(), "sites.txt")
	os.WriteFile(list, []byte("# prefectures\nwww.pref-ain.test\nftp://nope\nhttp://\nnot a host\nhttp://www.pref-ain.test/\n"), 0o644)
	o := farmScan(f, "none", TargetSources{ListFiles: []string{list}})
	var stdout, stderr bytes.Buffer
	o.Stdout, o.Stderr, o.Format = &stdout, &stderr, "jsonl"
	if _, err := Scan(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"sites.txt:3", "sites.txt:4", "sites.txt:5"} {
		if !strings.Contains(stderr.String(), line) {
			t.Errorf("stderr lacks %q:\n%s", line, stderr.String())
		}
	}
	if !strings.Contains(stderr.String(), "1 sites") && !strings.Contains(stderr.String(), ": 1 sites") {
		t.Errorf("want one deduplicated site, stderr:\n%s", stderr.String())
	}
}

func TestScanNoTargets(t *testing.T) {
	code, err := Scan(context.Background(), ScanOptions{DB: "none", Targets: TargetSources{Args: []string{"ftp://x"}}})
	if code != ExitError || err == nil {
		t.Fatalf("got %d, %v; want exit 2 and an error", code, err)
	}
}

// TestHistoryAndDiff scans one farm site four times: all findings are new
// the first time, unchanged the second; the third scan follows no link
// (max-pages 1) but revisits the page of the open form findings, so they
// are seen again, not fixed; the fourth finds them all again, unchanged.
// (A finding whose page an audit does not examine stays open and unseen:
// store/storetest covers that.)
func TestHistoryAndDiff(t *testing.T) {
	f := startFarm(t)
	db := filepath.Join(t.TempDir(), "vigie.db")
	run := func(maxPages int) string {
		o := farmScan(f, db, TargetSources{Args: []string{"http://www.pref-ain.test/"}})
		o.Crawl.MaxPages = maxPages
		var stdout, stderr bytes.Buffer
		o.Stdout, o.Stderr, o.Format = &stdout, &stderr, "jsonl"
		if _, err := Scan(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := Diff(context.Background(), DiffOptions{DB: db, Stdout: &out}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	// lastSeen maps each finding's ID to the scan that last
	// saw it (1 for the first scan), after checking none is fixed.
	lastSeen := func() map[string]int {
		t.Helper()
		ctx := context.Background()
		st, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		scans, err := st.Scans(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		order := make(map[string]int, len(scans))
		for i, sc := range scans {
			order[sc.ID] = len(scans) - i
		}
		fs, err := st.Findings(ctx, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		out := make(map[string]int, len(fs))
		for _, fd := range fs {
			if fd.FixedAt != nil {
				t.Errorf("finding %s (%s) fixed at %v", fd.ID, fd.Check, fd.FixedAt)
			}
			out[fd.ID] = order[fd.Scan]
		}
		return out
	}
	first := run(30)
	if !strings.Contains(first, "2 new, 0 fixed, 0 regressed") {
		t.Errorf("first scan diff:\n%s", first)
	}
	second := run(30)
	if !strings.Contains(second, "0 new, 0 fixed, 0 regressed") {
		t.Errorf("second scan diff:\n%s", second)
	}
	third := run(1)
	if !strings.Contains(third, "0 new, 0 fixed, 0 regressed") {
		t.Errorf("third scan diff:\n%s", third)
	}
	counts := map[int]int{}
	for _, n := range lastSeen() {
		counts[n]++
	}
	if want := map[int]int{3: 2}; !maps.Equal(counts, want) {
		t.Errorf("after the third scan, findings by last scan = %v, want %v (the form's page revisited)", counts, want)
	}
	fourth := run(30)
	if !strings.Contains(fourth, "0 new, 0 fixed, 0 regressed") {
		t.Errorf("fourth scan diff:\n%s", fourth)
	}
	for id, n := range lastSeen() {
		if n != 4 {
			t.Errorf("after the fourth scan, %s last seen by scan %d, want 4", id, n)
		}
	}
}
