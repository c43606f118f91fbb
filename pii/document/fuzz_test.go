package document

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// fuzzLimits keep each run small: the fuzzer looks for crashes and hangs,
// not for large files.
var fuzzLimits = Limits{MaxUnpacked: 8 << 20, MaxCells: 100_000, MaxText: 1 << 20, Timeout: 2 * time.Second}

// fuzzExtract checks the contract of Extract on any body: a document, or
// an error that says "document: " and wraps one of the package's errors.
func fuzzExtract(t *testing.T, name string, body []byte) {
	d, err := Extract("", name, body, fuzzLimits)
	if err == nil {
		if d == nil {
			t.Fatal("no document and no error")
		}
		_ = d.Parts()
		return
	}
	if !strings.HasPrefix(err.Error(), "document: ") {
		t.Fatalf("error without the package prefix: %v", err)
	}
	for _, e := range []error{ErrUnsupported, ErrMalformed, ErrEncrypted, ErrTooLarge, ErrTimeout} {
		if errors.Is(err, e) {
			return
		}
	}
	t.Fatalf("error wraps none of the package's errors: %v", err)
}

func seed(f *testing.F, file string) {
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

func FuzzExtractXLSX(f *testing.F) {
	seed(f, "members-libreoffice.xlsx")
	f.Add(zipOf(f, entry{"xl/workbook.xml", []byte("<workbook/>")}))
	f.Fuzz(func(t *testing.T, body []byte) { fuzzExtract(t, "f.xlsx", body) })
}

func FuzzExtractODS(f *testing.F) {
	seed(f, "members-libreoffice.ods")
	f.Add(odsOf(f, `<table:table table:name="a"><table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"><text:p>x<text:s text:c="3"/>y</text:p></table:table-cell></table:table-row></table:table>`))
	f.Fuzz(func(t *testing.T, body []byte) { fuzzExtract(t, "f.ods", body) })
}

// FuzzParseODSContent fuzzes the content.xml reader alone, without the
// zip around it, so that mutations reach the XML.
func FuzzParseODSContent(f *testing.F) {
	f.Add([]byte(`<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="a"><table:table-row><table:table-cell office:value="3"/><table:table-cell><text:p>Nom</text:p><office:annotation><text:p>note</text:p></office:annotation></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`))
	f.Fuzz(func(t *testing.T, content []byte) {
		_, _ = parseODSContent(strings.NewReader(string(content)), newBudget(fuzzLimits.withDefaults()))
	})
}

func FuzzExtractPDF(f *testing.F) {
	seed(f, "members-libreoffice.pdf")
	f.Add(textPDF("BT /F1 12 Tf 72 720 Td (Jean Dupont) Tj [(A) -300 (B)] TJ ET"))
	f.Fuzz(func(t *testing.T, body []byte) { fuzzExtract(t, "f.pdf", body) })
}

// FuzzXLSXParts fuzzes the worksheet and the shared strings of a real
// workbook (LibreOffice's), zipped anew for each run, so that mutations
// reach excelize's XML reading rather than stop at the zip's checksums.
func FuzzXLSXParts(f *testing.F) {
	b, err := os.ReadFile("testdata/members-libreoffice.xlsx")
	if err != nil {
		f.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		f.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			f.Fatal(err)
		}
		parts[e.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	f.Add(parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"])
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		var entries []entry
		for name, body := range parts {
			switch name {
			case "xl/worksheets/sheet1.xml":
				body = sheet
			case "xl/sharedStrings.xml":
				body = shared
			}
			entries = append(entries, entry{name, body})
		}
		fuzzExtract(t, "f.xlsx", zipOf(t, entries...))
	})
}
