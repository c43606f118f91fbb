// Package cookies holds the browser-mode check on cookies set before the
// visitor could consent: cookies.before-consent.
package cookies

import (
	_ "embed"
	"math"
	"sort"
	"strings"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("cookies", catalogue, run) }

// needsConsent reports whether a cookie of purpose p requires consent.
// Essential and consent cookies do not, and cookies of unknown purpose are
// left out to avoid false positives.
func needsConsent(p string) bool {
	switch p {
	case "analytics", "advertising", "session-replay", "social", "tracking":
		return true
	}
	return false
}

// cookie is one entry of the finding's detail.
type cookie struct {
	Name       string  `json:"name"`
	Domain     string  `json:"domain"`
	Party      string  `json:"party"`
	ThirdParty bool    `json:"third_party"`
	Purpose    string  `json:"purpose"`
	Session    bool    `json:"session,omitempty"`
	Lifetime   float64 `json:"lifetime_days,omitempty"`
	SetBy      string  `json:"set_by,omitempty"`
	FirstPage  string  `json:"first_page"`
}

// run reports one finding per site, at the first rendered page (in crawl
// order) that holds a cookie needing consent, listing every such cookie
// seen on any rendered page. Its location does not depend on that page, so
// the finding keeps its ID when the crawl order changes.
func run(site *observation.Site, r *check.Reporter) {
	var (
		first   string
		cookies []cookie
		seen    = map[string]bool{}
	)
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Rendering == nil {
			continue // static mode: cookies set by scripts are not known
		}
		u := pageURL(p)
		for _, c := range p.Rendering.Cookies {
			if !needsConsent(c.Purpose) {
				continue
			}
			key := c.Name + "\x00" + strings.ToLower(strings.TrimPrefix(c.Domain, "."))
			if seen[key] {
				continue
			}
			seen[key] = true
			if first == "" {
				first = u
			}
			cookies = append(cookies, cookie{Name: c.Name, Domain: c.Domain, Party: c.Party, ThirdParty: c.ThirdParty,
				Purpose: c.Purpose, Session: c.Session, Lifetime: math.Round(c.Lifetime*10) / 10, SetBy: c.SetBy, FirstPage: u})
		}
	}
	if len(cookies) == 0 {
		return
	}
	sort.SliceStable(cookies, func(i, j int) bool {
		if cookies[i].Purpose != cookies[j].Purpose {
			return cookies[i].Purpose < cookies[j].Purpose
		}
		if cookies[i].Name != cookies[j].Name {
			return cookies[i].Name < cookies[j].Name
		}
		return cookies[i].Domain < cookies[j].Domain
	})
	sev := finding.Medium
	var purposes []string
	matomo := true
	for _, c := range cookies {
		switch c.Purpose {
		case "advertising", "social", "session-replay":
			sev = finding.High
		}
		if n := len(purposes); n == 0 || purposes[n-1] != c.Purpose {
			purposes = append(purposes, c.Purpose)
		}
		if c.ThirdParty || !strings.HasPrefix(strings.ToLower(c.Name), "_pk_") {
			matomo = false
		}
	}
	detail := map[string]any{
		"cookies":  cookies,
		"purposes": purposes,
		"count":    len(cookies),
	}
	if matomo {
		// Matomo can be set up within the CNIL's audience-measurement
		// exemption, which cannot be verified from outside.
		detail["possibly_exempt"] = true
		sev = finding.Low
	}
	r.Report(check.Issue{Check: "cookies.before-consent", URL: first, Location: "cookies:before-consent", Severity: sev, Detail: detail})
}

// pageURL is the URL findings are reported at, as in the other families.
func pageURL(p *observation.Page) string {
	switch {
	case p.FinalURL != "":
		return p.FinalURL
	case p.URL != "":
		return p.URL
	}
	return p.Rendering.URL
}
