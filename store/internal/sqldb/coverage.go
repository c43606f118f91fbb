package sqldb

import (
	"database/sql"
	"encoding/json"
	"strings"

	"vigie/finding"
)

// coverage is the set of normalised URLs an audit examined
// (store.SiteResult.Covered); nil covers every URL.
type coverage map[string]bool

func newCoverage(urls []string) coverage {
	if urls == nil {
		return nil
	}
	c := make(coverage, len(urls))
	for _, u := range urls {
		c[finding.NormaliseURL(u)] = true
	}
	return c
}

// covers reports whether the audit examined raw, a finding's URL. A URL
// whose secrets were masked is covered by any examined URL that differs
// only in those values.
func (c coverage) covers(raw string) bool {
	if c == nil {
		return true
	}
	u := finding.NormaliseURL(raw)
	if c[u] {
		return true
	}
	if !strings.Contains(u, "="+finding.MaskedSecret) {
		return false
	}
	for seen := range c {
		if matchMasked(u, seen) {
			return true
		}
	}
	return false
}

// coversAny reports whether the audit examined a finding's URL or one of
// the other pages where it showed: a grouped finding (a form in every
// page's header) is examined when any of its pages is, and since the audit
// did not report it, none of the pages it examined shows it any more.
func (c coverage) coversAny(raw string, pages []string) bool {
	if c.covers(raw) {
		return true
	}
	for _, p := range pages {
		if c.covers(p) {
			return true
		}
	}
	return false
}

// pagesOf returns the pages a stored finding's detail lists
// (finding.DetailPages); nil for a finding of one page or a detail that
// does not parse.
func pagesOf(detail sql.NullString) []string {
	if !detail.Valid || !strings.Contains(detail.String, `"`+finding.DetailPages+`"`) {
		return nil
	}
	var d map[string]any
	if json.Unmarshal([]byte(detail.String), &d) != nil {
		return nil
	}
	return finding.Pages(d)
}

// matchMasked reports whether s is the masked URL pattern with each masked
// value replaced by a non-empty value (which stops at the next separator).
func matchMasked(pattern, s string) bool {
	parts := strings.Split(pattern, finding.MaskedSecret)
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1:] {
		end := strings.IndexAny(s, "&;/?#")
		if end < 0 {
			end = len(s)
		}
		if end == 0 || !strings.HasPrefix(s[end:], p) {
			return false
		}
		s = s[end+len(p):]
	}
	return s == ""
}
