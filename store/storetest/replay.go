package storetest

import (
	"encoding/json"
	"errors"
	"testing"

	"vigie/finding"
	"vigie/store"
)

// RunReplay checks store.Replayer: a scan's sites come back in the order
// first recorded (a redelivered site keeps its place, with the last
// delivery's findings), each with its findings as that scan returned them
// from RecordSite, in that order, whatever later scans did to them.
func RunReplay(t *testing.T, open func(t *testing.T) store.Store) {
	h := newHarness(t, open)
	r, ok := h.s.(store.Replayer)
	if !ok {
		t.Fatalf("%T is no store.Replayer", h.s)
	}
	h.scans(h.s, 2)
	h.record(h.s, "scan1", site(siteB), b1, b2)
	wantA, _ := h.record(h.s, "scan1", site(siteA), a2, a1)
	wantB, _ := h.record(h.s, "scan1", site(siteB), b1) // redelivered
	want2, _ := h.record(h.s, "scan2", site(siteA), a1) // a2 fixed, a1 seen again
	if len(wantA) != 2 || wantA[0].ID != a2.ID || len(wantB) != 1 {
		t.Fatalf("RecordSite returned %v and %v", ids(wantA), ids(wantB))
	}
	type siteFindings struct {
		site string
		fs   []finding.Finding
	}
	replay := func(scan string) []siteFindings {
		t.Helper()
		var out []siteFindings
		err := r.Replay(h.ctx, scan, func(s store.SiteResult, fs []finding.Finding) error {
			out = append(out, siteFindings{s.URL, fs})
			return nil
		})
		if err != nil {
			t.Fatalf("Replay(%s): %v", scan, err)
		}
		return out
	}
	for _, tc := range []struct {
		scan string
		want []siteFindings
	}{
		{"scan1", []siteFindings{{siteB, wantB}, {siteA, wantA}}},
		{"scan2", []siteFindings{{siteA, want2}}},
	} {
		got := replay(tc.scan)
		if len(got) != len(tc.want) {
			t.Fatalf("Replay(%s): %d sites, want %d", tc.scan, len(got), len(tc.want))
		}
		for i, w := range tc.want {
			if got[i].site != w.site {
				t.Errorf("Replay(%s): site %d is %s, want %s", tc.scan, i, got[i].site, w.site)
			}
			if g, w := jsonOf(t, got[i].fs), jsonOf(t, w.fs); g != w {
				t.Errorf("Replay(%s) %s:\n%s\nwant, as RecordSite returned,\n%s", tc.scan, w, g, w)
			}
		}
	}
	// scan1 saw a1 last at t0 and a2 open, though scan2 moved them on.
	if a := replay("scan1")[1].fs; !a[1].LastSeen.Equal(t0) || a[0].FixedAt != nil {
		t.Errorf("scan1 replayed with later history: a1 last seen %s, a2 fixed at %v", a[1].LastSeen, a[0].FixedAt)
	}
	if raw, ok := replay("scan1")[0].fs[0].Detail["method"].(json.RawMessage); !ok || string(raw) != `"post"` {
		t.Errorf("detail value = %#v, want the recorded JSON", replay("scan1")[0].fs[0].Detail["method"])
	}
	if err := r.Replay(h.ctx, "nope", func(store.SiteResult, []finding.Finding) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Replay(unknown) = %v, want ErrNotFound", err)
	}
	stop := errors.New("stop")
	if err := r.Replay(h.ctx, "scan1", func(store.SiteResult, []finding.Finding) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Replay with a failing callback = %v", err)
	}
}

func jsonOf(t *testing.T, fs []finding.Finding) string {
	t.Helper()
	b, err := json.Marshal(fs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
