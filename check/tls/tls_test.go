package tls

import (
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/tlsprobe"
)

var probeTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func suite(name string) observation.TLSSuite {
	s := tlsprobe.SuiteByName(name)
	if s == nil {
		panic("unknown suite " + name)
	}
	return s.Observation()
}

// protocols builds the protocol list: accepted maps a version to its
// suites; versions not named are tried and declined.
func protocols(accepted map[string][]string) []observation.TLSProtocol {
	var out []observation.TLSProtocol
	for _, v := range []string{observation.SSL30, observation.TLS10, observation.TLS11, observation.TLS12, observation.TLS13} {
		p := observation.TLSProtocol{Version: v}
		if names, ok := accepted[v]; ok {
			p.Accepted = true
			for _, n := range names {
				p.Suites = append(p.Suites, suite(n))
			}
		}
		out = append(out, p)
	}
	return out
}

func goodCert() *observation.TLSCertificate {
	return &observation.TLSCertificate{
		Subject: "CN=www.example.gouv.fr", Issuer: "CN=Example CA",
		NotBefore: probeTime.AddDate(0, -1, 0), NotAfter: probeTime.AddDate(0, 2, 0),
		DNSNames: []string{"www.example.gouv.fr"}, KeyType: "ECDSA", KeyBits: 256,
		SignatureAlgorithm: "ECDSA-SHA256", DaysLeft: 61, HostnameMatch: true, Trusted: true,
		OCSPServers: []string{"http://ocsp.example/"},
		Chain: []observation.TLSChainCertificate{
			{Subject: "CN=www.example.gouv.fr", Issuer: "CN=Example CA", KeyType: "ECDSA", KeyBits: 256, SignatureAlgorithm: "ECDSA-SHA256"},
			{Subject: "CN=Example CA", Issuer: "CN=Example Root", KeyType: "RSA", KeyBits: 4096, SignatureAlgorithm: "SHA384-RSA"},
		},
	}
}

var modern12 = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}
var suites13 = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}

func report(accepted map[string][]string, cert *observation.TLSCertificate) *observation.TLSReport {
	return &observation.TLSReport{Host: "www.example.gouv.fr", Port: 443, Time: probeTime,
		Protocols: protocols(accepted), Certificate: cert}
}

func site(rep *observation.TLSReport, personal bool) *observation.Site {
	s := &observation.Site{URL: "https://www.example.gouv.fr/", Host: "www.example.gouv.fr", TLSProbe: rep}
	field := observation.Field{Tag: "input", Name: "q"}
	if personal {
		field = observation.Field{Tag: "input", Name: "email", Category: "contact"}
	}
	s.Pages = []observation.Page{{Probe: observation.Probe{URL: s.URL}, Forms: []observation.Form{{Fields: []observation.Field{field}}}}}
	return s
}

func withCert(f func(c *observation.TLSCertificate)) *observation.TLSCertificate {
	c := goodCert()
	f(c)
	return c
}

func TestChecks(t *testing.T) {
	strong := map[string][]string{observation.TLS12: modern12, observation.TLS13: suites13}
	tests := []struct {
		name     string
		rep      *observation.TLSReport
		personal bool
		want     map[string]finding.Severity
	}{
		{"no probe", nil, true, nil},
		{"probe failed", &observation.TLSReport{Host: "x", Port: 443, Error: "refused"}, true, nil},
		{"TLS 1.2 and 1.3 with AEAD only", report(strong, goodCert()), true, nil},
		{"TLS 1.2 only", report(map[string][]string{observation.TLS12: modern12}, goodCert()), false,
			map[string]finding.Severity{"tls.no-tls13": finding.Info}},
		{"TLS 1.2 only, personal data: still info", report(map[string][]string{observation.TLS12: modern12}, goodCert()), true,
			map[string]finding.Severity{"tls.no-tls13": finding.Info}},
		{"TLS 1.0 accepted", report(map[string][]string{observation.TLS10: {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}, observation.TLS12: modern12, observation.TLS13: suites13}, goodCert()), false,
			map[string]finding.Severity{"tls.protocol-legacy": finding.Medium}},
		{"TLS 1.0 accepted, personal data", report(map[string][]string{observation.TLS10: {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}, observation.TLS12: modern12, observation.TLS13: suites13}, goodCert()), true,
			map[string]finding.Severity{"tls.protocol-legacy": finding.High}},
		{"CBC with forward secrecy is no weak cipher", report(map[string][]string{observation.TLS12: {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}, observation.TLS13: suites13}, goodCert()), false, nil},
		{"3DES and RC4", report(map[string][]string{observation.TLS12: {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA"}, observation.TLS13: suites13}, goodCert()), false,
			map[string]finding.Severity{"tls.cipher-weak": finding.Medium}},
		{"static RSA", report(map[string][]string{observation.TLS12: {"TLS_RSA_WITH_AES_128_GCM_SHA256"}, observation.TLS13: suites13}, goodCert()), true,
			map[string]finding.Severity{"tls.no-forward-secrecy": finding.High}},
		{"RSA with 3DES: weak, and no forward secrecy reported once", report(map[string][]string{observation.TLS12: {"TLS_RSA_WITH_3DES_EDE_CBC_SHA"}, observation.TLS13: suites13}, goodCert()), false,
			map[string]finding.Severity{"tls.cipher-weak": finding.Medium}},
		{"expired", report(strong, withCert(func(c *observation.TLSCertificate) { c.Expired, c.DaysLeft = true, -3 })), false,
			map[string]finding.Severity{"tls.cert-invalid": finding.Medium}},
		{"expiring in 10 days", report(strong, withCert(func(c *observation.TLSCertificate) { c.DaysLeft = 10 })), true,
			map[string]finding.Severity{"tls.cert-expiring": finding.Medium}},
		{"expiring in 30 days is fine", report(strong, withCert(func(c *observation.TLSCertificate) { c.DaysLeft = 30 })), false, nil},
		{"self-signed", report(strong, withCert(func(c *observation.TLSCertificate) {
			c.SelfSigned, c.Trusted, c.VerifyError = true, false, "x509: certificate signed by unknown authority"
			c.Chain = c.Chain[:1]
			c.Chain[0].SelfSigned = true
		})), true, map[string]finding.Severity{"tls.cert-invalid": finding.High}},
		{"wrong name", report(strong, withCert(func(c *observation.TLSCertificate) { c.HostnameMatch = false })), false,
			map[string]finding.Severity{"tls.cert-invalid": finding.Medium}},
		{"RSA 1024 intermediate", report(strong, withCert(func(c *observation.TLSCertificate) { c.Chain[1].KeyBits = 1024 })), false,
			map[string]finding.Severity{"tls.cert-weak-key": finding.Medium}},
		{"RSA 2048 leaf is fine", report(strong, withCert(func(c *observation.TLSCertificate) {
			c.KeyType, c.KeyBits = "RSA", 2048
			c.Chain[0].KeyType, c.Chain[0].KeyBits = "RSA", 2048
		})), false, nil},
		{"SHA-1 leaf", report(strong, withCert(func(c *observation.TLSCertificate) {
			c.SignatureAlgorithm, c.Chain[0].SignatureAlgorithm = "SHA1-RSA", "SHA1-RSA"
		})), false, map[string]finding.Severity{"tls.cert-weak-signature": finding.Medium}},
		{"SHA-1 self-signed root in the chain is ignored", report(strong, withCert(func(c *observation.TLSCertificate) {
			c.Chain = append(c.Chain, observation.TLSChainCertificate{Subject: "CN=Example Root", Issuer: "CN=Example Root", KeyType: "RSA", KeyBits: 1024, SignatureAlgorithm: "SHA1-RSA", SelfSigned: true})
		})), false, nil},
		{"no revocation information", report(strong, withCert(func(c *observation.TLSCertificate) { c.OCSPServers = nil })), false,
			map[string]finding.Severity{"tls.cert-no-revocation": finding.Info}},
		{"unreadable certificate", report(strong, &observation.TLSCertificate{Error: "tls: handshake failure"}), false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := site(tt.rep, tt.personal)
			got := map[string]finding.Severity{}
			for _, f := range check.Run(s) {
				if !strings.HasPrefix(f.Check, "tls.") {
					continue
				}
				got[f.Check] = f.Severity
				if f.URL != "https://www.example.gouv.fr/" {
					t.Errorf("%s: URL %s", f.Check, f.URL)
				}
				if f.Detail["host"] != "www.example.gouv.fr" {
					t.Errorf("%s: detail %v", f.Check, f.Detail)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
			for id, sev := range tt.want {
				if got[id] != sev {
					t.Errorf("%s: severity %v, want %v (all: %v)", id, got[id], sev, got)
				}
			}
		})
	}
}

func TestFindingDetail(t *testing.T) {
	rep := report(map[string][]string{
		observation.SSL30: {"TLS_RSA_WITH_RC4_128_SHA"},
		observation.TLS10: {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
		observation.TLS12: {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
	}, goodCert())
	rep.Port = 8443
	findings := check.Run(site(rep, false))
	byID := map[string]finding.Finding{}
	for _, f := range findings {
		byID[f.Check] = f
	}
	legacy := byID["tls.protocol-legacy"]
	if got := legacy.Detail["protocols"].([]string); !slices.Equal(got, []string{observation.SSL30, observation.TLS10}) {
		t.Errorf("legacy protocols %v", got)
	}
	if rules := legacy.Detail["rules"].([]string); !slices.Contains(rules, tlsprobe.RuleANSSIVersions) || !slices.Contains(rules, tlsprobe.RuleIntermediateVersions) {
		t.Errorf("legacy rules %v", rules)
	}
	if legacy.URL != "https://www.example.gouv.fr:8443/" || legacy.Location != "tls:www.example.gouv.fr:8443" {
		t.Errorf("legacy URL %s, location %s", legacy.URL, legacy.Location)
	}
	weak := byID["tls.cipher-weak"]
	if got := weak.Detail["suites"].([]string); !slices.Equal(got, []string{"TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}) {
		t.Errorf("weak suites %v", got)
	}
	if rules := weak.Detail["rules"].([]string); !slices.Contains(rules, tlsprobe.RuleANSSICipher) {
		t.Errorf("weak rules %v", rules)
	}
	nofs := byID["tls.no-forward-secrecy"]
	if got := nofs.Detail["suites"].([]string); !slices.Equal(got, []string{"TLS_RSA_WITH_AES_128_GCM_SHA256"}) {
		t.Errorf("no-FS suites %v", got)
	}
	if _, ok := byID["tls.no-tls13"]; !ok {
		t.Error("no tls.no-tls13")
	}
	// The same failure found again gets the same ID.
	again := check.Run(site(rep, false))
	if again[0].ID != findings[0].ID {
		t.Error("finding IDs are not stable")
	}
	for _, f := range findings {
		if _, ok := f.Detail["crawl_connection"]; ok {
			t.Errorf("%s: crawl connection in the detail of an ordinary crawl", f.Check)
		}
	}
	// A crawl over the legacy fallback says which protocol and suite it
	// used, in the findings on the weaknesses it relied on.
	s := site(rep, false)
	s.HTTPS = &observation.Probe{URL: s.URL, FinalURL: s.URL, Status: 200, TLS: &observation.TLSState{
		Version: observation.TLS10, CipherSuite: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
		LegacyFallback: true, FallbackReason: "tls: server rejected the handshake: protocol version not supported",
	}}
	for _, f := range check.Run(s) {
		if !strings.HasPrefix(f.Check, "tls.") {
			continue
		}
		c, ok := f.Detail["crawl_connection"].(map[string]any)
		if !ok || c["protocol"] != observation.TLS10 || c["cipher_suite"] != "TLS_RSA_WITH_3DES_EDE_CBC_SHA" || c["legacy_fallback"] != true {
			t.Errorf("%s: crawl connection %v", f.Check, f.Detail["crawl_connection"])
		}
	}
}

func TestCatalogue(t *testing.T) {
	for _, id := range []string{"tls.protocol-legacy", "tls.cipher-weak", "tls.no-forward-secrecy", "tls.cert-invalid",
		"tls.cert-expiring", "tls.cert-weak-key", "tls.cert-weak-signature", "tls.no-tls13", "tls.cert-no-revocation"} {
		m, ok := check.Lookup(id)
		if !ok {
			t.Errorf("%s not registered", id)
			continue
		}
		if m.Family != "tls" || !slices.Contains(m.Legal, "GDPR art. 32") {
			t.Errorf("%s: %+v", id, m)
		}
	}
	if m, _ := check.Lookup("tls.no-tls13"); m.Severity != finding.Info {
		t.Errorf("tls.no-tls13 severity %v", m.Severity)
	}
}
