package fetch

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie/internal/authdns"
	"vigie/internal/netns"
)

// TestDNSOption resolves names through the server of Options.DNS (a real
// Knot DNS) and, with LoopbackOnly, refuses a name that resolves to a
// public address before any packet leaves: it runs in a network
// namespace of its own all the same.
func TestDNSOption(t *testing.T) {
	if !netns.Isolate(t) {
		return
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<p>" + r.Host + "</p>"))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	dns := authdns.Start(t, authdns.Zone{Name: "dnsopt.test", Records: []string{
		"www A 127.0.0.1", "public A 51.91.1.1", "alias CNAME www",
	}})
	c, err := New(Options{DNS: dns.Addr, LoopbackOnly: true, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tc := range []struct {
		host string
		err  string
	}{
		{"www.dnsopt.test", ""},
		{"alias.dnsopt.test", ""},
		{"public.dnsopt.test", "only loopback"},
		{"absent.dnsopt.test", "no such host"},
	} {
		r := c.Get(context.Background(), "http://"+tc.host+":"+port+"/")
		if tc.err == "" {
			if !r.OK() || !strings.Contains(string(r.Body), tc.host) {
				t.Errorf("%s: %v %q", tc.host, r.Error, r.Body)
			}
			continue
		}
		if r.OK() || !strings.Contains(r.Error, tc.err) {
			t.Errorf("%s: error %q, want %q", tc.host, r.Error, tc.err)
		}
	}
	// An address literal outside loopback is refused too.
	if r := c.Get(context.Background(), "http://192.0.2.1:"+port+"/"); r.OK() || !strings.Contains(r.Error, "only loopback") {
		t.Errorf("192.0.2.1: %q", r.Error)
	}
}
