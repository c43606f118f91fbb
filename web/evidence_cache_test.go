package web

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEvidenceVerifiedOnce: a finding page verifies the evidence of its
// scan once, not on each view, and still sees it tampered with, even when
// the WARC file keeps its size and its modification time is put back, or
// when a file is replaced by another.
func TestEvidenceVerifiedOnce(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, warc string)
	}{
		{"byte changed, time put back", func(t *testing.T, warc string) {
			st, err := os.Stat(warc)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(warc)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0x55
			if err := os.WriteFile(warc, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(warc, st.ModTime(), st.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
		{"file replaced", func(t *testing.T, warc string) {
			b, err := os.ReadFile(warc)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)-10] ^= 0x01
			tmp := warc + ".new"
			if err := os.WriteFile(tmp, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, warc); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, id := evidenceEnv(t, key, key.Public().(ed25519.PublicKey))
			c := env.client().login("ed")
			c.header.Set("Accept-Language", "en")
			view := func() string {
				rec := c.get("/findings/" + id)
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d", rec.Code)
				}
				return rec.Body.String()
			}
			for range 3 {
				if body := view(); !strings.Contains(body, "Signature and digests verified") {
					t.Fatalf("untouched evidence not verified")
				}
			}
			if n := env.srv.verified.reads; n != 1 {
				t.Errorf("three views verified the evidence %d times, want once", n)
			}
			dir := env.srv.verified.order[0]
			warcs, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
			if len(warcs) == 0 {
				t.Fatal("no WARC file")
			}
			// Within the file system's time granularity of the first
			// verification, a status-change time could be equal.
			time.Sleep(20 * time.Millisecond)
			tc.tamper(t, warcs[0])
			body := view()
			if strings.Contains(body, "Signature and digests verified") || !strings.Contains(body, `<ul class="bad">`) {
				t.Errorf("tampered evidence still shown as verified")
			}
		})
	}
}
