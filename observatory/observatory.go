package observatory

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"

	"vigie/observation"
)

// Version names the scoring Grade follows.
const Version = "mdn-http-observatory algorithm 4 (@mdn/mdn-http-observatory 1.4.8)"

// universalAccessReachable is false because the Observatory 1.4.8 never
// gives its universal-access result (-50): it compares the echoed origin
// with the Origin header of the request object Node hands back, which
// carries no headers, so an origin echoed with credentials grades as
// restricted access (0). Grades follow the Observatory as it runs (the
// peer test compares them); the danger itself is Vigie's finding
// headers.cors-credentials-any-origin.
const universalAccessReachable = false

// minimumForExtraCredit is the score without bonuses from which bonuses
// count.
const minimumForExtraCredit = 90

// Result is a site's grade.
type Result struct {
	Score   int             `json:"score"`
	Grade   string          `json:"grade"`
	Version string          `json:"version"`
	Tests   map[string]Test `json:"tests"`
	// Notes say where the observation differs from the Observatory's.
	Notes []string `json:"notes,omitempty"`
}

// Test is the outcome of one test.
type Test struct {
	Result        string `json:"result"`
	Pass          bool   `json:"pass"`
	ScoreModifier int    `json:"score_modifier"`
}

// Response is one HTTP response as the grader needs it.
type Response struct {
	// URL is the URL first requested, FinalURL the last of its redirects.
	URL, FinalURL string
	Status        int
	Header        http.Header
	// Route lists the URLs of the redirect chain, the first request first.
	Route []string
	// Verified is false when the certificate was rejected.
	Verified bool
}

// Input is what the grader reads of a site.
type Input struct {
	Host string
	// HTTP and HTTPS are the root over each scheme; nil when it could not
	// be reached.
	HTTP, HTTPS *Response
	// Meta and Scripts describe the body of the graded response (the
	// HTTPS root when it answered, the HTTP one otherwise).
	Meta    observation.MetaPolicy
	Scripts []observation.Resource
	HTML    bool
	// CORS is the answer to the GET with a foreign Origin, nil when none.
	CORS *observation.OriginProbe
	// Notes are carried into the result.
	Notes []string
}

// modifiers are the score modifiers of each result (the Observatory's
// score table).
var modifiers = map[string]int{
	"csp-implemented-with-no-unsafe-default-src-none":                  10,
	"csp-implemented-with-no-unsafe":                                   5,
	"csp-implemented-with-unsafe-inline-in-style-src-only":             0,
	"csp-implemented-with-insecure-scheme-in-passive-content-only":     -10,
	"csp-implemented-with-unsafe-eval":                                 -10,
	"csp-implemented-with-unsafe-inline":                               -20,
	"csp-implemented-with-insecure-scheme":                             -20,
	"csp-header-invalid":                                               -25,
	"csp-not-implemented":                                              -25,
	"csp-not-implemented-but-reporting-enabled":                        -25,
	"csp-implemented-but-duplicate-directives":                         0,
	"cookies-secure-with-httponly-sessions-and-samesite":               5,
	"cookies-secure-with-httponly-sessions":                            0,
	"cookies-not-found":                                                0,
	"cookies-without-secure-flag-but-protected-by-hsts":                -5,
	"cookies-session-without-secure-flag-but-protected-by-hsts":        -10,
	"cookies-without-secure-flag":                                      -20,
	"cookies-samesite-flag-invalid":                                    -20,
	"cookies-anticsrf-without-samesite-flag":                           -20,
	"cookies-session-without-httponly-flag":                            -30,
	"cookies-session-without-secure-flag":                              -40,
	"cross-origin-resource-sharing-not-implemented":                    0,
	"cross-origin-resource-sharing-implemented-with-public-access":     0,
	"cross-origin-resource-sharing-implemented-with-restricted-access": 0,
	"cross-origin-resource-sharing-implemented-with-universal-access":  -50,
	"redirection-all-redirects-preloaded":                              0,
	"redirection-to-https":                                             0,
	"redirection-not-needed-no-http":                                   0,
	"redirection-off-host-from-http":                                   -5,
	"redirection-not-to-https-on-initial-redirection":                  -10,
	"redirection-not-to-https":                                         -20,
	"redirection-missing":                                              -20,
	"redirection-invalid-cert":                                         -20,
	"referrer-policy-private":                                          5,
	"referrer-policy-not-implemented":                                  0,
	"referrer-policy-unsafe":                                           -5,
	"referrer-policy-header-invalid":                                   -5,
	"hsts-preloaded":                                                   5,
	"hsts-implemented-max-age-at-least-six-months":                     0,
	"hsts-implemented-max-age-less-than-six-months":                    -10,
	"hsts-not-implemented":                                             -20,
	"hsts-header-invalid":                                              -20,
	"hsts-not-implemented-no-https":                                    -20,
	"hsts-invalid-cert":                                                -20,
	"sri-implemented-and-all-scripts-loaded-securely":                  5,
	"sri-implemented-and-external-scripts-loaded-securely":             5,
	"sri-not-implemented-response-not-html":                            0,
	"sri-not-implemented-but-no-scripts-loaded":                        0,
	"sri-not-implemented-but-all-scripts-loaded-from-secure-origin":    0,
	"sri-not-implemented-but-external-scripts-loaded-securely":         -5,
	"sri-implemented-but-external-scripts-not-loaded-securely":         -20,
	"sri-not-implemented-and-external-scripts-not-loaded-securely":     -50,
	"x-content-type-options-nosniff":                                   0,
	"x-content-type-options-not-implemented":                           -5,
	"x-content-type-options-header-invalid":                            -5,
	"x-frame-options-implemented-via-csp":                              5,
	"x-frame-options-sameorigin-or-deny":                               0,
	"x-frame-options-allow-from-origin":                                0,
	"x-frame-options-not-implemented":                                  -20,
	"x-frame-options-header-invalid":                                   -20,
	"corp-header-invalid":                                              -5,
	"corp-implemented-with-cross-origin":                               0,
	"corp-implemented-with-same-origin":                                10,
	"corp-implemented-with-same-site":                                  10,
	"corp-not-implemented":                                             0,
}

// Modifier returns the score modifier of a test result.
func Modifier(result string) int { return modifiers[result] }

// grades maps scores rounded down to a multiple of five to letters.
var grades = map[int]string{
	100: "A+", 95: "A", 90: "A", 85: "A-", 80: "B+", 75: "B", 70: "B", 65: "B-",
	60: "C+", 55: "C", 50: "C", 45: "C-", 40: "D+", 35: "D", 30: "D", 25: "D-",
	20: "F", 15: "F", 10: "F", 5: "F", 0: "F",
}

// GradeFor returns the letter of a score.
func GradeFor(score int) string {
	score = max(score, 0)
	return grades[min(score-score%5, 100)]
}

// Grade runs the ten tests on in and scores them. It returns nil when
// neither root answered (the Observatory then reports the site down) or
// the graded response's status is not 2xx, 3xx, 401 or 403.
func Grade(in Input) *Result {
	auto := in.HTTPS
	if auto == nil {
		auto = in.HTTP
	}
	if auto == nil || auto.Status < 200 || (auto.Status >= 400 && auto.Status != 401 && auto.Status != 403) {
		return nil
	}
	g := &grader{in: in, auto: auto}
	results := map[string]string{
		"content-security-policy":       g.csp().result,
		"cookies":                       g.cookies(),
		"cross-origin-resource-sharing": g.cors(),
		"redirection":                   g.redirection(),
		"referrer-policy":               g.referrer(),
		"strict-transport-security":     g.hsts(),
		"subresource-integrity":         g.sri(),
		"x-content-type-options":        g.nosniff(),
		"x-frame-options":               g.frameOptions(),
		"cross-origin-resource-policy":  g.corp(),
	}
	r := &Result{Version: Version, Tests: map[string]Test{}, Notes: in.Notes}
	withExtra, uncurved := 100, 100
	for name, res := range results {
		m := modifiers[res]
		r.Tests[name] = Test{Result: res, Pass: passes[name](res), ScoreModifier: m}
		withExtra += m
		if m < 0 {
			uncurved += m
		}
	}
	r.Score = uncurved
	if uncurved >= minimumForExtraCredit {
		r.Score = withExtra
	}
	r.Score = max(r.Score, 0)
	r.Grade = GradeFor(r.Score)
	return r
}

// passes tells, per test, the results the Observatory counts as passed.
var passes = map[string]func(string) bool{
	"content-security-policy": oneOf("csp-implemented-with-no-unsafe", "csp-implemented-with-no-unsafe-default-src-none",
		"csp-implemented-with-unsafe-inline-in-style-src-only", "csp-implemented-with-insecure-scheme-in-passive-content-only",
		"csp-implemented-but-duplicate-directives"),
	"cookies": oneOf("cookies-not-found", "cookies-secure-with-httponly-sessions-and-samesite", "cookies-secure-with-httponly-sessions"),
	"cross-origin-resource-sharing": oneOf("cross-origin-resource-sharing-not-implemented",
		"cross-origin-resource-sharing-implemented-with-public-access", "cross-origin-resource-sharing-implemented-with-restricted-access"),
	"redirection":               oneOf("redirection-not-needed-no-http", "redirection-all-redirects-preloaded", "redirection-to-https"),
	"referrer-policy":           oneOf("referrer-policy-private", "referrer-policy-not-implemented"),
	"strict-transport-security": oneOf("hsts-implemented-max-age-at-least-six-months", "hsts-preloaded"),
	"subresource-integrity": oneOf("sri-implemented-and-all-scripts-loaded-securely", "sri-implemented-and-external-scripts-loaded-securely",
		"sri-not-implemented-response-not-html", "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
		"sri-not-implemented-but-no-scripts-loaded"),
	"x-content-type-options": oneOf("x-content-type-options-nosniff"),
	"x-frame-options": oneOf("x-frame-options-allow-from-origin", "x-frame-options-sameorigin-or-deny",
		"x-frame-options-implemented-via-csp"),
	"cross-origin-resource-policy": oneOf("corp-not-implemented", "corp-implemented-with-same-site",
		"corp-implemented-with-same-origin", "corp-implemented-with-cross-origin"),
}

func oneOf(rs ...string) func(string) bool {
	return func(r string) bool {
		for _, x := range rs {
			if x == r {
				return true
			}
		}
		return false
	}
}

type grader struct {
	in   Input
	auto *Response
}

// headers returns every value of a header of r, as one list.
func headers(r *Response, name string) []string {
	if r == nil {
		return nil
	}
	return r.Header.Values(name)
}

func first(r *Response, name string) string {
	if v := headers(r, name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// worst keeps the worst result seen, by its rank in order (later is
// worse), as the Observatory's onlyIfWorse does; the first result seen
// stands against one missing from order.
type worst struct {
	order  []string
	result string
}

func (w *worst) see(r string) {
	if w.result == "" || slices.Index(w.order, r) > slices.Index(w.order, w.result) {
		w.result = r
	}
}

func (g *grader) cookies() string {
	order := []string{
		"cookies-without-secure-flag-but-protected-by-hsts",
		"cookies-without-secure-flag",
		"cookies-session-without-secure-flag-but-protected-by-hsts",
		"cookies-samesite-flag-invalid",
		"cookies-anticsrf-without-samesite-flag",
		"cookies-session-without-httponly-flag",
		"cookies-session-without-secure-flag",
	}
	w := worst{order: order}
	raw := headers(g.auto, "Set-Cookie")
	for _, c := range raw {
		if invalidSameSite(c) {
			w.see("cookies-samesite-flag-invalid")
		}
	}
	cookies := (&http.Response{Header: http.Header{"Set-Cookie": raw}}).Cookies()
	if len(cookies) == 0 {
		return "cookies-not-found"
	}
	hsts := passes["strict-transport-security"](g.hsts())
	missingSameSite := false
	for _, c := range cookies {
		name := strings.ToLower(c.Name)
		session := strings.Contains(name, "login") || strings.Contains(name, "sess")
		csrf := strings.Contains(name, "csrf")
		sameSite := sameSiteOf(c)
		if !c.Secure && sameSite == "none" {
			w.see("cookies-samesite-flag-invalid")
		}
		switch {
		case !c.Secure && hsts:
			w.see("cookies-without-secure-flag-but-protected-by-hsts")
		case !c.Secure:
			w.see("cookies-without-secure-flag")
		}
		if csrf && sameSite == "" {
			w.see("cookies-anticsrf-without-samesite-flag")
		}
		switch {
		case session && !c.Secure && hsts:
			w.see("cookies-session-without-secure-flag-but-protected-by-hsts")
		case session && !c.Secure:
			w.see("cookies-session-without-secure-flag")
		}
		if session && !c.HttpOnly {
			w.see("cookies-session-without-httponly-flag")
		}
		missingSameSite = missingSameSite || sameSite == ""
	}
	if w.result != "" {
		return w.result
	}
	if missingSameSite {
		return "cookies-secure-with-httponly-sessions"
	}
	return "cookies-secure-with-httponly-sessions-and-samesite"
}

// sameSiteOf returns the cookie's SameSite attribute, lower case, "" when
// absent.
func sameSiteOf(c *http.Cookie) string {
	switch c.SameSite {
	case http.SameSiteLaxMode:
		return "lax"
	case http.SameSiteStrictMode:
		return "strict"
	case http.SameSiteNoneMode:
		return "none"
	}
	return ""
}

// invalidSameSite reports a SameSite attribute without value or with one
// other than Lax, Strict or None.
func invalidSameSite(raw string) bool {
	for _, p := range strings.Split(raw, ";") {
		k, v, hasValue := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "samesite") {
			continue
		}
		if !hasValue || strings.TrimSpace(v) == "" {
			return true
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "lax", "strict", "none":
		default:
			return true
		}
	}
	return false
}

func (g *grader) cors() string {
	p := g.in.CORS
	if p == nil || p.AllowOrigin == "" {
		return "cross-origin-resource-sharing-not-implemented"
	}
	acao := strings.ToLower(strings.TrimSpace(p.AllowOrigin))
	switch {
	case acao == "*":
		return "cross-origin-resource-sharing-implemented-with-public-access"
	case universalAccessReachable && p.AllowOrigin == p.Origin && strings.EqualFold(strings.TrimSpace(p.AllowCredentials), "true"):
		return "cross-origin-resource-sharing-implemented-with-universal-access"
	}
	return "cross-origin-resource-sharing-implemented-with-restricted-access"
}

func (g *grader) redirection() string {
	h := g.in.HTTP
	switch {
	case h == nil:
		return "redirection-not-needed-no-http"
	case !h.Verified:
		return "redirection-invalid-cert"
	}
	route := h.Route
	if len(route) <= 1 {
		return "redirection-missing"
	}
	last, err1 := url.Parse(route[len(route)-1])
	second, err2 := url.Parse(route[1])
	firstURL, err3 := url.Parse(route[0])
	switch {
	case err1 != nil || err2 != nil || err3 != nil:
		return "redirection-missing"
	case last.Scheme != "https":
		return "redirection-not-to-https"
	case second.Scheme == "http":
		return "redirection-not-to-https-on-initial-redirection"
	case firstURL.Scheme == "http" && second.Scheme == "https" && firstURL.Hostname() != second.Hostname():
		return "redirection-off-host-from-http"
	}
	return "redirection-to-https"
}

var (
	goodReferrer = []string{"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
	badReferrer  = []string{"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}
)

// EffectiveReferrerPolicy returns the policy a browser applies from a
// list of Referrer-Policy values (header values, then the meta element's):
// the last token it recognises, lower case, "" when none.
func EffectiveReferrerPolicy(values []string) string {
	policy := ""
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			t = strings.ToLower(strings.TrimSpace(t))
			if oneOf(goodReferrer...)(t) || oneOf(badReferrer...)(t) {
				policy = t
			}
		}
	}
	return policy
}

func (g *grader) referrer() string {
	values := headers(g.auto, "Referrer-Policy")
	if g.in.Meta.Referrer != "" {
		values = append(values, g.in.Meta.Referrer)
	}
	if len(values) == 0 {
		return "referrer-policy-not-implemented"
	}
	switch p := EffectiveReferrerPolicy(values); {
	case oneOf(goodReferrer...)(p):
		return "referrer-policy-private"
	case oneOf(badReferrer...)(p):
		return "referrer-policy-unsafe"
	}
	return "referrer-policy-header-invalid"
}

// sixMonths is the Observatory's threshold, in seconds.
const sixMonths = 15552000

func (g *grader) hsts() string {
	r := g.in.HTTPS
	switch {
	case r == nil:
		return "hsts-not-implemented-no-https"
	case !r.Verified:
		return "hsts-invalid-cert"
	}
	v := headers(r, "Strict-Transport-Security")
	if len(v) == 0 {
		return "hsts-not-implemented"
	}
	data := v[0]
	if strings.Contains(data, ",") {
		return "hsts-header-invalid"
	}
	maxAge := -1
	for _, p := range strings.Split(data, ";") {
		p = strings.ToLower(strings.TrimSpace(p))
		if s, ok := strings.CutPrefix(p, "max-age="); ok {
			maxAge = leadingInt(s)
		}
	}
	switch {
	case maxAge < 0:
		return "hsts-header-invalid"
	case maxAge < sixMonths:
		return "hsts-implemented-max-age-less-than-six-months"
	}
	return "hsts-implemented-max-age-at-least-six-months"
}

// leadingInt reads a decimal number as JavaScript's parseInt does: its
// leading digits; -1 when there are none.
func leadingInt(s string) int {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 {
		return -1
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return 1 << 31
	}
	if neg {
		return -n // parseInt("-1") is -1: less than six months
	}
	return n
}

func (g *grader) sri() string {
	if !g.in.HTML {
		return "sri-not-implemented-response-not-html"
	}
	order := []string{
		"sri-implemented-and-all-scripts-loaded-securely",
		"sri-implemented-and-external-scripts-loaded-securely",
		"sri-implemented-but-external-scripts-not-loaded-securely",
		"sri-not-implemented-but-external-scripts-loaded-securely",
		"sri-not-implemented-and-external-scripts-not-loaded-securely",
		"sri-not-implemented-response-not-html",
	}
	w := worst{order: order}
	own, _ := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(g.in.Host))
	secureSession := g.in.HTTPS != nil
	foreign := false
	for _, s := range g.in.Scripts {
		src := s.Src
		if src == "" {
			src = s.URL
		}
		relProto := strings.HasPrefix(src, "//") && len(src) > 2 && src[2] != '/'
		lower := strings.ToLower(src)
		full := strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
		relOrigin := !relProto && !full
		sameDomain := relProto || relOrigin
		if full {
			if u, err := url.Parse(src); err == nil {
				d, _ := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(u.Hostname()))
				sameDomain = d != "" && d == own
			}
		}
		secureOrigin := relOrigin || (sameDomain && !relProto)
		secureScheme := (full && strings.HasPrefix(lower, "https://")) || (relOrigin && secureSession)
		integrity := s.Integrity != ""
		if !secureOrigin {
			foreign = true
			switch {
			case integrity && !secureScheme:
				w.see("sri-implemented-but-external-scripts-not-loaded-securely")
			case !integrity && secureScheme:
				w.see("sri-not-implemented-but-external-scripts-loaded-securely")
			case !integrity && !secureScheme:
				w.see("sri-not-implemented-and-external-scripts-not-loaded-securely")
			}
		} else if integrity && secureScheme && w.result == "" {
			w.result = "sri-implemented-and-all-scripts-loaded-securely"
		}
	}
	switch {
	case g.in.Meta.Scripts == 0 && len(g.in.Scripts) == 0:
		return "sri-not-implemented-but-no-scripts-loaded"
	case w.result != "":
		return w.result
	case foreign:
		return "sri-implemented-and-external-scripts-loaded-securely"
	}
	return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
}

func (g *grader) nosniff() string {
	v := first(g.auto, "X-Content-Type-Options")
	switch {
	case v == "":
		return "x-content-type-options-not-implemented"
	case strings.EqualFold(strings.TrimSpace(v), "nosniff"):
		return "x-content-type-options-nosniff"
	}
	return "x-content-type-options-header-invalid"
}

func (g *grader) frameOptions() string {
	result := "x-frame-options-not-implemented"
	if v := strings.ToLower(strings.TrimSpace(first(g.auto, "X-Frame-Options"))); v != "" {
		switch {
		case v == "deny" || v == "sameorigin":
			result = "x-frame-options-sameorigin-or-deny"
		case strings.HasPrefix(v, "allow-from"):
			result = "x-frame-options-allow-from-origin"
		default:
			result = "x-frame-options-header-invalid"
		}
	}
	if c := g.csp(); c.policy != nil && c.policy["frame-ancestors"] != nil {
		result = "x-frame-options-implemented-via-csp"
	}
	return result
}

func (g *grader) corp() string {
	v := strings.ToLower(strings.TrimSpace(first(g.auto, "Cross-Origin-Resource-Policy")))
	switch v {
	case "":
		return "corp-not-implemented"
	case "same-site":
		return "corp-implemented-with-same-site"
	case "same-origin":
		return "corp-implemented-with-same-origin"
	case "cross-origin":
		return "corp-implemented-with-cross-origin"
	}
	return "corp-header-invalid"
}
