package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/observatory"
)

// Site is one audited site as reports see it.
type Site struct {
	URL          string
	Organisation string
	Tags         []string
	// Pages is the number of pages fetched.
	Pages int
	// Forms is the number of forms seen; PersonalForms those collecting
	// personal data.
	Forms         int
	PersonalForms int
	// Error is set when the site could not be audited; ErrorKind classifies
	// it (observation.Kind*).
	Error     string
	ErrorKind string
	Findings  []finding.Finding
	// HTTPObservatory is the site's grade on the MDN HTTP Observatory's
	// scale, nil when it was not graded.
	HTTPObservatory *observatory.Result
	// Hosting is where the site's pages are served from, nil when it was
	// not looked up.
	Hosting *observation.Hosting
	// Retention are the retention statements of the site's information
	// notices (see package notice), personal data masked.
	Retention []observation.RetentionStatement
}

// Failed reports whether the site could not be audited.
func (s *Site) Failed() bool { return s.Error != "" }

// Scan describes the run a report covers.
type Scan struct {
	ID      string
	Started time.Time
	Ended   time.Time
	// Version is Vigie's version.
	Version string
	// Sites is the number of sites the scan covered, failed ones included;
	// Failed is how many could not be audited. When Sites is zero, writers
	// count the sites passed to WriteSite instead.
	Sites  int
	Failed int
	// Settings are the scan's options worth recording, e.g.
	// "concurrency": "16".
	Settings map[string]string
}

// Options tune how a report is written.
type Options struct {
	// Lang is "en" (the default) or "fr": the language of check titles and
	// of the report's own labels.
	Lang string
	// Color turns on ANSI colours in the table format; set it only when
	// writing to a terminal.
	Color bool
	// MinSeverity is the failure threshold (zero: finding.DefaultThreshold):
	// the HTML report and the table count the sites with a finding at or
	// above it as failing, and label the others' findings as notes.
	MinSeverity finding.Severity
	// SiteRecords makes the JSONL format write, after each audited
	// site's findings, its {"record":"site"} line.
	SiteRecords bool
}

// threshold returns the failure threshold of o.
func (o Options) threshold() finding.Severity {
	if o.MinSeverity == 0 {
		return finding.DefaultThreshold
	}
	return o.MinSeverity
}

// Writer writes one report. WriteSite is called once per site, in the
// order the scan produces them; Close finishes the document. Close does not
// close the underlying io.Writer.
type Writer interface {
	WriteSite(s *Site) error
	Close(scan Scan) error
}

var formats = []string{"jsonl", "csv", "sarif", "html", "table"}

// Formats returns the names of the formats New accepts.
func Formats() []string { return append([]string(nil), formats...) }

// New returns a Writer of the given format writing to w.
func New(format string, w io.Writer, o Options) (Writer, error) {
	lang, err := normaliseLang(o.Lang)
	if err != nil {
		return nil, err
	}
	o.Lang = lang
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "jsonl":
		j := newJSONL(w)
		j.siteRecords = o.SiteRecords
		return j, nil
	case "csv":
		return newCSV(w, o), nil
	case "sarif":
		return newSARIF(w, o), nil
	case "html":
		return newHTML(w, o), nil
	case "table":
		return newTable(w, o), nil
	}
	return nil, fmt.Errorf("report: unknown format %q (want one of %s)", format, strings.Join(formats, ", "))
}

func normaliseLang(lang string) (string, error) {
	switch l := strings.ToLower(strings.TrimSpace(lang)); l {
	case "", "en":
		return "en", nil
	case "fr":
		return "fr", nil
	}
	return "", fmt.Errorf("report: unknown language %q (want en or fr)", lang)
}

var errNilSite = errors.New("report: WriteSite called with a nil site")

// localized picks the text in lang, falling back to the other language.
func localized(t check.Text, lang string) string {
	if lang == "fr" && t.FR != "" {
		return t.FR
	}
	if t.EN != "" {
		return t.EN
	}
	return t.FR
}

// title returns the catalogue title of f's check in lang, or the finding's
// own title for a check the catalogue does not know.
func title(f *finding.Finding, lang string) string {
	if m, ok := check.Lookup(f.Check); ok {
		if t := localized(m.Title, lang); t != "" {
			return t
		}
	}
	if f.Title != "" {
		return f.Title
	}
	return f.Check
}

// severities lists the valid severities, most serious first.
var severities = []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info}

// bySeverity counts findings per severity; index 0 holds findings whose
// severity is unset or out of range.
type bySeverity [finding.Critical + 1]int

func (c *bySeverity) add(s finding.Severity) {
	if s < finding.Info || s > finding.Critical {
		s = 0
	}
	c[s]++
}

// notes counts the findings below the failure threshold min, unset
// severities apart.
func (c *bySeverity) notes(min finding.Severity) int {
	n := 0
	for s := finding.Info; s <= finding.Critical; s++ {
		if !s.IsFailure(min) {
			n += c[s]
		}
	}
	return n
}

func (c *bySeverity) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// siteCounts returns how many sites were audited and how many failed,
// preferring the scan's own numbers when it has them.
func siteCounts(scan Scan, seen, seenFailed int) (audited, failed int) {
	if scan.Sites > 0 {
		return max(scan.Sites-scan.Failed, 0), scan.Failed
	}
	return seen - seenFailed, seenFailed
}

// lessFinding orders findings by severity (most serious first), then site,
// check, URL and ID, so that every report lists them the same way.
func lessFinding(a, b *finding.Finding) bool {
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	if a.Site != b.Site {
		return a.Site < b.Site
	}
	if a.Check != b.Check {
		return a.Check < b.Check
	}
	if a.URL != b.URL {
		return a.URL < b.URL
	}
	return a.ID < b.ID
}

// compactJSON encodes v without HTML escaping and without the trailing
// newline json.Encoder adds.
func compactJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// maxDetail bounds the length, in characters, of a finding's key detail.
const maxDetail = 200

// keyDetail renders a finding's detail in one short line: "key: value"
// pairs sorted by key, lists of plain values joined by commas, anything
// nested as compact JSON.
func keyDetail(d map[string]any) string {
	if len(d) == 0 {
		return ""
	}
	// A round trip through JSON turns whatever types the check used into
	// plain maps, slices, strings, numbers and booleans.
	raw, err := json.Marshal(d)
	if err != nil {
		return ""
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+plainValue(m[k]))
	}
	return truncate(strings.Join(parts, "; "), maxDetail)
}

func plainValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			switch e.(type) {
			case map[string]any, []any:
				s, _ := compactJSON(v)
				return s
			}
			parts = append(parts, plainValue(e))
		}
		return strings.Join(parts, ", ")
	}
	s, _ := compactJSON(v)
	return s
}

// truncate shortens s to at most n characters, ending with an ellipsis
// when it cut something.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// timeText formats t in RFC 3339, UTC, or "" for the zero time.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
