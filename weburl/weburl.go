// Package weburl writes URLs the way browsers send them, following the
// WHATWG URL Standard: UTF-8 bytes and the characters a request line
// cannot carry percent-encoded in path, query and fragment, sequences
// already percent-encoded kept as they are, and host names in their IDNA
// (punycode) form. Servers that answer 400 to raw bytes in a request line
// then see what a visitor's browser would have sent.
package weburl

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// Character sets of the URL Standard (section 1.3), as the bytes to
// percent-encode beyond C0 controls, space and non-ASCII bytes.
const (
	fragmentSet = "\"<>`"
	querySet    = "\"#<>'" // the special-query set: http and https
	pathSet     = "\"#<>?`{}^"
)

// Escape percent-encodes, in the path, query and fragment of raw (an
// absolute URL or a reference), the bytes a browser would: C0 controls,
// space, bytes above ASCII (UTF-8 text becomes %C3%A9) and the characters
// of the component's set. A '%' that starts a valid escape is kept, any
// other becomes %25, so that the result always parses. The scheme and
// authority are left as they are: Parse and Host convert host names.
func Escape(raw string) string {
	start := authorityEnd(raw)
	var b strings.Builder
	b.Grow(len(raw) + 16)
	b.WriteString(raw[:start])
	if start == 0 && !strings.HasPrefix(raw, "/") {
		// A relative path whose first segment has a colon ("Spécial:
		// Connexion", not a scheme since é is no scheme character):
		// net/url would take it for one, "./" resolves the same.
		if seg := raw[:strings.IndexAny(raw+"/", "/?#")]; strings.Contains(seg, ":") {
			b.WriteString("./")
		}
	}
	set := pathSet
	for i := start; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '?' && set == pathSet:
			set = querySet
			b.WriteByte(c)
			continue
		case c == '#' && set != fragmentSet:
			set = fragmentSet
			b.WriteByte(c)
			continue
		case c == '%':
			if i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
				b.WriteByte(c)
			} else {
				b.WriteString("%25")
			}
			continue
		case c <= ' ' || c >= 0x7f || strings.IndexByte(set, c) >= 0:
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// authorityEnd returns the offset where the path of raw starts: after
// "scheme://authority", "//authority" or "scheme:", 0 for a relative path.
func authorityEnd(raw string) int {
	i := 0
	if j := schemeEnd(raw); j > 0 {
		i = j + 1
	}
	if !strings.HasPrefix(raw[i:], "//") {
		return i
	}
	i += 2
	if j := strings.IndexAny(raw[i:], "/?#"); j >= 0 {
		return i + j
	}
	return len(raw)
}

// schemeEnd returns the index of the colon ending raw's scheme, or -1.
func schemeEnd(raw string) int {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return i
		default:
			return -1
		}
	}
	return -1
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// Parse parses raw as a browser would send it: Escape, then url.Parse,
// then Host on its host.
func Parse(raw string) (*url.URL, error) {
	u, err := url.Parse(Escape(raw))
	if err != nil {
		return nil, err
	}
	if u.Host != "" {
		if u.Host, err = Host(u.Host); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// Host returns hostport ("host" or "host:port") with the host name in
// lower case and, when it has letters beyond ASCII, in IDNA form
// (école.fr becomes xn--cole-9oa.fr). IP addresses are kept as they are.
func Host(hostport string) (string, error) {
	host, port := hostport, ""
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	} else if strings.HasSuffix(hostport, ":") {
		host = strings.TrimSuffix(hostport, ":") // an empty port, as browsers allow
	}
	bracketed := strings.HasPrefix(host, "[")
	if !bracketed && strings.Contains(host, ":") {
		bracketed = true // an IPv6 address SplitHostPort took out of its brackets
	}
	if !bracketed {
		ascii := true
		for i := 0; i < len(host); i++ {
			if host[i] >= 0x80 {
				ascii = false
				break
			}
		}
		if ascii {
			host = strings.ToLower(host)
		} else {
			a, err := idna.Lookup.ToASCII(host)
			if err != nil {
				return "", fmt.Errorf("host %q: %w", host, err)
			}
			host = a
		}
	} else if !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	if port != "" {
		return host + ":" + port, nil
	}
	return host, nil
}
