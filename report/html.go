package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"vigie/check"
	"vigie/finding"
	"vigie/finding/facts"
	"vigie/observation"
)

//go:embed report.html.tmpl
var htmlSource string

// The HTML page's view of the scan; html/template escapes every string.
type (
	htmlPage struct {
		Lang     string
		Scan     htmlScan
		Audited  int
		Failed   int
		Findings int
		// Failing counts the sites with a failure; Failures and Notes the
		// findings at or above the threshold and below it.
		Failing, Failures, Notes int
		Threshold                string
		// BySeverity has one entry per severity, most serious first.
		BySeverity []htmlCount
		ByCheck    []htmlCheckCount
		Orgs       []htmlOrg
		NotAudited []failedSite
	}
	htmlScan struct {
		ID, Started, Ended, Duration, Version string
		Settings                              []htmlSetting
		// IPData names the IP datasets hosting was judged with, "" when
		// none (their licence asks for attribution).
		IPData string
	}
	htmlSetting struct{ Key, Value string }
	htmlCount   struct {
		Severity string // the class name: "critical"…
		Label    string
		Count    int
	}
	htmlCheckCount struct {
		Check, Title, Severity, Label string
		Count                         int
	}
	htmlOrg struct {
		Name  string
		Sites []*htmlSite
	}
	htmlSite struct {
		URL, Organisation string
		Tags              string
		Pages, Forms      int
		PersonalForms     int
		// Grade and Score are the site's MDN HTTP Observatory grade,
		// "" when not graded; GradeVersion names the scoring.
		Grade, GradeVersion string
		Score               int
		Counts              []htmlCount // non-zero counts only
		Findings            []htmlFinding
		Failed              bool
		// Retention are the retention statements of its notices.
		Retention []htmlRetention
	}
	htmlRetention struct {
		Sentence, Period, URL string
	}
	htmlFinding struct {
		Severity, Label, Check, Title, URL, Legal string
		// Note marks a finding below the failure threshold.
		Note bool
		// Facts is what was seen, written for people.
		Facts facts.Facts
	}
)

type checkTally struct {
	severity finding.Severity // the most serious seen
	title    string
	count    int
}

type htmlWriter struct {
	w       io.Writer
	lang    string
	min     finding.Severity
	failing int
	sites   []*htmlSite
	failed  []failedSite
	counts  bySeverity
	byCheck map[string]*checkTally
	seen    int
}

func newHTML(w io.Writer, o Options) *htmlWriter {
	return &htmlWriter{w: w, lang: o.Lang, min: o.threshold(), byCheck: map[string]*checkTally{}}
}

func (h *htmlWriter) WriteSite(s *Site) error {
	if s == nil {
		return errNilSite
	}
	h.seen++
	if s.Failed() {
		h.failed = append(h.failed, failedSite{URL: s.URL, Organisation: s.Organisation, Error: s.Error, ErrorKind: s.ErrorKind})
		if len(s.Findings) == 0 {
			return nil
		}
	}
	site := &htmlSite{
		URL:           s.URL,
		Organisation:  s.Organisation,
		Tags:          strings.Join(s.Tags, ", "),
		Pages:         s.Pages,
		Forms:         s.Forms,
		PersonalForms: s.PersonalForms,
	}
	if g := s.HTTPObservatory; g != nil {
		site.Grade, site.Score, site.GradeVersion = g.Grade, g.Score, g.Version
	}
	for _, st := range s.Retention {
		site.Retention = append(site.Retention, htmlRetention{Sentence: st.Sentence, Period: retentionPeriod(h.lang, st), URL: st.URL})
	}
	order := make([]*finding.Finding, len(s.Findings))
	for i := range s.Findings {
		order[i] = &s.Findings[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return lessFinding(order[i], order[j]) })
	var counts bySeverity
	failing := false
	for _, f := range order {
		t := title(f, h.lang)
		sev := severityClass(f.Severity)
		failing = failing || f.Severity.IsFailure(h.min)
		site.Findings = append(site.Findings, htmlFinding{
			Severity: sev,
			Label:    severityLabel(h.lang, f.Severity),
			Check:    f.Check,
			Title:    t,
			URL:      f.URL,
			Legal:    strings.Join(f.Legal, "; "),
			Note:     !f.Severity.IsFailure(h.min),
			Facts:    facts.Of(f, h.lang),
		})
		counts.add(f.Severity)
		h.counts.add(f.Severity)
		ct := h.byCheck[f.Check]
		if ct == nil {
			ct = &checkTally{title: t}
			h.byCheck[f.Check] = ct
		}
		ct.count++
		ct.severity = max(ct.severity, f.Severity)
	}
	site.Counts = nonZeroCounts(h.lang, &counts)
	if failing {
		h.failing++
	}
	h.sites = append(h.sites, site)
	return nil
}

func (h *htmlWriter) Close(scan Scan) error {
	page := htmlPage{
		Lang:       h.lang,
		Scan:       htmlScanOf(scan),
		Findings:   h.counts.total(),
		NotAudited: h.failed,
		Failing:    h.failing,
		Notes:      h.counts.notes(h.min),
		Threshold:  severityLabel(h.lang, h.min),
	}
	page.Failures = page.Findings - page.Notes - h.counts[0]
	page.Audited, page.Failed = siteCounts(scan, h.seen, len(h.failed))
	for _, s := range severities {
		page.BySeverity = append(page.BySeverity, htmlCount{Severity: s.String(), Label: severityLabel(h.lang, s), Count: h.counts[s]})
	}
	if h.counts[0] > 0 {
		page.BySeverity = append(page.BySeverity, htmlCount{Severity: "unset", Label: severityLabel(h.lang, 0), Count: h.counts[0]})
	}
	for id, ct := range h.byCheck {
		title := ct.title
		if m, ok := check.Lookup(id); ok {
			title = localized(m.Title, h.lang)
		}
		page.ByCheck = append(page.ByCheck, htmlCheckCount{
			Check: id, Title: title, Count: ct.count,
			Severity: severityClass(ct.severity), Label: severityLabel(h.lang, ct.severity),
		})
	}
	sort.Slice(page.ByCheck, func(i, j int) bool {
		a, b := page.ByCheck[i], page.ByCheck[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Check < b.Check
	})
	page.Orgs = groupByOrganisation(h.sites, label(h.lang, "no-organisation"))
	sort.SliceStable(page.NotAudited, func(i, j int) bool { return page.NotAudited[i].URL < page.NotAudited[j].URL })

	tmpl, err := template.New("report").Funcs(template.FuncMap{
		"t":  func(key string) string { return label(h.lang, key) },
		"tf": func(key string, args ...any) string { return fmt.Sprintf(label(h.lang, key), args...) },
	}).Parse(htmlSource)
	if err != nil {
		return err
	}
	return tmpl.Execute(h.w, page)
}

// groupByOrganisation sorts sites into organisations by name, sites by URL,
// with the sites of no organisation last under noOrg.
func groupByOrganisation(sites []*htmlSite, noOrg string) []htmlOrg {
	byName := map[string][]*htmlSite{}
	for _, s := range sites {
		byName[s.Organisation] = append(byName[s.Organisation], s)
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		if n != "" {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	orgs := make([]htmlOrg, 0, len(byName))
	for _, n := range names {
		orgs = append(orgs, htmlOrg{Name: n, Sites: byName[n]})
	}
	if none := byName[""]; len(none) > 0 {
		orgs = append(orgs, htmlOrg{Name: noOrg, Sites: none})
	}
	for _, o := range orgs {
		sort.SliceStable(o.Sites, func(i, j int) bool { return o.Sites[i].URL < o.Sites[j].URL })
	}
	return orgs
}

func nonZeroCounts(lang string, c *bySeverity) []htmlCount {
	var out []htmlCount
	for _, s := range severities {
		if c[s] > 0 {
			out = append(out, htmlCount{Severity: s.String(), Label: severityLabel(lang, s), Count: c[s]})
		}
	}
	if c[0] > 0 {
		out = append(out, htmlCount{Severity: "unset", Label: severityLabel(lang, 0), Count: c[0]})
	}
	return out
}

// severityClass is the CSS class of a severity badge.
func severityClass(s finding.Severity) string {
	if s < finding.Info || s > finding.Critical {
		return "unset"
	}
	return s.String()
}

func htmlScanOf(scan Scan) htmlScan {
	out := htmlScan{
		ID:      scan.ID,
		Started: htmlTime(scan.Started),
		Ended:   htmlTime(scan.Ended),
		Version: scan.Version,
		IPData:  scan.Settings["ip_datasets"],
	}
	if !scan.Started.IsZero() && !scan.Ended.IsZero() && !scan.Ended.Before(scan.Started) {
		out.Duration = scan.Ended.Sub(scan.Started).Round(time.Second).String()
	}
	keys := make([]string, 0, len(scan.Settings))
	for k := range scan.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Settings = append(out.Settings, htmlSetting{Key: k, Value: scan.Settings[k]})
	}
	return out
}

func htmlTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// retentionPeriod says, for people, what period a retention statement
// states.
func retentionPeriod(lang string, st observation.RetentionStatement) string {
	switch {
	case st.Unlimited:
		return label(lang, "retention-unlimited")
	case st.Days > 0 && st.Days%365 == 0:
		return fmt.Sprintf(label(lang, "retention-years"), st.Days/365)
	case st.Days > 0 && st.Days%30 == 0:
		return fmt.Sprintf(label(lang, "retention-months"), st.Days/30)
	case st.Days > 0:
		return fmt.Sprintf(label(lang, "retention-days"), st.Days)
	case st.Criterion:
		return label(lang, "retention-criterion")
	}
	return label(lang, "retention-vague")
}
