package tlsprobe

import (
	"fmt"
	"slices"
	"strings"

	"vigie/observation"
)

// Profile names.
const (
	ProfileANSSI        = "ANSSI"
	ProfileIntermediate = "Mozilla intermediate"
	ProfileModern       = "Mozilla modern"
)

// Rules of the yardsticks, as cited in deviations and findings. ANSSI's
// are from "Recommandations de sécurité relatives à TLS" v1.2 (2020),
// Mozilla's from the Server Side TLS guidelines v5.7.
const (
	RuleANSSIVersions = "ANSSI TLS guide (2020) §2.1: TLS 1.3 and TLS 1.2 only"
	RuleANSSICipher   = "ANSSI TLS guide (2020) §2.2: no NULL, export, anonymous, RC4 or 64-bit block cipher suites"
	RuleANSSIFS       = "ANSSI TLS guide (2020) §2.2: key exchange with forward secrecy (ECDHE, or DHE)"
	RuleANSSIMode     = "ANSSI TLS guide (2020) §2.2 and annex A: AEAD suites, or CBC with SHA-2 HMAC and encrypt-then-MAC"
	RuleANSSIKex      = "ANSSI TLS guide (2020) §2.2: ECDHE on curves of 256 bits or more, DHE groups of 2048 bits or more"
	RuleANSSICertKey  = "ANSSI TLS guide (2020) §3.1: RSA keys of 2048 bits or more, EC keys of 256 bits or more"
	RuleANSSICertSig  = "ANSSI TLS guide (2020) §3.1: certificates signed with SHA-2"
	RuleANSSICertOK   = "ANSSI TLS guide (2020) §3.2: certificate within its validity, issued for the host, chain trusted"

	RuleIntermediateVersions = "Mozilla intermediate (v5.7): TLS 1.2 and TLS 1.3 only"
	RuleIntermediateSuites   = "Mozilla intermediate (v5.7): TLS 1.2 suites ECDHE or DHE with AES-GCM or ChaCha20-Poly1305 only"
	RuleIntermediateKex      = "Mozilla intermediate (v5.7): curves X25519, P-256, P-384; DH groups of 2048 bits or more"
	RuleIntermediateCertKey  = "Mozilla intermediate (v5.7): RSA keys of 2048 bits or more, or ECDSA P-256/P-384"
	RuleIntermediateCertSig  = "Mozilla intermediate (v5.7): certificate signatures SHA-256 or stronger"
	RuleIntermediateLifespan = "Mozilla intermediate (v5.7): certificate lifespan of 366 days at most"
	RuleMozillaCertOK        = "Mozilla Server Side TLS (v5.7): a valid certificate, trusted, for the host"

	RuleModernVersions = "Mozilla modern (v5.7): TLS 1.3 only"
	RuleModernSuites   = "Mozilla modern (v5.7): TLS 1.3 suites AES-GCM and ChaCha20-Poly1305 only"
	RuleModernCertType = "Mozilla modern (v5.7): ECDSA certificate (P-256 or P-384)"
	RuleModernLifespan = "Mozilla modern (v5.7): certificate lifespan of 90 days at most"
)

// Mozilla intermediate's TLS 1.2 suites and both profiles' TLS 1.3 suites.
var (
	intermediateSuites = []string{
		"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
		"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
		"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
		"TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	}
	mozillaSuites13 = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}
)

// WeakKey reports whether a certificate key is below ANSSI's and
// Mozilla's floors: RSA under 2048 bits, EC under 256, any DSA key.
func WeakKey(keyType string, bits int) bool {
	switch keyType {
	case "RSA":
		return bits < 2048
	case "ECDSA":
		return bits < 256
	case "DSA":
		return true
	}
	return false
}

// IsWeakClass reports whether a suite class is among those no yardstick
// tolerates: NULL, anonymous, export, RC4 and 64-bit block ciphers.
func IsWeakClass(class string) bool {
	return class == observation.TLSClassInsecure || class == observation.TLSClassRC4 || class == observation.TLSClass64Bit
}

// Evaluate judges a report against ANSSI's recommendations and Mozilla's
// intermediate and modern profiles. It reads only the report.
func Evaluate(r *observation.TLSReport) []observation.TLSProfile {
	if len(r.Accepted()) == 0 {
		return nil
	}
	f := collect(r)
	anssi := profile(ProfileANSSI)
	anssi.add(observation.TLSTopicProtocol, RuleANSSIVersions, "legacy protocol versions accepted", f.legacy)
	anssi.add(observation.TLSTopicCipher, RuleANSSICipher, "weak cipher suites accepted", f.weak)
	anssi.add(observation.TLSTopicForwardSecrecy, RuleANSSIFS, "suites without forward secrecy accepted", f.noFS)
	anssi.add(observation.TLSTopicCipherMode, RuleANSSIMode, "CBC suites with an HMAC-SHA1 or MD5", f.cbcSHA1)
	anssi.add(observation.TLSTopicCipherMode, RuleANSSIMode, "CBC suites without encrypt-then-MAC", f.cbcNoETM)
	anssi.add(observation.TLSTopicCipherMode, RuleANSSIMode, "CCM_8 suites (64-bit tag)", f.ccm8)
	anssi.add(observation.TLSTopicKeyExchange, RuleANSSIKex, "weak key-exchange groups", f.weakGroups)
	anssi.add(observation.TLSTopicCertKey, RuleANSSICertKey, "weak certificate keys", f.weakKeys)
	anssi.add(observation.TLSTopicCertSignature, RuleANSSICertSig, "certificates signed with MD5 or SHA-1", f.weakSigs)
	anssi.add(observation.TLSTopicCertValidity, RuleANSSICertOK, "certificate not valid for this host", f.invalid)

	inter := profile(ProfileIntermediate)
	inter.add(observation.TLSTopicProtocol, RuleIntermediateVersions, "protocol versions outside the profile accepted", f.legacy)
	inter.addSplit(RuleIntermediateSuites, "TLS 1.2 suites outside the profile", f.outsideIntermediate)
	inter.add(observation.TLSTopicCipherMode, RuleModernSuites, "TLS 1.3 suites outside the profile", f.outside13)
	inter.add(observation.TLSTopicKeyExchange, RuleIntermediateKex, "weak key-exchange groups", f.weakGroups)
	inter.add(observation.TLSTopicCertKey, RuleIntermediateCertKey, "weak certificate keys", f.weakKeys)
	inter.add(observation.TLSTopicCertSignature, RuleIntermediateCertSig, "certificates signed with MD5 or SHA-1", f.weakSigs)
	inter.add(observation.TLSTopicCertValidity, RuleMozillaCertOK, "certificate not valid for this host", f.invalid)
	if f.lifespan > 366 {
		inter.flag(observation.TLSTopicCertLifespan, RuleIntermediateLifespan, fmt.Sprintf("certificate lifespan of %d days", f.lifespan), nil)
	}

	modern := profile(ProfileModern)
	var notTLS13 []string
	for _, v := range r.Accepted() {
		if v != observation.TLS13 {
			notTLS13 = append(notTLS13, v)
		}
	}
	modern.add(observation.TLSTopicProtocol, RuleModernVersions, "protocol versions other than TLS 1.3 accepted", notTLS13)
	if p := r.Protocol(observation.TLS13); p == nil || !p.Accepted {
		modern.add(observation.TLSTopicProtocol, RuleModernVersions, "TLS 1.3 not accepted", []string{observation.TLS13})
	}
	modern.addSplit(RuleModernVersions, "suites of protocol versions other than TLS 1.3", f.outsideModern)
	modern.add(observation.TLSTopicCipherMode, RuleModernSuites, "TLS 1.3 suites outside the profile", f.outside13)
	modern.add(observation.TLSTopicKeyExchange, RuleIntermediateKex, "weak key-exchange groups", f.weakGroups)
	if c := r.Certificate; c != nil && c.Error == "" && (c.KeyType != "ECDSA" || c.KeyBits > 384) {
		modern.flag(observation.TLSTopicCertType, RuleModernCertType, fmt.Sprintf("%s %d-bit certificate key", c.KeyType, c.KeyBits), nil)
	}
	modern.add(observation.TLSTopicCertSignature, RuleIntermediateCertSig, "certificates signed with MD5 or SHA-1", f.weakSigs)
	modern.add(observation.TLSTopicCertValidity, RuleMozillaCertOK, "certificate not valid for this host", f.invalid)
	if f.lifespan > 90 {
		modern.flag(observation.TLSTopicCertLifespan, RuleModernLifespan, fmt.Sprintf("certificate lifespan of %d days", f.lifespan), nil)
	}

	out := []observation.TLSProfile{anssi.TLSProfile, inter.TLSProfile, modern.TLSProfile}
	for i := range out {
		out[i].Compliant = len(out[i].Deviations) == 0
	}
	return out
}

type builderProfile struct{ observation.TLSProfile }

func profile(name string) *builderProfile {
	return &builderProfile{observation.TLSProfile{Name: name}}
}

// add records a deviation when items is not empty.
func (p *builderProfile) add(topic, rule, detail string, items []string) {
	if len(items) > 0 {
		p.flag(topic, rule, detail, items)
	}
}

// flag records a deviation.
func (p *builderProfile) flag(topic, rule, detail string, items []string) {
	p.Deviations = append(p.Deviations, observation.TLSDeviation{Topic: topic, Rule: rule, Detail: detail, Items: items})
}

// addSplit adds suites outside a profile's list under the topic of what
// is wrong with each: weak, without forward secrecy, or merely not listed.
func (p *builderProfile) addSplit(rule, detail string, suites []observation.TLSSuite) {
	var weak, noFS, other []string
	for _, s := range suites {
		switch {
		case IsWeakClass(s.Class):
			weak = appendNew(weak, s.Name)
		case !s.ForwardSecrecy:
			noFS = appendNew(noFS, s.Name)
		default:
			other = appendNew(other, s.Name)
		}
	}
	p.add(observation.TLSTopicCipher, rule, detail+": weak", weak)
	p.add(observation.TLSTopicForwardSecrecy, rule, detail+": no forward secrecy", noFS)
	p.add(observation.TLSTopicCipherMode, rule, detail, other)
}

// facts gathers, once, what the profiles judge.
type facts struct {
	legacy, weak, noFS, cbcSHA1, cbcNoETM, ccm8 []string
	weakGroups, weakKeys, weakSigs, invalid     []string
	outsideIntermediate, outsideModern          []observation.TLSSuite
	outside13                                   []string
	lifespan                                    int
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func collect(r *observation.TLSReport) facts {
	var f facts
	for _, p := range r.Protocols {
		if !p.Accepted {
			continue
		}
		if p.Version != observation.TLS12 && p.Version != observation.TLS13 {
			f.legacy = append(f.legacy, p.Version)
		}
		for _, g := range p.Groups {
			if WeakGroup(g) {
				f.weakGroups = appendNew(f.weakGroups, g)
			}
		}
		for _, s := range p.Suites {
			switch {
			case IsWeakClass(s.Class):
				f.weak = appendNew(f.weak, s.Name)
			case !s.ForwardSecrecy:
				f.noFS = appendNew(f.noFS, s.Name)
			}
			if !s.AEAD && !IsWeakClass(s.Class) {
				if s.MAC == "SHA1" || s.MAC == "MD5" {
					f.cbcSHA1 = appendNew(f.cbcSHA1, s.Name)
				} else if !p.EncryptThenMAC {
					f.cbcNoETM = appendNew(f.cbcNoETM, s.Name)
				}
			}
			if strings.HasSuffix(s.Cipher, "CCM_8") {
				f.ccm8 = appendNew(f.ccm8, s.Name)
			}
			if s.DHBits > 0 && s.DHBits < 2048 {
				f.weakGroups = appendNew(f.weakGroups, fmt.Sprintf("DH %d bits", s.DHBits))
			}
			if s.Group != "" {
				if b := GroupBits(s.Group); b > 0 && b < 256 {
					f.weakGroups = appendNew(f.weakGroups, s.Group)
				}
			}
			if p.Version == observation.TLS13 {
				if !slices.Contains(mozillaSuites13, s.Name) {
					f.outside13 = appendNew(f.outside13, s.Name)
				}
				continue
			}
			f.outsideModern = append(f.outsideModern, s)
			if !slices.Contains(intermediateSuites, s.Name) {
				f.outsideIntermediate = append(f.outsideIntermediate, s)
			}
		}
	}
	if c := r.Certificate; c != nil && c.Error == "" {
		for i, cc := range c.Chain {
			if i > 0 && cc.SelfSigned {
				continue // a root: its own signature proves nothing
			}
			if WeakKey(cc.KeyType, cc.KeyBits) {
				f.weakKeys = appendNew(f.weakKeys, fmt.Sprintf("%s: %s %d bits", cc.Subject, cc.KeyType, cc.KeyBits))
			}
			if WeakSignature(cc.SignatureAlgorithm) && !(i == 0 && cc.SelfSigned) {
				f.weakSigs = appendNew(f.weakSigs, fmt.Sprintf("%s: %s", cc.Subject, cc.SignatureAlgorithm))
			}
		}
		if len(c.Chain) > 0 && c.Chain[0].SelfSigned && WeakSignature(c.SignatureAlgorithm) {
			f.weakSigs = appendNew(f.weakSigs, fmt.Sprintf("%s: %s", c.Subject, c.SignatureAlgorithm))
		}
		f.invalid = CertificateProblems(c)
		f.lifespan = int(c.NotAfter.Sub(c.NotBefore).Hours() / 24)
	}
	return f
}

// CertificateProblems lists what makes a certificate invalid for its
// host: "expired", "not yet valid", "hostname mismatch", "self-signed",
// "untrusted chain".
func CertificateProblems(c *observation.TLSCertificate) []string {
	if c == nil || c.Error != "" {
		return nil
	}
	var out []string
	if c.Expired {
		out = append(out, "expired")
	}
	if c.NotYetValid {
		out = append(out, "not yet valid")
	}
	if !c.HostnameMatch {
		out = append(out, "hostname mismatch")
	}
	if c.SelfSigned && !c.Trusted {
		out = append(out, "self-signed")
	} else if !c.Trusted {
		out = append(out, "untrusted chain")
	}
	return out
}
