package runner

import (
	"io"

	"vigie/check"
	_ "vigie/check/all" // every check family
	"vigie/report"
)

// Checks prints the catalogue of checks in format "text", "md" or "json",
// in lang "en" or "fr".
func Checks(w io.Writer, format, lang string) error {
	return report.WriteCatalogue(w, check.Catalogue(), format, lang)
}
