package document

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// OpenDocument namespaces, as encoding/xml reports them.
const (
	nsTable  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsText   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
)

// readODS reads the sheets of an OpenDocument spreadsheet from its
// content.xml, token by token.
func readODS(body []byte, b *budget) (*Document, error) {
	zr, err := openZip(body, b)
	if err != nil {
		return nil, err
	}
	var content, manifest *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "content.xml":
			content = f
		case "META-INF/manifest.xml":
			manifest = f
		}
	}
	if manifest != nil {
		enc, err := odsEncrypted(manifest)
		if err != nil {
			return nil, err
		}
		if enc {
			return nil, fmt.Errorf("content.xml: %w", ErrEncrypted)
		}
	}
	if content == nil {
		return nil, fmt.Errorf("no content.xml: %w", ErrMalformed)
	}
	rc, err := content.Open()
	if err != nil {
		return nil, fmt.Errorf("content.xml: %w: %w", ErrMalformed, err)
	}
	defer rc.Close()
	doc, err := parseODSContent(io.LimitReader(rc, b.lim.MaxUnpacked), b)
	if err != nil {
		return nil, fmt.Errorf("content.xml: %w", err)
	}
	return doc, nil
}

// odsEncrypted reports whether the manifest says an entry is encrypted:
// LibreOffice then stores content.xml as ciphertext.
func odsEncrypted(f *zip.File) (bool, error) {
	rc, err := f.Open()
	if err != nil {
		return false, fmt.Errorf("manifest: %w: %w", ErrMalformed, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return false, fmt.Errorf("manifest: %w: %w", ErrMalformed, err)
	}
	return strings.Contains(string(b), "encryption-data"), nil
}

// odsReader holds the state of the walk over content.xml.
type odsReader struct {
	b      *budget
	doc    *Document
	table  *Table
	nested int // depth inside a table nested in a cell, or an annotation

	row       []string
	rowRepeat int
	pending   int // empty cells not yet added to row

	inCell     bool
	cell       strings.Builder
	cellRepeat int
	cellValue  string // office:value or office:date-value, when no text
	paragraphs int
}

// parseODSContent walks content.xml and returns its tables.
func parseODSContent(r io.Reader, b *budget) (*Document, error) {
	o := &odsReader{b: b, doc: &Document{}}
	d := xml.NewDecoder(r)
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := b.check(); err != nil {
				return nil, err
			}
		}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = o.start(t)
		case xml.EndElement:
			err = o.end(t)
		case xml.CharData:
			if o.inCell && o.nested == 0 {
				if o.cell.Len()+len(t) > b.lim.MaxText {
					return nil, fmt.Errorf("cell of more than %d bytes: %w", b.lim.MaxText, ErrTooLarge)
				}
				o.cell.Write(t)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if o.table != nil {
		return nil, fmt.Errorf("table %q not closed: %w", o.table.Name, ErrMalformed)
	}
	return o.doc, nil
}

// attr returns the value of the attribute space:local of e.
func attr(e xml.StartElement, space, local string) string {
	for _, a := range e.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// repeat reads a repetition count; anything but a positive number is 1.
func repeat(e xml.StartElement, local string) int {
	n, err := strconv.Atoi(attr(e, nsTable, local))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func (o *odsReader) start(e xml.StartElement) error {
	if o.nested > 0 {
		o.nested++
		return nil
	}
	switch {
	case e.Name.Space == nsTable && e.Name.Local == "table":
		if o.inCell {
			o.nested = 1
			return nil
		}
		if o.table != nil {
			return fmt.Errorf("table inside table: %w", ErrMalformed)
		}
		if len(o.doc.Tables) >= o.b.lim.MaxSheets {
			return fmt.Errorf("more than %d sheets: %w", o.b.lim.MaxSheets, ErrTooLarge)
		}
		o.table = &Table{Name: attr(e, nsTable, "name")}
	case o.table == nil:
	case e.Name.Space == nsTable && e.Name.Local == "table-row":
		o.row, o.pending = nil, 0
		o.rowRepeat = repeat(e, "number-rows-repeated")
	case e.Name.Space == nsTable && (e.Name.Local == "table-cell" || e.Name.Local == "covered-table-cell"):
		o.inCell = true
		o.cell.Reset()
		o.paragraphs = 0
		o.cellRepeat = repeat(e, "number-columns-repeated")
		o.cellValue = attr(e, nsOffice, "value")
		if v := attr(e, nsOffice, "date-value"); v != "" {
			o.cellValue = v
		}
		if v := attr(e, nsOffice, "string-value"); v != "" {
			o.cellValue = v
		}
	case !o.inCell:
	case e.Name.Space == nsOffice && e.Name.Local == "annotation":
		// A comment is not part of the cell's value; it is left out
		// of the re-rendering too.
		o.nested = 1
	case e.Name.Space == nsText && (e.Name.Local == "p" || e.Name.Local == "h"):
		if o.paragraphs > 0 {
			o.cell.WriteByte('\n')
		}
		o.paragraphs++
	case e.Name.Space == nsText && e.Name.Local == "s":
		n, err := strconv.Atoi(attr(e, nsText, "c"))
		if err != nil || n < 1 {
			n = 1
		}
		o.cell.WriteString(strings.Repeat(" ", min(n, 64)))
	case e.Name.Space == nsText && e.Name.Local == "tab":
		o.cell.WriteByte('\t')
	case e.Name.Space == nsText && e.Name.Local == "line-break":
		o.cell.WriteByte('\n')
	}
	return nil
}

func (o *odsReader) end(e xml.EndElement) error {
	if o.nested > 0 {
		o.nested--
		return nil
	}
	if o.table == nil || e.Name.Space != nsTable {
		return nil
	}
	switch e.Name.Local {
	case "table":
		o.table.setHeader()
		o.doc.Tables = append(o.doc.Tables, *o.table)
		o.table = nil
	case "table-cell", "covered-table-cell":
		o.inCell = false
		text := o.cell.String()
		if text == "" {
			text = o.cellValue
		}
		if text == "" {
			// Rows end with a run of empty cells up to the sheet's
			// last column: they count only if a value follows.
			o.pending += o.cellRepeat
			return nil
		}
		if len(o.row)+o.pending+o.cellRepeat > o.b.lim.MaxColumns {
			return fmt.Errorf("row of more than %d columns: %w", o.b.lim.MaxColumns, ErrTooLarge)
		}
		for ; o.pending > 0; o.pending-- {
			o.row = append(o.row, "")
		}
		for range o.cellRepeat {
			o.row = append(o.row, text)
		}
	case "table-row":
		if len(o.row) == 0 {
			return nil
		}
		for range o.rowRepeat {
			if err := o.b.row(len(o.row), rowSize(o.row)); err != nil {
				return err
			}
			o.table.Rows = append(o.table.Rows, o.row)
		}
		o.row = nil
	}
	return nil
}
