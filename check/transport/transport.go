// Package transport holds the checks on how a site uses HTTPS:
// transport.no-https, transport.no-redirect, transport.hsts and
// transport.mixed-content.
package transport

import (
	_ "embed"
	"strconv"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("transport", catalogue, run) }

// MinHSTSMaxAge is six months in seconds, the shortest max-age accepted.
const MinHSTSMaxAge = 15552000

// activeKinds are the subresource kinds whose HTTP loading compromises the
// page (scripts, styles, frames, plugins); images and media are passive.
var activeKinds = map[string]bool{"script": true, "stylesheet": true, "iframe": true, "frame": true, "object": true, "embed": true}

func run(site *observation.Site, r *check.Reporter) {
	httpsOK := site.HTTPS.OK() && isHTTPS(site.HTTPS.FinalURL)
	if site.HTTP.OK() && !site.HTTPS.OK() && site.HTTPS != nil {
		d := map[string]any{
			"https_error":      site.HTTPS.Error,
			"https_error_kind": site.HTTPS.ErrorKind,
		}
		if p := site.TLSProbe; p != nil && len(p.Accepted()) > 0 && site.HTTPS.ErrorKind == observation.KindTLS {
			// The server answers TLS handshakes, yet no fetch
			// succeeded (a bad certificate; a protocol or suite no
			// client completes, SSL 3.0 or DHE only): say which
			// versions it answers, the tls.* findings say what is
			// wrong.
			d["tls_probe_accepted"] = p.Accepted()
		}
		r.Report(check.Issue{Check: "transport.no-https", URL: site.HTTPS.URL, Detail: d})
	}
	// A site whose HTTPS root answers, even by bouncing back to HTTP, can
	// serve HTTP visitors over HTTPS: staying on HTTP is a choice.
	if site.HTTPS.OK() && site.HTTP.OK() && !isHTTPS(site.HTTP.FinalURL) {
		r.Report(check.Issue{Check: "transport.no-redirect", URL: site.HTTP.URL, Detail: map[string]any{
			"final_url": site.HTTP.FinalURL,
			"status":    site.HTTP.Status,
			"chain":     site.HTTP.Chain,
		}})
	}
	if httpsOK {
		values := site.HTTPS.Header.Values("Strict-Transport-Security")
		if problem := hstsProblem(values); problem != "" {
			d := map[string]any{
				"header":  strings.Join(values, ", "),
				"problem": problem,
			}
			if c := LegacyConnection(site); c != nil {
				d["crawl_connection"] = c
			}
			r.Report(check.Issue{Check: "transport.hsts", URL: site.HTTPS.FinalURL, Detail: d})
		}
	}
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Error != "" || !isHTTPS(p.FinalURL) || !collectsPersonalData(p) {
			continue
		}
		// One finding per insecure resource, listing the pages that load
		// it: a script in the site's template is one defect to fix, however
		// many pages carry it.
		seen := map[string]bool{}
		for _, res := range p.Resources {
			if !activeKinds[res.Kind] || !strings.HasPrefix(strings.ToLower(res.URL), "http://") {
				continue
			}
			loc := "mixed:" + finding.NormaliseURL(res.URL)
			if seen[loc] {
				continue
			}
			seen[loc] = true
			r.Report(check.Issue{Check: "transport.mixed-content", URL: p.FinalURL, Location: loc, Grouped: true,
				Detail: map[string]any{"resources": []observation.Resource{res}}})
		}
	}
}

// LegacyConnection describes, for a finding's detail, the connection the
// crawl used to the site's HTTPS root when the server refused Go's default
// handshake and was reached with the legacy protocols and suites (see
// fetch): the protocol and suite used and why the default failed. It is
// nil for an ordinary connection: auditing over a legacy fallback is
// never silent.
func LegacyConnection(site *observation.Site) map[string]any {
	if site.HTTPS == nil || site.HTTPS.TLS == nil || !site.HTTPS.TLS.LegacyFallback {
		return nil
	}
	st := site.HTTPS.TLS
	return map[string]any{
		"protocol":        st.Version,
		"cipher_suite":    st.CipherSuite,
		"legacy_fallback": true,
		"fallback_reason": st.FallbackReason,
	}
}

// hstsProblem returns why a set of Strict-Transport-Security header values
// is not valid per RFC 6797 with at least six months, or "".
func hstsProblem(values []string) string {
	if len(values) == 0 {
		return "missing"
	}
	// RFC 6797 §8.1: only the first header is processed.
	maxAge := int64(-1)
	seen := map[string]bool{}
	for _, d := range strings.Split(values[0], ";") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		name, val, hasVal := strings.Cut(d, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if seen[name] {
			return "duplicate directive " + name
		}
		seen[name] = true
		if name != "max-age" {
			continue
		}
		if !hasVal {
			return "max-age without value"
		}
		val = strings.Trim(strings.TrimSpace(val), `"`)
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n < 0 {
			return "invalid max-age " + strconv.Quote(val)
		}
		maxAge = n
	}
	switch {
	case maxAge < 0:
		return "no max-age directive"
	case maxAge < MinHSTSMaxAge:
		return "max-age " + strconv.FormatInt(maxAge, 10) + " is under six months (15552000)"
	}
	return ""
}

func collectsPersonalData(p *observation.Page) bool {
	for i := range p.Forms {
		if pii.CollectsPersonalData(&p.Forms[i]).Personal {
			return true
		}
	}
	return false
}

func isHTTPS(u string) bool {
	return len(u) >= 8 && strings.EqualFold(u[:8], "https://")
}
