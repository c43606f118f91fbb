package hosting_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/dnsq"
	"vigie/hosting"
	"vigie/hosting/hostingtest"
	"vigie/internal/authdns"
	"vigie/observation"
)

// leafIssuedBy returns a DER certificate whose issuer's organisation is org.
func leafIssuedBy(t *testing.T, org string) []byte {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{Organization: []string{org}, CommonName: org + " CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestExamine(t *testing.T) {
	srv := authdns.Start(t,
		authdns.Zone{Name: "sante-ovh.test", Records: []string{"www A 51.91.10.20", "www AAAA 2001:41d0:1::20", "@ MX 10 mx1.mail.ovh.net."}},
		authdns.Zone{Name: "sante-hetzner.test", Records: []string{"www A 88.198.1.2"}},
		authdns.Zone{Name: "cdn-alias.test", Records: []string{"www CNAME www.cdn-alias.test.cdn.cloudflare.net."}},
		authdns.Zone{Name: "cloudflare.net", Records: []string{"www.cdn-alias.test.cdn A 104.16.1.1"}},
		authdns.Zone{Name: "cf-header.test", Records: []string{"www A 104.17.2.2"}},
		authdns.Zone{Name: "cloudfront-alias.test", Records: []string{"www CNAME d111.cloudfront.net."}},
		authdns.Zone{Name: "cloudfront.net", Records: []string{"d111 A 13.32.1.1"}},
		authdns.Zone{Name: "us-host.test", Records: []string{"www A 159.89.3.3"}},
		authdns.Zone{Name: "sg-host.test", Records: []string{"www A 128.199.3.3"}},
		authdns.Zone{Name: "unknown-as.test", Records: []string{"www A 185.199.108.5"}},
		authdns.Zone{Name: "mixed.test", Records: []string{"www A 51.91.1.1", "www A 88.198.1.1"}},
		authdns.Zone{Name: "loopback.test", Records: []string{"www A 127.0.0.1"}},
		authdns.Zone{Name: "paris-aws.test", Records: []string{"www A 15.188.4.4"}},
	)
	db, err := hosting.Open(hostingtest.Write(t, t.TempDir(), hostingtest.Networks))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	j := &hosting.Judge{DNS: &dnsq.Client{Server: srv.Addr, Timeout: 2 * time.Second}, DB: db}

	tests := []struct {
		host         string
		sig          hosting.Signals
		provider     string
		cdn          bool
		jurisdiction string
		hds          string
		addrs        int
		cnames       int
		err          bool
	}{
		{host: "www.sante-ovh.test", provider: "ovhcloud", jurisdiction: "eea", hds: "listed", addrs: 2},
		{host: "www.sante-hetzner.test", provider: "hetzner", jurisdiction: "eea", hds: "not-listed", addrs: 1},
		{host: "www.cdn-alias.test", provider: "cloudflare", cdn: true, addrs: 1, cnames: 1},
		{host: "www.cf-header.test", sig: hosting.Signals{Header: http.Header{"Server": {"cloudflare"}}}, provider: "cloudflare", cdn: true, addrs: 1},
		{host: "www.cloudfront-alias.test", provider: "cloudfront", cdn: true, addrs: 1, cnames: 1},
		{host: "www.us-host.test", provider: "digitalocean", jurisdiction: "partial", hds: "not-listed", addrs: 1},
		{host: "www.sg-host.test", provider: "digitalocean", jurisdiction: "outside", hds: "not-listed", addrs: 1},
		// An AS no list names: country known, provider unknown, no HDS verdict.
		{host: "www.unknown-as.test", jurisdiction: "partial", addrs: 1},
		// Two providers: none named.
		{host: "www.mixed.test", jurisdiction: "eea", addrs: 2},
		{host: "www.loopback.test", addrs: 1},
		// AWS in Paris, named by its AS and its certificate issuer.
		{host: "www.paris-aws.test", sig: hosting.Signals{Leaf: leafIssuedBy(t, "Amazon")}, provider: "aws", jurisdiction: "eea", hds: "listed", addrs: 1},
		// A header passed through by a host of another company is no CDN.
		{host: "www.sante-hetzner.test", sig: hosting.Signals{Header: http.Header{"X-Amz-Cf-Id": {"abc"}}}, provider: "hetzner", jurisdiction: "eea", hds: "not-listed", addrs: 1},
		{host: "www.absent.test", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			h := j.Examine(context.Background(), tc.host, tc.sig)
			if h == nil {
				t.Fatal("nil hosting")
			}
			if (h.Error != "") != tc.err {
				t.Fatalf("error %q, want error %v", h.Error, tc.err)
			}
			if h.Provider != tc.provider || h.CDN != tc.cdn || h.OriginHidden != tc.cdn || h.Jurisdiction != tc.jurisdiction || h.HDS != tc.hds {
				t.Errorf("provider %q cdn %v hidden %v jurisdiction %q hds %q, want %q %v %q %q (clues %v, addresses %+v)",
					h.Provider, h.CDN, h.OriginHidden, h.Jurisdiction, h.HDS, tc.provider, tc.cdn, tc.jurisdiction, tc.hds, h.Clues, h.Addresses)
			}
			if len(h.Addresses) != tc.addrs || len(h.CNAMEs) != tc.cnames {
				t.Errorf("%d addresses %v, %d CNAMEs %v; want %d, %d", len(h.Addresses), h.Addresses, len(h.CNAMEs), h.CNAMEs, tc.addrs, tc.cnames)
			}
			if h.DNSServer != srv.Addr || len(h.DNS) == 0 && !tc.err {
				t.Errorf("server %q, %d answers kept", h.DNSServer, len(h.DNS))
			}
			for _, a := range h.DNS {
				if len(a.Wire) == 0 || a.Time.IsZero() || a.Server != srv.Addr {
					t.Errorf("answer %s %s kept without wire, time or server", a.Name, a.Type)
				}
			}
			if len(h.Datasets) != 2 || h.Datasets[0].SHA256 == "" || h.Datasets[0].Date != "2026-12-01" {
				t.Errorf("datasets %+v", h.Datasets)
			}
		})
	}
	h := j.Examine(context.Background(), "www.sante-ovh.test", hosting.Signals{})
	if !slices.Equal(h.MX, []string{"10 mx1.mail.ovh.net"}) || len(h.NS) != 1 {
		t.Errorf("MX %v NS %v", h.MX, h.NS)
	}
	if a := h.Addresses[0]; a.ASN != 16276 || a.ASName != "OVH SAS" || a.Country != "FR" {
		t.Errorf("address %+v", a)
	}

	// Without a DNS client nothing is looked up.
	if (&hosting.Judge{}).Examine(context.Background(), "www.sante-ovh.test", hosting.Signals{}) != nil {
		t.Error("a judge without DNS examined a host")
	}
	// Without a dataset: addresses without AS, nothing judged.
	h = (&hosting.Judge{DNS: j.DNS}).Examine(context.Background(), "www.sante-hetzner.test", hosting.Signals{})
	if h.Provider != "" || h.Jurisdiction != "" || h.HDS != "" || len(h.Addresses) != 1 {
		t.Errorf("without dataset: %+v", h)
	}
}

func TestHDSList(t *testing.T) {
	def := hosting.DefaultHDSList()
	if len(def.Entries) < 5 || def.Date == "" {
		t.Fatalf("shipped list: %+v", def)
	}
	for _, e := range def.Entries {
		if !strings.Contains(e.Note, "to confirm against the ANS list") {
			t.Errorf("entry %q does not say it is to confirm", e.Name)
		}
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		entries    int
		err        string
	}{
		{"list.csv", "name,asns,providers,note\nHébergeur Santé,AS64500 64501,,contrat HDS\n", 1, ""},
		{"list.json", `{"date":"2026-12-01","entries":[{"name":"X","asns":[24940]}]}`, 1, ""},
		{"bad.csv", "name,asns\nX,notanumber\n", 0, "AS number"},
		{"noname.json", `{"entries":[{"asns":[1]}]}`, 0, "no name"},
		{"noheader.csv", "a,b\n", 0, "header"},
	} {
		path := filepath.Join(dir, tc.name)
		os.WriteFile(path, []byte(tc.body), 0o644)
		l, err := hosting.ReadHDSList(path)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || len(l.Entries) != tc.entries || l.Source != path {
			t.Errorf("%s: %+v, %v", tc.name, l, err)
		}
	}
	if _, err := hosting.ReadHDSList(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing list gave no error")
	}

	// A user's list makes Hetzner a listed host.
	l, _ := hosting.ReadHDSList(filepath.Join(dir, "list.json"))
	srv := authdns.Start(t, authdns.Zone{Name: "h.test", Records: []string{"www A 88.198.1.2"}})
	db, err := hosting.Open(hostingtest.Write(t, t.TempDir(), hostingtest.Networks))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h := (&hosting.Judge{DNS: &dnsq.Client{Server: srv.Addr}, DB: db, HDS: l}).Examine(context.Background(), "www.h.test", hosting.Signals{})
	if h.HDS != "listed" || h.HDSEntry != "X" {
		t.Errorf("with the user's list: hds %q entry %q", h.HDS, h.HDSEntry)
	}
}

func TestJurisdictions(t *testing.T) {
	j := hosting.DefaultJurisdictions()
	for c, want := range map[string]string{"FR": "eea", "NO": "eea", "CH": "adequacy", "JP": "adequacy", "US": "partial", "CA": "partial", "SG": "outside", "CN": "outside"} {
		if got, _ := j.Of(c); got != want {
			t.Errorf("%s: %q, want %q", c, got, want)
		}
	}
	if _, a := j.Of("US"); a == nil || a.Date != "2023-07-10" {
		t.Errorf("US decision %+v", a)
	}
}

// TestUpdate fetches a dataset from a loopback server serving fixture
// files, as vigie data update does from the upstream release.
func TestUpdate(t *testing.T) {
	country := hostingtest.MMDB(t, "country", hostingtest.Networks)
	asn := hostingtest.MMDB(t, "asn", hostingtest.Networks)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/country.mmdb":
			w.Write(country)
		case "/asn.mmdb":
			w.Write(asn)
		case "/garbage.mmdb":
			w.Write([]byte("not an mmdb"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	dir := t.TempDir()
	src := hosting.Sources{Name: "fixture", Files: []hosting.ManifestFile{
		{Kind: "country", Name: "c.mmdb", URL: ts.URL + "/country.mmdb"},
		{Kind: "asn", Name: "a.mmdb", URL: ts.URL + "/asn.mmdb"},
	}}
	m, err := hosting.Update(context.Background(), ts.Client(), src, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 2 || m.Files[0].SHA256 == "" || m.Files[0].Built != "2026-12-01" {
		t.Fatalf("manifest %+v", m)
	}
	db, err := hosting.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var a observation.HostAddress
	db.Lookup(netip.MustParseAddr("88.198.7.7"), &a)
	db.Close()
	if a.ASN != 24940 || a.Country != "DE" {
		t.Errorf("lookup after update: %+v", a)
	}
	for _, bad := range []string{"/garbage.mmdb", "/missing.mmdb"} {
		src := hosting.Sources{Name: "fixture", Files: []hosting.ManifestFile{{Kind: "asn", Name: "a.mmdb", URL: ts.URL + bad}}}
		if _, err := hosting.Update(context.Background(), ts.Client(), src, dir); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	// The failed updates left the good dataset in place.
	if db, err := hosting.Open(dir); err != nil {
		t.Errorf("after failed updates: %v", err)
	} else {
		db.Close()
	}
	// A file changed behind the manifest's back is refused.
	os.WriteFile(filepath.Join(dir, "a.mmdb"), asn[:len(asn)-1], 0o644)
	if _, err := hosting.Open(dir); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("tampered file: %v", err)
	}
	if len(hosting.DefaultSources().Files) != 4 {
		t.Error("shipped sources")
	}
}

// TestRealDataset reads the dataset vigie data update downloaded, when
// there is one. This is the suite's only optional test: CI has no copy
// (it cannot reach the upstream release), so it skips there too.
func TestRealDataset(t *testing.T) {
	dir, err := hosting.DataDir()
	if err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(filepath.Join(dir, hosting.ManifestName)); err != nil {
		t.Skipf("no downloaded dataset in %s (vigie data update)", dir)
	}
	db, err := hosting.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var a observation.HostAddress
	db.Lookup(netip.MustParseAddr("1.1.1.1"), &a)
	if a.ASN != 13335 {
		t.Errorf("1.1.1.1: %+v, want AS13335", a)
	}
}
