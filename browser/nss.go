package browser

// Chromium on Linux verifies certificates against the Chrome Root Store
// plus the trust anchors the user added to the NSS shared database
// $HOME/.pki/nssdb. Extra CAs are written there, in a HOME of the pool's
// own, so that they are honoured as roots whatever chain a server sends,
// with names and dates still checked. Without certutil (Debian package
// libnss3-tools), the pool falls back to --ignore-certificate-errors-spki-list,
// which only matches certificates a server sends.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// parseCAs returns the certificates of pemData, skipping blocks of other
// types. Some PEM data without any certificate is an error.
func parseCAs(pemData []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for rest := pemData; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("browser: CA certificate %d: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
	if len(bytes.TrimSpace(pemData)) > 0 && len(out) == 0 {
		return nil, errors.New("browser: CACertPEM holds no certificate")
	}
	return out, nil
}

// spkiList returns base64(SHA-256(SubjectPublicKeyInfo)) of every
// certificate, the form --ignore-certificate-errors-spki-list takes.
func spkiList(cas []*x509.Certificate) []string {
	out := make([]string, 0, len(cas))
	for _, c := range cas {
		sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
		out = append(out, base64.StdEncoding.EncodeToString(sum[:]))
	}
	return out
}

// nssDir is where Chromium on Linux opens its NSS shared database, under
// HOME.
func nssDir(home string) string { return filepath.Join(home, ".pki", "nssdb") }

// trustInNSS creates the NSS database of a Chromium started with HOME=home
// and adds every certificate of cas to it as a trusted CA for TLS servers
// (trust "C,,"), running the certutil executable within ctx.
func trustInNSS(ctx context.Context, certutil, home string, cas []*x509.Certificate) error {
	dir := nssDir(home)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("browser: NSS database %s: %w", dir, err)
	}
	db := "sql:" + dir
	if err := runCertutil(ctx, certutil, "-N", "-d", db, "--empty-password"); err != nil {
		return err
	}
	for i, c := range cas {
		file := filepath.Join(home, fmt.Sprintf("ca-%d.der", i+1))
		if err := os.WriteFile(file, c.Raw, 0o600); err != nil {
			return fmt.Errorf("browser: NSS database %s: %w", dir, err)
		}
		err := runCertutil(ctx, certutil, "-A", "-d", db, "-n", nssNickname(i, c), "-t", "C,,", "-i", file)
		os.Remove(file)
		if err != nil {
			return fmt.Errorf("browser: CA certificate %q: %w", c.Subject.String(), err)
		}
	}
	return nil
}

// nssNickname names the i-th CA in the database; nicknames must be unique.
func nssNickname(i int, c *x509.Certificate) string {
	name := c.Subject.CommonName
	if name == "" {
		name = c.Subject.String()
	}
	return fmt.Sprintf("vigie-ca-%d %s", i+1, name)
}

// runCertutil runs certutil with args and returns its output in the error
// when it fails.
func runCertutil(ctx context.Context, certutil string, args ...string) error {
	out, err := exec.CommandContext(ctx, certutil, args...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg != "" {
			return fmt.Errorf("browser: %s %s: %w: %s", certutil, strings.Join(args, " "), err, msg)
		}
		return fmt.Errorf("browser: %s %s: %w", certutil, strings.Join(args, " "), err)
	}
	return nil
}
