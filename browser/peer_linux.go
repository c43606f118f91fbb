package browser

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// peerUID returns the user owning the other end of a loopback TCP
// connection, read from /proc/net/tcp (or tcp6): the socket whose local
// address is the connection's remote one. ok is false when it cannot
// tell, and the connection is then accepted (the proxy listens on
// loopback only).
func peerUID(c net.Conn) (uid int, ok bool) {
	remote, err1 := netip.ParseAddrPort(c.RemoteAddr().String())
	local, err2 := netip.ParseAddrPort(c.LocalAddr().String())
	if err1 != nil || err2 != nil {
		return 0, false
	}
	file := "/proc/net/tcp"
	if remote.Addr().Is6() && !remote.Addr().Is4In6() {
		file = "/proc/net/tcp6"
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	want, peer := procAddr(remote), procAddr(local)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 || fields[1] != want || fields[2] != peer {
			continue
		}
		n, err := strconv.Atoi(fields[7])
		return n, err == nil
	}
	return 0, false
}

// procAddr formats an IPv4 address and port as /proc/net/tcp writes them:
// the address as a native-endian 32-bit word in hex, then the port.
func procAddr(ap netip.AddrPort) string {
	a := ap.Addr().Unmap()
	if !a.Is4() {
		b := a.As16()
		var s strings.Builder
		for i := 0; i < 16; i += 4 {
			fmt.Fprintf(&s, "%08X", binary.NativeEndian.Uint32(b[i:i+4]))
		}
		return s.String() + fmt.Sprintf(":%04X", ap.Port())
	}
	b := a.As4()
	return fmt.Sprintf("%08X:%04X", binary.NativeEndian.Uint32(b[:]), ap.Port())
}
