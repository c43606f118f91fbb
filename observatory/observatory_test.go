package observatory

import (
	"net/http"
	"testing"

	"vigie/observation"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// base is a site over HTTPS that redirects HTTP to HTTPS, with HSTS and
// an HTML entry page.
func base(kv ...string) Input {
	h := hdr(append([]string{"Content-Type", "text/html; charset=utf-8", "Strict-Transport-Security", "max-age=63072000"}, kv...)...)
	return Input{
		Host:  "www.exemple.test",
		HTTPS: &Response{URL: "https://www.exemple.test/", FinalURL: "https://www.exemple.test/", Status: 200, Header: h, Verified: true, Route: []string{"https://www.exemple.test/"}},
		HTTP: &Response{URL: "http://www.exemple.test/", FinalURL: "https://www.exemple.test/", Status: 200, Header: h, Verified: true,
			Route: []string{"http://www.exemple.test/", "https://www.exemple.test/"}},
		HTML: true,
	}
}

func TestTests(t *testing.T) {
	script := func(src, integrity string) observation.Resource {
		return observation.Resource{Kind: "script", URL: src, Src: src, Integrity: integrity}
	}
	for _, tc := range []struct {
		name, test, want string
		in               Input
	}{
		{"no csp", "content-security-policy", "csp-not-implemented", base()},
		{"report only", "content-security-policy", "csp-not-implemented-but-reporting-enabled", base("Content-Security-Policy-Report-Only", "default-src 'self'")},
		{"default none", "content-security-policy", "csp-implemented-with-no-unsafe-default-src-none", base("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'")},
		{"no unsafe", "content-security-policy", "csp-implemented-with-no-unsafe", base("Content-Security-Policy", "default-src 'self'")},
		{"styles only", "content-security-policy", "csp-implemented-with-unsafe-inline-in-style-src-only", base("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")},
		{"unsafe inline", "content-security-policy", "csp-implemented-with-unsafe-inline", base("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'")},
		{"nonce cancels unsafe-inline", "content-security-policy", "csp-implemented-with-no-unsafe", base("Content-Security-Policy", "default-src 'self'; script-src 'nonce-abc' 'unsafe-inline'")},
		{"no script-src", "content-security-policy", "csp-implemented-with-unsafe-inline", base("Content-Security-Policy", "frame-ancestors 'self'")},
		{"unsafe eval", "content-security-policy", "csp-implemented-with-unsafe-eval", base("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-eval'")},
		{"http source", "content-security-policy", "csp-implemented-with-insecure-scheme", base("Content-Security-Policy", "default-src 'self' http://cdn.test")},
		{"http images", "content-security-policy", "csp-implemented-with-insecure-scheme-in-passive-content-only", base("Content-Security-Policy", "default-src 'self'; img-src http://img.test")},
		{"duplicate directive", "content-security-policy", "csp-header-invalid", base("Content-Security-Policy", "default-src 'self'; default-src 'none'")},
		{"too short", "content-security-policy", "csp-header-invalid", base("Content-Security-Policy", "a")},
		{"meta csp", "content-security-policy", "csp-implemented-with-no-unsafe", func() Input {
			in := base()
			in.Meta.CSP = []string{"default-src 'self'"}
			return in
		}()},
		{"xfo deny", "x-frame-options", "x-frame-options-sameorigin-or-deny", base("X-Frame-Options", "DENY")},
		{"xfo via csp", "x-frame-options", "x-frame-options-implemented-via-csp", base("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")},
		{"xfo bogus", "x-frame-options", "x-frame-options-header-invalid", base("X-Frame-Options", "maybe")},
		{"no xfo", "x-frame-options", "x-frame-options-not-implemented", base()},
		{"nosniff", "x-content-type-options", "x-content-type-options-nosniff", base("X-Content-Type-Options", "nosniff")},
		{"sniff", "x-content-type-options", "x-content-type-options-header-invalid", base("X-Content-Type-Options", "sniff")},
		{"referrer strict", "referrer-policy", "referrer-policy-private", base("Referrer-Policy", "strict-origin-when-cross-origin")},
		{"referrer last wins", "referrer-policy", "referrer-policy-unsafe", base("Referrer-Policy", "no-referrer, unsafe-url")},
		{"referrer meta", "referrer-policy", "referrer-policy-private", func() Input {
			in := base("Referrer-Policy", "unsafe-url")
			in.Meta.Referrer = "no-referrer"
			return in
		}()},
		{"referrer junk", "referrer-policy", "referrer-policy-header-invalid", base("Referrer-Policy", "never")},
		{"hsts short", "strict-transport-security", "hsts-implemented-max-age-less-than-six-months", func() Input {
			in := base()
			in.HTTPS.Header = hdr("Strict-Transport-Security", "max-age=300")
			return in
		}()},
		{"hsts no max-age", "strict-transport-security", "hsts-header-invalid", func() Input {
			in := base()
			in.HTTPS.Header = hdr("Strict-Transport-Security", "includeSubDomains")
			return in
		}()},
		{"no https", "strict-transport-security", "hsts-not-implemented-no-https", func() Input {
			in := base()
			in.HTTPS = nil
			return in
		}()},
		{"redirect ok", "redirection", "redirection-to-https", base()},
		{"no redirect", "redirection", "redirection-missing", func() Input {
			in := base()
			in.HTTP.Route = []string{"http://www.exemple.test/"}
			return in
		}()},
		{"redirect via http", "redirection", "redirection-not-to-https-on-initial-redirection", func() Input {
			in := base()
			in.HTTP.Route = []string{"http://exemple.test/", "http://www.exemple.test/", "https://www.exemple.test/"}
			return in
		}()},
		{"redirect off host", "redirection", "redirection-off-host-from-http", func() Input {
			in := base()
			in.HTTP.Route = []string{"http://exemple.test/", "https://www.exemple.test/"}
			return in
		}()},
		{"no http", "redirection", "redirection-not-needed-no-http", func() Input {
			in := base()
			in.HTTP = nil
			return in
		}()},
		{"cookies none", "cookies", "cookies-not-found", base()},
		{"cookies good", "cookies", "cookies-secure-with-httponly-sessions-and-samesite", base("Set-Cookie", "SESSID=1; Secure; HttpOnly; SameSite=Lax")},
		{"cookies no samesite", "cookies", "cookies-secure-with-httponly-sessions", base("Set-Cookie", "SESSID=1; Secure; HttpOnly")},
		{"session not httponly", "cookies", "cookies-session-without-httponly-flag", base("Set-Cookie", "PHPSESSID=1; Secure")},
		{"insecure under hsts", "cookies", "cookies-session-without-secure-flag-but-protected-by-hsts", base("Set-Cookie", "sessionid=1; HttpOnly")},
		{"samesite junk", "cookies", "cookies-samesite-flag-invalid", base("Set-Cookie", "pref=1; Secure; SameSite=Maybe")},
		{"no scripts", "subresource-integrity", "sri-not-implemented-but-no-scripts-loaded", base()},
		{"own scripts", "subresource-integrity", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", func() Input {
			in := base()
			in.Scripts = []observation.Resource{script("/js/app.js", "")}
			in.Meta.Scripts = 1
			return in
		}()},
		{"third party https", "subresource-integrity", "sri-not-implemented-but-external-scripts-loaded-securely", func() Input {
			in := base()
			in.Scripts = []observation.Resource{script("https://cdn.autre.test/a.js", "")}
			in.Meta.Scripts = 1
			return in
		}()},
		{"third party with sri", "subresource-integrity", "sri-implemented-and-external-scripts-loaded-securely", func() Input {
			in := base()
			in.Scripts = []observation.Resource{script("https://cdn.autre.test/a.js", "sha384-x")}
			in.Meta.Scripts = 1
			return in
		}()},
		{"third party http", "subresource-integrity", "sri-not-implemented-and-external-scripts-not-loaded-securely", func() Input {
			in := base()
			in.Scripts = []observation.Resource{script("http://cdn.autre.test/a.js", "")}
			in.Meta.Scripts = 1
			return in
		}()},
		{"protocol relative", "subresource-integrity", "sri-not-implemented-and-external-scripts-not-loaded-securely", func() Input {
			in := base()
			in.Scripts = []observation.Resource{script("//cdn.autre.test/a.js", "")}
			in.Meta.Scripts = 1
			return in
		}()},
		{"not html", "subresource-integrity", "sri-not-implemented-response-not-html", func() Input {
			in := base()
			in.HTML = false
			return in
		}()},
		{"corp same-site", "cross-origin-resource-policy", "corp-implemented-with-same-site", base("Cross-Origin-Resource-Policy", "same-site")},
		{"corp junk", "cross-origin-resource-policy", "corp-header-invalid", base("Cross-Origin-Resource-Policy", "nobody")},
		{"cors star", "cross-origin-resource-sharing", "cross-origin-resource-sharing-implemented-with-public-access", func() Input {
			in := base()
			in.CORS = &observation.OriginProbe{Origin: "https://o.invalid", AllowOrigin: "*"}
			return in
		}()},
		{"cors echo with credentials", "cross-origin-resource-sharing", "cross-origin-resource-sharing-implemented-with-restricted-access", func() Input {
			in := base()
			in.CORS = &observation.OriginProbe{Origin: "https://o.invalid", AllowOrigin: "https://o.invalid", AllowCredentials: "true"}
			return in
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Grade(tc.in)
			if r == nil {
				t.Fatal("no grade")
			}
			if got := r.Tests[tc.test].Result; got != tc.want {
				t.Errorf("%s = %s, want %s", tc.test, got, tc.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    Input
		score int
		grade string
	}{
		// -25 csp, -20 xfo, -5 nosniff: 50.
		{"bare", base(), 50, "C"},
		// Every bonus counts once the score without them reaches 90.
		{"model", base("Content-Security-Policy", "default-src 'none'; script-src 'self'; frame-ancestors 'none'",
			"X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer", "Cross-Origin-Resource-Policy", "same-origin"), 130, "A+"},
		// Bonuses do not count below 90: 100 - 25 (csp) + 5 (referrer) would be 80.
		{"no extra credit below 90", base("X-Frame-Options", "DENY", "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer"), 75, "B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Grade(tc.in)
			if r.Score != tc.score || r.Grade != tc.grade {
				t.Errorf("score %d %s, want %d %s (%v)", r.Score, r.Grade, tc.score, tc.grade, r.Tests)
			}
		})
	}
}

func TestGradeFor(t *testing.T) {
	for score, want := range map[int]string{-10: "F", 0: "F", 24: "F", 25: "D-", 44: "D+", 45: "C-", 64: "C+", 65: "B-", 84: "B+", 85: "A-", 99: "A", 100: "A+", 135: "A+"} {
		if got := GradeFor(score); got != want {
			t.Errorf("GradeFor(%d) = %s, want %s", score, got, want)
		}
	}
}

func TestUngraded(t *testing.T) {
	in := base()
	in.HTTPS.Status, in.HTTP = 500, nil
	if r := Grade(in); r != nil {
		t.Errorf("a 500 answer graded %d", r.Score)
	}
	if r := Grade(Input{}); r != nil {
		t.Errorf("nothing graded %d", r.Score)
	}
}

func FuzzParseCSP(f *testing.F) {
	f.Add("default-src 'self'; script-src 'self' https://cdn.test/js/; report-uri /r; report-uri /s")
	f.Fuzz(func(t *testing.T, s string) {
		ParseCSP([]string{s, s})
	})
}
