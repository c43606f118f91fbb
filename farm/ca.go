package farm

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// authority is the farm's throwaway certificate authority. It issues leaf
// certificates on demand, one per host name, and caches them.
type authority struct {
	cert  *x509.Certificate
	der   []byte
	key   *ecdsa.PrivateKey
	pem   []byte
	now   time.Time
	cache sync.Map // leafKey -> *tls.Certificate
	// noRevocation issues leaves without CRL distribution points or OCSP
	// servers, as some CAs do; set before serving.
	noRevocation bool
}

type leafKey struct {
	name    string // DNS name written in the certificate
	expired bool
}

func newAuthority() (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("farm: CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Vigie farm throwaway CA", Organization: []string{"Vigie simulated sites"}},
		NotBefore:             now.Add(-3 * 365 * 24 * time.Hour),
		NotAfter:              now.Add(2 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("farm: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("farm: CA certificate: %w", err)
	}
	return &authority{
		cert: cert, der: der, key: key, now: now,
		pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// leaf returns a certificate for name signed by the CA, valid now or, when
// expired is true, expired for a year.
func (a *authority) leaf(name string, expired bool) (*tls.Certificate, error) {
	k := leafKey{name, expired}
	if c, ok := a.cache.Load(k); ok {
		return c.(*tls.Certificate), nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("farm: key for %s: %w", name, err)
	}
	// 80 days: well clear of the 30-day expiry warning and within the
	// 90-day lifespan of Mozilla's modern profile, like an ACME certificate.
	notBefore, notAfter := a.now.Add(-time.Hour), a.now.Add(80*24*time.Hour)
	if expired {
		notBefore, notAfter = a.now.Add(-2*365*24*time.Hour), a.now.Add(-365*24*time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		// Revocation information as public CAs publish it; never fetched.
		CRLDistributionPoints: []string{"http://crl.vigie-farm.test/ca.crl"},
	}
	if a.noRevocation {
		tmpl.CRLDistributionPoints = nil
	}
	return a.sign(k, name, tmpl, key)
}

// sign issues tmpl for key's public half, caches the certificate under k
// and returns it as a server presents it, with the CA's certificate.
func (a *authority) sign(k any, name string, tmpl *x509.Certificate, key crypto.Signer) (*tls.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, key.Public(), a.key)
	if err != nil {
		return nil, fmt.Errorf("farm: certificate for %s: %w", name, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("farm: certificate for %s: %w", name, err)
	}
	c := &tls.Certificate{Certificate: [][]byte{der, a.der}, PrivateKey: key, Leaf: leaf}
	got, _ := a.cache.LoadOrStore(k, c)
	return got.(*tls.Certificate), nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n
}
