package scan

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

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
	form := -1
	if i := strings.LastIndex(f.Location, "#form="); i >= 0 {
		fmt.Sscan(f.Location[i+len("#form="):], &form)
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
	return Options{
		Concurrency: 8,
		TLSProbe:    true,
		Fetch: fetch.Options{
			Timeout:   2 * time.Second,
			Retries:   -1,
			ConnectTo: f.ConnectTo(),
			CACertPEM: [][]byte{f.CACertPEM()},
			NoDNS:     true,
		},
	}
}

// TestFarmPrecisionRecall audits the whole farm, hostile sites included,
// and compares the form, transport, exposure and authentication findings
// with the farm's ground truth: precision and recall must both be 1.0.
func TestFarmPrecisionRecall(t *testing.T) {
	f, err := farm.Start(farm.Options{Hostile: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	targets := farmTargets(t, f)

	var mu sync.Mutex
	got := map[farmKey]int{}
	errorsBySite := map[string]string{}
	tlsBySite := map[string][]string{}
	sum, err := Run(context.Background(), targets, farmOptions(f), func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		if r.Site.Error != "" {
			errorsBySite[r.Site.URL] = r.Site.ErrorKind
		}
		for _, fd := range r.Findings {
			switch {
			case strings.HasPrefix(fd.Check, "form."), strings.HasPrefix(fd.Check, "transport."),
				strings.HasPrefix(fd.Check, "exposure."), strings.HasPrefix(fd.Check, "auth."):
				got[keyOf(fd)]++
			case strings.HasPrefix(fd.Check, "tls."):
				tlsBySite[fd.Site] = append(tlsBySite[fd.Site], fd.Check)
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
		want[farmKey{e.Check, e.Site, finding.NormaliseURL(e.URL), e.Form}]++
	}
	tp, fp, fn := 0, 0, 0
	var missing, extra []string
	for k, n := range want {
		m := min(n, got[k])
		tp += m
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
	t.Logf("farm: %d sites, %d expected findings, precision %.3f, recall %.3f", len(targets), len(f.Expected()), precision, recall)
	if fp > 0 || fn > 0 {
		t.Errorf("precision %.3f recall %.3f\nmissing:\n  %s\nextra:\n  %s", precision, recall,
			strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
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

	// Sites with a bad certificate also get a tls.cert-invalid finding;
	// sites with a good one get none.
	for _, s := range f.Sites() {
		checks := strings.Join(tlsBySite[s.ID()], " ")
		bad := s.Archetype == "expired-cert" || s.Archetype == "wrong-name"
		if bad != strings.Contains(checks, "tls.cert-invalid") {
			t.Errorf("site %s (%s): tls findings %q", s.ID(), s.Archetype, checks)
		}
	}
}
