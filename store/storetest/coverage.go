package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vigie/finding"
	"vigie/store"
)

// URLs of site A an audit may cover: the root (a2), the contact page (a1),
// the appointment page (a3).
const (
	rootA    = siteA
	contactA = siteA + "contact"
	rdvA     = siteA + "rdv"
)

// m1 is at a URL whose session identifier the check masked; u1 is a
// site-level finding without a URL.
var (
	m1 = fnd(siteA, "auth.session-in-url", "/espace?sid=***", finding.High)
	u1 = func() finding.Finding {
		f := fnd(siteA, "transport.hsts", "transport:hsts", finding.Medium)
		f.URL = ""
		return f
	}()
)

// g1 is a grouped finding: the same form on the contact, appointment and
// agenda pages, found at the contact page.
var g1 = func() finding.Finding {
	f := fnd(siteA, "form.http-page", "form:post "+siteA+"envoi fields=courriel,nom", finding.High)
	f.URL = contactA
	f.Detail = map[string]any{finding.DetailPages: []string{contactA, rdvA, siteA + "agenda"}, finding.DetailPagesCount: 3}
	return f
}()

// covering is a successful audit of url that examined the URLs given
// (none: an empty, non-nil list).
func covering(url string, covered ...string) store.SiteResult {
	s := site(url)
	s.Covered = append([]string{}, covered...)
	return s
}

// step records one site of a scan.
type step struct {
	scan string
	site store.SiteResult
	fs   []finding.Finding
}

// diffChanges lists a Diff's changes as "kind:id", sorted.
func diffChanges(d *store.Diff) []string {
	var out []string
	for _, l := range []struct {
		kind string
		fs   []finding.Finding
	}{{store.ChangeNew, d.New}, {store.ChangeFixed, d.Fixed}, {store.ChangeRegressed, d.Regressed}} {
		for _, f := range l.fs {
			out = append(out, l.kind+":"+f.ID)
		}
	}
	slices.Sort(out)
	return out
}

// changes returns "kind:id" for each finding given, sorted.
func changes(kind string, fs ...finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, kind+":"+f.ID)
	}
	slices.Sort(out)
	return out
}

// testUnexamined plays histories where audits did not look at every URL
// of the site: a finding the audit did not report is fixed only when the
// audit examined its URL (or did not say what it examined).
func testUnexamined(t *testing.T, h *harness) {
	s1 := step{"scan1", site(siteA), []finding.Finding{a1, a2}}
	for _, tc := range []struct {
		name  string
		steps []step
		// want is the final state of site A's findings; diffs the changes
		// of each scan (missing: none), as RecordSite and Diff report them.
		want  []finding.Finding
		diffs map[string][]string
	}{
		{
			name:  "absent and not covered stays open",
			steps: []step{s1, {"scan2", covering(siteA, rootA), []finding.Finding{a2}}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, nil, nil), want(a2, "scan2", t0, t1, nil, nil)},
		},
		{
			name:  "absent and covered is fixed",
			steps: []step{s1, {"scan2", covering(siteA, rootA, contactA), []finding.Finding{a2}}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, tp(t1), nil), want(a2, "scan2", t0, t1, nil, nil)},
			diffs: map[string][]string{"scan2": changes(store.ChangeFixed, a1)},
		},
		{
			name:  "unknown coverage fixes every absent finding",
			steps: []step{s1, {"scan2", site(siteA), []finding.Finding{a2}}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, tp(t1), nil), want(a2, "scan2", t0, t1, nil, nil)},
			diffs: map[string][]string{"scan2": changes(store.ChangeFixed, a1)},
		},
		{
			name:  "empty coverage fixes nothing",
			steps: []step{s1, {"scan2", covering(siteA), nil}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, nil, nil), want(a2, "scan1", t0, t0, nil, nil)},
		},
		{
			name:  "failed audit fixes nothing whatever it covered",
			steps: []step{s1, {"scan2", func() store.SiteResult { s := failed(siteA); s.Covered = []string{rootA, contactA}; return s }(), nil}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, nil, nil), want(a2, "scan1", t0, t0, nil, nil)},
		},
		{
			name: "a later covering audit fixes it then",
			steps: []step{s1, {"scan2", covering(siteA, rootA), []finding.Finding{a2}},
				{"scan3", covering(siteA, rootA, contactA), []finding.Finding{a2}}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, tp(t2), nil), want(a2, "scan3", t0, t2, nil, nil)},
			diffs: map[string][]string{"scan3": changes(store.ChangeFixed, a1)},
		},
		{
			name: "unexamined twice, then fixed by an audit of unknown coverage",
			steps: []step{s1, {"scan2", covering(siteA, rootA), []finding.Finding{a2}},
				{"scan3", covering(siteA, rdvA), nil},
				{"scan4", site(siteA), nil}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, tp(t3), nil), want(a2, "scan2", t0, t1, tp(t3), nil)},
			diffs: map[string][]string{"scan4": changes(store.ChangeFixed, a1, a2)},
		},
		{
			name: "seen again after an unexamined audit is no regression",
			steps: []step{s1, {"scan2", covering(siteA, rootA), []finding.Finding{a2}},
				{"scan3", covering(siteA, rootA, contactA), []finding.Finding{a1, a2}}},
			want: []finding.Finding{want(a1, "scan3", t0, t2, nil, nil), want(a2, "scan3", t0, t2, nil, nil)},
		},
		{
			name: "a fix stands across an unexamined audit",
			steps: []step{s1, {"scan2", covering(siteA, rootA, contactA), []finding.Finding{a2}},
				{"scan3", covering(siteA, rootA), []finding.Finding{a2}},
				{"scan4", covering(siteA, rootA, contactA), []finding.Finding{a1, a2}}},
			want: []finding.Finding{want(a1, "scan4", t0, t3, nil, tp(t3)), want(a2, "scan4", t0, t3, nil, nil)},
			diffs: map[string][]string{"scan2": changes(store.ChangeFixed, a1),
				"scan4": changes(store.ChangeRegressed, a1)},
		},
		{
			name: "URLs compare normalised",
			steps: []step{s1, {"scan2", covering(siteA, "HTTPS://WWW.AIN.GOUV.FR:443/contact#top", "https://www.ain.gouv.fr"),
				[]finding.Finding{a2}}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, tp(t1), nil), want(a2, "scan2", t0, t1, nil, nil)},
			diffs: map[string][]string{"scan2": changes(store.ChangeFixed, a1)},
		},
		{
			name:  "a masked secret matches the value the audit saw",
			steps: []step{{"scan1", site(siteA), []finding.Finding{m1}}, {"scan2", covering(siteA, rootA, siteA+"espace?sid=Zq81kPxw0aLm3NbY77"), nil}},
			want:  []finding.Finding{want(m1, "scan1", t0, t0, tp(t1), nil)},
			diffs: map[string][]string{"scan2": changes(store.ChangeFixed, m1)},
		},
		{
			name: "a masked secret matches no other page",
			steps: []step{{"scan1", site(siteA), []finding.Finding{m1}},
				{"scan2", covering(siteA, rootA, siteA+"espace/autre?sid=Zq81kPxw0aLm3NbY77", siteA+"espace", siteA+"espace?sid="), nil}},
			want: []finding.Finding{want(m1, "scan1", t0, t0, nil, nil)},
		},
		{
			name:  "a grouped finding none of whose pages was examined stays open",
			steps: []step{{"scan1", site(siteA), []finding.Finding{g1, a2}}, {"scan2", covering(siteA, rootA, siteA+"actualites"), []finding.Finding{a2}}},
			want:  []finding.Finding{want(g1, "scan1", t0, t0, nil, nil), want(a2, "scan2", t0, t1, nil, nil)},
		},
		{
			name:  "a grouped finding is fixed when another of its pages was examined",
			steps: []step{{"scan1", site(siteA), []finding.Finding{g1, a2}}, {"scan2", covering(siteA, rootA, rdvA), []finding.Finding{a2}}},
			want:  []finding.Finding{want(g1, "scan1", t0, t0, tp(t1), nil), want(a2, "scan2", t0, t1, nil, nil)},
			diffs: map[string][]string{"scan2": changes(store.ChangeFixed, g1)},
		},
		{
			name: "a grouped finding seen again on fewer pages stays the same finding",
			steps: []step{{"scan1", site(siteA), []finding.Finding{g1, a2}}, {"scan2", covering(siteA, rootA, rdvA), []finding.Finding{func() finding.Finding {
				f := g1
				f.URL = rdvA
				f.Detail = map[string]any{finding.DetailPages: []string{rdvA}, finding.DetailPagesCount: 1}
				return f
			}(), a2}}},
			want: []finding.Finding{func() finding.Finding {
				f := want(g1, "scan2", t0, t1, nil, nil)
				f.URL = rdvA
				f.Detail = map[string]any{finding.DetailPages: []string{rdvA}, finding.DetailPagesCount: 1}
				return f
			}(), want(a2, "scan2", t0, t1, nil, nil)},
		},
		{
			name:  "a finding without URL is the site root's",
			steps: []step{{"scan1", site(siteA), []finding.Finding{u1, a1}}, {"scan2", covering(siteA, rootA), nil}},
			want:  []finding.Finding{want(a1, "scan1", t0, t0, nil, nil), want(u1, "scan1", t0, t0, tp(t1), nil)},
			diffs: map[string][]string{"scan2": changes(store.ChangeFixed, u1)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := h.fresh()
			h.scans(s, 4)
			recorded := map[string][]string{}
			for _, st := range tc.steps {
				_, cs := h.record(s, st.scan, st.site, st.fs...)
				got := changeList(cs)
				slices.Sort(got)
				recorded[st.scan] = got
			}
			for i := 1; i <= 4; i++ {
				id := scanID(i)
				wantC := tc.diffs[id]
				if i == 1 {
					wantC = changes(store.ChangeNew, tc.steps[0].fs...)
				}
				equalStrings(t, "RecordSite changes of "+id, recorded[id], wantC)
				equalStrings(t, "Diff("+id+")", diffChanges(h.diff(s, id)), wantC)
			}
			got := h.findings(s, store.Filter{Site: siteA})
			wantFs := slices.Clone(tc.want)
			byID := func(a, b finding.Finding) int { return strings.Compare(a.ID, b.ID) }
			slices.SortFunc(got, byID)
			slices.SortFunc(wantFs, byID)
			h.same("findings", got, wantFs)
		})
	}
}

// testUnexaminedRedelivery records a history twice, once plainly, once
// with each site first delivered with another coverage or other findings:
// an earlier delivery's unexamined findings give way to the last one's,
// and both stores end in the same state.
func testUnexaminedRedelivery(t *testing.T, h *harness) {
	type delivery struct {
		site store.SiteResult
		fs   []finding.Finding
	}
	all := []string{rootA, contactA, rdvA}
	steps := []struct {
		scan        string
		first, last delivery
	}{
		{"scan1", delivery{site(siteA), []finding.Finding{a1}}, delivery{site(siteA), []finding.Finding{a1, a2, a3}}},
		// Unexamined, then re-examined: a1 and a3 fixed.
		{"scan2", delivery{covering(siteA, rootA), []finding.Finding{a2}}, delivery{covering(siteA, all...), []finding.Finding{a2}}},
		// Fixed, then unexamined: a2 stays open.
		{"scan3", delivery{covering(siteA, all...), nil}, delivery{covering(siteA, contactA), nil}},
		// Unexamined, then of unknown coverage: a2 fixed; a1 regressed.
		{"scan4", delivery{covering(siteA), nil}, delivery{site(siteA), []finding.Finding{a1}}},
		// Failed, then unexamined: a1 stays open.
		{"scan5", delivery{failed(siteA), nil}, delivery{covering(siteA, rootA), nil}},
	}
	plain, redelivered := h.s, h.fresh()
	h.scans(plain, 4)
	h.scans(redelivered, 4)
	h.begin(plain, "scan5", t4)
	h.begin(redelivered, "scan5", t4)
	for _, st := range steps {
		wantFs, wantC := h.record(plain, st.scan, st.last.site, st.last.fs...)
		h.record(redelivered, st.scan, st.first.site, st.first.fs...)
		gotFs, gotC := h.record(redelivered, st.scan, st.last.site, st.last.fs...)
		what := fmt.Sprintf("%s %s", st.scan, st.last.site.URL)
		h.same(what+" findings", gotFs, wantFs)
		equalStrings(t, what+" changes", changeList(gotC), changeList(wantC))
		if w, g := h.snapshot(plain, 5), h.snapshot(redelivered, 5); w != g {
			t.Fatalf("%s: state after a redelivery differs:\nwant\n%s\ngot\n%s", what, w, g)
		}
	}
	// The plain history itself, to be sure it is not trivially equal.
	for _, c := range []struct {
		scan string
		want []string
	}{
		{"scan2", changes(store.ChangeFixed, a1, a3)},
		{"scan3", nil},
		{"scan4", append(changes(store.ChangeFixed, a2), changes(store.ChangeRegressed, a1)...)},
		{"scan5", nil},
	} {
		equalStrings(t, "Diff("+c.scan+")", diffChanges(h.diff(plain, c.scan)), c.want)
	}
	got := h.findings(plain, store.Filter{Site: siteA})
	h.same("a1", []finding.Finding{h.byID(got, a1.ID)}, []finding.Finding{want(a1, "scan4", t0, t3, nil, tp(t3))})
	h.same("a2", []finding.Finding{h.byID(got, a2.ID)}, []finding.Finding{want(a2, "scan2", t0, t1, tp(t3), nil)})
}

// testUnexaminedScanSummaries ends scans whose audits left findings
// unexamined: the stored totals equal the counts made while running and
// the diffs; a late record of another coverage changes them.
func testUnexaminedScanSummaries(t *testing.T, h *harness, b store.Browser) {
	h.scans(h.s, 3)
	h.record(h.s, "scan1", site(siteA), a1, a2, a3)
	h.record(h.s, "scan1", site(siteB), b1, b2)
	h.record(h.s, "scan2", covering(siteA, rootA), a2) // a1, a3 unexamined
	h.record(h.s, "scan2", covering(siteB, siteB), b2) // b1 unexamined
	h.record(h.s, "scan3", covering(siteA, rootA, contactA), a1, a2)
	running, _ := scanRows(t, h, b)
	for _, id := range []string{"scan1", "scan2", "scan3"} {
		if err := h.s.EndScan(h.ctx, id, t4); err != nil {
			t.Fatalf("EndScan(%s): %v", id, err)
		}
	}
	check := func(when string, want []scanRow) {
		t.Helper()
		rows, _ := scanRows(t, h, b)
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("%s, ScanSummaries =\n%+v\nwant\n%+v", when, rows, want)
		}
		for _, r := range want {
			d := h.diff(h.s, r.scan)
			if len(d.New) != r.new || len(d.Fixed) != r.fixed || len(d.Regressed) != r.regressed {
				t.Errorf("%s, Diff(%s) has %d new, %d fixed, %d regressed; its summary counts %d, %d, %d",
					when, r.scan, len(d.New), len(d.Fixed), len(d.Regressed), r.new, r.fixed, r.regressed)
			}
		}
	}
	want := []scanRow{
		{"scan3", 1, 0, sev(finding.High, 1, finding.Medium, 1), 0, 0, 0},
		{"scan2", 2, 0, sev(finding.Medium, 1, finding.Low, 1), 0, 0, 0},
		{"scan1", 2, 0, sev(finding.Critical, 1, finding.High, 2, finding.Medium, 1, finding.Low, 1), 5, 0, 0},
	}
	if !reflect.DeepEqual(running, want) {
		t.Errorf("while running, ScanSummaries =\n%+v\nwant\n%+v", running, want)
	}
	check("after EndScan", want)
	// A late redelivery of scan2's audit of B that did not say what it
	// examined fixes b1 there.
	h.record(h.s, "scan2", site(siteB), b2)
	want[1].fixed = 1
	check("after a late record", want)
	// Site A's a3, unexamined by scan2 and scan3, is still open.
	if f := h.byID(h.findings(h.s, store.Filter{Site: siteA}), a3.ID); f.FixedAt != nil || !f.LastSeen.Equal(t0) {
		t.Errorf("a3 = fixed at %v, last seen %v; want open, last seen %v", f.FixedAt, f.LastSeen, t0)
	}
}
