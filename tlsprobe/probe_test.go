package tlsprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/observation"
)

func probe(t *testing.T, opts Options, host string, port int) *observation.TLSReport {
	t.Helper()
	if opts.Dial == nil {
		opts.Dial = loopbackDial()
	}
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	rep, err := New(opts).Probe(context.Background(), host, port)
	if err != nil {
		t.Fatalf("probe %s:%d: %v", host, port, err)
	}
	return rep
}

func suiteNames(p *observation.TLSProtocol) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, s := range p.Suites {
		out = append(out, s.Name)
	}
	return out
}

func deviationTopics(rep *observation.TLSReport, profile string) []string {
	var out []string
	for _, p := range rep.Profiles {
		if p.Name == profile {
			for _, d := range p.Deviations {
				out = append(out, d.Topic)
			}
		}
	}
	return out
}

func TestProbeStrongGoServer(t *testing.T) {
	ca := newCA(t)
	cfg := &tls.Config{
		Certificates:     []tls.Certificate{ca.leaf(t, leafSpec{ocsp: true})},
		MinVersion:       tls.VersionTLS12,
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256},
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		},
	}
	port := goServer(t, cfg)
	rep := probe(t, Options{RootCAs: ca.pool}, "localhost", port)

	if got := rep.Accepted(); !slices.Equal(got, []string{observation.TLS12, observation.TLS13}) {
		t.Errorf("accepted %v, want TLS 1.2 and 1.3", got)
	}
	got12 := suiteNames(rep.Protocol(observation.TLS12))
	slices.Sort(got12)
	want12 := []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}
	if !slices.Equal(got12, want12) {
		t.Errorf("TLS 1.2 suites %v, want %v", got12, want12)
	}
	if got := suiteNames(rep.Protocol(observation.TLS13)); len(got) != 3 {
		t.Errorf("TLS 1.3 suites %v, want Go's three", got)
	}
	for _, v := range []string{observation.TLS12, observation.TLS13} {
		p := rep.Protocol(v)
		g := slices.Clone(p.Groups)
		slices.Sort(g)
		if !slices.Equal(g, []string{"secp256r1", "x25519"}) {
			t.Errorf("%s groups %v, want x25519 and secp256r1", v, g)
		}
		for _, s := range p.Suites {
			if s.Class != observation.TLSClassAEAD {
				t.Errorf("%s: class %s", s.Name, s.Class)
			}
		}
	}
	c := rep.Certificate
	if c == nil || !c.Trusted || !c.HostnameMatch || c.KeyType != "ECDSA" || c.KeyBits != 256 || c.SelfSigned || len(c.OCSPServers) != 1 {
		t.Errorf("certificate %+v", c)
	}
	if topics := deviationTopics(rep, ProfileANSSI); len(topics) != 0 {
		t.Errorf("ANSSI deviations %v, want none", topics)
	}
	if topics := deviationTopics(rep, ProfileIntermediate); len(topics) != 0 {
		t.Errorf("Mozilla intermediate deviations %v, want none", topics)
	}
	if topics := deviationTopics(rep, ProfileModern); !slices.Contains(topics, observation.TLSTopicProtocol) {
		t.Errorf("Mozilla modern deviations %v, want TLS 1.2 named", topics)
	}
	if rep.Handshakes > 40 {
		t.Errorf("%d handshakes for a small server", rep.Handshakes)
	}
}

func TestProbeWeakGoServer(t *testing.T) {
	ca := newCA(t)
	cfg := &tls.Config{
		Certificates: []tls.Certificate{ca.leaf(t, leafSpec{rsaBits: 2048})},
		MinVersion:   tls.VersionTLS10,
		MaxVersion:   tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_RSA_WITH_RC4_128_SHA,
			tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
			tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
			tls.TLS_RSA_WITH_AES_128_CBC_SHA,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		},
	}
	port := goServer(t, cfg)
	rep := probe(t, Options{RootCAs: ca.pool}, "localhost", port)
	if got := rep.Accepted(); !slices.Equal(got, []string{observation.TLS10, observation.TLS11, observation.TLS12}) {
		t.Fatalf("accepted %v, want TLS 1.0 to 1.2", got)
	}
	classes := map[string]string{}
	for _, s := range rep.Protocol(observation.TLS12).Suites {
		classes[s.Name] = s.Class
	}
	want := map[string]string{
		"TLS_RSA_WITH_RC4_128_SHA":              observation.TLSClassRC4,
		"TLS_RSA_WITH_3DES_EDE_CBC_SHA":         observation.TLSClass64Bit,
		"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA":   observation.TLSClass64Bit,
		"TLS_RSA_WITH_AES_128_CBC_SHA":          observation.TLSClassNoFS,
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": observation.TLSClassAEAD,
	}
	for name, class := range want {
		if classes[name] != class {
			t.Errorf("%s: class %q, want %q", name, classes[name], class)
		}
	}
	if len(classes) != len(want) {
		t.Errorf("TLS 1.2 suites %v", classes)
	}
	if p := rep.Protocol(observation.TLS10); len(p.Suites) != 4 {
		t.Errorf("TLS 1.0 suites %v, want the four non-GCM ones", suiteNames(p))
	}
	if p := rep.Protocol(observation.TLS12); p.Preference != "server" {
		t.Errorf("TLS 1.2 preference %q; Go servers impose their order", p.Preference)
	}
	topics := deviationTopics(rep, ProfileANSSI)
	for _, want := range []string{observation.TLSTopicProtocol, observation.TLSTopicCipher, observation.TLSTopicForwardSecrecy} {
		if !slices.Contains(topics, want) {
			t.Errorf("ANSSI deviations %v lack %s", topics, want)
		}
	}
}

func TestProbeCertificates(t *testing.T) {
	ca := newCA(t)
	now := time.Now()
	day := 24 * time.Hour
	tests := []struct {
		name  string
		spec  leafSpec
		roots bool
		check func(*observation.TLSCertificate) bool
		probs []string
	}{
		{"valid", leafSpec{}, true, func(c *observation.TLSCertificate) bool { return c.Trusted && c.DaysLeft >= 79 }, nil},
		{"expired", leafSpec{notBefore: now.Add(-90 * day), notAfter: now.Add(-day)}, true,
			func(c *observation.TLSCertificate) bool { return c.Expired && c.Trusted }, []string{"expired"}},
		{"not yet valid", leafSpec{notBefore: now.Add(day), notAfter: now.Add(90 * day)}, true,
			func(c *observation.TLSCertificate) bool { return c.NotYetValid }, []string{"not yet valid"}},
		{"expiring", leafSpec{notAfter: now.Add(10*day + time.Hour)}, true,
			func(c *observation.TLSCertificate) bool { return c.DaysLeft == 10 && !c.Expired }, nil},
		{"wrong name", leafSpec{names: []string{"www.example.test"}}, true,
			func(c *observation.TLSCertificate) bool { return !c.HostnameMatch }, []string{"hostname mismatch"}},
		{"self-signed", leafSpec{selfSigned: true}, true,
			func(c *observation.TLSCertificate) bool { return c.SelfSigned && !c.Trusted }, []string{"self-signed"}},
		{"unknown CA", leafSpec{}, false,
			func(c *observation.TLSCertificate) bool { return !c.Trusted && c.VerifyError != "" }, []string{"untrusted chain"}},
		{"RSA 1024", leafSpec{rsaBits: 1024}, true,
			func(c *observation.TLSCertificate) bool {
				return c.KeyType == "RSA" && c.KeyBits == 1024 && WeakKey(c.KeyType, c.KeyBits)
			}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, tt.spec)}}
			port := goServer(t, cfg)
			opts := Options{}
			if tt.roots {
				opts.RootCAs = ca.pool
			}
			rep := probe(t, opts, "localhost", port)
			c := rep.Certificate
			if c == nil || c.Error != "" {
				t.Fatalf("certificate %+v", c)
			}
			if !tt.check(c) {
				t.Errorf("certificate facts %+v", c)
			}
			if got := CertificateProblems(c); !slices.Equal(got, tt.probs) {
				t.Errorf("problems %v, want %v", got, tt.probs)
			}
		})
	}
}

// TestProbeSharesAddress: hosts behind one address share protocol and
// suite results only when their own handshakes, each with its SNI,
// negotiate the same and present the same certificate; a host the server
// configures otherwise by SNI (another certificate, other protocol
// versions) is probed in full and keeps its own verdicts.
func TestProbeSharesAddress(t *testing.T) {
	ca := newCA(t)
	both := ca.leaf(t, leafSpec{names: []string{"a.example.test", "b.example.test"}})
	other := ca.leaf(t, leafSpec{names: []string{"b.example.test", "c.example.test"}})
	rsaA := ca.leaf(t, leafSpec{names: []string{"a.example.test"}, rsaBits: 2048})
	rsaB := ca.leaf(t, leafSpec{names: []string{"b.example.test"}, rsaBits: 2048})
	fs := []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256}
	withRSA := append(slices.Clone(fs), tls.TLS_RSA_WITH_AES_128_GCM_SHA256)
	const noFS = "TLS_RSA_WITH_AES_128_GCM_SHA256"
	// rsaPair serves a and b with their own RSA certificates and suites.
	rsaPair := func(aSuites, bSuites []uint16) func(string) *tls.Config {
		return func(name string) *tls.Config {
			if name == "b.example.test" {
				return &tls.Config{Certificates: []tls.Certificate{rsaB}, CipherSuites: bSuites}
			}
			return &tls.Config{Certificates: []tls.Certificate{rsaA}, CipherSuites: aSuites}
		}
	}
	tests := []struct {
		name string
		// config returns the server's configuration for a name.
		config func(name string) *tls.Config
		// wantShared is the host the second host's results come from,
		// "" for a full probe; wantVerified says they were verified on
		// the second host (another certificate).
		wantShared   string
		wantVerified bool
		// want13 says whether b.example.test accepts TLS 1.3, wantNoFS
		// whether it accepts the suite without forward secrecy.
		want13, wantNoFS bool
	}{
		{
			name:       "one certificate, one configuration",
			config:     func(string) *tls.Config { return &tls.Config{Certificates: []tls.Certificate{both}} },
			wantShared: "a.example.test", want13: true,
		},
		{
			name: "another certificate by SNI",
			config: func(name string) *tls.Config {
				if name == "b.example.test" {
					return &tls.Config{Certificates: []tls.Certificate{other}}
				}
				return &tls.Config{Certificates: []tls.Certificate{both}}
			},
			wantShared: "a.example.test", wantVerified: true, want13: true,
		},
		{
			name:       "another certificate, the same suite without forward secrecy",
			config:     rsaPair(withRSA, withRSA),
			wantShared: "a.example.test", wantVerified: true, want13: true, wantNoFS: true,
		},
		{
			// Verification finds the suite a does not accept: b is probed
			// in full and keeps its finding.
			name:   "another certificate, one more suite without forward secrecy",
			config: rsaPair(fs, withRSA),
			want13: true, wantNoFS: true,
		},
		{
			// a's weak suite is not lent to b, which refuses it.
			name:   "another certificate, one suite without forward secrecy fewer",
			config: rsaPair(withRSA, fs),
			want13: true,
		},
		{
			name: "same certificate, other protocols by SNI",
			config: func(name string) *tls.Config {
				if name == "b.example.test" {
					return &tls.Config{Certificates: []tls.Certificate{both}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS12}
				}
				return &tls.Config{Certificates: []tls.Certificate{both}}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := goServer(t, &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
				return tt.config(h.ServerName), nil
			}})
			p := New(Options{Dial: loopbackDial(), RootCAs: ca.pool})
			first, err := p.Probe(context.Background(), "a.example.test", port)
			if err != nil {
				t.Fatal(err)
			}
			second, err := p.Probe(context.Background(), "b.example.test", port)
			if err != nil {
				t.Fatal(err)
			}
			if second.SharedFrom != tt.wantShared {
				t.Errorf("second host: shared from %q, want %q", second.SharedFrom, tt.wantShared)
			}
			if second.SharedVerified != tt.wantVerified {
				t.Errorf("second host: verified %v, want %v", second.SharedVerified, tt.wantVerified)
			}
			switch {
			case tt.wantShared != "" && !tt.wantVerified && second.Handshakes != 1:
				t.Errorf("second host: %d handshakes, want 1", second.Handshakes)
			case tt.wantVerified && (second.Handshakes <= 1 || second.Handshakes >= first.Handshakes):
				t.Errorf("second host: %d handshakes, want more than 1 and fewer than the full probe's %d", second.Handshakes, first.Handshakes)
			case tt.wantShared == "" && second.Handshakes < 10:
				t.Errorf("second host: %d handshakes, want a full probe", second.Handshakes)
			}
			if tt.wantShared != "" && !slices.Equal(first.Accepted(), second.Accepted()) {
				t.Errorf("second host: accepted %v, want %v", second.Accepted(), first.Accepted())
			}
			var suites []string
			for _, s := range second.Protocol(observation.TLS12).Suites {
				suites = append(suites, s.Name)
			}
			if got := slices.Contains(suites, noFS); got != tt.wantNoFS {
				t.Errorf("second host: TLS 1.2 suites %v; %s accepted %v, want %v", suites, noFS, got, tt.wantNoFS)
			}
			if got := second.Protocol(observation.TLS13).Accepted; got != tt.want13 {
				t.Errorf("second host: TLS 1.3 accepted %v, want %v", got, tt.want13)
			}
			if !second.Certificate.HostnameMatch {
				t.Errorf("second host: certificate %+v", second.Certificate)
			}
			// A third host with the second's configuration shares its
			// results, not the first's.
			if tt.wantShared == "" {
				third, err := p.Probe(context.Background(), "b.example.test", port)
				if err != nil {
					t.Fatal(err)
				}
				if third.SharedFrom != "b.example.test" || !slices.Equal(third.Accepted(), second.Accepted()) {
					t.Errorf("third probe: shared from %q, accepted %v; want b.example.test's %v", third.SharedFrom, third.Accepted(), second.Accepted())
				}
			}
		})
	}
}

// A name the server refuses comes first: its failure is not shared with
// the names that the server does serve on the same address.
func TestProbeSharesNoRefusal(t *testing.T) {
	ca := newCA(t)
	leaf := ca.leaf(t, leafSpec{names: []string{"b.example.test"}})
	// TLS 1.2: a TLS 1.3 server answers the hello before it picks a
	// certificate, so the refused name would seem to accept TLS 1.3.
	cfg := &tls.Config{MaxVersion: tls.VersionTLS12, GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if h.ServerName != "b.example.test" {
			return nil, errors.New("no such site")
		}
		return &leaf, nil
	}}
	port := goServer(t, cfg)
	p := New(Options{Dial: loopbackDial(), RootCAs: ca.pool})
	refused, _ := p.Probe(context.Background(), "a.example.test", port)
	served, err := p.Probe(context.Background(), "b.example.test", port)
	if err != nil {
		t.Fatal(err)
	}
	if len(refused.Accepted()) != 0 || len(served.Accepted()) == 0 || served.SharedFrom != "" {
		t.Errorf("refused name accepts %v; served name accepts %v, shared from %q", refused.Accepted(), served.Accepted(), served.SharedFrom)
	}
	// The other way round: the served name's results are not lent to the
	// refused one.
	again, _ := p.Probe(context.Background(), "c.example.test", port)
	if len(again.Accepted()) != 0 || again.SharedFrom != "" {
		t.Errorf("refused name after a served one accepts %v, shared from %q", again.Accepted(), again.SharedFrom)
	}
}

func TestProbeBudget(t *testing.T) {
	ca := newCA(t)
	port := goServer(t, &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, leafSpec{})}})
	rep := probe(t, Options{MaxHandshakes: 6, Concurrency: 1}, "localhost", port)
	if !rep.Incomplete || rep.Handshakes > 6 {
		t.Errorf("incomplete %v after %d handshakes, notes %v", rep.Incomplete, rep.Handshakes, rep.Notes)
	}
}

func TestProbeRefused(t *testing.T) {
	port := freePort(t)
	rep, err := New(Options{Timeout: time.Second}).Probe(context.Background(), "127.0.0.1", port)
	if err == nil || rep.ErrorKind != observation.KindRefused {
		t.Errorf("error %v, kind %q", err, rep.ErrorKind)
	}
}

// TestProbeHostileServers checks that servers that stall, send garbage or
// drip bytes never make the prober hang.
func TestProbeHostileServers(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name   string
		handle func(net.Conn)
	}{
		{"silent", func(c net.Conn) { io.Copy(io.Discard, c) }},
		{"garbage", func(c net.Conn) {
			c.Read(make([]byte, 1024))
			c.Write([]byte("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
		}},
		{"stall mid-record", func(c net.Conn) {
			c.Read(make([]byte, 1024))
			c.Write([]byte{22, 3, 3, 0, 200, 2, 0})
			io.Copy(io.Discard, c)
		}},
		{"endless records", func(c net.Conn) {
			c.Read(make([]byte, 1024))
			rec := append([]byte{22, 3, 3, 0x40, 0}, make([]byte, 0x4000)...)
			rec[5] = 11 // a certificate message that never ends
			rec[6], rec[7], rec[8] = 0x0f, 0xff, 0xff
			for c.SetWriteDeadline(time.Now().Add(5*time.Second)) == nil {
				if _, err := c.Write(rec); err != nil {
					return
				}
				rec = append([]byte{22, 3, 3, 0x40, 0}, make([]byte, 0x4000)...)
			}
		}},
		{"close at once", func(c net.Conn) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := rawServer(t, tt.handle)
			start := time.Now()
			rep, _ := New(Options{Timeout: timeout}).Probe(context.Background(), "127.0.0.1", port)
			if d := time.Since(start); d > 8*timeout {
				t.Errorf("probe took %v", d)
			}
			if len(rep.Accepted()) != 0 || rep.Error == "" {
				t.Errorf("accepted %v, error %q", rep.Accepted(), rep.Error)
			}
		})
	}
}

// TestProbeCancel checks that cancelling the context stops a probe at
// once.
func TestProbeCancel(t *testing.T) {
	port := rawServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	New(Options{Timeout: time.Minute}).Probe(ctx, "127.0.0.1", port)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("probe ran %v after its context ended", d)
	}
}

// sslv3Hello answers SSL 3.0 hellos the way an SSL 3.0 server does and
// refuses every other version: no real server of that age is at hand.
func sslv3Hello(c net.Conn) {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(c, body); err != nil {
		return
	}
	if len(body) < 6 || body[4] != 3 || body[5] != 0 {
		c.Write([]byte{21, 3, 0, 0, 2, 2, 70}) // protocol_version
		return
	}
	// Pick the client's first suite among RC4-SHA and DES-CBC3-SHA.
	r := reader(body[4+2+32:])
	r.vec8()
	list, _ := r.vec16()
	var pick uint16
	for len(list) > 0 {
		s, _ := list.u16()
		if s == 0x0005 || s == 0x000A {
			pick = s
			break
		}
	}
	if pick == 0 {
		c.Write([]byte{21, 3, 0, 0, 2, 2, 40})
		return
	}
	var w builder
	w.u8(2)
	w.prefixed(3, func() {
		w.u16(versionSSL30)
		w.bytes(make([]byte, 32))
		w.u8(0)
		w.u16(pick)
		w.u8(0)
	})
	w.u8(14) // ServerHelloDone
	w.u24(0)
	msg := w.b
	// Deliver the flight in two records, one byte at a time, to exercise
	// reassembly.
	recs := [][]byte{msg[:3], msg[3:]}
	for _, p := range recs {
		out := append([]byte{22, 3, 0, byte(len(p) >> 8), byte(len(p))}, p...)
		for _, b := range out {
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
		}
	}
	io.Copy(io.Discard, c)
}

func TestProbeSSL30(t *testing.T) {
	port := rawServer(t, sslv3Hello)
	rep, _ := New(Options{Timeout: time.Second}).Probe(context.Background(), "127.0.0.1", port)
	if got := rep.Accepted(); !slices.Equal(got, []string{observation.SSL30}) {
		t.Fatalf("accepted %v, want SSL 3.0 only (error %q)", got, rep.Error)
	}
	got := suiteNames(rep.Protocol(observation.SSL30))
	slices.Sort(got)
	if want := []string{"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_RC4_128_SHA"}; !slices.Equal(got, want) {
		t.Errorf("SSL 3.0 suites %v, want %v", got, want)
	}
	if !strings.Contains(strings.Join(deviationTopics(rep, ProfileANSSI), " "), observation.TLSTopicProtocol) {
		t.Errorf("ANSSI deviations %v", deviationTopics(rep, ProfileANSSI))
	}
}

func TestDeclined(t *testing.T) {
	for _, err := range []error{&AlertError{2, 40}, io.EOF, io.ErrUnexpectedEOF} {
		if !declined(err) {
			t.Errorf("%v not taken as declined", err)
		}
	}
	for _, err := range []error{errNotTLS, errors.New("i/o timeout"), errBudget} {
		if declined(err) {
			t.Errorf("%v taken as declined", err)
		}
	}
}

// The configurations remembered for sharing stay within MaxShared however
// many hosts are probed, and a forgotten one is probed again in full.
func TestSharedBounded(t *testing.T) {
	ca := newCA(t)
	names := []string{"a.example.test", "b.example.test", "c.example.test", "d.example.test", "e.example.test"}
	// Each name negotiates its own suite, so that none is compared with
	// another (verify): a TLS 1.3, the others one TLS 1.2 suite each.
	only := map[string]uint16{
		"b.example.test": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "c.example.test": tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		"d.example.test": tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, "e.example.test": tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	}
	certs := map[string]tls.Certificate{}
	for _, n := range names {
		certs[n] = ca.leaf(t, leafSpec{names: []string{n}})
	}
	port := goServer(t, &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		cfg := &tls.Config{Certificates: []tls.Certificate{certs[h.ServerName]}}
		if s, ok := only[h.ServerName]; ok {
			cfg.MaxVersion, cfg.CipherSuites = tls.VersionTLS12, []uint16{s}
		}
		return cfg, nil
	}})
	// Each probe remembers two entries: its certificate's and its
	// negotiated suite's.
	p := New(Options{Dial: loopbackDial(), RootCAs: ca.pool, MaxShared: 4})
	for i, n := range names {
		rep, err := p.Probe(context.Background(), n, port)
		if err != nil {
			t.Fatal(err)
		}
		if rep.SharedFrom != "" {
			t.Errorf("%s shared from %q", n, rep.SharedFrom)
		}
		if got, want := p.sharedCount(), min(2*(i+1), 4); got != want {
			t.Errorf("after %s: %d configurations remembered, want %d", n, got, want)
		}
	}
	// The last one is remembered, the first one forgotten.
	if rep, _ := p.Probe(context.Background(), "e.example.test", port); rep.SharedFrom != "e.example.test" {
		t.Errorf("e.example.test again: shared from %q, want itself", rep.SharedFrom)
	}
	if rep, _ := p.Probe(context.Background(), "a.example.test", port); rep.SharedFrom != "" || rep.Handshakes < 10 {
		t.Errorf("a.example.test again: shared from %q after %d handshakes, want a full probe", rep.SharedFrom, rep.Handshakes)
	}
}

// After a host failed its verification and was probed in full, the next
// host like it is verified against it, and a host like the first against
// the first: an address keeps several configurations.
func TestProbeVerifiesAgainstSeveral(t *testing.T) {
	ca := newCA(t)
	certs := map[string]tls.Certificate{}
	for _, n := range []string{"a.example.test", "b.example.test", "c.example.test", "d.example.test"} {
		certs[n] = ca.leaf(t, leafSpec{names: []string{n}})
	}
	// b and c also accept a CBC suite with SHA-256 that Go leaves out by
	// default.
	extra := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}
	port := goServer(t, &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		cfg := &tls.Config{Certificates: []tls.Certificate{certs[h.ServerName]}}
		if h.ServerName == "b.example.test" || h.ServerName == "c.example.test" {
			cfg.CipherSuites = extra
		}
		return cfg, nil
	}})
	p := New(Options{Dial: loopbackDial(), RootCAs: ca.pool})
	for _, tt := range []struct {
		host, sharedFrom string
		verified         bool
	}{
		{"a.example.test", "", false},
		{"b.example.test", "", false}, // verified against a, failed, probed in full
		{"c.example.test", "b.example.test", true},
		{"d.example.test", "a.example.test", true},
	} {
		rep, err := p.Probe(context.Background(), tt.host, port)
		if err != nil {
			t.Fatal(err)
		}
		if rep.SharedFrom != tt.sharedFrom || rep.SharedVerified != tt.verified {
			t.Errorf("%s: shared from %q, verified %v; want %q, %v", tt.host, rep.SharedFrom, rep.SharedVerified, tt.sharedFrom, tt.verified)
		}
		var suites []string
		for _, s := range rep.Protocol(observation.TLS12).Suites {
			suites = append(suites, s.Name)
		}
		if got, want := slices.Contains(suites, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"), tt.host == "b.example.test" || tt.host == "c.example.test"; got != want {
			t.Errorf("%s: TLS 1.2 suites %v", tt.host, suites)
		}
	}
}

// A server that speaks TLS 1.2 or 1.3 and refuses the legacy versions is
// asked about them with one hello, not one per version; a server that
// speaks them all still has each found.
func TestLegacyRefusedOneHello(t *testing.T) {
	ca := newCA(t)
	leaf := ca.leaf(t, leafSpec{names: []string{"a.example.test"}})
	for _, tt := range []struct {
		name       string
		minVersion uint16
		want       []string
		// wantLegacyHellos is the number of hellos offering TLS 1.1 at
		// most the server may receive; 0 means no bound.
		wantLegacyHellos int
	}{
		{"modern only", tls.VersionTLS12, []string{observation.TLS12, observation.TLS13}, 1},
		{"every version Go speaks", tls.VersionTLS10, []string{observation.TLS10, observation.TLS11, observation.TLS12, observation.TLS13}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			legacy := 0
			port := goServer(t, &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
				if len(h.SupportedVersions) > 0 && slices.Max(h.SupportedVersions) < tls.VersionTLS12 {
					mu.Lock()
					legacy++
					mu.Unlock()
				}
				return &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tt.minVersion, CipherSuites: []uint16{
					tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}}, nil
			}})
			rep := probe(t, Options{RootCAs: ca.pool}, "a.example.test", port)
			if got := rep.Accepted(); !slices.Equal(got, tt.want) {
				t.Errorf("accepted %v, want %v", got, tt.want)
			}
			for _, p := range rep.Protocols {
				if p.Error != "" {
					t.Errorf("%s: error %q", p.Version, p.Error)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if tt.wantLegacyHellos > 0 && legacy != tt.wantLegacyHellos {
				t.Errorf("%d hellos offering TLS 1.1 at most, want %d", legacy, tt.wantLegacyHellos)
			}
		})
	}
}
