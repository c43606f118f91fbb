// Package urlsecret finds session identifiers, access tokens and passwords
// in URLs, and masks them so that findings never carry them.
package urlsecret

import (
	"net/url"
	"strconv"
	"strings"

	"vigie/finding"
)

// sessionParams name session identifiers and tokens in URLs (lower case).
var sessionParams = map[string]bool{
	"phpsessid": true, "jsessionid": true, "asp.net_sessionid": true, "sid": true, "sessid": true,
	"sessionid": true, "session_id": true, "session": true, "sess": true, "sess_id": true,
	"token": true, "access_token": true, "accesstoken": true, "id_token": true, "auth_token": true,
	"authtoken": true, "refresh_token": true, "oauth_token": true, "auth": true, "apikey": true,
	"api_key": true, "api-key": true, "jwt": true, "bearer": true, "cftoken": true, "oscsid": true,
	"zenid": true, "xtcsid": true, "sessionkey": true, "session_key": true,
}

// passwordParams name passwords and secrets in URLs.
var passwordParams = map[string]bool{
	"password": true, "passwd": true, "pwd": true, "pass": true, "mdp": true, "motdepasse": true,
	"mot_de_passe": true, "secret": true, "client_secret": true, "passphrase": true,
}

// placeholders are parameter values that are no secret.
var placeholders = map[string]bool{
	"true": true, "false": true, "null": true, "none": true, "yes": true, "no": true, "oui": true,
	"non": true, "forgot": true, "oublie": true, "reset": true, "lost": true, "change": true,
	"new": true, "password": true, "motdepasse": true, "mdp": true, "undefined": true,
}

// Secret reports whether a URL parameter is a session identifier, token
// or password with a real value. Anti-forgery tokens (csrf, nonce,
// authenticity_token) protect the user and are left alone.
func Secret(name, value string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, "csrf") || strings.Contains(n, "xsrf") || strings.Contains(n, "nonce") ||
		n == "_token" || n == "authenticity_token" || n == "form_token" || n == "__requestverificationtoken" {
		return false
	}
	v := strings.TrimSpace(value)
	switch {
	case passwordParams[n]:
		return len(v) >= 4 && !placeholders[strings.ToLower(v)] && strings.Trim(v, "*x•") != ""
	case sessionParams[n] || strings.HasPrefix(n, "aspsessionid"):
		return opaque(v)
	}
	return false
}

// opaque reports whether v looks like a random identifier: at least 16
// characters, eight of them different, letters and digits mixed (or 16
// digits), and no run of seven lower-case letters, which reads as words
// ("conseil-municipal-2024").
func opaque(v string) bool {
	if len(v) < 16 {
		return false
	}
	seen := map[rune]bool{}
	letters, digits, run := 0, 0, 0
	for _, c := range v {
		seen[c] = true
		if c >= 'a' && c <= 'z' {
			if run++; run >= 7 {
				return false
			}
		} else {
			run = 0
		}
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letters++
		}
	}
	return len(seen) >= 8 && (digits > 0 && letters > 0 || digits >= 16)
}

// Param is a secret found in a URL.
type Param struct {
	// Name is the parameter's name, lower case; Value its value.
	Name, Value string
	// Host is the host of the URL that carries it.
	Host string
}

// Find returns the secrets of a URL: in its query and in its path
// parameters (";jsessionid=...").
func Find(raw string) []Param {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []Param
	for _, seg := range strings.Split(u.Path, "/") {
		parts := strings.Split(seg, ";")
		for _, p := range parts[1:] {
			if name, value, ok := strings.Cut(p, "="); ok && Secret(name, value) {
				out = append(out, Param{strings.ToLower(name), value, strings.ToLower(u.Hostname())})
			}
		}
	}
	q, _ := url.ParseQuery(u.RawQuery)
	for name, values := range q {
		for _, v := range values {
			if Secret(name, v) {
				out = append(out, Param{strings.ToLower(name), v, strings.ToLower(u.Hostname())})
				break
			}
		}
	}
	return out
}

// Mask returns raw with the values of its secrets replaced by
// finding.MaskedSecret,
// however they are escaped; the rest of the URL is left as written.
func Mask(raw string) string {
	rest, frag, hasFrag := strings.Cut(raw, "#")
	path, query, hasQuery := strings.Cut(rest, "?")
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		parts := strings.Split(seg, ";")
		for k := 1; k < len(parts); k++ {
			parts[k] = maskPair(parts[k], url.PathUnescape)
		}
		segs[i] = strings.Join(parts, ";")
	}
	out := strings.Join(segs, "/")
	if hasQuery {
		pairs := strings.Split(query, "&")
		for k := range pairs {
			pairs[k] = maskPair(pairs[k], url.QueryUnescape)
		}
		out += "?" + strings.Join(pairs, "&")
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// maskPair masks the value of a name=value pair that is a secret.
func maskPair(pair string, unescape func(string) (string, error)) string {
	name, value, ok := strings.Cut(pair, "=")
	if !ok {
		return pair
	}
	n, err := unescape(name)
	if err != nil {
		n = name
	}
	v, err := unescape(value)
	if err != nil {
		v = value
	}
	if Secret(n, v) {
		return name + "=" + finding.MaskedSecret
	}
	return pair
}

// MaskValue keeps three characters of a secret and tells its length.
func MaskValue(v string) string {
	r := []rune(v)
	if len(r) <= 3 {
		return "***"
	}
	return string(r[:3]) + "…(" + strconv.Itoa(len(r)) + " characters)"
}
