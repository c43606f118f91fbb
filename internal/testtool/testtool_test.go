package testtool

import (
	"os"
	"os/exec"
	"testing"
)

func TestNeedFindsShell(t *testing.T) {
	want, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	if got := Need(t, "sh"); got != want {
		t.Errorf("Need(sh) = %q, want %q", got, want)
	}
}

// TestNeedMissing runs Need on a program that does not exist in a child
// test: it must skip outside CI and fail in CI.
func TestNeedMissing(t *testing.T) {
	if os.Getenv("TESTTOOL_CHILD") == "1" {
		Need(t, "vigie-no-such-program")
		t.Fatal("Need returned for a missing program")
	}
	for _, tc := range []struct {
		ci       string
		wantFail bool
	}{{"", false}, {"true", true}} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestNeedMissing$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTTOOL_CHILD=1", "CI="+tc.ci)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tc.wantFail {
			t.Errorf("CI=%q: failed = %v, want %v\n%s", tc.ci, failed, tc.wantFail, out)
		}
	}
}
