package canary

import (
	"net/url"
	"strings"
	"testing"
)

func TestMaskURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123&en=page_view",
			"https://www.google-analytics.com/g/collect?v=2&tid=…&en=…"},
		{"https://px.ads.example/tr?id=1&ev=PageView&ud[em]=5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8#frag",
			"https://px.ads.example/tr?id=1&ev=…&ud[em]=…#…"},
		{"https://t.example/c?vigie-abc@canary.invalid", "https://t.example/c?…"},
		{"https://user:secret@t.example/u/0639981234/profile?x=ab", "https://t.example/u/…/profile?x=ab"},
		{"https://t.example/u/vigie-abcdefgh%40canary.invalid/x", "https://t.example/u/…/x"},
		{"https://t.example/p#access_token=abcdef&state=xy", "https://t.example/p#access_token=…&state=xy"},
		{"https://t.example/p?a=1;b=abcdef&", "https://t.example/p?a=1;b=…&"},
		{"https://t.example/", "https://t.example/"},
		{"/relative/path?q=longvalue", "/relative/path?q=…"},
		{"http://[::1]:8080/%zz?q=secret", "http://[::1]:8080/%zz?…"},
	}
	for _, tc := range tests {
		if got := MaskURL(tc.in); got != tc.want {
			t.Errorf("MaskURL(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestMaskURLHidesCanaries puts every value of a Set in a URL's query,
// path and fragment as trackers do and checks none survives.
func TestMaskURLHidesCanaries(t *testing.T) {
	p := newPage("mask")
	for _, v := range p.set.Values() {
		for _, raw := range []string{
			"https://t.example/c?v=" + url.QueryEscape(v.Text) + "&n=1",
			"https://t.example/c?" + url.QueryEscape(v.Text),
			"https://t.example/c#" + url.QueryEscape(v.Text),
			"https://t.example/c#f=" + url.QueryEscape(v.Text),
		} {
			got := MaskURL(raw)
			un, _ := url.QueryUnescape(got)
			if strings.Contains(strings.ToLower(un), strings.ToLower(v.Unique)) {
				t.Errorf("MaskURL(%q) = %q keeps %q", raw, got, v.Unique)
			}
		}
	}
}
