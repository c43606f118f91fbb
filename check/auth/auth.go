// Package auth holds the checks on how a site authenticates its users, as
// seen from outside: auth.token-in-url (session identifiers, tokens or
// passwords in URLs), auth.cookie-flags (session cookies without Secure,
// HttpOnly or SameSite) and auth.basic-over-http (HTTP authentication
// over plain HTTP).
package auth

import (
	_ "embed"

	"vigie/check"
	"vigie/observation"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("auth", catalogue, run) }

func run(site *observation.Site, r *check.Reporter) {
	tokensInURLs(site, r)
	cookieFlags(site, r)
	basicOverHTTP(site, r)
}

// responses calls fn for every final response observed: the root probes
// first, then the pages in crawl order.
func responses(site *observation.Site, fn func(p *observation.Probe)) {
	for _, p := range []*observation.Probe{site.HTTPS, site.HTTP} {
		if p.OK() {
			fn(p)
		}
	}
	for i := range site.Pages {
		if p := &site.Pages[i].Probe; p.OK() {
			fn(p)
		}
	}
}

func finalURL(p *observation.Probe) string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}
