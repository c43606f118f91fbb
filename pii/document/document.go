package document

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
	"time"
	"unicode"
)

// Format is a document format this package reads.
type Format int

// The formats. Unknown means the body is none of them.
const (
	Unknown Format = iota
	XLSX
	ODS
	PDF
)

// String returns the format's usual file extension without the dot.
func (f Format) String() string {
	switch f {
	case XLSX:
		return "xlsx"
	case ODS:
		return "ods"
	case PDF:
		return "pdf"
	}
	return "unknown"
}

// Errors wrapped by Extract, to tell a refused file from a broken one.
var (
	// ErrUnsupported: the body is not in a format this package reads.
	ErrUnsupported = errors.New("not a spreadsheet or PDF")
	// ErrMalformed: the body claims a format but cannot be parsed.
	ErrMalformed = errors.New("malformed")
	// ErrEncrypted: the document is encrypted (or password protected).
	ErrEncrypted = errors.New("encrypted")
	// ErrTooLarge: a limit on size, entries, cells, pages or text was hit.
	ErrTooLarge = errors.New("over a limit")
	// ErrTimeout: reading took longer than the time budget.
	ErrTimeout = errors.New("time budget spent")
)

// Limits bound what Extract reads from one body. A zero field takes its
// value from DefaultLimits.
type Limits struct {
	// MaxBody is the largest body read, in bytes.
	MaxBody int64
	// MaxUnpacked bounds the bytes decompressed from the body: zip
	// entries of a spreadsheet, streams of a PDF.
	MaxUnpacked int64
	// MaxEntries bounds the number of entries of a zip container.
	MaxEntries int
	// MaxSheets bounds the sheets of a workbook.
	MaxSheets int
	// MaxCells bounds the cells kept over all sheets, empty cells
	// before a non-empty one in its row included.
	MaxCells int
	// MaxColumns bounds the width of a row.
	MaxColumns int
	// MaxPages bounds the pages of a PDF.
	MaxPages int
	// MaxText bounds the bytes of text kept, over all pages or cells.
	MaxText int
	// Timeout is the time budget of one Extract.
	Timeout time.Duration
}

// DefaultLimits returns limits fit for the documents of a web site: a
// member list or an export of a few thousand rows fits well within them.
func DefaultLimits() Limits {
	return Limits{
		MaxBody:     32 << 20,
		MaxUnpacked: 128 << 20,
		MaxEntries:  4096,
		MaxSheets:   256,
		MaxCells:    2_000_000,
		MaxColumns:  16384,
		MaxPages:    2000,
		MaxText:     32 << 20,
		Timeout:     20 * time.Second,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.MaxBody, d.MaxBody)
	orDefault(&l.MaxUnpacked, d.MaxUnpacked)
	orDefault(&l.MaxEntries, d.MaxEntries)
	orDefault(&l.MaxSheets, d.MaxSheets)
	orDefault(&l.MaxCells, d.MaxCells)
	orDefault(&l.MaxColumns, d.MaxColumns)
	orDefault(&l.MaxPages, d.MaxPages)
	orDefault(&l.MaxText, d.MaxText)
	orDefault(&l.Timeout, d.Timeout)
	return l
}

// orDefault sets *v to d when it is not positive.
func orDefault[T int | int64 | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// Document is what a spreadsheet or a PDF says.
type Document struct {
	// Format is the format the body was read as.
	Format Format
	// Tables holds one table per sheet, in the workbook's order.
	Tables []Table
	// Text is the running text of a PDF, pages separated by a form feed
	// ("\f"); empty for a spreadsheet.
	Text string
	// Pages is the number of pages read from a PDF.
	Pages int
}

// Table is one sheet of a workbook.
type Table struct {
	// Name is the sheet's name.
	Name string
	// Rows are the sheet's non-empty rows, in order; a cell keeps its
	// column (index in the row), trailing empty cells are dropped.
	Rows [][]string
	// Header is the index in Rows of the header row, or -1 when the first
	// non-empty row does not look like labels.
	Header int
}

// Sniff says which format body is: by its magic bytes when it has any
// ("%PDF-", a zip holding a workbook or an OpenDocument spreadsheet), else
// by the content type and the file name (the last segment of a URL path
// will do). A body whose bytes contradict its name or type (an HTML error
// page served as report.pdf) is still reported under the claimed format,
// so that Extract can record that it could not be read; a caller that
// finds such a body readable as text may fall back to reading it so.
func Sniff(contentType, name string, body []byte) Format {
	if isPDF(body) {
		return PDF
	}
	if bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		if f := zipFormat(body); f != Unknown {
			return f
		}
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch mt {
		case "application/pdf", "application/x-pdf":
			return PDF
		case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			"application/vnd.ms-excel.sheet.macroenabled.12":
			return XLSX
		case "application/vnd.oasis.opendocument.spreadsheet":
			return ODS
		}
	}
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		return PDF
	case ".xlsx", ".xlsm":
		return XLSX
	case ".ods":
		return ODS
	}
	return Unknown
}

// isPDF reports whether body starts with the PDF header, after white
// space at most: a text that merely mentions "%PDF-" is not a PDF.
func isPDF(body []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(body[:min(len(body), 1024)], " \t\r\n\x00"), []byte("%PDF-"))
}

// Extract reads body as the format Sniff finds for it and returns its
// tables and text. The error, if any, starts with "document: " and the
// format, and wraps ErrUnsupported, ErrMalformed, ErrEncrypted,
// ErrTooLarge or ErrTimeout.
func Extract(contentType, name string, body []byte, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	f := Sniff(contentType, name, body)
	if f == Unknown {
		return nil, fmt.Errorf("document: %w", ErrUnsupported)
	}
	if int64(len(body)) > lim.MaxBody {
		return nil, fmt.Errorf("document: %s: body of %d bytes: %w (%d)", f, len(body), ErrTooLarge, lim.MaxBody)
	}
	b := newBudget(lim)
	type result struct {
		doc *Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{err: fmt.Errorf("%w: %v", ErrMalformed, p)}
			}
			done <- r
		}()
		switch f {
		case XLSX:
			r.doc, r.err = readXLSX(body, b)
		case ODS:
			r.doc, r.err = readODS(body, b)
		case PDF:
			r.doc, r.err = readPDF(body, b)
		}
	}()
	timer := time.NewTimer(lim.Timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("document: %s: %w", f, r.err)
		}
		r.doc.Format = f
		return r.doc, nil
	case <-timer.C:
		// The reader stops at its next check of the budget; its result
		// is dropped.
		b.expire()
		return nil, fmt.Errorf("document: %s: after %s: %w", f, lim.Timeout, ErrTimeout)
	}
}

// looksLikeHeader reports whether a row reads as column labels: at least
// one cell with a letter, and no cell that is a number or a date, which
// data rows have and label rows do not.
func looksLikeHeader(row []string) bool {
	letters := false
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !strings.ContainsFunc(c, unicode.IsLetter) {
			return false
		}
		letters = true
	}
	return letters
}

// setHeader finds the header of t: its first row of two labels or more,
// when only one-cell rows (a title, a date of export) come before it and
// another row follows it.
func (t *Table) setHeader() {
	t.Header = -1
	for i, row := range t.Rows {
		if i == len(t.Rows)-1 || i > 3 {
			return
		}
		if filled(row) >= 2 {
			if looksLikeHeader(row) {
				t.Header = i
			}
			return
		}
	}
}

// filled counts the non-empty cells of row.
func filled(row []string) int {
	n := 0
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}
