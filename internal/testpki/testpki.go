// Package testpki makes throwaway certificate authorities and the server
// certificates they sign, for tests only: keys are generated on the fly,
// never stored, and failures end the calling test.
package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"
)

// A CA is a throwaway certificate authority with an ECDSA P-256 key, valid
// from an hour ago for a year.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewCA makes a CA whose subject's common name is name.
func NewCA(t testing.TB, name string) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("testpki: key of CA %q: %v", name, err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("testpki: certificate of CA %q: %v", name, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("testpki: certificate of CA %q: %v", name, err)
	}
	return &CA{cert: cert, key: key}
}

// Cert returns the CA's certificate.
func (ca *CA) Cert() *x509.Certificate { return ca.cert }

// PEM returns the CA's certificate, PEM-encoded, as clients are told to
// trust it.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

// Pool returns a certificate pool holding the CA's certificate only.
func (ca *CA) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}

// LeafOptions describes a server certificate for Issue.
type LeafOptions struct {
	// Names are the DNS names or IP addresses the certificate is for;
	// the first is also the subject's common name. It must not be empty.
	Names []string
	// NotBefore and NotAfter bound the validity; zero values mean an
	// hour ago and 80 days from now, like a certificate from an ACME CA.
	NotBefore, NotAfter time.Time
	// CRL lists CRL distribution points, as public CAs write them.
	CRL []string
	// OmitCA leaves the CA's certificate out of the chain the server
	// sends, which is then the leaf alone.
	OmitCA bool
	// RSABits, when set, gives the leaf an RSA key of that size instead
	// of ECDSA P-256: static RSA key exchange needs one.
	RSABits int
	// Client makes a client certificate (TLS client authentication)
	// instead of a server one.
	Client bool
}

// Issue makes an ECDSA P-256 key and a server certificate signed by the
// CA, and returns them as a server presents them: the leaf, then the CA's
// certificate unless o.OmitCA.
func (ca *CA) Issue(t testing.TB, o LeafOptions) tls.Certificate {
	t.Helper()
	if len(o.Names) == 0 {
		t.Fatal("testpki: a certificate needs at least one name")
	}
	var key crypto.Signer
	var err error
	if o.RSABits > 0 {
		key, err = rsa.GenerateKey(rand.Reader, o.RSABits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		t.Fatalf("testpki: key for %v: %v", o.Names, err)
	}
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.Add(80 * 24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: o.Names[0]},
		NotBefore:             o.NotBefore,
		NotAfter:              o.NotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		CRLDistributionPoints: o.CRL,
	}
	if o.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	if o.RSABits > 0 {
		// Static RSA key exchange encrypts with the certificate's key.
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	for _, n := range o.Names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatalf("testpki: certificate for %v: %v", o.Names, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("testpki: certificate for %v: %v", o.Names, err)
	}
	chain := [][]byte{der}
	if !o.OmitCA {
		chain = append(chain, ca.cert.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}
}

// IssuePEM is Issue for servers that read files: it returns the chain and
// the PKCS #8 private key, PEM-encoded.
func (ca *CA) IssuePEM(t testing.TB, o LeafOptions) (certPEM, keyPEM []byte) {
	t.Helper()
	c := ca.Issue(t, o)
	for _, der := range c.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatalf("testpki: key for %v: %v", o.Names, err)
	}
	return certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

// serial returns a random 127-bit serial number, unique in practice, as
// RFC 5280 wants per CA.
func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatalf("testpki: serial number: %v", err)
	}
	return n
}
