package headers_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"vigie/check"
	_ "vigie/check/all"
	"vigie/observation"
)

func contactForm() []observation.Form {
	return []observation.Form{{Index: 0, Action: "https://www.exemple.test/envoyer", Method: "post", Fields: []observation.Field{
		{Tag: "input", Type: "text", Name: "nom", Category: "identity"},
		{Tag: "input", Type: "email", Name: "email", Category: "contact"},
	}}}
}

func searchForm() []observation.Form {
	return []observation.Form{{Index: 0, Action: "https://www.exemple.test/recherche", Method: "get", Role: "search",
		Fields: []observation.Field{{Tag: "input", Type: "search", Name: "q"}}}}
}

func page(url string, h http.Header, meta observation.MetaPolicy, forms []observation.Form) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200, Header: h}, Meta: &meta, Forms: forms}
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// wellRun are the headers of a site that passes every check.
var wellRun = []string{"Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'", "X-Content-Type-Options", "nosniff"}

func run(pages ...observation.Page) []string {
	site := &observation.Site{URL: "https://www.exemple.test/", Host: "www.exemple.test", Pages: pages}
	var out []string
	for _, f := range check.Run(site) {
		if strings.HasPrefix(f.Check, "headers.") {
			out = append(out, f.Check+" "+f.URL)
		}
	}
	slices.Sort(out)
	return out
}

func TestHeaders(t *testing.T) {
	const home, contact = "https://www.exemple.test/", "https://www.exemple.test/contact"
	homePage := page(home, hdr(wellRun...), observation.MetaPolicy{}, nil)
	for _, tc := range []struct {
		name  string
		pages []observation.Page
		want  []string
	}{
		{"well run", []observation.Page{homePage, page(contact, hdr(wellRun...), observation.MetaPolicy{}, contactForm())}, nil},
		{"nothing on a form page", []observation.Page{homePage, page(contact, hdr(), observation.MetaPolicy{}, contactForm())},
			[]string{"headers.csp-missing " + contact, "headers.frame-missing " + contact}},
		{"nothing on a search page", []observation.Page{homePage, page(contact, hdr(), observation.MetaPolicy{}, searchForm())}, nil},
		{"report-only is no policy", []observation.Page{homePage, page(contact, hdr("Content-Security-Policy-Report-Only", "default-src 'self'", "X-Frame-Options", "DENY"), observation.MetaPolicy{}, contactForm())},
			[]string{"headers.csp-missing " + contact}},
		{"meta csp counts, xfo protects", []observation.Page{homePage, page(contact, hdr("X-Frame-Options", "SAMEORIGIN"), observation.MetaPolicy{CSP: []string{"default-src 'self'"}}, contactForm())}, nil},
		{"meta frame-ancestors does not protect", []observation.Page{homePage, page(contact, hdr(), observation.MetaPolicy{CSP: []string{"default-src 'self'; frame-ancestors 'none'"}}, contactForm())},
			[]string{"headers.frame-missing " + contact}},
		{"frame-ancestors *", []observation.Page{homePage, page(contact, hdr("Content-Security-Policy", "frame-ancestors *"), observation.MetaPolicy{}, contactForm())},
			[]string{"headers.frame-missing " + contact}},
		{"styles unsafe-inline is still a policy", []observation.Page{homePage, page(contact, hdr("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"), observation.MetaPolicy{}, contactForm())}, nil},
		{"nosniff missing", []observation.Page{page(home, hdr("Content-Security-Policy", "frame-ancestors 'self'"), observation.MetaPolicy{}, nil)},
			[]string{"headers.nosniff-missing " + home}},
		{"unsafe referrer, URL with an email", []observation.Page{homePage,
			page("https://www.exemple.test/suivi?email=jeanne.martin@exemple.fr", hdr(append(wellRun, "Referrer-Policy", "unsafe-url")...), observation.MetaPolicy{}, nil)},
			[]string{"headers.referrer-unsafe https://www.exemple.test/suivi?email=[masked:email]"}},
		{"unsafe referrer, URL with a token", []observation.Page{homePage,
			page("https://www.exemple.test/espace?token=8f3a2c91d04b5e67a1c2d3e4f5061728", hdr(append(wellRun, "Referrer-Policy", "no-referrer-when-downgrade")...), observation.MetaPolicy{}, nil)},
			[]string{"headers.referrer-unsafe https://www.exemple.test/espace?token=***"}},
		{"unsafe header, strict meta", []observation.Page{homePage,
			page("https://www.exemple.test/suivi?email=jeanne.martin@exemple.fr", hdr(append(wellRun, "Referrer-Policy", "unsafe-url")...), observation.MetaPolicy{Referrer: "no-referrer"}, nil)}, nil},
		{"no policy: the browser default is safe", []observation.Page{homePage,
			page("https://www.exemple.test/suivi?email=jeanne.martin@exemple.fr", hdr(wellRun...), observation.MetaPolicy{}, nil)}, nil},
		{"unsafe referrer, harmless URL", []observation.Page{homePage,
			page("https://www.exemple.test/actualites?page=2", hdr(append(wellRun, "Referrer-Policy", "unsafe-url")...), observation.MetaPolicy{}, nil)}, nil},
		{"origin policy sends no URL", []observation.Page{homePage,
			page("https://www.exemple.test/suivi?email=jeanne.martin@exemple.fr", hdr(append(wellRun, "Referrer-Policy", "origin")...), observation.MetaPolicy{}, nil)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(tc.pages...); !slices.Equal(got, tc.want) {
				t.Errorf("findings\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestCORS(t *testing.T) {
	const o = "https://vigie-origin-check.invalid"
	for _, tc := range []struct {
		name string
		op   observation.OriginProbe
		want bool
	}{
		{"echo with credentials", observation.OriginProbe{URL: "https://www.exemple.test/api/moi.json", Origin: o, Status: 200, AllowOrigin: o, AllowCredentials: "true"}, true},
		{"echo without credentials", observation.OriginProbe{URL: "https://www.exemple.test/api/moi.json", Origin: o, Status: 200, AllowOrigin: o}, false},
		{"star with credentials", observation.OriginProbe{URL: "https://www.exemple.test/api/moi.json", Origin: o, Status: 200, AllowOrigin: "*", AllowCredentials: "true"}, false},
		{"fixed origin with credentials", observation.OriginProbe{URL: "https://www.exemple.test/api/moi.json", Origin: o, Status: 200, AllowOrigin: "https://app.exemple.test", AllowCredentials: "true"}, false},
		{"failed request", observation.OriginProbe{URL: "https://www.exemple.test/api/moi.json", Origin: o, Error: "timeout"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.exemple.test/", OriginProbes: []observation.OriginProbe{tc.op}}
			got := false
			for _, f := range check.Run(site) {
				got = got || f.Check == "headers.cors-credentials-any-origin"
			}
			if got != tc.want {
				t.Errorf("reported %v, want %v", got, tc.want)
			}
		})
	}
}
