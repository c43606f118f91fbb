package scan

import (
	"testing"

	"vigie/evidence"
	"vigie/observation"
)

// TestScreenshotKept: a screenshot of a page known to show personal data
// is kept only when the browser read the whole page and blacked that data
// out.
func TestScreenshotKept(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		keepPersonal, personal bool
		r                      observation.Rendering
		want                   bool
	}{
		{"personal data kept", true, true, observation.Rendering{}, true},
		{"no personal data", false, false, observation.Rendering{}, true},
		{"no personal data, a frame not read", false, false, observation.Rendering{ScreenshotUnmasked: "the page holds a iframe"}, true},
		{"personal data blacked out", false, true, observation.Rendering{ScreenshotMasked: 3}, true},
		{"personal data, none located", false, true, observation.Rendering{}, false},
		{"personal data blacked out, a frame not read", false, true, observation.Rendering{ScreenshotMasked: 3, ScreenshotUnmasked: "the page holds a iframe"}, false},
	} {
		if got := screenshotKept(tc.keepPersonal, tc.personal, &tc.r); got != tc.want {
			t.Errorf("%s: kept %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestScreenshotMask: the browser masks with the evidence's redactor,
// and not at all when personal data is kept.
func TestScreenshotMask(t *testing.T) {
	if screenshotMask(nil) != nil || screenshotMask(&Evidence{KeepPersonalData: true}) != nil {
		t.Error("a mask without evidence, or with personal data kept")
	}
	doc := []byte("<p>Contact: aurelie.lemarechal@example.org</p>")
	spans := screenshotMask(&Evidence{})(doc)
	if len(spans) != 1 || string(doc[spans[0][0]:spans[0][1]]) != "aurelie.lemarechal@example.org" {
		t.Errorf("spans %v", spans)
	}
	mine := func(b []byte, _ string) ([]byte, []evidence.Mask) {
		return b, []evidence.Mask{{Kind: "name", Offset: 3, Length: 7}}
	}
	if spans := screenshotMask(&Evidence{Redactor: mine})(doc); len(spans) != 1 || spans[0] != [2]int{3, 10} {
		t.Errorf("custom redactor spans %v", spans)
	}
}
