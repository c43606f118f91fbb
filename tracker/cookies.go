package tracker

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// cookieRule gives the purpose of the cookies whose name is pattern (or
// starts with it, for a prefix), on domain and its subdomains or, when
// domain is empty, anywhere.
type cookieRule struct {
	pattern string // lower case, without the trailing *
	prefix  bool
	purpose string
	domain  string
}

func (c cookieRule) appliesTo(domain string) bool {
	return c.domain == "" || domain == c.domain || strings.HasSuffix(domain, "."+c.domain)
}

// cookieTable is the parsed cookies.csv.
type cookieTable struct {
	exact    map[string][]cookieRule
	prefixes []cookieRule // longest first
}

var cookieNames = sync.OnceValue(func() *cookieTable {
	t, err := loadCookies(strings.NewReader(cookiesCSV), "tracker/cookies.csv")
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t
})

// loadCookies reads name,purpose,domain records (see cookies.csv).
func loadCookies(r io.Reader, source string) (*cookieTable, error) {
	t := &cookieTable{exact: map[string][]cookieRule{}}
	lines := map[string]int{}
	err := readCSV(r, source, []string{"name", "purpose", "domain"}, func(line int, rec []string) error {
		c := cookieRule{pattern: strings.ToLower(rec[0]), purpose: rec[1]}
		if p, ok := strings.CutSuffix(c.pattern, "*"); ok {
			c.pattern, c.prefix = p, true
		}
		if c.pattern == "" || strings.Contains(c.pattern, "*") {
			return fmt.Errorf("invalid cookie name %q (a * may only end it)", rec[0])
		}
		if !knownPurpose(c.purpose) {
			return fmt.Errorf("unknown purpose %q", c.purpose)
		}
		if rec[2] != "" {
			d, err := normaliseDomain(rec[2])
			if err != nil {
				return err
			}
			c.domain = d
		}
		key := rec[0] + "," + c.domain
		if prev, dup := lines[strings.ToLower(key)]; dup {
			return fmt.Errorf("cookie %s already listed at line %d", key, prev)
		}
		lines[strings.ToLower(key)] = line
		if c.prefix {
			t.prefixes = append(t.prefixes, c)
		} else {
			t.exact[c.pattern] = append(t.exact[c.pattern], c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(t.prefixes, func(i, j int) bool { return len(t.prefixes[i].pattern) > len(t.prefixes[j].pattern) })
	return t, nil
}

// purpose returns the purpose of cookie name on domain: an exact name wins
// over a prefix, a longer prefix over a shorter one, and a rule bound to a
// domain over a general one; "" when no rule applies.
func (t *cookieTable) purpose(name, domain string) string {
	name = strings.ToLower(name)
	if p := best(t.exact[name], domain); p != "" {
		return p
	}
	for i := 0; i < len(t.prefixes); {
		j := i
		for j < len(t.prefixes) && len(t.prefixes[j].pattern) == len(t.prefixes[i].pattern) {
			j++
		}
		var same []cookieRule
		for _, c := range t.prefixes[i:j] {
			if strings.HasPrefix(name, c.pattern) {
				same = append(same, c)
			}
		}
		if p := best(same, domain); p != "" {
			return p
		}
		i = j
	}
	return ""
}

// best picks among rules matching one name: a domain-bound rule first.
func best(rules []cookieRule, domain string) string {
	general := ""
	for _, c := range rules {
		if !c.appliesTo(domain) {
			continue
		}
		if c.domain != "" {
			return c.purpose
		}
		if general == "" {
			general = c.purpose
		}
	}
	return general
}
