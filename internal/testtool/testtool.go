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

	"vigie/internal/npm"
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

// NPMPrefix is the folder into which .ci/run installs the npm packages
// tests drive as real peers (see package npm).
func NPMPrefix() string { return npm.Prefix() }

// NodeModule returns the folder of the installed npm package name (for
// example "tarteaucitronjs" or "@mdn/mdn-http-observatory") under
// NPMPrefix. When it is missing, NodeModule skips t, or fails it when
// CI=true.
func NodeModule(t testing.TB, name string) string {
	t.Helper()
	if dir, ok := npm.Module(name); ok {
		return dir
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("npm package %s is not installed under %s; CI must install it", name, NPMPrefix())
	}
	t.Skipf("npm package %s is not installed under %s (run .ci/run, or npm install --prefix %s %s)", name, NPMPrefix(), NPMPrefix(), name)
	return ""
}
