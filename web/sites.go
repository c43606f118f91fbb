package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"vigie/cases"
	"vigie/finding"
	"vigie/observatory"
	"vigie/store"
)

type sitesData struct {
	Query map[string]string
	Rows  []store.SiteSummary
	Pager pager
}

// siteQuery reads the sites list's filters; failing sites are those with
// an open finding at or above the failure threshold min.
func siteQuery(r *http.Request, min finding.Severity) store.SiteQuery {
	v := r.URL.Query()
	return store.SiteQuery{
		Organisation: v.Get("organisation"), Tag: v.Get("tag"), Text: strings.TrimSpace(v.Get("q")),
		Failing: v.Get("failing") == "1", MinSeverity: min,
	}
}

var siteHeader = []string{"url", "organisation", "tags", "last_scan", "last_audit", "error", "critical", "high", "medium", "low", "info"}

// siteRecord is a site in JSONL exports.
type siteRecord struct {
	URL          string         `json:"url"`
	Organisation string         `json:"organisation,omitempty"`
	Tags         []string       `json:"tags,omitempty"`
	LastScan     string         `json:"last_scan"`
	LastAudit    time.Time      `json:"last_audit"`
	Error        string         `json:"error,omitempty"`
	Open         map[string]int `json:"open"`
}

func (s *Server) sites(w http.ResponseWriter, r *http.Request, v *view) {
	q := siteQuery(r, s.threshold())
	if format := r.URL.Query().Get("format"); format != "" {
		s.exportSites(w, r, v, q, format)
		return
	}
	page := pageNumber(r)
	q.Limit, q.Offset = pageSize, (page-1)*pageSize
	rows, total, err := s.o.Browser.SiteSummaries(r.Context(), q)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	vals := r.URL.Query()
	s.render(w, r, v, http.StatusOK, "sites.html", sitesData{
		Query: map[string]string{"organisation": q.Organisation, "tag": q.Tag, "q": q.Text, "failing": vals.Get("failing")},
		Rows:  rows, Pager: newPager(r, page, total),
	})
}

// eachSite calls fn with every site q selects, reading in batches.
func (s *Server) eachSite(r *http.Request, q store.SiteQuery, fn func(store.SiteSummary) error) error {
	q.Limit, q.Offset = exportBatch, 0
	for {
		batch, _, err := s.o.Browser.SiteSummaries(r.Context(), q)
		if err != nil {
			return err
		}
		for _, site := range batch {
			if err := fn(site); err != nil {
				return err
			}
		}
		if len(batch) < exportBatch {
			return nil
		}
		q.Offset += exportBatch
	}
}

func (s *Server) exportSites(w http.ResponseWriter, r *http.Request, v *view, q store.SiteQuery, format string) {
	e, err := newExporter(w, format, "sites", siteHeader)
	if err != nil {
		s.fail(w, r, v, http.StatusBadRequest, err)
		return
	}
	err = s.eachSite(r, q, func(site store.SiteSummary) error {
		cells := append([]string{site.URL, site.Organisation, strings.Join(site.Tags, " "), site.LastScan,
			site.LastAudit.UTC().Format(time.RFC3339), site.Error}, severityCells(site.Open)...)
		return e.row(cells, siteRecord{site.URL, site.Organisation, site.Tags, site.LastScan, site.LastAudit.UTC(), site.Error, site.Open})
	})
	if err == nil {
		err = e.close()
	}
	if err != nil {
		s.o.Log.Warn("export sites", "err", err)
	}
}

type siteData struct {
	URL     string
	Summary *store.SiteSummary
	// Grade is the MDN HTTP Observatory grade of the latest audit that
	// has one, GradeScan that audit's scan, GradeTests its tests by name.
	Grade      *observatory.Result
	GradeScan  string
	GradeTests []gradeTest
	History    []store.SiteAudit
	Findings   []findingRow
	Pager      pager
}

func (s *Server) site(w http.ResponseWriter, r *http.Request, v *view) {
	u := r.URL.Query().Get("url")
	if u == "" {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return
	}
	if format := r.URL.Query().Get("format"); format != "" {
		s.exportFindings(w, r, v, store.Query{Filter: store.Filter{Site: u}}, format)
		return
	}
	ctx := r.Context()
	d := siteData{URL: u}
	rows, _, err := s.o.Browser.SiteSummaries(ctx, store.SiteQuery{Text: u, Limit: exportBatch})
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	for i := range rows {
		if rows[i].URL == u {
			d.Summary = &rows[i]
		}
	}
	if d.Summary == nil {
		s.fail(w, r, v, http.StatusNotFound, nil)
		return
	}
	if d.History, err = s.o.Browser.SiteHistory(ctx, u); err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	for _, a := range d.History { // newest first
		if len(a.Result.HTTPObservatory) == 0 {
			continue
		}
		var g observatory.Result
		if json.Unmarshal(a.Result.HTTPObservatory, &g) == nil {
			d.Grade, d.GradeScan = &g, a.Scan
			for _, name := range slices.Sorted(maps.Keys(g.Tests)) {
				d.GradeTests = append(d.GradeTests, gradeTest{Name: name, Test: g.Tests[name]})
			}
		}
		break
	}
	page := pageNumber(r)
	fs, total, err := s.o.Browser.Query(ctx, store.Query{Filter: store.Filter{Site: u, Limit: pageSize}, Offset: (page - 1) * pageSize})
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	d.Findings, d.Pager = v.findingRows(fs), newPager(r, page, total)
	s.render(w, r, v, http.StatusOK, "site.html", d)
}

// gradeTest is one test of an HTTP Observatory grade.
type gradeTest struct {
	Name string
	observatory.Test
}

// orgRow is an organisation with its sites, open findings and cases.
type orgRow struct {
	Name     string
	DPO      string
	Parent   string
	Sites    []string
	Failing  int
	Open     map[string]int
	Cases    []cases.Case
	Findings int
}

var orgHeader = []string{"organisation", "dpo_email", "parent", "sites", "failing_sites", "cases", "critical", "high", "medium", "low", "info"}

type orgRecord struct {
	Name    string         `json:"organisation"`
	DPO     string         `json:"dpo_email,omitempty"`
	Parent  string         `json:"parent,omitempty"`
	Sites   []string       `json:"sites"`
	Failing int            `json:"failing_sites"`
	Cases   []string       `json:"cases,omitempty"`
	Open    map[string]int `json:"open"`
}

// organisationRows gathers the organisations of the sites (and of the
// directory), filtered by a name substring.
func (s *Server) organisationRows(r *http.Request, text string) ([]orgRow, error) {
	byName := map[string]*orgRow{}
	get := func(name string) *orgRow {
		o := byName[name]
		if o == nil {
			o = &orgRow{Name: name, Open: map[string]int{}}
			byName[name] = o
		}
		return o
	}
	err := s.eachSite(r, store.SiteQuery{}, func(site store.SiteSummary) error {
		o := get(site.Organisation)
		o.Sites = append(o.Sites, site.URL)
		failing := false
		for k, n := range site.Open {
			o.Open[k] += n
			o.Findings += n
			sev, err := finding.ParseSeverity(k)
			failing = failing || n > 0 && err == nil && sev.IsFailure(s.threshold())
		}
		if failing {
			o.Failing++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.o.Cases != nil {
		orgs, err := s.o.Cases.Organisations(r.Context())
		if err != nil {
			return nil, err
		}
		for _, org := range orgs {
			o := get(org.Name)
			o.DPO, o.Parent = org.DPOEmail, org.Parent
		}
		all, err := s.o.Cases.Cases(r.Context())
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			o := get(c.Organisation)
			o.Cases = append(o.Cases, c)
		}
	}
	// A tag keeps the organisations labelled with it and those with a
	// site that carries it.
	var tagOrgs, tagSites map[string]bool
	if tag := r.URL.Query().Get("tag"); tag != "" {
		if tagOrgs, tagSites, err = s.tagged(r, tag); err != nil {
			return nil, err
		}
	}
	var out []orgRow
	for _, o := range byName {
		if text != "" && !strings.Contains(strings.ToLower(o.Name), strings.ToLower(text)) {
			continue
		}
		if tagOrgs != nil && !tagOrgs[o.Name] && !slices.ContainsFunc(o.Sites, func(u string) bool { return tagSites[u] }) {
			continue
		}
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b orgRow) int {
		if a.Findings != b.Findings {
			return b.Findings - a.Findings
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

type orgsData struct {
	Text  string
	Tag   string
	Rows  []orgRow
	Pager pager
}

func (s *Server) organisations(w http.ResponseWriter, r *http.Request, v *view) {
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	rows, err := s.organisationRows(r, text)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if format := r.URL.Query().Get("format"); format != "" {
		e, err := newExporter(w, format, "organisations", orgHeader)
		if err != nil {
			s.fail(w, r, v, http.StatusBadRequest, err)
			return
		}
		for _, o := range rows {
			var ids []string
			for _, c := range o.Cases {
				ids = append(ids, c.ID)
			}
			cells := append([]string{o.Name, o.DPO, o.Parent, strings.Join(o.Sites, " "), itoa(o.Failing), strings.Join(ids, " ")}, severityCells(o.Open)...)
			if err = e.row(cells, orgRecord{o.Name, o.DPO, o.Parent, o.Sites, o.Failing, ids, o.Open}); err != nil {
				break
			}
		}
		if err == nil {
			err = e.close()
		}
		if err != nil {
			s.o.Log.Warn("export organisations", "err", err)
		}
		return
	}
	page := pageNumber(r)
	p := newPager(r, page, len(rows))
	lo := min(len(rows), (page-1)*pageSize)
	s.render(w, r, v, http.StatusOK, "organisations.html", orgsData{Text: text, Tag: r.URL.Query().Get("tag"), Rows: rows[lo:min(len(rows), lo+pageSize)], Pager: p})
}
