package web

import (
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/store"
)

// trendScans is how many scans the overview's chart shows.
const trendScans = 20

type checkCount struct {
	ID, Title string
	Severity  string
	Open      int
}

type overviewData struct {
	Sites, Failing int
	// Threshold is the failure threshold; Notes the open findings below
	// it (informational ones always), which make no site failing.
	Threshold  string
	Notes      int
	BySeverity map[string]int
	Open       int
	ByCheck    []checkCount
	Chart      string
	Scans      []store.ScanSummary
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	d := overviewData{BySeverity: map[string]int{}}
	var err error
	d.Threshold = s.threshold().String()
	// Totals the store keeps as it records sites: no finding is read.
	if d.Sites, d.Failing, err = s.o.Browser.SiteCounts(ctx, s.threshold()); err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	counts, err := s.o.Browser.OpenCounts(ctx)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	byCheck := map[string]int{}
	for sev := finding.Info; sev <= finding.Critical; sev++ {
		d.BySeverity[sev.String()] = 0
	}
	for _, c := range counts {
		d.BySeverity[c.Severity.String()] += c.N
		d.Open += c.N
		if !c.Severity.IsFailure(s.threshold()) {
			d.Notes += c.N
		}
		byCheck[c.Check] += c.N
	}
	for _, m := range check.Catalogue() {
		if n := byCheck[m.ID]; n > 0 {
			d.ByCheck = append(d.ByCheck, checkCount{ID: m.ID, Title: v.L.Pick(m.Title.FR, m.Title.EN), Severity: m.Severity.String(), Open: n})
		}
	}
	slices.SortStableFunc(d.ByCheck, func(a, b checkCount) int { return b.Open - a.Open })
	if d.Scans, err = s.o.Browser.ScanSummaries(ctx, trendScans); err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	d.Chart = trendChart(v.L, d.Scans)
	s.render(w, r, v, http.StatusOK, "overview.html", d)
}

// trendChart draws the findings each scan saw, by severity, as stacked
// bars in an SVG image, oldest scan on the left. Every text it embeds is
// escaped.
func trendChart(l *lang, scans []store.ScanSummary) string {
	if len(scans) == 0 {
		return ""
	}
	const (
		width, height = 720, 240
		left, bottom  = 40, 30
		top           = 10
	)
	peak := 1
	for _, sc := range scans {
		total := 0
		for _, n := range sc.Seen {
			total += n
		}
		peak = max(peak, total)
	}
	plotH := float64(height - bottom - top)
	slot := float64(width-left) / float64(len(scans))
	barW := min(slot*0.7, 48)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		width, height, html.EscapeString(l.T("overview.trend")))
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, height-bottom, width, height-bottom)
	fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">%d</text>`, left-4, top+8, peak)
	fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">0</text>`, left-4, height-bottom)
	for i := range scans {
		sc := scans[len(scans)-1-i] // oldest first
		x := float64(left) + float64(i)*slot + (slot-barW)/2
		y := float64(height - bottom)
		for sev := finding.Info; sev <= finding.Critical; sev++ {
			n := sc.Seen[sev.String()]
			if n == 0 {
				continue
			}
			h := float64(n) / float64(peak) * plotH
			y -= h
			fmt.Fprintf(&b, `<rect class="sev-%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s: %d</title></rect>`,
				sev, x, y, barW, h, html.EscapeString(sc.ID), sev, n)
		}
		if len(scans) <= 10 || i%max(1, len(scans)/10) == 0 {
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`,
				x+barW/2, height-bottom+16, html.EscapeString(sc.Started.UTC().Format("01-02 15:04")))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

type catalogueRow struct {
	check.Meta
	Title, Rationale, Remediation string
}

func (s *Server) catalogue(w http.ResponseWriter, r *http.Request, v *view) {
	var rows []catalogueRow
	for _, m := range check.Catalogue() {
		rows = append(rows, catalogueRow{Meta: m,
			Title: v.L.Pick(m.Title.FR, m.Title.EN), Rationale: v.L.Pick(m.Rationale.FR, m.Rationale.EN),
			Remediation: v.L.Pick(m.Remediation.FR, m.Remediation.EN)})
	}
	s.render(w, r, v, http.StatusOK, "checks.html", rows)
}
