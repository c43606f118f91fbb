package document_test

import (
	"errors"
	"fmt"
	"os"

	"vigie/pii/document"
)

// A body is re-rendered part by part; a body that cannot be read is
// recorded as such.
func ExampleExtract() {
	body, err := os.ReadFile("testdata/members-libreoffice.ods")
	if err != nil {
		panic(err)
	}
	doc, err := document.Extract("application/vnd.oasis.opendocument.spreadsheet", "/exports/adherents.ods", body, document.Limits{})
	if err != nil {
		panic(err)
	}
	for _, p := range doc.Parts() {
		fmt.Printf("%s (%s), %d bytes\n", p.Name, p.ContentType, len(p.Body))
	}
	_, err = document.Extract("application/pdf", "/cr.pdf", []byte("<html>Page introuvable</html>"), document.Limits{})
	fmt.Println(err, errors.Is(err, document.ErrMalformed))
	// Output:
	// members (text/plain; charset=utf-8), 53 bytes
	// members (text/csv; charset=utf-8), 392 bytes
	// document: pdf: no %PDF- header at the start: malformed true
}
