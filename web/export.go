package web

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"

	"vigie/report"
	"vigie/store"
)

// exportBatch is how many rows an export reads from the store at a time.
const exportBatch = 500

// exporter streams a list as CSV or JSONL.
type exporter struct {
	buf *bufio.Writer
	csv *csv.Writer
	enc *json.Encoder
}

// newExporter starts an export download of the list name; header names the
// CSV columns.
func newExporter(w http.ResponseWriter, format, name string, header []string) (*exporter, error) {
	e := &exporter{}
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "jsonl":
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	default:
		return nil, fmt.Errorf("format %q: want csv or jsonl", format)
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="vigie-%s.%s"`, name, format))
	e.buf = bufio.NewWriter(w)
	if format == "csv" {
		e.csv = csv.NewWriter(e.buf)
		if err := e.csv.Write(header); err != nil {
			return nil, err
		}
	} else {
		e.enc = json.NewEncoder(e.buf)
		e.enc.SetEscapeHTML(false)
	}
	return e, nil
}

// row writes one record: cells for CSV, obj for JSONL.
func (e *exporter) row(cells []string, obj any) error {
	if e.csv != nil {
		for i, c := range cells {
			cells[i] = defuse(c)
		}
		return e.csv.Write(cells)
	}
	return e.enc.Encode(obj)
}

func (e *exporter) close() error {
	if e.csv != nil {
		e.csv.Flush()
		if err := e.csv.Error(); err != nil {
			return err
		}
	}
	return e.buf.Flush()
}

// defuse guards a CSV cell against formula injection (as package report
// does): names and URLs come from audited sites, and spreadsheets evaluate
// cells starting with =, +, -, @, tab or carriage return.
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// exportFindings streams every finding q selects in report's CSV or JSONL
// format (the same columns and records as vigie scan writes).
func (s *Server) exportFindings(w http.ResponseWriter, r *http.Request, v *view, q store.Query, format string) {
	if format != "csv" && format != "jsonl" {
		s.fail(w, r, v, http.StatusBadRequest, fmt.Errorf("format %q: want csv or jsonl", format))
		return
	}
	// Read the first batch before any byte is written, so that a store
	// error is still an error page.
	q.Limit, q.Offset = exportBatch, 0
	batch, _, err := s.o.Browser.Query(r.Context(), q)
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="vigie-findings.%s"`, format))
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	}
	buf := bufio.NewWriter(w)
	rw, err := report.New(format, buf, report.Options{Lang: v.L.Code})
	if err != nil {
		s.fail(w, r, v, http.StatusInternalServerError, err)
		return
	}
	// Findings come ordered by site: each run of one site is one report
	// site.
	var site *report.Site
	flush := func() error {
		if site == nil {
			return nil
		}
		err := rw.WriteSite(site)
		site = nil
		return err
	}
	for {
		for _, f := range batch {
			if site != nil && site.URL != f.Site {
				if err := flush(); err != nil {
					s.o.Log.Warn("export", "err", err)
					return
				}
			}
			if site == nil {
				site = &report.Site{URL: f.Site, Organisation: f.Organisation}
			}
			site.Findings = append(site.Findings, f)
		}
		if len(batch) < exportBatch {
			break
		}
		q.Offset += exportBatch
		if batch, _, err = s.o.Browser.Query(r.Context(), q); err != nil {
			s.o.Log.Warn("export", "err", err)
			return
		}
	}
	err = flush()
	if err == nil {
		err = rw.Close(report.Scan{})
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		s.o.Log.Warn("export", "err", err)
	}
}

// severityCells returns the open counts in severityNames order.
func severityCells(m map[string]int) []string {
	var out []string
	for _, n := range severityNames() {
		out = append(out, fmt.Sprint(m[n]))
	}
	return out
}
