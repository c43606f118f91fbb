package document

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// render writes a document as the golden files hold it.
func render(d *Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format %s, %d tables, %d pages\n", d.Format, len(d.Tables), d.Pages)
	for _, t := range d.Tables {
		fmt.Fprintf(&b, "table %q: %d rows, header %d\n", t.Name, len(t.Rows), t.Header)
	}
	for _, p := range d.Parts() {
		fmt.Fprintf(&b, "== %s (%s)\n%s\n", p.Name, p.ContentType, p.Body)
	}
	return b.String()
}

// TestExtractFixtures reads files made by LibreOffice Calc (see
// testdata/make-fixtures.sh) and compares what is extracted with golden
// files; every format must give the members' names, addresses and
// contacts under their column labels.
func TestExtractFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, contentType string
		format            Format
	}{
		{"members-libreoffice.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", XLSX},
		{"members-libreoffice.ods", "application/octet-stream", ODS},
		{"members-libreoffice.pdf", "application/pdf", PDF},
		{"member-letter-chromium.pdf", "application/pdf", PDF},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Extract(tc.contentType, "/exports/"+tc.file+"?v=2", body, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != tc.format {
				t.Errorf("format %s, want %s", d.Format, tc.format)
			}
			got := render(d)
			if !has(got, "Lemaréchal", "Aurélie", "14 rue des Glycines", "69003 Lyon", "aurelie.lemarechal@example.org") {
				t.Errorf("a member's data is missing:\n%s", got)
			}
			if tc.format != PDF {
				if len(d.Tables) != 1 || d.Tables[0].Header != 1 || d.Tables[0].Rows[1][1] != "Prénom" {
					t.Errorf("header not found: %+v", d.Tables)
				}
				if !strings.Contains(string(d.Tables[0].CSV()), "Nom,Prénom,Adresse,Ville,Date de naissance") {
					t.Errorf("CSV does not start with the header:\n%s", d.Tables[0].CSV())
				}
			}
			golden := filepath.Join("testdata", "golden", tc.file+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("extraction differs from %s (-update to rewrite):\n%s", golden, got)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	xlsx, _ := os.ReadFile("testdata/members-libreoffice.xlsx")
	ods, _ := os.ReadFile("testdata/members-libreoffice.ods")
	docx := zipOf(t, entry{"[Content_Types].xml", []byte("<Types/>")}, entry{"word/document.xml", []byte("<w:document/>")})
	for _, tc := range []struct {
		name, contentType, file string
		body                    []byte
		want                    Format
	}{
		{"pdf magic", "text/html", "index.html", []byte("%PDF-1.7\n..."), PDF},
		{"pdf after white space", "", "", []byte("\r\n%PDF-1.4\n"), PDF},
		{"html about pdf", "text/html", "/aide", []byte("<p>Un fichier commence par %PDF-1.7</p>"), Unknown},
		{"xlsx by entries", "application/octet-stream", "download", xlsx, XLSX},
		{"ods by mimetype", "application/zip", "x.zip", ods, ODS},
		{"xlsx by type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "", []byte("<html>"), XLSX},
		{"ods by name", "", "/files/Adhérents.ODS?x=1", []byte("<html>"), ODS},
		{"pdf by name", "", "/cr.pdf#page=2", []byte("Not found"), PDF},
		{"docx", "application/octet-stream", "x.docx", docx, Unknown},
		{"csv", "text/csv", "x.csv", []byte("a,b\n1,2\n"), Unknown},
		{"html", "text/html; charset=utf-8", "/", []byte("<!doctype html>"), Unknown},
		{"empty", "", "", nil, Unknown},
	} {
		if got := Sniff(tc.contentType, tc.file, tc.body); got != tc.want {
			t.Errorf("%s: Sniff = %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestPDFText checks how text operators become text: font encodings,
// line moves, spacing in TJ arrays.
func TestPDFText(t *testing.T) {
	for _, tc := range []struct {
		name, content, want string
	}{
		{"Tj and Td", "BT /F1 12 Tf 72 720 Td (Jean Dupont) Tj 0 -14 Td (12 rue des Lilas) Tj ET", "Jean Dupont\n12 rue des Lilas"},
		{"cells on one line", "BT /F1 12 Tf 72 720 Td (Nom) Tj 100 0 Td (Dupont) Tj ET", "Nom Dupont"},
		{"TJ kerning and gaps", "BT /F1 12 Tf [(Au) 20 (r\\351lie) -600 (Martin)] TJ ET", "Aurélie Martin"},
		{"WinAnsi accents", "BT /F1 12 Tf (Fran\\347oise, n\\351e le 02/05/1961) Tj ET", "Françoise, née le 02/05/1961"},
		{"kerned pieces of a word", "BT /F1 12 Tf 72 720 Td (L) Tj 7 0 Td (emar) Tj 24.5 0 Td (\351chal) Tj ET", "Lemaréchal"},
		{"quote operator", "BT /F1 12 Tf 14 TL (Ligne 1) Tj (Ligne 2) ' ET", "Ligne 1\nLigne 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Extract("application/pdf", "", textPDF(tc.content), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Text != tc.want || d.Pages != 1 {
				t.Errorf("text %q (%d pages), want %q", d.Text, d.Pages, tc.want)
			}
		})
	}
}

// TestHostile feeds crafted files: each must end with the expected error,
// never a crash, a hang or an allocation of the size it claims.
func TestHostile(t *testing.T) {
	zeros := bytes.Repeat([]byte{' '}, 8<<20)
	bomb := deflate(zeros)
	small := Limits{MaxUnpacked: 4 << 20, Timeout: 5 * time.Second}
	rows := strings.Repeat(`<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row>`, 1)

	// A classic cross-reference table is refused when it holds an
	// object stream; this cycle goes through a cross-reference stream:
	// object 2 is in object stream 3, which is in object stream 2.
	var xrefData bytes.Buffer
	for _, e := range [][3]int{{0, 0, 0}, {1, 15, 0}, {2, 3, 0}, {2, 2, 0}} {
		xrefData.Write([]byte{byte(e[0]), 0, byte(e[1]), byte(e[2])})
	}
	cycle := []byte("%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	xrefAt := len(cycle)
	cycle = fmt.Appendf(cycle, "4 0 obj\n<< /Type /XRef /Size 4 /W [1 2 1] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefData.Len(), xrefData.Bytes(), xrefAt)

	for _, tc := range []struct {
		name, file string
		body       []byte
		lim        Limits
		want       error
	}{
		{"xlsx zip bomb", "x.xlsx", zipOf(t, entry{"[Content_Types].xml", nil}, entry{"xl/workbook.xml", nil}, entry{"xl/worksheets/sheet1.xml", zeros}), small, ErrTooLarge},
		{"too many zip entries", "x.ods", zipOf(t, append([]entry{{"mimetype", []byte(odsMimetype)}}, func() (e []entry) {
			for i := range 50 {
				e = append(e, entry{fmt.Sprintf("f%d", i), nil})
			}
			return
		}()...)...), Limits{MaxEntries: 20}, ErrTooLarge},
		{"encrypted workbook", "x.xlsx", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an OLE file"), Limits{}, ErrEncrypted},
		{"html served as xlsx", "x.xlsx", []byte("<html>Not found</html>"), Limits{}, ErrMalformed},
		{"xlsx without workbook", "x.xlsx", zipOf(t, entry{"xl/workbook.xml", []byte("<oops")}), Limits{}, ErrMalformed},
		{"ods malformed xml", "x.ods", odsOf(t, `<table:table table:name="a"><table:table-row><table:table-cell>`), Limits{}, ErrMalformed},
		{"ods repeated cells", "x.ods", odsOf(t, `<table:table table:name="a">`+rows+`</table:table>`), Limits{}, ErrTooLarge},
		{"ods wide row", "x.ods", odsOf(t, `<table:table table:name="a"><table:table-row><table:table-cell table:number-columns-repeated="99999999"/><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table>`), Limits{}, ErrTooLarge},
		{"ods encrypted", "x.ods", zipOf(t, entry{"mimetype", []byte(odsMimetype)}, entry{"META-INF/manifest.xml", []byte(`<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry>`)}, entry{"content.xml", []byte("\x8a\x11garbage")}), Limits{}, ErrEncrypted},
		{"ods without content", "x.ods", zipOf(t, entry{"mimetype", []byte(odsMimetype)}), Limits{}, ErrMalformed},
		{"ods too many sheets", "x.ods", odsOf(t, strings.Repeat(`<table:table table:name="a"></table:table>`, 5)), Limits{MaxSheets: 3}, ErrTooLarge},
		{"html served as pdf", "x.pdf", []byte("<html>Not found</html>"), Limits{}, ErrMalformed},
		{"truncated pdf", "x.pdf", textPDF("BT (a) Tj ET")[:200], Limits{}, ErrMalformed},
		{"encrypted pdf", "x.pdf", pdfOf([]string{"<< /Type /Catalog >>", "<< /Filter /Standard /V 1 /R 2 /O (x) /U (y) /P -4 >>"}, "/Encrypt 2 0 R /ID [<01> <01>]"), Limits{}, ErrEncrypted},
		{"flate bomb", "x.pdf", pdfOf([]string{"<< /Type /Catalog /Pages 2 0 R >>", streamObj("/Filter /FlateDecode", bomb)}, ""), small, ErrTooLarge},
		{"nested flate bomb", "x.pdf", pdfOf([]string{"<< /Type /Catalog /Pages 2 0 R >>", streamObj("/Filter [/FlateDecode /FlateDecode]", deflate(bomb))}, ""), small, ErrTooLarge},
		{"huge size", "x.pdf", []byte(strings.Replace(string(textPDF("")), "/Size 6", "/Size 9000000000", 1)), Limits{}, ErrTooLarge},
		{"huge predictor row", "x.pdf", pdfOf([]string{"<< /Type /Catalog >>", streamObj("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 99999999999 >>", deflate([]byte("x")))}, ""), Limits{}, ErrTooLarge},
		{"indirect columns", "x.pdf", pdfOf([]string{"<< /Type /Catalog >>", streamObj("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 3 0 R >>", deflate([]byte("x"))), "99999999999"}, ""), Limits{}, ErrMalformed},
		{"huge xref subsection", "x.pdf", []byte(strings.Replace(string(textPDF("")), "xref\n0 6", "xref\n4000000000 6", 1)), Limits{}, ErrTooLarge},
		{"object stream cycle", "x.pdf", cycle, Limits{}, ErrMalformed},
		{"deep nesting", "x.pdf", pdfOf([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /Contents " + strings.Repeat("[", 200000) + " >>"}, ""), Limits{}, ErrMalformed},
		{"cyclic page tree", "x.pdf", pdfOf([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 5 >>"}, ""), Limits{Timeout: 300 * time.Millisecond}, ErrTimeout},
		{"too many pages", "x.pdf", pdfOf([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 5000 >>"}, ""), Limits{MaxPages: 100}, ErrTooLarge},
		{"text over the limit", "x.pdf", textPDF("BT /F1 12 Tf " + strings.Repeat("(abcdefghij) Tj ", 200) + "ET"), Limits{MaxText: 1000}, ErrTooLarge},
		{"body over the limit", "x.pdf", textPDF("BT ET"), Limits{MaxBody: 100}, ErrTooLarge},
		{"not a document", "x.txt", []byte("hello"), Limits{}, ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Extract("", tc.file, tc.body, tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Extract = %+v, %v; want an error wrapping %v", d, err, tc.want)
			}
			if tc.name == "object stream cycle" && !strings.Contains(err.Error(), "itself in an object stream") {
				t.Errorf("the guard did not see the cycle: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "document: ") {
				t.Errorf("error %q does not start with \"document: \"", err)
			}
		})
	}
}
