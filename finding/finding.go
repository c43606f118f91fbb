// Package finding defines Vigie's result record: one check failing on one
// site at one location, with a stable identifier.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Severity orders how serious a finding is.
type Severity int

// Severities, from least to most serious. The zero value means "unset".
const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"", "info", "low", "medium", "high", "critical"}

// String returns the lower-case name of s ("high").
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name; "none" parses to Critical+1, a
// threshold nothing reaches.
func ParseSeverity(s string) (Severity, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "none" {
		return Critical + 1, nil
	}
	for i, n := range severityNames {
		if n == s && i > 0 {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium, high, critical or none)", s)
}

// DefaultThreshold is the severity from which a finding is a failure
// (a "manquement"); below it, a finding is a note. Informational findings
// are never failures.
const DefaultThreshold = Low

// IsFailure reports whether a finding of severity s is a failure under the
// threshold min: at or above it, and above Info whatever min says. A zero
// min means DefaultThreshold.
func (s Severity) IsFailure(min Severity) bool {
	if min == 0 {
		min = DefaultThreshold
	}
	return s >= max(min, Low) && s <= Critical
}

// ParseThreshold parses a failure threshold: a severity from low to
// critical ("info" would make notes failures and is refused).
func ParseThreshold(s string) (Severity, error) {
	v, err := ParseSeverity(s)
	if err != nil {
		return 0, err
	}
	if v < Low || v > Critical {
		return 0, fmt.Errorf("failure threshold %q: want low, medium, high or critical (info findings are notes, never failures)", s)
	}
	return v, nil
}

// MarshalText encodes s as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Confidence levels, as in SARIF-style tools.
const (
	Certain   = "certain"
	Firm      = "firm"
	Tentative = "tentative"
)

// Finding is one check failing at one location of one site. Its JSON form
// is the public JSONL record; field names are stable.
type Finding struct {
	ID           string         `json:"id"`
	Check        string         `json:"check"`
	Severity     Severity       `json:"severity"`
	Confidence   string         `json:"confidence"`
	Site         string         `json:"site"`
	URL          string         `json:"url"`
	Organisation string         `json:"organisation,omitempty"`
	Title        string         `json:"title"`
	Detail       map[string]any `json:"detail,omitempty"`
	Legal        []string       `json:"legal,omitempty"`
	Evidence     []string       `json:"evidence,omitempty"`
	Scan         string         `json:"scan,omitempty"`
	FirstSeen    time.Time      `json:"first_seen"`
	LastSeen     time.Time      `json:"last_seen"`
	FixedAt      *time.Time     `json:"fixed_at,omitempty"`
	RegressedAt  *time.Time     `json:"regressed_at,omitempty"`
	// Location is the normalised place of the finding within the site (a
	// URL, plus e.g. "#form=2"); it feeds the ID.
	Location string `json:"location"`
}

// Detail keys of a finding that groups the pages where one defect shows
// (an identical form in every page's header, a session cookie set by
// every page): DetailPages lists the pages, sorted, at most
// MaxListedPages of them; DetailPagesCount says how many there were.
const (
	DetailPages      = "pages"
	DetailPagesCount = "pages_count"
	MaxListedPages   = 50
)

// Pages returns the pages a grouped finding's detail lists (DetailPages),
// nil when it lists none. It reads the detail as checks build it
// ([]string) and as it comes back from JSON ([]any).
func Pages(detail map[string]any) []string {
	switch v := detail[DetailPages].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, p := range v {
			if s, ok := p.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// MaskedSecret replaces the value of a secret (a session identifier, a
// token) in the URL a finding names: the site's URL had the real value.
const MaskedSecret = "***"

// MakeID returns the stable identifier of a finding: a hash of the check,
// the site and the normalised location, so that the same failure seen in
// two scans has the same ID.
func MakeID(check, site, location string) string {
	h := sha256.New()
	for _, s := range []string{check, NormaliseURL(site), location} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// NormaliseURL lower-cases scheme and host, drops default ports and the
// fragment, and turns an empty path into "/". Invalid URLs come back as is.
// A fragment that is a single-page application's route ("#/contact",
// "#!/contact", see IsHashRoute) is kept: each route is a page of its own,
// while "#top" is a place in one.
func NormaliseURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	if !IsHashRoute(u.Fragment) {
		u.Fragment = ""
	}
	u.RawFragment = ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// IsHashRoute reports whether a URL fragment is the route of a
// single-page application that routes with the fragment (AngularJS, older
// Vue and React routers): "/contact" of "#/contact", "!/contact" of
// "#!/contact", and the older hash-bang "!contact". Other fragments
// ("top", "section-2") name a place in the page.
func IsHashRoute(fragment string) bool {
	return strings.HasPrefix(fragment, "/") || len(fragment) > 1 && fragment[0] == '!'
}
