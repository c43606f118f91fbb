package dnsq_test

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"vigie/dnsq"
	"vigie/internal/authdns"
)

func TestQueryAgainstKnot(t *testing.T) {
	long := `@ TXT "v=spf1 ip4:192.0.2.0/24 " "include:_spf.mail.test -all"`
	srv := authdns.Start(t,
		authdns.Zone{Name: "mairie.test", Records: []string{
			"www CNAME front.mairie.test.",
			"front A 192.0.2.10",
			"front AAAA 2001:db8::10",
			"@ MX 10 mx1.mairie.test.",
			"mx1 A 192.0.2.25",
			long,
		}},
		authdns.Zone{Name: "signe.test", Sign: true, Records: []string{"@ A 192.0.2.53"}},
	)
	c := dnsq.Client{Server: srv.Addr, Timeout: 2 * time.Second}
	ctx := context.Background()
	cases := []struct {
		name, qtype, wantType, rcode string
		want                         []string
	}{
		{"www.mairie.test", "A", "A", "NOERROR", []string{"192.0.2.10"}},
		{"www.mairie.test", "A", "CNAME", "NOERROR", []string{"front.mairie.test."}},
		{"front.mairie.test", "AAAA", "AAAA", "NOERROR", []string{"2001:db8::10"}},
		{"mairie.test", "MX", "MX", "NOERROR", []string{"10 mx1.mairie.test."}},
		// Strings of one TXT record are joined without separator.
		{"mairie.test", "txt", "TXT", "NOERROR", []string{"v=spf1 ip4:192.0.2.0/24 include:_spf.mail.test -all"}},
		{"mairie.test", "NS", "NS", "NOERROR", []string{"ns1.mairie.test."}},
		{"absent.mairie.test", "A", "A", "NXDOMAIN", nil},
		{"front.mairie.test", "TXT", "TXT", "NOERROR", nil},
		{"signe.test", "A", "RRSIG", "NOERROR", nil}, // checked below: present
	}
	for _, tc := range cases {
		a, err := c.Query(ctx, tc.name, tc.qtype)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.qtype, tc.name, err)
		}
		if a.RCode != tc.rcode || a.Server != srv.Addr || a.Time.IsZero() || len(a.Wire) == 0 {
			t.Errorf("%s %s: rcode %s server %s time %v wire %d", tc.qtype, tc.name, a.RCode, a.Server, a.Time, len(a.Wire))
		}
		got := a.Values(tc.wantType)
		if tc.wantType == "RRSIG" {
			if len(got) == 0 {
				t.Errorf("%s: signed zone answered without RRSIG: %+v", tc.name, a.Records)
			}
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: %s values %q, want %q", tc.qtype, tc.name, tc.wantType, got, tc.want)
		}
	}

	// The standard library's lookups go to the same server.
	addrs, err := c.Resolver().LookupHost(ctx, "front.mairie.test")
	if err != nil || !slices.Contains(addrs, "192.0.2.10") {
		t.Errorf("Resolver().LookupHost = %v, %v", addrs, err)
	}
	if _, err := c.Query(ctx, "mairie.test", "NOPE"); err == nil {
		t.Error("unknown type accepted")
	}
}

func TestQueryNoAnswer(t *testing.T) {
	// A UDP port nobody answers on: the query fails within the timeout.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	c := dnsq.Client{Server: pc.LocalAddr().String(), Timeout: 200 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Query(ctx, "mairie.test", "A"); err == nil {
		t.Fatal("no error from a silent server")
	}
}

func TestParseServer(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:5353", "127.0.0.1:5353"},
		{"127.0.0.1", "127.0.0.1:53"},
		{"[::1]:53", "[::1]:53"},
		{"::1", "[::1]:53"},
		{"", ""},
		{"ns.example:53", "!"},
		{"127.0.0.1:0", "!"},
		{"127.0.0.1:http", "!"},
	} {
		got, err := dnsq.ParseServer(tc.in)
		if tc.want == "!" {
			if err == nil {
				t.Errorf("ParseServer(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseServer(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
