package fetch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// ResolveEntry is a parsed curl --resolve entry: connections to Host:Port
// go to one of Addrs, tried in order, on the same port.
type ResolveEntry struct {
	Host  string // lower case, ASCII; "*" matches any host
	Port  int
	Addrs []netip.Addr
}

// String returns e in curl syntax.
func (e ResolveEntry) String() string {
	addrs := make([]string, len(e.Addrs))
	for i, a := range e.Addrs {
		addrs[i] = bracket(a.String())
	}
	return bracket(e.Host) + ":" + strconv.Itoa(e.Port) + ":" + strings.Join(addrs, ",")
}

// ConnectToEntry is a parsed curl --connect-to entry: a connection for
// Host:Port goes to ToHost:ToPort.
type ConnectToEntry struct {
	Host   string // "" matches any host
	Port   int    // 0 matches any port
	ToHost string // "" keeps the host
	ToPort int    // 0 keeps the port
}

// String returns e in curl syntax.
func (e ConnectToEntry) String() string {
	port := func(p int) string {
		if p == 0 {
			return ""
		}
		return strconv.Itoa(p)
	}
	return bracket(e.Host) + ":" + port(e.Port) + ":" + bracket(e.ToHost) + ":" + port(e.ToPort)
}

func (e ConnectToEntry) matches(host string, port int) bool {
	return (e.Host == "" || e.Host == host) && (e.Port == 0 || e.Port == port)
}

func bracket(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// ParseResolve parses an entry in curl's --resolve syntax,
// [+]HOST:PORT:ADDR[,ADDR...], where HOST may be "*" (any host) and an IPv6
// ADDR may be written in brackets. The "+" prefix, which makes curl's
// entries expire, is accepted and ignored: entries here never expire.
func ParseResolve(s string) (ResolveEntry, error) {
	in := s
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	fail := func(format string, args ...any) (ResolveEntry, error) {
		return ResolveEntry{}, fmt.Errorf("invalid resolve entry %q: %s (want HOST:PORT:ADDR[,ADDR...])", in, fmt.Sprintf(format, args...))
	}
	if strings.HasPrefix(s, "-") {
		return fail("removing entries is not supported")
	}
	host, rest, ok := cutField(s)
	if !ok {
		return fail("missing port")
	}
	portStr, addrList, ok := cutField(rest)
	if !ok {
		return fail("missing address")
	}
	var e ResolveEntry
	var err error
	if host == "*" {
		e.Host = host
	} else if e.Host, err = canonicalHost(host); err != nil {
		return fail("%v", err)
	}
	if e.Port, err = parsePort(portStr); err != nil {
		return fail("%v", err)
	}
	for _, a := range strings.Split(addrList, ",") {
		a = strings.TrimSpace(a)
		if strings.HasPrefix(a, "[") && strings.HasSuffix(a, "]") {
			a = a[1 : len(a)-1]
		}
		ip, err := netip.ParseAddr(a)
		if err != nil {
			return fail("address %q is not an IP address", a)
		}
		e.Addrs = append(e.Addrs, ip)
	}
	return e, nil
}

// ParseConnectTo parses an entry in curl's --connect-to syntax,
// HOST1:PORT1:HOST2:PORT2. An empty HOST1 or PORT1 matches any host or
// port; an empty HOST2 or PORT2 keeps the original one. IPv6 addresses are
// written in brackets.
func ParseConnectTo(s string) (ConnectToEntry, error) {
	in := s
	fail := func(format string, args ...any) (ConnectToEntry, error) {
		return ConnectToEntry{}, fmt.Errorf("invalid connect-to entry %q: %s (want HOST1:PORT1:HOST2:PORT2)", in, fmt.Sprintf(format, args...))
	}
	var fields [4]string
	rest := strings.TrimSpace(s)
	for i := range fields {
		f, r, ok := cutField(rest)
		if i < 3 && !ok {
			return fail("want 4 fields separated by ':'")
		}
		if i == 3 {
			if ok {
				return fail("too many fields")
			}
			f = rest
		}
		fields[i], rest = f, r
	}
	var e ConnectToEntry
	var err error
	for _, h := range []struct {
		in  string
		out *string
	}{{fields[0], &e.Host}, {fields[2], &e.ToHost}} {
		if h.in == "" {
			continue
		}
		if *h.out, err = canonicalHost(h.in); err != nil {
			return fail("%v", err)
		}
	}
	for _, p := range []struct {
		in  string
		out *int
	}{{fields[1], &e.Port}, {fields[3], &e.ToPort}} {
		if p.in == "" {
			continue
		}
		if *p.out, err = parsePort(p.in); err != nil {
			return fail("%v", err)
		}
	}
	return e, nil
}

// cutField splits s at the first ':' outside brackets.
func cutField(s string) (field, rest string, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		case ':':
			if depth == 0 {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", s)
	}
	return n, nil
}

// canonicalHost returns a host name in the form URLs and dialling use:
// lower case, no trailing dot, punycode, IPv6 addresses without brackets.
func canonicalHost(h string) (string, error) {
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		ip, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !ip.Is6() {
			return "", fmt.Errorf("host %q is not an IPv6 address", h)
		}
		return ip.String(), nil
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.String(), nil
	}
	name := strings.ToLower(strings.TrimSuffix(h, "."))
	if name == "" {
		return "", fmt.Errorf("empty host")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 0x80 {
			a, err := idna.Lookup.ToASCII(name)
			if err != nil {
				return "", fmt.Errorf("host %q: %v", h, err)
			}
			return a, nil
		}
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "", fmt.Errorf("host %q contains %q", h, rune(c))
		}
	}
	return name, nil
}

// ReadResolveFile reads resolve entries one a line, as --resolve-file
// does. Blank lines and text from a '#' are ignored. Every bad line is
// reported, as "path:LINE: ...", in the returned error.
func ReadResolveFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		out  []string
		errs []error
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line == "" {
			continue
		}
		if _, err := ParseResolve(line); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", path, n, err))
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", path, err))
	}
	return out, errors.Join(errs...)
}

// DNSDisabledError reports a host that could only be reached through the
// system resolver while Options.NoDNS is set.
type DNSDisabledError struct {
	Host string
}

func (e *DNSDisabledError) Error() string {
	return "no address for " + e.Host + " (DNS disabled)"
}

// resolver holds the parsed Resolve and ConnectTo entries.
type resolver struct {
	hosts     map[string][]netip.Addr // "host:port" -> addresses
	wildcard  map[int][]netip.Addr    // port -> addresses for "*"
	connectTo []ConnectToEntry
	noDNS     bool
}

func newResolver(o Options) (*resolver, error) {
	r := &resolver{hosts: map[string][]netip.Addr{}, wildcard: map[int][]netip.Addr{}, noDNS: o.NoDNS}
	for _, s := range o.Resolve {
		e, err := ParseResolve(s)
		if err != nil {
			return nil, err
		}
		if e.Host == "*" {
			if _, dup := r.wildcard[e.Port]; !dup {
				r.wildcard[e.Port] = e.Addrs
			}
			continue
		}
		key := net.JoinHostPort(e.Host, strconv.Itoa(e.Port))
		if _, dup := r.hosts[key]; !dup {
			r.hosts[key] = e.Addrs
		}
	}
	for _, s := range o.ConnectTo {
		e, err := ParseConnectTo(s)
		if err != nil {
			return nil, err
		}
		r.connectTo = append(r.connectTo, e)
	}
	return r, nil
}

// DialContext connects to addr ("host:port") as the client's requests do:
// ConnectTo rewrites the destination first (the first matching entry wins),
// then Resolve supplies its addresses; IP addresses are dialled as they
// are; other names go to the server of Options.DNS, or the system's
// resolvers, unless Options.NoDNS is set.
// The TLS prober uses it to reach the same servers as the crawler.
func (c *Client) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("invalid port %q", portStr)}
	}
	if h, err := canonicalHost(host); err == nil {
		host = h
	}
	for _, e := range c.resolver.connectTo {
		if e.matches(host, port) {
			if e.ToHost != "" {
				host = e.ToHost
			}
			if e.ToPort != 0 {
				port = e.ToPort
			}
			break
		}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return c.dialer.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String())
	}
	addrs, ok := c.resolver.hosts[net.JoinHostPort(host, strconv.Itoa(port))]
	if !ok {
		addrs, ok = c.resolver.wildcard[port]
	}
	if ok {
		return c.dialAddrs(ctx, network, addrs, port)
	}
	if c.resolver.noDNS {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &DNSDisabledError{Host: host}}
	}
	return c.dialer.DialContext(ctx, network, net.JoinHostPort(host, strconv.Itoa(port)))
}

// dialAddrs tries each address in turn and returns the first connection,
// or the first error when all fail.
func (c *Client) dialAddrs(ctx context.Context, network string, addrs []netip.Addr, port int) (net.Conn, error) {
	var first error
	for _, a := range addrs {
		if network == "tcp4" && !a.Unmap().Is4() || network == "tcp6" && !a.Is6() {
			continue
		}
		conn, err := c.dialer.DialContext(ctx, network, netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if first == nil {
		first = &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("no %s address among %v", network, addrs)}
	}
	return nil, first
}
