package runner

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vigie/fetch"
)

// A scan keeps no state per site once the site is written: the live heap
// measured after a collection, while the scan runs on the whole CLI path
// (SQLite history, evidence, JSONL and table output), is the same after
// 600 sites as after 2,400 — within 1.5 MiB, some 800 bytes per site,
// where keeping each site's result, observations or findings would add
// kilobytes per site — and so is the number of goroutines. Each sample is
// the least of a few consecutive sites', which sheds the sites being
// audited at that moment. Small one-page sites on one loopback server keep
// it quick; the 100,000-site measurement is bench/scale.sh.
func TestScanMemoryFlat(t *testing.T) {
	const (
		sites   = 2400
		early   = 600 // first window: after the pools and caches warm up
		window  = 12
		margin  = 3 << 19 // bytes
		maxMore = 16      // goroutines
	)
	page := []byte(`<!doctype html><html lang="fr"><head><title>Contact</title></head><body>
<h1>Nous écrire</h1><form method="post" action="/envoi">
<label for="nom">Nom</label><input id="nom" name="nom">
<label for="email">Courriel</label><input id="email" name="email" type="email">
<textarea name="message"></textarea><button>Envoyer</button></form></body></html>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("url,organisation,tags\n")
	for i := range sites {
		fmt.Fprintf(&csv, "http://www.s%05d.test/,Mairie %d,commune\n", i, i)
	}
	targets := filepath.Join(dir, "targets.csv")
	if err := os.WriteFile(targets, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	type sample struct {
		heap       uint64
		goroutines int
	}
	least := func(s *sample, ok bool) {
		if !ok {
			return
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if s.heap == 0 || ms.HeapAlloc < s.heap {
			s.heap = ms.HeapAlloc
		}
		if g := runtime.NumGoroutine(); s.goroutines == 0 || g < s.goroutines {
			s.goroutines = g
		}
	}
	var first, last sample
	o := ScanOptions{
		Targets:     TargetSources{CSVFiles: []string{targets}},
		Concurrency: 16,
		DB:          filepath.Join(dir, "history.db"),
		Format:      "jsonl",
		Output:      filepath.Join(dir, "out.jsonl"),
		FailOn:      "none",
		Stdout:      io.Discard,
		Evidence:    EvidenceSettings{Archive: ArchiveFindings, Dir: filepath.Join(dir, "evidence"), DataDir: dir},
		Hosting:     HostingSettings{Off: true},
		Fetch: fetch.Options{
			Timeout: 5 * time.Second, NoDNS: true, Retries: -1,
			ConnectTo: []string{"::127.0.0.1:" + port},
		},
		onSite: func(n int) {
			least(&first, n > early-window && n <= early)
			least(&last, n > sites-window)
		},
	}
	code, err := Scan(t.Context(), o)
	if err != nil || code != ExitOK {
		t.Fatalf("scan = %d, %v", code, err)
	}
	if first.heap == 0 || last.heap == 0 {
		t.Fatal("no samples taken")
	}
	grew := int64(last.heap) - int64(first.heap)
	t.Logf("live heap after %d sites %.1f MiB, after %d sites %.1f MiB (%+d bytes a site); goroutines %d, %d",
		early, float64(first.heap)/(1<<20), sites, float64(last.heap)/(1<<20), grew/(sites-early),
		first.goroutines, last.goroutines)
	if grew > margin {
		t.Errorf("the live heap grew by %.1f MiB from site %d to site %d (%d bytes a site), want at most %.1f MiB",
			float64(grew)/(1<<20), early, sites, grew/(sites-early), float64(margin)/(1<<20))
	}
	if last.goroutines > first.goroutines+maxMore {
		t.Errorf("goroutines: %d after %d sites, %d after %d", first.goroutines, early, last.goroutines, sites)
	}
}
