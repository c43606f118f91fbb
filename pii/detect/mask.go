package detect

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
)

// Masked forms keep the shape of a value and as little of it as lets a
// reader recognise what was found: never enough to contact, identify or
// charge anyone.

// mask returns the masked form of a normalised value of a kind.
func mask(kind string, v []byte) string {
	switch kind {
	case KindEmail:
		at := bytes.IndexByte(v, '@')
		b := append(append([]byte{v[0]}, "***@"...), v[at+1])
		b = append(b, "***"...)
		if dot := bytes.LastIndexByte(v[at+1:], '.'); dot > 0 {
			b = append(b, v[at+1+dot:]...)
		}
		return string(b)
	case KindPhone: // E.164
		last := string(v[len(v)-2:])
		if len(v) == 12 && string(v[:3]) == "+33" {
			return "0" + string(v[3]) + " ** ** ** " + last
		}
		return string(v[:3]) + " ** ** ** " + last
	case KindNIR:
		return string(v[0]) + " ** ** ** *** *** **"
	case KindIBAN:
		return string(v[:4]) + " **** … " + string(v[len(v)-2:])
	case KindCard:
		return string(v[:4]) + " **** … " + string(v[len(v)-4:])
	case KindBirth: // yyyymmdd
		return "**/**/" + string(v[:2]) + "**"
	case KindAddress: // street, postcode, town
		for i := 0; i+5 <= len(v); i++ {
			if isDigit(v[i]) {
				return "*** " + string(v[i:i+2]) + "***"
			}
		}
		return "***"
	case KindIP:
		return string(v[:bytes.IndexByte(v, '.')]) + ".*.*.*"
	}
	return string(v) // organisation identifiers, special-category words
}

// hashValue returns the hex SHA-256 of salt, kind and the normalised
// value; "" without a salt, since an unsalted hash of a phone number is
// as good as the number.
func hashValue(salt []byte, kind string, value []byte) string {
	if len(salt) == 0 {
		return ""
	}
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(value)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}
