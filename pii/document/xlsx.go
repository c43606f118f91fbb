package document

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the sheets of an Office Open XML workbook.
func readXLSX(body []byte, b *budget) (*Document, error) {
	if _, err := openZip(body, b); err != nil {
		return nil, err
	}
	// Both limits equal keeps every part in memory: excelize spills parts
	// larger than UnzipXMLSizeLimit to temporary files otherwise.
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{
		UnzipSizeLimit:    b.lim.MaxUnpacked,
		UnzipXMLSizeLimit: b.lim.MaxUnpacked,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) > b.lim.MaxSheets {
		return nil, fmt.Errorf("%d sheets: %w (%d)", len(sheets), ErrTooLarge, b.lim.MaxSheets)
	}
	doc := &Document{}
	for _, name := range sheets {
		t, err := readSheet(f, name, b)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		doc.Tables = append(doc.Tables, t)
	}
	return doc, nil
}

// readSheet reads one sheet row by row, keeping its non-empty rows with
// their cells as displayed (dates and numbers formatted as in the
// spreadsheet program).
func readSheet(f *excelize.File, name string, b *budget) (Table, error) {
	t := Table{Name: name}
	rows, err := f.Rows(name)
	if err != nil {
		return t, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := b.check(); err != nil {
			return t, err
		}
		cols, err := rows.Columns()
		if err != nil {
			return t, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		cols = trimRow(cols)
		if len(cols) == 0 {
			continue
		}
		if err := b.row(len(cols), rowSize(cols)); err != nil {
			return t, err
		}
		t.Rows = append(t.Rows, cols)
	}
	if err := rows.Error(); err != nil {
		return t, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	t.setHeader()
	return t, nil
}
