package auth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/finding"
	"vigie/observation"
)

// sessionCookie reports whether a cookie name is a session's or an
// authentication's: the names frameworks give them and names speaking of
// sessions, authentication or tokens. Analytics (_ga, _pk_id), consent
// (didomi_token, axeptio_authorized_vendors) and anti-forgery cookies
// (XSRF-TOKEN, csrftoken, which scripts must read) are not.
func sessionCookie(name string) bool {
	n := strings.ToLower(name)
	for _, p := range []string{"_ga", "_gid", "_gat", "_gcl", "_fbp", "_fbc", "_pk_", "_hj", "__utm", "_uet", "_clck", "_clsk", "mp_", "ajs_",
		"amplitude", "atuserid", "atauthority", "xtvrn", "xtan", "didomi", "axeptio", "tarteaucitron", "euconsent", "cookielawinfo",
		"cookie_notice", "optanon", "cc_cookie", "cookieconsent", "_dd_s", "__cf_bm", "__cfruid", "_cfuvid"} {
		if strings.HasPrefix(n, p) {
			return false
		}
	}
	if strings.Contains(n, "consent") || strings.Contains(n, "csrf") || strings.Contains(n, "xsrf") {
		return false
	}
	switch n {
	case "phpsessid", "jsessionid", "sid", "connect.sid", "asp.net_sessionid", ".aspxauth", "cfid", "cftoken",
		"laravel_session", "ci_session", "jwt", "frontend", "adminhtml", "shibsession", "keycloak_identity":
		return true
	}
	for _, p := range []string{"aspsessionid", ".aspnetcore.session", ".aspnetcore.cookies", "wordpress_logged_in", "wordpress_sec", "sess", "ssess", "remember", "_shibsession", "mod_auth_openidc"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	for _, w := range []string{"session", "sessid", "auth", "token", "_sid", "login"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// cookieFlags reports each session cookie missing a flag once, listing
// the pages that set it. The pages may disagree (Secure only matters over
// HTTPS; an application may set the cookie in two ways): the finding
// names every flag missing on any of them, with the gravest severity.
func cookieFlags(site *observation.Site, r *check.Reporter) {
	type sighting struct {
		url, loc string
		c        *http.Cookie
	}
	var sightings []sighting
	missing := map[string][]string{}
	severity := map[string]finding.Severity{}
	responses(site, func(p *observation.Probe) {
		u := finalURL(p)
		pu, err := url.Parse(u)
		if err != nil {
			return
		}
		https := pu.Scheme == "https"
		for _, line := range p.Header.Values("Set-Cookie") {
			c, err := http.ParseSetCookie(line)
			if err != nil || !sessionCookie(c.Name) || c.MaxAge < 0 || !c.Expires.IsZero() && c.Expires.Before(time.Now()) {
				continue // not a session cookie, or one being deleted
			}
			var lacks []string
			sev := finding.Medium
			if https && !c.Secure {
				lacks = append(lacks, "Secure")
				sev = finding.High
			}
			if !c.HttpOnly {
				lacks = append(lacks, "HttpOnly")
				sev = finding.High
			}
			switch {
			case c.SameSite == 0 || c.SameSite == http.SameSiteDefaultMode:
				lacks = append(lacks, "SameSite")
			case c.SameSite == http.SameSiteNoneMode && !c.Secure:
				lacks = append(lacks, "SameSite=None without Secure")
			}
			if len(lacks) == 0 {
				continue
			}
			host := strings.ToLower(pu.Hostname())
			if c.Domain != "" {
				host = strings.ToLower(strings.TrimPrefix(c.Domain, "."))
			}
			loc := "cookie:" + host + ":" + c.Name
			for _, m := range lacks {
				if !slices.Contains(missing[loc], m) {
					missing[loc] = append(missing[loc], m)
				}
			}
			severity[loc] = max(severity[loc], sev)
			sightings = append(sightings, sighting{url: urlsecret.Mask(u), loc: loc, c: c})
		}
	})
	order := []string{"Secure", "HttpOnly", "SameSite", "SameSite=None without Secure"}
	for _, s := range sightings {
		m := missing[s.loc]
		slices.SortFunc(m, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
		r.Report(check.Issue{
			Check:    "auth.cookie-flags",
			URL:      s.url,
			Location: s.loc,
			Severity: severity[s.loc],
			Grouped:  true,
			Detail: map[string]any{
				"cookie":  s.c.Name,
				"missing": m,
				"domain":  s.c.Domain,
				"path":    s.c.Path,
			},
		})
	}
}
