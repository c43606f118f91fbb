package evidence

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Signing a 96 MB manifest raises the process's peak resident set by much
// less than the manifest's size: the mapping's pages are given back as
// the signature reads them (a manifest read whole would add 96 MB).
func TestSignFileResident(t *testing.T) {
	data := bytes.Repeat([]byte(`{"file":"scan-00000.warc.gz","id":"<urn:uuid:6ddae073>"}`+"\n"), 96<<20/57)
	f := tempFile(t, data)
	data = nil
	// Writing 5 resets the peak resident set (VmHWM) to the current one.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		unavailable(t, "cannot reset the peak resident set: %v", err)
	}
	before := statusKB(t, "VmHWM")
	if _, err := SignFile(testKey(t), f); err != nil {
		t.Fatal(err)
	}
	grew := (statusKB(t, "VmHWM") - before) / 1024
	t.Logf("peak resident set grew by %d MB", grew)
	if grew > 64 {
		t.Errorf("signing a 96 MB manifest raised the peak resident set by %d MB, want at most 64", grew)
	}
}

// statusKB reads a field of /proc/self/status, in kB.
func statusKB(t *testing.T, field string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		unavailable(t, "%v", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return n
		}
	}
	unavailable(t, "no %s in /proc/self/status", field)
	return 0
}

// unavailable skips a test the kernel cannot serve (no /proc), or fails it
// under CI=true, where a silent skip would hide the measurement.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
