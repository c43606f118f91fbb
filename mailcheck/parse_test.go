package mailcheck

import (
	"encoding/base64"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestSPFSyntax(t *testing.T) {
	tests := []struct {
		record string
		bad    []string
	}{
		{"v=spf1 -all", nil},
		{"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx a:mail.example.fr/24 mx:example.fr//64 a/24//64 include:_spf.example.net ~all", nil},
		{"v=spf1 exists:%{i}._spf.example.fr ptr ptr:example.fr redirect=_spf.example.fr exp=explain.example.fr", nil},
		{"v=spf1 ip4:192.0.2.300 -all", []string{"ip4:192.0.2.300"}},
		{"v=spf1 ip4:192.0.2.0/33 -all", []string{"ip4:192.0.2.0/33"}},
		{"v=spf1 ip6:192.0.2.1 -all", []string{"ip6:192.0.2.1"}},
		{"v=spf1 ip4:2001:db8::1 -all", []string{"ip4:2001:db8::1"}},
		{"v=spf1 include -all", []string{"include"}},
		{"v=spf1 include:localhost -all", []string{"include:localhost"}},
		{"v=spf1 all:example.fr", []string{"all:example.fr"}},
		{"v=spf1 a/33 mx//129 -all", []string{"a/33", "mx//129"}},
		{"v=spf1 +-all", []string{"+-all"}},
		{"v=spf1 include:a.example.fr include:b.example.fr. -al", []string{"-al"}},
		{"v=spf1 redirect=a.example.fr redirect=b.example.fr", []string{"redirect=b.example.fr"}},
		{"v=spf1 1bad=x -all", []string{"1bad=x"}},
		{"v=spf1 custom-mod=x -all", nil},
	}
	for _, tt := range tests {
		got := syntaxErrors(strings.Fields(tt.record)[1:])
		if !slices.Equal(got, tt.bad) {
			t.Errorf("%q: syntax errors %q, want %q", tt.record, got, tt.bad)
		}
	}
}

func TestSPFAllAndBroad(t *testing.T) {
	tests := []struct {
		record, all string
		broad       []string
	}{
		{"v=spf1 -all", "-all", nil},
		{"v=spf1 mx ALL", "+all", nil},
		{"v=spf1 ?all", "?all", nil},
		{"v=spf1 include:_spf.example.net", "", nil},
		// At the thresholds: not broad.
		{"v=spf1 ip4:172.16.0.0/16 ip6:2001:db8::/32 ~all", "~all", nil},
		{"v=spf1 ip4:172.16.0.0/15 ip6:2001:db8::/31 ip4:10.0.0.0/8 ~all", "~all", []string{"ip4:172.16.0.0/15", "ip6:2001:db8::/31", "ip4:10.0.0.0/8"}},
		// A range that fails or is neutral authorises no one.
		{"v=spf1 -ip4:0.0.0.0/0 ?ip4:10.0.0.0/8 ip4:192.0.2.1 -all", "-all", nil},
	}
	for _, tt := range tests {
		terms := strings.Fields(tt.record)[1:]
		if got := allTerm(terms); got != tt.all {
			t.Errorf("%q: all %q, want %q", tt.record, got, tt.all)
		}
		if got := broadRanges(terms); !slices.Equal(got, tt.broad) {
			t.Errorf("%q: broad %q, want %q", tt.record, got, tt.broad)
		}
	}
}

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		policy, mode string
		mx           []string
		err          string
	}{
		{"version: STSv1\r\nmode: enforce\r\nmx: mail.example.fr\r\nmx: *.example.net\r\nmax_age: 604800\r\n", "enforce", []string{"mail.example.fr", "*.example.net"}, ""},
		{"version: STSv1\nmode: none\nmax_age: 86400\n", "none", nil, ""},
		{"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "", nil, "version"},
		{"version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n", "", nil, "mode"},
		{"version: STSv1\nmode: enforce\nmx: a.example\n", "", nil, "max_age"},
		{"version: STSv1\nmode: enforce\nmax_age: 1\n", "", nil, "without mx"},
		{"<html>404</html>", "", nil, "no key"},
	}
	for _, tt := range tests {
		mode, _, mx, err := parsePolicy(tt.policy)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.policy, err, tt.err)
			}
			continue
		}
		if err != nil || mode != tt.mode || !slices.Equal(mx, tt.mx) {
			t.Errorf("%q: %q %q %v", tt.policy, mode, mx, err)
		}
	}
}

func TestCoveredBy(t *testing.T) {
	pats := []string{"mail.example.fr", "*.example.net"}
	for host, want := range map[string]bool{
		"mail.example.fr": true, "mx1.example.net": true, "example.net": false,
		"a.b.example.net": false, "mail.example.fr.evil.test": false, "xmail.example.fr": false,
	} {
		if got := coveredBy(host, pats); got != want {
			t.Errorf("coveredBy(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestParseDKIMKey(t *testing.T) {
	read := func(bits string) string {
		b, err := os.ReadFile("../check/mail/testdata/dkim-rsa" + bits + ".b64")
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	ed := base64.StdEncoding.EncodeToString(make([]byte, 32))
	tests := []struct {
		txt       string
		nilKey    bool
		keyType   string
		bits      int
		revoked   bool
		withError bool
	}{
		{txt: "v=DKIM1; k=rsa; p=" + read("2048"), keyType: "rsa", bits: 2048},
		{txt: "p=" + read("1024"), keyType: "rsa", bits: 1024},
		{txt: "v=DKIM1; h=sha256; p=" + read("512")[:40] + " " + read("512")[40:], keyType: "rsa", bits: 512},
		{txt: "v=DKIM1; k=ed25519; p=" + ed, keyType: "ed25519"},
		{txt: "v=DKIM1; k=rsa; p=", keyType: "rsa", revoked: true},
		{txt: "v=DKIM1; p=!!!", keyType: "rsa", withError: true},
		{txt: "v=DKIM1; p=" + ed, keyType: "rsa", withError: true},
		{txt: "v=spf1 -all", nilKey: true},
		{txt: "v=DKIM2; p=" + ed, nilKey: true},
	}
	for _, tt := range tests {
		k := parseDKIMKey("s", tt.txt)
		if tt.nilKey {
			if k != nil {
				t.Errorf("%.40q: key %+v, want none", tt.txt, k)
			}
			continue
		}
		if k == nil || k.KeyType != tt.keyType || k.Bits != tt.bits || k.Revoked != tt.revoked || (k.Error != "") != tt.withError {
			t.Errorf("%.40q: %+v", tt.txt, k)
		}
	}
}

func FuzzSPFTerms(f *testing.F) {
	f.Add("v=spf1 ip4:192.0.2.0/24 a:x.example/24//64 include:_spf.example.net redirect=r.example -all")
	f.Add("v=spf1 ip6:::/0 ?all exp=%{d}")
	f.Fuzz(func(t *testing.T, rec string) {
		terms := strings.Fields(rec)
		syntaxErrors(terms)
		allTerm(terms)
		broadRanges(terms)
	})
}

func FuzzParsePolicy(f *testing.F) {
	f.Add("version: STSv1\nmode: enforce\nmx: *.example.fr\nmax_age: 86400\n")
	f.Fuzz(func(t *testing.T, p string) {
		mode, _, mx, err := parsePolicy(p)
		if err == nil && mode != "none" && len(mx) == 0 {
			t.Errorf("policy accepted without mx: %q", p)
		}
	})
}

func FuzzParseDKIMKey(f *testing.F) {
	f.Add("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ")
	f.Fuzz(func(t *testing.T, txt string) { parseDKIMKey("s", txt) })
}
