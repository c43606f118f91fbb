package tlsprobe

import (
	"bytes"
	"context"
	//lint:ignore SA1019 old servers still present DSA keys, which must be measured
	"crypto/dsa"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"math"
	"net"
	"strings"
	"time"

	"vigie/observation"
)

// goSuites are every suite crypto/tls implements, weak ones included, so
// that the certificate can be read from servers that accept nothing else.
var goSuites = func() []uint16 {
	var ids []uint16
	for _, s := range tls.CipherSuites() {
		ids = append(ids, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		ids = append(ids, s.ID)
	}
	return ids
}()

// handshakeID is what one crypto/tls handshake with a host's SNI
// negotiated: hosts on one address share protocol and suite results only
// when theirs are equal (see Prober.Probe).
type handshakeID struct {
	version, suite uint16
	leaf           [32]byte // SHA-256 of the leaf certificate
}

// fetchCertificate completes a crypto/tls handshake without verification
// to read the chain the server presents for r.host; the chain is judged
// afterwards against the configured roots. It also returns what the
// handshake negotiated.
func (r *run) fetchCertificate(ctx context.Context) ([]*x509.Certificate, bool, *handshakeID, error) {
	conn, release, err := r.connect(ctx)
	if err != nil {
		return nil, false, nil, err
	}
	defer release()
	cfg := &tls.Config{
		InsecureSkipVerify: true, // verified below, against RootCAs
		MinVersion:         tls.VersionTLS10,
		CipherSuites:       goSuites,
	}
	if net.ParseIP(r.host) == nil {
		cfg.ServerName = r.host
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, false, nil, err
	}
	st := tc.ConnectionState()
	id := &handshakeID{version: st.Version, suite: st.CipherSuite}
	if len(st.PeerCertificates) > 0 {
		id.leaf = sha256.Sum256(st.PeerCertificates[0].Raw)
	}
	return st.PeerCertificates, len(st.OCSPResponse) > 0, id, nil
}

// rawCertificate returns the chain seen in a raw TLS 1.2-or-older
// handshake, for servers crypto/tls cannot talk to (SSL 3.0 only, DHE
// only, ...). TLS 1.3-only servers encrypt their certificate: nothing is
// read from them here.
func (r *run) rawCertificate(ctx context.Context, rep *observation.TLSReport) ([]*x509.Certificate, bool) {
	r.mu.Lock()
	raw, stapled := r.rawChain, r.rawStapled
	r.mu.Unlock()
	if raw == nil {
		// Results were shared from another host: ask for this one's.
		for i := len(rep.Protocols) - 1; i >= 0 && raw == nil; i-- {
			pr := rep.Protocols[i]
			v := versions[i].wire
			if !pr.Accepted || v == versionTLS13 {
				continue
			}
			var offer []uint16
			for _, s := range pr.Suites {
				if su := SuiteByName(s.Name); su != nil {
					offer = append(offer, su.Code)
				}
			}
			f, err := r.exchange(ctx, &hello{version: v, suites: offer, groups: groupIDs(false), serverName: r.host})
			if err == nil {
				raw, stapled = f.certificates, f.stapled
			}
		}
	}
	var chain []*x509.Certificate
	for _, der := range raw {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			break
		}
		chain = append(chain, c)
	}
	return chain, stapled
}

// describeCertificate records the facts the checks judge about chain,
// presented for host, at time now.
func describeCertificate(chain []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) *observation.TLSCertificate {
	if len(chain) == 0 {
		return nil
	}
	leaf := chain[0]
	sum := sha256.Sum256(leaf.Raw)
	c := &observation.TLSCertificate{
		Subject:            leaf.Subject.String(),
		Issuer:             leaf.Issuer.String(),
		Serial:             leaf.SerialNumber.Text(16),
		NotBefore:          leaf.NotBefore.UTC(),
		NotAfter:           leaf.NotAfter.UTC(),
		DNSNames:           leaf.DNSNames,
		SignatureAlgorithm: leaf.SignatureAlgorithm.String(),
		SHA256:             hex.EncodeToString(sum[:]),
		OCSPServers:        leaf.OCSPServer,
		CRLDistribution:    leaf.CRLDistributionPoints,
		Expired:            now.After(leaf.NotAfter),
		NotYetValid:        now.Before(leaf.NotBefore),
		DaysLeft:           int(math.Floor(leaf.NotAfter.Sub(now).Hours() / 24)),
		HostnameMatch:      leaf.VerifyHostname(host) == nil,
		SelfSigned:         selfSigned(leaf),
	}
	for _, ip := range leaf.IPAddresses {
		c.IPAddresses = append(c.IPAddresses, ip.String())
	}
	c.KeyType, c.KeyBits = publicKey(leaf)

	// Trust is judged apart from the leaf's dates, which are reported on
	// their own: verify, now, a copy of the leaf whose validity covers
	// now (the signature covers the raw bytes, not these fields).
	judged := *leaf
	if judged.NotAfter.Before(now) {
		judged.NotAfter = now.Add(time.Second)
	}
	if judged.NotBefore.After(now) {
		judged.NotBefore = now.Add(-time.Second)
	}
	inter := x509.NewCertPool()
	for _, ic := range chain[1:] {
		inter.AddCert(ic)
	}
	_, err := judged.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	c.Trusted = err == nil
	if err != nil {
		c.VerifyError = err.Error()
		var ia x509.InsecureAlgorithmError
		if errors.As(err, &ia) {
			c.VerifyError = "insecure signature algorithm: " + err.Error()
		}
	}
	for _, cc := range chain {
		kt, kb := publicKey(cc)
		c.Chain = append(c.Chain, observation.TLSChainCertificate{
			Subject: cc.Subject.String(), Issuer: cc.Issuer.String(), NotAfter: cc.NotAfter.UTC(),
			KeyType: kt, KeyBits: kb, SignatureAlgorithm: cc.SignatureAlgorithm.String(),
			SelfSigned: selfSigned(cc),
		})
	}
	return c
}

// selfSigned reports whether c names itself as issuer (and, when key
// identifiers are present, its own key as the signer's).
func selfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	return len(c.AuthorityKeyId) == 0 || len(c.SubjectKeyId) == 0 || bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId)
}

func publicKey(c *x509.Certificate) (string, int) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	case *dsa.PublicKey:
		return "DSA", k.P.BitLen()
	}
	return strings.TrimPrefix(c.PublicKeyAlgorithm.String(), "x509."), 0
}

// WeakSignature reports whether a certificate signature algorithm name
// (x509.SignatureAlgorithm.String()) rests on MD2, MD5 or SHA-1.
func WeakSignature(alg string) bool {
	a := strings.ToUpper(alg)
	return strings.Contains(a, "MD2") || strings.Contains(a, "MD5") || strings.Contains(a, "SHA1")
}
