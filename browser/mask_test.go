package browser

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/evidence"
)

// maskPage is a page showing personal data at known places: absolutely
// positioned lines in a monospace font, on white.
func maskPage(body string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; background: #fff; color: #000; font: 20px/24px monospace; }
.at { position: absolute; margin: 0; white-space: pre; }
</style></head><body>` + body + `</body></html>`
}

// maskSite serves the pages of the screenshot masking tests.
func maskSite() http.Handler {
	pages := map[string]string{
		"/members": maskPage(`
<p class="at" style="left:40px; top:40px">Liste des adhérents</p>
<table class="at" style="left:40px; top:100px; border-spacing:0"><tr><th>Courriel</th><th>Téléphone</th></tr>
<tr><td>aurelie.lemarechal@example.org</td><td>06 12 34 56 78</td></tr></table>
<p class="at" style="left:40px; top:300px">Contact: yann.kerbrat@example.net</p>
<input class="at" style="left:40px; top:400px; width:400px; font: 20px monospace" value="mai.nguyen@example.com">`),
		"/public": maskPage(`<p class="at" style="left:40px; top:40px">Horaires : du lundi au vendredi</p>`),
		// A line that never stops moving: where it was measured is not
		// where the capture shows it.
		"/moving": maskPage(`<p id="m" class="at" style="left:40px; top:100px">aurelie.lemarechal@example.org</p>
<script>let y = 100; setInterval(() => { y = 100 + (y + 7) % 300; document.getElementById("m").style.top = y + "px"; }, 2);</script>`),
		// Personal data in a fixed box of a page taller than the window
		// moves when the page is captured whole.
		"/pinned": maskPage(`<p class="at" style="position:fixed; left:40px; bottom:10px">aurelie.lemarechal@example.org</p><div style="height:3000px"></div>`),
		"/framed": maskPage(`<p class="at" style="left:40px; top:40px">yann.kerbrat@example.net</p><iframe class="at" style="left:40px; top:200px; width:300px; height:100px" src="/public"></iframe>`),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, p)
	})
}

// evidenceMask is Options.Mask with the evidence masker, as the scan
// sets it.
func evidenceMask(doc []byte) [][2]int {
	_, masks := evidence.MaskPersonalData(doc, "text/html; charset=utf-8")
	var out [][2]int
	for _, m := range masks {
		out = append(out, [2]int{m.Offset, m.Offset + m.Length})
	}
	return out
}

// dark reports whether every pixel of r is black, and light whether any
// is white.
func dark(img image.Image, r image.Rectangle) (all, anyWhite bool) {
	all = true
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr > 0x1000 || cg > 0x1000 || cb > 0x1000 {
				all = false
			}
			if cr > 0xf000 && cg > 0xf000 && cb > 0xf000 {
				anyWhite = true
			}
		}
	}
	return all, anyWhite
}

// TestScreenshotMasked renders pages in Chromium with the evidence masker:
// the personal data they show is black in the screenshot, the rest is
// not, and a page where it cannot be located keeps no screenshot.
func TestScreenshotMasked(t *testing.T) {
	e := newTestEnv(t, maskSite(), true)
	p := startPool(t, e, Options{Settle: 100 * time.Millisecond, Screenshot: true, Mask: evidenceMask})

	t.Run("members", func(t *testing.T) {
		r := render(t, p, "https://www.site.test/members")
		if r.Error != "" || r.ScreenshotUnmasked != "" {
			t.Fatalf("Error %q, unmasked %q", r.Error, r.ScreenshotUnmasked)
		}
		img, err := png.Decode(bytes.NewReader(r.Screenshot))
		if err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("VIGIE_SCREENSHOT_DIR"); dir != "" {
			os.WriteFile(filepath.Join(dir, "members-masked.png"), r.Screenshot, 0o644)
		}
		// The e-mail in the table (30 characters of 12 px from x=40 or
		// so), the phone beside it, the e-mail after "Contact:" (from
		// x=40+9×12) and the form field's value.
		if r.ScreenshotMasked < 4 {
			t.Errorf("%d regions masked, want at least 4", r.ScreenshotMasked)
		}
		for _, tc := range []struct {
			name  string
			box   image.Rectangle
			black bool
		}{
			{"e-mail in a table", image.Rect(50, 130, 380, 142), true},
			{"e-mail in running text", image.Rect(160, 306, 400, 318), true},
			{"form field value", image.Rect(50, 406, 300, 418), true},
			{"title", image.Rect(40, 40, 270, 64), false},
			{"label before the e-mail", image.Rect(40, 300, 120, 324), false},
		} {
			all, white := dark(img, tc.box)
			if tc.black && !all {
				t.Errorf("%s: not blacked out", tc.name)
			}
			if !tc.black && (all || !white) {
				t.Errorf("%s: blacked out, or not drawn on white", tc.name)
			}
		}
	})
	t.Run("nothing personal", func(t *testing.T) {
		r := render(t, p, "https://www.site.test/public")
		if len(r.Screenshot) == 0 || r.ScreenshotMasked != 0 || r.ScreenshotUnmasked != "" {
			t.Errorf("screenshot of %d bytes, %d masked, unmasked %q", len(r.Screenshot), r.ScreenshotMasked, r.ScreenshotUnmasked)
		}
	})
	for _, path := range []string{"/moving", "/pinned"} {
		t.Run(path, func(t *testing.T) {
			r := render(t, p, "https://www.site.test"+path)
			if len(r.Screenshot) != 0 || r.ScreenshotDigest != "" || !strings.Contains(r.ScreenshotUnmasked, "personal data could not be located") {
				t.Errorf("screenshot of %d bytes kept; unmasked %q", len(r.Screenshot), r.ScreenshotUnmasked)
			}
		})
	}
	t.Run("frame", func(t *testing.T) {
		r := render(t, p, "https://www.site.test/framed")
		if !strings.Contains(r.ScreenshotUnmasked, "iframe") {
			t.Errorf("unmasked %q, want the frame named", r.ScreenshotUnmasked)
		}
	})
}

func TestMaskDocument(t *testing.T) {
	var raw [][]json.RawMessage
	if err := json.Unmarshal([]byte(`[["o","table"],["o","tr"],["o","th"],["t","Nom & prénom",0],["c","th"],["o","td"],["t","Zoé <Ærø> 😀 z@x.fr",1],["c","td"],["c","tr"],["c","table"],["o","input"],["v","v@x.fr",2],["c","input"]]`), &raw); err != nil {
		t.Fatal(err)
	}
	doc, items := maskDocument(raw)
	want := "<table><tr><th>Nom   prénom\n</th><td>Zoé  Ærø> 😀 z@x.fr\n</td></tr></table><input>v@x.fr\n</input>"
	if string(doc) != want {
		t.Errorf("document\n%q\nwant\n%q", doc, want)
	}
	if len(items) != 3 || string(doc[items[1].start:items[1].end]) != "Zoé  Ærø> 😀 z@x.fr" || !items[2].value {
		t.Errorf("items %+v", items)
	}
	// "z@x.fr" starts after 12 UTF-16 units ("😀" counts two).
	if n := utf16Len("Zoé <Ærø> 😀 "); n != 13 {
		t.Errorf("utf16Len = %d, want 13", n)
	}
}
