package web

import (
	"net/http/httptest"
	"slices"
	"testing"
)

func FuzzChooseLang(f *testing.F) {
	for _, s := range []string{"", "fr", "en-GB,en;q=0.9", "de;q=0.5, en;q=0.1", "en;q=abc", ";;,,q=", "EN;q=1.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", header)
		if got := chooseLang(r); !slices.Contains(languages, got) {
			t.Errorf("chooseLang(%q) = %q", header, got)
		}
	})
}
