// Package dnsq asks DNS questions for Vigie, of the system's resolver or of
// one server chosen with --dns, and keeps every answer with the server
// that gave it and the time, so that what a verdict relied on (a site's
// addresses, a domain's SPF or DMARC record) can be shown as evidence and
// asked again.
package dnsq

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// DefaultTimeout bounds one exchange with a server when Client.Timeout is
// zero.
const DefaultTimeout = 5 * time.Second

// Client asks DNS questions. The zero value asks the system's resolvers
// (those of /etc/resolv.conf) with DefaultTimeout.
type Client struct {
	// Server is the "ADDR:PORT" every question goes to (the --dns
	// option); empty for the system's resolvers.
	Server string
	// Timeout bounds one exchange (UDP, then TCP when the answer was
	// truncated); DefaultTimeout when zero.
	Timeout time.Duration
}

// Record is one resource record of an answer, in presentation form.
type Record struct {
	Name string `json:"name"`
	Type string `json:"type"`
	TTL  uint32 `json:"ttl"`
	// Data is the record's data as a zone file writes it (for TXT, the
	// strings joined without separator, as SPF and DMARC read them).
	Data string `json:"data"`
}

// Answer is what a server answered to one question.
type Answer struct {
	Name   string    `json:"name"`
	Type   string    `json:"type"`
	Server string    `json:"server"`
	Time   time.Time `json:"time"`
	// RCode is the response code ("NOERROR", "NXDOMAIN", "SERVFAIL"…).
	RCode string `json:"rcode"`
	// Authenticated is the AD flag: the resolver validated the answer
	// with DNSSEC (meaningful only from a validating resolver).
	Authenticated bool `json:"authenticated,omitempty"`
	// Records are the answer section's records, RRSIGs included (the
	// question asks with the DNSSEC OK bit).
	Records []Record `json:"records"`
	// Wire is the message as received, for evidence.
	Wire []byte `json:"-"`
}

// Values returns the data of the records of type t (a CNAME chain's
// records are skipped when t is not CNAME).
func (a *Answer) Values(t string) []string {
	var out []string
	for _, r := range a.Records {
		if r.Type == t {
			out = append(out, r.Data)
		}
	}
	return out
}

// Exists reports whether the name exists (NOERROR, with or without
// records of the type asked).
func (a *Answer) Exists() bool { return a.RCode == "NOERROR" }

// ErrNoServer is returned when no server is configured and the system
// has none either.
var ErrNoServer = errors.New("dnsq: no DNS server configured")

// Query asks the server for the records of type qtype ("A", "TXT", "MX",
// or a dns.Type* number's name) of name. A negative answer (NXDOMAIN, no
// records) is an Answer, not an error; an error means no server answered.
func (c *Client) Query(ctx context.Context, name, qtype string) (*Answer, error) {
	t, ok := dns.StringToType[strings.ToUpper(qtype)]
	if !ok {
		return nil, fmt.Errorf("dnsq: unknown record type %q", qtype)
	}
	servers, err := c.servers()
	if err != nil {
		return nil, err
	}
	fqdn := dns.Fqdn(name)
	m := new(dns.Msg)
	m.SetQuestion(fqdn, t)
	m.RecursionDesired = true
	m.SetEdns0(4096, true)

	var lastErr error
	for _, srv := range servers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		in, err := c.exchange(ctx, m, srv)
		if err != nil {
			lastErr = err
			continue
		}
		return newAnswer(strings.TrimSuffix(fqdn, "."), qtype, srv, in), nil
	}
	return nil, fmt.Errorf("dnsq: %s %s: %w", qtype, name, lastErr)
}

// exchange asks srv over UDP, and again over TCP when the answer was
// truncated.
func (c *Client) exchange(ctx context.Context, m *dns.Msg, srv string) (*dns.Msg, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	udp := &dns.Client{Net: "udp", Timeout: timeout, UDPSize: 4096}
	in, _, err := udp.ExchangeContext(ctx, m, srv)
	if err == nil && !in.Truncated {
		return in, nil
	}
	tcp := &dns.Client{Net: "tcp", Timeout: timeout}
	in, _, err = tcp.ExchangeContext(ctx, m, srv)
	if err != nil {
		return nil, fmt.Errorf("asking %s: %w", srv, err)
	}
	return in, nil
}

func newAnswer(name, qtype, srv string, in *dns.Msg) *Answer {
	a := &Answer{
		Name: name, Type: strings.ToUpper(qtype), Server: srv, Time: time.Now().UTC(),
		RCode: dns.RcodeToString[in.Rcode], Authenticated: in.AuthenticatedData,
	}
	if w, err := in.Pack(); err == nil {
		a.Wire = w
	}
	for _, rr := range in.Answer {
		a.Records = append(a.Records, record(rr))
	}
	return a
}

func record(rr dns.RR) Record {
	h := rr.Header()
	r := Record{Name: strings.TrimSuffix(h.Name, "."), Type: dns.TypeToString[h.Rrtype], TTL: h.Ttl}
	switch v := rr.(type) {
	case *dns.TXT:
		r.Data = strings.Join(v.Txt, "")
	default:
		// The presentation form without the header's name, TTL, class
		// and type.
		full := rr.String()
		hdr := h.String()
		r.Data = strings.TrimSpace(strings.TrimPrefix(full, hdr))
	}
	return r
}

// servers returns the "addr:port" servers to ask, in order.
func (c *Client) servers() ([]string, error) {
	if c.Server != "" {
		return []string{c.Server}, nil
	}
	cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil || len(cfg.Servers) == 0 {
		return nil, ErrNoServer
	}
	out := make([]string, 0, len(cfg.Servers))
	for _, s := range cfg.Servers {
		out = append(out, net.JoinHostPort(s, cfg.Port))
	}
	return out, nil
}

// Resolver returns a *net.Resolver whose lookups go to Server, for code
// that resolves through the standard library (dialers, DKIM key lookups);
// the default resolver when Server is empty.
func (c *Client) Resolver() *net.Resolver {
	if c == nil || c.Server == "" {
		return net.DefaultResolver
	}
	srv := c.Server
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			d := net.Dialer{Timeout: timeout}
			return d.DialContext(ctx, network, srv)
		},
	}
}

// ParseServer checks a --dns value: an IP address and a port. A bare
// address gets port 53.
func ParseServer(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if ip := net.ParseIP(strings.Trim(s, "[]")); ip != nil {
			return net.JoinHostPort(ip.String(), "53"), nil
		}
		return "", fmt.Errorf("--dns %q: want ADDR:PORT", s)
	}
	if net.ParseIP(host) == nil {
		return "", fmt.Errorf("--dns %q: %q is not an IP address", s, host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("--dns %q: invalid port %q", s, port)
	}
	return net.JoinHostPort(host, port), nil
}
