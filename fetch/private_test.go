package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestPrivateAddr(t *testing.T) {
	tests := []struct {
		addr, want string
	}{
		{"127.0.0.1", "loopback"},
		{"127.9.9.9", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"192.168.1.1", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"100.64.0.1", "shared (CGNAT)"},
		{"100.127.255.255", "shared (CGNAT)"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"0.1.2.3", "this-network"},
		{"0.255.255.255", "this-network"},
		{"198.18.0.1", "benchmarking"},
		{"198.19.255.255", "benchmarking"},
		{"198.20.0.1", ""},
		{"198.17.255.255", ""},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "reserved"},
		{"192.0.0.8", "IETF protocol"},
		{"192.0.2.10", "documentation"},
		{"198.51.100.7", "documentation"},
		{"203.0.113.200", "documentation"},
		{"203.0.114.1", ""},
		{"192.88.99.1", "6to4 relay"},
		{"2001:db8::1", "documentation"},
		{"3fff::1", "documentation"},
		// NAT64 (RFC 6052): judged on the embedded IPv4.
		{"64:ff9b::7f00:1", "loopback (embedded in 64:ff9b::7f00:1)"},
		{"64:ff9b::a9fe:a9fe", "link-local (embedded in 64:ff9b::a9fe:a9fe)"},
		{"64:ff9b::c0a8:101", "private (embedded in 64:ff9b::c0a8:101)"},
		{"64:ff9b::808:808", ""},
		{"64:ff9b:1::a00:1", "private (embedded in 64:ff9b:1::a00:1)"},
		{"64:ff9b:1:7f00:0:100::", "loopback (embedded in 64:ff9b:1:7f00:0:100::)"}, // /48 layout: 127.0.0.1
		{"64:ff9b:1::808:808", ""},
		// 6to4 (RFC 3056): judged on the embedded IPv4.
		{"2002:7f00:1::1", "loopback (embedded in 2002:7f00:1::1)"},
		{"2002:a00:1::1", "private (embedded in 2002:a00:1::1)"},
		{"2002:808:808::1", ""},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
		{"2001:2::1", "benchmarking"},
		{"::7f00:1", "IPv4-compatible (deprecated)"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:0.0.0.1", "this-network"},
		{"100.128.0.1", ""},
		{"172.32.0.1", ""},
		{"8.8.8.8", ""},
		{"2a00:1450:4007:80f::200e", ""},
		{"2606:4700::6810:84e5", ""},
	}
	for _, tt := range tests {
		if got := PrivateAddr(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("PrivateAddr(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestDenyPrivateDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	p := port(t, srv.URL)
	tests := []struct {
		name    string
		opts    Options
		addr    string
		refused bool
	}{
		{"literal denied", Options{DenyPrivate: true}, "127.0.0.1:" + p, true},
		{"resolved name denied", Options{DenyPrivate: true, Resolve: []string{"www.rebind.test:" + p + ":127.0.0.1"}}, "www.rebind.test:" + p, true},
		{"connect-to denied", Options{DenyPrivate: true, ConnectTo: []string{"www.public.test:80:127.0.0.1:" + p}}, "www.public.test:80", true},
		{"literal allowed", Options{}, "127.0.0.1:" + p, false},
		{"resolved name allowed", Options{Resolve: []string{"www.rebind.test:" + p + ":127.0.0.1"}}, "www.rebind.test:" + p, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, tt.opts)
			conn, err := c.DialContext(context.Background(), "tcp", tt.addr)
			if conn != nil {
				conn.Close()
			}
			var pe *PrivateAddressError
			if got := errors.As(err, &pe); got != tt.refused {
				t.Fatalf("dial %s: err %v, want refused=%v", tt.addr, err, tt.refused)
			}
			if tt.refused && (pe.Reason != "loopback" || pe.Addr != netip.MustParseAddr("127.0.0.1")) {
				t.Errorf("refusal %+v", pe)
			}
			if !tt.refused && err != nil {
				t.Errorf("dial %s: %v", tt.addr, err)
			}
		})
	}
	// A whole request fails without reaching the server.
	c := newClient(t, Options{DenyPrivate: true, Retries: -1})
	resp := c.Get(context.Background(), srv.URL)
	if !strings.Contains(resp.Error, "refusing to connect to 127.0.0.1: loopback address") {
		t.Errorf("GET %s with DenyPrivate: error %q", srv.URL, resp.Error)
	}
}
