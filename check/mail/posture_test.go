package mail_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"vigie/check"
	_ "vigie/check/mail"
	"vigie/dnsq"
	"vigie/fetch"
	"vigie/finding"
	"vigie/internal/authdns"
	"vigie/internal/smtppeer"
	"vigie/internal/testpki"
	"vigie/mailcheck"
	"vigie/observation"
)

func dkimRecord(t *testing.T, bits int) string {
	b, err := os.ReadFile(filepath.Join("testdata", fmt.Sprintf("dkim-rsa%d.b64", bits)))
	if err != nil {
		t.Fatal(err)
	}
	return txt("v=DKIM1; k=rsa; p=" + strings.TrimSpace(string(b)))
}

// txt writes a TXT value as zone-file strings of at most 200 octets.
func txt(s string) string {
	var parts []string
	for len(s) > 200 {
		parts = append(parts, `"`+s[:200]+`"`)
		s = s[200:]
	}
	return strings.Join(append(parts, `"`+s+`"`), " ")
}

// posture is one domain, its zone and the findings it must give, written
// before Vigie was run on it.
type posture struct {
	domain string
	zone   authdns.Zone
	// mx names the SMTP server of the domain's mx1 host: "good",
	// "plain" (no STARTTLS), "legacy" (TLS 1.0 accepted); "" for none.
	mx string
	// policy is the MTA-STS policy served for mta-sts.DOMAIN ("" = 404).
	policy string
	want   map[string]finding.Severity
	// observed, when set, checks what was seen (that a silent posture
	// was examined, not skipped).
	observed func(*observation.MailDomain) error
}

// starttlsOK requires the first MX to have offered STARTTLS and spoken
// TLS 1.2 or 1.3.
func starttlsOK(md *observation.MailDomain) error {
	if len(md.Exchangers) == 0 || md.Exchangers[0].Error != "" || !md.Exchangers[0].STARTTLS || md.Exchangers[0].TLS == nil {
		return fmt.Errorf("MX not examined: %+v", md.Exchangers)
	}
	if acc := md.Exchangers[0].TLS.Accepted(); !slices.Contains(acc, observation.TLS12) && !slices.Contains(acc, observation.TLS13) {
		return fmt.Errorf("accepted %v", acc)
	}
	return nil
}

func spfLookups(n int, result string) func(*observation.MailDomain) error {
	return func(md *observation.MailDomain) error {
		if md.SPF.Lookups != n || md.SPF.Result != result {
			return fmt.Errorf("SPF lookups %d result %s, want %d %s", md.SPF.Lookups, md.SPF.Result, n, result)
		}
		return nil
	}
}

const (
	goodSPF   = `@ TXT "v=spf1 ip4:192.0.2.0/24 -all"`
	goodDMARC = `_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.net"`
)

func sender(name string, sign bool, extra ...string) authdns.Zone {
	return authdns.Zone{Name: name, Sign: sign, Records: append([]string{goodSPF, goodDMARC}, extra...)}
}

func inboundZone(name string, sign bool, extra ...string) authdns.Zone {
	z := sender(name, sign, append([]string{
		"@ MX 10 mx1." + name + ".",
		"mx1 A 127.0.0.1",
		"mta-sts A 127.0.0.1",
		`_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.net"`,
	}, extra...)...)
	return z
}

const stsRecord = `_mta-sts TXT "v=STSv1; id=20261207"`

func enforce(domain string) string {
	return "version: STSv1\nmode: enforce\nmx: *." + domain + "\nmax_age: 86400\n"
}

func postures(t *testing.T) []posture {
	k2048 := "selector1._domainkey TXT " + dkimRecord(t, 2048)
	var chain11, chain10 []string
	// A chain of includes: the top-level include plus 10 more make 11
	// lookups; one fewer makes 10, the most RFC 7208 allows.
	chain := func(n int) []string {
		var out []string
		for i := 1; i <= n; i++ {
			next := fmt.Sprintf("include:i%d.@@ ", i+1)
			if i == n {
				next = ""
			}
			out = append(out, fmt.Sprintf(`i%d TXT "v=spf1 %sip4:198.51.100.%d -all"`, i, next, i))
		}
		return out
	}
	chain11 = chain(11)
	chain10 = chain(10)
	fix := func(name string, recs []string) []string {
		out := make([]string, len(recs))
		for i, r := range recs {
			out[i] = strings.ReplaceAll(r, "@@", name)
		}
		return out
	}
	return []posture{
		{domain: "good.test", mx: "good", policy: enforce("good.test"),
			zone: inboundZone("good.test", true, stsRecord, k2048),
			observed: func(md *observation.MailDomain) error {
				if err := starttlsOK(md); err != nil {
					return err
				}
				switch {
				case md.MTASTS.Mode != "enforce":
					return fmt.Errorf("MTA-STS mode %q (%s)", md.MTASTS.Mode, md.MTASTS.PolicyError)
				case len(md.DKIM.Keys) != 1 || md.DKIM.Keys[0].Bits != 2048:
					return fmt.Errorf("DKIM keys %+v", md.DKIM.Keys)
				case !md.DNSSEC.Signed:
					return fmt.Errorf("zone not seen signed")
				case md.SPF.Result != "neutral" && md.SPF.Result != "fail":
					return fmt.Errorf("SPF result %s", md.SPF.Result)
				}
				return nil
			}},
		{domain: "unsigned.test", mx: "good", policy: enforce("unsigned.test"),
			zone: inboundZone("unsigned.test", false, stsRecord, k2048),
			want: map[string]finding.Severity{"mail.dnssec-missing": finding.Info}},
		{domain: "nospf.test", zone: authdns.Zone{Name: "nospf.test", Sign: true, Records: []string{goodDMARC, `@ TXT "google-site-verification=abc"`}},
			want: map[string]finding.Severity{"mail.spf-missing": finding.Medium}},
		{domain: "plusall.test", zone: authdns.Zone{Name: "plusall.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 ip4:192.0.2.0/24 +all"`}},
			want: map[string]finding.Severity{"mail.spf-permissive": finding.High}},
		{domain: "qall.test", zone: authdns.Zone{Name: "qall.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 ip4:192.0.2.0/24 ?all"`}},
			want: map[string]finding.Severity{"mail.spf-permissive": finding.Medium}},
		{domain: "broad.test", zone: authdns.Zone{Name: "broad.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 ip4:10.0.0.0/8 -all"`}},
			want: map[string]finding.Severity{"mail.spf-permissive": finding.Medium}},
		// Look-alikes: a /16 is at the threshold, ~all is a softfail.
		{domain: "slash16.test", zone: authdns.Zone{Name: "slash16.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 ip4:172.16.0.0/16 ip6:2001:db8::/32 -all"`}}},
		{domain: "softfail.test", zone: authdns.Zone{Name: "softfail.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 ip4:192.0.2.0/24 ~all"`}}},
		{domain: "chain11.test", zone: authdns.Zone{Name: "chain11.test", Sign: true,
			Records: append([]string{goodDMARC, `@ TXT "v=spf1 include:i1.chain11.test -all"`}, fix("chain11.test", chain11)...)},
			want:     map[string]finding.Severity{"mail.spf-invalid": finding.Medium},
			observed: spfLookups(11, "permerror")},
		{domain: "chain10.test", zone: authdns.Zone{Name: "chain10.test", Sign: true,
			Records: append([]string{goodDMARC, `@ TXT "v=spf1 include:i1.chain10.test -all"`}, fix("chain10.test", chain10)...)},
			observed: spfLookups(10, "fail")},
		{domain: "syntax.test", zone: authdns.Zone{Name: "syntax.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 ip4:192.0.2.300 -all"`}},
			want: map[string]finding.Severity{"mail.spf-invalid": finding.Medium}},
		// An include of a name without SPF is a permerror (RFC 7208 §5.2).
		{domain: "noinclude.test", zone: authdns.Zone{Name: "noinclude.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 include:gone.noinclude.test -all"`}},
			want: map[string]finding.Severity{"mail.spf-invalid": finding.Medium}, observed: spfLookups(1, "permerror")},
		{domain: "twospf.test", zone: authdns.Zone{Name: "twospf.test", Sign: true, Records: []string{goodDMARC, `@ TXT "v=spf1 ip4:192.0.2.0/24 -all"`, `@ TXT "v=spf1 ip4:198.51.100.0/24 -all"`}},
			want: map[string]finding.Severity{"mail.spf-invalid": finding.Medium}},
		{domain: "nodmarc.test", zone: authdns.Zone{Name: "nodmarc.test", Sign: true, Records: []string{goodSPF, `_dmarc.other TXT "v=DMARC1; p=reject"`}},
			want: map[string]finding.Severity{"mail.dmarc-missing": finding.Medium}},
		{domain: "pnone.test", zone: authdns.Zone{Name: "pnone.test", Sign: true, Records: []string{goodSPF, `_dmarc TXT "v=DMARC1; p=none; rua=mailto:d@example.net"`}},
			want: map[string]finding.Severity{"mail.dmarc-weak": finding.Medium}},
		{domain: "pct50.test", zone: authdns.Zone{Name: "pct50.test", Sign: true, Records: []string{goodSPF, `_dmarc TXT "v=DMARC1; p=quarantine; pct=50"`}},
			want: map[string]finding.Severity{"mail.dmarc-weak": finding.Low}},
		// A subdomain without a record of its own takes its
		// organisational domain's subdomain policy.
		{domain: "news.orgreject.test", zone: authdns.Zone{Name: "orgreject.test", Sign: true, Records: []string{goodDMARC, `news TXT "v=spf1 ip4:192.0.2.0/24 -all"`}},
			observed: func(md *observation.MailDomain) error {
				if !md.DMARC.Inherited || md.DMARC.Policy != "reject" || md.DNSSEC.Zone != "orgreject.test" {
					return fmt.Errorf("DMARC %+v, DNSSEC zone %s", md.DMARC, md.DNSSEC.Zone)
				}
				return nil
			}},
		{domain: "news.orgspnone.test", zone: authdns.Zone{Name: "orgspnone.test", Sign: true, Records: []string{`_dmarc TXT "v=DMARC1; p=reject; sp=none"`, `news TXT "v=spf1 ip4:192.0.2.0/24 -all"`}},
			want: map[string]finding.Severity{"mail.dmarc-weak": finding.Medium}},
		{domain: "dkim1024.test", zone: sender("dkim1024.test", true, "mail._domainkey TXT "+dkimRecord(t, 1024)),
			observed: func(md *observation.MailDomain) error {
				if len(md.DKIM.Keys) != 1 || md.DKIM.Keys[0].Bits != 1024 || md.DKIM.Keys[0].Selector != "mail" {
					return fmt.Errorf("DKIM keys %+v", md.DKIM.Keys)
				}
				return nil
			}},
		{domain: "dkim512.test", zone: sender("dkim512.test", true, "s1._domainkey TXT "+dkimRecord(t, 512)),
			want: map[string]finding.Severity{"mail.dkim-weak": finding.Medium}},
		{domain: "dkimcustom.test", zone: sender("dkimcustom.test", true, "corp2026._domainkey TXT "+dkimRecord(t, 512)),
			want: map[string]finding.Severity{"mail.dkim-weak": finding.Medium}},
		// A parked domain: no MX, SPF -all; only DMARC is asked of it, low.
		{domain: "parked.test", zone: authdns.Zone{Name: "parked.test", Sign: true, Records: []string{`@ TXT "v=spf1 -all"`}},
			want: map[string]finding.Severity{"mail.dmarc-missing": finding.Low}},
		{domain: "nullmx.test", zone: authdns.Zone{Name: "nullmx.test", Sign: true, Records: []string{`@ MX 0 .`, `@ TXT "v=spf1 -all"`, goodDMARC}}},
		{domain: "nosts.test", mx: "good", observed: starttlsOK, zone: authdns.Zone{Name: "nosts.test", Sign: true, Records: []string{goodSPF, goodDMARC, "@ MX 10 mx1.nosts.test.", "mx1 A 127.0.0.1"}},
			want: map[string]finding.Severity{"mail.mta-sts-missing": finding.Low, "mail.tlsrpt-missing": finding.Info}},
		{domain: "stsnopolicy.test", mx: "good", zone: inboundZone("stsnopolicy.test", true, stsRecord),
			want: map[string]finding.Severity{"mail.mta-sts-missing": finding.Low}},
		{domain: "ststesting.test", mx: "good", policy: "version: STSv1\nmode: testing\nmx: mx1.ststesting.test\nmax_age: 86400\n",
			zone: inboundZone("ststesting.test", true, stsRecord),
			want: map[string]finding.Severity{"mail.mta-sts-missing": finding.Info}},
		{domain: "stsothermx.test", mx: "good", policy: "version: STSv1\nmode: enforce\nmx: mail.example.net\nmax_age: 86400\n",
			zone: inboundZone("stsothermx.test", true, stsRecord),
			want: map[string]finding.Severity{"mail.mta-sts-missing": finding.Low}},
		{domain: "plain.test", mx: "plain", policy: enforce("plain.test"), zone: inboundZone("plain.test", true, stsRecord),
			want: map[string]finding.Severity{"mail.starttls-missing": finding.High}},
		{domain: "legacy.test", mx: "legacy", policy: enforce("legacy.test"), zone: inboundZone("legacy.test", true, stsRecord),
			want: map[string]finding.Severity{"mail.starttls-weak": finding.Medium}},
		// A certificate for another name: TLS is fine, authentication is not.
		{domain: "badcert.test", mx: "badcert", policy: enforce("badcert.test"), zone: inboundZone("badcert.test", true, stsRecord),
			want: map[string]finding.Severity{"mail.starttls-weak": finding.Low}},
		// A name that does not exist is an error, not a domain without SPF.
		{domain: "typo.good.test",
			observed: func(md *observation.MailDomain) error {
				if !strings.Contains(md.Error, "NXDOMAIN") {
					return fmt.Errorf("error %q, want NXDOMAIN", md.Error)
				}
				return nil
			}},
		// An MX that does not answer concludes nothing about STARTTLS.
		{domain: "down.test", mx: "down", policy: enforce("down.test"), zone: inboundZone("down.test", true, stsRecord),
			observed: func(md *observation.MailDomain) error {
				if len(md.Exchangers) != 1 || md.Exchangers[0].Error == "" {
					return fmt.Errorf("exchangers %+v", md.Exchangers)
				}
				return nil
			}},
	}
}

// TestPostures runs every posture through a real Knot DNS, a real HTTPS
// server for the MTA-STS policies and real SMTP servers (go-smtp), and
// requires precision and recall of 1.0 on the mail.* findings.
func TestPostures(t *testing.T) {
	ps := postures(t)
	var zones []authdns.Zone
	for _, p := range ps {
		if p.zone.Name != "" {
			zones = append(zones, p.zone)
		}
	}
	dns := authdns.Start(t, zones...)

	ca := testpki.NewCA(t, "Vigie mail test CA")
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	var mxNames, stsNames []string
	policies := map[string]string{}
	for _, p := range ps {
		mxNames = append(mxNames, "mx1."+p.domain)
		stsNames = append(stsNames, "mta-sts."+p.domain)
		if p.policy != "" {
			policies["mta-sts."+p.domain] = p.policy
		}
	}
	mxCert := ca.Issue(t, testpki.LeafOptions{Names: mxNames})
	good := smtppeer.Start(t, &tls.Config{Certificates: []tls.Certificate{mxCert}, MinVersion: tls.VersionTLS12})
	legacy := smtppeer.Start(t, &tls.Config{Certificates: []tls.Certificate{mxCert}, MinVersion: tls.VersionTLS10})
	plain := smtppeer.Start(t, nil)
	badcert := smtppeer.Start(t, &tls.Config{Certificates: []tls.Certificate{ca.Issue(t, testpki.LeafOptions{Names: []string{"mail.elsewhere.test"}})}})
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	ports := map[string]int{"good": good, "legacy": legacy, "plain": plain, "down": down, "badcert": badcert}

	web := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pol, ok := policies[strings.Split(r.Host, ":")[0]]
		if !ok || r.URL.Path != "/.well-known/mta-sts.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, pol)
	}))
	web.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Issue(t, testpki.LeafOptions{Names: stsNames})}}
	web.StartTLS()
	defer web.Close()
	webPort := web.Listener.Addr().(*net.TCPAddr).Port

	var connectTo []string
	for _, p := range ps {
		connectTo = append(connectTo, fmt.Sprintf("mta-sts.%s:443:127.0.0.1:%d", p.domain, webPort))
		if p.mx != "" {
			// The address comes from Knot (mx1 A 127.0.0.1); only the
			// port is moved.
			connectTo = append(connectTo, fmt.Sprintf("mx1.%s:25::%d", p.domain, ports[p.mx]))
		}
	}
	a := mailcheck.New(mailcheck.Options{
		DNS:       &dnsq.Client{Server: dns.Addr},
		Fetch:     fetch.Options{Timeout: 5 * time.Second, ConnectTo: connectTo, CACertFiles: []string{caFile}, NoDNS: true},
		Selectors: []string{"corp2026"},
		Timeout:   5 * time.Second,
	})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tp, fp, fn := 0, 0, 0
	for _, p := range ps {
		md := a.Audit(ctx, p.domain)
		fs := check.Run(&observation.Site{URL: p.domain, Host: p.domain, Mail: md})
		if p.observed != nil {
			if err := p.observed(md); err != nil {
				t.Errorf("%s: %v", p.domain, err)
			}
		}
		got := map[string]finding.Severity{}
		for _, f := range fs {
			if err := answersFrom(f, dns.Addr); err != nil {
				t.Errorf("%s: %s: %v", p.domain, f.Check, err)
			}
			got[f.Check] = f.Severity
			if !strings.HasPrefix(f.Check, "mail.") {
				t.Errorf("%s: unexpected %s from another family", p.domain, f.Check)
			}
		}
		for id, sev := range got {
			want, ok := p.want[id]
			switch {
			case !ok:
				fp++
				t.Errorf("%s: false positive %s (%s); detail %v", p.domain, id, sev, detailOf(fs, id))
			case want != sev:
				fp++
				t.Errorf("%s: %s severity %s, want %s; detail %v", p.domain, id, sev, want, detailOf(fs, id))
			default:
				tp++
			}
		}
		for id := range p.want {
			if _, ok := got[id]; !ok {
				fn++
				t.Errorf("%s: missed %s; observed %+v", p.domain, id, summary(md))
			}
		}
	}
	precision := float64(tp) / float64(max(tp+fp, 1))
	recall := float64(tp) / float64(max(tp+fn, 1))
	t.Logf("mail postures: %d domains, tp=%d fp=%d fn=%d precision=%.2f recall=%.2f", len(ps), tp, fp, fn, precision, recall)
	if precision != 1 || recall != 1 {
		t.Errorf("precision %.2f recall %.2f, want 1.0 and 1.0", precision, recall)
	}
}

// answersFrom requires a finding's detail to hold the DNS answers it
// relied on, each with the server and the time.
func answersFrom(f finding.Finding, server string) error {
	n := 0
	for k, v := range f.Detail {
		if !strings.HasSuffix(k, "answers") {
			continue
		}
		as, ok := v.([]dnsq.Answer)
		if !ok {
			return fmt.Errorf("detail %s is %T", k, v)
		}
		for _, a := range as {
			if a.Server != server || a.Time.IsZero() || a.Name == "" {
				return fmt.Errorf("answer %+v lacks server or time", a)
			}
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("no DNS answer in the detail")
	}
	return nil
}

func detailOf(fs []finding.Finding, id string) map[string]any {
	for _, f := range fs {
		if f.Check == id {
			d := map[string]any{}
			for k, v := range f.Detail {
				if !strings.Contains(k, "answers") {
					d[k] = v
				}
			}
			return d
		}
	}
	return nil
}

func summary(md *observation.MailDomain) string {
	var ex []string
	for _, e := range md.Exchangers {
		acc := []string(nil)
		if e.TLS != nil {
			acc = e.TLS.Accepted()
			if e.TLS.Error != "" {
				acc = append(acc, "err:"+e.TLS.Error)
			}
		}
		ex = append(ex, fmt.Sprintf("%s err=%q starttls=%v tls=%v", e.Host, e.Error, e.STARTTLS, acc))
	}
	keys := []string{}
	for _, k := range md.DKIM.Keys {
		keys = append(keys, fmt.Sprintf("%s:%s:%d", k.Selector, k.KeyType, k.Bits))
	}
	sort.Strings(keys)
	return fmt.Sprintf("err=%q mx=%v spf=%q res=%s lookups=%d syntax=%v dmarc=%q pol=%s pct=%d sts=%q mode=%s polerr=%q dkim=%v ex=%v dnssec=%v",
		md.Error, md.MX.Hosts, md.SPF.Record, md.SPF.Result, md.SPF.Lookups, md.SPF.Syntax, md.DMARC.Record, md.DMARC.Policy, md.DMARC.Percent,
		md.MTASTS.Record, md.MTASTS.Mode, md.MTASTS.PolicyError, keys, ex, md.DNSSEC.Signed)
}
