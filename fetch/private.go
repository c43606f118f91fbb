package fetch

import (
	"context"
	"fmt"
	"net/netip"
	"syscall"
)

// sharedSpace is the carrier-grade NAT range (RFC 6598).
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// PrivateAddr returns why a is not a public Internet address ("loopback",
// "private", "link-local", "unspecified", "shared (CGNAT)", "multicast"),
// or "" when it is one. IPv4-mapped IPv6 addresses are judged as IPv4.
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
	case a.Is4() && sharedSpace.Contains(a):
		return "shared (CGNAT)"
	case a.IsMulticast():
		return "multicast"
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
