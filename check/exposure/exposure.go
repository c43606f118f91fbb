// Package exposure holds the checks on data anyone can read without
// logging in: exposure.pii-unauthenticated (a page or file lists other
// people's personal data), exposure.directory-listing (an open directory
// index) and, from the probes of an active scan, exposure.enumerable-records
// (neighbouring record identifiers show other people) and
// exposure.data-file (a well-known export or backup path holds data).
package exposure

import (
	_ "embed"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/observation"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("exposure", catalogue, run) }

func run(site *observation.Site, r *check.Reporter) {
	enumerable(site, r)
	dataFile(site, r)
	var listings []*observation.Page
	for i := range site.Pages {
		p := &site.Pages[i]
		if !fetched(p) {
			continue
		}
		if len(p.Listing) > 0 {
			listings = append(listings, p)
		}
		if p.Personal.Has() {
			personal(r, urlsecret.Mask(pageURL(p)), p)
		}
	}
	if len(listings) > 0 {
		listing(site, r, listings)
	}
}

// fetched reports whether a page was fetched with a successful answer.
func fetched(p *observation.Page) bool {
	return p.Error == "" && p.Status >= 200 && p.Status <= 299
}

// pageURL is the URL a page was finally served from.
func pageURL(p *observation.Page) string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}
