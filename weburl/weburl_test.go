package weburl

import (
	"net/url"
	"testing"
)

// Expected values are what Chromium and Firefox send for these hrefs (the
// URL Standard), except where noted.
func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://wiki.example.fr/index.php/Spécial:Connexion", "https://wiki.example.fr/index.php/Sp%C3%A9cial:Connexion"},
		{"https://wiki.example.fr/index.php?title=Spécial:Connexion&returnto=Accueil", "https://wiki.example.fr/index.php?title=Sp%C3%A9cial:Connexion&returnto=Accueil"},
		// Already encoded sequences are kept, case included.
		{"https://h.fr/a%20b/%c3%a9/é?x=%C3%A9&y=é", "https://h.fr/a%20b/%c3%a9/%C3%A9?x=%C3%A9&y=%C3%A9"},
		{"https://h.fr/a b?c d=e f", "https://h.fr/a%20b?c%20d=e%20f"},
		{"https://h.fr/?q=\"<x>'", "https://h.fr/?q=%22%3Cx%3E%27"},
		{"https://h.fr/a\"<b>`{c}", "https://h.fr/a%22%3Cb%3E%60%7Bc%7D"},
		// Characters browsers leave in a path stay.
		{"https://h.fr/a!b(c)*'d;e=f,g", "https://h.fr/a!b(c)*'d;e=f,g"},
		// A stray '%' cannot be sent raw by net/http: it becomes %25
		// (browsers send it as it is).
		{"https://h.fr/100%/x?p=5%", "https://h.fr/100%25/x?p=5%25"},
		{"https://École.Example.fr/é", "https://xn--cole-9oa.example.fr/%C3%A9"},
		{"https://WWW.Example.FR:8443/A", "https://www.example.fr:8443/A"},
		{"https://[2001:DB8::1]:8443/é", "https://[2001:DB8::1]:8443/%C3%A9"},
		{"https://h.fr/p#frag é", "https://h.fr/p#frag%20%C3%A9"},
		{"http://h.fr/ctrl\x01\x7f", "http://h.fr/ctrl%01%7F"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := u.String(); got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for i := 0; i < len(u.RequestURI()); i++ {
			if c := u.RequestURI()[i]; c <= ' ' || c >= 0x7f {
				t.Errorf("Parse(%q): byte %#x in the request target %q", tt.in, c, u.RequestURI())
			}
		}
	}
}

func TestEscapeReference(t *testing.T) {
	base, _ := url.Parse("https://wiki.example.fr/index.php/Accueil")
	tests := []struct{ ref, want string }{
		{"Spécial:Connexion", "https://wiki.example.fr/index.php/Sp%C3%A9cial:Connexion"},
		{"/index.php?title=Spécial:Connexion", "https://wiki.example.fr/index.php?title=Sp%C3%A9cial:Connexion"},
		{"?search=café crème", "https://wiki.example.fr/index.php/Accueil?search=caf%C3%A9%20cr%C3%A8me"},
		{"//autre.example.fr/é", "https://autre.example.fr/%C3%A9"},
	}
	for _, tt := range tests {
		ref, err := url.Parse(Escape(tt.ref))
		if err != nil {
			t.Errorf("%q: %v", tt.ref, err)
			continue
		}
		if got := base.ResolveReference(ref).String(); got != tt.want {
			t.Errorf("%q resolves to %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestHostErrors(t *testing.T) {
	// Labels IDNA refuses: a zero-width space, an unassigned code point.
	for _, in := range []string{"https://a\u200b\u0378.fr/", "https://caf\u00e9\u0378.fr/"} {
		if u, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %q, want an error", in, u)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("https://wiki.example.fr/index.php/Spécial:Connexion?x=é#y")
	f.Add("//h/%zz?%")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			return
		}
		ru := u.RequestURI()
		for i := 0; i < len(ru); i++ {
			if c := ru[i]; c <= ' ' || c >= 0x7f {
				t.Fatalf("Parse(%q): byte %#x in %q", s, c, ru)
			}
		}
		// Escaping is idempotent.
		if again, err := Parse(u.String()); err != nil || again.String() != u.String() {
			t.Fatalf("Parse(%q) = %q, again %q (%v)", s, u, again, err)
		}
	})
}
