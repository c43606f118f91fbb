package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"vigie/farm"
	"vigie/internal/authdns"
	"vigie/internal/smtppeer"
	"vigie/internal/testpki"
)

// jsonlFindings reads JSONL output: for each site, its findings' checks
// and the DNS servers their details name.
func jsonlFindings(t *testing.T, out []byte) (map[string][]string, map[string]bool) {
	t.Helper()
	checks, servers := map[string][]string{}, map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var rec struct {
			Record, Check, Site string
			Detail              map[string]json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("bad JSONL line %q: %v", sc.Text(), err)
		}
		if rec.Check == "" {
			continue
		}
		checks[rec.Site] = append(checks[rec.Site], rec.Check)
		for k, v := range rec.Detail {
			if !strings.HasSuffix(k, "answers") {
				continue
			}
			var as []struct{ Server, Time string }
			if err := json.Unmarshal(v, &as); err != nil {
				t.Errorf("%s detail %s: %v", rec.Check, k, err)
			}
			for _, a := range as {
				servers[a.Server] = a.Time != ""
			}
		}
	}
	for _, l := range checks {
		sort.Strings(l)
	}
	return checks, servers
}

func TestMailCommand(t *testing.T) {
	dns := authdns.Start(t,
		authdns.Zone{Name: "good.test", Sign: true, Records: []string{
			`@ TXT "v=spf1 ip4:192.0.2.0/24 -all"`, `_dmarc TXT "v=DMARC1; p=reject"`,
			"@ MX 10 mx1.good.test.", `_mta-sts TXT "v=STSv1; id=1"`, `_smtp._tls TXT "v=TLSRPTv1; rua=mailto:t@good.test"`,
		}},
		authdns.Zone{Name: "weak.test", Records: []string{`@ TXT "v=spf1 +all"`, `_dmarc TXT "v=DMARC1; p=none"`}},
	)
	ca := testpki.NewCA(t, "mail command test CA")
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	mx := smtppeer.Start(t, &tls.Config{Certificates: []tls.Certificate{ca.Issue(t, testpki.LeafOptions{Names: []string{"mx1.good.test"}})}})
	web := ca.Issue(t, testpki.LeafOptions{Names: []string{"mta-sts.good.test"}})
	policy := startPolicyServer(t, web, "version: STSv1\nmode: enforce\nmx: mx1.good.test\nmax_age: 604800\n")
	base := []string{"vigie", "mail", "--dns", dns.Addr, "--ca-cert", caFile, "--no-dns",
		"--connect-to", fmt.Sprintf("mx1.good.test:25:127.0.0.1:%d", mx),
		"--connect-to", "mta-sts.good.test:443:" + policy}

	t.Run("jsonl and exit status", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append(base, "--jsonl", "good.test", "weak.test"), strings.NewReader(""), &stdout, &stderr)
		if code != 1 {
			t.Fatalf("exit %d, want 1 (+all is high); stderr %s", code, stderr.String())
		}
		checks, servers := jsonlFindings(t, stdout.Bytes())
		want := map[string][]string{"weak.test": {"mail.dmarc-weak", "mail.dnssec-missing", "mail.spf-permissive"}}
		if fmt.Sprint(checks) != fmt.Sprint(want) {
			t.Errorf("findings %v, want %v\nstderr: %s", checks, want, stderr.String())
		}
		if len(servers) != 1 || !servers[dns.Addr] {
			t.Errorf("answers name servers %v, want %s with times", servers, dns.Addr)
		}
		if !strings.Contains(stderr.String(), "good.test: MX mx1.good.test") || !strings.Contains(stderr.String(), "MTA-STS enforce") ||
			!strings.Contains(stderr.String(), "zone good.test signed (not validated)") {
			t.Errorf("summary lines:\n%s", stderr.String())
		}
	})
	t.Run("table in French, fail-on critical", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append(base, "--lang", "fr", "--fail-on", "critical", "weak.test"), strings.NewReader(""), &stdout, &stderr)
		if code != 0 {
			t.Errorf("exit %d, want 0; stderr %s", code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "élevée           mail.spf-permissive") {
			t.Errorf("French table lacks the SPF finding:\n%s", stdout.String())
		}
	})
	for _, tt := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no domain", []string{"vigie", "mail"}, "at least one DOMAIN"},
		{"an IP address", []string{"vigie", "mail", "192.0.2.1"}, "IP address"},
		{"a URL", []string{"vigie", "mail", "https://example.test/"}, "not a domain name"},
		{"bad --dns", []string{"vigie", "mail", "--dns", "resolver.example", "example.test"}, "--dns"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

// TestScanMailFarm runs `vigie scan --mail` on two farm sites whose
// registrable domains have zones in Knot, asked through --dns: the
// compliant prefecture's domain sends mail with SPF -all and DMARC
// reject; the town hall's has a neutral SPF and no DMARC.
func TestScanMailFarm(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	dns := authdns.Start(t,
		authdns.Zone{Name: "pref-allier.test", Sign: true, Records: []string{
			`@ TXT "v=spf1 ip4:192.0.2.0/24 -all"`, `_dmarc TXT "v=DMARC1; p=reject"`}},
		authdns.Zone{Name: "mairie-annecy.test", Records: []string{`@ TXT "v=spf1 ip4:192.0.2.0/24 ?all"`}},
	)
	caFile := filepath.Join(t.TempDir(), "farm-ca.pem")
	if err := os.WriteFile(caFile, f.CACertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"vigie", "scan", "--mail", "--dns", dns.Addr, "--db", "none", "--jsonl", "--no-dns", "--ca-cert", caFile,
		"--evidence-dir", t.TempDir()}
	for _, c := range f.ConnectTo() {
		args = append(args, "--connect-to", c)
	}
	args = append(args, "https://www.pref-allier.test/", "https://www.mairie-annecy.test/")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Errorf("exit %d, want 0 (nothing high); stderr %s", code, stderr.String())
	}
	checks, servers := jsonlFindings(t, stdout.Bytes())
	mail := map[string][]string{}
	for site, l := range checks {
		for _, c := range l {
			if strings.HasPrefix(c, "mail.") {
				mail[site] = append(mail[site], c)
			}
		}
	}
	want := map[string][]string{"https://www.mairie-annecy.test/": {"mail.dmarc-missing", "mail.dnssec-missing", "mail.spf-permissive"}}
	if fmt.Sprint(mail) != fmt.Sprint(want) {
		t.Errorf("mail findings %v, want %v\nall: %v", mail, want, checks)
	}
	if !slicesHas(checks["https://www.mairie-annecy.test/"], "transport.hsts") {
		t.Errorf("the site's own findings are gone: %v", checks)
	}
	if !servers[dns.Addr] {
		t.Errorf("answers name servers %v, want %s", servers, dns.Addr)
	}
	// Each mail finding's evidence is the mail audit, archived once.
	refs := map[string]bool{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var rec struct {
			Check    string
			Evidence []string
		}
		json.Unmarshal(sc.Bytes(), &rec)
		if strings.HasPrefix(rec.Check, "mail.") {
			if len(rec.Evidence) != 1 {
				t.Errorf("%s evidence %v, want the mail audit", rec.Check, rec.Evidence)
			}
			for _, e := range rec.Evidence {
				refs[e] = true
			}
		}
	}
	if len(refs) != 1 {
		t.Errorf("mail evidence %v, want one document", refs)
	}
}

func slicesHas(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}
