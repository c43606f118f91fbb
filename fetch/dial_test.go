package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"vigie/observation"
)

func TestParseResolve(t *testing.T) {
	addrs := func(ss ...string) []netip.Addr {
		var out []netip.Addr
		for _, s := range ss {
			out = append(out, netip.MustParseAddr(s))
		}
		return out
	}
	tests := []struct {
		in   string
		want ResolveEntry
		str  string
		err  string
	}{
		{in: "www.example-site.test:443:127.0.0.1", want: ResolveEntry{"www.example-site.test", 443, addrs("127.0.0.1")}},
		{in: " +WWW.Example-Site.test.:80:127.0.0.1,127.0.0.2 ", want: ResolveEntry{"www.example-site.test", 80, addrs("127.0.0.1", "127.0.0.2")},
			str: "www.example-site.test:80:127.0.0.1,127.0.0.2"},
		{in: "example-site.test:443:[::1]", want: ResolveEntry{"example-site.test", 443, addrs("::1")}},
		{in: "example-site.test:443:[2001:db8::1],127.0.0.1", want: ResolveEntry{"example-site.test", 443, addrs("2001:db8::1", "127.0.0.1")},
			str: "example-site.test:443:[2001:db8::1],127.0.0.1"},
		{in: "example-site.test:443:::1", want: ResolveEntry{"example-site.test", 443, addrs("::1")}, str: "example-site.test:443:[::1]"},
		{in: "*:443:127.0.0.1", want: ResolveEntry{"*", 443, addrs("127.0.0.1")}},
		{in: "[::1]:8080:127.0.0.1", want: ResolveEntry{"::1", 8080, addrs("127.0.0.1")}},
		{in: "préfecture.example-site.test:443:127.0.0.1", want: ResolveEntry{"xn--prfecture-c4a.example-site.test", 443, addrs("127.0.0.1")},
			str: "xn--prfecture-c4a.example-site.test:443:127.0.0.1"},

		{in: "", err: "missing port"},
		{in: "example-site.test", err: "missing port"},
		{in: "example-site.test:443", err: "missing address"},
		{in: "example-site.test:443:", err: `address "" is not an IP address`},
		{in: "example-site.test:443:localhost", err: `address "localhost" is not an IP address`},
		{in: "example-site.test:443:127.0.0.1,", err: `address ""`},
		{in: "example-site.test:0:127.0.0.1", err: `port "0"`},
		{in: "example-site.test:65536:127.0.0.1", err: `port "65536"`},
		{in: "example-site.test:https:127.0.0.1", err: `port "https"`},
		{in: ":443:127.0.0.1", err: "empty host"},
		{in: "bad host:443:127.0.0.1", err: `contains ' '`},
		{in: "-example-site.test:443", err: "removing entries"},
		{in: "[nope]:443:127.0.0.1", err: "not an IPv6 address"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseResolve(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseResolve(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.err)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.in)) {
					t.Errorf("error %q does not quote the input", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("ParseResolve(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			str := tt.str
			if str == "" {
				str = strings.TrimSpace(tt.in)
			}
			if got.String() != str {
				t.Errorf("String() = %q, want %q", got.String(), str)
			}
		})
	}
}

func TestParseConnectTo(t *testing.T) {
	tests := []struct {
		in   string
		want ConnectToEntry
		err  string
	}{
		{in: ":443:127.0.0.1:8443", want: ConnectToEntry{"", 443, "127.0.0.1", 8443}},
		{in: "www.example-site.test:443:farm.example-site.test:8443", want: ConnectToEntry{"www.example-site.test", 443, "farm.example-site.test", 8443}},
		{in: "WWW.example-site.test::127.0.0.1:", want: ConnectToEntry{"www.example-site.test", 0, "127.0.0.1", 0}},
		{in: ":::", want: ConnectToEntry{}},
		{in: "[2001:db8::1]:80:[::1]:8080", want: ConnectToEntry{"2001:db8::1", 80, "::1", 8080}},
		{in: "a.example-site.test:443::9443", want: ConnectToEntry{"a.example-site.test", 443, "", 9443}},

		{in: "", err: "want 4 fields"},
		{in: "a:1:b", err: "want 4 fields"},
		{in: "a:1:b:2:3", err: "too many fields"},
		{in: "a:x:b:2", err: `port "x"`},
		{in: "a:1:b:70000", err: `port "70000"`},
		{in: "a b:1:b:2", err: `contains ' '`},
		{in: "::1:443:127.0.0.1:8443", err: "too many fields"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseConnectTo(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseConnectTo(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ParseConnectTo(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			again, err := ParseConnectTo(got.String())
			if err != nil || again != got {
				t.Errorf("round trip through %q = %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestReadResolveFile(t *testing.T) {
	got, err := ReadResolveFile("testdata/resolve.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"www.example-site.test:443:127.0.0.1", "www.example-site.test:80:127.0.0.1", "*:8443:[::1],127.0.0.1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ReadResolveFile = %q, want %q", got, want)
	}

	got, err = ReadResolveFile("testdata/resolve-bad.txt")
	if len(got) != 1 || err == nil {
		t.Fatalf("ReadResolveFile = %q, %v", got, err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "testdata/resolve-bad.txt:2: ") ||
		!strings.HasPrefix(lines[1], "testdata/resolve-bad.txt:3: ") {
		t.Errorf("error = %q", err)
	}

	if _, err := ReadResolveFile("testdata/missing.txt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDialContext(t *testing.T) {
	addr, _ := rawServer(t, func(c net.Conn) { io.WriteString(c, "hello") })
	_, p, _ := net.SplitHostPort(addr)
	c := newClient(t, Options{
		NoDNS:     true,
		Resolve:   []string{"farm.example-site.test:" + p + ":127.0.0.1"},
		ConnectTo: []string{"www.example-site.test:443:farm.example-site.test:" + p},
	})
	for _, a := range []string{"www.example-site.test:443", "farm.example-site.test:" + p, addr} {
		conn, err := c.DialContext(context.Background(), "tcp", a)
		if err != nil {
			t.Fatalf("DialContext(%s): %v", a, err)
		}
		b, _ := io.ReadAll(conn)
		conn.Close()
		if string(b) != "hello" {
			t.Errorf("DialContext(%s) read %q", a, b)
		}
	}
	_, err := c.DialContext(context.Background(), "tcp", "elsewhere.example-site.test:443")
	if ErrorKind(err) != observation.KindDNS || !strings.Contains(err.Error(), "no address for elsewhere.example-site.test (DNS disabled)") {
		t.Errorf("DialContext without entry: %v", err)
	}
	_, err = c.DialContext(context.Background(), "tcp6", "farm.example-site.test:"+p)
	if err == nil || !strings.Contains(err.Error(), "no tcp6 address") {
		t.Errorf("DialContext tcp6 with IPv4 entry: %v", err)
	}
	if _, err := c.DialContext(context.Background(), "tcp", "no-port"); err == nil {
		t.Error("DialContext without port succeeded")
	}
}

func TestErrorKind(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: "https://x.test/", Err: err} }
	tests := []struct {
		err  error
		kind string
		msg  string
	}{
		{nil, "", ""},
		{wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x.test", IsNotFound: true}}), observation.KindDNS, "lookup x.test: no such host"},
		{wrap(&net.OpError{Op: "dial", Err: &DNSDisabledError{Host: "x.test"}}), observation.KindDNS, "no address for x.test (DNS disabled)"},
		{wrap(&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}),
			observation.KindRefused, "connect to 127.0.0.1:9: connection refused"},
		{wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), observation.KindTLS, "tls: certificate signed by unknown authority"},
		{wrap(&tls.CertificateVerificationError{Err: x509.CertificateInvalidError{Reason: x509.Expired, Detail: "now is after then"}}),
			observation.KindTLS, "tls: certificate has expired or is not yet valid: now is after then"},
		{wrap(&net.OpError{Op: "remote error", Err: tls.AlertError(40)}), observation.KindTLS, "tls: server rejected the handshake: handshake failure"},
		{wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), observation.KindTLS, "first record does not look like a TLS handshake"},
		{wrap(context.DeadlineExceeded), observation.KindTimeout, "context deadline exceeded"},
		{wrap(&net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}), observation.KindTimeout, "i/o timeout"},
		{&TooLargeError{Limit: 10}, observation.KindTooLarge, "body exceeds 10 bytes"},
		{&RedirectError{Reason: "stopped after 10 redirects"}, observation.KindRedirect, "stopped after 10 redirects"},
		{wrap(errors.New(`net/http: HTTP/1.x transport connection broken: malformed HTTP response "x"`)), observation.KindHTTP, `malformed HTTP response "x"`},
		{wrap(io.EOF), observation.KindHTTP, "server closed the connection without a complete response"},
		{wrap(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), observation.KindOther, "connection reset by peer"},
		{wrap(context.Canceled), observation.KindOther, "context canceled"},
	}
	for _, tt := range tests {
		if got := ErrorKind(tt.err); got != tt.kind {
			t.Errorf("ErrorKind(%v) = %q, want %q", tt.err, got, tt.kind)
		}
		if tt.err == nil {
			continue
		}
		if got := describe(tt.err); !strings.HasSuffix(got, tt.msg) {
			t.Errorf("describe(%v) = %q, want it to end with %q", tt.err, got, tt.msg)
		}
	}
}

func TestTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{context.DeadlineExceeded, true},
		{&bodyError{os.ErrDeadlineExceeded}, true},
		{io.ErrUnexpectedEOF, true},
		{os.NewSyscallError("read", syscall.ECONNRESET), true},
		{os.NewSyscallError("connect", syscall.ECONNREFUSED), false},
		{&DNSDisabledError{Host: "x"}, false},
		{x509.UnknownAuthorityError{}, false},
		{&TooLargeError{}, false},
		{errors.New(`malformed HTTP response "x"`), false},
		{context.Canceled, false},
	}
	for _, tt := range tests {
		if got := transient(tt.err); got != tt.want {
			t.Errorf("transient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
