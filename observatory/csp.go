package observatory

import (
	"errors"
	"net/url"
	"sort"
	"strings"
)

// Policy is a parsed content security policy: directive to its sources,
// lower case.
type Policy map[string]map[string]bool

// duplicateKey marks a policy that repeats report-uri or report-to.
const duplicateKey = "\x00duplicate"

// ParseCSP parses the policies of list (header values, then meta
// contents) into one, the Observatory's way: a policy shorter than the
// shortest useful directive, or one that repeats a directive other than
// report-uri and report-to, is invalid; a "-src" directive without
// sources allows none; with several policies, a directive keeps the
// sources that every policy allows (compared by path prefix).
func ParseCSP(list []string) (Policy, error) {
	type source struct {
		value string
		index int
		keep  bool
	}
	var clean []string
	for _, s := range list {
		s = strings.TrimSpace(strings.NewReplacer("\r", "", "\n", "").Replace(s))
		if len(s) < len("img-src")-1 {
			return nil, errors.New("invalid policy: " + s)
		}
		clean = append(clean, s)
	}
	if len(clean) == 0 {
		return Policy{}, nil
	}
	csp := map[string][]*source{}
	duplicate := false
	for pi, policy := range clean {
		seen := map[string]bool{}
		for _, entry := range strings.Split(policy, ";") {
			fields := strings.Fields(entry)
			if len(fields) == 0 {
				continue
			}
			directive := strings.ToLower(fields[0])
			if seen[directive] {
				if directive != "report-uri" && directive != "report-to" {
					return nil, errors.New("duplicate directive " + directive)
				}
				duplicate = true
			}
			seen[directive] = true
			keep := pi == 0
			var values []*source
			for _, v := range fields[1:] {
				values = append(values, &source{value: strings.ToLower(v), index: pi, keep: keep})
			}
			if len(values) == 0 && strings.HasSuffix(directive, "-src") {
				values = append(values, &source{value: "'none'", index: pi, keep: keep})
			}
			combined := values
			if pi > 0 {
				combined = append(append([]*source(nil), csp[directive]...), values...)
			}
			sort.SliceStable(combined, func(i, j int) bool { return combined[i].value < combined[j].value })
			for i := 1; i < len(combined); i++ {
				s, prev := combined[i], combined[i-1]
				if s.index == prev.index && strings.HasPrefix(s.value, prev.value) {
					s.keep = false
				}
				if s.index != prev.index && pathPartMatch(prev.value, s.value) {
					s.keep = true
				}
			}
			var kept []*source
			for _, s := range combined {
				if s.keep {
					kept = append(kept, s)
				}
			}
			csp[directive] = kept
			if pi == 0 && len(clean) > 1 {
				for _, s := range kept {
					s.keep = false
				}
			}
		}
	}
	out := Policy{}
	for d, srcs := range csp {
		set := map[string]bool{}
		for _, s := range srcs {
			set[s.value] = true
		}
		if len(set) == 0 {
			set["'none'"] = true
		}
		out[d] = set
	}
	if duplicate {
		out[duplicateKey] = map[string]bool{}
	}
	return out, nil
}

func pathPartMatch(a, b string) bool {
	if a == "" || (a == "/" && b == "") {
		return true
	}
	exact := !strings.HasSuffix(a, "/")
	pa, pb := strings.Split(a, "/"), strings.Split(b, "/")
	if len(pa) > len(pb) || (exact && len(pa) != len(pb)) {
		return false
	}
	if !exact {
		pa = pa[:len(pa)-1]
	}
	for i := range pa {
		x, err1 := url.PathUnescape(pa[i])
		y, err2 := url.PathUnescape(pb[i])
		if err1 != nil || err2 != nil || x != y {
			return false
		}
	}
	return true
}

var (
	dangerouslyBroad = map[string]bool{"ftp:": true, "http:": true, "https:": true, "*": true,
		"http://*": true, "http://*.*": true, "https://*": true, "https://*.*": true}
	unsafeInline = map[string]bool{"'unsafe-inline'": true, "data:": true}
)

func broadOrInline(s string) bool { return dangerouslyBroad[s] || unsafeInline[s] }

type cspOutcome struct {
	result string
	// policy is the combined policy when the test reached its end, nil
	// otherwise (as the Observatory's output data).
	policy Policy
}

func hasNonceOrHash(set map[string]bool) bool {
	for s := range set {
		for _, p := range []string{"'sha256-", "'sha384-", "'sha512-", "'nonce-"} {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
	}
	return false
}

func (g *grader) csp() cspOutcome {
	header := headers(g.auto, "Content-Security-Policy")
	if len(header) > 1 {
		// Node joins repeated fields with ", " before the Observatory reads them.
		header = []string{strings.Join(header, ", ")}
	}
	meta := g.in.Meta.CSP
	csp, err := ParseCSP(append(append([]string(nil), header...), meta...))
	if err != nil {
		return cspOutcome{result: "csp-header-invalid"}
	}
	httpOnly, err := ParseCSP(header)
	if err != nil {
		httpOnly = Policy{}
	}
	metaOnly, err := ParseCSP(meta)
	if err != nil {
		metaOnly = Policy{}
	}
	for _, d := range []string{"frame-ancestors", "report-uri", "sandbox"} {
		delete(metaOnly, d)
	}
	if len(httpOnly)+len(metaOnly) == 0 {
		if first(g.auto, "Content-Security-Policy-Report-Only") != "" {
			return cspOutcome{result: "csp-not-implemented-but-reporting-enabled"}
		}
		return cspOutcome{result: "csp-not-implemented"}
	}
	result := ""
	set := func(r string) {
		if result == "" {
			result = r
		}
	}
	orDefault := func(d string) map[string]bool {
		if s := csp[d]; s != nil {
			return s
		}
		if s := csp["default-src"]; s != nil {
			return s
		}
		return map[string]bool{"*": true}
	}
	objectSrc, scriptSrc, styleSrc := orDefault("object-src"), orDefault("script-src"), orDefault("style-src")
	for _, s := range []map[string]bool{scriptSrc, styleSrc} {
		if hasNonceOrHash(s) && s["'unsafe-inline'"] {
			delete(s, "'unsafe-inline'")
		}
	}
	if hasNonceOrHash(scriptSrc) && scriptSrc["'strict-dynamic'"] {
		for s := range scriptSrc {
			broad := false
			for b := range dangerouslyBroad {
				broad = broad || strings.HasPrefix(s, b)
			}
			if broad || s == "'self'" || s == "'unsafe-inline'" {
				delete(scriptSrc, s)
			}
		}
	} else if scriptSrc["'strict-dynamic'"] {
		set("csp-header-invalid")
	}
	var active, passive []string
	for d, srcs := range csp {
		if d == "img-src" || d == "media-src" || d == "script-src" || d == duplicateKey {
			continue
		}
		for s := range srcs {
			active = append(active, s)
		}
	}
	for s := range scriptSrc {
		active = append(active, s)
	}
	for _, d := range []string{"img-src", "media-src"} {
		srcs := csp[d]
		if srcs == nil {
			srcs = csp["default-src"]
		}
		for s := range srcs {
			passive = append(passive, s)
		}
	}
	insecure := func(list []string) bool {
		for _, s := range list {
			if strings.HasPrefix(s, "http:") || strings.HasPrefix(s, "ftp:") {
				return true
			}
		}
		return false
	}
	anyOf := func(set map[string]bool, f func(string) bool) bool {
		for s := range set {
			if f(s) {
				return true
			}
		}
		return false
	}
	secure := g.in.HTTPS != nil
	if anyOf(scriptSrc, broadOrInline) || anyOf(objectSrc, func(s string) bool { return dangerouslyBroad[s] }) {
		set("csp-implemented-with-unsafe-inline")
	}
	if secure && insecure(active) {
		set("csp-implemented-with-insecure-scheme")
	}
	if scriptSrc["'unsafe-eval'"] || styleSrc["'unsafe-eval'"] {
		set("csp-implemented-with-unsafe-eval")
	}
	if secure && insecure(passive) {
		set("csp-implemented-with-insecure-scheme-in-passive-content-only")
	}
	if anyOf(styleSrc, broadOrInline) {
		set("csp-implemented-with-unsafe-inline-in-style-src-only")
	}
	if d := csp["default-src"]; d != nil && d["'none'"] && len(d) == 1 {
		set("csp-implemented-with-no-unsafe-default-src-none")
	} else {
		set("csp-implemented-with-no-unsafe")
	}
	if passes["content-security-policy"](result) && csp[duplicateKey] != nil {
		result = "csp-implemented-but-duplicate-directives"
	}
	delete(csp, duplicateKey)
	return cspOutcome{result: result, policy: csp}
}
