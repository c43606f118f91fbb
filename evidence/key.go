package evidence

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Key file names, in the key directory and in evidence directories.
const (
	PrivateKeyFile = "ed25519"
	PublicKeyFile  = "ed25519.pub"
)

// KeyDir returns the directory of the signing key under Vigie's data
// directory ($XDG_DATA_HOME/vigie).
func KeyDir(dataDir string) string { return filepath.Join(dataDir, "keys") }

// LoadOrCreateKey returns the ed25519 signing key kept in dir, creating it
// on first use: the private key as PKCS #8 PEM in dir/ed25519 (mode 0600),
// the public key as PKIX PEM beside it in dir/ed25519.pub, so that
// OpenSSL can check signatures too.
func LoadOrCreateKey(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, PrivateKeyFile)
	key, err := readPrivateKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(dir)
	}
	if err != nil {
		return nil, err
	}
	pubPath := filepath.Join(dir, PublicKeyFile)
	if _, err := os.Stat(pubPath); errors.Is(err, fs.ErrNotExist) {
		if err := os.WriteFile(pubPath, EncodePublicKey(key.Public().(ed25519.PublicKey)), 0o644); err != nil {
			return nil, fmt.Errorf("evidence: writing public key: %w", err)
		}
	}
	return key, nil
}

func createKey(dir string) (ed25519.PrivateKey, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("evidence: creating key directory: %w", err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("evidence: generating key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("evidence: encoding key: %w", err)
	}
	path := filepath.Join(dir, PrivateKeyFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readPrivateKey(path) // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: creating key: %w", err)
	}
	_, err = f.Write(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("evidence: writing key %s: %w", path, err)
	}
	pub := key.Public().(ed25519.PublicKey)
	if err := os.WriteFile(filepath.Join(dir, PublicKeyFile), EncodePublicKey(pub), 0o644); err != nil {
		return nil, fmt.Errorf("evidence: writing public key: %w", err)
	}
	return key, nil
}

func readPrivateKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("evidence: %s holds no PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("evidence: %s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("evidence: %s is not an ed25519 key", path)
	}
	return key, nil
}

// EncodePublicKey returns pub as a PKIX "PUBLIC KEY" PEM block.
func EncodePublicKey(pub ed25519.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub) // cannot fail for ed25519
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKey reads a public key written by EncodePublicKey.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("no PEM public key")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("not an ed25519 public key")
	}
	return pub, nil
}

// Fingerprint identifies a public key: "sha256:" and the hex SHA-256 of
// its 32 raw bytes.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "sha256:" + hex.EncodeToString(sum[:])
}
