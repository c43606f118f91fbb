// Package hostingtest writes small IP datasets for tests: MMDB files in
// the record layout of sapics' ip-location-db (country_code;
// autonomous_system_number and autonomous_system_organization), made with
// mmdbwriter, and the manifest hosting.Open reads.
package hostingtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"vigie/hosting"
)

// Network is one range of the fixture and what the datasets say of it.
type Network struct {
	Prefix  string
	ASN     uint32
	ASName  string
	Country string
}

// Built is the build time written in the fixture files' metadata.
var Built = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Networks are public ranges of well-known providers, as data: tests
// never send a packet to them (see the scan's network-namespace tests).
var Networks = []Network{
	{"51.91.0.0/16", 16276, "OVH SAS", "FR"},
	{"2001:41d0::/32", 16276, "OVH SAS", "FR"},
	{"51.15.0.0/16", 12876, "Online S.a.s.", "FR"},
	{"88.198.0.0/16", 24940, "Hetzner Online GmbH", "DE"},
	{"104.16.0.0/13", 13335, "CLOUDFLARENET", "US"},
	{"159.89.0.0/16", 14061, "DIGITALOCEAN-ASN", "US"},
	{"128.199.0.0/16", 14061, "DIGITALOCEAN-ASN", "SG"},
	{"15.188.0.0/16", 16509, "AMAZON-02", "FR"},
	{"13.32.0.0/15", 16509, "AMAZON-02", "US"},
	{"185.199.108.0/22", 36459, "GITHUB", "US"},
	{"212.27.32.0/19", 12322, "Free SAS", "FR"},
}

// Write writes a dataset of nets into dir (country.mmdb, asn.mmdb and
// the manifest) and returns dir.
func Write(t testing.TB, dir string, nets []Network) string {
	t.Helper()
	country := newTree(t, "ip-location-db-country")
	asn := newTree(t, "ip-location-db-asn")
	for _, n := range nets {
		_, ipn, err := net.ParseCIDR(n.Prefix)
		if err != nil {
			t.Fatalf("hostingtest: %v", err)
		}
		if n.Country != "" {
			if err := country.Insert(ipn, mmdbtype.Map{"country_code": mmdbtype.String(n.Country)}); err != nil {
				t.Fatalf("hostingtest: %v", err)
			}
		}
		if n.ASN != 0 {
			rec := mmdbtype.Map{
				"autonomous_system_number":       mmdbtype.Uint32(n.ASN),
				"autonomous_system_organization": mmdbtype.String(n.ASName),
			}
			if err := asn.Insert(ipn, rec); err != nil {
				t.Fatalf("hostingtest: %v", err)
			}
		}
	}
	m := hosting.Manifest{Name: "ip-location-db-fixture", Date: Built.Format(time.RFC3339)}
	for _, f := range []struct {
		kind, name string
		tree       *mmdbwriter.Tree
	}{{"country", "country.mmdb", country}, {"asn", "asn.mmdb", asn}} {
		path := filepath.Join(dir, f.name)
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := f.tree.WriteTo(teeWriter{out, h}); err != nil {
			t.Fatalf("hostingtest: %v", err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(path)
		m.Files = append(m.Files, hosting.ManifestFile{Kind: f.kind, Name: f.name, Built: Built.Format("2006-01-02"),
			SHA256: hex.EncodeToString(h.Sum(nil)), Size: st.Size()})
	}
	raw, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, hosting.ManifestName), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// MMDB returns one MMDB file's bytes for nets: kind "country" or "asn".
func MMDB(t testing.TB, kind string, nets []Network) []byte {
	t.Helper()
	dir := Write(t, t.TempDir(), nets)
	b, err := os.ReadFile(filepath.Join(dir, kind+".mmdb"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newTree(t testing.TB, typ string) *mmdbwriter.Tree {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: typ, RecordSize: 24, IPVersion: 6, BuildEpoch: Built.Unix(),
		Description: map[string]string{"en": "Vigie test fixture"},
	})
	if err != nil {
		t.Fatalf("hostingtest: %v", err)
	}
	return tree
}

type teeWriter struct {
	a, b interface{ Write([]byte) (int, error) }
}

func (w teeWriter) Write(p []byte) (int, error) {
	w.b.Write(p)
	return w.a.Write(p)
}
