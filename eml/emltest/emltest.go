// Package emltest builds the test corpus of package eml for the tests of
// eml and of the command: messages signed at test time by Debian's
// dkimsign with the TEST-ONLY keys of eml/testdata/keys, and a Knot DNS
// server publishing their keys and the domains' SPF and DMARC records.
package emltest

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"vigie/internal/authdns"
	"vigie/internal/testtool"
)

// Names are the corpus's messages.
var Names = []string{"legit", "massmail", "phishing", "tampered", "incomplete"}

// testdata is eml/testdata, wherever the test runs from.
func testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// dkimRecord returns the DKIM key record, as zone-file strings of at most
// 200 characters, for the TEST-ONLY private key in testdata/keys.
func dkimRecord(t testing.TB, keyFile string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata(), "keys", keyFile))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM block", keyFile)
	}
	k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rec := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	var parts []string
	for len(rec) > 200 {
		parts = append(parts, `"`+rec[:200]+`"`)
		rec = rec[200:]
	}
	parts = append(parts, `"`+rec+`"`)
	return strings.Join(parts, " ")
}

// StartDNS serves the corpus's domains from a real Knot DNS server.
func StartDNS(t testing.TB) *authdns.Server {
	t.Helper()
	return authdns.Start(t,
		authdns.Zone{Name: "agence-emploi.test", Records: []string{
			`@ TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
			`_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@agence-emploi.test"`,
			"s2026._domainkey TXT " + dkimRecord(t, "TEST-ONLY-agence-emploi-s2026.key"),
			"esp1._domainkey TXT " + dkimRecord(t, "TEST-ONLY-agence-emploi-esp1.key"),
		}},
		authdns.Zone{Name: "routeur-mail.test", Records: []string{
			`bounces TXT "v=spf1 ip4:198.51.100.0/24 -all"`,
			`_dmarc TXT "v=DMARC1; p=none"`,
		}},
		// Strict alignment: the From domain itself, not a sibling.
		authdns.Zone{Name: "strict.test", Records: []string{
			`@ TXT "v=spf1 ip4:192.0.2.90 -all"`,
			`_dmarc TXT "v=DMARC1; p=quarantine; adkim=s; aspf=s"`,
		}},
		// A domain that publishes SPF but no DMARC policy.
		authdns.Zone{Name: "sans-dmarc.test", Records: []string{
			`@ TXT "v=spf1 ip4:192.0.2.80 -all"`,
		}},
		authdns.Zone{Name: "agence-emp1oi.test", Records: []string{
			`@ TXT "v=spf1 ip4:203.0.113.0/24 -all"`,
			`_dmarc TXT "v=DMARC1; p=none"`,
			"k1._domainkey TXT " + dkimRecord(t, "TEST-ONLY-agence-emp1oi-k1.key"),
		}},
	)
}

// crlf writes a template's lines with CRLF, as SMTP carries them.
func crlf(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

// Corpus signs each template with Debian's dkimsign and prepends
// the fields the recipient's server adds; "tampered" is "legit" with its
// body altered after signing. It returns the messages by name.
func Corpus(t testing.TB) map[string][]byte {
	t.Helper()
	bin := testtool.Need(t, "dkimsign")
	dir := filepath.Join(testdata(), "corpus")
	sign := func(name string) []byte {
		tmpl, err := os.ReadFile(filepath.Join(dir, name+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		spec, err := os.ReadFile(filepath.Join(dir, name+".sign"))
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(string(spec))
		if len(f) != 3 {
			t.Fatalf("%s.sign: want SELECTOR DOMAIN KEYFILE", name)
		}
		cmd := exec.Command(bin, f[0], f[1], filepath.Join(testdata(), "keys", f[2]))
		cmd.Stdin = bytes.NewReader(crlf(tmpl))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		signed, err := cmd.Output()
		if err != nil || !bytes.HasPrefix(signed, []byte("DKIM-Signature:")) {
			t.Fatalf("dkimsign %s: %v %s", name, err, stderr.String())
		}
		trace, err := os.ReadFile(filepath.Join(dir, name+".trace"))
		if err != nil {
			t.Fatal(err)
		}
		return append(crlf(trace), signed...)
	}
	out := map[string][]byte{}
	for _, name := range []string{"legit", "massmail", "phishing", "incomplete"} {
		out[name] = sign(name)
	}
	legit := out["legit"]
	tampered := bytes.Replace(legit, []byte("le 28 novembre 2026"), []byte("le 29 novembre 2026"), 1)
	if bytes.Equal(tampered, legit) {
		t.Fatal("tampering changed nothing")
	}
	out["tampered"] = tampered
	return out
}

// CorpusFiles writes the signed corpus to dir as NAME.eml files and
// returns their paths by name.
func CorpusFiles(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, b := range Corpus(t) {
		p := filepath.Join(dir, name+".eml")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}
