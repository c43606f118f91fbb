package evidence

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"
)

// Lines longer than the spool's read buffer come back whole.
func TestSpoolEachLongLines(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), ".manifest-*.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	s := spool{f: f, w: bufio.NewWriter(f)}
	defer s.remove()
	want := []string{`{"a":1}`, `"` + strings.Repeat("x", 200<<10) + `"`, `{"b":2}`, `"` + strings.Repeat("y", 64<<10-1) + `"`}
	for _, l := range want {
		if err := s.add([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // each can be called again
		var got []string
		if err := s.each(func(b []byte) error {
			got = append(got, string(bytes.Clone(b)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d lines, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("line %d: %d bytes, want %d", i, len(got[i]), len(want[i]))
			}
		}
	}
}
