package eml

import (
	_ "embed"
	"net/url"
	"sort"
	"strings"
)

//go:embed data/redirectors.txt
var redirectorsData string

// redirector is one known link rewriter.
type redirector struct{ domain, kind, service string }

var redirectors = func() []redirector {
	var out []redirector
	for _, line := range strings.Split(redirectorsData, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		out = append(out, redirector{strings.ToLower(f[0]), f[1], f[2]})
	}
	return out
}()

// knownRedirector returns the rewriter host belongs to.
func knownRedirector(host string) (redirector, bool) {
	host = strings.ToLower(host)
	for _, r := range redirectors {
		if host == r.domain || strings.HasSuffix(host, "."+r.domain) {
			return r, true
		}
	}
	return redirector{}, false
}

// Link is one link of the message.
type Link struct {
	// URL is the link as written (masked in reports: its query may name
	// the recipient).
	URL    string `json:"url"`
	Scheme string `json:"scheme"`
	Host   string `json:"host"`
	// Domain is the host's registrable domain.
	Domain string `json:"domain"`
	// Source is "html" (an href), "text" (a URL in plain text) or
	// "html-text" (a URL written in the HTML's visible text).
	Source string `json:"source"`
	// Text is the visible text of an HTML link, when it shows a URL or a
	// domain.
	Text string `json:"text,omitempty"`
	// Rewriter names the shortener, click tracker or link protection the
	// link goes through ("tracking: Mailjet"), or "redirector" when its
	// query carries another URL.
	Rewriter string `json:"rewriter,omitempty"`
	// Target is where a rewriter says the link leads, when its query
	// shows it.
	Target       string `json:"target,omitempty"`
	TargetDomain string `json:"target_domain,omitempty"`
	// Official is true when Domain is the sender's or an official domain.
	Official bool `json:"official"`
}

// maxLinks bounds the links read from one message.
const maxLinks = 2000

// newLink parses raw and fills what it can; ok is false for links that
// lead nowhere on the web (mailto:, tel:, anchors, cid:).
func newLink(raw, source, text string) (Link, bool) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Link{}, false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return Link{}, false
	}
	l := Link{URL: raw, Scheme: scheme, Host: strings.ToLower(u.Hostname()), Source: source, Text: text}
	l.Domain = registrable(l.Host)
	if r, ok := knownRedirector(l.Host); ok {
		l.Rewriter = r.kind + ": " + r.service
	}
	if t := embeddedURL(u, 0); t != nil {
		l.Target = t.String()
		l.TargetDomain = registrable(t.Hostname())
		if l.Rewriter == "" {
			l.Rewriter = "redirector"
		}
	}
	return l, true
}

// embeddedURL returns the web address a link's query carries (a
// redirector's destination: ?url=, ?u=, ?redirect=…), unwrapping nested
// redirectors a few times.
func embeddedURL(u *url.URL, depth int) *url.URL {
	if depth > 3 {
		return nil
	}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range q[k] {
			v = strings.TrimSpace(v)
			lv := strings.ToLower(v)
			if !strings.HasPrefix(lv, "http://") && !strings.HasPrefix(lv, "https://") {
				continue
			}
			t, err := url.Parse(v)
			if err != nil || t.Host == "" {
				continue
			}
			if inner := embeddedURL(t, depth+1); inner != nil {
				return inner
			}
			return t
		}
	}
	return nil
}

// DomainCount is how many links go to one registrable domain.
type DomainCount struct {
	Domain   string `json:"domain"`
	Count    int    `json:"count"`
	Official bool   `json:"official"`
	// Rewriter is set when the domain's links are rewriters'.
	Rewriter string `json:"rewriter,omitempty"`
}

// countDomains groups links by registrable domain, most links first.
func countDomains(links []Link) []DomainCount {
	idx := map[string]int{}
	var out []DomainCount
	for _, l := range links {
		i, ok := idx[l.Domain]
		if !ok {
			i = len(out)
			idx[l.Domain] = i
			out = append(out, DomainCount{Domain: l.Domain, Official: l.Official, Rewriter: l.Rewriter})
		}
		out[i].Count++
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Domain < out[j].Domain
	})
	return out
}

// textURLs returns the web addresses written in plain text.
func textURLs(s string) []string {
	lower := asciiLower(s)
	var out []string
	for pos := 0; pos < len(s) && len(out) < maxLinks; {
		i := strings.Index(lower[pos:], "http")
		if i < 0 {
			break
		}
		at := pos + i
		rest := lower[at:]
		if !strings.HasPrefix(rest, "http://") && !strings.HasPrefix(rest, "https://") {
			pos = at + 4
			continue
		}
		end := strings.IndexFunc(s[at:], func(r rune) bool {
			return r <= ' ' || r == '<' || r == '>' || r == '"' || r == '\'' || r == '`' || r == '\u00a0'
		})
		if end < 0 {
			end = len(s) - at
		}
		out = append(out, strings.TrimRight(s[at:at+end], ".,;:!?)]}»"))
		pos = at + end
	}
	return out
}

// asciiLower lower-cases ASCII letters only, so that byte offsets stay
// those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
