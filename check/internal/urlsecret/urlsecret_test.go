package urlsecret

import "testing"

func TestSecret(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		want        bool
	}{
		{"PHPSESSID", "a81f3c9e2b7d4f60915c3e2a", true},
		{"ASPSESSIONIDQSSRBTCA", "KLMNOPABCDEFGH12", true},
		{"sid", "12", false},
		{"sid", "0123456789abcdef0123", true},
		{"token", "aaaaaaaaaaaaaaaaaaaa", false},
		{"session", "conseil-municipal-2024", false},
		{"password", "Soleil2024", true},
		{"mdp", "abc", false},
		{"pwd", "****", false},
		{"page", "2", false},
		{"key", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", false},
		{"authenticity_token", "0123456789abcdef0123", false},
		{"csrf_token", "0123456789abcdef0123", false},
	} {
		if got := Secret(tt.name, tt.value); got != tt.want {
			t.Errorf("Secret(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"https://x.test/a.jsp;jsessionid=8F3A2C91D04B5E67A1C2D3E4F5061728?x=1": "https://x.test/a.jsp;jsessionid=***?x=1",
		"https://x.test/login?user=jd&pwd=Soleil2024":                          "https://x.test/login?user=jd&pwd=***",
		"https://x.test/actualites?page=2":                                     "https://x.test/actualites?page=2",
		"https://x.test/?t=1&access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIi%3D":    "https://x.test/?t=1&access_token=***",
		"https://x.test/?pwd=%53oleil2024#top":                                 "https://x.test/?pwd=***#top",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MaskValue("8F3A2C91D04B5E67"); got != "8F3…(16 characters)" {
		t.Errorf("MaskValue = %q", got)
	}
}

// FuzzMask checks that a masked URL keeps none of the secrets found in it.
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"https://x.test/a.jsp;jsessionid=8F3A2C91D04B5E67A1C2D3E4F5061728?x=1",
		"https://x.test/login?user=jd&pwd=Soleil2024&pwd=Autre2024",
		"https://x.test/?access_token=eyJhbGciOiJIUzI1NiJ9.e%3D&sid=0123456789abcdef0123",
		"http://[::1]:80/;sid=;token=%zz", "%", "?password=abcd&password=abcd",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		masked := Mask(raw)
		if left := Find(masked); len(left) > 0 {
			t.Errorf("Mask(%q) = %q keeps %+v", raw, masked, left)
		}
	})
}
