package mailcheck

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"blitiri.com.ar/go/spf"

	"vigie/observation"
)

// Thresholds of mail.spf-permissive for the ip4 and ip6 mechanisms of a
// domain's own record: a prefix shorter than /16 (more than 65,536 IPv4
// addresses) or than /32 (more than a whole ISP allocation of IPv6)
// authorises far more machines than any organisation's mail servers.
// The includes of mail providers, which list their own large ranges,
// are not judged.
const (
	BroadIPv4Prefix = 16
	BroadIPv6Prefix = 32
)

// maxWalk bounds the lookups the counting walk makes, whatever the
// records say (loops, very long chains).
const maxWalk = 30

// evaluationIP is the address SPF is evaluated for: in the discard-only
// prefix of RFC 6666, which no sender uses, so evaluation walks every
// mechanism and ends with what an unlisted sender gets.
var evaluationIP = net.ParseIP("100::1")

func (a *Auditor) spf(ctx context.Context, md *observation.MailDomain) {
	s := &md.SPF
	recs, ans, failed := a.txt(ctx, md.Domain, "v=spf1")
	keep(&s.Answers, ans)
	if failed {
		s.Failed = true
		return
	}
	var own []string
	for _, r := range recs {
		if strings.EqualFold(r, "v=spf1") || hasPrefixFold(r, "v=spf1 ") {
			own = append(own, r)
		}
	}
	s.Count = len(own)
	if s.Count == 0 {
		return
	}
	s.Record = own[0]
	if s.Count > 1 {
		s.Result, s.Error = string(spf.PermError), "more than one SPF record (RFC 7208 §4.5)"
		return
	}
	terms := strings.Fields(s.Record)[1:]
	s.Syntax = syntaxErrors(terms)
	s.All = allTerm(terms)
	s.Broad = broadRanges(terms)
	s.DeniesAll = len(terms) == 1 && strings.EqualFold(terms[0], "-all")

	w := &walk{a: a, ctx: ctx, seen: map[string]bool{md.Domain: true}}
	w.terms(md.Domain, terms, 0)
	s.Lookups, s.VoidLookups = w.lookups, w.voids
	s.Answers = append(s.Answers, w.answers...)

	res, err := spf.CheckHostWithSender(evaluationIP, "vigie.invalid", "postmaster@"+md.Domain,
		spf.WithResolver(absoluteResolver{a.o.DNS.Resolver()}), spf.WithContext(ctx))
	s.Result = string(res)
	if err != nil && (res == spf.PermError || res == spf.TempError) {
		s.Error = err.Error()
	}
}

// syntaxErrors returns the terms RFC 7208's grammar (§4.6.1, §5, §6)
// does not allow, and a second redirect or exp modifier.
func syntaxErrors(terms []string) []string {
	var bad []string
	mods := map[string]int{}
	for _, t := range terms {
		if i := strings.IndexByte(t, '='); i > 0 && !strings.ContainsAny(t[:i], ":/") {
			name := strings.ToLower(t[:i])
			if !validModifierName(name) {
				bad = append(bad, t)
				continue
			}
			mods[name]++
			if (name == "redirect" || name == "exp") && (mods[name] > 1 || t[i+1:] == "") {
				bad = append(bad, t)
			}
			continue
		}
		if !validDirective(t) {
			bad = append(bad, t)
		}
	}
	return bad
}

func validModifierName(n string) bool {
	for i, c := range n {
		alpha := c >= 'a' && c <= 'z'
		if !(alpha || i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
			return false
		}
	}
	return n != ""
}

func splitQualifier(t string) (string, string) {
	if t != "" && strings.ContainsRune("+-~?", rune(t[0])) {
		return t[:1], t[1:]
	}
	return "+", t
}

func validDirective(t string) bool {
	_, m := splitQualifier(t)
	cut := strings.IndexAny(m, ":/")
	if cut < 0 {
		cut = len(m)
	}
	name, rest := strings.ToLower(m[:cut]), m[cut:]
	arg, hasArg := strings.CutPrefix(rest, ":")
	switch name {
	case "all":
		return rest == ""
	case "include", "exists":
		return hasArg && validDomainSpec(arg)
	case "ptr":
		return rest == "" || hasArg && validDomainSpec(arg)
	case "ip4", "ip6":
		_, ok := parseIPMechanism(name, arg)
		return hasArg && ok
	case "a", "mx":
		cidr := rest
		if hasArg {
			d := arg
			if i := strings.IndexByte(arg, '/'); i >= 0 {
				d, cidr = arg[:i], arg[i:]
			} else {
				cidr = ""
			}
			if !validDomainSpec(d) {
				return false
			}
		}
		return validDualCIDR(cidr)
	}
	return false
}

// validDualCIDR checks "", "/n", "//m" or "/n//m".
func validDualCIDR(s string) bool {
	if s == "" {
		return true
	}
	v4, v6, _ := strings.Cut(s[1:], "//")
	if strings.HasPrefix(s, "//") {
		v4, v6 = "", s[2:]
	}
	ok := func(p string, max int) bool {
		if p == "" {
			return true
		}
		n, err := strconv.Atoi(p)
		return err == nil && n >= 0 && n <= max && (p == "0" || p[0] != '0')
	}
	return ok(v4, 32) && ok(v6, 128)
}

// validDomainSpec accepts a domain name, macros allowed (expanded by the
// evaluator, not here).
func validDomainSpec(d string) bool {
	if d == "" || strings.ContainsAny(d, " /") {
		return false
	}
	if strings.Contains(d, "%") {
		return true
	}
	d = strings.TrimSuffix(d, ".")
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return false
		}
	}
	return true
}

// parseIPMechanism parses the argument of ip4 or ip6.
func parseIPMechanism(name, arg string) (netip.Prefix, bool) {
	addr, bits, hasBits := strings.Cut(arg, "/")
	ip, err := netip.ParseAddr(addr)
	if err != nil || (name == "ip4") != ip.Is4() || ip.Zone() != "" {
		return netip.Prefix{}, false
	}
	n := ip.BitLen()
	if hasBits {
		v, err := strconv.Atoi(bits)
		if err != nil || v < 0 || v > ip.BitLen() || (bits != "0" && bits[0] == '0') {
			return netip.Prefix{}, false
		}
		n = v
	}
	return netip.PrefixFrom(ip, n), true
}

// allTerm returns the record's all mechanism with its qualifier.
func allTerm(terms []string) string {
	for _, t := range terms {
		q, m := splitQualifier(t)
		if strings.EqualFold(m, "all") {
			return q + "all"
		}
	}
	return ""
}

// broadRanges returns the passing ip4/ip6 mechanisms wider than the
// thresholds.
func broadRanges(terms []string) []string {
	var out []string
	for _, t := range terms {
		q, m := splitQualifier(t)
		name, arg, _ := strings.Cut(m, ":")
		name = strings.ToLower(name)
		if q != "+" || (name != "ip4" && name != "ip6") {
			continue
		}
		p, ok := parseIPMechanism(name, arg)
		if !ok {
			continue
		}
		if (p.Addr().Is4() && p.Bits() < BroadIPv4Prefix) || (p.Addr().Is6() && p.Bits() < BroadIPv6Prefix) {
			out = append(out, t)
		}
	}
	return out
}

// absoluteResolver asks names as absolute (with a final dot): the names
// of SPF records are, and a search list from resolv.conf must not turn
// a missing include into a question about another domain.
type absoluteResolver struct{ r *net.Resolver }

func abs(name string) string {
	if strings.HasSuffix(name, ".") {
		return name
	}
	return name + "."
}

func (a absoluteResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return a.r.LookupTXT(ctx, abs(name))
}

func (a absoluteResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return a.r.LookupMX(ctx, abs(name))
}

func (a absoluteResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	return a.r.LookupIPAddr(ctx, abs(host))
}

func (a absoluteResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return a.r.LookupAddr(ctx, addr)
}
