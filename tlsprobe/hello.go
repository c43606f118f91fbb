package tlsprobe

import (
	"crypto/ecdh"
	"crypto/rand"
	"net"
	"sync"
)

// probeShare is the X25519 public key offered by every TLS 1.3 hello: a
// probe reads the server's first flight and never completes a handshake,
// so one key per process serves them all (a key per hello cost 2% of a
// scan's CPU).
var probeShare = sync.OnceValue(func() []byte {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		panic("tlsprobe: X25519 key: " + err.Error())
	}
	return k.PublicKey().Bytes()
})

// Protocol versions as they appear on the wire.
const (
	versionSSL30 uint16 = 0x0300
	versionTLS10 uint16 = 0x0301
	versionTLS11 uint16 = 0x0302
	versionTLS12 uint16 = 0x0303
	versionTLS13 uint16 = 0x0304
)

// TLS extension types used by the probes.
const (
	extServerName        uint16 = 0
	extSupportedGroups   uint16 = 10
	extECPointFormats    uint16 = 11
	extSignatureAlgs     uint16 = 13
	extPadding           uint16 = 21
	extEncryptThenMAC    uint16 = 22
	extExtendedMaster    uint16 = 23
	extSupportedVersions uint16 = 43
	extPSKModes          uint16 = 45
	extKeyShare          uint16 = 51
	extRenegotiationInfo uint16 = 0xff01
)

// signatureAlgorithms offered: every scheme, weak ones included, so that a
// server's choice is never refused by the probe itself.
var signatureAlgorithms = []uint16{
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
	0x0809, 0x080a, 0x080b, 0x081a, 0x081b, 0x081c, 0x0401, 0x0501, 0x0601,
	0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202, 0x0101,
}

// hello describes one ClientHello.
type hello struct {
	// version is the highest version offered; versionTLS13 sends
	// supported_versions and key_share.
	version    uint16
	suites     []uint16
	groups     []uint16
	serverName string
	// shareX25519 adds an X25519 key share to a TLS 1.3 hello; without it
	// the key_share list is empty and the server must answer with a
	// HelloRetryRequest naming the group it wants.
	shareX25519 bool
}

// builder appends TLS's length-prefixed structures.
type builder struct{ b []byte }

func (w *builder) u8(v uint8)   { w.b = append(w.b, v) }
func (w *builder) u16(v uint16) { w.b = append(w.b, byte(v>>8), byte(v)) }
func (w *builder) u24(v int)    { w.b = append(w.b, byte(v>>16), byte(v>>8), byte(v)) }
func (w *builder) bytes(p []byte) {
	w.b = append(w.b, p...)
}

// prefixed writes a length of n bytes (1, 2 or 3), then what f writes.
func (w *builder) prefixed(n int, f func()) {
	at := len(w.b)
	w.b = append(w.b, make([]byte, n)...)
	f()
	l := len(w.b) - at - n
	for i := 0; i < n; i++ {
		w.b[at+i] = byte(l >> (8 * (n - 1 - i)))
	}
}

func (w *builder) ext(typ uint16, f func()) {
	w.u16(typ)
	w.prefixed(2, f)
}

// marshal returns the ClientHello as TLS records.
func (h *hello) marshal() []byte {
	var body builder
	legacy := h.version
	if legacy > versionTLS12 {
		legacy = versionTLS12
	}
	body.u16(legacy)
	random := make([]byte, 32)
	rand.Read(random)
	body.bytes(random)
	if h.version == versionTLS13 {
		// A session ID keeps middleboxes quiet (RFC 8446, appendix D.4).
		sid := make([]byte, 32)
		rand.Read(sid)
		body.u8(32)
		body.bytes(sid)
	} else {
		body.u8(0)
	}
	body.prefixed(2, func() {
		for _, s := range h.suites {
			body.u16(s)
		}
	})
	body.u8(1)
	body.u8(0) // null compression
	if h.version != versionSSL30 {
		// SSL 3.0 servers predate extensions; some reject them.
		body.prefixed(2, func() {
			h.extensions(&body)
			// Hellos of 256 to 511 bytes hang some old load balancers
			// (RFC 7685): pad them to 512.
			if n := len(body.b) + 4; n >= 256-4 && n < 512 {
				pad := max(512-n-4, 0)
				body.ext(extPadding, func() { body.bytes(make([]byte, pad)) })
			}
		})
	}
	var msg builder
	msg.u8(1) // client_hello
	msg.prefixed(3, func() { msg.bytes(body.b) })

	var rec builder
	recVersion := versionTLS10
	if h.version == versionSSL30 {
		recVersion = versionSSL30
	}
	for p := msg.b; len(p) > 0; {
		n := min(len(p), 1<<14)
		rec.u8(22)
		rec.u16(recVersion)
		rec.u16(uint16(n))
		rec.bytes(p[:n])
		p = p[n:]
	}
	return rec.b
}

func (h *hello) extensions(w *builder) {
	if h.serverName != "" && net.ParseIP(h.serverName) == nil {
		w.ext(extServerName, func() {
			w.prefixed(2, func() {
				w.u8(0) // host_name
				w.prefixed(2, func() { w.bytes([]byte(h.serverName)) })
			})
		})
	}
	if len(h.groups) > 0 {
		w.ext(extSupportedGroups, func() {
			w.prefixed(2, func() {
				for _, g := range h.groups {
					w.u16(g)
				}
			})
		})
	}
	w.ext(extECPointFormats, func() { w.prefixed(1, func() { w.u8(0) }) })
	w.ext(extSignatureAlgs, func() {
		w.prefixed(2, func() {
			for _, s := range signatureAlgorithms {
				w.u16(s)
			}
		})
	})
	w.ext(extEncryptThenMAC, func() {})
	w.ext(extExtendedMaster, func() {})
	w.ext(extRenegotiationInfo, func() { w.u8(0) })
	if h.version == versionTLS13 {
		w.ext(extSupportedVersions, func() {
			w.prefixed(1, func() { w.u16(versionTLS13) })
		})
		w.ext(extPSKModes, func() { w.prefixed(1, func() { w.u8(1) }) })
		w.ext(extKeyShare, func() {
			w.prefixed(2, func() {
				if h.shareX25519 {
					w.u16(29)
					w.prefixed(2, func() { w.bytes(probeShare()) })
				}
			})
		})
	}
}
