package observatory

import (
	"mime"
	"strings"

	"vigie/observation"
)

// FromSite gathers what Grade reads from a site's observations.
func FromSite(site *observation.Site) Input {
	in := Input{Host: site.Host}
	in.HTTPS = response(site.HTTPS)
	in.HTTP = response(site.HTTP)
	if p := site.HTTPS; p != nil && p.ErrorKind == observation.KindTLS {
		in.Notes = append(in.Notes, "the HTTPS certificate was rejected: the Observatory would grade the HTTPS response without verifying it, Vigie grades without it")
	}
	if in.HTTP != nil && site.HTTP.ErrorKind == observation.KindTLS {
		// The redirect from HTTP led to an HTTPS URL whose certificate
		// was rejected.
		in.HTTP.Verified = false
	}
	auto := in.HTTPS
	if auto == nil {
		auto = in.HTTP
	}
	if auto == nil {
		return in
	}
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.URL != auto.URL || p.Status == 0 {
			continue
		}
		if p.Meta != nil {
			in.Meta = *p.Meta
		}
		for _, r := range p.Resources {
			if r.Kind == "script" {
				in.Scripts = append(in.Scripts, r)
			}
		}
		break
	}
	ct, _, _ := mime.ParseMediaType(auto.Header.Get("Content-Type"))
	in.HTML = ct == "text/html" || ct == "application/xhtml+xml"
	for i := range site.OriginProbes {
		if op := &site.OriginProbes[i]; op.Error == "" && samePage(op.URL, auto.FinalURL) {
			in.CORS = op
			break
		}
	}
	in.Notes = append(in.Notes,
		"no host counts as HSTS-preloaded (the preload list is not bundled)",
		"CORS read from a GET with a foreign Origin, not from an OPTIONS preflight",
		"cookies are those set by the entry page's final response")
	return in
}

func samePage(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}

// response converts a root probe; nil when nothing answered and the
// failure was not a rejected certificate.
func response(p *observation.Probe) *Response {
	if p == nil {
		return nil
	}
	if !p.OK() {
		if p.ErrorKind == observation.KindTLS && strings.HasPrefix(p.URL, "http:") {
			return &Response{URL: p.URL, Verified: false}
		}
		return nil
	}
	r := &Response{URL: p.URL, FinalURL: p.FinalURL, Status: p.Status, Header: p.Header, Verified: true}
	for _, h := range p.Chain {
		r.Route = append(r.Route, h.URL)
	}
	return r
}
