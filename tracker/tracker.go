// Package tracker knows which third-party domains are trackers and what
// cookies are for: a bundled list of domains and cookie names, kept as data
// (trackers.csv, cookies.csv), which classifies what a rendered page loaded.
package tracker

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"

	"vigie/observation"
)

// Categories of the third parties in a list. The first five are trackers;
// the others are third parties that are not trackers.
const (
	Analytics     = "analytics"
	Advertising   = "advertising"
	SessionReplay = "session-replay"
	Social        = "social"
	TagManager    = "tag-manager"
	// Consent is a consent-management platform.
	Consent = "consent"
	// Content is a library, font, CDN, map, video or captcha provider.
	Content = "content"
	// Monitoring is an error or performance monitoring service.
	Monitoring = "monitoring"
	// Support is a chat or help-desk widget.
	Support = "support"
)

// Cookie purposes, as found in observation.Cookie.Purpose. Analytics,
// Advertising, SessionReplay, Social and Consent double as purposes.
const (
	Essential = "essential"
	// Tracking is a cookie that follows the visitor for a purpose the list
	// does not narrow down further.
	Tracking = "tracking"
)

// KnownCategory reports whether c is one of the category constants.
func KnownCategory(c string) bool {
	switch c {
	case Analytics, Advertising, SessionReplay, Social, TagManager, Consent, Content, Monitoring, Support:
		return true
	}
	return false
}

// IsTracker reports whether category c is that of a tracker, as opposed to
// a third party that serves content, consent, monitoring or support.
func IsTracker(c string) bool {
	switch c {
	case Analytics, Advertising, SessionReplay, Social, TagManager:
		return true
	}
	return false
}

// knownPurpose reports whether p is a cookie purpose of observation.Cookie.
func knownPurpose(p string) bool {
	switch p {
	case Essential, Consent, Analytics, Advertising, SessionReplay, Social, Tracking:
		return true
	}
	return false
}

// Entry is one known third-party domain.
type Entry struct {
	// Domain covers itself and its subdomains, lower case.
	Domain string
	// Name is the company or product operating it.
	Name string
	// Category is one of the category constants.
	Category string
}

// List is a set of known third-party domains. A List is never modified once
// built, so it is safe for concurrent use. Cookie names are always those
// bundled with Vigie (cookies.csv), whatever the list.
type List struct {
	entries map[string]Entry
}

//go:embed trackers.csv
var trackersCSV string

//go:embed cookies.csv
var cookiesCSV string

var defaultList = sync.OnceValue(func() *List {
	l, err := Load(strings.NewReader(trackersCSV), "tracker/trackers.csv")
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return l
})

// Default returns the list bundled with Vigie, parsed once.
func Default() *List { return defaultList() }

// Load reads a list in the format of trackers.csv: CSV lines
// domain,name,category, an optional header line "domain,name,category",
// comments starting with #. An invalid line is an error naming source and
// line number; so is a domain listed twice.
func Load(r io.Reader, source string) (*List, error) {
	l := &List{entries: map[string]Entry{}}
	lines := map[string]int{}
	err := readCSV(r, source, []string{"domain", "name", "category"}, func(line int, rec []string) error {
		d, err := normaliseDomain(rec[0])
		if err != nil {
			return err
		}
		if rec[1] == "" {
			return fmt.Errorf("domain %s has no name", d)
		}
		if !KnownCategory(rec[2]) {
			return fmt.Errorf("unknown category %q", rec[2])
		}
		if prev, dup := lines[d]; dup {
			return fmt.Errorf("domain %s already listed at line %d", d, prev)
		}
		lines[d] = line
		l.entries[d] = Entry{Domain: d, Name: rec[1], Category: rec[2]}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// LoadFile reads a list from a file (the --tracker-list option); see Load.
func LoadFile(path string) (*List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tracker list: %w", err)
	}
	defer f.Close()
	return Load(f, path)
}

// Merge returns a new list holding the entries of l and of other, other's
// entry winning when both list a domain. A user's list extends the bundled
// one with Default().Merge(user); used alone, it replaces it.
func (l *List) Merge(other *List) *List {
	m := &List{entries: make(map[string]Entry, l.Len()+other.Len())}
	for _, src := range []*List{l, other} {
		if src == nil {
			continue
		}
		for d, e := range src.entries {
			m.entries[d] = e
		}
	}
	return m
}

// Len returns the number of domains in the list.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}

// Entries returns the list's entries sorted by domain.
func (l *List) Entries() []Entry {
	if l == nil {
		return nil
	}
	out := make([]Entry, 0, len(l.entries))
	for _, e := range l.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Domain < out[j].Domain })
	return out
}

// Lookup returns the entry covering host: the listed domain that is host
// itself or the longest of its parent domains. Case and a trailing dot are
// ignored, as is a port; IP addresses match nothing.
func (l *List) Lookup(host string) (Entry, bool) {
	if l == nil {
		return Entry{}, false
	}
	h := strings.ToLower(strings.TrimSpace(host))
	if strings.HasPrefix(h, "[") {
		return Entry{}, false
	}
	if i := strings.IndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimSuffix(h, ".")
	for h != "" {
		if e, ok := l.entries[h]; ok {
			return e, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	return Entry{}, false
}

// CookiePurpose returns the purpose of a cookie named name set for domain
// (a leading dot is ignored): the purpose the bundled cookie names give it,
// else the purpose that follows from the list's category for domain (the
// tracker categories as such, tag-manager as "tracking", consent as
// "consent"), else "" when unknown. An empty domain matches only cookie
// names valid on every domain.
func (l *List) CookiePurpose(name, domain string) string {
	return l.cookiePurpose(name, domain, true)
}

func (l *List) cookiePurpose(name, domain string, byDomain bool) string {
	domain = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if p := cookieNames().purpose(name, domain); p != "" {
		return p
	}
	if !byDomain || domain == "" {
		return ""
	}
	e, ok := l.Lookup(domain)
	if !ok {
		return ""
	}
	switch e.Category {
	case Analytics, Advertising, SessionReplay, Social, Consent:
		return e.Category
	case TagManager:
		return Tracking
	}
	return ""
}

// Classify fills in what the list knows of a rendering: Tracker and
// TrackerName of its third-party requests (first-party requests are never
// classified, whatever their host), Tracker of its leaks when the crawler
// left it empty, and the Purpose of its cookies. A first-party cookie is
// classified by its name only: the site's own domain says nothing of it.
func (l *List) Classify(r *observation.Rendering) {
	if r == nil {
		return
	}
	for i := range r.Requests {
		q := &r.Requests[i]
		q.Tracker, q.TrackerName = "", ""
		if !q.ThirdParty {
			continue
		}
		if e, ok := l.Lookup(hostOf(q.URL)); ok {
			q.Tracker, q.TrackerName = e.Category, e.Name
		}
	}
	for i := range r.Leaks {
		lk := &r.Leaks[i]
		if lk.Tracker != "" {
			continue
		}
		if e, ok := l.Lookup(hostOf(lk.RequestURL)); ok {
			lk.Tracker = e.Category
		}
	}
	for i := range r.Cookies {
		c := &r.Cookies[i]
		c.Purpose = l.cookiePurpose(c.Name, c.Domain, c.ThirdParty)
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// normaliseDomain lower-cases d, drops a trailing dot and checks that it is
// a host name with at least two labels.
func normaliseDomain(d string) (string, error) {
	d = strings.TrimSuffix(strings.ToLower(d), ".")
	if len(d) > 253 || !strings.Contains(d, ".") {
		return "", fmt.Errorf("invalid domain %q", d)
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", fmt.Errorf("invalid domain %q", d)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", fmt.Errorf("invalid domain %q", d)
			}
		}
	}
	return d, nil
}

// readCSV reads comma-separated records of len(header) fields, skipping
// comments, blank lines and a first record equal to header, and calls fn
// with each record's line number and trimmed fields. Errors name
// source:line.
func readCSV(r io.Reader, source string, header []string, fn func(line int, rec []string) error) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s:%d: %w", source, pe.Line, pe.Err)
			}
			return fmt.Errorf("%s: %w", source, err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if first && strings.EqualFold(strings.Join(rec, ","), strings.Join(header, ",")) {
			first = false
			continue
		}
		first = false
		if len(rec) != len(header) {
			return fmt.Errorf("%s:%d: %d fields, want %d (%s)", source, line, len(rec), len(header), strings.Join(header, ","))
		}
		if err := fn(line, rec); err != nil {
			return fmt.Errorf("%s:%d: %w", source, line, err)
		}
	}
}
