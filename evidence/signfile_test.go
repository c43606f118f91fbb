package evidence

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// SignFile gives Sign's signature of the file's bytes (Ed25519 is
// deterministic), whatever the file's size and page alignment.
func TestSignFile(t *testing.T) {
	key := testKey(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 4095, 4096, 4097, 1 << 20, 3<<20 + 17} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		f := tempFile(t, data)
		got, err := SignFile(key, f)
		if err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		if want := Sign(key, data); !bytes.Equal(got, want) {
			t.Errorf("%d bytes: SignFile = %q, Sign = %q", size, got, want)
		}
	}
}

func tempFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
