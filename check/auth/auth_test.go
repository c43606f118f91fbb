package auth

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

func probe(url string, status int, hdr ...string) observation.Probe {
	h := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Add(hdr[i], hdr[i+1])
	}
	return observation.Probe{URL: url, FinalURL: url, Status: status, Header: h}
}

func page(url string, mod func(*observation.Page), hdr ...string) observation.Page {
	p := observation.Page{Probe: probe(url, 200, hdr...)}
	if mod != nil {
		mod(&p)
	}
	return p
}

func links(ls ...string) func(*observation.Page) {
	return func(p *observation.Page) { p.Links = ls }
}

func form(method, action string) func(*observation.Page) {
	return func(p *observation.Page) {
		p.Forms = []observation.Form{{Action: action, Method: method,
			Fields: []observation.Field{{Tag: "input", Type: "password", Name: "mdp"}, {Tag: "input", Type: "hidden", Name: "csrf_token"}}}}
	}
}

func both(mods ...func(*observation.Page)) func(*observation.Page) {
	return func(p *observation.Page) {
		for _, m := range mods {
			m(p)
		}
	}
}

const sessid = "8F3A2C91D04B5E67A1C2D3E4F5061728"

type want struct {
	check    string
	location string
	severity finding.Severity
}

func TestAuthChecks(t *testing.T) {
	tests := []struct {
		name        string
		https, http *observation.Probe
		pages       []observation.Page
		want        []want
	}{
		// auth.token-in-url
		{"jsessionid path parameter in links", nil, nil, []observation.Page{page("https://x.test/connexion", links(
			"https://x.test/espace/accueil.jsp;jsessionid="+sessid, "https://x.test/espace/profil.jsp;jsessionid="+sessid))},
			[]want{{"auth.token-in-url", "token-in-url:x.test:jsessionid", finding.High}}},
		{"session id in a form action", nil, nil, []observation.Page{page("https://x.test/connexion", form("post", "https://x.test/login.php?PHPSESSID=a81f3c9e2b7d4f60915c3e2a"))},
			[]want{{"auth.token-in-url", "token-in-url:x.test:phpsessid", finding.High}}},
		{"password in a GET redirect", nil, nil, []observation.Page{func() observation.Page {
			p := page("https://x.test/bienvenue", nil)
			p.URL = "https://x.test/login"
			p.Chain = []observation.Hop{{URL: "https://x.test/login", Status: 302, Location: "/bienvenue?user=jdupont&pwd=Soleil2024"}, {URL: "https://x.test/bienvenue", Status: 200}}
			return p
		}()}, []want{{"auth.token-in-url", "token-in-url:x.test:pwd", finding.High}}},
		{"access token in the page URL", nil, nil, []observation.Page{page("https://x.test/espace?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ", nil)},
			[]want{{"auth.token-in-url", "token-in-url:x.test:access_token", finding.High}}},
		{"not secrets", nil, nil, []observation.Page{page("https://x.test/", both(links(
			"https://x.test/actualites?page=2", "https://x.test/recherche?q=token", "https://x.test/logout?_token=Zx81kdP0aa93kLm2Qw",
			"https://x.test/x?csrf_token=8F3A2C91D04B5E67A1C2", "https://x.test/?sid=12", "https://x.test/?token=newsletter",
			"https://x.test/?action=lostpassword", "https://x.test/?password=", "https://x.test/?pwd=****",
			"https://x.test/article?session=conseil-municipal-2024", "https://x.test/wp-admin/post.php?_wpnonce=9f8e7d6c5b4a39281706"),
			form("get", "https://x.test/recherche")))}, nil},

		// auth.cookie-flags
		{"session cookie without flags on https", &observation.Probe{}, nil, []observation.Page{
			page("https://x.test/", nil, "Set-Cookie", "PHPSESSID=a81f3c9e2b7d4f60915c3e2a; path=/")},
			[]want{{"auth.cookie-flags", "cookie:x.test:PHPSESSID", finding.High}}},
		{"cookie set on the root probe, seen again on pages", func() *observation.Probe {
			p := probe("https://x.test/", 200, "Set-Cookie", "JSESSIONID="+sessid+"; Path=/; Secure; HttpOnly")
			return &p
		}(), nil, []observation.Page{page("https://x.test/a", nil, "Set-Cookie", "JSESSIONID="+sessid+"; Path=/; Secure; HttpOnly")},
			[]want{{"auth.cookie-flags", "cookie:x.test:JSESSIONID", finding.Medium}}},
		{"secure is moot over http", nil, nil, []observation.Page{
			page("http://x.test/", nil, "Set-Cookie", "laravel_session=eyJpdiI6; path=/; httponly; samesite=lax")}, nil},
		{"samesite none without secure", nil, nil, []observation.Page{
			page("https://x.test/", nil, "Set-Cookie", "SESSa1b2c3=xyz; Secure; HttpOnly; SameSite=None", "Set-Cookie", "SSESSa1b2c3=xyz; Secure; HttpOnly; SameSite=None")},
			nil},
		{"well-set session cookie", nil, nil, []observation.Page{
			page("https://x.test/", nil, "Set-Cookie", "PHPSESSID=a81f3c9e2b7d4f60915c3e2a; path=/; secure; HttpOnly; SameSite=Lax")}, nil},
		{"analytics, consent and anti-forgery cookies", nil, nil, []observation.Page{
			page("https://x.test/", nil, "Set-Cookie", "_ga=GA1.1.1234.5678; path=/", "Set-Cookie", "_pk_id.1.abcd=1234; path=/",
				"Set-Cookie", "didomi_token=eyJ1c2VyX2lkIjoi; path=/", "Set-Cookie", "XSRF-TOKEN=abcd; path=/",
				"Set-Cookie", "csrftoken=abcd; path=/", "Set-Cookie", "axeptio_authorized_vendors=%2C; path=/", "Set-Cookie", "lang=fr; path=/")}, nil},
		{"a deleted session cookie", nil, nil, []observation.Page{
			page("https://x.test/logout", nil, "Set-Cookie", "PHPSESSID=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; Max-Age=0; path=/")}, nil},

		// auth.basic-over-http
		{"basic over http", nil, func() *observation.Probe {
			p := probe("http://x.test/", 401, "Www-Authenticate", `Basic realm="Intranet"`)
			return &p
		}(), []observation.Page{func() observation.Page {
			p := page("http://x.test/", nil)
			p.Probe = probe("http://x.test/", 401, "Www-Authenticate", `Basic realm="Intranet"`)
			return p
		}()}, []want{{"auth.basic-over-http", "basic:http://x.test:Intranet", finding.High}}},
		{"digest over http", nil, nil, []observation.Page{func() observation.Page {
			p := page("http://x.test/admin/", nil)
			p.Probe = probe("http://x.test/admin/", 401, "Www-Authenticate", `Negotiate, Digest realm="admin", qop="auth", nonce="dcd98b"`)
			return p
		}()}, []want{{"auth.basic-over-http", "basic:http://x.test:admin", finding.Medium}}},
		{"one realm on several pages, another realm", nil, nil, []observation.Page{func() observation.Page {
			p := page("http://x.test/admin/", nil)
			p.Probe = probe("http://x.test/admin/", 401, "Www-Authenticate", `Basic realm="admin"`)
			return p
		}(), func() observation.Page {
			p := page("http://x.test/admin/users", nil)
			p.Probe = probe("http://x.test/admin/users", 401, "Www-Authenticate", `Basic realm="admin"`)
			return p
		}(), func() observation.Page {
			p := page("http://x.test/stats/", nil)
			p.Probe = probe("http://x.test/stats/", 401, "Www-Authenticate", `Basic realm="stats"`)
			return p
		}()}, []want{{"auth.basic-over-http", "basic:http://x.test:admin", finding.High}, {"auth.basic-over-http", "basic:http://x.test:stats", finding.High}}},
		{"a cookie set over http and https: one finding, the flags missing anywhere", nil, nil, []observation.Page{
			page("http://x.test/", nil, "Set-Cookie", "PHPSESSID=a81f3c9e2b7d4f60915c3e2a; path=/; HttpOnly"),
			page("https://x.test/", nil, "Set-Cookie", "PHPSESSID=a81f3c9e2b7d4f60915c3e2a; path=/; HttpOnly")},
			[]want{{"auth.cookie-flags", "cookie:x.test:PHPSESSID", finding.High}}},
		{"basic over https", nil, nil, []observation.Page{func() observation.Page {
			p := page("https://x.test/admin/", nil)
			p.Probe = probe("https://x.test/admin/", 401, "Www-Authenticate", `Basic realm="admin"`)
			return p
		}()}, nil},
		{"401 with a login form, no challenge", nil, nil, []observation.Page{func() observation.Page {
			p := page("http://x.test/compte/", nil)
			p.Probe = probe("http://x.test/compte/", 401, "Www-Authenticate", `Bearer realm="api"`)
			return p
		}()}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			https := tt.https
			if https != nil && https.URL == "" {
				https = nil
			}
			site := &observation.Site{URL: "https://x.test/", Host: "x.test", HTTPS: https, HTTP: tt.http, Pages: tt.pages}
			var got []want
			for _, f := range check.Run(site) {
				if !strings.HasPrefix(f.Check, "auth.") {
					continue
				}
				got = append(got, want{f.Check, f.Location, f.Severity})
			}
			sort.Slice(got, func(i, j int) bool { return got[i].location < got[j].location })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestNoSecretInFindings checks that findings carry masked secrets only,
// and their URL the page where the secret showed.
func TestNoSecretInFindings(t *testing.T) {
	site := &observation.Site{URL: "https://x.test/", Pages: []observation.Page{
		page("https://x.test/connexion", links("https://x.test/a.jsp;jsessionid="+sessid+"?x=1")),
		page("https://x.test/a.jsp;jsessionid="+sessid+"?x=1", nil, "Set-Cookie", "JSESSIONID="+sessid+"; Path=/"),
	}}
	fs := check.Run(site)
	b, _ := json.Marshal(fs)
	if strings.Contains(string(b), sessid) || len(fs) != 2 {
		t.Errorf("findings %s", b)
	}
	for _, f := range fs {
		if f.Check != "auth.token-in-url" {
			continue
		}
		// Both pages showed it: the first in URL order whose URL had no
		// secret masked is the finding's.
		want := []string{"https://x.test/connexion", "https://x.test/a.jsp;jsessionid=***?x=1"}
		if f.URL != want[0] || !reflect.DeepEqual(finding.Pages(f.Detail), want) {
			t.Errorf("token finding on %s listing %v, want %s listing %v", f.URL, f.Detail[finding.DetailPages], want[0], want)
		}
	}
}
