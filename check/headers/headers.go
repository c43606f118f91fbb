// Package headers holds the checks of HTTP security headers where they
// fail personal data: headers.csp-missing and headers.frame-missing (a
// page that collects personal data or a login without a content security
// policy, or that any site can frame), headers.referrer-unsafe (a
// referrer policy that sends URLs carrying personal data or tokens to
// third parties), headers.cors-credentials-any-origin (an endpoint that
// lets any site read it with the visitor's credentials) and
// headers.nosniff-missing (a note).
package headers

import (
	_ "embed"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/finding"
	"vigie/observation"
	"vigie/observatory"
	"vigie/pii"
	"vigie/pii/detect"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("headers", catalogue, run) }

func run(site *observation.Site, r *check.Reporter) {
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Status != 200 || p.Meta == nil {
			continue // not an HTML page that answered
		}
		u := pageURL(p)
		if collects, why := collectsPersonalData(p); collects {
			cspMissing(p, u, why, r)
			frameMissing(p, u, why, r)
		}
		referrerUnsafe(p, u, r)
	}
	corsAnyOrigin(site, r)
	nosniffMissing(site, r)
}

func pageURL(p *observation.Page) string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}

// collectsPersonalData reports whether a page has a form that collects
// personal data, or a password field (a login), and says which.
func collectsPersonalData(p *observation.Page) (bool, map[string]any) {
	for i := range p.Forms {
		f := &p.Forms[i]
		login := slices.ContainsFunc(f.Fields, func(fd observation.Field) bool { return fd.Type == "password" })
		if v := pii.CollectsPersonalData(f); v.Personal || login {
			d := map[string]any{"form_index": f.Index, "categories": v.Categories}
			if login {
				d["login"] = true
			}
			return true, d
		}
	}
	return false, nil
}

// cspMissing: neither a Content-Security-Policy header nor a meta element
// declares a policy (a report-only policy enforces nothing).
func cspMissing(p *observation.Page, u string, why map[string]any, r *check.Reporter) {
	for _, v := range p.Header.Values("Content-Security-Policy") {
		if strings.TrimSpace(v) != "" {
			return
		}
	}
	if len(p.Meta.CSP) > 0 {
		return
	}
	d := clone(why)
	if ro := p.Header.Get("Content-Security-Policy-Report-Only"); ro != "" {
		d["report_only"] = ro
	}
	r.Report(check.Issue{Check: "headers.csp-missing", URL: u, Location: "content-security-policy", Grouped: true, Detail: d})
}

// Framed tells whether any site may frame a response with these headers:
// no frame-ancestors in a Content-Security-Policy header (browsers ignore
// it in a meta element) and no X-Frame-Options DENY or SAMEORIGIN.
func Framed(hd http.Header) bool {
	for _, v := range hd.Values("Content-Security-Policy") {
		pol, err := observatory.ParseCSP([]string{v})
		if err != nil {
			continue
		}
		if fa := pol["frame-ancestors"]; fa != nil && !fa["*"] && !fa["https:"] && !fa["http:"] && !fa["https://*"] && !fa["http://*"] {
			return false
		}
	}
	switch strings.ToLower(strings.TrimSpace(hd.Get("X-Frame-Options"))) {
	case "deny", "sameorigin":
		return false
	}
	return true
}

func frameMissing(p *observation.Page, u string, why map[string]any, r *check.Reporter) {
	if !Framed(p.Header) {
		return
	}
	d := clone(why)
	if x := p.Header.Get("X-Frame-Options"); x != "" {
		d["x_frame_options"] = x
	}
	sev := finding.Severity(0)
	if why["login"] == true {
		sev = finding.Medium // clickjacking a login page
	}
	r.Report(check.Issue{Check: "headers.frame-missing", URL: u, Location: "frame-ancestors", Grouped: true, Severity: sev, Detail: d})
}

// unsafeReferrer are the policies that send the full URL (path and
// query) to other sites.
var unsafeReferrer = []string{"unsafe-url", "no-referrer-when-downgrade"}

// referrerUnsafe: the page's URL carries personal data or a token, and
// its effective referrer policy (header, then meta element, the last
// recognised token winning) sends that URL to the other sites the page
// loads or links to. Without any policy, browsers apply
// strict-origin-when-cross-origin, which sends only the origin.
func referrerUnsafe(p *observation.Page, u string, r *check.Reporter) {
	values := p.Header.Values("Referrer-Policy")
	if p.Meta.Referrer != "" {
		values = append(values, p.Meta.Referrer)
	}
	policy := observatory.EffectiveReferrerPolicy(values)
	if !slices.Contains(unsafeReferrer, policy) {
		return
	}
	carries := urlCarries(u)
	if len(carries) == 0 {
		return
	}
	d := map[string]any{"referrer_policy": policy, "url_carries": carries}
	conf := ""
	if sent := refererSent(p, u); len(sent) > 0 {
		d["sent_to"] = sent
		conf = finding.Certain
	}
	// A token in the URL is masked like auth.token-in-url masks it: the
	// finding names the page, never hands out the key to an account.
	r.Report(check.Issue{Check: "headers.referrer-unsafe", URL: urlsecret.Mask(u), Location: "referrer-policy=" + policy, Grouped: true, Confidence: conf, Detail: d})
}

// urlCarries says what a URL carries that names a person or opens an
// account: "token" (a session identifier, an access token, see
// urlsecret) or "personal-data" (a query value the masker hides).
func urlCarries(raw string) []string {
	var out []string
	if len(urlsecret.Find(raw)) > 0 {
		out = append(out, "token")
	}
	if pu, err := url.Parse(raw); err == nil && pu.RawQuery != "" {
		if masked := urlsecret.Mask(raw); detect.MaskText(masked) != masked {
			out = append(out, "personal-data")
		}
	}
	return out
}

// refererSent lists the other parties a rendered page sent its full URL
// to in the Referer header, when the browser kept request headers.
func refererSent(p *observation.Page, u string) []string {
	if p.Rendering == nil {
		return nil
	}
	pu, err := url.Parse(u)
	if err != nil {
		return nil
	}
	var out []string
	for _, q := range p.Rendering.Requests {
		if !q.ThirdParty {
			continue
		}
		ref := q.Header["referer"]
		if ref == "" {
			ref = q.Header["Referer"]
		}
		ru, err := url.Parse(ref)
		if err != nil || ru.Path != pu.Path || ru.RawQuery != pu.RawQuery || ru.RawQuery == "" {
			continue
		}
		if !slices.Contains(out, q.Party) {
			out = append(out, q.Party)
		}
	}
	return out
}

// corsAnyOrigin: an origin probe (a GET with a foreign Origin) was
// answered with that origin in Access-Control-Allow-Origin and
// Access-Control-Allow-Credentials: true, so a script of any site can read
// the answer with the visitor's cookies. "*" with credentials is not
// reported: browsers refuse that combination.
func corsAnyOrigin(site *observation.Site, r *check.Reporter) {
	for _, op := range site.OriginProbes {
		if op.Error != "" || op.Origin == "" || op.AllowOrigin != op.Origin ||
			!strings.EqualFold(strings.TrimSpace(op.AllowCredentials), "true") {
			continue
		}
		r.Report(check.Issue{Check: "headers.cors-credentials-any-origin", URL: op.URL, Detail: map[string]any{
			"origin_sent": op.Origin, "allow_origin": op.AllowOrigin, "allow_credentials": op.AllowCredentials,
			"status": op.Status, "content_type": op.ContentType,
		}})
	}
}

// nosniffMissing: the entry page lacks X-Content-Type-Options: nosniff.
func nosniffMissing(site *observation.Site, r *check.Reporter) {
	if len(site.Pages) == 0 {
		return
	}
	p := &site.Pages[0]
	if p.Status != 200 || p.Meta == nil {
		return
	}
	v := p.Header.Get("X-Content-Type-Options")
	if strings.EqualFold(strings.TrimSpace(v), "nosniff") {
		return
	}
	d := map[string]any{}
	if v != "" {
		d["x_content_type_options"] = v
	}
	r.Report(check.Issue{Check: "headers.nosniff-missing", URL: pageURL(p), Location: "x-content-type-options", Detail: d})
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
