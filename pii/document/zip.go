package document

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
)

// odsMimetype is the first entry of an OpenDocument spreadsheet.
const odsMimetype = "application/vnd.oasis.opendocument.spreadsheet"

// zipFormat tells a workbook from an OpenDocument spreadsheet by the
// entries of the zip in body; Unknown for any other zip (a .docx, a
// .jar) or a broken one.
func zipFormat(body []byte) Format {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return Unknown
	}
	for _, f := range zr.File {
		switch f.Name {
		case "xl/workbook.xml", "xl/workbook.bin":
			return XLSX
		case "mimetype":
			if f.UncompressedSize64 > 128 {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 128))
			_ = rc.Close()
			if string(bytes.TrimSpace(b)) == odsMimetype {
				return ODS
			}
		}
	}
	return Unknown
}

// openZip opens body as a zip after checking its entries against the
// budget: their number, their declared sizes (archive/zip refuses to
// inflate an entry past its declared size, so the sum bounds what can be
// decompressed) and their encryption flag.
func openZip(body []byte, b *budget) (*zip.Reader, error) {
	if bytes.HasPrefix(body, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
		// Office wraps an encrypted workbook in an OLE compound file;
		// a legacy .xls is one too.
		return nil, fmt.Errorf("OLE compound file (a password-protected workbook or a legacy .xls): %w", ErrEncrypted)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, fmt.Errorf("zip: %w: %w", ErrMalformed, err)
	}
	if len(zr.File) > b.lim.MaxEntries {
		return nil, fmt.Errorf("zip of %d entries: %w (%d)", len(zr.File), ErrTooLarge, b.lim.MaxEntries)
	}
	var total uint64
	for _, f := range zr.File {
		if f.Flags&0x1 != 0 {
			return nil, fmt.Errorf("zip entry %q: %w", f.Name, ErrEncrypted)
		}
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(b.lim.MaxUnpacked) || total > uint64(b.lim.MaxUnpacked) {
			return nil, fmt.Errorf("zip entries of more than %d bytes once decompressed: %w", b.lim.MaxUnpacked, ErrTooLarge)
		}
	}
	if err := b.unpack(int64(total)); err != nil {
		return nil, err
	}
	return zr, nil
}

// trimRow drops the trailing empty cells of row.
func trimRow(row []string) []string {
	for len(row) > 0 && row[len(row)-1] == "" {
		row = row[:len(row)-1]
	}
	return row
}

// rowSize is the bytes of text in row.
func rowSize(row []string) int {
	n := 0
	for _, c := range row {
		n += len(c)
	}
	return n
}
