// Package storetest is the test suite every store.Store back end must pass,
// so that SQLite and PostgreSQL keep the same history semantics.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/finding"
	"vigie/observation"
	"vigie/store"
)

// Run runs the suite. open must return an empty store; it is called at
// least once per subtest, and Run closes every store it returns.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"BeginEndScan", testBeginEndScan},
		{"NewFindings", testNewFindings},
		{"LastSeen", testLastSeen},
		{"FixedWhenAbsent", testFixedWhenAbsent},
		{"FailedSiteFixesNothing", testFailedSiteFixesNothing},
		{"Regressed", testRegressed},
		{"SitesAreIndependent", testSitesAreIndependent},
		{"IdempotentRerecord", testIdempotentRerecord},
		{"RedeliveryReplaces", testRedeliveryReplaces},
		{"Unexamined", testUnexamined},
		{"UnexaminedRedelivery", testUnexaminedRedelivery},
		{"DiffPerScan", testDiffPerScan},
		{"FindingsFilters", testFindingsFilters},
		{"ScansOrder", testScansOrder},
		{"Sites", testSites},
		{"DetailRoundTrip", testDetailRoundTrip},
		{"PrepareFindings", testPrepareFindings},
		{"NotFound", testNotFound},
		{"Concurrent", testConcurrent},
		{"Batch", testBatch}, // batch.go
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newHarness(t, open))
		})
	}
}

// Scan times of the scenarios, a day apart, with nanoseconds to check that
// they survive.
var (
	t0 = time.Date(2026, 11, 26, 11, 30, 0, 123456789, time.UTC)
	t1 = t0.Add(24 * time.Hour)
	t2 = t0.Add(48 * time.Hour)
	t3 = t0.Add(72 * time.Hour)
	t4 = t0.Add(96 * time.Hour)
)

const (
	siteA = "https://www.ain.gouv.fr/"
	siteB = "https://www.aisne.gouv.fr/"
	orgA  = "Préfecture de l'Ain"
	orgB  = "Préfecture de l'Aisne"
)

type harness struct {
	t    *testing.T
	ctx  context.Context
	s    store.Store
	open func(t *testing.T) store.Store
}

func newHarness(t *testing.T, open func(t *testing.T) store.Store) *harness {
	h := &harness{t: t, ctx: t.Context(), open: open}
	h.s = h.fresh()
	return h
}

// fresh opens another empty store.
func (h *harness) fresh() store.Store {
	s := h.open(h.t)
	h.t.Cleanup(func() {
		if err := s.Close(); err != nil {
			h.t.Errorf("Close: %v", err)
		}
	})
	return s
}

// begin starts a scan with a known ID at a given time.
func (h *harness) begin(s store.Store, id string, at time.Time) {
	h.t.Helper()
	sc := &store.Scan{ID: id, Started: at, Version: "test", Targets: 2}
	if err := s.BeginScan(h.ctx, sc); err != nil {
		h.t.Fatalf("BeginScan(%s): %v", id, err)
	}
}

// scans begins scan1... at t0, t1...
func (h *harness) scans(s store.Store, n int) {
	h.t.Helper()
	for i := range n {
		h.begin(s, scanID(i+1), t0.Add(time.Duration(i)*24*time.Hour))
	}
}

func scanID(i int) string { return fmt.Sprintf("scan%d", i) }

func site(url string) store.SiteResult {
	org := orgA
	if url == siteB {
		org = orgB
	}
	return store.SiteResult{
		URL: url, Organisation: org, Tags: []string{"prefecture"},
		Pages: 12, Forms: 3, PersonalForms: 2,
		Started: t0, Ended: t0.Add(time.Minute),
		HTTPObservatory: json.RawMessage(`{"score":80,"grade":"B+","version":"v","tests":{}}`),
	}
}

func failed(url string) store.SiteResult {
	s := site(url)
	s.Error, s.ErrorKind = "dial tcp: i/o timeout", "timeout"
	s.Pages, s.Forms, s.PersonalForms = 0, 0, 0
	s.HTTPObservatory = nil
	return s
}

// fnd returns a finding of check at location of a site.
func fnd(siteURL, check, location string, sev finding.Severity) finding.Finding {
	return finding.Finding{
		ID:         finding.MakeID(check, siteURL, location),
		Check:      check,
		Severity:   sev,
		Confidence: finding.Firm,
		Site:       siteURL,
		URL:        siteURL + strings.TrimPrefix(location, "/"),
		Title:      "Title of " + check,
		Location:   location,
		Detail:     map[string]any{"method": "post"},
		Legal:      []string{"GDPR art. 32"},
	}
}

var (
	a1 = fnd(siteA, "form.http-page", "/contact#form=0", finding.High)
	a2 = fnd(siteA, "tls.protocol-legacy", "/", finding.Medium)
	a3 = fnd(siteA, "form.http-action", "/rdv#form=1", finding.Critical)
	b1 = fnd(siteB, "form.http-page", "/contact#form=0", finding.High)
	b2 = fnd(siteB, "headers.hsts-missing", "/", finding.Low)
)

func (h *harness) record(s store.Store, scan string, st store.SiteResult, fs ...finding.Finding) ([]finding.Finding, []store.Change) {
	h.t.Helper()
	got, changes, err := s.RecordSite(h.ctx, scan, st, fs)
	if err != nil {
		h.t.Fatalf("RecordSite(%s, %s): %v", scan, st.URL, err)
	}
	return got, changes
}

func (h *harness) findings(s store.Store, f store.Filter) []finding.Finding {
	h.t.Helper()
	fs, err := s.Findings(h.ctx, f)
	if err != nil {
		h.t.Fatalf("Findings(%+v): %v", f, err)
	}
	return fs
}

func (h *harness) diff(s store.Store, scan string) *store.Diff {
	h.t.Helper()
	d, err := s.Diff(h.ctx, scan)
	if err != nil {
		h.t.Fatalf("Diff(%s): %v", scan, err)
	}
	return d
}

// byID returns the finding with id among fs.
func (h *harness) byID(fs []finding.Finding, id string) finding.Finding {
	h.t.Helper()
	for _, f := range fs {
		if f.ID == id {
			return f
		}
	}
	h.t.Fatalf("finding %s not in %v", id, ids(fs))
	return finding.Finding{}
}

func ids(fs []finding.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func idsOf(fs ...finding.Finding) []string { return ids(fs) }

func changeList(cs []store.Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Kind+":"+c.Finding.ID)
	}
	return out
}

func tp(t time.Time) *time.Time { return &t }

// want is f as history should report it.
func want(f finding.Finding, scan string, first, last time.Time, fixed, regressed *time.Time) finding.Finding {
	f.Scan, f.FirstSeen, f.LastSeen, f.FixedAt, f.RegressedAt = scan, first, last, fixed, regressed
	if f.Organisation == "" {
		f.Organisation = orgA
		if f.Site == siteB {
			f.Organisation = orgB
		}
	}
	return f
}

// same compares findings through their JSON records, the public form.
func (h *harness) same(what string, got, want []finding.Finding) {
	h.t.Helper()
	g, w := jsonLines(got), jsonLines(want)
	if g != w {
		h.t.Errorf("%s:\ngot\n%s\nwant\n%s", what, g, w)
	}
}

func jsonLines(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		if f.FirstSeen.Location() != time.UTC || f.LastSeen.Location() != time.UTC {
			b.WriteString("(times not in UTC) ")
		}
		j, err := json.Marshal(f)
		if err != nil {
			return err.Error()
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if got == nil {
		got = []string{}
	}
	if want == nil {
		want = []string{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func testBeginEndScan(t *testing.T, h *harness) {
	sc := &store.Scan{
		Started:  t0.In(time.FixedZone("CET", 3600)),
		Version:  "v0.1.0",
		Settings: map[string]string{"profile": "passive", "max-pages": "50"},
		Targets:  3,
	}
	if err := h.s.BeginScan(h.ctx, sc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sc.ID, "20261126T113000Z-") {
		t.Errorf("assigned ID %q, want a time-sortable ID from the start time", sc.ID)
	}
	got, err := h.s.Scan(h.ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != sc.ID || !got.Started.Equal(t0) || got.Started.Location() != time.UTC ||
		!got.Ended.IsZero() || got.Version != "v0.1.0" || got.Targets != 3 ||
		!reflect.DeepEqual(got.Settings, sc.Settings) {
		t.Errorf("Scan = %+v, want %+v, running, in UTC", got, sc)
	}
	if err := h.s.EndScan(h.ctx, sc.ID, t0.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, err = h.s.Scan(h.ctx, sc.ID); err != nil {
		t.Fatal(err)
	} else if !got.Ended.Equal(t0.Add(90 * time.Second)) {
		t.Errorf("Ended = %v, want %v", got.Ended, t0.Add(90*time.Second))
	}

	dup := &store.Scan{ID: sc.ID, Started: t1}
	if err := h.s.BeginScan(h.ctx, dup); !errors.Is(err, store.ErrExists) {
		t.Errorf("BeginScan with a taken ID: %v, want ErrExists", err)
	}

	before := time.Now()
	now := &store.Scan{}
	if err := h.s.BeginScan(h.ctx, now); err != nil {
		t.Fatal(err)
	}
	if now.ID == "" || now.Started.Before(before.Add(-time.Second)) || now.Started.After(time.Now().Add(time.Second)) {
		t.Errorf("BeginScan of a zero Scan set ID %q, Started %v; want a new ID and now", now.ID, now.Started)
	}
	if got, err := h.s.Scan(h.ctx, now.ID); err != nil {
		t.Fatal(err)
	} else if len(got.Settings) != 0 {
		t.Errorf("Settings = %v, want none", got.Settings)
	}
}

func testNewFindings(t *testing.T, h *harness) {
	h.scans(h.s, 1)
	noID := a2
	noID.ID = ""
	got, changes := h.record(h.s, "scan1", site(siteA), a1, noID, a1)
	wantFs := []finding.Finding{
		want(a1, "scan1", t0, t0, nil, nil),
		want(a2, "scan1", t0, t0, nil, nil),
	}
	h.same("RecordSite findings", got, wantFs)
	equalStrings(t, "changes", changeList(changes), []string{"new:" + a1.ID, "new:" + a2.ID})
	for _, c := range changes {
		if c.Finding.FirstSeen.IsZero() || c.Finding.Scan != "scan1" {
			t.Errorf("change %s carries finding %+v without history", c.Kind, c.Finding)
		}
	}
	h.same("Findings", h.findings(h.s, store.Filter{}), wantFs)
}

func testLastSeen(t *testing.T, h *harness) {
	h.scans(h.s, 2)
	h.record(h.s, "scan1", site(siteA), a1, a2)
	got, changes := h.record(h.s, "scan2", site(siteA), a1, a2)
	wantFs := []finding.Finding{
		want(a1, "scan2", t0, t1, nil, nil),
		want(a2, "scan2", t0, t1, nil, nil),
	}
	h.same("RecordSite findings", got, wantFs)
	equalStrings(t, "changes", changeList(changes), nil)
	h.same("Findings", h.findings(h.s, store.Filter{}), wantFs)
}

func testFixedWhenAbsent(t *testing.T, h *harness) {
	h.scans(h.s, 3)
	h.record(h.s, "scan1", site(siteA), a1, a2)
	got, changes := h.record(h.s, "scan2", site(siteA), a1)
	h.same("RecordSite findings", got, []finding.Finding{want(a1, "scan2", t0, t1, nil, nil)})
	equalStrings(t, "changes", changeList(changes), []string{"fixed:" + a2.ID})
	if len(changes) == 1 {
		h.same("fixed finding", []finding.Finding{changes[0].Finding},
			[]finding.Finding{want(a2, "scan1", t0, t0, tp(t1), nil)})
	}
	h.same("open findings", h.findings(h.s, store.Filter{Open: true}),
		[]finding.Finding{want(a1, "scan2", t0, t1, nil, nil)})
	h.same("all findings", h.findings(h.s, store.Filter{}), []finding.Finding{
		want(a1, "scan2", t0, t1, nil, nil),
		want(a2, "scan1", t0, t0, tp(t1), nil),
	})

	// Still absent: stays fixed at the first audit that missed it.
	_, changes = h.record(h.s, "scan3", site(siteA), a1)
	equalStrings(t, "changes of scan3", changeList(changes), nil)
	h.same("fixed finding after scan3", []finding.Finding{h.byID(h.findings(h.s, store.Filter{}), a2.ID)},
		[]finding.Finding{want(a2, "scan1", t0, t0, tp(t1), nil)})
}

func testFailedSiteFixesNothing(t *testing.T, h *harness) {
	h.scans(h.s, 3)
	h.record(h.s, "scan1", site(siteA), a1, a2)
	got, changes := h.record(h.s, "scan2", failed(siteA))
	if len(got) != 0 {
		t.Errorf("RecordSite of a failed site returned %v", ids(got))
	}
	equalStrings(t, "changes of the failed audit", changeList(changes), nil)
	h.same("findings after the failed audit", h.findings(h.s, store.Filter{Open: true}), []finding.Finding{
		want(a1, "scan1", t0, t0, nil, nil),
		want(a2, "scan1", t0, t0, nil, nil),
	})
	equalStrings(t, "Diff(scan2).Fixed", ids(h.diff(h.s, "scan2").Fixed), nil)

	// The next successful audit fixes what it misses, at its own time.
	_, changes = h.record(h.s, "scan3", site(siteA), a1)
	equalStrings(t, "changes of scan3", changeList(changes), []string{"fixed:" + a2.ID})
	h.same("findings after scan3", h.findings(h.s, store.Filter{}), []finding.Finding{
		want(a1, "scan3", t0, t2, nil, nil),
		want(a2, "scan1", t0, t0, tp(t2), nil),
	})
}

func testRegressed(t *testing.T, h *harness) {
	h.scans(h.s, 4)
	h.record(h.s, "scan1", site(siteA), a1)
	h.record(h.s, "scan2", site(siteA))
	got, changes := h.record(h.s, "scan3", site(siteA), a1)
	wantA1 := want(a1, "scan3", t0, t2, nil, tp(t2))
	h.same("RecordSite findings", got, []finding.Finding{wantA1})
	equalStrings(t, "changes", changeList(changes), []string{"regressed:" + a1.ID})
	if len(changes) == 1 {
		h.same("regressed finding", []finding.Finding{changes[0].Finding}, []finding.Finding{wantA1})
	}
	h.same("Findings", h.findings(h.s, store.Filter{}), []finding.Finding{wantA1})

	// Fixed again: the regression date stays as history.
	_, changes = h.record(h.s, "scan4", site(siteA))
	equalStrings(t, "changes of scan4", changeList(changes), []string{"fixed:" + a1.ID})
	h.same("Findings after scan4", h.findings(h.s, store.Filter{}),
		[]finding.Finding{want(a1, "scan3", t0, t2, tp(t3), tp(t2))})
}

func testSitesAreIndependent(t *testing.T, h *harness) {
	h.scans(h.s, 2)
	h.record(h.s, "scan1", site(siteA), a1)
	h.record(h.s, "scan1", site(siteB), b1, b2)
	_, changes := h.record(h.s, "scan2", site(siteA))
	equalStrings(t, "changes", changeList(changes), []string{"fixed:" + a1.ID})
	h.same("open findings", h.findings(h.s, store.Filter{Open: true}), []finding.Finding{
		want(b1, "scan1", t0, t0, nil, nil),
		want(b2, "scan1", t0, t0, nil, nil),
	})
}

func testIdempotentRerecord(t *testing.T, h *harness) {
	h.scans(h.s, 3)
	steps := []struct {
		scan  string
		site  store.SiteResult
		fs    []finding.Finding
		wantC []string
	}{
		{"scan1", site(siteA), []finding.Finding{a1, a2}, []string{"new:" + a1.ID, "new:" + a2.ID}},
		{"scan1", site(siteB), []finding.Finding{b1}, []string{"new:" + b1.ID}},
		{"scan2", site(siteA), []finding.Finding{a1}, []string{"fixed:" + a2.ID}},
		{"scan2", failed(siteB), nil, nil},
		{"scan3", site(siteA), []finding.Finding{a1, a2}, []string{"regressed:" + a2.ID}},
	}
	for _, st := range steps {
		got1, c1 := h.record(h.s, st.scan, st.site, st.fs...)
		before := h.snapshot(h.s, 3)
		got2, c2 := h.record(h.s, st.scan, st.site, st.fs...)
		after := h.snapshot(h.s, 3)
		what := st.scan + " " + st.site.URL
		equalStrings(t, what+" changes", changeList(c1), st.wantC)
		h.same(what+" findings of the second delivery", got2, got1)
		if !reflect.DeepEqual(changeList(c1), changeList(c2)) {
			t.Errorf("%s: changes of the second delivery %v, first %v", what, changeList(c2), changeList(c1))
		}
		if after != before {
			t.Errorf("%s: recording twice changed the state:\nonce\n%s\ntwice\n%s", what, before, after)
		}
	}
	if sites, err := h.s.Sites(h.ctx, "scan1"); err != nil {
		t.Fatal(err)
	} else if len(sites) != 2 {
		t.Errorf("Sites(scan1) lists %d sites, want 2", len(sites))
	}
}

// testRedeliveryReplaces records a history twice: once plainly, once with
// each site first delivered differently (other findings, a failure, a
// success instead of a failure) and then as in the plain history. Both
// stores must end in the same state.
func testRedeliveryReplaces(t *testing.T, h *harness) {
	type delivery struct {
		site store.SiteResult
		fs   []finding.Finding
	}
	steps := []struct {
		scan        string
		first, last delivery
	}{
		{"scan1", delivery{site(siteA), []finding.Finding{a1}}, delivery{site(siteA), []finding.Finding{a1, a2}}},
		{"scan1", delivery{site(siteB), []finding.Finding{b1, b2}}, delivery{failed(siteB), nil}},
		{"scan2", delivery{site(siteA), []finding.Finding{a3}}, delivery{site(siteA), []finding.Finding{a1}}},
		{"scan2", delivery{site(siteB), nil}, delivery{site(siteB), []finding.Finding{b1}}},
		{"scan3", delivery{failed(siteA), nil}, delivery{site(siteA), []finding.Finding{a2}}},
		{"scan3", delivery{site(siteB), []finding.Finding{b1, b2}}, delivery{failed(siteB), nil}},
		{"scan4", delivery{site(siteA), nil}, delivery{site(siteA), []finding.Finding{a1, a2, a3}}},
	}
	plain, redelivered := h.s, h.fresh()
	h.scans(plain, 4)
	h.scans(redelivered, 4)
	for _, st := range steps {
		wantFs, wantC := h.record(plain, st.scan, st.last.site, st.last.fs...)
		h.record(redelivered, st.scan, st.first.site, st.first.fs...)
		gotFs, gotC := h.record(redelivered, st.scan, st.last.site, st.last.fs...)
		what := st.scan + " " + st.last.site.URL
		h.same(what+" findings", gotFs, wantFs)
		equalStrings(t, what+" changes", changeList(gotC), changeList(wantC))
		if w, g := h.snapshot(plain, 4), h.snapshot(redelivered, 4); w != g {
			t.Fatalf("%s: state after a redelivery differs:\nwant\n%s\ngot\n%s", what, w, g)
		}
	}
	// The plain history itself, to be sure it is not trivially equal.
	d := h.diff(plain, "scan4")
	equalStrings(t, "Diff(scan4).New", ids(d.New), idsOf(a3))
	equalStrings(t, "Diff(scan4).Regressed", ids(d.Regressed), idsOf(a1))
}

// snapshot renders everything a store tells about scans 1..n.
func (h *harness) snapshot(s store.Store, n int) string {
	h.t.Helper()
	var b strings.Builder
	b.WriteString("findings:\n" + jsonLines(h.findings(s, store.Filter{})))
	for i := 1; i <= n; i++ {
		id := scanID(i)
		d := h.diff(s, id)
		fmt.Fprintf(&b, "diff %s since %q:\nnew\n%sfixed\n%sregressed\n%s", id, d.Since,
			jsonLines(d.New), jsonLines(d.Fixed), jsonLines(d.Regressed))
		fmt.Fprintf(&b, "seen in %s:\n%s", id, jsonLines(h.findings(s, store.Filter{Scan: id})))
		sites, err := s.Sites(h.ctx, id)
		if err != nil {
			h.t.Fatalf("Sites(%s): %v", id, err)
		}
		for _, st := range sites {
			fmt.Fprintf(&b, "site %+v\n", st)
		}
	}
	return b.String()
}

func testDiffPerScan(t *testing.T, h *harness) {
	h.scans(h.s, 4)
	h.begin(h.s, "scan5", t4)
	h.record(h.s, "scan1", site(siteA), a1, a2)
	h.record(h.s, "scan1", site(siteB), b1)
	h.record(h.s, "scan2", site(siteA), a1, a3) // a2 fixed, a3 new
	h.record(h.s, "scan3", site(siteA), a2, a3) // a2 regressed, a1 fixed
	h.record(h.s, "scan3", failed(siteB))       // nothing
	h.record(h.s, "scan4", site(siteB), b2)     // b1 fixed, b2 new
	h.record(h.s, "scan5", site(siteA), a2, a3)

	for _, tc := range []struct {
		scan, since           string
		new, fixed, regressed []string
	}{
		{"scan1", "", idsOf(a1, a2, b1), nil, nil},
		{"scan2", "scan1", idsOf(a3), idsOf(a2), nil},
		{"scan3", "scan2", nil, idsOf(a1), idsOf(a2)},
		// scan4 audited siteB only: its predecessor is the last scan of siteB.
		{"scan4", "scan3", idsOf(b2), idsOf(b1), nil},
		{"scan5", "scan3", nil, nil, nil},
	} {
		d := h.diff(h.s, tc.scan)
		if d.Scan != tc.scan || d.Since != tc.since {
			t.Errorf("Diff(%s) scan %q since %q, want since %q", tc.scan, d.Scan, d.Since, tc.since)
		}
		equalStrings(t, "Diff("+tc.scan+").New", ids(d.New), sortLike(tc.new))
		equalStrings(t, "Diff("+tc.scan+").Fixed", ids(d.Fixed), sortLike(tc.fixed))
		equalStrings(t, "Diff("+tc.scan+").Regressed", ids(d.Regressed), sortLike(tc.regressed))
	}
	d := h.diff(h.s, "scan2")
	if len(d.Fixed) == 1 {
		h.same("Diff(scan2).Fixed in its current state", d.Fixed,
			[]finding.Finding{want(a2, "scan5", t0, t4, nil, tp(t2))})
	}
	// A scan with no site yet has no predecessor.
	h.begin(h.s, "scan6", t4.Add(time.Hour))
	if d := h.diff(h.s, "scan6"); d.Since != "" || len(d.New)+len(d.Fixed)+len(d.Regressed) != 0 {
		t.Errorf("Diff of an empty scan = %+v", d)
	}
}

// sortLike orders ids as the store orders findings: by site, check,
// location, ID.
func sortLike(want []string) []string {
	fs := []finding.Finding{a1, a2, a3, b1, b2}
	key := func(f finding.Finding) string {
		return f.Site + "\x00" + f.Check + "\x00" + f.Location + "\x00" + f.ID
	}
	sort.Slice(fs, func(i, j int) bool { return key(fs[i]) < key(fs[j]) })
	var out []string
	for _, f := range fs {
		if slices.Contains(want, f.ID) {
			out = append(out, f.ID)
		}
	}
	return out
}

func testFindingsFilters(t *testing.T, h *harness) {
	h.scans(h.s, 2)
	h.record(h.s, "scan1", site(siteA), a1, a2, a3)
	h.record(h.s, "scan1", site(siteB), b1, b2)
	h.record(h.s, "scan2", site(siteA), a1) // a2, a3 fixed

	for _, tc := range []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"all", store.Filter{}, idsOf(a3, a1, a2, b1, b2)},
		{"site", store.Filter{Site: siteB}, idsOf(b1, b2)},
		{"check", store.Filter{Check: "form.http-page"}, idsOf(a1, b1)},
		{"organisation", store.Filter{Organisation: orgA}, idsOf(a3, a1, a2)},
		{"min severity high", store.Filter{MinSeverity: finding.High}, idsOf(a3, a1, b1)},
		{"min severity info", store.Filter{MinSeverity: finding.Info}, idsOf(a3, a1, a2, b1, b2)},
		{"min severity none", store.Filter{MinSeverity: finding.Critical + 1}, nil},
		{"open", store.Filter{Open: true}, idsOf(a1, b1, b2)},
		{"scan1", store.Filter{Scan: "scan1"}, idsOf(a3, a1, a2, b1, b2)},
		{"scan2", store.Filter{Scan: "scan2"}, idsOf(a1)},
		{"open high in scan1", store.Filter{Scan: "scan1", Open: true, MinSeverity: finding.High}, idsOf(a1, b1)},
		{"site and check", store.Filter{Site: siteA, Check: "tls.protocol-legacy"}, idsOf(a2)},
		{"no match", store.Filter{Site: siteA, Organisation: orgB}, nil},
		{"limit", store.Filter{Limit: 2}, idsOf(a3, a1)},
		{"limit above count", store.Filter{Site: siteB, Limit: 10}, idsOf(b1, b2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := h.findings(h.s, tc.f)
			equalStrings(t, "Findings", ids(got), tc.want)
			for _, f := range got {
				if tc.f.Scan != "" && f.Scan != tc.f.Scan {
					t.Errorf("finding %s has Scan %q, want the filter's %q", f.ID, f.Scan, tc.f.Scan)
				}
			}
		})
	}
	if got := h.byID(h.findings(h.s, store.Filter{}), a2.ID); got.Scan != "scan1" {
		t.Errorf("fixed finding has Scan %q, want the last scan that saw it", got.Scan)
	}
}

func testScansOrder(t *testing.T, h *harness) {
	h.begin(h.s, "b", t1)
	h.begin(h.s, "c", t2)
	h.begin(h.s, "a", t0)
	for _, tc := range []struct {
		limit int
		want  []string
	}{
		{0, []string{"c", "b", "a"}},
		{-1, []string{"c", "b", "a"}},
		{2, []string{"c", "b"}},
		{5, []string{"c", "b", "a"}},
	} {
		scans, err := h.s.Scans(h.ctx, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range scans {
			got = append(got, s.ID)
		}
		equalStrings(t, fmt.Sprintf("Scans(%d)", tc.limit), got, tc.want)
	}
	empty := h.fresh()
	if scans, err := empty.Scans(h.ctx, 0); err != nil || len(scans) != 0 {
		t.Errorf("Scans of an empty store = %v, %v", scans, err)
	}
}

func testSites(t *testing.T, h *harness) {
	h.scans(h.s, 2)
	b := failed(siteB)
	b.Started, b.Ended = t0.Add(time.Second), t0.Add(31*time.Second)
	a := site(siteA)
	a.Tags = []string{"prefecture", "dept:01"}
	// The retention statements of its notices are kept with the site.
	a.Retention = []observation.RetentionStatement{
		{Sentence: "Les messages sont conservés 20 ans", Days: 7300, Topic: "contact", URL: siteA + "mentions-legales"},
		{Sentence: "Les données des adhérents sont conservées sans limitation de durée", Unlimited: true, URL: siteA + "rgpd"},
	}
	// So is where it is hosted.
	a.Hosting = &observation.Hosting{Host: "www.ain.gouv.fr", DNSServer: "127.0.0.1:5353",
		CNAMEs: []string{"front.ain.gouv.fr"}, Provider: "ovhcloud", ProviderName: "OVHcloud",
		Clues: []string{"as:16276"}, Countries: []string{"FR"}, Jurisdiction: "eea", HDS: "listed", HDSEntry: "OVHcloud"}
	h.record(h.s, "scan1", b)
	h.record(h.s, "scan1", a, a1)
	noTags := site(siteA)
	noTags.Tags = nil
	noTags.HTTPObservatory = nil // not graded
	h.record(h.s, "scan2", noTags)

	check := func(scan string, want []store.SiteResult) {
		t.Helper()
		got, err := h.s.Sites(h.ctx, scan)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("Sites(%s) = %+v, want %+v", scan, got, want)
		}
		for i := range got {
			g, w := got[i], want[i]
			if !g.Started.Equal(w.Started) || !g.Ended.Equal(w.Ended) {
				t.Errorf("Sites(%s)[%d] times %v–%v, want %v–%v", scan, i, g.Started, g.Ended, w.Started, w.Ended)
			}
			g.Started, g.Ended, w.Started, w.Ended = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if len(g.Tags) == 0 && len(w.Tags) == 0 {
				g.Tags, w.Tags = nil, nil
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("Sites(%s)[%d] = %+v, want %+v", scan, i, g, w)
			}
		}
	}
	check("scan1", []store.SiteResult{a, b})
	check("scan2", []store.SiteResult{noTags})

	// A redelivery updates the row.
	a.Pages = 99
	a.Retention = a.Retention[:1]
	h.record(h.s, "scan1", a, a1)
	check("scan1", []store.SiteResult{a, b})

	h.begin(h.s, "empty", t3)
	check("empty", nil)
}

func testDetailRoundTrip(t *testing.T, h *harness) {
	h.scans(h.s, 1)
	f := a1
	f.Organisation = "Ministère de l'Intérieur"
	f.Detail = map[string]any{
		"form_action": "http://www.ain.gouv.fr/contact/envoi?x=1&y=é",
		"method":      "post",
		"fields": []any{
			map[string]any{"name": "nom", "category": "identity"},
			map[string]any{"name": "nir", "category": "national-id", "required": true},
		},
		"count":  3.0,
		"ratio":  0.25,
		"secure": false,
		"none":   nil,
		"quote":  `"'; DROP TABLE findings; --`,
	}
	f.Legal = []string{"GDPR art. 5(1)(f)", "GDPR art. 32"}
	f.Evidence = []string{"warc:scan1.warc.gz#sha256:0f3c"}
	bare := a2
	bare.Detail, bare.Legal, bare.Evidence, bare.URL, bare.Title, bare.Confidence = nil, nil, nil, "", "", ""
	got, _ := h.record(h.s, "scan1", site(siteA), f, bare)
	wantFs := []finding.Finding{want(f, "scan1", t0, t0, nil, nil), want(bare, "scan1", t0, t0, nil, nil)}
	h.same("RecordSite findings", got, wantFs)
	h.same("Findings", h.findings(h.s, store.Filter{}), wantFs)
}

func testPrepareFindings(t *testing.T, h *harness) {
	h.scans(h.s, 1)
	other := b1
	if _, _, err := h.s.RecordSite(h.ctx, "scan1", site(siteA), []finding.Finding{a1, other}); err == nil {
		t.Error("RecordSite accepted a finding of another site")
	}
	bad := a1
	bad.Severity = 0
	if _, _, err := h.s.RecordSite(h.ctx, "scan1", site(siteA), []finding.Finding{bad}); err == nil {
		t.Error("RecordSite accepted a finding without severity")
	}
	if _, _, err := h.s.RecordSite(h.ctx, "scan1", store.SiteResult{}, nil); err == nil {
		t.Error("RecordSite accepted a site without URL")
	}
	if fs := h.findings(h.s, store.Filter{}); len(fs) != 0 {
		t.Errorf("rejected records left findings %v", ids(fs))
	}
	// Spellings of the same site are accepted and stored under the site's URL.
	alias := a1
	alias.Site = "HTTPS://WWW.AIN.GOUV.FR"
	alias.Organisation = ""
	got, _ := h.record(h.s, "scan1", site(siteA), alias)
	if len(got) != 1 || got[0].Site != siteA || got[0].Organisation != orgA {
		t.Errorf("RecordSite returned %+v, want site %q and organisation %q", got, siteA, orgA)
	}
}

func testNotFound(t *testing.T, h *harness) {
	h.begin(h.s, "known", t0)
	for name, err := range map[string]error{
		"Scan":    func() error { _, err := h.s.Scan(h.ctx, "nope"); return err }(),
		"EndScan": h.s.EndScan(h.ctx, "nope", t1),
		"RecordSite": func() error {
			_, _, err := h.s.RecordSite(h.ctx, "nope", site(siteA), []finding.Finding{a1})
			return err
		}(),
		"Sites":    func() error { _, err := h.s.Sites(h.ctx, "nope"); return err }(),
		"Findings": func() error { _, err := h.s.Findings(h.ctx, store.Filter{Scan: "nope"}); return err }(),
		"Diff":     func() error { _, err := h.s.Diff(h.ctx, "nope"); return err }(),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s of an unknown scan: %v, want ErrNotFound", name, err)
		} else if !strings.Contains(err.Error(), "nope") {
			t.Errorf("%s: error %q does not name the scan", name, err)
		}
	}
	if fs := h.findings(h.s, store.Filter{}); len(fs) != 0 {
		t.Errorf("RecordSite of an unknown scan stored %v", ids(fs))
	}
}

func testConcurrent(t *testing.T, h *harness) {
	h.scans(h.s, 1)
	const workers, perWorker = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				url := fmt.Sprintf("https://site-%02d-%02d.example.fr/", w, i)
				st := store.SiteResult{URL: url, Started: t0, Ended: t0}
				fs := []finding.Finding{
					fnd(url, "form.http-page", "/#form=0", finding.High),
					fnd(url, "tls.protocol-legacy", "/", finding.Medium),
				}
				if _, _, err := h.s.RecordSite(h.ctx, "scan1", st, fs); err != nil {
					errs <- err
					return
				}
				if _, err := h.s.Findings(h.ctx, store.Filter{Site: url}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if sites, err := h.s.Sites(h.ctx, "scan1"); err != nil || len(sites) != workers*perWorker {
		t.Errorf("Sites = %d sites, %v; want %d", len(sites), err, workers*perWorker)
	}
	if d := h.diff(h.s, "scan1"); len(d.New) != 2*workers*perWorker {
		t.Errorf("Diff(scan1).New has %d findings, want %d", len(d.New), 2*workers*perWorker)
	}
}
