package tlsprobe

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"vigie/internal/testtool"

	"vigie/observation"
)

// opensslServer runs `openssl s_server` with args on a loopback port
// until the test ends.
func opensslServer(t *testing.T, args ...string) int {
	t.Helper()
	bin := testtool.Need(t, "openssl")
	port := freePort(t)
	cmd := exec.Command(bin, append([]string{"s_server", "-accept", "127.0.0.1:" + strconv.Itoa(port), "-www", "-quiet"}, args...)...)
	out, err := os.Create(filepath.Join(t.TempDir(), "s_server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	waitPort(t, port)
	return port
}

// opensslSuites lists, by OpenSSL name, the suites `openssl ciphers`
// says the local OpenSSL enables for version flag (-tls1, -tls1_2) with
// cipher list spec that an RSA certificate can serve without client
// credentials.
func opensslSuites(t *testing.T, flag, spec string) []string {
	t.Helper()
	out, err := exec.Command(testtool.Need(t, "openssl"), "ciphers", "-V", "-s", flag, spec).Output()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || strings.HasPrefix(f[3], "TLSv1.3") {
			continue
		}
		kx, au := strings.TrimPrefix(f[4], "Kx="), strings.TrimPrefix(f[5], "Au=")
		if (au == "RSA" || au == "None") && (kx == "RSA" || kx == "DH" || kx == "ECDH") {
			names = append(names, f[2])
		}
	}
	slices.Sort(names)
	return names
}

func openSSLNames(p *observation.TLSProtocol) []string {
	var out []string
	for _, s := range p.Suites {
		out = append(out, s.OpenSSL)
	}
	slices.Sort(out)
	return out
}

// TestOpenSSLLegacy proves detection of what crypto/tls cannot negotiate
// (TLS 1.0 and 1.1 with NULL and anonymous suites, ARIA, CAMELLIA, CCM)
// on a real OpenSSL peer at security level 0, and checks the enumerated
// suites against OpenSSL's own list.
func TestOpenSSLLegacy(t *testing.T) {
	ca := newCA(t)
	certFile, keyFile := writePEM(t, t.TempDir(), ca.leaf(t, leafSpec{rsaBits: 2048}))
	const spec = "ALL:eNULL:@SECLEVEL=0"
	port := opensslServer(t, "-cert", certFile, "-key", keyFile, "-cipher", spec)
	rep := probe(t, Options{RootCAs: ca.pool}, "localhost", port)

	want := []string{observation.TLS10, observation.TLS11, observation.TLS12, observation.TLS13}
	if got := rep.Accepted(); !slices.Equal(got, want) {
		t.Fatalf("accepted %v, want %v", got, want)
	}
	for _, c := range []struct{ version, flag string }{{observation.TLS10, "-tls1"}, {observation.TLS12, "-tls1_2"}} {
		got, want := openSSLNames(rep.Protocol(c.version)), opensslSuites(t, c.flag, spec)
		if !slices.Equal(got, want) {
			t.Errorf("%s suites\n got %v\nwant %v", c.version, got, want)
		}
	}
	classes := map[string]bool{}
	for _, s := range rep.Protocol(observation.TLS10).Suites {
		classes[s.Class] = true
		if s.Name == "TLS_RSA_WITH_NULL_SHA" && s.Class != observation.TLSClassInsecure {
			t.Errorf("NULL suite of class %s", s.Class)
		}
	}
	if !classes[observation.TLSClassInsecure] || !classes[observation.TLSClassNoFS] || !classes[observation.TLSClassCBC] {
		t.Errorf("TLS 1.0 classes %v", classes)
	}
	if p := rep.Protocol(observation.TLS12); p.Preference != "client" || !p.EncryptThenMAC {
		t.Errorf("TLS 1.2 preference %q, encrypt-then-MAC %v", p.Preference, p.EncryptThenMAC)
	}
	if !slices.Contains(rep.Protocol(observation.TLS13).Groups, "ffdhe2048") {
		t.Errorf("TLS 1.3 groups %v lack OpenSSL's finite-field groups", rep.Protocol(observation.TLS13).Groups)
	}
}

func TestOpenSSLServerPreference(t *testing.T) {
	ca := newCA(t)
	certFile, keyFile := writePEM(t, t.TempDir(), ca.leaf(t, leafSpec{rsaBits: 2048}))
	order := []string{"ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA"}
	port := opensslServer(t, "-cert", certFile, "-key", keyFile, "-serverpref", "-no_tls1_3",
		"-cipher", strings.Join(order, ":"), "-groups", "secp384r1:X25519")
	rep := probe(t, Options{RootCAs: ca.pool}, "localhost", port)
	p := rep.Protocol(observation.TLS12)
	var got []string
	for _, s := range p.Suites {
		got = append(got, s.OpenSSL)
	}
	if p.Preference != "server" || !slices.Equal(got, order) {
		t.Errorf("preference %q, order %v; want server order %v", p.Preference, got, order)
	}
	if !slices.Equal(p.Groups, []string{"secp384r1", "x25519"}) {
		t.Errorf("groups %v, want the server's secp384r1 then x25519", p.Groups)
	}
	if rep.Protocol(observation.TLS13).Accepted {
		t.Error("TLS 1.3 accepted")
	}
}

func TestOpenSSLTLS13Only(t *testing.T) {
	ca := newCA(t)
	certFile, keyFile := writePEM(t, t.TempDir(), ca.leaf(t, leafSpec{}))
	port := opensslServer(t, "-cert", certFile, "-key", keyFile, "-tls1_3",
		"-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_8_SHA256", "-groups", "P-256")
	rep := probe(t, Options{RootCAs: ca.pool}, "localhost", port)
	if got := rep.Accepted(); !slices.Equal(got, []string{observation.TLS13}) {
		t.Fatalf("accepted %v", got)
	}
	got := suiteNames(rep.Protocol(observation.TLS13))
	slices.Sort(got)
	if !slices.Equal(got, []string{"TLS_AES_128_CCM_8_SHA256", "TLS_AES_256_GCM_SHA384"}) {
		t.Errorf("suites %v", got)
	}
	if g := rep.Protocol(observation.TLS13).Groups; !slices.Equal(g, []string{"secp256r1"}) {
		t.Errorf("groups %v", g)
	}
	if c := rep.Certificate; c == nil || !c.Trusted {
		t.Errorf("certificate %+v", c)
	}
	if topics := deviationTopics(rep, ProfileModern); !slices.Equal(topics, []string{observation.TLSTopicCipherMode}) {
		t.Errorf("Mozilla modern deviations %v, want only the CCM_8 suite", topics)
	}
}

// TestOpenSSLWeakCertificate serves a self-signed RSA 1024 certificate
// signed with SHA-1, which Go can no longer produce.
func TestOpenSSLWeakCertificate(t *testing.T) {
	bin := testtool.Need(t, "openssl")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	out, err := exec.Command(bin, "req", "-x509", "-sha1", "-newkey", "rsa:1024", "-nodes", "-days", "20",
		"-keyout", keyFile, "-out", certFile, "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	port := opensslServer(t, "-cert", certFile, "-key", keyFile, "-cipher", "ALL:@SECLEVEL=0", "-no_tls1_3")
	rep := probe(t, Options{Now: func() time.Time { return time.Now() }}, "localhost", port)
	c := rep.Certificate
	if c == nil || c.Error != "" {
		t.Fatalf("certificate %+v", c)
	}
	if c.SignatureAlgorithm != "SHA1-RSA" || c.KeyBits != 1024 || !c.SelfSigned || c.Trusted || c.DaysLeft > 20 {
		t.Errorf("certificate %+v", c)
	}
	topics := deviationTopics(rep, ProfileANSSI)
	for _, want := range []string{observation.TLSTopicCertKey, observation.TLSTopicCertSignature, observation.TLSTopicCertValidity} {
		if !slices.Contains(topics, want) {
			t.Errorf("ANSSI deviations %v lack %s", topics, want)
		}
	}
}
