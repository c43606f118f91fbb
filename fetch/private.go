package fetch

import (
	"context"
	"fmt"
	"net/netip"
	"syscall"
)

// reserved lists the special-purpose ranges (IANA IPv4 and IPv6
// Special-Purpose Address Registries) that are not public Internet hosts
// and that netip's predicates do not already name.
var reserved = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},             // RFC 791: "this network", 0.x.y.z reaches the local host on Linux
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},       // RFC 6598
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},         // RFC 6890
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},         // RFC 5737 TEST-NET-1
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},      // TEST-NET-2
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},       // TEST-NET-3
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},         // RFC 2544
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay"},          // RFC 7526, deprecated anycast
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},               // RFC 1112, includes 255.255.255.255
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},        // RFC 3849
	{netip.MustParsePrefix("3fff::/20"), "documentation"},            // RFC 9637
	{netip.MustParsePrefix("2001::/32"), "Teredo"},                   // RFC 4380: tunnels to an obfuscated IPv4 client
	{netip.MustParsePrefix("2001:2::/48"), "benchmarking"},           // RFC 5180
	{netip.MustParsePrefix("100::/64"), "discard-only"},              // RFC 6666
	{netip.MustParsePrefix("2001:10::/28"), "ORCHID"},                // RFC 4843, deprecated
	{netip.MustParsePrefix("2001:20::/28"), "ORCHIDv2"},              // RFC 7343
	{netip.MustParsePrefix("5f00::/16"), "segment routing"},          // RFC 9602
	{netip.MustParsePrefix("::/128"), "unspecified"},                 // also IsUnspecified
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"}, // RFC 4291 §2.5.5.1
}

// Prefixes whose addresses carry an IPv4 address that the network will
// reach in the end: such an address is as public as the IPv4 it embeds.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")   // RFC 6052 well-known prefix
	nat64Host = netip.MustParsePrefix("64:ff9b:1::/48") // RFC 8215 local-use prefix
	sixToFour = netip.MustParsePrefix("2002::/16")      // RFC 3056
)

// PrivateAddr returns why a is not a public Internet address ("loopback",
// "private", "link-local", "unspecified", "shared (CGNAT)", "multicast",
// "documentation", "reserved"…), or "" when it is one. IPv4-mapped IPv6
// addresses are judged as IPv4, and NAT64 and 6to4 addresses by the IPv4
// address they embed.
func PrivateAddr(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "invalid"
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate(): // RFC 1918 and fc00::/7
		return "private"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsMulticast():
		return "multicast"
	}
	if a.Is6() {
		b := a.As16()
		var embedded []netip.Addr
		switch {
		case nat64.Contains(a):
			embedded = append(embedded, netip.AddrFrom4([4]byte(b[12:16])))
		case nat64Host.Contains(a):
			// The operator picks the translator's prefix length inside the
			// /48: the /96 layout leaves bits 48–95 zero and puts the IPv4
			// address last; otherwise read the /48 layout (RFC 6052 §2.2:
			// bits 48–63 and 72–87).
			if [6]byte(b[6:12]) == [6]byte{} {
				embedded = append(embedded, netip.AddrFrom4([4]byte(b[12:16])))
			} else {
				embedded = append(embedded, netip.AddrFrom4([4]byte{b[6], b[7], b[9], b[10]}))
			}
		case sixToFour.Contains(a):
			embedded = append(embedded, netip.AddrFrom4([4]byte(b[2:6])))
		}
		for _, v4 := range embedded {
			if why := PrivateAddr(v4); why != "" {
				return why + " (embedded in " + a.String() + ")"
			}
		}
	}
	for _, r := range reserved {
		if r.prefix.Contains(a) {
			return r.why
		}
	}
	return ""
}

// PrivateAddressError reports a connection refused by Options.DenyPrivate.
type PrivateAddressError struct {
	Addr   netip.Addr
	Reason string // as PrivateAddr gives it
}

func (e *PrivateAddressError) Error() string {
	return fmt.Sprintf("refusing to connect to %s: %s address", e.Addr, e.Reason)
}

// denyPrivate is a net.Dialer control function: it runs on the address
// about to be connected, after resolution.
func denyPrivate(_ context.Context, _, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refusing to connect to %q: not an IP address and port", address)
	}
	if why := PrivateAddr(ap.Addr()); why != "" {
		return &PrivateAddressError{Addr: ap.Addr(), Reason: why}
	}
	return nil
}

// loopbackOnly is the dial guard of Options.LoopbackOnly.
func loopbackOnly(_ context.Context, _, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("refusing to connect to %q: only loopback is allowed (Options.LoopbackOnly)", address)
	}
	return nil
}
