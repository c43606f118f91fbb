package crawl

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"vigie/fetch"
	"vigie/finding"
	"vigie/observation"
)

// ForeignOrigin is the Origin header of the origin probes: an origin no
// site can have allowed on purpose (.invalid is reserved, RFC 2606).
const ForeignOrigin = "https://vigie-origin-check.invalid"

// maxOriginProbes bounds the API-looking endpoints sent an origin probe,
// besides the entry page.
const maxOriginProbes = 5

// maxSecurityTxt is the most of a security.txt file kept.
const maxSecurityTxt = 64 << 10

// wellKnown sends the few passive requests that complete the page
// observations, once the crawl is done and when the entry page answered:
//
//   - one GET of /.well-known/security.txt (RFC 9116) at the entry page's
//     origin, and one of /security.txt when the first is missing;
//   - one GET with a foreign Origin header (ForeignOrigin) of the entry
//     page, and of at most maxOriginProbes same-site URLs that look like
//     an API (a path with /api/, or ending in .json) among the pages,
//     links, resources and rendered requests seen. A browser sends exactly
//     such a request when a script of another site reads the URL; it is a
//     GET, never a preflight or another method, so the scan stays
//     passive.
func (c *crawler) wellKnown() {
	site := c.site
	if len(site.Pages) == 0 || site.Pages[0].Status == 0 || c.ctx.Err() != nil {
		return
	}
	entry := site.Pages[0].FinalURL
	if entry == "" {
		entry = site.Pages[0].URL
	}
	u, err := url.Parse(entry)
	if err != nil || u.Host == "" {
		return
	}
	origin := u.Scheme + "://" + u.Host
	site.SecurityTxt = c.securityTxt(origin)

	targets := append([]string{entry}, apiEndpoints(site, c.inScope, maxOriginProbes)...)
	ctx := fetch.WithHeader(c.ctx, http.Header{"Origin": {ForeignOrigin}})
	for _, t := range targets {
		if c.ctx.Err() != nil {
			return
		}
		r := c.f.Get(ctx, t)
		op := observation.OriginProbe{URL: t, Origin: ForeignOrigin, Status: r.Status, Error: r.Error, ContentType: r.ContentType, Exchanges: r.Exchanges}
		if r.Header != nil {
			op.AllowOrigin = r.Header.Get("Access-Control-Allow-Origin")
			op.AllowCredentials = r.Header.Get("Access-Control-Allow-Credentials")
		}
		site.OriginProbes = append(site.OriginProbes, op)
	}
}

// securityTxt fetches the origin's security.txt where RFC 9116 puts it
// and, when it is not there, where older files live.
func (c *crawler) securityTxt(origin string) *observation.SecurityTxt {
	var st, first *observation.SecurityTxt
	var exchanges []observation.Exchange // of both requests, for evidence
	for i, path := range []string{"/.well-known/security.txt", "/security.txt"} {
		r := c.f.Get(c.ctx, origin+path)
		exchanges = append(exchanges, r.Exchanges...)
		st = &observation.SecurityTxt{URL: origin + path, Status: r.Status, ContentType: r.ContentType, WellKnown: i == 0, Error: r.Error, Exchanges: exchanges}
		if r.Error == "" && r.Status == http.StatusOK && !isHTML(r.ContentType) {
			st.Body = r.Body[:min(len(r.Body), maxSecurityTxt)]
			return st
		}
		if first == nil {
			first = st
		}
		if c.ctx.Err() != nil {
			break
		}
	}
	// Neither answered with a file: what the well-known address said
	// (a 404, or a failure that leaves absence unproven) stands.
	first.Exchanges = exchanges
	return first
}

// apiEndpoints returns at most n same-site URLs seen during the crawl that
// look like an API: a path segment "api" or a path ending in ".json".
func apiEndpoints(site *observation.Site, inScope func(string) bool, n int) []string {
	var out []string
	add := func(raw string) {
		if len(out) >= n || !LooksLikeAPI(raw) || !inScope(raw) {
			return
		}
		norm := finding.NormaliseURL(raw)
		if !slices.ContainsFunc(out, func(s string) bool { return finding.NormaliseURL(s) == norm }) {
			out = append(out, raw)
		}
	}
	for i := range site.Pages {
		p := &site.Pages[i]
		add(p.URL)
		for _, r := range p.Resources {
			add(r.URL)
		}
		for _, l := range p.Links {
			add(l)
		}
		if p.Rendering != nil {
			for _, q := range p.Rendering.Requests {
				if q.Method == http.MethodGet && (q.Type == "xhr" || q.Type == "fetch") {
					add(q.URL)
				}
			}
		}
	}
	return out
}

// LooksLikeAPI reports whether raw is an http(s) URL whose path has an
// "api" segment or ends in ".json".
func LooksLikeAPI(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	p := strings.ToLower(u.Path)
	return strings.HasSuffix(p, ".json") || slices.Contains(strings.Split(p, "/"), "api")
}
