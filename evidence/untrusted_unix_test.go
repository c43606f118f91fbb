//go:build unix

package evidence

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestVerifyFIFO: a FIFO in an evidence directory would block a reader
// for ever; it is reported instead.
func TestVerifyFIFO(t *testing.T) {
	dir := t.TempDir()
	testScan(t, dir, testKey(t), false)
	for _, name := range []string{ManifestFile, SignatureFile} {
		p := filepath.Join(dir, name)
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no FIFO here:", err)
		}
	}
	rep := mustVerify(t, dir, VerifyOptions{})
	wantProblem(t, rep, ManifestFile, "not a regular file")
}
