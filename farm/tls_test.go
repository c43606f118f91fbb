package farm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTLSSites checks the ground truth of the TLS audit: every tls.* check
// is expected of some site of the catalogue, every such expectation names
// the HTTPS root of a host with its own TLS settings or a bad certificate,
// and each host's server accepts the protocol versions and suites its
// settings give, no more.
func TestTLSSites(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	expected := map[string]bool{}
	hosts := map[string]*vhost{}
	for _, v := range f.allHosts() {
		hosts["https://"+v.name+"/"] = v
	}
	for _, e := range f.Expected() {
		if !strings.HasPrefix(e.Check, "tls.") {
			continue
		}
		expected[e.Check] = true
		v := hosts[e.URL]
		if v == nil || e.Form != -1 || (v.host.spec.TLSServer == nil && v.host.spec.TLS == tlsValid) {
			t.Errorf("%s %s: not the HTTPS root of a host with its own TLS settings", e.Check, e.URL)
		}
	}
	for _, c := range []string{CheckTLSLegacy, CheckTLSWeakCipher, CheckTLSNoFS, CheckTLSCertInvalid, CheckTLSCertExpiring,
		CheckTLSWeakKey, CheckTLSWeakSig, CheckTLSNoRevocation, CheckTLSNo13} {
		if !expected[c] {
			t.Errorf("no site of the catalogue expects %s", c)
		}
	}

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(f.CACertPEM())
	routes := parseConnectTo(t, f.ConnectTo())
	handshake := func(name string, cfg *tls.Config) (tls.ConnectionState, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		raw, err := dialer(routes)(ctx, "tcp", name+":443")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cfg.InsecureSkipVerify = true // certificates: TestTLS
		conn := tls.Client(raw, cfg)
		defer conn.Close()
		err = conn.HandshakeContext(ctx)
		return conn.ConnectionState(), err
	}
	for _, v := range f.allHosts() {
		s := v.host.spec.TLSServer
		if s == nil {
			continue
		}
		minV, maxV := s.MinVersion, s.MaxVersion
		if minV == 0 {
			minV = tls.VersionTLS12
		}
		if maxV == 0 {
			maxV = tls.VersionTLS13
		}
		for ver := uint16(tls.VersionTLS10); ver <= tls.VersionTLS13; ver++ {
			cfg := legacyClientConfig(v.name, pool)
			cfg.MinVersion, cfg.MaxVersion = ver, ver
			_, err := handshake(v.name, cfg)
			if want := ver >= minV && ver <= maxV; want != (err == nil) {
				t.Errorf("%s: %s accepted %v, want %v (%v)", v.name, tls.VersionName(ver), err == nil, want, err)
			}
		}
		if s.Suites == nil {
			continue
		}
		for _, suite := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
			if !slices.Contains(suite.SupportedVersions, uint16(tls.VersionTLS12)) || slices.Contains(suite.SupportedVersions, uint16(tls.VersionTLS13)) {
				continue
			}
			cfg := legacyClientConfig(v.name, pool)
			cfg.MaxVersion = min(maxV, tls.VersionTLS12)
			cfg.CipherSuites = []uint16{suite.ID}
			_, err := handshake(v.name, cfg)
			if want := slices.Contains(s.Suites, suite.ID); want != (err == nil) {
				t.Errorf("%s: %s accepted %v, want %v (%v)", v.name, suite.Name, err == nil, want, err)
			}
		}
	}
}
