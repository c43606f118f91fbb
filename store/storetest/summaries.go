package storetest

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"vigie/cases"
	"vigie/finding"
	"vigie/observation"
	"vigie/store"
)

// RunSummaries runs the suite of store.Summaries and of full-text search
// (store.Query.Search) over recorded histories. open must return an empty
// store; RunSummaries closes every store it returns.
func RunSummaries(t *testing.T, open func(t *testing.T) BrowseStore) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, h *harness, b store.Browser)
	}{
		{"KeptTotals", testKeptTotals},
		{"Organisations", testOrganisations},
		{"OrganisationSites", testOrganisationSites},
		{"Search", testSearch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(t *testing.T) store.Store { return open(t) })
			tc.run(t, h, h.s.(store.Browser))
		})
	}
}

// checkTotals compares the totals the store keeps with the findings
// themselves, listed by Query: open findings by check and severity, each
// site's open findings by severity, and the failing sites.
func checkTotals(t *testing.T, h *harness, b store.Browser, when string) {
	t.Helper()
	open, _, err := b.Query(h.ctx, store.Query{State: store.StateOpen})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	bySite := map[string]map[string]int{}
	for _, f := range open {
		want[f.Check+" "+f.Severity.String()]++
		if bySite[f.Site] == nil {
			bySite[f.Site] = map[string]int{}
		}
		bySite[f.Site][f.Severity.String()]++
	}
	counts, err := b.OpenCounts(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range counts {
		got[c.Check+" "+c.Severity.String()] += c.N
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: OpenCounts = %v, the open findings count %v", when, got, want)
	}
	sums, total, err := b.SiteSummaries(h.ctx, store.SiteQuery{})
	if err != nil {
		t.Fatal(err)
	}
	failing := map[finding.Severity]int{}
	for _, s := range sums {
		w := bySite[s.URL]
		if w == nil {
			w = map[string]int{}
		}
		if !reflect.DeepEqual(s.Open, w) {
			t.Errorf("%s: site %s: Open = %v, its open findings count %v", when, s.URL, s.Open, w)
		}
		for _, th := range []finding.Severity{finding.Low, finding.Medium, finding.High, finding.Critical} {
			for name, n := range w {
				if sev, _ := finding.ParseSeverity(name); n > 0 && sev.IsFailure(th) {
					failing[th]++
					break
				}
			}
		}
	}
	// Each organisation's totals are its sites'.
	orgs, _, err := b.OrganisationSummaries(h.ctx, store.OrganisationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	wantOrg := map[string]store.OrganisationSummary{}
	for _, s := range sums {
		o := wantOrg[s.Organisation]
		o.Name = s.Organisation
		o.Sites++
		if o.Open == nil {
			o.Open = map[string]int{}
		}
		failed := false
		for name, n := range s.Open {
			o.Open[name] += n
			o.Findings += n
			sev, _ := finding.ParseSeverity(name)
			failed = failed || sev.IsFailure(0)
		}
		if failed {
			o.Failing++
		}
		wantOrg[s.Organisation] = o
	}
	for _, o := range orgs {
		w := wantOrg[o.Name]
		o.DPO, o.Parent = "", ""
		if w.Sites > 0 && !reflect.DeepEqual(o, w) {
			t.Errorf("%s: organisation %q = %+v; its sites add up to %+v", when, o.Name, o, w)
		}
	}
	// An organisation carries a tag when one of its sites does.
	for _, tag := range []string{"prefecture", "dept:13", "dept:2", "old", "late"} {
		tagged, _, err := b.SiteSummaries(h.ctx, store.SiteQuery{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for _, s := range tagged {
			want[s.Organisation] = true
		}
		orgs, _, err := b.OrganisationSummaries(h.ctx, store.OrganisationQuery{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, o := range orgs {
			got[o.Name] = true
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: organisations tagged %q = %v; their sites say %v", when, tag, got, want)
		}
	}
	for _, th := range []finding.Severity{finding.Low, finding.Medium, finding.High, finding.Critical} {
		sites, f, err := b.SiteCounts(h.ctx, th)
		if err != nil {
			t.Fatal(err)
		}
		if sites != total || f != failing[th] {
			t.Errorf("%s: SiteCounts(%s) = %d sites, %d failing; want %d, %d", when, th, sites, f, total, failing[th])
		}
	}
}

func testKeptTotals(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	checkTotals(t, h, b, "after the history")
	// By hand, the expected figures of the scenario (see browseHistory):
	// A a1 (high) a2 (medium), B b1 (high), C c1 (medium), D d1 (high).
	sites, failing, err := b.SiteCounts(h.ctx, finding.High)
	if err != nil {
		t.Fatal(err)
	}
	if sites != 5 || failing != 3 {
		t.Errorf("SiteCounts(high) = %d, %d; want 5 sites, 3 failing", sites, failing)
	}
	// A redelivered record replaces the earlier one: a2 withdrawn, a note
	// added; an older scan recorded late does not become the latest audit.
	note := fnd(siteA, "headers.referrer-policy", "/", finding.Info)
	h.record(h.s, "scan3", audit(siteA, orgA, t2, "prefecture"), a1, note)
	checkTotals(t, h, b, "after a redelivery")
	h.record(h.s, "scan1", audit(siteE, orgE, t0, "late"), e1)
	checkTotals(t, h, b, "after a late record of an older scan")
	sums, _, err := b.SiteSummaries(h.ctx, store.SiteQuery{URL: siteE})
	if err != nil || len(sums) != 1 || sums[0].LastScan != "scan3" || sums[0].Tags != nil {
		t.Errorf("site E after a late record of scan1: %+v, %v; want its scan3 audit", sums, err)
	}
	// The note counts apart: it fails no site, whatever the threshold.
	sums, _, err = b.SiteSummaries(h.ctx, store.SiteQuery{URL: siteA})
	if err != nil || len(sums) != 1 || !reflect.DeepEqual(sums[0].Open, sev(finding.High, 1, finding.Info, 1)) {
		t.Errorf("site A: %+v, %v; want one high, one note", sums, err)
	}
	// A site changes organisation, keeping its tags.
	h.begin(h.s, "scan6", t3.Add(time.Hour))
	h.record(h.s, "scan6", audit(siteB, orgC, t3.Add(time.Hour), "prefecture", "dept:1"), b1)
	checkTotals(t, h, b, "after a site changed organisation")
	// A new scan fixes everything on A.
	h.begin(h.s, "scan5", t4)
	h.record(h.s, "scan5", audit(siteA, orgA, t4))
	checkTotals(t, h, b, "after a fix")
}

func testOrganisations(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	const lonely = "Mairie sans site"
	cs, ok := h.s.(cases.Store)
	if ok {
		if err := cs.PutOrganisation(h.ctx, cases.Organisation{Name: lonely, DPOEmail: "dpo@mairie.example", Parent: orgA}); err != nil {
			t.Fatal(err)
		}
		if err := cs.PutOrganisation(h.ctx, cases.Organisation{Name: orgB, DPOEmail: "dpo@aisne.example"}); err != nil {
			t.Fatal(err)
		}
	}
	all := []store.OrganisationSummary{
		{Name: orgA, Sites: 1, Failing: 1, Open: sev(finding.High, 1, finding.Medium, 1), Findings: 2},
		{Name: orgB, Sites: 1, Failing: 1, Open: sev(finding.High, 1), Findings: 1},
		{Name: orgC, Sites: 1, Failing: 1, Open: sev(finding.Medium, 1), Findings: 1},
		{Name: orgD, Sites: 1, Failing: 1, Open: sev(finding.High, 1), Findings: 1},
		{Name: orgE, Sites: 1, Open: sev()},
	}
	if ok {
		all[1].DPO = "dpo@aisne.example"
		all = append(all, store.OrganisationSummary{Name: lonely, DPO: "dpo@mairie.example", Parent: orgA, Open: sev()})
	}
	// Most open findings first, then by name.
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Findings != all[j].Findings {
			return all[i].Findings > all[j].Findings
		}
		return all[i].Name < all[j].Name
	})
	named := func(names ...string) []store.OrganisationSummary {
		var out []store.OrganisationSummary
		for _, o := range all {
			for _, n := range names {
				if o.Name == n {
					out = append(out, o)
				}
			}
		}
		return out
	}
	atHigh := func(os []store.OrganisationSummary) []store.OrganisationSummary {
		out := append([]store.OrganisationSummary(nil), os...)
		for i := range out {
			if out[i].Open["high"] == 0 {
				out[i].Failing = 0
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		q     store.OrganisationQuery
		want  []store.OrganisationSummary
		total int // when not len(want)
	}{
		{"all", store.OrganisationQuery{}, all, 0},
		{"text, any case", store.OrganisationQuery{Text: "CANTAL"}, named(orgC), 0},
		{"text wildcard", store.OrganisationQuery{Text: "l_Ain"}, nil, 0},
		{"tag of sites", store.OrganisationQuery{Tag: "prefecture"}, named(orgA, orgB), 0},
		{"tag of an older audit", store.OrganisationQuery{Tag: "old"}, nil, 0},
		{"threshold high", store.OrganisationQuery{Threshold: finding.High}, atHigh(all), 0},
		{"first page", store.OrganisationQuery{Limit: 2}, all[:2], len(all)},
		{"last page", store.OrganisationQuery{Limit: 4, Offset: 4}, all[4:], len(all)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := b.OrganisationSummaries(h.ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.total
			if want == 0 {
				want = len(tc.want)
			}
			if !reflect.DeepEqual(got, tc.want) || total != want {
				t.Errorf("OrganisationSummaries(%+v) =\n%+v, %d\nwant\n%+v, %d", tc.q, got, total, tc.want, want)
			}
		})
	}
}

func testOrganisationSites(t *testing.T, h *harness, b store.Browser) {
	h.scans(h.s, 3)
	said := []observation.RetentionStatement{{Sentence: "Les données sont conservées 3 ans.", Days: 1095, URL: siteD + "rgpd"}}
	withRetention := func(s store.SiteResult) store.SiteResult { s.Retention = said; return s }
	h.record(h.s, "scan1", withRetention(audit(siteD, orgD, t0)), d1)
	h.record(h.s, "scan2", failedAudit(siteD, orgD, t1))
	h.record(h.s, "scan1", audit(siteE, orgD, t0))
	h.record(h.s, "scan2", failedAudit(siteE, orgD, t1))
	h.record(h.s, "scan3", failedAudit(siteC, orgD, t2))
	got, total, err := b.OrganisationSites(h.ctx, orgD, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by URL: C (never audited successfully), D (its retention
	// read by scan1, before a failed audit), E.
	want := []store.OrganisationSite{{URL: siteC}, {URL: siteD, Scan: "scan1", Retention: said}, {URL: siteE, Scan: "scan1"}}
	if !reflect.DeepEqual(got, want) || total != 3 {
		t.Errorf("OrganisationSites = %+v, %d; want %+v, 3", got, total, want)
	}
	got, total, err = b.OrganisationSites(h.ctx, orgD, 1, 1)
	if err != nil || !reflect.DeepEqual(got, want[1:2]) || total != 3 {
		t.Errorf("OrganisationSites page 2 = %+v, %d, %v; want %+v, 3", got, total, err, want[1:2])
	}
}

func testSearch(t *testing.T, h *harness, b store.Browser) {
	browseHistory(h)
	// Personal data in a finding's detail is never searchable, even
	// masked: only what lists show is indexed.
	p := fnd(siteE, "form.personal-data-http", "/inscription#form=0", finding.High)
	p.Title = "Données de santé demandées sans chiffrement"
	p.Detail = map[string]any{"example": "jean.dupont@exemple.fr", "field": "numéro de sécurité sociale"}
	h.begin(h.s, "scan5", t4)
	h.record(h.s, "scan5", audit(siteE, orgE, t4), p)
	for _, tc := range []struct {
		name   string
		q      store.Query
		want   []finding.Finding
		checks []string
	}{
		{"word of a title", store.Query{Search: "clair"}, []finding.Finding{c1}, nil},
		{"accent typed, accent stored", store.Query{Search: "envoyé"}, []finding.Finding{c1}, nil},
		{"no accent typed", store.Query{Search: "envoye"}, []finding.Finding{c1}, nil},
		{"capitals and accents", store.Query{Search: "ENVOYÉ"}, []finding.Finding{c1}, nil},
		{"combining accent typed", store.Query{Search: "envoye\u0301"}, []finding.Finding{c1}, nil},
		{"accented title, plain query", store.Query{Search: "donnees sante"}, []finding.Finding{p}, nil},
		{"start of a word", store.Query{Search: "formul"}, []finding.Finding{c1}, nil},
		{"every word", store.Query{Search: "clair formulaire"}, []finding.Finding{c1}, nil},
		{"not every word", store.Query{Search: "clair chiffrement"}, nil, nil},
		{"not inside a word", store.Query{Search: "ormulaire"}, nil, nil},
		{"site's host", store.Query{Search: "cantal"}, []finding.Finding{c1}, nil},
		{"organisation", store.Query{Search: "Drôme"}, []finding.Finding{d1}, nil},
		{"check", store.Query{Search: "hsts"}, []finding.Finding{b2, d1}, nil},
		{"location", store.Query{Search: "mon_compte"}, []finding.Finding{c1}, nil},
		{"digits", store.Query{Search: "100%"}, []finding.Finding{c1}, nil},
		{"and a filter", store.Query{Filter: store.Filter{Site: siteB}, Search: "hsts"}, []finding.Finding{b2}, nil},
		{"no word searches nothing out", store.Query{Filter: store.Filter{Site: siteB}, Search: "%!"}, []finding.Finding{b1, b2}, nil},
		{"checks by catalogue title", store.Query{Search: "zzz"}, []finding.Finding{a1, b1, c1}, []string{"form.http-page"}},
		{"detail is not indexed", store.Query{Search: "dupont"}, nil, nil},
		{"detail is not indexed either", store.Query{Search: "securite sociale"}, nil, nil},
		{"query syntax is text", store.Query{Search: `clair" OR "x* NOT`}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.SearchChecks = tc.checks
			got, total, err := b.Query(h.ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), listOrder(tc.want...)) || total != len(tc.want) {
				t.Errorf("Query(%+v) = %v, %d; want %v", tc.q, ids(got), total, listOrder(tc.want...))
			}
		})
	}
	// Counting stops at MaxTotal past the offset.
	for _, tc := range []struct{ limit, offset, max, want int }{
		{2, 0, 3, 3}, {2, 2, 3, 5}, {2, 0, 100, len(browsed) + 1}, {20, 0, 3, len(browsed) + 1},
	} {
		_, total, err := b.Query(h.ctx, store.Query{Filter: store.Filter{Limit: tc.limit}, Offset: tc.offset, MaxTotal: tc.max})
		if err != nil || total != tc.want {
			t.Errorf("Query(limit %d, offset %d, MaxTotal %d) total = %d, %v; want %d", tc.limit, tc.offset, tc.max, total, err, tc.want)
		}
	}
}
