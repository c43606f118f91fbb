package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteScreenshot(t *testing.T) {
	dir := t.TempDir()
	key := testKey(t)
	a, err := Create(dir, ArchiveOptions{Scan: "20260301T100000Z-shot", Version: "test", Targets: []string{"https://www.exemple.test/"}, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	img.Set(3, 4, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if _, err := a.WriteScreenshot("https://www.exemple.test/contact", nil, time.Now(), "https://www.exemple.test/", nil); err == nil {
		t.Error("an empty screenshot was accepted")
	}
	ref, err := a.WriteScreenshot("https://www.exemple.test/contact", buf.Bytes(), time.Now(), "https://www.exemple.test/", []string{"f1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddFinding(FindingEvidence{ID: "f1", Check: "thirdparty.on-form-page", Site: "https://www.exemple.test/",
		URL: "https://www.exemple.test/contact", Evidence: []EvidenceRef{EvidenceRefOf(ref)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Close(time.Now()); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dir, VerifyOptions{TrustedKey: key.Public().(ed25519.PublicKey)})
	if !rep.OK() {
		t.Fatalf("problems:\n  %s", strings.Join(rep.Problems, "\n  "))
	}
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := jsonUnmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	if len(m.Screenshots) != 1 || m.Screenshots[0].SHA256 != hex.EncodeToString(sum[:]) || m.Screenshots[0].Finding != "f1" ||
		!strings.HasSuffix(m.Screenshots[0].File, "#"+ref.ID) {
		t.Fatalf("manifest screenshots %+v, ref %+v", m.Screenshots, ref)
	}
	// The PNG is stored as is: the independent reader finds the same bytes.
	found := false
	for _, text := range allText(t, dir) {
		if strings.Contains(text, "WARC-Type: resource") && strings.Contains(text, string(buf.Bytes()[:8])) {
			found = true
		}
	}
	if !found {
		t.Error("no resource record holds the PNG")
	}
}
