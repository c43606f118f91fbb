package target

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Target is one site to audit, as parsed from an argument, a list or a CSV
// file.
type Target struct {
	// Input is the text as given, trimmed.
	Input string
	// URL is the normalised entry URL, scheme://host[:port]/path[?query]:
	// scheme and host in lower case, IDNA host converted to ASCII, default
	// port and fragment dropped, an empty path turned into "/".
	URL string
	// SchemeGiven is false for an input without a scheme (a bare host name,
	// possibly with a port or path): the crawler then tries https:// and
	// http://, and URL holds the https:// form.
	SchemeGiven bool
	// Host is the host name without port, in lower case and ASCII (punycode
	// for international names); IPv6 addresses come without brackets.
	Host string
	// Organisation is the data controller the site belongs to (CSV only).
	Organisation string
	// Tags label the site, e.g. "prefecture" or "dept:01" (CSV only).
	Tags []string
	// Public is set when the site's organisation is a public body, which
	// must publish its DPO's contact (GDPR art. 37(1)(a) and 37(7)): one
	// of Tags says so (see PublicTag), or the organisation directory does
	// (the caller sets it).
	Public bool
	// Mode is how the site asked to be audited (CSV "mode" column):
	// ModeStatic, ModeBrowser, or "" for the scan's default.
	Mode string
	// Source is the file name the target was read from, or "argument".
	Source string
	// Line is the 1-based line number in Source, 0 for arguments.
	Line int
}

// Audit modes a CSV row may ask for in its "mode" column.
const (
	// ModeStatic audits the site from its HTML as served (the default).
	ModeStatic = "static"
	// ModeBrowser renders the site's pages in headless Chromium.
	ModeBrowser = "browser"
)

// LineError reports an input that is not a usable target, with where it
// was read.
type LineError struct {
	Source string // file name, "argument" or "stdin"; may be empty
	Line   int    // 1-based; 0 when unknown or not applicable
	Input  string // the offending text, trimmed; may be empty
	Err    error
}

// maxQuoted bounds how much of a bad input an error message repeats.
const maxQuoted = 80

// Error reads like `targets.txt:12: "ftp://x": unsupported scheme "ftp"`.
func (e *LineError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Input != "" {
		in := e.Input
		if len(in) > maxQuoted {
			cut := maxQuoted
			for cut > 0 && !utf8.RuneStart(in[cut]) {
				cut--
			}
			in = in[:cut] + "…"
		}
		b.WriteString(strconv.Quote(in))
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// maxInput bounds the length of one target; longer inputs are junk.
const maxInput = 4096

var (
	errEmpty     = errors.New("empty target")
	errSpace     = errors.New("contains white space")
	errControl   = errors.New("contains a control character")
	errTooLong   = fmt.Errorf("longer than %d bytes", maxInput)
	errUserinfo  = errors.New("user name or password not allowed in a target")
	errNoHost    = errors.New("missing host")
	errNoSlashes = errors.New(`missing "//" after the scheme`)
)

// Parse parses one URL or host name given on the command line. Only http
// and https URLs are accepted; an input without a scheme is a bare host
// name, optionally with a port and a path. The target's Source is
// "argument" and its Line 0; callers reading other sources set them.
// The error, if any, is a *LineError.
func Parse(s string) (Target, error) {
	t, err := parse(s)
	if err != nil {
		return Target{}, &LineError{Source: "argument", Input: strings.TrimSpace(s), Err: err}
	}
	t.Source = "argument"
	return t, nil
}

func parse(in string) (Target, error) {
	s := strings.TrimSpace(in)
	switch {
	case s == "":
		return Target{}, errEmpty
	case len(s) > maxInput:
		return Target{}, errTooLong
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return Target{}, errSpace
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return Target{}, errControl
	}

	t := Target{Input: s}
	raw := s
	if scheme, ok := splitScheme(s); ok {
		t.SchemeGiven = true
		scheme = strings.ToLower(scheme)
		if scheme != "http" && scheme != "https" {
			return Target{}, fmt.Errorf("unsupported scheme %q", scheme)
		}
	} else {
		// A bare host: an IPv6 literal needs brackets before it can be
		// read as a URL authority.
		bare := strings.TrimPrefix(s, "//")
		if a, err := netip.ParseAddr(bare); err == nil && a.Is6() {
			bare = "[" + bare + "]"
		}
		raw = "https://" + bare
	}

	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Target{}, err
	}
	if u.Opaque != "" {
		return Target{}, errNoSlashes
	}
	if u.User != nil {
		return Target{}, errUserinfo
	}
	if u.Hostname() == "" {
		return Target{}, errNoHost
	}
	host, err := normaliseHost(u.Hostname())
	if err != nil {
		return Target{}, err
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("port %q out of range 1-65535", port)
		}
		port = strconv.Itoa(n)
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}

	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	if strings.Contains(host, ":") {
		b.WriteString("[" + host + "]")
	} else {
		b.WriteString(host)
	}
	if port != "" {
		b.WriteString(":" + port)
	}
	if p := u.EscapedPath(); p != "" {
		b.WriteString(p)
	} else {
		b.WriteByte('/')
	}
	if u.RawQuery != "" {
		b.WriteString("?" + u.RawQuery)
	}
	t.URL = b.String()
	t.Host = host
	return t, nil
}

// splitScheme reports the scheme of s when s starts with one. "host:8080"
// and "www.example.fr:x" are not schemes: a scheme has no dot and is not
// followed by a port number.
func splitScheme(s string) (string, bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", false
	}
	scheme, rest := s[:i], s[i+1:]
	if strings.HasPrefix(rest, "//") {
		return scheme, validScheme(scheme)
	}
	if strings.Contains(scheme, ".") || !validScheme(scheme) {
		return "", false
	}
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	if j > 0 && (j == len(rest) || strings.ContainsRune("/?#", rune(rest[j]))) {
		return "", false // host:port
	}
	return scheme, true
}

// validScheme follows RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	for i, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// normaliseHost validates a host name or IP address and returns its
// canonical form: lower-case ASCII, no trailing dot, punycode for
// international names, IP addresses in their shortest form.
func normaliseHost(h string) (string, error) {
	if a, err := netip.ParseAddr(h); err == nil {
		if a.Zone() != "" {
			return "", errors.New("invalid host: IPv6 zone not allowed")
		}
		return a.String(), nil
	}
	name := strings.TrimSuffix(h, ".")
	ascii := true
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		name = strings.ToLower(name)
	} else {
		a, err := idna.Lookup.ToASCII(name)
		if err != nil {
			return "", fmt.Errorf("invalid international host name: %v", err)
		}
		name = a
	}
	if err := validHostName(name); err != nil {
		return "", fmt.Errorf("invalid host: %w", err)
	}
	return name, nil
}

// validHostName checks an ASCII, lower-case DNS name as used in URLs.
// Underscores are tolerated, as browsers do.
func validHostName(name string) error {
	if name == "" {
		return errors.New("empty name")
	}
	if len(name) > 253 {
		return errors.New("name longer than 253 characters")
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		switch {
		case l == "":
			return errors.New("empty label")
		case len(l) > 63:
			return fmt.Errorf("label %q longer than 63 characters", l[:20]+"…")
		case l[0] == '-' || l[len(l)-1] == '-':
			return fmt.Errorf("label %q starts or ends with a hyphen", l)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("label %q contains %q", l, rune(c))
			}
		}
		if strings.HasPrefix(l, "xn--") {
			if _, err := idna.Lookup.ToUnicode(l); err != nil {
				return fmt.Errorf("label %q is not valid punycode", l)
			}
		}
	}
	if len(labels) == 1 && name != "localhost" {
		return errors.New("not a fully qualified name (no dot)")
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return errors.New("neither an IP address nor a name")
	}
	return nil
}
