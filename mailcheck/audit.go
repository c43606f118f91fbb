package mailcheck

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"

	"vigie/dnsq"
	"vigie/fetch"
	"vigie/observation"
	"vigie/tlsprobe"
)

// CommonSelectors are the DKIM selectors asked for every domain: the
// defaults of common mail software and services (OpenDKIM, Microsoft 365,
// Google Workspace, Mailchimp/Mandrill, Amazon SES-style s1/s2, …).
var CommonSelectors = []string{
	"default", "selector1", "selector2", "google", "k1", "k2", "k3",
	"mail", "dkim", "s1", "s2", "mandrill", "smtp", "mx", "sig1", "key1",
}

// MaxExchangers bounds the MX hosts whose STARTTLS is probed.
const MaxExchangers = 10

// DomainTimeout bounds the whole examination of one domain.
const DomainTimeout = 3 * time.Minute

// Options configure an Auditor.
type Options struct {
	// DNS asks the questions (the --dns server, or the system's).
	DNS *dnsq.Client
	// Fetch is the fetcher's configuration for the MTA-STS policy and the
	// SMTP connections: --resolve, --connect-to, --ca-cert and the
	// timeout apply. With DNS.Server set, the hosts it connects to are
	// resolved with DNS unless Fetch routes them already.
	Fetch fetch.Options
	// Selectors are DKIM selectors asked besides CommonSelectors.
	Selectors []string
	// HELO is the name sent with EHLO (default "vigie.invalid").
	HELO string
	// SMTPPort is the port of the MX hosts (default 25); --connect-to
	// routes it elsewhere in tests.
	SMTPPort int
	// Timeout bounds each SMTP dialogue and TLS handshake (default 10s).
	Timeout time.Duration
	// NoTLSProbe skips the TLS audit after STARTTLS (STARTTLS offered or
	// not is still asked).
	NoTLSProbe bool
}

// Auditor examines mail domains. It is safe for concurrent use and
// examines each domain once (a scan's sites often share one).
type Auditor struct {
	o    Options
	mu   sync.Mutex
	done map[string]*pending
}

type pending struct {
	ready chan struct{}
	md    *observation.MailDomain
}

// New returns an Auditor with o's defaults filled in.
func New(o Options) *Auditor {
	if o.DNS == nil {
		o.DNS = &dnsq.Client{}
	}
	if o.HELO == "" {
		o.HELO = "vigie.invalid"
	}
	if o.SMTPPort == 0 {
		o.SMTPPort = 25
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	return &Auditor{o: o, done: map[string]*pending{}}
}

// NormaliseDomain returns domain in lower case without a trailing dot,
// or an error when it is not a host name.
func NormaliseDomain(domain string) (string, error) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if d == "" || strings.ContainsAny(d, " /:@") || !strings.Contains(d, ".") {
		return "", fmt.Errorf("%q is not a domain name", domain)
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return "", fmt.Errorf("%q is an IP address, not a domain name", domain)
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 {
			return "", fmt.Errorf("%q is not a domain name", domain)
		}
	}
	return d, nil
}

// RegistrableDomain returns host's registrable domain (public suffix plus
// one label), "" when it has none (an IP address, a bare suffix).
func RegistrableDomain(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	return d
}

// Audit examines domain; a domain already examined by this Auditor is
// not asked again. Failures are recorded in the result, never returned.
func (a *Auditor) Audit(ctx context.Context, domain string) *observation.MailDomain {
	a.mu.Lock()
	p, seen := a.done[domain]
	if !seen {
		p = &pending{ready: make(chan struct{})}
		a.done[domain] = p
	}
	a.mu.Unlock()
	if seen {
		select {
		case <-p.ready:
			return p.md
		case <-ctx.Done():
			return &observation.MailDomain{Domain: domain, Error: ctx.Err().Error()}
		}
	}
	p.md = a.audit(ctx, domain)
	close(p.ready)
	return p.md
}

func (a *Auditor) audit(ctx context.Context, domain string) *observation.MailDomain {
	ctx, cancel := context.WithTimeout(ctx, DomainTimeout)
	defer cancel()
	md := &observation.MailDomain{Domain: domain, OrgDomain: RegistrableDomain(domain), Time: time.Now().UTC()}
	if md.OrgDomain == "" {
		md.OrgDomain = domain
	}
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	run(func() { a.mx(ctx, md) })
	run(func() { a.spf(ctx, md) })
	run(func() { a.dmarc(ctx, md) })
	run(func() { a.dkim(ctx, md) })
	run(func() { a.tlsrpt(ctx, md) })
	run(func() { a.dnssec(ctx, md) })
	var sts observation.MTASTS
	run(func() { sts = a.mtaSTSRecord(ctx, domain) })
	wg.Wait()
	if md.MX.Failed && md.SPF.Failed && md.DMARC.Failed {
		md.Error = "no DNS server answered for " + domain
	}
	if nxdomain(md.MX.Answers) && nxdomain(md.SPF.Answers) {
		// A name that does not exist publishes no policy to judge.
		md.Error = domain + " does not exist (NXDOMAIN)"
	}
	if md.Error != "" {
		return md
	}
	// The connections need the MX names (and, with --dns, their
	// addresses) first.
	client, routes, err := a.client(ctx, md, sts.Record != "")
	if err != nil {
		md.Error = err.Error()
		md.MTASTS = sts
		return md
	}
	defer client.Close()
	if sts.Record != "" {
		a.mtaSTSPolicy(ctx, client, domain, &sts, md.MX.Hosts)
	}
	md.MTASTS = sts
	a.exchangers(ctx, client, md, routes)
	return md
}

// nxdomain reports whether the first answer says the name does not
// exist.
func nxdomain(as []dnsq.Answer) bool { return len(as) > 0 && as[0].RCode == "NXDOMAIN" }

// query asks one question; failed is set when no usable answer came
// (an error, or an rcode other than NOERROR and NXDOMAIN).
func (a *Auditor) query(ctx context.Context, name, qtype string) (ans *dnsq.Answer, failed bool) {
	ans, err := a.o.DNS.Query(ctx, name, qtype)
	if err != nil {
		return nil, true
	}
	return ans, ans.RCode != "NOERROR" && ans.RCode != "NXDOMAIN"
}

// txt returns the TXT strings of name that start with prefix (case
// folded), the answer, and whether the question failed.
func (a *Auditor) txt(ctx context.Context, name, prefix string) ([]string, *dnsq.Answer, bool) {
	ans, failed := a.query(ctx, name, "TXT")
	if ans == nil || failed {
		return nil, ans, true
	}
	var out []string
	for _, v := range ans.Values("TXT") {
		if hasPrefixFold(v, prefix) {
			out = append(out, v)
		}
	}
	return out, ans, false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func keep(list *[]dnsq.Answer, a *dnsq.Answer) {
	if a != nil {
		*list = append(*list, *a)
	}
}

func (a *Auditor) mx(ctx context.Context, md *observation.MailDomain) {
	ans, failed := a.query(ctx, md.Domain, "MX")
	keep(&md.MX.Answers, ans)
	if failed {
		md.MX.Failed = true
		return
	}
	type mx struct {
		pref int
		host string
	}
	var list []mx
	for _, v := range ans.Values("MX") {
		f := strings.Fields(v)
		if len(f) != 2 {
			continue
		}
		pref, _ := strconv.Atoi(f[0])
		host := strings.TrimSuffix(strings.ToLower(f[1]), ".")
		if host == "" {
			md.MX.Null = true
			continue
		}
		list = append(list, mx{pref, host})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].pref != list[j].pref {
			return list[i].pref < list[j].pref
		}
		return list[i].host < list[j].host
	})
	for _, m := range list {
		if !slices.Contains(md.MX.Hosts, m.host) {
			md.MX.Hosts = append(md.MX.Hosts, m.host)
		}
	}
}

func (a *Auditor) tlsrpt(ctx context.Context, md *observation.MailDomain) {
	recs, ans, failed := a.txt(ctx, "_smtp._tls."+md.Domain, "v=TLSRPTv1")
	keep(&md.TLSRPT.Answers, ans)
	md.TLSRPT.Failed = failed
	if len(recs) == 1 {
		md.TLSRPT.Record = recs[0]
	}
}

// dnssec asks the DNSKEY of the domain, then of its registrable domain
// when the domain is not a zone apex.
func (a *Auditor) dnssec(ctx context.Context, md *observation.MailDomain) {
	zones := []string{md.Domain}
	if md.OrgDomain != md.Domain {
		zones = append(zones, md.OrgDomain)
	}
	for _, z := range zones {
		ans, failed := a.query(ctx, z, "DNSKEY")
		keep(&md.DNSSEC.Answers, ans)
		if failed {
			md.DNSSEC.Failed = true
			return
		}
		md.DNSSEC.Zone = z
		if len(ans.Values("DNSKEY")) > 0 {
			md.DNSSEC.Signed = len(ans.Values("RRSIG")) > 0
			return
		}
	}
}

// route says where the fetch options send host:port: routed when
// --resolve or a --connect-to naming another host decides the address;
// otherwise the port a --connect-to entry keeping the host moves it to
// (port itself without one), whose address is still to be found.
func route(o fetch.Options, host string, port int) (routed bool, to int) {
	to = port
	for _, s := range o.ConnectTo {
		if e, err := fetch.ParseConnectTo(s); err == nil && (e.Host == "" || e.Host == host) && (e.Port == 0 || e.Port == port) {
			if e.ToHost != "" {
				return true, port
			}
			if e.ToPort != 0 {
				to = e.ToPort
			}
			break // the first matching entry wins, as in fetch
		}
	}
	for _, s := range o.Resolve {
		if e, err := fetch.ParseResolve(s); err == nil && (e.Host == host || e.Host == "*") && e.Port == to {
			return true, to
		}
	}
	return false, to
}

// client returns a fetcher for the domain's connections. With a --dns
// server, the MX hosts and the MTA-STS host are resolved by it (answers
// kept, by host) unless the options route them already.
func (a *Auditor) client(ctx context.Context, md *observation.MailDomain, sts bool) (*fetch.Client, map[string][]dnsq.Answer, error) {
	o := a.o.Fetch
	o.Resolve = slices.Clone(o.Resolve)
	routes := map[string][]dnsq.Answer{}
	if a.o.DNS.Server != "" {
		type hp struct {
			host string
			port int
		}
		var hosts []hp
		for i, h := range md.MX.Hosts {
			if i < MaxExchangers {
				hosts = append(hosts, hp{h, a.o.SMTPPort})
			}
		}
		if sts {
			hosts = append(hosts, hp{"mta-sts." + md.Domain, 443})
		}
		for _, h := range hosts {
			routed, port := route(o, h.host, h.port)
			if routed {
				continue
			}
			var addrs []string
			for _, t := range []string{"A", "AAAA"} {
				ans, failed := a.query(ctx, h.host, t)
				if ans != nil {
					routes[h.host] = append(routes[h.host], *ans)
				}
				if !failed {
					for _, v := range ans.Values(t) {
						if ip, err := netip.ParseAddr(v); err == nil {
							addrs = append(addrs, ip.String())
						}
					}
				}
			}
			if len(addrs) > 0 {
				for i, ad := range addrs {
					if strings.Contains(ad, ":") {
						addrs[i] = "[" + ad + "]"
					}
				}
				o.Resolve = append(o.Resolve, h.host+":"+strconv.Itoa(port)+":"+strings.Join(addrs, ","))
			}
		}
	}
	c, err := fetch.New(o)
	if err != nil {
		return nil, nil, fmt.Errorf("mail %s: %w", md.Domain, err)
	}
	return c, routes, nil
}

// exchangers asks each MX host (at most MaxExchangers) for STARTTLS and
// audits its TLS.
func (a *Auditor) exchangers(ctx context.Context, client *fetch.Client, md *observation.MailDomain, routes map[string][]dnsq.Answer) {
	hosts := md.MX.Hosts
	if len(hosts) > MaxExchangers {
		hosts = hosts[:MaxExchangers]
	}
	md.Exchangers = make([]observation.MailExchanger, len(hosts))
	timeout := a.o.Timeout
	prober := tlsprobe.New(tlsprobe.Options{
		Dial:        tlsprobe.STARTTLSDialer(client.DialContext, a.o.HELO, timeout),
		RootCAs:     client.RootCAs(),
		Timeout:     timeout,
		Concurrency: 2, // mail servers count connections per client
		NoShare:     true,
	})
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex := observation.MailExchanger{Host: h, Port: a.o.SMTPPort, Answers: routes[h]}
			addr := net.JoinHostPort(h, strconv.Itoa(a.o.SMTPPort))
			s, err := tlsprobe.SMTPHello(ctx, client.DialContext, addr, a.o.HELO, timeout)
			if err != nil {
				ex.Error = err.Error()
				md.Exchangers[i] = ex
				return
			}
			ex.Banner, ex.Extensions, ex.STARTTLS = s.Banner, s.Extensions, s.STARTTLS
			if s.STARTTLS && !a.o.NoTLSProbe {
				rep, _ := prober.Probe(ctx, h, a.o.SMTPPort)
				ex.TLS = rep
			}
			md.Exchangers[i] = ex
		}()
	}
	wg.Wait()
}
