package page

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"vigie/weburl"
)

// cleanURL strips what browsers strip from a URL attribute before parsing
// it: leading and trailing C0 controls and spaces, and every tab and
// newline inside.
func cleanURL(raw string) string {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	return s
}

// resolve returns the absolute form of raw against base, without fragment.
func resolve(base *url.URL, raw string) (*url.URL, bool) {
	s := cleanURL(raw)
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i] // dropped anyway; browsers accept any fragment
	}
	// Encoded as browsers encode it (UTF-8 percent-encoded, IDNA host),
	// so that the URL requested is the one a visitor's browser sends.
	ref, err := url.Parse(weburl.Escape(s))
	if err != nil {
		return nil, false
	}
	u := base.ResolveReference(ref)
	u.Fragment, u.RawFragment = "", ""
	if u.Host, err = weburl.Host(u.Host); err != nil {
		return nil, false
	}
	return u, true
}

// resolver turns the URLs of one page into absolute URLs. Most URLs of a
// page are plain ("/actualites", "https://host/a?b=c", "page2.html"): for
// those it joins strings with prefixes computed once from the base, and
// only parses the others with net/url. Both ways give the same result
// (FuzzResolver checks it).
type resolver struct {
	base *url.URL
	// Prefixes of the base for plain references, "" when the base is not
	// an http(s) URL with a host: origin for "/x", dir for "x", path for
	// "?x", and self for "" or "#x".
	origin, dir, path, self string
}

func newResolver(base *url.URL) *resolver {
	r := &resolver{base: base}
	if (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.Opaque != "" {
		return r
	}
	host, err := weburl.Host(base.Host)
	if err != nil {
		return r // resolve refuses this base too
	}
	prefix := func(ref *url.URL, suffix string) string {
		u := base.ResolveReference(ref)
		u.Fragment, u.RawFragment = "", ""
		u.Host = host
		return strings.TrimSuffix(u.String(), suffix)
	}
	r.origin = prefix(&url.URL{Path: "/"}, "/")
	r.dir = prefix(&url.URL{Path: "x"}, "x")
	r.path = prefix(&url.URL{RawQuery: "x"}, "?x")
	r.self = prefix(&url.URL{}, "")
	return r
}

// web returns the absolute http(s) URL raw refers to, or false for other
// schemes (javascript:, mailto:, tel:, data:…) and unparsable values.
func (r *resolver) web(raw string) (string, bool) {
	s := cleanURL(raw)
	if u, ok := r.plain(s); ok {
		return u, true
	}
	u, ok := resolve(r.base, s)
	if !ok || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

// plainByte marks the bytes a plain reference may hold: those net/url
// neither escapes nor rejects, outside the authority.
var plainByte = func() (t [256]bool) {
	for _, c := range []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?=&:+,;%") {
		t[c] = true
	}
	return t
}()

// plain resolves s by joining strings when it is a plain reference; ok is
// false when s needs net/url.
func (r *resolver) plain(s string) (string, bool) {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	pathEnd := strings.IndexByte(s, '?')
	if pathEnd < 0 {
		pathEnd = len(s)
	}
	var nonASCII, percent bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			nonASCII = true
			continue
		case !plainByte[c]:
			return "", false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", false
			}
			percent = percent || i < pathEnd
		}
	}
	if strings.Contains(s, "/.") {
		return "", false // dot segments
	}
	if nonASCII {
		if percent {
			return "", false // net/url would unescape and re-escape the path
		}
		s = escapeNonASCII(s)
	}
	switch {
	case strings.HasPrefix(s, "https://"):
		return absolute("https", s[len("https://"):])
	case strings.HasPrefix(s, "http://"):
		return absolute("http", s[len("http://"):])
	case r.self == "":
		return "", false
	case s == "":
		return r.self, true
	case strings.HasPrefix(s, "//"):
		return absolute(r.base.Scheme, s[2:])
	case s[0] == '/':
		return r.origin + s, true
	case s[0] == '?':
		return r.path + s, true
	case s[0] == '.':
		return "", false
	}
	if i := strings.IndexAny(s, ":/?"); i >= 0 && s[i] == ':' {
		return "", false // a scheme
	}
	return r.dir + s, true
}

// absolute joins scheme and rest ("host:port/path?query") when the host
// is plain (letters, digits, dots, hyphens) and the port numeric.
func absolute(scheme, rest string) (string, bool) {
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	host, port, hasPort := strings.Cut(rest[:end], ":")
	if host == "" || (hasPort && port == "") {
		return "", false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return "", false
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", false
		}
	}
	return scheme + "://" + lowerASCII(rest[:end]) + rest[end:], true
}

// escapeNonASCII percent-encodes the bytes of s above ASCII, in path and
// query, as browsers do (weburl.Escape).
func escapeNonASCII(s string) string {
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+16)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// hasScheme reports whether s (already cleaned) starts with scheme and a
// colon, ignoring case.
func hasScheme(s, scheme string) bool {
	return len(s) > len(scheme) && s[len(scheme)] == ':' && strings.EqualFold(s[:len(scheme)], scheme)
}

// refreshURL extracts the URL of a <meta http-equiv=refresh> content
// attribute ("5; url='/next'"), following the HTML shared declarative
// refresh steps; ok is false when the refresh reloads the page itself.
func refreshURL(content string) (string, bool) {
	const ws = " \t\n\f\r"
	s := strings.TrimLeft(content, ws)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 {
		return "", false
	}
	s = s[i:]
	if s != "" {
		if s[0] != ';' && s[0] != ',' && !strings.ContainsRune(ws, rune(s[0])) {
			return "", false
		}
		s = strings.TrimLeft(s, ws)
		if s != "" && (s[0] == ';' || s[0] == ',') {
			s = strings.TrimLeft(s[1:], ws)
		}
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "url") {
		if rest := strings.TrimLeft(s[3:], ws); strings.HasPrefix(rest, "=") {
			s = strings.TrimLeft(rest[1:], ws)
		}
	}
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		q := s[0]
		s = s[1:]
		if j := strings.IndexByte(s, q); j >= 0 {
			s = s[:j]
		}
	}
	s = strings.TrimSpace(s)
	return s, s != ""
}

// firstSrcset returns the URL of the first image candidate of a srcset.
func firstSrcset(srcset string) string {
	s := strings.TrimLeft(srcset, " \t\n\f\r,")
	end := strings.IndexAny(s, " \t\n\f\r")
	if end >= 0 {
		s = s[:end]
	}
	return strings.TrimRight(s, ",")
}

// hasToken reports whether the space-separated list v holds tok, ignoring
// ASCII case (rel="Alternate StyleSheet").
func hasToken(v, tok string) bool {
	for _, f := range strings.Fields(v) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
