package scan

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/dnsq"
	"vigie/farm"
	"vigie/hosting"
	"vigie/hosting/hostingtest"
	"vigie/internal/authdns"
	"vigie/internal/netns"
)

// TestBrowserFarmHosting renders the farm's tracker sites in Chromium
// with the audience-measurement party (stats-mesure.test) in DNS at a
// United States address, the session-replay party (replay-session.test)
// at a German one and the advertising party left on loopback:
// thirdparty.outside-eea must name the first where it receives personal
// data (typed values, or its tracker on a contact form page), and nothing
// else. In a network namespace of its own; the fetcher, which also dials
// for Chromium, refuses anything but loopback.
func TestBrowserFarmHosting(t *testing.T) {
	if testing.Short() {
		t.Skip("renders five sites in Chromium")
	}
	if !netns.Isolate(t) {
		return
	}
	f, all, o := browserFarm(t)
	// Written before running: the ground truth of these archetypes.
	want := map[string]string{
		"typed-leak":        "party:stats-mesure.test", // leaks and tracker on its contact form
		"pageview-only":     "party:stats-mesure.test", // tracker on its contact form page
		"replay-leak":       "",                        // its party is in the EEA
		"cookie-consent":    "",                        // tracker on the home page only: no personal-data form there
		"consent-lookalike": "",                        // tracker never loaded
	}
	arch := map[string]string{}
	for _, s := range f.Sites() {
		arch[s.ID()] = s.Archetype
	}
	targets := all[:0]
	for _, tg := range all {
		if _, ok := want[arch[farm.SiteID(tg.Input)]]; ok {
			targets = append(targets, tg)
		}
	}
	if len(targets) != len(want) {
		t.Fatalf("%d targets for %d archetypes", len(targets), len(want))
	}
	var zones []authdns.Zone
	for _, z := range f.Zones() {
		switch z.Name {
		case "stats-mesure.test":
			z.Records = []string{"@ A 159.89.30.1", "* A 159.89.30.1"}
		case "replay-session.test":
			z.Records = []string{"@ A 88.198.30.1", "* A 88.198.30.1"}
		}
		zones = append(zones, authdns.Zone{Name: z.Name, Records: z.Records})
	}
	srv := authdns.Start(t, zones...)
	db, err := hosting.Open(hostingtest.Write(t, t.TempDir(), hostingtest.Networks))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o.Fetch.NoDNS = false
	o.Fetch.DNS = srv.Addr
	o.Fetch.LoopbackOnly = true
	o.Hosting = &hosting.Judge{DNS: &dnsq.Client{Server: srv.Addr, Timeout: 2 * time.Second}, DB: db}

	var mu sync.Mutex
	got := map[string][]string{}
	_, err = Run(context.Background(), targets, o, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		if r.Site.Error != "" {
			t.Errorf("%s: %s", r.Site.URL, r.Site.Error)
		}
		for _, fd := range r.Findings {
			if fd.Check == "thirdparty.outside-eea" {
				got[arch[r.Site.URL]] = append(got[arch[r.Site.URL]], fd.Location)
				if fd.Detail["party"] != "stats-mesure.test" || fd.Detail["hosts"] == nil {
					t.Errorf("%s: detail %v", r.Site.URL, fd.Detail)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for a, loc := range want {
		g := strings.Join(got[a], ", ")
		if g != loc {
			t.Errorf("%s: thirdparty.outside-eea at %q, want %q", a, g, loc)
		}
	}
}
