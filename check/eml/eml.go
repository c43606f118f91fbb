// Package eml holds the catalogue of the eml.* checks: signals read in a
// received email by `vigie eml` (package vigie/eml). They describe one
// message, not a site's observations, so the family registers its
// catalogue, for `vigie checks`, reports and letters, with no function
// over sites.
package eml

import (
	_ "embed"

	"vigie/check"
	"vigie/observation"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("eml", catalogue, func(*observation.Site, *check.Reporter) {}) }
