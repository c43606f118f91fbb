// Package netns runs a test inside a network namespace of its own, where
// only the loopback interface exists: a test that puts public addresses
// in DNS answers then cannot send a packet towards them, whatever goes
// wrong in the code under test.
package netns

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"vigie/internal/testtool"
)

// envMarker names the test a re-executed test binary runs isolated.
const envMarker = "VIGIE_NETNS_TEST"

// Isolate makes sure the top-level test t runs in a new network namespace
// with only loopback up. In the test's first run it re-executes the test
// binary for t alone under `unshare -n` (util-linux; root or user
// namespaces needed), reports its output and returns false: the caller
// must then return at once. In the re-executed run it returns true.
// Without unshare or the right to use it, t is skipped, or failed when
// CI=true.
func Isolate(t *testing.T) bool {
	t.Helper()
	if strings.Contains(t.Name(), "/") {
		t.Fatal("netns.Isolate: call it from a top-level test")
	}
	if os.Getenv(envMarker) == t.Name() {
		return true
	}
	unshare := testtool.Need(t, "unshare")
	ip := testtool.Need(t, "ip")
	args := []string{"-n", "--", ip, "link", "set", "lo", "up"}
	if out, err := exec.Command(unshare, args...).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot create a network namespace (unshare -n): %v: %s", err, out)
		}
		t.Skipf("cannot create a network namespace (unshare -n): %v: %s", err, out)
	}
	testArgs := []string{"-test.run=^" + regexp.QuoteMeta(t.Name()) + "$", "-test.count=1", "-test.v"}
	if testing.Short() {
		testArgs = append(testArgs, "-test.short")
	}
	// The shell brings loopback up in the new namespace, then becomes
	// the test binary.
	script := `"$0" link set lo up && exec "$@"`
	cmd := exec.Command(unshare, append([]string{"-n", "--", "sh", "-c", script, ip, os.Args[0]}, testArgs...)...)
	cmd.Env = append(os.Environ(), envMarker+"="+t.Name())
	out, err := cmd.CombinedOutput()
	t.Logf("in a network namespace of its own:\n%s", out)
	if err != nil {
		t.Fatalf("%s in its network namespace: %v", t.Name(), err)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s did not pass in its network namespace", t.Name())
	}
	return false
}

// OnlyLoopback reports whether the process sees no network interface but
// loopback (what Isolate makes).
func OnlyLoopback() bool {
	b, err := os.ReadFile("/proc/net/dev")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n")[2:] {
		name, _, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && name != "lo" {
			return false
		}
	}
	return true
}
