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
		{"100.128.0.1", ""},
		{"172.32.0.1", ""},
		{"192.0.2.10", ""},
		{"2001:db8::1", ""},
		{"8.8.8.8", ""},
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
