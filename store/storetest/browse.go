package storetest

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"testing"
	"time"

	"vigie/finding"
	"vigie/store"
)

// BrowseStore is a back end under RunBrowse.
type BrowseStore interface {
	store.Store
	store.Browser
}

// RunBrowse runs the suite of store.Browser over a recorded history. open
// must return an empty store; RunBrowse closes every store it returns.
func RunBrowse(t *testing.T, open func(t *testing.T) BrowseStore) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, h *harness, b store.Browser)
	}{
		{"Query", testQuery},
		{"Finding", testFinding},
		{"SiteSummaries", testSiteSummaries},
		{"SiteHistory", testSiteHistory},
		{"ScanSummaries", testScanSummaries},
		{"StoredScanSummaries", testStoredScanSummaries},
		{"UnexaminedScanSummaries", testUnexaminedScanSummaries},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(t *testing.T) store.Store { return open(t) })
			tc.run(t, h, h.s.(store.Browser))
		})
	}
}

const (
	siteC = "https://www.cantal.gouv.fr/"
	siteD = "https://www.drome.gouv.fr/"
	siteE = "https://www.eure.gouv.fr/"
	orgC  = "Préfecture du Cantal"
	orgD  = "Préfecture de la Drôme"
	orgE  = "Préfecture de l'Eure"
)

// The history browsed: a `_` in c1's URL and a `%` in its title; d1 stays
// open through a failed audit; e1 is fixed.
var (
	c1 = func() finding.Finding {
		f := fnd(siteC, "form.http-page", "/mon_compte#form=0", finding.Medium)
		f.Title = "Formulaire envoyé à 100% en clair"
		return f
	}()
	d1 = fnd(siteD, "headers.hsts-missing", "/", finding.High)
	e1 = fnd(siteE, "headers.csp-missing", "/", finding.Low)

	// browsed lists the history's findings in list order.
	browsed = []finding.Finding{a3, a1, a2, b1, b2, c1, d1, e1}
)

// audit is a site as one scan audited it: its own tags and start time.
func audit(url, org string, at time.Time, tags ...string) store.SiteResult {
	return store.SiteResult{URL: url, Organisation: org, Tags: tags, Pages: 5, Forms: 1,
		Started: at.Add(time.Minute), Ended: at.Add(2 * time.Minute)}
}

func failedAudit(url, org string, at time.Time, tags ...string) store.SiteResult {
	s := audit(url, org, at, tags...)
	s.Error, s.ErrorKind, s.Pages, s.Forms = "dial tcp: i/o timeout", "timeout", 0, 0
	return s
}

// browseHistory records the history and a fourth scan without sites:
//
//	scan1 (t0): A a1 a2 a3 new; B b1 b2 new; D d1 new, tagged "old"
//	scan2 (t1): A a1 (a2, a3 fixed); B failed; E e1 new
//	scan3 (t2): A a1 a2 (a2 regressed); B b1 (b2 fixed); C c1 new;
//	            D failed, now tagged "dept:2"; E clean (e1 fixed)
func browseHistory(h *harness) {
	h.scans(h.s, 3)
	h.begin(h.s, "scan4", t3)
	tagsA := []string{"prefecture", "dept:13"}
	tagsB := []string{"prefecture", "dept:1"}
	tagsC := []string{`q"x`, "50%_off"}
	h.record(h.s, "scan1", audit(siteA, orgA, t0, tagsA...), a1, a2, a3)
	h.record(h.s, "scan1", audit(siteB, orgB, t0, tagsB...), b1, b2)
	h.record(h.s, "scan1", audit(siteD, orgD, t0, "old"), d1)
	h.record(h.s, "scan2", audit(siteA, orgA, t1, tagsA...), a1)
	h.record(h.s, "scan2", failedAudit(siteB, orgB, t1, tagsB...))
	h.record(h.s, "scan2", audit(siteE, orgE, t1), e1)
	h.record(h.s, "scan3", audit(siteA, orgA, t2, tagsA...), a1, a2)
	h.record(h.s, "scan3", audit(siteB, orgB, t2, tagsB...), b1)
	h.record(h.s, "scan3", audit(siteC, orgC, t2, tagsC...), c1)
	h.record(h.s, "scan3", failedAudit(siteD, orgD, t2, "dept:2"))
	h.record(h.s, "scan3", audit(siteE, orgE, t2))
}

// listOrder returns the IDs of fs sorted as stores list findings.
func listOrder(fs ...finding.Finding) []string {
	fs = append([]finding.Finding(nil), fs...)
	key := func(f finding.Finding) string {
		return f.Site + "\x00" + f.Check + "\x00" + f.Location + "\x00" + f.ID
	}
	sort.Slice(fs, func(i, j int) bool { return key(fs[i]) < key(fs[j]) })
	return ids(fs)
}

func testQuery(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	if got := listOrder(browsed...); !reflect.DeepEqual(got, ids(browsed)) {
		t.Fatalf("the scenario's list order is %v, not %v", got, ids(browsed))
	}
	for _, tc := range []struct {
		name  string
		q     store.Query
		want  []finding.Finding
		total int // when not len(want)
	}{
		{"all", store.Query{}, browsed, 0},
		{"site", store.Query{Filter: store.Filter{Site: siteB}}, []finding.Finding{b1, b2}, 0},
		{"check", store.Query{Filter: store.Filter{Check: "form.http-page"}}, []finding.Finding{a1, b1, c1}, 0},
		{"organisation", store.Query{Filter: store.Filter{Organisation: orgA}}, []finding.Finding{a3, a1, a2}, 0},
		{"min severity", store.Query{Filter: store.Filter{MinSeverity: finding.High}}, []finding.Finding{a3, a1, b1, d1}, 0},
		{"min severity above critical", store.Query{Filter: store.Filter{MinSeverity: finding.Critical + 1}}, nil, 0},
		{"open", store.Query{Filter: store.Filter{Open: true}}, []finding.Finding{a1, a2, b1, c1, d1}, 0},
		{"scan1", store.Query{Filter: store.Filter{Scan: "scan1"}}, []finding.Finding{a3, a1, a2, b1, b2, d1}, 0},
		{"scan2", store.Query{Filter: store.Filter{Scan: "scan2"}}, []finding.Finding{a1, e1}, 0},
		{"empty scan", store.Query{Filter: store.Filter{Scan: "scan4"}}, nil, 0},

		{"tag of two sites", store.Query{Tag: "prefecture"}, []finding.Finding{a3, a1, a2, b1, b2}, 0},
		{"tag not its longer neighbour", store.Query{Tag: "dept:1"}, []finding.Finding{b1, b2}, 0},
		{"tag longer", store.Query{Tag: "dept:13"}, []finding.Finding{a3, a1, a2}, 0},
		{"tag prefix", store.Query{Tag: "dept:"}, nil, 0},
		{"tag suffix", store.Query{Tag: "1"}, nil, 0},
		{"tag underscore is no wildcard", store.Query{Tag: "dept_1"}, nil, 0},
		{"tag percent is no wildcard", store.Query{Tag: "dept:%"}, nil, 0},
		{"tag is case sensitive", store.Query{Tag: "Dept:1"}, nil, 0},
		{"tag with a quote", store.Query{Tag: `q"x`}, []finding.Finding{c1}, 0},
		{"tag part after a quote", store.Query{Tag: "x"}, nil, 0},
		{"tag with wildcards", store.Query{Tag: "50%_off"}, []finding.Finding{c1}, 0},
		{"tag of an older audit", store.Query{Tag: "old"}, nil, 0},
		{"tag of a failed latest audit", store.Query{Tag: "dept:2"}, []finding.Finding{d1}, 0},

		{"state open", store.Query{State: store.StateOpen}, []finding.Finding{a1, a2, b1, c1, d1}, 0},
		{"state fixed", store.Query{State: store.StateFixed}, []finding.Finding{a3, b2, e1}, 0},
		{"state regressed", store.Query{State: store.StateRegressed}, []finding.Finding{a2}, 0},
		{"state fixed and open", store.Query{State: store.StateFixed, Filter: store.Filter{Open: true}}, nil, 0},

		{"text in check, any case", store.Query{Text: "HTTP-PAGE"}, []finding.Finding{a1, b1, c1}, 0},
		{"text in title", store.Query{Text: "en clair"}, []finding.Finding{c1}, 0},
		{"text accented, same case", store.Query{Text: "envoyé"}, []finding.Finding{c1}, 0},
		{"text in URL", store.Query{Text: "WWW.EURE"}, []finding.Finding{e1}, 0},
		{"text percent", store.Query{Text: "%"}, []finding.Finding{c1}, 0},
		{"text with percent", store.Query{Text: "100% en"}, []finding.Finding{c1}, 0},
		{"text percent is no wildcard", store.Query{Text: "form%http"}, nil, 0},
		{"text underscore", store.Query{Text: "_"}, []finding.Finding{c1}, 0},
		{"text underscore is no wildcard", store.Query{Text: "http_page"}, nil, 0},
		{"text escape character", store.Query{Text: "!"}, nil, 0},

		{"since", store.Query{Since: t1}, []finding.Finding{a1, a2, b1, c1, e1}, 0},
		{"since is inclusive", store.Query{Since: t2}, []finding.Finding{a1, a2, b1, c1}, 0},
		{"until is inclusive", store.Query{Until: t0}, []finding.Finding{a3, b2, d1}, 0},
		{"since and until", store.Query{Since: t0.Add(time.Nanosecond), Until: t2.Add(-time.Nanosecond)}, []finding.Finding{e1}, 0},
		{"since after until", store.Query{Since: t2, Until: t1}, nil, 0},

		{"tag, state, severity", store.Query{Tag: "prefecture", State: store.StateOpen, Filter: store.Filter{MinSeverity: finding.High}}, []finding.Finding{a1, b1}, 0},
		{"site and text", store.Query{Filter: store.Filter{Site: siteA}, Text: "tls"}, []finding.Finding{a2}, 0},
		{"organisation and state", store.Query{Filter: store.Filter{Organisation: orgA}, State: store.StateFixed}, []finding.Finding{a3}, 0},
		{"scan, open and tag", store.Query{Filter: store.Filter{Scan: "scan1", Open: true}, Tag: "dept:1"}, []finding.Finding{b1}, 0},
		{"check, since, text", store.Query{Filter: store.Filter{Check: "form.http-page"}, Since: t2, Text: "clair"}, []finding.Finding{c1}, 0},

		{"first page", store.Query{Filter: store.Filter{Limit: 3}}, []finding.Finding{a3, a1, a2}, 8},
		{"middle page", store.Query{Filter: store.Filter{Limit: 3}, Offset: 3}, []finding.Finding{b1, b2, c1}, 8},
		{"last page, short", store.Query{Filter: store.Filter{Limit: 3}, Offset: 6}, []finding.Finding{d1, e1}, 8},
		{"last page, exact", store.Query{Filter: store.Filter{Limit: 4}, Offset: 4}, []finding.Finding{b2, c1, d1, e1}, 8},
		{"one page, exact", store.Query{Filter: store.Filter{Limit: 8}}, browsed, 8},
		{"offset at the end", store.Query{Filter: store.Filter{Limit: 3}, Offset: 8}, nil, 8},
		{"offset past the end", store.Query{Filter: store.Filter{Limit: 3}, Offset: 100}, nil, 8},
		{"offset without limit", store.Query{Offset: 6}, []finding.Finding{d1, e1}, 8},
		{"offset without limit past the end", store.Query{Offset: 9}, nil, 8},
		{"negative offset", store.Query{Filter: store.Filter{Limit: 2}, Offset: -1}, []finding.Finding{a3, a1}, 8},
		{"filtered page", store.Query{Tag: "prefecture", Filter: store.Filter{Limit: 2}, Offset: 4}, []finding.Finding{b2}, 5},
		{"filtered page, exact", store.Query{Tag: "prefecture", Filter: store.Filter{Limit: 5}}, []finding.Finding{a3, a1, a2, b1, b2}, 5},
		{"filtered, past the end", store.Query{State: store.StateRegressed, Offset: 1, Filter: store.Filter{Limit: 10}}, nil, 1},
		{"filtered, nothing", store.Query{Tag: "none", Filter: store.Filter{Limit: 10}, Offset: 10}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := b.Query(h.ctx, tc.q)
			if err != nil {
				t.Fatalf("Query(%+v): %v", tc.q, err)
			}
			equalStrings(t, "Query", ids(got), ids(tc.want))
			want := tc.total
			if want == 0 {
				want = len(tc.want)
			}
			if total != want {
				t.Errorf("Query total = %d, want %d", total, want)
			}
			for _, f := range got {
				if tc.q.Scan != "" && f.Scan != tc.q.Scan {
					t.Errorf("finding %s has Scan %q, want the query's %q", f.ID, f.Scan, tc.q.Scan)
				}
			}
		})
	}
	// Findings come in the state Store.Findings reports.
	all, _, err := b.Query(h.ctx, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	h.same("Query{}", all, h.findings(h.s, store.Filter{}))
	scan1, _, err := b.Query(h.ctx, store.Query{Filter: store.Filter{Scan: "scan1"}})
	if err != nil {
		t.Fatal(err)
	}
	h.same("Query{Scan: scan1}", scan1, h.findings(h.s, store.Filter{Scan: "scan1"}))

	if _, _, err := b.Query(h.ctx, store.Query{Filter: store.Filter{Scan: "nope"}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Query of an unknown scan: %v, want ErrNotFound", err)
	}
	if _, _, err := b.Query(h.ctx, store.Query{State: "closed"}); err == nil {
		t.Error("Query accepted an unknown state")
	}
}

func testFinding(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	for _, f := range browsed {
		got, err := b.Finding(h.ctx, f.ID)
		if err != nil {
			t.Fatalf("Finding(%s): %v", f.ID, err)
		}
		h.same("Finding("+f.ID+")", []finding.Finding{*got}, []finding.Finding{h.byID(h.findings(h.s, store.Filter{}), f.ID)})
	}
	got, err := b.Finding(h.ctx, a2.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.same("regressed finding", []finding.Finding{*got}, []finding.Finding{want(a2, "scan3", t0, t2, nil, tp(t2))})
	if _, err := b.Finding(h.ctx, "0000000000000000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Finding of an unknown ID: %v, want ErrNotFound", err)
	}
}

func sev(counts ...any) map[string]int {
	m := map[string]int{}
	for i := 0; i < len(counts); i += 2 {
		m[counts[i].(finding.Severity).String()] = counts[i+1].(int)
	}
	return m
}

func testSiteSummaries(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	sums := map[string]store.SiteSummary{
		siteA: {URL: siteA, Organisation: orgA, Tags: []string{"prefecture", "dept:13"}, LastScan: "scan3",
			LastAudit: t2.Add(time.Minute), Open: sev(finding.High, 1, finding.Medium, 1)},
		siteB: {URL: siteB, Organisation: orgB, Tags: []string{"prefecture", "dept:1"}, LastScan: "scan3",
			LastAudit: t2.Add(time.Minute), Open: sev(finding.High, 1)},
		siteC: {URL: siteC, Organisation: orgC, Tags: []string{`q"x`, "50%_off"}, LastScan: "scan3",
			LastAudit: t2.Add(time.Minute), Open: sev(finding.Medium, 1)},
		// Its latest audit failed: the finding of the one before stays open.
		siteD: {URL: siteD, Organisation: orgD, Tags: []string{"dept:2"}, LastScan: "scan3",
			LastAudit: t2.Add(time.Minute), Error: "dial tcp: i/o timeout", Open: sev(finding.High, 1)},
		siteE: {URL: siteE, Organisation: orgE, LastScan: "scan3", LastAudit: t2.Add(time.Minute), Open: sev()},
	}
	for _, tc := range []struct {
		name  string
		q     store.SiteQuery
		want  []string
		total int // when not len(want)
	}{
		{"all", store.SiteQuery{}, []string{siteA, siteB, siteC, siteD, siteE}, 0},
		{"organisation", store.SiteQuery{Organisation: orgB}, []string{siteB}, 0},
		{"tag", store.SiteQuery{Tag: "prefecture"}, []string{siteA, siteB}, 0},
		{"tag not its longer neighbour", store.SiteQuery{Tag: "dept:1"}, []string{siteB}, 0},
		{"tag wildcard", store.SiteQuery{Tag: "dept:_"}, nil, 0},
		{"tag of an older audit", store.SiteQuery{Tag: "old"}, nil, 0},
		{"tag of a failed latest audit", store.SiteQuery{Tag: "dept:2"}, []string{siteD}, 0},
		{"text, any case", store.SiteQuery{Text: "CANTAL"}, []string{siteC}, 0},
		{"text wildcard", store.SiteQuery{Text: "a_n"}, nil, 0},
		{"failing", store.SiteQuery{Failing: true}, []string{siteA, siteB, siteC, siteD}, 0},
		{"failing and tag", store.SiteQuery{Failing: true, Tag: "dept:2"}, []string{siteD}, 0},
		{"failing at high or above", store.SiteQuery{Failing: true, MinSeverity: finding.High}, []string{siteA, siteB, siteD}, 0},
		{"threshold without failing", store.SiteQuery{MinSeverity: finding.Critical}, []string{siteA, siteB, siteC, siteD, siteE}, 0},
		{"first page", store.SiteQuery{Limit: 2}, []string{siteA, siteB}, 5},
		{"last page", store.SiteQuery{Limit: 2, Offset: 4}, []string{siteE}, 5},
		{"offset at the end", store.SiteQuery{Limit: 2, Offset: 5}, nil, 5},
		{"failing, exact page", store.SiteQuery{Failing: true, Limit: 2, Offset: 2}, []string{siteC, siteD}, 4},
		{"offset without limit", store.SiteQuery{Offset: 3}, []string{siteD, siteE}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := b.SiteSummaries(h.ctx, tc.q)
			if err != nil {
				t.Fatalf("SiteSummaries(%+v): %v", tc.q, err)
			}
			var urls []string
			for _, s := range got {
				urls = append(urls, s.URL)
				w := sums[s.URL]
				if !s.LastAudit.Equal(w.LastAudit) {
					t.Errorf("%s: LastAudit %v, want %v", s.URL, s.LastAudit, w.LastAudit)
				}
				s.LastAudit, w.LastAudit = time.Time{}, time.Time{}
				if !reflect.DeepEqual(s, w) {
					t.Errorf("summary\n%+v\nwant\n%+v", s, w)
				}
			}
			equalStrings(t, "SiteSummaries", urls, tc.want)
			want := tc.total
			if want == 0 {
				want = len(tc.want)
			}
			if total != want {
				t.Errorf("SiteSummaries total = %d, want %d", total, want)
			}
		})
	}
}

func testSiteHistory(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	type row struct {
		scan                        string
		failed                      bool
		seen, new, fixed, regressed int
	}
	for _, tc := range []struct {
		site string
		want []row
	}{
		{siteA, []row{{"scan3", false, 2, 0, 0, 1}, {"scan2", false, 1, 0, 2, 0}, {"scan1", false, 3, 3, 0, 0}}},
		{siteB, []row{{"scan3", false, 1, 0, 1, 0}, {"scan2", true, 0, 0, 0, 0}, {"scan1", false, 2, 2, 0, 0}}},
		{siteD, []row{{"scan3", true, 0, 0, 0, 0}, {"scan1", false, 1, 1, 0, 0}}},
		{siteE, []row{{"scan3", false, 0, 0, 1, 0}, {"scan2", false, 1, 1, 0, 0}}},
		{"https://unknown.example/", nil},
	} {
		t.Run(tc.site, func(t *testing.T) {
			got, err := b.SiteHistory(h.ctx, tc.site)
			if err != nil {
				t.Fatal(err)
			}
			var rows []row
			for _, a := range got {
				rows = append(rows, row{a.Scan, !a.Result.OK(), a.Seen, a.New, a.Fixed, a.Regressed})
				if a.Result.URL != tc.site {
					t.Errorf("audit of %s has URL %q", a.Scan, a.Result.URL)
				}
			}
			if !reflect.DeepEqual(rows, tc.want) {
				t.Errorf("SiteHistory = %+v, want %+v", rows, tc.want)
			}
		})
	}
	// The audits are the sites Store.Sites records.
	got, err := b.SiteHistory(h.ctx, siteB)
	if err != nil {
		t.Fatal(err)
	}
	sites, err := h.s.Sites(h.ctx, "scan2")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		if s.URL == siteB && len(got) == 3 && fmt.Sprintf("%+v", got[1].Result) != fmt.Sprintf("%+v", s) {
			t.Errorf("SiteHistory(B)[scan2] = %+v, want %+v", got[1].Result, s)
		}
	}
}

func testScanSummaries(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	type row struct {
		scan                  string
		sites, failed         int
		seen                  map[string]int
		new, fixed, regressed int
	}
	all := []row{
		{"scan4", 0, 0, sev(), 0, 0, 0},
		{"scan3", 5, 1, sev(finding.High, 2, finding.Medium, 2), 1, 2, 1},
		{"scan2", 3, 1, sev(finding.High, 1, finding.Low, 1), 1, 2, 0},
		{"scan1", 3, 0, sev(finding.Critical, 1, finding.High, 3, finding.Medium, 1, finding.Low, 1), 6, 0, 0},
	}
	for _, tc := range []struct {
		limit int
		want  []row
	}{{0, all}, {-1, all}, {2, all[:2]}, {10, all}} {
		t.Run(fmt.Sprint(tc.limit), func(t *testing.T) {
			got, err := b.ScanSummaries(h.ctx, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var rows []row
			for _, s := range got {
				if s.Seen == nil {
					t.Errorf("scan %s: nil Seen", s.ID)
				}
				rows = append(rows, row{s.ID, s.Sites, s.Failed, maps.Clone(s.Seen), s.New, s.Fixed, s.Regressed})
			}
			if !reflect.DeepEqual(rows, tc.want) {
				t.Errorf("ScanSummaries(%d) =\n%+v\nwant\n%+v", tc.limit, rows, tc.want)
			}
		})
	}
	got, err := b.ScanSummaries(h.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 1 && (got[0].Version != "test" || !got[0].Started.Equal(t3)) {
		t.Errorf("ScanSummaries carries scan %+v, want scan4 as Store.Scan reports it", got[0].Scan)
	}
}

// scanRow is what a scan summary counts.
type scanRow struct {
	scan                  string
	sites, failed         int
	seen                  map[string]int
	new, fixed, regressed int
}

// scanRows returns the counts of every scan's summary, newest first, and
// their end times by scan ID.
func scanRows(t *testing.T, h *harness, b store.Browser) ([]scanRow, map[string]time.Time) {
	t.Helper()
	got, err := b.ScanSummaries(h.ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var rows []scanRow
	ended := map[string]time.Time{}
	for _, s := range got {
		if s.Seen == nil {
			t.Errorf("scan %s: nil Seen", s.ID)
		}
		rows = append(rows, scanRow{s.ID, s.Sites, s.Failed, maps.Clone(s.Seen), s.New, s.Fixed, s.Regressed})
		ended[s.ID] = s.Ended
	}
	return rows, ended
}

// testStoredScanSummaries ends scans: their summaries, which may now come
// from totals kept at the end, equal the counts made while they ran; a
// site recorded after a scan's end changes them; a running scan's change
// with each record.
func testStoredScanSummaries(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	running, _ := scanRows(t, h, b)

	ends := map[string]time.Time{}
	for _, id := range []string{"scan1", "scan2", "scan4"} {
		sc, err := h.s.Scan(h.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ends[id] = sc.Started.Add(90 * time.Minute)
		if err := h.s.EndScan(h.ctx, id, ends[id]); err != nil {
			t.Fatalf("EndScan(%s): %v", id, err)
		}
	}
	rows, ended := scanRows(t, h, b)
	if !reflect.DeepEqual(rows, running) {
		t.Errorf("after EndScan, ScanSummaries =\n%+v\nwant the counts made while running\n%+v", rows, running)
	}
	for id, want := range ends {
		if !ended[id].Equal(want) {
			t.Errorf("scan %s: Ended %v, want %v", id, ended[id], want)
		}
	}
	if !ended["scan3"].IsZero() {
		t.Errorf("scan3 is running, yet Ended is %v", ended["scan3"])
	}
	// Ending again (a repeated EndScan) counts again, to the same totals.
	if err := h.s.EndScan(h.ctx, "scan1", ends["scan1"]); err != nil {
		t.Fatal(err)
	}
	if rows, _ := scanRows(t, h, b); !reflect.DeepEqual(rows, running) {
		t.Errorf("after a second EndScan, ScanSummaries =\n%+v\nwant\n%+v", rows, running)
	}

	// A late redelivery of scan1's audit of A sees a1 alone: a2 and a3 are
	// no longer new in scan1; a3, now never seen, is forgotten with the fix
	// scan2 recorded. scan3, still running, audits one more site.
	h.record(h.s, "scan1", audit(siteA, orgA, t0), a1)
	f1 := fnd("https://www.finistere.gouv.fr/", "transport.no-https", "/", finding.Info)
	h.record(h.s, "scan3", audit(f1.Site, "Préfecture du Finistère", t2), f1)
	want := []scanRow{
		{"scan4", 0, 0, sev(), 0, 0, 0},
		{"scan3", 6, 1, sev(finding.High, 2, finding.Medium, 2, finding.Info, 1), 2, 2, 1},
		{"scan2", 3, 1, sev(finding.High, 1, finding.Low, 1), 1, 1, 0},
		{"scan1", 3, 0, sev(finding.High, 3, finding.Low, 1), 4, 0, 0},
	}
	rows, _ = scanRows(t, h, b)
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("after late records, ScanSummaries =\n%+v\nwant\n%+v", rows, want)
	}
	// The counts agree with the scans' diffs.
	for _, r := range want {
		d := h.diff(h.s, r.scan)
		if len(d.New) != r.new || len(d.Fixed) != r.fixed || len(d.Regressed) != r.regressed {
			t.Errorf("Diff(%s) has %d new, %d fixed, %d regressed; its summary counts %d, %d, %d",
				r.scan, len(d.New), len(d.Fixed), len(d.Regressed), r.new, r.fixed, r.regressed)
		}
	}
	// Ending scan1 again keeps the new totals.
	if err := h.s.EndScan(h.ctx, "scan1", ends["scan1"]); err != nil {
		t.Fatal(err)
	}
	if rows, _ := scanRows(t, h, b); !reflect.DeepEqual(rows, want) {
		t.Errorf("after ending scan1 again, ScanSummaries =\n%+v\nwant\n%+v", rows, want)
	}
}
