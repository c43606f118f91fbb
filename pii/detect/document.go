package detect

import (
	"bytes"

	"vigie/observation"
	"vigie/pii/document"
)

// Spreadsheets and PDF files are read through package document, which
// re-renders them as text a detector reads: each sheet as CSV (so its
// columns are labelled by its header row), the text above a sheet's header
// and a PDF's running text as plain text.

// ScanDocument is Scan for a document read by package document: its
// parts are read as one body, each sheet's columns labelled by its
// header.
func ScanDocument(doc *document.Document, o Options) *observation.PersonalData {
	parts := doc.Parts()
	if len(parts) == 0 {
		return nil
	}
	s := scanners.Get().(*scanner)
	defer scanners.Put(s)
	if o.MaxSamples <= 0 {
		o.MaxSamples = DefaultMaxSamples
	}
	s.reset(&o)
	fl := flatPool.Get().(*flat)
	defer flatPool.Put(fl)
	fl.reset()
	for _, p := range parts {
		fl.label(len(fl.text), "")
		if FormatOf(p.ContentType, p.Body) == FormatCSV {
			fl.csv(p.Body)
			continue
		}
		for line := range bytes.Lines(p.Body) { // a line is a record
			fl.textRun(line, 0)
			fl.sep('\n')
		}
	}
	s.text, s.labels = fl.text, fl.labels
	s.run()
	out := s.personalData()
	s.text, s.labels = nil, nil
	return out
}

// MaskDocument returns the masked re-rendering of a document: each part
// under a line naming it, with its personal data masked as Find finds
// it, and the number of values masked. The spans of a compressed or
// zipped original cannot be overwritten in place: this re-rendering is
// what evidence keeps instead of the file.
func MaskDocument(doc *document.Document, o MaskOptions) ([]byte, int) {
	var out []byte
	n := 0
	for _, p := range doc.Parts() {
		out = append(out, "--- "+doc.Format.String()+" "+p.Name+" ("+p.ContentType+")\n"...)
		f, _ := maskFormat(p.Body, p.ContentType)
		spans := FindFormat(p.Body, f, o)
		n += len(spans)
		out = append(out, Redact(p.Body, spans)...)
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out, n
}
