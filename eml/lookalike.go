package eml

import (
	_ "embed"
	"net/netip"
	"sort"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

//go:embed data/confusables.txt
var confusablesData string

// confusable is one entry of the confusables table.
type confusable struct{ from, to string }

// confusables is data/confusables.txt, longest sequences first so that
// "rn" is replaced before its letters are looked at.
var confusables = func() []confusable {
	var out []confusable
	for _, line := range strings.Split(confusablesData, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		from, to, ok := strings.Cut(line, "\t")
		if !ok || from == "" {
			continue
		}
		out = append(out, confusable{from, to})
	}
	sort.SliceStable(out, func(i, j int) bool { return len([]rune(out[i].from)) > len([]rune(out[j].from)) })
	return out
}()

// skeleton maps a domain's Unicode form to the ASCII letters it imitates:
// two domains with the same skeleton look the same to a reader.
func skeleton(domain string) string {
	s := strings.ToLower(domain)
	var b strings.Builder
	for len(s) > 0 {
		matched := false
		for _, c := range confusables {
			if strings.HasPrefix(s, c.from) {
				b.WriteString(c.to)
				s = s[len(c.from):]
				matched = true
				break
			}
		}
		if !matched {
			r := []rune(s)[0]
			b.WriteRune(r)
			s = s[len(string(r)):]
		}
	}
	return b.String()
}

// unicodeForm returns the Unicode form of a domain written in punycode
// ("xn--"), or the domain itself.
func unicodeForm(domain string) string {
	if u, err := idna.ToUnicode(domain); err == nil {
		return u
	}
	return domain
}

// registrable returns the registrable domain (eTLD+1, from the public
// suffix list) of host, lower-cased and in ASCII; the host itself when it
// has none (an IP address, a bare suffix).
func registrable(host string) string {
	host = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return strings.Trim(host, "[]") // a link to an address: its own "domain"
	}
	if a, err := idna.ToASCII(host); err == nil {
		host = a
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// label returns the part of a registrable domain before its public suffix
// ("agence-emploi" for "agence-emploi.fr").
func label(regDomain string) (lab, suffix string) {
	suffix, _ = publicsuffix.PublicSuffix(regDomain)
	lab = strings.TrimSuffix(strings.TrimSuffix(regDomain, suffix), ".")
	return lab, suffix
}

// Lookalike explains why a domain imitates an official one.
type Lookalike struct {
	Domain   string `json:"domain"`
	Unicode  string `json:"unicode,omitempty"`
	Official string `json:"official"`
	// Reason is "confusable" (same letters once look-alike characters
	// are mapped), "edit-distance" (one or two letters changed, added or
	// removed), "suffix" (same name, another public suffix) or "contains"
	// (the official name with words added).
	Reason   string `json:"reason"`
	Distance int    `json:"distance,omitempty"`
}

// lookalike reports whether the registrable domain d imitates one of the
// official registrable domains (which it is not).
func lookalike(d string, official []string) (Lookalike, bool) {
	if _, err := netip.ParseAddr(d); err == nil {
		return Lookalike{}, false
	}
	for _, o := range official {
		if d == o {
			return Lookalike{}, false
		}
	}
	uni := unicodeForm(d)
	lab, suf := label(d)
	ulab, _ := label(uni)
	if ulab == "" {
		ulab = lab
	}
	for _, o := range official {
		olab, osuf := label(o)
		if len([]rune(olab)) < 4 {
			// Two-or-three-letter names (caf, urssaf's initials) are
			// too close to too many honest names to compare.
			continue
		}
		l := Lookalike{Domain: d, Official: o}
		if uni != d {
			l.Unicode = uni
		}
		switch {
		case skeleton(ulab) == skeleton(olab) && suf == osuf:
			l.Reason = "confusable"
			return l, true
		case ulab == olab:
			l.Reason = "suffix"
			return l, true
		}
		if dist := editDistance(skeleton(ulab), skeleton(olab)); dist > 0 && dist <= maxDistance(olab) {
			l.Reason, l.Distance = "edit-distance", dist
			return l, true
		}
		if containsName(ulab, olab) {
			l.Reason = "contains"
			return l, true
		}
	}
	return Lookalike{}, false
}

// maxDistance is the largest edit distance that still reads as the same
// name: one change for short names, two from eight letters on.
func maxDistance(name string) int {
	if len([]rune(name)) >= 8 {
		return 2
	}
	return 1
}

// containsName reports whether lab is the official name with words added
// ("agence-emploi-securite" for "agence-emploi"), hyphen-separated.
func containsName(lab, name string) bool {
	if lab == name || len(name) < 5 {
		return false
	}
	return strings.HasPrefix(lab, name+"-") || strings.HasSuffix(lab, "-"+name) || strings.Contains(lab, "-"+name+"-")
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
