package tlsprobe

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"vigie/observation"
)

// suitesCSV lists the cipher suites as registry facts (code, IANA name,
// OpenSSL name); their properties are read from the IANA name, whose
// grammar (TLS_<kex>_<auth>_WITH_<cipher>_<mac>) is regular.
//
//go:embed suites.csv
var suitesCSV string

// Suite is a TLS cipher suite and the properties the checks judge.
type Suite struct {
	Code    uint16
	Name    string // IANA name
	OpenSSL string // OpenSSL name, "" when OpenSSL never implemented it
	// KeyExchange is RSA, DH, DHE, ECDH, ECDHE, PSK, DHE_PSK, RSA_PSK,
	// ECDHE_PSK, SRP, KRB5, or "any" for TLS 1.3 suites.
	KeyExchange string
	// Auth is RSA, DSS, ECDSA, anon, PSK, SRP, KRB5 or "any".
	Auth string
	// Cipher is the bulk cipher and mode, e.g. AES_128_GCM, 3DES_EDE_CBC.
	Cipher string
	// Bits is the effective key strength of the cipher (112 for 3DES).
	Bits int
	// MAC is MD5, SHA1, SHA256, SHA384 or AEAD.
	MAC            string
	Export         bool
	ForwardSecrecy bool
	AEAD           bool
	// TLS13 marks TLS 1.3 suites; TLS12 marks suites that need TLS 1.2.
	TLS13, TLS12 bool
	Class        string
}

// CodeString formats the code point as IANA writes it, "0xC02F".
func (s *Suite) CodeString() string { return fmt.Sprintf("0x%04X", s.Code) }

// Observation returns the suite as recorded in a TLSReport.
func (s *Suite) Observation() observation.TLSSuite {
	return observation.TLSSuite{
		Code: s.CodeString(), Name: s.Name, OpenSSL: s.OpenSSL,
		KeyExchange: s.KeyExchange, Auth: s.Auth, Cipher: s.Cipher, Bits: s.Bits,
		MAC: s.MAC, Class: s.Class, ForwardSecrecy: s.ForwardSecrecy, AEAD: s.AEAD,
	}
}

var (
	suites      []*Suite
	suiteByCode = map[uint16]*Suite{}
	suiteByName = map[string]*Suite{}
)

func init() {
	rd := csv.NewReader(strings.NewReader(suitesCSV))
	rd.Comment = '#'
	rows, err := rd.ReadAll()
	if err != nil {
		panic("tlsprobe: suites.csv: " + err.Error())
	}
	for _, row := range rows[1:] {
		code, err := strconv.ParseUint(strings.TrimPrefix(row[0], "0x"), 16, 16)
		if err != nil {
			panic("tlsprobe: suites.csv: " + err.Error())
		}
		s, err := parseSuiteName(row[1])
		if err != nil {
			panic("tlsprobe: suites.csv: " + err.Error())
		}
		s.Code, s.OpenSSL = uint16(code), row[2]
		suites = append(suites, s)
		suiteByCode[s.Code] = s
		suiteByName[s.Name] = s
	}
}

// Suites returns every known cipher suite, by code point.
func Suites() []*Suite {
	out := append([]*Suite(nil), suites...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// SuiteByCode returns the suite with code point c, nil when unknown.
func SuiteByCode(c uint16) *Suite { return suiteByCode[c] }

// SuiteByName returns the suite with IANA name n, nil when unknown.
func SuiteByName(n string) *Suite { return suiteByName[n] }

// suiteObservation describes code point c, known or not.
func suiteObservation(c uint16) observation.TLSSuite {
	if s := suiteByCode[c]; s != nil {
		return s.Observation()
	}
	return observation.TLSSuite{Code: fmt.Sprintf("0x%04X", c), Name: fmt.Sprintf("unknown 0x%04X", c), Class: observation.TLSClassInsecure}
}

// cipherBits gives the effective key strength of each bulk cipher.
var cipherBits = map[string]int{
	"NULL": 0, "RC4_40": 40, "RC4_56": 56, "RC4_128": 128, "RC2_CBC_40": 40,
	"RC2_56": 56, "DES40_CBC": 40, "DES_CBC_40": 40, "DES_CBC": 56,
	"3DES_EDE_CBC": 112, "IDEA_CBC": 128, "SEED_CBC": 128,
	"CHACHA20_POLY1305": 256,
}

// kexAuth maps the part of a name before _WITH_ to key exchange and
// authentication.
var kexAuth = map[string][2]string{
	"RSA": {"RSA", "RSA"}, "DH_DSS": {"DH", "DSS"}, "DH_RSA": {"DH", "RSA"},
	"DHE_DSS": {"DHE", "DSS"}, "DHE_RSA": {"DHE", "RSA"}, "DH_anon": {"DH", "anon"},
	"ECDH_ECDSA": {"ECDH", "ECDSA"}, "ECDH_RSA": {"ECDH", "RSA"},
	"ECDHE_ECDSA": {"ECDHE", "ECDSA"}, "ECDHE_RSA": {"ECDHE", "RSA"},
	"ECDH_anon": {"ECDH", "anon"}, "PSK": {"PSK", "PSK"}, "DHE_PSK": {"DHE_PSK", "PSK"},
	"PSK_DHE": {"DHE_PSK", "PSK"}, "RSA_PSK": {"RSA_PSK", "RSA"},
	"ECDHE_PSK": {"ECDHE_PSK", "PSK"}, "SRP_SHA": {"SRP", "SRP"},
	"SRP_SHA_RSA": {"SRP", "RSA"}, "SRP_SHA_DSS": {"SRP", "DSS"}, "KRB5": {"KRB5", "KRB5"},
}

// parseSuiteName derives a suite's properties from its IANA name.
func parseSuiteName(name string) (*Suite, error) {
	s := &Suite{Name: name}
	rest, ok := strings.CutPrefix(name, "TLS_")
	if !ok {
		return nil, fmt.Errorf("suite %s: no TLS_ prefix", name)
	}
	kx, bulk, with := strings.Cut(rest, "_WITH_")
	if !with {
		// TLS 1.3: TLS_<AEAD>_<hash>; the hash is the HKDF's.
		s.TLS13, s.KeyExchange, s.Auth, s.MAC = true, "any", "any", "AEAD"
		i := strings.LastIndex(rest, "_SHA")
		if i < 0 {
			return nil, fmt.Errorf("suite %s: no hash", name)
		}
		s.Cipher = rest[:i]
	} else {
		if base, ok := strings.CutSuffix(kx, "_EXPORT1024"); ok {
			kx, s.Export = base, true
		} else if base, ok := strings.CutSuffix(kx, "_EXPORT"); ok {
			kx, s.Export = base, true
		}
		ka, ok := kexAuth[kx]
		if !ok {
			return nil, fmt.Errorf("suite %s: unknown key exchange %s", name, kx)
		}
		s.KeyExchange, s.Auth = ka[0], ka[1]
		switch {
		case strings.HasSuffix(bulk, "_GCM_SHA256"), strings.HasSuffix(bulk, "_GCM_SHA384"),
			strings.HasSuffix(bulk, "_POLY1305_SHA256"):
			s.Cipher, s.MAC = bulk[:strings.LastIndex(bulk, "_SHA")], "AEAD"
		case strings.HasSuffix(bulk, "_CCM"), strings.HasSuffix(bulk, "_CCM_8"):
			s.Cipher, s.MAC = bulk, "AEAD"
		default:
			i := strings.LastIndex(bulk, "_")
			s.Cipher, s.MAC = bulk[:i], bulk[i+1:]
			if s.MAC == "SHA" {
				s.MAC = "SHA1"
			}
			switch s.MAC {
			case "MD5", "SHA1", "SHA256", "SHA384":
			default:
				return nil, fmt.Errorf("suite %s: unknown MAC %s", name, s.MAC)
			}
		}
	}
	s.AEAD = s.MAC == "AEAD"
	if b, ok := cipherBits[s.Cipher]; ok {
		s.Bits = b
	} else if strings.Contains(s.Cipher, "_128_") || strings.HasSuffix(s.Cipher, "_128") {
		s.Bits = 128
	} else if strings.Contains(s.Cipher, "_256_") || strings.HasSuffix(s.Cipher, "_256") {
		s.Bits = 256
	} else {
		return nil, fmt.Errorf("suite %s: unknown cipher %s", name, s.Cipher)
	}
	if s.Export && s.Bits > 56 {
		return nil, fmt.Errorf("suite %s: export cipher of %d bits", name, s.Bits)
	}
	s.TLS12 = !s.TLS13 && (s.AEAD || s.MAC == "SHA256" || s.MAC == "SHA384")
	switch s.KeyExchange {
	case "DHE", "ECDHE", "DHE_PSK", "ECDHE_PSK", "any":
		s.ForwardSecrecy = true
	case "DH", "ECDH":
		// Anonymous (EC)DH is ephemeral, but without authentication the
		// secrecy is worth nothing; its class says so.
		s.ForwardSecrecy = s.Auth == "anon"
	}
	s.Class = classify(s)
	return s, nil
}

func classify(s *Suite) string {
	c := s.Cipher
	switch {
	case s.Export || c == "NULL" || s.Auth == "anon":
		return observation.TLSClassInsecure
	case strings.HasPrefix(c, "RC4"):
		return observation.TLSClassRC4
	case strings.HasPrefix(c, "3DES"), strings.HasPrefix(c, "DES"),
		strings.HasPrefix(c, "IDEA"), strings.HasPrefix(c, "RC2"):
		return observation.TLSClass64Bit
	case !s.ForwardSecrecy:
		return observation.TLSClassNoFS
	case !s.AEAD:
		return observation.TLSClassCBC
	}
	return observation.TLSClassAEAD
}

// Classes lists the suite classes from worst to best.
var Classes = []string{
	observation.TLSClassInsecure, observation.TLSClassRC4, observation.TLSClass64Bit,
	observation.TLSClassNoFS, observation.TLSClassCBC, observation.TLSClassAEAD,
}
