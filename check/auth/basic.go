package auth

import (
	"net/http"
	"net/url"
	"strings"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/finding"
	"vigie/observation"
)

// challenge returns the scheme (Basic or Digest) and realm an HTTP
// authentication challenge offers, "" when it offers neither.
func challenge(h http.Header) (scheme, realm string) {
	for _, v := range h.Values("Www-Authenticate") {
		for part := range strings.SplitSeq(v, ",") {
			f := strings.Fields(strings.TrimSpace(part))
			if len(f) == 0 {
				continue
			}
			switch s := strings.ToLower(f[0]); s {
			case "basic", "digest":
				if scheme == "" || s == "basic" {
					scheme = strings.ToUpper(s[:1]) + s[1:]
				}
			}
		}
		if i := strings.Index(strings.ToLower(v), "realm="); i >= 0 && realm == "" {
			realm = strings.Trim(strings.SplitN(v[i+len("realm="):], ",", 2)[0], `" `)
		}
	}
	return scheme, realm
}

func basicOverHTTP(site *observation.Site, r *check.Reporter) {
	responses(site, func(p *observation.Probe) {
		u := finalURL(p)
		if p.Status != http.StatusUnauthorized || !strings.HasPrefix(strings.ToLower(u), "http://") {
			return
		}
		scheme, realm := challenge(p.Header)
		if scheme == "" {
			return
		}
		sev := finding.High
		if scheme == "Digest" {
			sev = finding.Medium
		}
		// The pages behind one realm of one origin are one protection space
		// (RFC 7235, section 2.2): one finding, listing the pages.
		r.Report(check.Issue{Check: "auth.basic-over-http", URL: urlsecret.Mask(u), Severity: sev, Grouped: true,
			Location: "basic:" + origin(u) + ":" + realm, Detail: map[string]any{
				"scheme": scheme,
				"realm":  realm,
			}})
	})
}

// origin returns the normalised scheme and host of a URL.
func origin(raw string) string {
	u, err := url.Parse(finding.NormaliseURL(raw))
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}
