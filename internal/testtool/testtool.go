// Package testtool finds the external programs tests drive as real peers
// (openssl, nginx, php-fpm…): a missing program skips the test on a
// developer's machine and fails it in CI (CI=true), where a missing
// dependency must never pass silently.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need returns the path of the program name, looked up on PATH and then in
// /usr/sbin (where Debian puts servers, and which a user's PATH may lack).
// When it is missing, Need skips t, or fails it when CI=true.
func Need(t testing.TB, name string) string {
	t.Helper()
	for _, p := range []string{name, filepath.Join("/usr/sbin", name)} {
		if bin, err := exec.LookPath(p); err == nil {
			return bin
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; CI must install it", name)
	}
	t.Skipf("%s is not installed", name)
	return ""
}
