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
	// Keyset pagination: each batch starts after the last URL, with no
	// offset to walk again.
	q.Limit, q.Offset, q.NoTotal = exportBatch, 0, true
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
		q.After = batch[len(batch)-1].URL
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
	rows, _, err := s.o.Browser.SiteSummaries(ctx, store.SiteQuery{URL: u, Limit: 1, NoTotal: true})
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	if len(rows) == 1 {
		d.Summary = &rows[0]
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

// orgRow is an organisation with its open findings and cases.
type orgRow struct {
	store.OrganisationSummary
	Cases []cases.Case
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

// organisationQuery reads the organisations list's filters.
func (s *Server) organisationQuery(r *http.Request) store.OrganisationQuery {
	v := r.URL.Query()
	return store.OrganisationQuery{Text: strings.TrimSpace(v.Get("q")), Tag: v.Get("tag"), Threshold: s.threshold()}
}

// organisationRows returns one page of organisations (all of them when
// q.Limit is zero), counted by the store, with their cases.
func (s *Server) organisationRows(r *http.Request, q store.OrganisationQuery) ([]orgRow, int, error) {
	sums, total, err := s.o.Browser.OrganisationSummaries(r.Context(), q)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]orgRow, len(sums))
	index := make(map[string]int, len(sums))
	for i, o := range sums {
		rows[i].OrganisationSummary = o
		index[o.Name] = i
	}
	if s.o.Cases != nil && len(rows) > 0 {
		all, err := s.o.Cases.Cases(r.Context())
		if err != nil {
			return nil, 0, err
		}
		for _, c := range all {
			if i, ok := index[c.Organisation]; ok {
				rows[i].Cases = append(rows[i].Cases, c)
			}
		}
	}
	return rows, total, nil
}

type orgsData struct {
	Text  string
	Tag   string
	Rows  []orgRow
	Pager pager
}

func (s *Server) organisations(w http.ResponseWriter, r *http.Request, v *view) {
	q := s.organisationQuery(r)
	if format := r.URL.Query().Get("format"); format != "" {
		s.exportOrganisations(w, r, v, q, format)
		return
	}
	page := pageNumber(r)
	q.Limit, q.Offset = pageSize, (page-1)*pageSize
	rows, total, err := s.organisationRows(r, q)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "organisations.html", orgsData{Text: q.Text, Tag: q.Tag, Rows: rows, Pager: newPager(r, page, total)})
}

// exportOrganisations writes every organisation q selects with the URLs
// of its sites, read in one pass over the sites.
func (s *Server) exportOrganisations(w http.ResponseWriter, r *http.Request, v *view, q store.OrganisationQuery, format string) {
	e, err := newExporter(w, format, "organisations", orgHeader)
	if err != nil {
		s.fail(w, r, v, http.StatusBadRequest, err)
		return
	}
	rows, _, err := s.organisationRows(r, q)
	sites := map[string][]string{}
	if err == nil {
		err = s.eachSite(r, store.SiteQuery{}, func(site store.SiteSummary) error {
			sites[site.Organisation] = append(sites[site.Organisation], site.URL)
			return nil
		})
	}
	for _, o := range rows {
		if err != nil {
			break
		}
		var ids []string
		for _, c := range o.Cases {
			ids = append(ids, c.ID)
		}
		urls := sites[o.Name]
		cells := append([]string{o.Name, o.DPO, o.Parent, strings.Join(urls, " "), itoa(o.Failing), strings.Join(ids, " ")}, severityCells(o.Open)...)
		err = e.row(cells, orgRecord{o.Name, o.DPO, o.Parent, urls, o.Failing, ids, o.Open})
	}
	if err == nil {
		err = e.close()
	}
	if err != nil {
		s.o.Log.Warn("export organisations", "err", err)
	}
}
