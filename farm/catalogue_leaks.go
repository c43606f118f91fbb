package farm

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Exposures in office documents: a spreadsheet and a PDF file of people
// that a public page links to. Their people are data here; the files are
// made from them, and Farm.PersonalData lists them.
func init() {
	catalogue = append(catalogue,
		archetype{
			// A town's sports service links, "for the coaches", the
			// workbook of the children enrolled in its multisport school:
			// names, birth dates, parents, contacts, addresses, health.
			ID: "spreadsheet-export", Domain: "sports-ambert.test", Input: "https://www.{D}/",
			Org: "Ville d'Ambert", Tags: []string{"commune", "dept:63"},
			Layout: "moderne",
			Hosts:  []hostSpec{secure("www")},
			Files: []generatedFile{{Label: "www", Path: "/sport/inscrits-ecole-multisports-2024.xlsx",
				ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Make: multisportWorkbook}},
			Expect: site(CheckPIIExposed, "https://www.{D}/sport/inscrits-ecole-multisports-2024.xlsx"),
		},
		archetype{
			// A school syndicate publishes the list of the pupils of each
			// bus route as a PDF: names, birth dates, addresses, parents'
			// phones and e-mail addresses.
			ID: "pdf-register", Domain: "sivos-livradois.test", Input: "https://www.{D}/",
			Org: "SIVOS du Livradois", Tags: []string{"syndicat", "dept:63"},
			Layout: "ancien",
			Hosts:  []hostSpec{secure("www")},
			Files: []generatedFile{{Label: "www", Path: "/transport/liste-eleves-circuits-2024.pdf",
				ContentType: "application/pdf", Make: transportRegisterPDF}},
			Expect: site(CheckPIIExposed, "https://www.{D}/transport/liste-eleves-circuits-2024.pdf"),
		},
	)
}

// multisportPeople are the rows of the multisport school's workbook,
// header first; every cell of the columns flagged in multisportPersonal
// is someone's personal data.
var multisportPeople = [][]string{
	{"Nom", "Prénom", "Date de naissance", "Responsable légal", "Téléphone", "Courriel", "Adresse", "Santé", "Groupe"},
	{"CHAPUIS", "Emma", "14/03/2016", "Karine Chapuis", "06 12 40 77 31", "karine.chapuis@orange.fr", "7 rue du Château 63600 Ambert", "Asthme (Ventoline)", "Mercredi A"},
	{"FAYET", "Lucas", "02/11/2015", "Christophe Fayet", "07 61 23 88 04", "c.fayet@gmail.com", "12 bis avenue de Lyon 63600 Ambert", "", "Mercredi A"},
	{"GIRAUD", "Manon", "27/06/2017", "Sandrine Giraud", "06 70 15 42 96", "sandrine.giraud63@laposte.net", "3 impasse des Tilleuls 63600 Ambert", "Allergie aux arachides", "Mercredi B"},
	{"BRUN", "Gabriel", "09/01/2016", "Céline Brun", "06 33 58 09 72", "celine.brun@free.fr", "21 chemin de la Dore 63600 Ambert", "", "Mercredi B"},
	{"ROCHE", "Inès", "18/08/2015", "Sébastien Roche", "07 82 44 16 53", "seb.roche@outlook.fr", "5 place Saint-Jean 63600 Ambert", "Diabète de type 1", "Mercredi A"},
}

// multisportPersonal flags the personal columns of multisportPeople.
var multisportPersonal = []bool{true, true, true, true, true, true, true, true, false}

// multisportWorkbook makes the workbook with excelize, then stores its
// parts uncompressed (a valid .xlsx), so that the people's data shows in
// the bytes of the body as it does in a CSV: a scan that keeps personal
// data keeps them, one that masks must not.
func multisportWorkbook() ([]byte, []string, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Inscrits"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, nil, err
	}
	x.SetCellValue(sheet, "A1", "École multisports 2024-2025 — liste des inscrits (ne pas diffuser)")
	var personal []string
	for r, row := range multisportPeople {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+3)
			if err != nil {
				return nil, nil, err
			}
			if err := x.SetCellValue(sheet, cell, v); err != nil {
				return nil, nil, err
			}
			if r > 0 && multisportPersonal[c] && v != "" {
				personal = append(personal, v)
			}
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, nil, err
	}
	stored, err := storeZip(b.Bytes())
	return stored, personal, err
}

// storeZip rewrites a zip archive with its entries stored, not deflated.
func storeZip(data []byte) ([]byte, error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		h := f.FileHeader
		h.Method = zip.Store
		dst, err := w.CreateHeader(&h)
		if err == nil {
			_, err = io.Copy(dst, rc)
		}
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// transportPupil is one line of the bus routes' register.
type transportPupil struct {
	route, name, birth, address, parent, phone, email string
}

var transportPupils = []transportPupil{
	{"Circuit 1", "MARCHAND Julie", "12/03/2013", "14 rue des Tilleuls 63220 Arlanc", "Sylvie Marchand", "06 18 27 36 45", "sylvie.marchand@orange.fr"},
	{"Circuit 1", "VIDAL Thomas", "05/09/2012", "3 chemin du Moulin 63220 Arlanc", "Nathalie Vidal", "07 52 63 74 85", "nathalie.vidal@gmail.com"},
	{"Circuit 2", "BESSON Camille", "21/01/2014", "8 route de Marsac 63940 Marsac-en-Livradois", "Patrice Besson", "06 91 82 73 64", "p.besson@wanadoo.fr"},
	{"Circuit 2", "COSTE Nadia", "30/06/2013", "1 place de la Mairie 63940 Marsac-en-Livradois", "Sandrine Coste", "06 44 55 66 71", "sandrine.coste@free.fr"},
}

// transportRegisterPDF writes the register as a one-page PDF by hand:
// one text line a pupil, in Helvetica, the content stream uncompressed.
func transportRegisterPDF() ([]byte, []string, error) {
	lines := []string{"Liste des eleves par circuit - annee scolaire 2024-2025 - document interne"}
	var personal []string
	for _, p := range transportPupils {
		lines = append(lines, fmt.Sprintf("%s : %s, ne(e) le %s, %s, responsable %s, tel. %s, %s",
			p.route, p.name, p.birth, p.address, p.parent, p.phone, p.email))
		personal = append(personal, p.name, p.birth, p.address, p.parent, p.phone, p.email)
	}
	var content strings.Builder
	y := 800
	for _, l := range lines {
		fmt.Fprintf(&content, "BT /F1 9 Tf 36 %d Td (%s) Tj ET\n", y, pdfString(l))
		y -= 18
	}
	return pdfDocument(content.String()), personal, nil
}

// pdfString escapes a string for a PDF literal string.
func pdfString(s string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
}

// pdfDocument wraps a page's content stream in a minimal PDF 1.4 file:
// catalog, page tree, one A4 page, Helvetica, and the cross-reference
// table with each object's offset.
func pdfDocument(content string) []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
