package storetest

import (
	"math"
	"strings"
	"testing"

	"vigie/finding"
	"vigie/store"
)

// testBatch records the same history site by site in one store and in
// batches in another: RecordSites returns, per site, what RecordSite
// returns, and both stores end with the same findings, changes and
// recorded order. A batch that fails midway leaves nothing of itself.
func testBatch(t *testing.T, h *harness) {
	one, batched := h.s, h.fresh()
	br, ok := batched.(store.BatchRecorder)
	if !ok {
		t.Fatalf("%T does not implement store.BatchRecorder", batched)
	}
	siteC := "https://www.allier.gouv.fr/"
	c1 := fnd(siteC, "form.http-page", "/contact#form=0", finding.High)
	steps := [][]store.SiteRecord{
		{rec(site(siteA), []finding.Finding{a1, a2}), rec(site(siteB), []finding.Finding{b1}), rec(site(siteC), []finding.Finding{c1})},
		// a2 fixed, a3 new, b2 new, siteC failed (fixes nothing)
		{rec(site(siteB), []finding.Finding{b1, b2}), rec(site(siteA), []finding.Finding{a1, a3}), rec(failed(siteC), nil)},
		// a2 regressed, b1 fixed, c1 fixed
		{rec(site(siteA), []finding.Finding{a1, a2, a3}), rec(site(siteC), nil), rec(site(siteB), []finding.Finding{b2})},
	}
	for _, s := range []store.Store{one, batched} {
		h.scans(s, len(steps))
	}
	for i, step := range steps {
		scan := scanID(i + 1)
		got, err := br.RecordSites(h.ctx, scan, step)
		if err != nil {
			t.Fatalf("RecordSites(%s): %v", scan, err)
		}
		if len(got) != len(step) {
			t.Fatalf("RecordSites(%s) returned %d records for %d sites", scan, len(got), len(step))
		}
		for j, s := range step {
			fs, changes := h.record(one, scan, s.Site, s.Findings...)
			h.same(scan+" "+s.Site.URL+": findings", got[j].Findings, fs)
			equalStrings(t, scan+" "+s.Site.URL+": changes", changeList(got[j].Changes), changeList(changes))
		}
	}
	h.same("current findings", h.findings(batched, store.Filter{}), h.findings(one, store.Filter{}))
	for i := range steps {
		scan := scanID(i + 1)
		d1, d2 := h.diff(one, scan), h.diff(batched, scan)
		equalStrings(t, scan+": new", ids(d2.New), ids(d1.New))
		equalStrings(t, scan+": fixed", ids(d2.Fixed), ids(d1.Fixed))
		equalStrings(t, scan+": regressed", ids(d2.Regressed), ids(d1.Regressed))
		if rp, ok := batched.(store.Replayer); ok {
			equalStrings(t, scan+": recorded order", h.replayed(rp, scan), h.replayed(one.(store.Replayer), scan))
		}
	}

	// The third site of a batch cannot be stored (its detail is not
	// JSON): the first two, written in the same transaction, go too.
	h.begin(batched, "scan9", t4)
	bad := fnd(siteC, "form.http-page", "/x#form=0", finding.High)
	bad.Detail = map[string]any{"score": math.Inf(1)}
	_, err := br.RecordSites(h.ctx, "scan9", []store.SiteRecord{
		rec(site(siteA), []finding.Finding{a1}), rec(site(siteB), []finding.Finding{b1}), rec(site(siteC), []finding.Finding{bad}),
	})
	if err == nil || !strings.Contains(err.Error(), siteC) {
		t.Errorf("RecordSites with a finding that is not JSON: %v; want an error naming %s", err, siteC)
	}
	if sites, err := batched.Sites(h.ctx, "scan9"); err != nil || len(sites) != 0 {
		t.Errorf("after a failed batch: %d sites recorded (%v), want none", len(sites), err)
	}
	if got := h.findings(batched, store.Filter{Scan: "scan9"}); len(got) != 0 {
		t.Errorf("after a failed batch: findings %v seen by the scan", ids(got))
	}
	h.same("after a failed batch, current findings", h.findings(batched, store.Filter{}), h.findings(one, store.Filter{}))
}

// replayed lists "site: finding IDs" in the order scan recorded them.
func (h *harness) replayed(rp store.Replayer, scan string) []string {
	h.t.Helper()
	var out []string
	err := rp.Replay(h.ctx, scan, func(s store.SiteResult, fs []finding.Finding) error {
		out = append(out, s.URL+": "+strings.Join(ids(fs), " "))
		return nil
	})
	if err != nil {
		h.t.Fatalf("Replay(%s): %v", scan, err)
	}
	return out
}

func rec(s store.SiteResult, fs []finding.Finding) store.SiteRecord {
	return store.SiteRecord{Site: s, Findings: fs}
}
