package document

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// Part is one piece of a document's re-rendering, in a format the
// detector reads: a sheet as CSV, the lines above a sheet's header or a
// PDF's text as plain text.
type Part struct {
	// Name says where the part comes from: a sheet's name, "text".
	Name string
	// ContentType is "text/csv; charset=utf-8" or
	// "text/plain; charset=utf-8".
	ContentType string
	Body        []byte
}

// Parts re-renders d for detection and masking: for each sheet, the rows
// above its header (a title) as text, then the sheet as CSV from its
// header row on; then the text of a PDF. Masking replaces the original
// body with the masked parts (see the package documentation).
func (d *Document) Parts() []Part {
	var parts []Part
	for _, t := range d.Tables {
		if t.Header > 0 {
			var pre strings.Builder
			for _, row := range t.Rows[:t.Header] {
				pre.WriteString(strings.Join(row, "\t"))
				pre.WriteByte('\n')
			}
			parts = append(parts, Part{Name: t.Name, ContentType: "text/plain; charset=utf-8", Body: []byte(pre.String())})
		}
		parts = append(parts, Part{Name: t.Name, ContentType: "text/csv; charset=utf-8", Body: t.CSV()})
	}
	if d.Text != "" {
		parts = append(parts, Part{Name: "text", ContentType: "text/plain; charset=utf-8", Body: []byte(d.Text)})
	}
	return parts
}

// CSV renders t as CSV from its header row on (all its rows when it has
// no header), so that a CSV reader takes the first line for labels.
func (t Table) CSV() []byte {
	rows := t.Rows
	if t.Header > 0 {
		rows = rows[t.Header:]
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows) // writes to memory: no error but a bad delimiter
	return b.Bytes()
}
