package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"vigie/finding"
	"vigie/store"
	"vigie/store/sqlite"
)

// TestLoad is the load test of the API and the dashboard: CLIENTS
// concurrent clients for DURATION against a store of SITES sites with
// FINDINGS findings each, over real HTTP on loopback. It prints latency
// percentiles and errors per kind of request. It runs only when asked:
//
//	VIGIE_LOAD=1 go test ./web -run TestLoad -v -timeout 30m
//	VIGIE_LOAD=1 VIGIE_LOAD_DB=/tmp/load.db ... (keeps the store between runs)
//	LOAD_NO_OVERVIEW=1 ... (without the overview page)
//
// bench/api-load.sh runs it with the defaults: 50 clients, 60 s, 10,000
// sites, 20 findings each (200,000).
func TestLoad(t *testing.T) {
	if os.Getenv("VIGIE_LOAD") == "" {
		t.Skip("load test: set VIGIE_LOAD=1 (see bench/api-load.sh)")
	}
	env := func(k string, def int) int {
		if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
			return n
		}
		return def
	}
	clients, seconds, sites, perSite := env("CLIENTS", 50), env("DURATION", 60), env("SITES", 10000), env("FINDINGS", 20)
	ctx := context.Background()
	path := os.Getenv("VIGIE_LOAD_DB")
	if path == "" {
		path = filepath.Join(t.TempDir(), "load.db")
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _, _ := db.SiteSummaries(ctx, store.SiteQuery{Limit: 1}); len(n) == 0 {
		start := time.Now()
		populate(t, db, sites, perSite)
		t.Logf("recorded %d sites, %d findings in %v", sites, sites*perSite, time.Since(start).Round(time.Second))
	}
	for _, u := range []store.User{{Name: "load", Role: store.RoleEditor, PasswordHash: testHash(t, testPassword), Created: time.Now()}} {
		if err := db.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(Options{Store: db, Browser: db, Accounts: db, Cases: db, Watch: db, FilesDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	key, err := srv.CreateAPIKey(ctx, "load", "load test")
	if err != nil {
		t.Fatal(err)
	}
	// Sessions are made in the store: fifty logins would measure argon2id.
	token := randomToken()
	now := time.Now()
	if err := db.CreateSession(ctx, store.Session{TokenHash: tokenHash(token), User: "load", CSRF: randomToken(), Created: now, Expires: now.Add(12 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	sample, _, err := db.Query(ctx, store.Query{Filter: store.Filter{Limit: 2000}, Offset: sites * perSite / 2})
	if err != nil || len(sample) == 0 {
		t.Fatalf("sample findings: %v", err)
	}

	// LOAD_NO_OVERVIEW=1 leaves out the overview, whose aggregates over
	// the whole history hold reader connections for seconds.
	noOverview := os.Getenv("LOAD_NO_OVERVIEW") != ""
	type request struct {
		kind, path string
		api        bool
	}
	pick := func(r *rand.Rand) request {
		f := sample[r.IntN(len(sample))]
		switch n := r.IntN(100); {
		case n < 25:
			return request{"api findings (filters)", fmt.Sprintf("/api/v1/findings?tag=dept:%d&state=open&severity=medium&limit=50", r.IntN(100)), true}
		case n < 35:
			return request{"api findings (cursor)", "/api/v1/findings?limit=100&cursor=" + encodeCursor(f.ID), true}
		case n < 50:
			return request{"api finding", "/api/v1/findings/" + f.ID, true}
		case n < 60:
			return request{"api sites", fmt.Sprintf("/api/v1/sites?organisation=Organisation+%d&limit=50", r.IntN(200)), true}
		case n < 65:
			return request{"api scans", "/api/v1/scans?limit=10", true}
		case n < 80:
			return request{"dashboard findings", fmt.Sprintf("/findings?state=open&tag=dept:%d&page=%d", r.IntN(100), 1+r.IntN(3)), false}
		case n < 90:
			return request{"dashboard sites", fmt.Sprintf("/sites?page=%d", 1+r.IntN(200)), false}
		case n < 95 || noOverview:
			return request{"dashboard finding", "/findings/" + f.ID, false}
		default:
			return request{"dashboard overview", "/", false}
		}
	}
	type result struct {
		kind string
		d    time.Duration
		err  bool
	}
	results := make(chan result, 4096)
	var all []result
	collected := make(chan struct{})
	go func() {
		for r := range results {
			all = append(all, r)
		}
		close(collected)
	}()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 42))
			for time.Now().Before(deadline) {
				q := pick(r)
				req, _ := http.NewRequest("GET", hs.URL+q.path, nil)
				if q.api {
					req.Header.Set("Authorization", "Bearer "+key)
				} else {
					req.AddCookie(&http.Cookie{Name: "vigie", Value: token})
				}
				start := time.Now()
				resp, err := client.Do(req)
				bad := err != nil
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					bad = resp.StatusCode != http.StatusOK
				}
				results <- result{q.kind, time.Since(start), bad}
			}
		})
	}
	wg.Wait()
	close(results)
	<-collected

	byKind := map[string][]result{}
	for _, r := range all {
		byKind[r.kind] = append(byKind[r.kind], r)
		byKind["all"] = append(byKind["all"], r)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	fmt.Printf("load: %d clients, %d s, %d sites, %d findings; %d requests (%.0f/s)\n", clients, seconds, sites, sites*perSite, len(all), float64(len(all))/float64(seconds))
	fmt.Printf("%-22s %8s %7s %9s %9s %9s %9s\n", "kind", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "max_ms")
	summary := map[string]any{}
	for _, k := range kinds {
		rs := byKind[k]
		ds := make([]time.Duration, len(rs))
		errs := 0
		for i, r := range rs {
			ds[i] = r.d
			if r.err {
				errs++
			}
		}
		slices.Sort(ds)
		q := func(p float64) float64 { return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / 1e6 }
		fmt.Printf("%-22s %8d %7d %9.1f %9.1f %9.1f %9.1f\n", k, len(rs), errs, q(0.50), q(0.95), q(0.99), float64(ds[len(ds)-1])/1e6)
		summary[k] = map[string]float64{"requests": float64(len(rs)), "errors": float64(errs), "p50_ms": q(0.5), "p95_ms": q(0.95), "p99_ms": q(0.99)}
	}
	if out := os.Getenv("VIGIE_LOAD_JSON"); out != "" {
		b, _ := json.MarshalIndent(summary, "", "  ")
		os.WriteFile(out, b, 0o644)
	}
}

// populate records sites with perSite findings each, in one scan, as
// 200 organisations and 100 departments.
func populate(t *testing.T, db *sqlite.DB, sites, perSite int) {
	ctx := context.Background()
	start := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	sc := &store.Scan{Started: start, Version: "load", Targets: sites}
	if err := db.BeginScan(ctx, sc); err != nil {
		t.Fatal(err)
	}
	checks := []string{"form.http-action", "transport.hsts", "tls.no-tls13", "auth.cookie-flags", "form.http-page"}
	sevs := []finding.Severity{finding.High, finding.Medium, finding.Info, finding.Low, finding.Critical}
	for i := range sites {
		u := fmt.Sprintf("https://www.site-%05d.test", i)
		s := store.SiteResult{URL: u, Organisation: fmt.Sprintf("Organisation %d", i%200), Tags: []string{"load", fmt.Sprintf("dept:%d", i%100)},
			Pages: 10, Started: start, Ended: start}
		fs := make([]finding.Finding, perSite)
		for j := range fs {
			page := fmt.Sprintf("%s/page-%02d.html", u, j/len(checks))
			fs[j] = finding.Finding{Check: checks[j%len(checks)], Severity: sevs[j%len(sevs)], Confidence: finding.Certain,
				URL: page, Location: page + "#" + strconv.Itoa(j), Title: "Load finding " + strconv.Itoa(j)}
		}
		if _, _, err := db.RecordSite(ctx, sc.ID, s, fs); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.EndScan(ctx, sc.ID, start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}
