package hosting

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"vigie/dnsq"
	"vigie/observation"
)

// Judge looks up where hosts are served from. Its zero value judges
// nothing; it is safe for concurrent use once built.
type Judge struct {
	// DNS asks the questions; nil means no DNS lookups at all (the scan
	// then records no hosting).
	DNS *dnsq.Client
	// DB gives each address its AS and country; nil leaves them unknown
	// (and no jurisdiction is judged).
	DB *DB
	// HDS is the list of certified health-data hosts (DefaultHDSList
	// when nil).
	HDS *HDSList
	// Providers and Jurisdictions default to the shipped lists.
	Providers     []Provider
	Jurisdictions *Jurisdictions
}

// Signals are what a site's own responses tell of its host.
type Signals struct {
	// Header is the response header of the site's entry page.
	Header http.Header
	// Leaf is the DER certificate the site presented, nil over HTTP.
	Leaf []byte
}

// SignalsOf returns the signals of a site's HTTPS root probe (or its
// HTTP one).
func SignalsOf(site *observation.Site) Signals {
	var s Signals
	for _, p := range []*observation.Probe{site.HTTPS, site.HTTP} {
		if !p.OK() {
			continue
		}
		s.Header = p.Header
		if p.TLS != nil && len(p.TLS.Chain) > 0 {
			s.Leaf = p.TLS.Chain[0]
		}
		break
	}
	return s
}

// Examine asks DNS where host is served from and judges the answers with
// the dataset, the provider list, the HDS list and the signals. It
// returns nil when the judge has no DNS client.
func (j *Judge) Examine(ctx context.Context, host string, sig Signals) *observation.Hosting {
	if j == nil || j.DNS == nil {
		return nil
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	h := &observation.Hosting{Host: host, Datasets: j.DB.Datasets()}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip} // an address typed as the target
	} else {
		addrs = resolve(ctx, j.DNS, host, h)
	}
	for _, ip := range addrs {
		a := observation.HostAddress{IP: ip.String()}
		if special(ip) {
			a.Special = true
		} else {
			j.DB.Lookup(ip, &a)
		}
		h.Addresses = append(h.Addresses, a)
	}
	j.judge(h, sig)
	return h
}

// special reports addresses no public dataset describes: loopback,
// private, link-local, shared, documentation and the like.
func special(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return true
	}
	for _, p := range specialPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

var specialPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (CGNAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// match is one provider and what named it.
type match struct {
	p     *Provider
	clues []string
	byASN bool
}

// judge names the provider, says whether a CDN hides the origin, and
// judges the jurisdiction and the HDS listing of h's addresses.
func (j *Judge) judge(h *observation.Hosting, sig Signals) {
	providers := j.Providers
	if providers == nil {
		providers = Providers()
	}
	hds := j.HDS
	if hds == nil {
		hds = DefaultHDSList()
	}
	jur := j.Jurisdictions
	if jur == nil {
		jur = DefaultJurisdictions()
	}
	if len(h.Addresses) == 0 {
		return
	}
	// A site on loopback or a private network: nothing public to judge.
	for _, a := range h.Addresses {
		if a.Special {
			return
		}
	}

	matches := map[string]*match{}
	var order []string
	note := func(p *Provider, clue string, byASN bool) {
		m := matches[p.ID]
		if m == nil {
			m = &match{p: p}
			matches[p.ID] = m
			order = append(order, p.ID)
		}
		if !slices.Contains(m.clues, clue) {
			m.clues = append(m.clues, clue)
		}
		m.byASN = m.byASN || byASN
	}
	// Every address must be one provider's for the AS to name it.
	var asProvider *Provider
	asAgree := true
	for _, a := range h.Addresses {
		var found *Provider
		for i := range providers {
			if a.ASN != 0 && slices.Contains(providers[i].ASNs, a.ASN) {
				found = &providers[i]
				break
			}
		}
		if found == nil || asProvider != nil && asProvider.ID != found.ID {
			asAgree = false
			continue
		}
		asProvider = found
	}
	if asAgree && asProvider != nil {
		note(asProvider, "as:"+utoa(h.Addresses[0].ASN), true)
	}
	for _, name := range h.CNAMEs {
		for i := range providers {
			for _, suf := range providers[i].CNAMESuffixes {
				if name == suf || strings.HasSuffix(name, "."+suf) {
					note(&providers[i], "cname:"+suf, false)
				}
			}
		}
	}
	for i := range providers {
		for _, hc := range providers[i].Headers {
			v, ok := headerValue(sig.Header, hc.Name)
			if ok && (hc.Value == "" || strings.Contains(strings.ToLower(v), strings.ToLower(hc.Value))) {
				note(&providers[i], "header:"+strings.ToLower(hc.Name), false)
			}
		}
	}
	if issuer := issuerOf(sig.Leaf); issuer != "" {
		for i := range providers {
			for _, is := range providers[i].Issuers {
				if strings.Contains(strings.ToLower(issuer), strings.ToLower(is)) {
					note(&providers[i], "issuer:"+issuer, false)
				}
			}
		}
	}

	// A CDN named by its AS, a CNAME or a header of its own hides the
	// origin, unless the addresses belong to another company's non-CDN
	// network (a header passed through from upstream).
	var cdn, host *match
	for _, id := range order {
		m := matches[id]
		if m.p.CDN && cdn == nil {
			cdn = m
		}
		if !m.p.CDN && m.byASN {
			host = m
		}
	}
	if cdn != nil && (host == nil || host.p.Company == cdn.p.Company || cdn.byASN || hasCNAME(cdn.clues)) {
		h.Provider, h.ProviderName, h.Clues = cdn.p.ID, cdn.p.Name, cdn.clues
		h.CDN, h.OriginHidden = true, true
		return
	}
	if host == nil {
		// No AS names a provider: a CNAME to a cloud's service may.
		for _, id := range order {
			if m := matches[id]; !m.p.CDN && hasCNAME(m.clues) {
				host = m
				break
			}
		}
	}
	if host != nil {
		h.Provider, h.ProviderName, h.Clues = host.p.ID, host.p.Name, host.clues
		for _, id := range order {
			if m := matches[id]; m != host && !m.p.CDN && m.p.Company == host.p.Company {
				h.Clues = append(h.Clues, m.clues...)
			}
		}
	}

	// The HDS list may name a host the provider list does not know.
	var asn uint32
	if asAgree {
		asn = h.Addresses[0].ASN
	}
	switch e := hds.entryFor(h.Provider, asn); {
	case e != nil:
		h.HDS, h.HDSEntry = HDSListed, e.Name
		if h.Provider == "" {
			h.ProviderName = e.Name
			h.Clues = append(h.Clues, "as:"+utoa(asn)+" (HDS list)")
		}
	case h.Provider != "":
		h.HDS = HDSNotListed
	}

	// The jurisdiction of the addresses, when the dataset knows every one.
	worst := ""
	rank := map[string]int{JurisdictionEEA: 0, JurisdictionAdequacy: 1, JurisdictionPartial: 2, JurisdictionOutside: 3}
	for _, a := range h.Addresses {
		if a.Country == "" {
			h.Countries = nil
			return
		}
		if !slices.Contains(h.Countries, a.Country) {
			h.Countries = append(h.Countries, a.Country)
		}
		if k, _ := jur.Of(a.Country); worst == "" || rank[k] > rank[worst] {
			worst = k
		}
	}
	slices.Sort(h.Countries)
	h.Jurisdiction = worst
}

func hasCNAME(clues []string) bool {
	for _, c := range clues {
		if strings.HasPrefix(c, "cname:") {
			return true
		}
	}
	return false
}

func headerValue(h http.Header, name string) (string, bool) {
	if h == nil {
		return "", false
	}
	vs, ok := h[http.CanonicalHeaderKey(name)]
	if !ok {
		return "", false
	}
	return strings.Join(vs, ", "), true
}

// issuerOf returns the organisation (or common name) of the issuer of a
// DER certificate, "" when it cannot be read.
func issuerOf(der []byte) string {
	if len(der) == 0 {
		return ""
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return ""
	}
	if len(c.Issuer.Organization) > 0 {
		return c.Issuer.Organization[0]
	}
	return c.Issuer.CommonName
}
