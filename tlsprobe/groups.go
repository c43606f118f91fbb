package tlsprobe

import (
	"fmt"
	"strings"
)

// group is a named key-exchange group of the IANA TLS Supported Groups
// registry.
type group struct {
	id   uint16
	name string
	// bits is the size that sets its strength: the curve's order for
	// elliptic curves, the prime for finite-field groups, the classical
	// component for hybrids.
	bits int
	// ec marks elliptic curves usable for ECDHE in TLS 1.2.
	ec bool
	// tls13 marks groups usable in TLS 1.3.
	tls13 bool
}

var groups = []group{
	{1, "sect163k1", 163, true, false}, {2, "sect163r1", 163, true, false},
	{3, "sect163r2", 163, true, false}, {4, "sect193r1", 193, true, false},
	{5, "sect193r2", 193, true, false}, {6, "sect233k1", 233, true, false},
	{7, "sect233r1", 233, true, false}, {8, "sect239k1", 239, true, false},
	{9, "sect283k1", 283, true, false}, {10, "sect283r1", 283, true, false},
	{11, "sect409k1", 409, true, false}, {12, "sect409r1", 409, true, false},
	{13, "sect571k1", 571, true, false}, {14, "sect571r1", 571, true, false},
	{15, "secp160k1", 160, true, false}, {16, "secp160r1", 160, true, false},
	{17, "secp160r2", 160, true, false}, {18, "secp192k1", 192, true, false},
	{19, "secp192r1", 192, true, false}, {20, "secp224k1", 224, true, false},
	{21, "secp224r1", 224, true, false}, {22, "secp256k1", 256, true, false},
	{23, "secp256r1", 256, true, true}, {24, "secp384r1", 384, true, true},
	{25, "secp521r1", 521, true, true}, {26, "brainpoolP256r1", 256, true, false},
	{27, "brainpoolP384r1", 384, true, false}, {28, "brainpoolP512r1", 512, true, false},
	{29, "x25519", 256, true, true}, {30, "x448", 448, true, true},
	{31, "brainpoolP256r1tls13", 256, false, true}, {32, "brainpoolP384r1tls13", 384, false, true},
	{33, "brainpoolP512r1tls13", 512, false, true},
	{256, "ffdhe2048", 2048, false, true}, {257, "ffdhe3072", 3072, false, true},
	{258, "ffdhe4096", 4096, false, true}, {259, "ffdhe6144", 6144, false, true},
	{260, "ffdhe8192", 8192, false, true},
	{0x0200, "MLKEM512", 0, false, true}, {0x0201, "MLKEM768", 0, false, true},
	{0x0202, "MLKEM1024", 0, false, true},
	{0x11EB, "SecP256r1MLKEM768", 256, false, true}, {0x11EC, "X25519MLKEM768", 256, false, true},
	{0x11ED, "SecP384r1MLKEM1024", 384, false, true},
}

var groupByID = func() map[uint16]*group {
	m := map[uint16]*group{}
	for i := range groups {
		m[groups[i].id] = &groups[i]
	}
	return m
}()

var groupByName = func() map[string]*group {
	m := map[string]*group{}
	for i := range groups {
		m[groups[i].name] = &groups[i]
	}
	return m
}()

// groupName returns the IANA name of group id.
func groupName(id uint16) string {
	if g := groupByID[id]; g != nil {
		return g.name
	}
	return fmt.Sprintf("group-0x%04X", id)
}

// GroupBits returns the strength-setting size of a named group (0 when
// unknown or post-quantum only).
func GroupBits(name string) int {
	if g := groupByName[name]; g != nil {
		return g.bits
	}
	return 0
}

// WeakGroup reports whether a named group is below the yardsticks' floors:
// finite-field groups under 2048 bits, curves under 256.
func WeakGroup(name string) bool {
	b := GroupBits(name)
	if strings.HasPrefix(name, "ffdhe") {
		return b > 0 && b < 2048
	}
	return b > 0 && b < 256
}

// ecGroupIDs and tls13GroupIDs are the groups offered when enumerating.
func groupIDs(tls13 bool) []uint16 {
	var out []uint16
	for _, g := range groups {
		if (tls13 && g.tls13) || (!tls13 && g.ec) {
			out = append(out, g.id)
		}
	}
	return out
}
