package farm

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"strings"
	"time"
)

// Sites whose TLS configuration is the failure to detect (or its
// look-alike), served by Go's TLS server with per-host settings chosen by
// SNI on the farm's one HTTPS listener: legacy protocol versions, weak or
// non-forward-secret suites, certificates that expire soon, with a weak
// key, signed with SHA-1 or without revocation information. Each site
// expects every tls.* finding its configuration makes, and nothing else.
//
// Go's TLS server cannot produce what crypto/tls no longer implements:
// SSL 3.0, DHE key exchange, export, NULL and anonymous suites, nor a
// chain the prober would call untrusted for its key alone. Those are
// covered by the OpenSSL and nginx peers of tlsprobe's tests and by
// scan's legacy-TLS peer test.

// tlsServer is a host's TLS server settings and certificate.
type tlsServer struct {
	// MinVersion and MaxVersion bound the protocol versions; 0 means
	// the farm's (TLS 1.2 to 1.3).
	MinVersion, MaxVersion uint16
	// Suites are the TLS 1.0-1.2 suites; nil means Go's defaults.
	Suites []uint16
	// RSABits gives the certificate an RSA key of that size; 0 means
	// ECDSA P-256 as the farm's other hosts.
	RSABits int
	// ValidDays is how many days the certificate has left; 0 means 80,
	// as the farm's other hosts.
	ValidDays int
	// SHA1 signs the certificate with ECDSA-SHA1, which crypto/x509
	// refuses to verify: handshakes of verifying clients fail.
	SHA1 bool
	// NoRevocation leaves out the CRL distribution point.
	NoRevocation bool
}

// withTLS gives a host its own TLS server settings.
func withTLS(h hostSpec, s tlsServer) hostSpec { h.TLSServer = &s; return h }

// tlsSite is a secure site of the shared town-hall pages whose only
// defects are its TLS server's.
func tlsSite(id, domain, org, dept string, s tlsServer, expect ...string) archetype {
	a := archetype{
		ID: id, Domain: domain, Input: "https://www.{D}/",
		Org: org, Tags: []string{"commune", "tls", "dept:" + dept},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{withTLS(secure("www"), s)},
	}
	for _, c := range expect {
		a.Expect = append(a.Expect, site(c, "https://www.{D}/")...)
	}
	return a
}

func init() {
	catalogue = append(catalogue,
		// The Francetest case: TLS 1.0 only, RSA key exchange, 3DES.
		// Behind it, a login form posting to HTTP with a session
		// identifier in its URL, no HSTS and HTTP served as it is: the
		// crawl must reach them over the legacy fallback.
		archetype{
			ID: "tls-legacy-only", Domain: "labo-analyses-vosges.test", Input: "https://www.{D}/",
			Org: "Laboratoire départemental d'analyses des Vosges", Tags: []string{"laboratoire", "tls", "dept:88"},
			Layout: "moderne",
			Hosts: []hostSpec{withTLS(withHSTS(withHTTP(secure("www"), httpServe), "", ""), tlsServer{
				MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10, RSABits: 2048,
				Suites: []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA},
			})},
			Expect: expects(
				site(CheckTLSLegacy, "https://www.{D}/"),
				site(CheckTLSNo13, "https://www.{D}/"),
				site(CheckTLSWeakCipher, "https://www.{D}/"),
				site(CheckTLSNoFS, "https://www.{D}/"),
				site(CheckHSTS, "https://www.{D}/"),
				site(CheckNoRedirect, "http://www.{D}/"),
				site(CheckTokenInURL, "https://www.{D}/espace/connexion.jsp"),
				form("https://www.{D}/espace/connexion.jsp", 1, CheckHTTPAction, CheckPasswordHTTP)),
		},
		tlsSite("tls-legacy-versions", "mairie-vesoul.test", "Ville de Vesoul", "70",
			tlsServer{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS12},
			CheckTLSLegacy, CheckTLSNo13),
		tlsSite("tls-rsa-kex", "sdis-jura.test", "Service départemental d'incendie et de secours du Jura", "39",
			tlsServer{RSABits: 2048, Suites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_128_GCM_SHA256}},
			CheckTLSNoFS),
		tlsSite("tls-3des", "cc-pays-de-gex.test", "Communauté de communes du Pays de Gex", "01",
			tlsServer{RSABits: 2048, Suites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA}},
			CheckTLSWeakCipher),
		tlsSite("tls-no13", "mairie-dole.test", "Ville de Dole", "39",
			tlsServer{MaxVersion: tls.VersionTLS12},
			CheckTLSNo13),
		tlsSite("tls-expiring", "mairie-lons.test", "Ville de Lons-le-Saunier", "39",
			tlsServer{ValidDays: 12},
			CheckTLSCertExpiring),
		tlsSite("tls-weak-key", "syndicat-eaux-bresse.test", "Syndicat des eaux de la Bresse", "71",
			tlsServer{RSABits: 1024},
			CheckTLSWeakKey),
		tlsSite("tls-no-revocation", "mairie-gray.test", "Ville de Gray", "70",
			tlsServer{NoRevocation: true},
			CheckTLSNoRevocation),
		// Signed with SHA-1: no verifying client completes a handshake,
		// so HTTPS is as good as absent; HTTP serves the pages.
		archetype{
			ID: "tls-sha1", Domain: "ehpad-val-de-saone.test", Input: "www.{D}",
			Org: "EHPAD du Val de Saône", Tags: []string{"sante", "ehpad", "tls"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{withTLS(hostSpec{Label: "www", TLS: tlsValid, HTTP: httpServe, Filler: true, Sitemap: true, Canonical: "http"},
				tlsServer{SHA1: true})},
			Expect: expects(
				site(CheckTLSCertInvalid, "https://www.{D}/"),
				site(CheckTLSWeakSig, "https://www.{D}/"),
				site(CheckNoHTTPS, "https://www.{D}/"),
				form("http://www.{D}/contact.html", 1, CheckHTTPPage)),
		},

		// Look-alikes: nothing to report.
		tlsSite("tls-lookalike-expiry", "mairie-luxeuil.test", "Ville de Luxeuil-les-Bains", "70",
			tlsServer{ValidDays: 45}), // over the 30-day warning
		tlsSite("tls-lookalike-rsa", "mairie-champagnole.test", "Ville de Champagnole", "39",
			tlsServer{RSABits: 2048, Suites: []uint16{ // a 2048-bit key, ECDHE only, CBC with forward secrecy
				tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA}}),
	)
}

// tlsConfigFor returns the server settings of the host a client names
// when it has its own (tlsServer), nil to keep the farm's.
func (f *Farm) tlsConfigFor(hello *tls.ClientHelloInfo) (*tls.Config, error) {
	name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	v := f.host(name)
	if v == nil || v.host.spec.TLSServer == nil {
		return nil, nil
	}
	s := v.host.spec.TLSServer
	cert, err := f.ca.custom(name, s)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{*cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: s.Suites,
		// HTTP/2 refuses the versions and suites these hosts exist for.
		NextProtos: []string{"http/1.1"},
	}
	if s.MinVersion != 0 {
		cfg.MinVersion = s.MinVersion
	}
	if s.MaxVersion != 0 {
		cfg.MaxVersion = s.MaxVersion
	}
	if f.noTLS13 && (cfg.MaxVersion == 0 || cfg.MaxVersion > tls.VersionTLS12) {
		cfg.MaxVersion = tls.VersionTLS12 // the farm-wide knob holds here too
	}
	return cfg, nil
}

type customKey struct {
	name string
	spec *tlsServer
}

// custom returns the certificate s describes for name, signed by the CA.
func (a *authority) custom(name string, s *tlsServer) (*tls.Certificate, error) {
	k := customKey{name, s}
	if c, ok := a.cache.Load(k); ok {
		return c.(*tls.Certificate), nil
	}
	var key crypto.Signer
	var err error
	if s.RSABits > 0 {
		key, err = a.rsaKey(s.RSABits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, fmt.Errorf("farm: key for %s: %w", name, err)
	}
	days := s.ValidDays
	if days == 0 {
		days = 80
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    a.now.Add(-time.Hour),
		NotAfter:     a.now.Add(time.Duration(days) * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if s.RSABits > 0 {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment // static RSA key exchange
	}
	if !s.NoRevocation && !a.noRevocation {
		tmpl.CRLDistributionPoints = []string{"http://crl.vigie-farm.test/ca.crl"}
	}
	if s.SHA1 {
		tmpl.SignatureAlgorithm = x509.ECDSAWithSHA1
	}
	return a.sign(k, name, tmpl, key)
}

type rsaKeyID int

// rsaKey returns the farm's RSA key of that size, made on first use: one
// key serves every host that needs that size, as a generated farm of
// thousands of sites cannot afford a tenth of a second per key.
func (a *authority) rsaKey(bits int) (*rsa.PrivateKey, error) {
	if k, ok := a.cache.Load(rsaKeyID(bits)); ok {
		return k.(*rsa.PrivateKey), nil
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	got, _ := a.cache.LoadOrStore(rsaKeyID(bits), k)
	return got.(*rsa.PrivateKey), nil
}
