package tlsprobe

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
	"vigie/internal/golden"

	"vigie/observation"
)

// sampleReport is a hand-built report of a middling server.
func sampleReport() *observation.TLSReport {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	obs := func(names ...string) []observation.TLSSuite {
		var out []observation.TLSSuite
		for _, n := range names {
			out = append(out, SuiteByName(n).Observation())
		}
		return out
	}
	r := &observation.TLSReport{
		Host: "www.example.gouv.fr", Port: 443, Address: "192.0.2.10:443", Time: at,
		Handshakes: 31, DurationMS: 42,
		Protocols: []observation.TLSProtocol{
			{Version: observation.SSL30},
			{Version: observation.TLS10, Accepted: true, Suites: obs("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")},
			{Version: observation.TLS11},
			{Version: observation.TLS12, Accepted: true, Preference: "server", Groups: []string{"x25519", "secp256r1"},
				Suites: obs("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")},
			{Version: observation.TLS13},
		},
		Certificate: &observation.TLSCertificate{
			Subject: "CN=www.example.gouv.fr", Issuer: "CN=Example CA", DNSNames: []string{"www.example.gouv.fr"},
			NotBefore: at.AddDate(0, -11, 0), NotAfter: at.AddDate(0, 0, 12), DaysLeft: 12,
			KeyType: "RSA", KeyBits: 2048, SignatureAlgorithm: "SHA256-RSA", HostnameMatch: true, Trusted: true,
			CRLDistribution: []string{"http://crl.example/ca.crl"},
			Chain: []observation.TLSChainCertificate{
				{Subject: "CN=www.example.gouv.fr", Issuer: "CN=Example CA", KeyType: "RSA", KeyBits: 2048, SignatureAlgorithm: "SHA256-RSA"},
			},
		},
	}
	r.Protocols[3].Suites[0].Group = "x25519"
	r.Profiles = Evaluate(r)
	return r
}

func TestWriteReportGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var b bytes.Buffer
		if err := WriteReport(&b, sampleReport(), format); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "report."+format+".golden", b.Bytes())
	}
	var back observation.TLSReport
	var b bytes.Buffer
	WriteReport(&b, sampleReport(), "json")
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Protocol(observation.TLS12).Preference != "server" {
		t.Errorf("JSON does not round-trip: %v", err)
	}
	if err := WriteReport(&b, sampleReport(), "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}
