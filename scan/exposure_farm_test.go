package scan

import (
	"context"
	"sync"
	"testing"

	"vigie/farm"
	"vigie/target"
)

// TestFarmExposureSeverities audits the farm's exposure sites and checks
// that each exposure finding has the severity the farm's ground truth
// gives it (what was seen decides: one person's date of birth or IBAN is
// critical, an open folder of minutes is low) and says why.
func TestFarmExposureSeverities(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[farmKey]string{}
	sites := map[string]bool{}
	for _, s := range f.ExpectedExposureSeverities() {
		want[farmKey{s.Check, s.Site, s.URL, s.Form}] = s.Severity
		sites[s.Site] = true
	}
	if len(sites) < 8 {
		t.Fatalf("severities fixed for %d sites, want at least 8", len(sites))
	}
	var targets []target.Target
	for _, tg := range farmTargets(t, f) {
		if sites[farm.SiteID(tg.URL)] {
			targets = append(targets, tg)
		}
	}
	if len(targets) != len(sites) {
		t.Fatalf("%d targets for %d sites", len(targets), len(sites))
	}
	var mu sync.Mutex
	seen := map[farmKey]bool{}
	if _, err := Run(context.Background(), targets, farmOptions(f), func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		for _, fd := range r.Findings {
			k := keyOf(fd)
			sev, ok := want[k]
			if !ok {
				continue
			}
			seen[k] = true
			t.Logf("%s %s %s: %v %v", fd.Check, fd.Severity, fd.URL, fd.Detail["severity_reason"].(map[string]string)["en"], fd.Detail["kinds"])
			if fd.Severity.String() != sev {
				t.Errorf("%s %s: severity %s, want %s (%v)", fd.Check, fd.URL, fd.Severity, sev, fd.Detail["severity_reason"])
			}
			why, _ := fd.Detail["severity_reason"].(map[string]string)
			if why["en"] == "" || why["fr"] == "" {
				t.Errorf("%s %s: no severity_reason in %v", fd.Check, fd.URL, fd.Detail)
			}
			if fd.Check == "exposure.pii-unauthenticated" {
				if n, _ := fd.Detail["people"].(int); n < 1 {
					t.Errorf("%s: people %v", fd.URL, fd.Detail["people"])
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("no finding %v", k)
		}
	}
}
