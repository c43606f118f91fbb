package tlsprobe

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// serverHelloBody builds a ServerHello body; exts is appended as the
// extensions block when not nil.
func serverHelloBody(version, suite uint16, random []byte, exts []byte) []byte {
	var w builder
	w.u16(version)
	if random == nil {
		random = make([]byte, 32)
	}
	w.bytes(random)
	w.u8(0)
	w.u16(suite)
	w.u8(0)
	if exts != nil {
		w.prefixed(2, func() { w.bytes(exts) })
	}
	return w.b
}

func ext(typ uint16, data ...byte) []byte {
	var w builder
	w.ext(typ, func() { w.bytes(data) })
	return w.b
}

func handshake(typ uint8, body []byte) []byte {
	var w builder
	w.u8(typ)
	w.prefixed(3, func() { w.bytes(body) })
	return w.b
}

func record(typ uint8, payload []byte) []byte {
	return append([]byte{typ, 3, 3, byte(len(payload) >> 8), byte(len(payload))}, payload...)
}

func TestParseServerHello(t *testing.T) {
	tls13 := append(ext(extSupportedVersions, 3, 4), ext(extKeyShare, 0, 29, 0, 2, 1, 2)...)
	tests := []struct {
		name    string
		body    []byte
		version uint16
		suite   uint16
		retry   bool
		group   uint16
		etm     bool
		wantErr bool
	}{
		{"SSL 3.0 without extensions", serverHelloBody(versionSSL30, 0x0005, nil, nil), versionSSL30, 0x0005, false, 0, false, false},
		{"TLS 1.2 with encrypt-then-MAC", serverHelloBody(versionTLS12, 0xC013, nil, ext(extEncryptThenMAC)), versionTLS12, 0xC013, false, 0, true, false},
		{"TLS 1.3", serverHelloBody(versionTLS12, 0x1301, nil, tls13), versionTLS13, 0x1301, false, 29, false, false},
		{"hello retry request", serverHelloBody(versionTLS12, 0x1302, helloRetryRandom[:], append(ext(extSupportedVersions, 3, 4), ext(extKeyShare, 0, 23)...)), versionTLS13, 0x1302, true, 23, false, false},
		{"retry below TLS 1.3", serverHelloBody(versionTLS12, 0x1302, helloRetryRandom[:], nil), 0, 0, false, 0, false, true},
		{"truncated", serverHelloBody(versionTLS12, 0xC02F, nil, nil)[:20], 0, 0, false, 0, false, true},
		{"extension overrun", append(serverHelloBody(versionTLS12, 0xC02F, nil, nil), 0, 10, 0, 1), 0, 0, false, 0, false, true},
		{"trailing bytes", append(serverHelloBody(versionTLS12, 0xC02F, nil, []byte{}), 1), 0, 0, false, 0, false, true},
		{"long session id", append([]byte{3, 3}, append(make([]byte, 32), 33)...), 0, 0, false, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh, err := parseServerHello(tt.body)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parsed %+v, want an error", sh)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sh.version != tt.version || sh.suite != tt.suite || sh.retry != tt.retry || sh.group != tt.group || sh.encryptThenMAC != tt.etm {
				t.Errorf("got %+v", sh)
			}
		})
	}
}

// legacyFlight is a TLS 1.2 first flight: ServerHello, Certificate,
// ECDHE ServerKeyExchange on x25519, ServerHelloDone.
func legacyFlight() []byte {
	var hs []byte
	hs = append(hs, handshake(msgServerHello, serverHelloBody(versionTLS12, 0xC02F, nil, ext(extRenegotiationInfo, 0)))...)
	var cert builder
	cert.prefixed(3, func() {
		cert.prefixed(3, func() { cert.bytes([]byte("not really DER")) })
	})
	hs = append(hs, handshake(msgCertificate, cert.b)...)
	hs = append(hs, handshake(msgServerKeyExchange, []byte{3, 0, 29, 32})...)
	hs = append(hs, handshake(msgServerHelloDone, nil)...)
	// Split across three records at awkward places.
	return append(append(record(recordHandshake, hs[:7]), record(recordHandshake, hs[7:60])...), record(recordHandshake, hs[60:])...)
}

func TestReadFlight(t *testing.T) {
	// One byte per read: records and messages must be reassembled.
	f, err := readFlight(iotest.OneByteReader(bytes.NewReader(legacyFlight())))
	if err != nil {
		t.Fatal(err)
	}
	if f.hello.suite != 0xC02F || f.curve != 29 || len(f.certificates) != 1 || !f.hello.renegotiation {
		t.Errorf("flight %+v, hello %+v", f, f.hello)
	}

	dhe := handshake(msgServerHello, serverHelloBody(versionTLS12, 0x009E, nil, nil))
	p := make([]byte, 256)
	p[0] = 0x80
	dhe = append(dhe, handshake(msgServerKeyExchange, append([]byte{1, 0}, p...))...)
	dhe = append(dhe, handshake(msgServerHelloDone, nil)...)
	f, err = readFlight(bytes.NewReader(record(recordHandshake, dhe)))
	if err != nil || f.dhBits != 2048 {
		t.Errorf("DHE flight: %v, %+v", err, f)
	}

	// TLS 1.3: stop after the ServerHello, whatever follows.
	sh13 := handshake(msgServerHello, serverHelloBody(versionTLS12, 0x1301, nil, ext(extSupportedVersions, 3, 4)))
	stream := append(record(recordHandshake, sh13), record(recordChangeCipherSpec, []byte{1})...)
	f, err = readFlight(bytes.NewReader(append(stream, 0xde, 0xad)))
	if err != nil || f.hello.version != versionTLS13 {
		t.Errorf("TLS 1.3 flight: %v, %+v", err, f)
	}
}

func TestReadFlightErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		check func(error) bool
	}{
		{"alert", record(recordAlert, []byte{2, 40}), func(err error) bool {
			var a *AlertError
			return errors.As(err, &a) && a.Description == 40
		}},
		{"closed", nil, func(err error) bool { return err == io.EOF }},
		{"HTTP", []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), func(err error) bool { return errors.Is(err, errNotTLS) }},
		{"SSLv2 answer", []byte{0x80, 0x2e, 0x04, 0x00, 0x01, 0x00, 0x02}, func(err error) bool { return errors.Is(err, errNotTLS) }},
		{"short header", []byte{22, 3}, func(err error) bool { return errors.Is(err, errNotTLS) }},
		{"oversized record", []byte{22, 3, 3, 0xff, 0xff}, func(err error) bool { return errors.Is(err, errNotTLS) }},
		{"truncated record", []byte{22, 3, 3, 0, 10, 2, 0}, func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"certificate first", record(recordHandshake, handshake(msgCertificate, []byte{0, 0, 0})), func(err error) bool { return errors.Is(err, errNotTLS) }},
		{"application data first", record(recordApplicationData, []byte{1}), func(err error) bool { return errors.Is(err, errNotTLS) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readFlight(bytes.NewReader(tt.input))
			if err == nil || !tt.check(err) {
				t.Errorf("error %v", err)
			}
		})
	}
}

func TestClientHelloRoundTrip(t *testing.T) {
	for _, h := range []*hello{
		{version: versionSSL30, suites: []uint16{5, 10}},
		{version: versionTLS12, suites: candidates(versionTLS12)[0], groups: groupIDs(false), serverName: "www.example.test"},
		{version: versionTLS13, suites: []uint16{0x1301}, groups: groupIDs(true), serverName: "x", shareX25519: true},
	} {
		b := h.marshal()
		if b[0] != 22 || b[1] != 3 {
			t.Fatalf("record header % x", b[:5])
		}
		n := int(b[3])<<8 | int(b[4])
		if n != len(b)-5 {
			t.Errorf("record length %d for %d bytes", n, len(b)-5)
		}
		body := b[5:]
		if body[0] != 1 || int(body[1])<<16|int(body[2])<<8|int(body[3]) != len(body)-4 {
			t.Errorf("handshake header % x", body[:4])
		}
		if n >= 256-4 && n < 512-4 {
			t.Errorf("hello of %d bytes falls in the range old servers choke on", n)
		}
		r := reader(body[4:])
		r.take(2 + 32)
		r.vec8()
		list, _ := r.vec16()
		if len(list) != 2*len(h.suites) {
			t.Errorf("%d suite bytes for %d suites", len(list), len(h.suites))
		}
		r.vec8()
		if h.version == versionSSL30 {
			if len(r) != 0 {
				t.Errorf("SSL 3.0 hello carries %d bytes of extensions", len(r))
			}
			continue
		}
		exts, ok := r.vec16()
		if !ok || len(r) != 0 {
			t.Fatalf("extensions block malformed")
		}
		for len(exts) > 0 {
			if _, ok := exts.u16(); !ok {
				t.Fatal("extension type")
			}
			if _, ok := exts.vec16(); !ok {
				t.Fatal("extension body")
			}
		}
	}
}

func FuzzParseServerHello(f *testing.F) {
	f.Add(serverHelloBody(versionSSL30, 5, nil, nil))
	f.Add(serverHelloBody(versionTLS12, 0xC02F, nil, ext(extEncryptThenMAC)))
	f.Add(serverHelloBody(versionTLS12, 0x1301, helloRetryRandom[:], append(ext(extSupportedVersions, 3, 4), ext(extKeyShare, 0, 29)...)))
	f.Add([]byte{3, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		sh, err := parseServerHello(b)
		if err == nil && sh == nil {
			t.Fatal("nil hello without error")
		}
	})
}

func FuzzReadFlight(f *testing.F) {
	f.Add(legacyFlight())
	f.Add(record(recordAlert, []byte{2, 70}))
	f.Add(record(recordHandshake, handshake(msgServerHello, serverHelloBody(versionTLS12, 0x1301, nil, ext(extSupportedVersions, 3, 4)))))
	f.Add([]byte("HTTP/1.0 200 OK\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fl, err := readFlight(bytes.NewReader(b))
		if err == nil && (fl == nil || fl.hello == nil) {
			t.Fatal("flight without hello and without error")
		}
	})
}
