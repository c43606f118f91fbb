package observation

import "time"

// TLS protocol version names used in TLSReport.
const (
	SSL30 = "SSL 3.0"
	TLS10 = "TLS 1.0"
	TLS11 = "TLS 1.1"
	TLS12 = "TLS 1.2"
	TLS13 = "TLS 1.3"
)

// Cipher-suite classes, from worst to best. A suite belongs to the first
// class that applies to it.
const (
	// TLSClassInsecure: no encryption (NULL), no authentication
	// (anonymous) or export-grade keys.
	TLSClassInsecure = "null-anon-export"
	// TLSClassRC4: the RC4 stream cipher.
	TLSClassRC4 = "rc4"
	// TLSClass64Bit: 64-bit block ciphers (3DES, DES, IDEA, RC2).
	TLSClass64Bit = "64-bit-block"
	// TLSClassNoFS: key exchange without forward secrecy (static RSA,
	// static DH or ECDH, PSK).
	TLSClassNoFS = "no-forward-secrecy"
	// TLSClassCBC: forward secrecy, but a CBC cipher with HMAC.
	TLSClassCBC = "cbc"
	// TLSClassAEAD: forward secrecy and an AEAD cipher (GCM, CCM,
	// ChaCha20-Poly1305), and every TLS 1.3 suite.
	TLSClassAEAD = "aead-fs"
)

// TLSReport is what the TLS prober learnt of one host and port: which
// protocol versions and cipher suites the server accepts, its key-exchange
// groups, its certificate, and how the whole measures against published
// profiles.
type TLSReport struct {
	// Host is the name sent as SNI and checked against the certificate.
	Host string `json:"host"`
	Port int    `json:"port"`
	// Address is the IP address and port the probes reached.
	Address string `json:"address,omitempty"`
	// SharedFrom names the host whose handshake results (protocols, suites,
	// groups) were reused because it had been probed on the same address
	// and this host's own handshake, with its own SNI, negotiated the same
	// version and suite and presented the same certificate; the
	// certificate is always this host's own.
	SharedFrom string `json:"shared_from,omitempty"`
	// SharedVerified is set when SharedFrom's certificate differs: this
	// host's own hellos then showed that it refuses the versions, suites
	// and groups SharedFrom refused, has the same first choices, and
	// accepts each legacy version, weak or non-forward-secret suite,
	// finite-field Diffie-Hellman suite and weak group of SharedFrom's
	// (what findings rest on); the other accepted suites and groups are
	// SharedFrom's, not tested one by one here.
	SharedVerified bool `json:"shared_verified,omitempty"`

	// Protocols has one entry per version tried, SSL 3.0 first.
	Protocols []TLSProtocol `json:"protocols,omitempty"`
	// Certificate describes the chain the server presented for Host.
	Certificate *TLSCertificate `json:"certificate,omitempty"`
	// Profiles are the verdicts against ANSSI's recommendations and
	// Mozilla's intermediate and modern profiles.
	Profiles []TLSProfile `json:"profiles,omitempty"`

	// Handshakes is the number of connections the probe opened.
	Handshakes int `json:"handshakes"`
	// Incomplete is set when a limit (handshake budget, time) or network
	// errors cut enumeration short; Notes says what is missing.
	Incomplete bool     `json:"incomplete,omitempty"`
	Notes      []string `json:"notes,omitempty"`

	// Error is set when the host could not be probed at all; ErrorKind
	// classifies it (Kind* constants).
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`

	// Time is when the probe started; certificate dates are judged
	// against it.
	Time       time.Time `json:"time"`
	DurationMS int64     `json:"duration_ms"`
}

// Protocol returns the entry of version v ("TLS 1.2"), nil when not tried.
func (r *TLSReport) Protocol(v string) *TLSProtocol {
	for i := range r.Protocols {
		if r.Protocols[i].Version == v {
			return &r.Protocols[i]
		}
	}
	return nil
}

// Accepted returns the names of the accepted protocol versions, oldest
// first.
func (r *TLSReport) Accepted() []string {
	var out []string
	for _, p := range r.Protocols {
		if p.Accepted {
			out = append(out, p.Version)
		}
	}
	return out
}

// TLSProtocol is what one protocol version gave.
type TLSProtocol struct {
	Version  string `json:"version"`
	Accepted bool   `json:"accepted"`
	// Preference is "server" when the server imposes its own order on the
	// suites, "client" when it follows the client's, "" when it could not
	// be told (fewer than two suites).
	Preference string `json:"preference,omitempty"`
	// Suites are the accepted suites, in the server's order of preference
	// when it has one.
	Suites []TLSSuite `json:"suites,omitempty"`
	// Groups are the key-exchange groups accepted with this version (IANA
	// names), in the order the server chose them.
	Groups []string `json:"groups,omitempty"`
	// EncryptThenMAC is set when the server agreed to encrypt-then-MAC
	// (RFC 7366) with a CBC suite.
	EncryptThenMAC bool `json:"encrypt_then_mac,omitempty"`
	// Error is set when the version could not be tested reliably.
	Error string `json:"error,omitempty"`
}

// TLSSuite is an accepted cipher suite and its properties.
type TLSSuite struct {
	// Code is the IANA code point, e.g. "0xC02F".
	Code string `json:"code"`
	// Name is the IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".
	Name    string `json:"name"`
	OpenSSL string `json:"openssl,omitempty"`
	// KeyExchange, Auth, Cipher and MAC decompose the name ("ECDHE",
	// "RSA", "AES_128_GCM", "AEAD"); Bits is the cipher's key strength.
	KeyExchange    string `json:"kex"`
	Auth           string `json:"auth"`
	Cipher         string `json:"cipher"`
	Bits           int    `json:"bits"`
	MAC            string `json:"mac"`
	Class          string `json:"class"`
	ForwardSecrecy bool   `json:"forward_secrecy"`
	AEAD           bool   `json:"aead"`
	// Group is the elliptic-curve group of an ECDHE exchange, DHBits the
	// size of a DHE prime, as seen when the server chose this suite.
	Group  string `json:"group,omitempty"`
	DHBits int    `json:"dh_bits,omitempty"`
}

// TLSCertificate describes the certificate chain a server presented.
type TLSCertificate struct {
	// The leaf certificate.
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	Serial             string    `json:"serial,omitempty"`
	NotBefore          time.Time `json:"not_before"`
	NotAfter           time.Time `json:"not_after"`
	DNSNames           []string  `json:"dns_names,omitempty"`
	IPAddresses        []string  `json:"ip_addresses,omitempty"`
	KeyType            string    `json:"key_type"` // RSA, ECDSA, Ed25519, DSA
	KeyBits            int       `json:"key_bits"`
	SignatureAlgorithm string    `json:"signature_algorithm"` // e.g. SHA256-RSA
	SHA256             string    `json:"sha256"`
	OCSPServers        []string  `json:"ocsp_servers,omitempty"`
	CRLDistribution    []string  `json:"crl_distribution_points,omitempty"`
	OCSPStapled        bool      `json:"ocsp_stapled,omitempty"`

	// Judgements made at probe time (TLSReport.Time).
	Expired     bool `json:"expired,omitempty"`
	NotYetValid bool `json:"not_yet_valid,omitempty"`
	// DaysLeft is the number of whole days until NotAfter (negative once
	// expired).
	DaysLeft      int  `json:"days_left"`
	HostnameMatch bool `json:"hostname_match"`
	SelfSigned    bool `json:"self_signed,omitempty"`
	// Trusted is set when the chain verifies against the trusted roots;
	// VerifyError says why not otherwise.
	Trusted     bool   `json:"trusted"`
	VerifyError string `json:"verify_error,omitempty"`

	// Chain lists every presented certificate, leaf first.
	Chain []TLSChainCertificate `json:"chain,omitempty"`
	// Error is set when no usable certificate could be read.
	Error string `json:"error,omitempty"`
}

// TLSChainCertificate summarises one certificate of a presented chain.
type TLSChainCertificate struct {
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	NotAfter           time.Time `json:"not_after"`
	KeyType            string    `json:"key_type"`
	KeyBits            int       `json:"key_bits"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	SelfSigned         bool      `json:"self_signed,omitempty"`
}

// TLSProfile is the verdict of one yardstick on a host.
type TLSProfile struct {
	// Name is "ANSSI", "Mozilla intermediate" or "Mozilla modern".
	Name       string         `json:"name"`
	Compliant  bool           `json:"compliant"`
	Deviations []TLSDeviation `json:"deviations,omitempty"`
}

// TLS deviation topics, which checks use to cite the rules they rest on.
const (
	TLSTopicProtocol       = "protocol"
	TLSTopicCipher         = "cipher"
	TLSTopicForwardSecrecy = "forward-secrecy"
	TLSTopicKeyExchange    = "key-exchange"
	TLSTopicCertKey        = "certificate-key"
	TLSTopicCertSignature  = "certificate-signature"
	TLSTopicCertValidity   = "certificate-validity"
	// Topics only profiles judge, no check reports them.
	TLSTopicCipherMode   = "cipher-mode"
	TLSTopicCertType     = "certificate-type"
	TLSTopicCertLifespan = "certificate-lifespan"
)

// TLSDeviation is one way a host departs from a profile.
type TLSDeviation struct {
	Topic string `json:"topic"`
	// Rule names the yardstick's rule, e.g. "ANSSI TLS guide (2020) §2.1".
	Rule string `json:"rule"`
	// Detail says what was seen, Items lists the exact protocol, suite or
	// group names involved.
	Detail string   `json:"detail"`
	Items  []string `json:"items,omitempty"`
}
