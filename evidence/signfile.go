package evidence

import (
	"crypto/ed25519"
	"os"
)

// SignFile returns the detached signature of the manifest in f, as Sign
// does, without holding the manifest in memory where the system allows
// it: a scan of 100,000 sites writes a manifest of some 300 MB, and pure
// Ed25519 (RFC 8032, which OpenSSL verifies) reads the whole message
// twice in one call. On Linux the file is mapped and, while the signature
// reads it, the pages already read are given back every millisecond (the
// kernel maps them again from its cache when read again), so the process
// holds a few megabytes of it at a time.
// Elsewhere it is read into memory.
func SignFile(key ed25519.PrivateKey, f *os.File) ([]byte, error) {
	if sig, ok, err := signMapped(key, f); ok || err != nil {
		return sig, err
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		return nil, err
	}
	return Sign(key, data), nil
}
