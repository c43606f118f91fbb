package report

import (
	"encoding/csv"
	"io"
	"strings"

	"vigie/finding"
)

var csvHeader = []string{
	"id", "check", "severity", "confidence", "site", "url", "organisation", "title",
	"legal", "first_seen", "last_seen", "detail", "error", "error_kind",
}

type csvWriter struct {
	w      *csv.Writer
	lang   string
	header bool
}

func newCSV(w io.Writer, o Options) *csvWriter {
	return &csvWriter{w: csv.NewWriter(w), lang: o.Lang}
}

func (c *csvWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.w.Write(csvHeader)
}

func (c *csvWriter) WriteSite(s *Site) error {
	if s == nil {
		return errNilSite
	}
	if err := c.writeHeader(); err != nil {
		return err
	}
	for i := range s.Findings {
		row, err := c.findingRow(&s.Findings[i])
		if err != nil {
			return err
		}
		if err := c.write(row); err != nil {
			return err
		}
	}
	if s.Failed() {
		row := make([]string, len(csvHeader))
		row[4] = s.URL
		row[6] = s.Organisation
		row[12] = s.Error
		row[13] = s.ErrorKind
		if err := c.write(row); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}

func (c *csvWriter) findingRow(f *finding.Finding) ([]string, error) {
	detail := ""
	if len(f.Detail) > 0 {
		var err error
		if detail, err = compactJSON(f.Detail); err != nil {
			return nil, err
		}
	}
	sev := ""
	if f.Severity != 0 {
		sev = f.Severity.String()
	}
	return []string{
		f.ID, f.Check, sev, f.Confidence, f.Site, f.URL, f.Organisation,
		title(f, c.lang), strings.Join(f.Legal, "; "),
		timeText(f.FirstSeen), timeText(f.LastSeen), detail, "", "",
	}, nil
}

func (c *csvWriter) write(row []string) error {
	for i, cell := range row {
		row[i] = defuseCell(cell)
	}
	return c.w.Write(row)
}

// Close writes the header if no site came, so the file is still a valid,
// empty table.
func (c *csvWriter) Close(Scan) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// defuseCell guards against CSV formula injection: spreadsheet programs
// evaluate a cell starting with =, +, -, @, tab or carriage return as a
// formula, and organisation names, URLs and details come from the audited
// sites. A leading apostrophe makes the cell plain text (OWASP's advice).
func defuseCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
