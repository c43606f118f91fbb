package canary

import (
	"net/url"
	"strings"
)

// masked replaces a masked value or segment.
const masked = "…"

// MaskURL returns raw with what may identify a person masked, for
// reports: every query and fragment value longer than 3 characters, the
// user information, and the path segments that look like identifiers (a
// run of 4 digits or more, an "@", a "=", or more than 24 characters).
// Parameter names and the other path segments stay, so the reader still
// sees which endpoint of which party received the data. Text that is not a
// URL is masked whole after its first "?" or "#".
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme == "" && u.Host == "" && u.Opaque != "") {
		head, _, cut := strings.Cut(raw, "?")
		head, _, cut2 := strings.Cut(head, "#")
		var origin string
		if i := strings.Index(head, "://"); i >= 0 {
			j := strings.IndexByte(head[i+3:], '/')
			if j < 0 {
				j = len(head) - i - 3
			}
			host := head[i+3 : i+3+j]
			if at := strings.LastIndexByte(host, '@'); at >= 0 {
				host = host[at+1:]
			}
			origin, head = head[:i+3]+host, head[i+3+j:]
		}
		if cut || cut2 {
			return origin + maskPath(head) + "?" + masked
		}
		return origin + maskPath(head)
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme)
		b.WriteString(":")
	}
	if u.Host != "" || u.Scheme != "" {
		b.WriteString("//")
		b.WriteString(u.Host)
	}
	b.WriteString(maskPath(u.EscapedPath()))
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?")
		b.WriteString(maskPairs(u.RawQuery))
	}
	if f := u.EscapedFragment(); f != "" {
		b.WriteString("#")
		if strings.Contains(f, "=") {
			b.WriteString(maskPairs(f))
		} else {
			b.WriteString(maskValue(f))
		}
	}
	return b.String()
}

// maskPairs masks the values of name=value pairs separated by "&" or ";".
func maskPairs(q string) string {
	var b strings.Builder
	start := 0
	for i := 0; i <= len(q); i++ {
		if i < len(q) && q[i] != '&' && q[i] != ';' {
			continue
		}
		pair := q[start:i]
		if name, value, ok := strings.Cut(pair, "="); ok {
			b.WriteString(maskSegment(name))
			b.WriteString("=")
			b.WriteString(maskValue(value))
		} else {
			b.WriteString(maskValue(pair)) // a bare value: ?vigie@canary.invalid
		}
		if i < len(q) {
			b.WriteByte(q[i])
		}
		start = i + 1
	}
	return b.String()
}

func maskValue(v string) string {
	if len(v) > 3 {
		return masked
	}
	return v
}

// maskPath masks the identifier-like segments of a path.
func maskPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = maskSegment(s)
	}
	return strings.Join(segs, "/")
}

// maskSegment masks s when it looks like an identifier rather than a name
// a developer chose.
func maskSegment(s string) string {
	if len(s) > 24 || strings.ContainsAny(s, "@=") || strings.Contains(strings.ToLower(s), "%40") {
		return masked
	}
	run := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			run++
			if run >= 4 {
				return masked
			}
		} else {
			run = 0
		}
	}
	return s
}
