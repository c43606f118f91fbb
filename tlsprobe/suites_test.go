package tlsprobe

import (
	"crypto/tls"
	"testing"

	"vigie/observation"
)

func TestSuiteTable(t *testing.T) {
	tests := []struct {
		name                    string
		code                    uint16
		kex, auth, cipher, mac  string
		bits                    int
		class                   string
		fs, aead, export, tls12 bool
	}{
		{"TLS_RSA_WITH_NULL_MD5", 0x0001, "RSA", "RSA", "NULL", "MD5", 0, observation.TLSClassInsecure, false, false, false, false},
		{"TLS_RSA_EXPORT_WITH_RC4_40_MD5", 0x0003, "RSA", "RSA", "RC4_40", "MD5", 40, observation.TLSClassInsecure, false, false, true, false},
		{"TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", 0x0062, "RSA", "RSA", "DES_CBC", "SHA1", 56, observation.TLSClassInsecure, false, false, true, false},
		{"TLS_DH_anon_WITH_AES_128_GCM_SHA256", 0x00A6, "DH", "anon", "AES_128_GCM", "AEAD", 128, observation.TLSClassInsecure, true, true, false, true},
		{"TLS_ECDHE_RSA_WITH_RC4_128_SHA", 0xC011, "ECDHE", "RSA", "RC4_128", "SHA1", 128, observation.TLSClassRC4, true, false, false, false},
		{"TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x000A, "RSA", "RSA", "3DES_EDE_CBC", "SHA1", 112, observation.TLSClass64Bit, false, false, false, false},
		{"TLS_RSA_WITH_IDEA_CBC_SHA", 0x0007, "RSA", "RSA", "IDEA_CBC", "SHA1", 128, observation.TLSClass64Bit, false, false, false, false},
		{"TLS_DHE_RSA_WITH_DES_CBC_SHA", 0x0015, "DHE", "RSA", "DES_CBC", "SHA1", 56, observation.TLSClass64Bit, true, false, false, false},
		{"TLS_RSA_WITH_SEED_CBC_SHA", 0x0096, "RSA", "RSA", "SEED_CBC", "SHA1", 128, observation.TLSClassNoFS, false, false, false, false},
		{"TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02E, "ECDH", "ECDSA", "AES_256_GCM", "AEAD", 256, observation.TLSClassNoFS, false, true, false, true},
		{"TLS_RSA_WITH_AES_128_CCM_8", 0xC0A0, "RSA", "RSA", "AES_128_CCM_8", "AEAD", 128, observation.TLSClassNoFS, false, true, false, true},
		{"TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", 0xC077, "ECDHE", "RSA", "CAMELLIA_256_CBC", "SHA384", 256, observation.TLSClassCBC, true, false, false, true},
		{"TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", 0xC052, "DHE", "RSA", "ARIA_128_GCM", "AEAD", 128, observation.TLSClassAEAD, true, true, false, true},
		{"TLS_ECDHE_ECDSA_WITH_AES_256_CCM", 0xC0AD, "ECDHE", "ECDSA", "AES_256_CCM", "AEAD", 256, observation.TLSClassAEAD, true, true, false, true},
		{"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8, "ECDHE", "RSA", "CHACHA20_POLY1305", "AEAD", 256, observation.TLSClassAEAD, true, true, false, true},
		{"TLS_AES_128_CCM_8_SHA256", 0x1305, "any", "any", "AES_128_CCM_8", "AEAD", 128, observation.TLSClassAEAD, true, true, false, false},
	}
	for _, tt := range tests {
		s := SuiteByName(tt.name)
		if s == nil {
			t.Errorf("%s missing", tt.name)
			continue
		}
		if s.Code != tt.code || s.KeyExchange != tt.kex || s.Auth != tt.auth || s.Cipher != tt.cipher ||
			s.MAC != tt.mac || s.Bits != tt.bits || s.Class != tt.class || s.ForwardSecrecy != tt.fs ||
			s.AEAD != tt.aead || s.Export != tt.export || s.TLS12 != tt.tls12 {
			t.Errorf("%s: %+v", tt.name, s)
		}
		if SuiteByCode(tt.code) != s {
			t.Errorf("%s: lookup by code", tt.name)
		}
	}
}

// TestSuiteTableAgreesWithGo compares the table with crypto/tls's names.
func TestSuiteTableAgreesWithGo(t *testing.T) {
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		s := SuiteByCode(cs.ID)
		if s == nil || s.Name != cs.Name {
			t.Errorf("0x%04X: table %v, Go %s", cs.ID, s, cs.Name)
		}
	}
	if n := len(Suites()); n < 300 {
		t.Errorf("only %d suites", n)
	}
	for _, chunk := range candidates(versionTLS12) {
		if len(chunk) > maxSuitesPerHello {
			t.Errorf("hello of %d suites", len(chunk))
		}
	}
}
