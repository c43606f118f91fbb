package letter

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"
	"unicode"

	"vigie/cases"
	"vigie/check"
	"vigie/finding"
	"vigie/finding/facts"
)

//go:embed templates/*.tmpl
var embedded embed.FS

// Kinds of letter.
const (
	Alert     = "alert"
	Reminder  = "reminder"
	Complaint = "complaint"
)

// Page is one affected page of a site.
type Page struct {
	URL        string
	Checks     []string // check IDs failing on the page
	Findings   []string // finding IDs
	Categories []string // personal-data categories, localised
}

// Site is one affected site with its pages.
type Site struct {
	URL          string
	Organisation string
	FirstSeen    time.Time
	// FixedOn is the date of the verification that saw every notified
	// failure of the site fixed, zero while one remains.
	FixedOn time.Time
	Pages   []Page
}

// Failure is one check failing somewhere in the case, with the
// catalogue's text in the letter's language and the sites at fault.
type Failure struct {
	Check       string
	Title       string
	Rationale   string
	Remediation string
	Legal       []string
	Sites       int
	// Pages counts the pages where the failure shows, over its findings
	// (a grouped finding counts every page it lists).
	Pages     int
	FirstSeen time.Time
	// At lists the sites where the failure was seen, with its pages.
	At []FailureSite
	// Findings are the IDs of the failure's findings: each one's evidence
	// bundle is exported under that ID.
	Findings []string
}

// FailureSite is one site at fault for a failure.
type FailureSite struct {
	URL          string
	Organisation string
	FirstSeen    time.Time
	FixedOn      time.Time
	Pages        []FailurePage
}

// FailurePage is one finding of a failure: the page, what it collects,
// the finding's ID and its first evidence record. A finding grouping the
// pages where one defect shows (a form in every page's footer) also says
// on how many pages, and names the first few.
type FailurePage struct {
	URL        string
	Finding    string
	Evidence   string // "warc:FILE#urn:uuid:…", "" when none was kept
	Categories []string
	// Count is the number of pages where the finding shows, 1 for a
	// finding about one page.
	Count int
	// Listed are the first pages of a grouped finding, at most
	// ListedPages; Others counts those left unnamed.
	Listed []string
	Others int
}

// ListedPages is how many pages of a grouped finding a letter names: the
// finding's evidence bundle lists them all.
const ListedPages = 5

// Data is what templates see.
type Data struct {
	Lang         string
	Case         *cases.Case
	Organisation cases.Organisation
	Sites        []Site
	Failures     []Failure
	Categories   []string // personal-data categories, localised
	FirstSeen    time.Time
	Date         time.Time // of the letter or page
	Sender       string
	// Events are the case's events; public renderings get only those not
	// marked private.
	Events []cases.Event
	// Refs are the complaint references of the case, in order.
	Refs []string
	// AlertedAt is the date of the first DPO alert, zero if none;
	// Reminders the dates of the reminders sent.
	AlertedAt time.Time
	Reminders []time.Time
}

// Input is what New builds Data from.
type Input struct {
	Lang         string // "fr" or "en"
	Case         *cases.Case
	Organisation cases.Organisation // zero when the directory has none
	// Findings are the case's findings at issue (cases.AtIssue). Notes
	// (below the case's threshold) never reach a letter or chronology;
	// letters also leave out findings since fixed.
	Findings []finding.Finding
	Date     time.Time
	Sender   string
	Public   bool // a chronology: drop private events, keep fixed findings
}

// New assembles template data from a case and its findings.
func New(in Input) (*Data, error) {
	if in.Lang != "fr" && in.Lang != "en" {
		return nil, fmt.Errorf("letter: language %q: want fr or en", in.Lang)
	}
	d := &Data{Lang: in.Lang, Case: in.Case, Organisation: in.Organisation, Date: in.Date, Sender: in.Sender}
	if d.Organisation.Name == "" {
		d.Organisation.Name = in.Case.Organisation
	}
	min := in.Case.Threshold()
	fs := slices.DeleteFunc(slices.Clone(in.Findings), func(f finding.Finding) bool {
		return !f.Severity.IsFailure(min) || !in.Public && f.FixedAt != nil
	})
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Site != b.Site {
			return a.Site < b.Site
		}
		if a.URL != b.URL {
			return a.URL < b.URL
		}
		return a.ID < b.ID
	})
	fixes := in.Case.SiteFixes()
	failures := map[string]*Failure{}
	allCats := map[string]bool{}
	for _, f := range fs {
		if len(d.Sites) == 0 || d.Sites[len(d.Sites)-1].URL != f.Site {
			d.Sites = append(d.Sites, Site{URL: f.Site, Organisation: f.Organisation, FirstSeen: f.FirstSeen, FixedOn: fixes[f.Site]})
		}
		s := &d.Sites[len(d.Sites)-1]
		if f.FirstSeen.Before(s.FirstSeen) {
			s.FirstSeen = f.FirstSeen
		}
		if d.FirstSeen.IsZero() || f.FirstSeen.Before(d.FirstSeen) {
			d.FirstSeen = f.FirstSeen
		}
		if len(s.Pages) == 0 || s.Pages[len(s.Pages)-1].URL != f.URL {
			s.Pages = append(s.Pages, Page{URL: f.URL})
		}
		p := &s.Pages[len(s.Pages)-1]
		if !slices.Contains(p.Checks, f.Check) {
			p.Checks = append(p.Checks, f.Check)
		}
		p.Findings = append(p.Findings, f.ID)
		var cats []string
		for _, c := range categories(f.Detail) {
			allCats[c] = true
			l := category(in.Lang, c)
			cats = append(cats, l)
			if !slices.Contains(p.Categories, l) {
				p.Categories = append(p.Categories, l)
			}
		}
		fl := failures[f.Check]
		if fl == nil {
			fl = &Failure{Check: f.Check, Title: f.Title, Legal: f.Legal, FirstSeen: f.FirstSeen}
			if m, ok := check.Lookup(f.Check); ok {
				fl.Title, fl.Rationale, fl.Remediation = text(in.Lang, m.Title), text(in.Lang, m.Rationale), text(in.Lang, m.Remediation)
				fl.Legal = m.Legal
			}
			failures[f.Check] = fl
		}
		if f.FirstSeen.Before(fl.FirstSeen) {
			fl.FirstSeen = f.FirstSeen
		}
		if len(fl.At) == 0 || fl.At[len(fl.At)-1].URL != f.Site {
			fl.At = append(fl.At, FailureSite{URL: f.Site, Organisation: s.Organisation, FirstSeen: f.FirstSeen, FixedOn: s.FixedOn})
		}
		fs := &fl.At[len(fl.At)-1]
		if f.FirstSeen.Before(fs.FirstSeen) {
			fs.FirstSeen = f.FirstSeen
		}
		page := FailurePage{URL: f.URL, Finding: f.ID, Categories: cats, Count: 1}
		if n := pagesCount(f.Detail); n > 1 {
			page.Count = n
			page.Listed = finding.Pages(f.Detail)
			if len(page.Listed) > ListedPages {
				page.Listed = page.Listed[:ListedPages]
			}
			page.Others = n - len(page.Listed)
		}
		fl.Pages += page.Count
		if len(f.Evidence) > 0 {
			page.Evidence = f.Evidence[0]
		}
		fs.Pages = append(fs.Pages, page)
		fl.Findings = append(fl.Findings, f.ID)
	}
	for _, fl := range failures {
		fl.Sites = len(fl.At)
		d.Failures = append(d.Failures, *fl)
	}
	sort.Slice(d.Failures, func(i, j int) bool { return d.Failures[i].Check < d.Failures[j].Check })
	for _, c := range facts.CategoryOrder {
		if allCats[c] {
			d.Categories = append(d.Categories, category(in.Lang, c))
		}
	}
	if in.Lang == "fr" {
		d.Organisation.Name = French(d.Organisation.Name)
		for i := range d.Sites {
			d.Sites[i].Organisation = French(d.Sites[i].Organisation)
		}
		for i := range d.Failures {
			for j := range d.Failures[i].At {
				d.Failures[i].At[j].Organisation = French(d.Failures[i].At[j].Organisation)
			}
		}
	}
	for _, e := range in.Case.Events {
		if in.Public && e.Private {
			continue
		}
		if in.Lang == "fr" {
			e.Text = French(e.Text)
		}
		d.Events = append(d.Events, e)
		switch e.Kind {
		case string(cases.ComplaintFiled):
			if e.Ref != "" {
				d.Refs = append(d.Refs, e.Ref)
			}
		case string(cases.DPOAlerted):
			if d.AlertedAt.IsZero() {
				d.AlertedAt = e.Date
			}
		case cases.KindReminder:
			d.Reminders = append(d.Reminders, e.Date)
		}
	}
	return d, nil
}

// pagesCount reads how many pages a grouped finding shows on from its
// detail (finding.DetailPagesCount), as recorded (int) or as read back
// from JSON (float64); 0 when the finding is about one page.
func pagesCount(detail map[string]any) int {
	switch v := detail[finding.DetailPagesCount].(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	return 0
}

// categories reads a finding's personal-data categories from its detail,
// as recorded ([]string) or as read back from JSON ([]any).
func categories(detail map[string]any) []string {
	switch v := detail["categories"].(type) {
	case []string:
		return v
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func text(lang string, t check.Text) string {
	if lang == "fr" {
		return French(t.FR)
	}
	return t.EN
}

// source returns the text of template file name from dir when it exists
// there, else the embedded one.
func source(dir, name string) ([]byte, error) {
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return b, nil
		}
		if !os.IsNotExist(err) {
			return nil, fmt.Errorf("letter: template %w", err)
		}
	}
	b, err := fs.ReadFile(embedded, "templates/"+name)
	if err != nil {
		return nil, fmt.Errorf("letter: no template %s", name)
	}
	return b, nil
}

func funcs(lang string) map[string]any {
	return map[string]any{
		"date":    func(t time.Time) string { return FormatDate(lang, t) },
		"join":    strings.Join,
		"event":   func(kind string) string { return eventName(lang, kind) },
		"last":    func(ts []time.Time) int { return len(ts) - 1 },
		"legal":   func(l []string) string { return legal(lang, l) },
		"failure": func(fs []Failure) string { return failureName(lang, fs) },
	}
}

// Markdown renders letter kind (Alert, Reminder, Complaint) or "chronology"
// as Markdown, from the template <kind>.<lang>.md.tmpl and the shared
// blocks of common.<lang>.md.tmpl, each taken from dir when there, else
// embedded. A letter's first line is its subject.
func Markdown(d *Data, kind, dir string) ([]byte, error) {
	switch kind {
	case Alert, Reminder, Complaint, "chronology":
	default:
		return nil, fmt.Errorf("letter: kind %q: want alert, reminder or complaint", kind)
	}
	name := kind + "." + d.Lang + ".md.tmpl"
	t := template.New(name).Funcs(funcs(d.Lang))
	for _, n := range []string{"common." + d.Lang + ".md.tmpl", name} {
		src, err := source(dir, n)
		if err != nil {
			return nil, err
		}
		if _, err := t.New(n).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("letter: %s: %w", n, err)
		}
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, d); err != nil {
		return nil, fmt.Errorf("letter: %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// HTML renders the public chronology as an HTML page, from the template
// chronology.<lang>.html.tmpl of dir or the embedded one.
func HTML(d *Data, dir string) ([]byte, error) {
	name := "chronology." + d.Lang + ".html.tmpl"
	src, err := source(dir, name)
	if err != nil {
		return nil, err
	}
	t, err := htmltemplate.New(name).Funcs(funcs(d.Lang)).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("letter: %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("letter: %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// legal writes legal references in the letter's language: "GDPR art. 32"
// becomes "RGPD, art. 32" in French.
func legal(lang string, refs []string) string {
	out := make([]string, len(refs))
	for i, r := range refs {
		if lang == "fr" {
			r = strings.Replace(r, "GDPR art.", "RGPD, art.", 1)
			r = strings.Replace(r, "GDPR", "RGPD", 1)
		}
		out[i] = r
	}
	sep := "; "
	if lang == "fr" {
		sep = narrowNbsp + "; "
	}
	return strings.Join(out, sep)
}

// failureName names the failures of a case for a title, the first letter
// lower-cased: "formulaire … et cookie …".
func failureName(lang string, fs []Failure) string {
	var names []string
	for _, f := range fs {
		t := f.Title
		if r := []rune(t); len(r) > 1 && !unicode.IsUpper(r[1]) {
			t = string(unicode.ToLower(r[0])) + string(r[1:])
		}
		names = append(names, t)
	}
	and := " and "
	if lang == "fr" {
		and = " et "
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + and + names[len(names)-1]
}
