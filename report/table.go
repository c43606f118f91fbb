package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie/finding"
)

// tableWidth is the width, in characters, the table fits in.
const tableWidth = 100

// maxCheckWidth bounds the CHECK column; longer IDs are cut.
const maxCheckWidth = 32

// tableMaxRows bounds the findings, and the sites not audited, that the
// table lists, so that its memory stays flat however large the scan: it
// lists the most severe ones and counts the others, which the
// machine-readable formats keep.
const tableMaxRows = 2000

// ANSI escape sequences for the table's colours.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiBright = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

var severityColour = map[finding.Severity]string{
	finding.Critical: ansiBright,
	finding.High:     ansiRed,
	finding.Medium:   ansiYellow,
	finding.Low:      ansiCyan,
	finding.Info:     ansiDim,
}

// failedSite is what the table and the HTML page keep of a site that could
// not be audited.
type failedSite struct {
	URL, Organisation, Error, ErrorKind string
}

type tableWriter struct {
	w io.Writer
	o Options
	// rows keep of each finding only Severity, Site, Check, URL and ID:
	// the most severe, at most max of them once trimmed; cut counts the
	// others.
	rows []finding.Finding
	cut  int
	// failed keeps the first max sites not audited; failedCut counts the
	// others.
	failed    []failedSite
	failedCut int
	max       int
	counts    bySeverity
	sites     int
	// failing counts the sites with a failure.
	failing int
}

func newTable(w io.Writer, o Options) *tableWriter {
	return &tableWriter{w: w, o: o, max: tableMaxRows}
}

// trim sorts the rows and keeps the first max of them.
func (t *tableWriter) trim() {
	sort.SliceStable(t.rows, func(i, j int) bool { return lessFinding(&t.rows[i], &t.rows[j]) })
	if len(t.rows) > t.max {
		t.cut += len(t.rows) - t.max
		clear(t.rows[t.max:])
		t.rows = t.rows[:t.max]
	}
}

func (t *tableWriter) WriteSite(s *Site) error {
	if s == nil {
		return errNilSite
	}
	t.sites++
	failing := false
	for i := range s.Findings {
		f := &s.Findings[i]
		failing = failing || f.Severity.IsFailure(t.o.threshold())
		url := f.URL
		if url == "" {
			url = f.Site
		}
		t.rows = append(t.rows, finding.Finding{
			Severity: f.Severity, Site: f.Site, Check: f.Check, URL: url, ID: f.ID,
		})
		t.counts.add(f.Severity)
	}
	if failing {
		t.failing++
	}
	// Trimming at twice the bound sorts each row a bounded number of
	// times.
	if len(t.rows) >= 2*t.max {
		t.trim()
	}
	if s.Failed() {
		if len(t.failed) < t.max {
			t.failed = append(t.failed, failedSite{URL: s.URL, Organisation: s.Organisation, Error: s.Error, ErrorKind: s.ErrorKind})
		} else {
			t.failedCut++
		}
	}
	return nil
}

func (t *tableWriter) Close(scan Scan) error {
	b := bufio.NewWriter(t.w)
	lang := t.o.Lang
	t.trim()

	if len(t.rows) == 0 {
		fmt.Fprintln(b, label(lang, "no-findings"))
	} else {
		sevHead := strings.ToUpper(label(lang, "severity"))
		checkHead := strings.ToUpper(label(lang, "check"))
		urlHead := strings.ToUpper(label(lang, "url"))
		sevW := utf8.RuneCountInString(sevHead)
		for _, s := range severities {
			sevW = max(sevW, utf8.RuneCountInString(t.severityText(s)))
		}
		checkW := utf8.RuneCountInString(checkHead)
		for i := range t.rows {
			checkW = max(checkW, utf8.RuneCountInString(printable(t.rows[i].Check)))
		}
		checkW = min(checkW, maxCheckWidth)
		urlW := tableWidth - sevW - checkW - 4

		fmt.Fprintln(b, t.paint(ansiBold, pad(sevHead, sevW)+"  "+pad(checkHead, checkW)+"  "+urlHead))
		for i := range t.rows {
			r := &t.rows[i]
			name := t.severityText(r.Severity)
			sev := t.paint(severityColour[r.Severity], name) + pad("", sevW-utf8.RuneCountInString(name))
			fmt.Fprintln(b, sev+"  "+pad(truncate(printable(r.Check), checkW), checkW)+"  "+truncate(printable(r.URL), urlW))
		}
		if t.cut > 0 {
			fmt.Fprintln(b, t.paint(ansiDim, fmt.Sprintf(label(lang, "more-findings"), t.cut)))
		}
	}

	fmt.Fprintln(b)
	audited, failed := siteCounts(scan, t.sites, len(t.failed)+t.failedCut)
	fmt.Fprintln(b, summaryLine(lang, audited, failed, &t.counts))
	fmt.Fprintf(b, label(lang, "failing-summary")+"\n", t.failing, severityLabel(lang, t.o.threshold()), t.counts.notes(t.o.threshold()))

	if len(t.failed) > 0 {
		fmt.Fprintln(b)
		fmt.Fprintln(b, t.paint(ansiRed, label(lang, "not-audited")))
		for _, f := range t.failed {
			line := "  " + f.URL
			if f.Organisation != "" {
				line += " (" + f.Organisation + ")"
			}
			line += ": " + f.Error
			if f.ErrorKind != "" {
				line += " [" + f.ErrorKind + "]"
			}
			fmt.Fprintln(b, printable(line))
		}
		if t.failedCut > 0 {
			fmt.Fprintf(b, label(lang, "more-failed")+"\n", t.failedCut)
		}
	}
	return b.Flush()
}

// severityText names a severity in a row: notes (below the failure
// threshold) say so.
func (t *tableWriter) severityText(s finding.Severity) string {
	name := severityLabel(t.o.Lang, s)
	if s >= finding.Info && !s.IsFailure(t.o.threshold()) {
		name += " (" + label(t.o.Lang, "note") + ")"
	}
	return name
}

// paint wraps s in an ANSI colour when colours are on.
func (t *tableWriter) paint(colour, s string) string {
	if !t.o.Color || colour == "" {
		return s
	}
	return colour + s + ansiReset
}

// summaryLine returns "N sites audited, M failed, K findings (x critical,
// y high, …)" in lang.
func summaryLine(lang string, audited, failed int, c *bySeverity) string {
	parts := make([]string, 0, len(severities)+1)
	for _, s := range severities {
		parts = append(parts, fmt.Sprintf(label(lang, "sev-count"), severityLabel(lang, s), c[s]))
	}
	if c[0] > 0 {
		parts = append(parts, fmt.Sprintf(label(lang, "sev-count"), label(lang, "sev-unset"), c[0]))
	}
	return fmt.Sprintf(label(lang, "summary"), audited, failed, c.total(), strings.Join(parts, ", "))
}

// pad right-pads s with spaces to n characters.
func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// printable replaces control characters, which could move the cursor or
// change colours on a terminal, with U+FFFD: URLs, organisation names and
// error messages come from the audited sites and the user's lists.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}
