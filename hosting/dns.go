package hosting

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"

	"vigie/dnsq"
	"vigie/observation"
)

// maxCNAMEs bounds the alias chain followed.
const maxCNAMEs = 8

// resolve asks DNS for the A and AAAA records of host, following its
// CNAME chain, and for the NS and MX records of its registrable domain,
// keeping every answer in h.DNS.
func resolve(ctx context.Context, c *dnsq.Client, host string, h *observation.Hosting) []netip.Addr {
	h.DNSServer = c.Server
	ask := func(name, t string) *dnsq.Answer {
		a, err := c.Query(ctx, name, t)
		if err != nil {
			if h.Error == "" {
				h.Error = err.Error()
			}
			return nil
		}
		h.DNS = append(h.DNS, answerOf(a))
		return a
	}
	var addrs []netip.Addr
	name := host
	seen := map[string]bool{name: true}
	for hop := 0; hop <= maxCNAMEs; hop++ {
		a := ask(name, "A")
		if a == nil {
			return nil
		}
		if a.RCode != "NOERROR" {
			h.Error = a.RCode + " for " + name
			return nil
		}
		// The answer holds the chain from name, then the addresses of
		// its end when the server knows them.
		next := name
		for {
			target := ""
			for _, r := range a.Records {
				if r.Type == "CNAME" && strings.EqualFold(r.Name, next) {
					target = strings.ToLower(strings.TrimSuffix(r.Data, "."))
				}
			}
			if target == "" || seen[target] {
				break
			}
			seen[target] = true
			h.CNAMEs = append(h.CNAMEs, target)
			next = target
		}
		for _, r := range a.Records {
			if r.Type == "A" && strings.EqualFold(r.Name, next) {
				if ip, err := netip.ParseAddr(r.Data); err == nil {
					addrs = append(addrs, ip)
				}
			}
		}
		if len(addrs) > 0 || next == name {
			name = next
			break
		}
		name = next // the server gave the alias only: ask for its end
	}
	if a := ask(name, "AAAA"); a != nil && a.RCode == "NOERROR" {
		for _, r := range a.Records {
			if r.Type == "AAAA" && strings.EqualFold(r.Name, name) {
				if ip, err := netip.ParseAddr(r.Data); err == nil {
					addrs = append(addrs, ip)
				}
			}
		}
	}
	zone := host
	if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		zone = reg
	}
	if a := ask(zone, "NS"); a != nil {
		h.NS = values(a, "NS")
	}
	if a := ask(zone, "MX"); a != nil {
		h.MX = values(a, "MX")
	}
	slices.SortFunc(addrs, func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(addrs)
}

func values(a *dnsq.Answer, t string) []string {
	var out []string
	for _, v := range a.Values(t) {
		out = append(out, strings.TrimSuffix(v, "."))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// answerOf copies a DNS answer into the observation's form.
func answerOf(a *dnsq.Answer) observation.DNSAnswer {
	o := observation.DNSAnswer{Name: a.Name, Type: a.Type, Server: a.Server, Time: a.Time, RCode: a.RCode, Wire: a.Wire}
	for _, r := range a.Records {
		o.Records = append(o.Records, r.Name+" "+strconv.FormatUint(uint64(r.TTL), 10)+" "+r.Type+" "+r.Data)
	}
	return o
}
