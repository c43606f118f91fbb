package tlsprobe

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// Record content types.
const (
	recordChangeCipherSpec = 20
	recordAlert            = 21
	recordHandshake        = 22
	recordApplicationData  = 23
)

// Handshake message types.
const (
	msgServerHello       = 2
	msgCertificate       = 11
	msgServerKeyExchange = 12
	msgServerHelloDone   = 14
	msgCertificateStatus = 22
)

const (
	maxRecord = 1<<14 + 2048
	// maxFlight bounds what one probe reads: a hello, a long chain and a
	// key exchange fit well within it.
	maxFlight = 1 << 20
)

// helloRetryRandom is the Random of a HelloRetryRequest (RFC 8446, 4.1.3).
var helloRetryRandom = sha256.Sum256([]byte("HelloRetryRequest"))

// errNotTLS reports a response that is not a TLS record stream.
var errNotTLS = errors.New("response is not TLS")

// AlertError is a TLS alert sent by the server.
type AlertError struct {
	Level, Description uint8
}

func (e *AlertError) Error() string {
	name := alertNames[e.Description]
	if name == "" {
		name = fmt.Sprintf("alert %d", e.Description)
	}
	return "server sent alert: " + name
}

var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
	40: "handshake_failure", 42: "bad_certificate", 47: "illegal_parameter", 50: "decode_error",
	51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
	80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
	109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
	120: "no_application_protocol",
}

// serverHello is a parsed ServerHello (or HelloRetryRequest).
type serverHello struct {
	// legacyVersion is the version field; version is the negotiated one
	// (supported_versions when present).
	legacyVersion, version uint16
	random                 []byte
	sessionID              []byte
	suite                  uint16
	compression            uint8
	retry                  bool   // HelloRetryRequest
	group                  uint16 // key_share: server share or requested group
	encryptThenMAC         bool
	extendedMaster         bool
	renegotiation          bool
	extensions             []uint16
}

// parseServerHello parses the body of a ServerHello handshake message.
func parseServerHello(b []byte) (*serverHello, error) {
	r := reader(b)
	sh := &serverHello{}
	var ok bool
	if sh.legacyVersion, ok = r.u16(); !ok {
		return nil, errShort("version")
	}
	sh.version = sh.legacyVersion
	if sh.random, ok = r.take(32); !ok {
		return nil, errShort("random")
	}
	if sh.sessionID, ok = r.vec8(); !ok || len(sh.sessionID) > 32 {
		return nil, errShort("session id")
	}
	if sh.suite, ok = r.u16(); !ok {
		return nil, errShort("cipher suite")
	}
	if sh.compression, ok = r.u8(); !ok {
		return nil, errShort("compression")
	}
	sh.retry = bytes.Equal(sh.random, helloRetryRandom[:])
	if len(r) == 0 {
		if sh.retry {
			return nil, errShort("hello retry request without extensions")
		}
		return sh, nil // no extensions (SSL 3.0, old servers)
	}
	exts, ok := r.vec16()
	if !ok || len(r) != 0 {
		return nil, errShort("extensions")
	}
	for len(exts) > 0 {
		typ, ok1 := exts.u16()
		data, ok2 := exts.vec16()
		if !ok1 || !ok2 {
			return nil, errShort("extension")
		}
		sh.extensions = append(sh.extensions, typ)
		switch typ {
		case extSupportedVersions:
			v, ok := data.u16()
			if !ok || len(data) != 0 {
				return nil, errShort("supported_versions")
			}
			sh.version = v
		case extKeyShare:
			g, ok := data.u16()
			if !ok {
				return nil, errShort("key_share")
			}
			sh.group = g
		case extEncryptThenMAC:
			sh.encryptThenMAC = true
		case extExtendedMaster:
			sh.extendedMaster = true
		case extRenegotiationInfo:
			sh.renegotiation = true
		}
	}
	if sh.retry && sh.version != versionTLS13 {
		return nil, fmt.Errorf("hello retry request for version 0x%04x", sh.version)
	}
	return sh, nil
}

func errShort(what string) error { return fmt.Errorf("malformed server hello: %s", what) }

// flight is what the server sent in answer to a ClientHello, up to the
// end of its first flight (ServerHelloDone) or, in TLS 1.3, the
// ServerHello.
type flight struct {
	hello *serverHello
	// certificates are the DER certificates of a TLS 1.2-or-older
	// Certificate message.
	certificates [][]byte
	// curve is the named curve of an ECDHE ServerKeyExchange, dhBits the
	// prime size of a DHE one.
	curve  uint16
	dhBits int
	// stapled is set when the server sent a CertificateStatus.
	stapled bool
}

// readFlight reads records from r until the server's first flight is
// complete. A server alert comes back as *AlertError.
func readFlight(r io.Reader) (*flight, error) {
	f := &flight{}
	var hs []byte // handshake bytes not yet parsed
	total := 0
	hdr := make([]byte, 5)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			if err == io.ErrUnexpectedEOF && total == 0 {
				return nil, errNotTLS
			}
			return nil, err
		}
		typ, major, n := hdr[0], hdr[1], int(hdr[3])<<8|int(hdr[4])
		if major != 3 || typ < recordChangeCipherSpec || typ > recordApplicationData {
			return nil, fmt.Errorf("%w (first bytes % x)", errNotTLS, hdr)
		}
		if n > maxRecord {
			return nil, fmt.Errorf("%w: record of %d bytes", errNotTLS, n)
		}
		total += 5 + n
		if total > maxFlight {
			return nil, fmt.Errorf("server flight over %d bytes", maxFlight)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch typ {
		case recordAlert:
			if len(payload) < 2 {
				return nil, fmt.Errorf("%w: short alert", errNotTLS)
			}
			return nil, &AlertError{Level: payload[0], Description: payload[1]}
		case recordChangeCipherSpec:
			continue // TLS 1.3 middlebox compatibility
		case recordApplicationData:
			if f.hello != nil {
				return f, nil // encrypted TLS 1.3 messages follow
			}
			return nil, fmt.Errorf("%w: application data before hello", errNotTLS)
		}
		hs = append(hs, payload...)
		for len(hs) >= 4 {
			mt, ml := hs[0], int(hs[1])<<16|int(hs[2])<<8|int(hs[3])
			if ml > maxFlight {
				return nil, fmt.Errorf("%w: handshake message of %d bytes", errNotTLS, ml)
			}
			if len(hs) < 4+ml {
				break
			}
			body := hs[4 : 4+ml]
			hs = hs[4+ml:]
			done, err := f.handle(mt, body)
			if err != nil {
				return nil, err
			}
			if done {
				return f, nil
			}
		}
	}
}

// handle takes one handshake message; it reports whether the flight is
// complete.
func (f *flight) handle(typ uint8, body []byte) (bool, error) {
	if f.hello == nil {
		if typ != msgServerHello {
			return false, fmt.Errorf("%w: handshake message %d before server hello", errNotTLS, typ)
		}
		sh, err := parseServerHello(body)
		if err != nil {
			return false, err
		}
		f.hello = sh
		// In TLS 1.3 everything after the ServerHello is encrypted.
		return sh.version == versionTLS13 || sh.retry, nil
	}
	switch typ {
	case msgCertificate:
		r := reader(body)
		list, ok := r.vec24()
		if !ok {
			return false, fmt.Errorf("malformed certificate message")
		}
		for len(list) > 0 {
			c, ok := list.vec24()
			if !ok {
				return false, fmt.Errorf("malformed certificate message")
			}
			f.certificates = append(f.certificates, c)
		}
	case msgCertificateStatus:
		f.stapled = true
	case msgServerKeyExchange:
		f.parseKeyExchange(body)
	case msgServerHelloDone:
		return true, nil
	}
	return false, nil
}

// parseKeyExchange reads the group of an ECDHE ServerKeyExchange or the
// prime size of a DHE one; other kinds are ignored.
func (f *flight) parseKeyExchange(body []byte) {
	s := suiteByCode[f.hello.suite]
	if s == nil {
		return
	}
	r := reader(body)
	switch s.KeyExchange {
	case "ECDHE", "ECDHE_PSK", "ECDH":
		if s.KeyExchange == "ECDHE_PSK" {
			if _, ok := r.vec16(); !ok { // identity hint
				return
			}
		}
		if t, ok := r.u8(); ok && t == 3 { // named_curve
			f.curve, _ = r.u16()
		}
	case "DHE", "DHE_PSK", "DH":
		if s.KeyExchange == "DHE_PSK" {
			if _, ok := r.vec16(); !ok {
				return
			}
		}
		if p, ok := r.vec16(); ok {
			f.dhBits = new(big.Int).SetBytes(p).BitLen()
		}
	}
}

// reader consumes TLS's length-prefixed structures.
type reader []byte

func (r *reader) take(n int) ([]byte, bool) {
	if n < 0 || len(*r) < n {
		return nil, false
	}
	v := (*r)[:n]
	*r = (*r)[n:]
	return v, true
}

func (r *reader) u8() (uint8, bool) {
	b, ok := r.take(1)
	if !ok {
		return 0, false
	}
	return b[0], true
}

func (r *reader) u16() (uint16, bool) {
	b, ok := r.take(2)
	if !ok {
		return 0, false
	}
	return uint16(b[0])<<8 | uint16(b[1]), true
}

func (r *reader) vec8() (reader, bool) {
	n, ok := r.u8()
	if !ok {
		return nil, false
	}
	b, ok := r.take(int(n))
	return reader(b), ok
}

func (r *reader) vec16() (reader, bool) {
	n, ok := r.u16()
	if !ok {
		return nil, false
	}
	b, ok := r.take(int(n))
	return reader(b), ok
}

func (r *reader) vec24() (reader, bool) {
	b, ok := r.take(3)
	if !ok {
		return nil, false
	}
	v, ok := r.take(int(b[0])<<16 | int(b[1])<<8 | int(b[2]))
	return reader(v), ok
}
