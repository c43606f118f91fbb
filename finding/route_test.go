package finding

import "testing"

func TestNormaliseURLHashRoutes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTP://Example.FR:80", "http://example.fr/"},
		{"https://example.fr:443/a?b=c#top", "https://example.fr/a?b=c"},
		{"https://example.fr/#section-2", "https://example.fr/"},
		{"https://example.fr/#", "https://example.fr/"},
		{"https://example.fr/#/contact", "https://example.fr/#/contact"},
		{"https://EXAMPLE.fr/app/#!/contact?x=1", "https://example.fr/app/#!/contact?x=1"},
		{"https://example.fr/#/", "https://example.fr/#/"},
		{"https://example.fr/#!contact", "https://example.fr/#!contact"}, // hash-bang
		{"https://example.fr/#!", "https://example.fr/"},
		{"not a url", "not a url"},
	}
	for _, tc := range tests {
		if got := NormaliseURL(tc.in); got != tc.want {
			t.Errorf("NormaliseURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Routes are distinct findings; anchors of one page are one.
	id := func(loc string) string {
		return MakeID("form.http-page", "https://example.fr/", NormaliseURL(loc)+"#form=0")
	}
	if id("https://example.fr/#/contact") == id("https://example.fr/#/inscription") {
		t.Error("two hash routes share a finding ID")
	}
	if id("https://example.fr/#haut") != id("https://example.fr/#bas") {
		t.Error("two anchors of one page have different finding IDs")
	}
}
