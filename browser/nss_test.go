package browser

import (
	"bytes"
	"context"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/testpki"
)

// needCertutil returns NSS's certutil; it fails under CI=true when there is
// none and skips otherwise.
func needCertutil(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("certutil")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("certutil is not installed; CI must install libnss3-tools: %v", err)
		}
		t.Skipf("certutil not installed (Debian package libnss3-tools): %v", err)
	}
	return p
}

func TestParseCAs(t *testing.T) {
	a := testpki.NewCA(t, "Vigie test CA A")
	b := testpki.NewCA(t, "Vigie test CA B")
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not a key")})
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	for _, tc := range []struct {
		name  string
		pem   []byte
		want  []string // common names
		error bool
	}{
		{"none", nil, nil, false},
		{"blank", []byte("\n \n"), nil, false},
		{"one", a.PEM(), []string{"Vigie test CA A"}, false},
		{"two and a key", bytes.Join([][]byte{a.PEM(), key, b.PEM()}, nil), []string{"Vigie test CA A", "Vigie test CA B"}, false},
		{"key alone", key, nil, true},
		{"not PEM", []byte("hello"), nil, true},
		{"bad DER", append(a.PEM(), bad...), nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cas, err := parseCAs(tc.pem)
			if (err != nil) != tc.error {
				t.Fatalf("err = %v, want error %v", err, tc.error)
			}
			var got []string
			for _, c := range cas {
				got = append(got, c.Subject.CommonName)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("CAs %q, want %q", got, tc.want)
			}
			if spki := spkiList(cas); len(spki) != len(cas) {
				t.Errorf("%d SPKI hashes for %d CAs", len(spki), len(cas))
			}
		})
	}
}

// TestTrustInNSS checks the database certutil made: every CA listed with
// the trust of a CA for TLS servers, and certutil's own words in errors.
func TestTrustInNSS(t *testing.T) {
	certutil := needCertutil(t)
	cas, err := parseCAs(append(testpki.NewCA(t, "Vigie test CA A").PEM(), testpki.NewCA(t, "Vigie test CA B").PEM()...))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	home := t.TempDir()
	if err := trustInNSS(ctx, certutil, home, cas); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, certutil, "-L", "-d", "sql:"+nssDir(home)).CombinedOutput()
	if err != nil {
		t.Fatalf("certutil -L: %v\n%s", err, out)
	}
	for _, nick := range []string{"vigie-ca-1 Vigie test CA A", "vigie-ca-2 Vigie test CA B"} {
		found := false
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, nick+" ") {
				found = true
				if f := strings.Fields(strings.TrimPrefix(line, nick)); len(f) != 1 || f[0] != "C,," {
					t.Errorf("%s: trust %q, want C,,", nick, f)
				}
			}
		}
		if !found {
			t.Errorf("%s not in the database:\n%s", nick, out)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(home, "*.der")); len(left) > 0 {
		t.Errorf("certificate files left in HOME: %v", left)
	}

	// A second database in the same place fails, with certutil's message.
	err = trustInNSS(ctx, certutil, home, cas)
	if err == nil || !strings.Contains(err.Error(), certutil+" -N") {
		t.Errorf("second database: err = %v, want certutil -N's failure", err)
	}
}

// syncLog is a Log the browser's output goroutine and the test share.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// startTrusting starts a pool on env trusting caPEM, with certutil for its
// NSS database ("" for the SPKI list fallback).
func startTrusting(t testing.TB, e *testEnv, caPEM []byte, certutil string, log *syncLog) *Pool {
	t.Helper()
	o := Options{ExecPath: chromium(t), Dial: e.dial, CACertPEM: caPEM, Settle: 50 * time.Millisecond, Log: log}
	return startTest(t, func(ctx context.Context) (*Pool, error) { return start(ctx, o, certutil) })
}
