package scan

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/crawl"
	"vigie/farm"
	"vigie/fetch"
	"vigie/finding"
	"vigie/target"
)

// farmKey identifies a finding the way the farm's ground truth does.
type farmKey struct {
	check, site, url string
	form             int
}

func keyOf(f finding.Finding) farmKey {
	// A form finding names its form by signature; its detail says which
	// form of the finding's page it is.
	form := -1
	if i, ok := f.Detail["form_index"].(int); ok && strings.HasPrefix(f.Check, "form.") {
		form = i
	}
	return farmKey{f.Check, f.Site, finding.NormaliseURL(f.URL), form}
}

func farmTargets(t testing.TB, f *farm.Farm) []target.Target {
	var csv bytes.Buffer
	if err := f.WriteTargetsCSV(&csv); err != nil {
		t.Fatal(err)
	}
	ts, errs := target.ParseCSV(&csv, "farm")
	if len(errs) > 0 {
		t.Fatalf("farm targets: %v", errs)
	}
	return ts
}

func farmOptions(f *farm.Farm) Options {
	timeout := 2 * time.Second
	if raceDetector {
		// The legacy-TLS site's handshake and fallback ran out of 2 s.
		timeout = 8 * time.Second
	}
	return Options{
		Concurrency: 8,
		TLSProbe:    true,
		Fetch: fetch.Options{
			Timeout:   timeout,
			Retries:   -1,
			ConnectTo: f.ConnectTo(),
			CACertPEM: [][]byte{f.CACertPEM()},
			NoDNS:     true,
		},
	}
}

// TestFarmPrecisionRecall audits the whole farm, hostile sites included,
// passively and then with the active probes, and compares the form,
// transport, TLS, exposure and authentication findings with the farm's
// ground truth: precision and recall must both be 1.0. A passive scan must
// send none of the active probes' requests and make none of their
// findings.
func TestFarmPrecisionRecall(t *testing.T) {
	for _, tc := range []struct {
		name   string
		active bool
	}{
		{"passive", false},
		{"active", true},
	} {
		t.Run(tc.name, func(t *testing.T) { farmPrecisionRecall(t, tc.active) })
	}
}

// isProbeRequest tells the requests only active probes send: the
// data-file paths, their random baseline, and the unlinked neighbours of
// the farm's record pages.
func isProbeRequest(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/vigie-") || slices.Contains(crawl.DataFilePaths, r.URL.Path) {
		return true
	}
	switch r.URL.Path {
	case "/adherent/1041", "/adherent/1043", "/journal/article/56", "/journal/article/58":
		return true
	}
	return r.URL.Path == "/federation/fiche.php" && r.URL.Query().Get("id") != "1042"
}

func farmPrecisionRecall(t *testing.T, active bool) {
	var probes atomic.Int64
	f, err := farm.Start(farm.Options{Hostile: true, OnRequest: func(r *http.Request) {
		if isProbeRequest(r) {
			probes.Add(1)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	targets := farmTargets(t, f)
	opts := farmOptions(f)
	opts.Crawl.Active = active

	var mu sync.Mutex
	got := map[farmKey]int{}
	errorsBySite := map[string]string{}
	byFamily := map[string][2]int{} // family -> expected, found
	fallback := map[string]string{} // site -> protocol and suite of a legacy crawl
	sum, err := Run(context.Background(), targets, opts, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		if !active && len(r.Site.ActiveProbes) > 0 {
			t.Errorf("site %s: %d active probes in a passive scan", r.Site.URL, len(r.Site.ActiveProbes))
		}
		if r.Site.Error != "" {
			errorsBySite[r.Site.URL] = r.Site.ErrorKind
		}
		if h := r.Site.HTTPS; h != nil && h.TLS != nil && h.TLS.LegacyFallback {
			fallback[r.Site.URL] = h.TLS.Version + " " + h.TLS.CipherSuite
		}
		for _, fd := range r.Findings {
			switch {
			case strings.HasPrefix(fd.Check, "form."), strings.HasPrefix(fd.Check, "transport."),
				strings.HasPrefix(fd.Check, "exposure."), strings.HasPrefix(fd.Check, "auth."),
				strings.HasPrefix(fd.Check, "tls."), strings.HasPrefix(fd.Check, "headers."),
				strings.HasPrefix(fd.Check, "wellknown."), fd.Check == "thirdparty.script-no-sri",
				strings.HasPrefix(fd.Check, "transparency."):
				got[keyOf(fd)]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sites != len(targets) {
		t.Fatalf("audited %d sites, want %d", sum.Sites, len(targets))
	}

	want := map[farmKey]int{}
	for _, e := range f.Expected() {
		if e.Active && !active {
			continue
		}
		want[farmKey{e.Check, e.Site, finding.NormaliseURL(e.URL), e.Form}]++
	}
	if n := probes.Load(); active != (n > 0) {
		t.Errorf("active=%v: the farm received %d probe requests", active, n)
	}
	tp, fp, fn := 0, 0, 0
	var missing, extra []string
	family := func(check string) string { f, _, _ := strings.Cut(check, "."); return f }
	for k, n := range want {
		m := min(n, got[k])
		tp += m
		c := byFamily[family(k.check)]
		c[0] += n
		c[1] += m
		byFamily[family(k.check)] = c
		if n > m {
			fn += n - m
			missing = append(missing, fmt.Sprintf("%v", k))
		}
	}
	for k, n := range got {
		if n > want[k] {
			fp += n - want[k]
			extra = append(extra, fmt.Sprintf("%v", k))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("farm: %d sites, %d expected findings, precision %.3f, recall %.3f", len(targets), tp+fn, precision, recall)
	for _, fam := range slices.Sorted(maps.Keys(byFamily)) {
		t.Logf("  %s: %d expected, %d found", fam, byFamily[fam][0], byFamily[fam][1])
	}
	if fp > 0 || fn > 0 {
		t.Errorf("precision %.3f recall %.3f\nmissing:\n  %s\nextra:\n  %s", precision, recall,
			strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}

	// Only the TLS 1.0-only site needs the legacy TLS fallback, and its
	// observations say so.
	for _, s := range f.Sites() {
		got, want := fallback[s.ID()], ""
		if s.Archetype == "tls-legacy-only" {
			want = "TLS 1.0 TLS_RSA_WITH_AES_128_CBC_SHA"
		}
		if got != want {
			t.Errorf("site %s: crawled over the legacy fallback with %q, want %q", s.ID(), got, want)
		}
	}

	for site, kind := range f.ExpectedErrors() {
		if errorsBySite[site] != kind {
			t.Errorf("site %s: error kind %q, want %q", site, errorsBySite[site], kind)
		}
	}
	for site, kind := range errorsBySite {
		if _, ok := f.ExpectedErrors()[site]; !ok {
			t.Errorf("site %s failed unexpectedly (%s)", site, kind)
		}
	}
}
