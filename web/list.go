package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"vigie/check"
	"vigie/finding"
	"vigie/store"
)

// pageSize is the number of rows of a list page.
const pageSize = 50

// pager describes one page of a list and links to its neighbours and
// exports, keeping the filters.
type pager struct {
	Page, Pages, Total int
	// AtLeast is set when counting stopped at Total (see maxCount).
	AtLeast    bool
	Prev, Next string
	CSV, JSONL string
}

func newPager(r *http.Request, page, total int) pager {
	p := pager{Page: page, Total: total, Pages: max(1, (total+pageSize-1)/pageSize)}
	link := func(set func(url.Values)) string {
		q := r.URL.Query()
		set(q)
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(func(q url.Values) { q.Set("page", strconv.Itoa(page-1)) })
	}
	if page < p.Pages {
		p.Next = link(func(q url.Values) { q.Set("page", strconv.Itoa(page+1)) })
	}
	p.CSV = link(func(q url.Values) { q.Del("page"); q.Set("format", "csv") })
	p.JSONL = link(func(q url.Values) { q.Del("page"); q.Set("format", "jsonl") })
	return p
}

// pageNumber reads the 1-based page parameter.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// parseDay reads a YYYY-MM-DD filter; end selects the day's last instant.
func parseDay(name, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want a date YYYY-MM-DD", name, v)
	}
	if end {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}

// findingQuery reads the findings filters of a request.
func findingQuery(r *http.Request) (store.Query, error) {
	v := r.URL.Query()
	q := store.Query{
		Filter: store.Filter{
			Site: v.Get("site"), Check: v.Get("check"), Organisation: v.Get("organisation"),
			Scan: v.Get("scan"),
		},
		Tag: v.Get("tag"),
	}
	if text := strings.TrimSpace(v.Get("q")); text != "" {
		q.Search, q.SearchChecks = text, checksTitled(text)
	}
	if s := v.Get("severity"); s != "" {
		sev, err := finding.ParseSeverity(s)
		if err != nil {
			return q, fmt.Errorf("severity: %w", err)
		}
		q.MinSeverity = sev
	}
	switch st := v.Get("state"); st {
	case "", store.StateOpen, store.StateFixed, store.StateRegressed:
		q.State = st
	default:
		return q, fmt.Errorf("state %q: want open, fixed or regressed", st)
	}
	var err error
	if q.Since, err = parseDay("since", v.Get("since"), false); err != nil {
		return q, err
	}
	if q.Until, err = parseDay("until", v.Get("until"), true); err != nil {
		return q, err
	}
	return q, nil
}

// checksTitled returns the checks whose catalogue title, in French or in
// English, holds every word of text (each as a word or a word's start):
// the finding lists show those titles, which the store does not keep.
func checksTitled(text string) []string {
	words := store.SearchWords(text)
	if len(words) == 0 {
		return nil
	}
	var ids []string
	for _, m := range check.Catalogue() {
		for _, title := range []string{m.Title.FR, m.Title.EN} {
			if hasWords(store.SearchWords(title), words) {
				ids = append(ids, m.ID)
				break
			}
		}
	}
	return ids
}

// hasWords reports whether every word of want starts a word of have.
func hasWords(have, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
			return false
		}
	}
	return true
}

// maxCount bounds how many findings past a page's offset a list counts:
// beyond it the pager says "at least", so that a broad filter over a
// million findings does not count them all on every page.
const maxCount = 2000

// findingRow is a finding as lists show it.
type findingRow struct {
	finding.Finding
	Title string
	State string
}

func findingState(f *finding.Finding) string {
	switch {
	case f.FixedAt != nil:
		return store.StateFixed
	case f.RegressedAt != nil:
		return store.StateRegressed
	}
	return store.StateOpen
}

func (v *view) findingRows(fs []finding.Finding) []findingRow {
	out := make([]findingRow, len(fs))
	for i, f := range fs {
		title := f.Title
		if m, ok := check.Lookup(f.Check); ok {
			title = v.L.Pick(m.Title.FR, m.Title.EN)
		}
		out[i] = findingRow{Finding: f, Title: title, State: findingState(&f)}
	}
	return out
}

type findingsData struct {
	Query  url.Values
	Rows   []findingRow
	Pager  pager
	Checks []check.Meta
}

func (s *Server) findings(w http.ResponseWriter, r *http.Request, v *view) {
	q, err := findingQuery(r)
	if err != nil {
		s.fail(w, r, v, http.StatusBadRequest, err)
		return
	}
	if f := r.URL.Query().Get("format"); f != "" {
		s.exportFindings(w, r, v, q, f)
		return
	}
	page := pageNumber(r)
	q.Limit, q.Offset, q.MaxTotal = pageSize, (page-1)*pageSize, maxCount
	fs, total, err := s.o.Browser.Query(r.Context(), q)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	p := newPager(r, page, total)
	p.AtLeast = total >= q.Offset+maxCount
	s.render(w, r, v, http.StatusOK, "findings.html", findingsData{
		Query: r.URL.Query(), Rows: v.findingRows(fs), Pager: p, Checks: check.Catalogue(),
	})
}
