package farm

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// The reference audit of the security-header, security.txt and SRI
// checks: written apart from package check, from the rules as the issue
// states them, so that the farm's ground truth is not Vigie grading
// itself.

type refScript struct{ url, integrity string }

// refPolicies is what a page's meta elements and scripts declare.
type refPolicies struct {
	scripts      []refScript
	metaCSP      bool
	metaReferrer string
}

func (p *refPolicies) meta(n *html.Node) {
	equiv, _ := attr(n, "http-equiv")
	name, _ := attr(n, "name")
	content, _ := attr(n, "content")
	switch {
	case strings.EqualFold(strings.TrimSpace(equiv), "content-security-policy") && strings.TrimSpace(content) != "":
		p.metaCSP = true
	case strings.EqualFold(strings.TrimSpace(name), "referrer") && content != "":
		p.metaReferrer = content
	}
}

var (
	refEmailInQuery = regexp.MustCompile(`([?&][^=&]*=)[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	refTokenInQuery = regexp.MustCompile(`[?&](?:token|session|sid|jeton)=[0-9a-fA-F]{16,}`)
)

// refPageHeaderChecks: csp-missing, frame-missing and script-no-sri on a
// page with a personal or password form; referrer-unsafe on a page whose
// URL carries an email address or a token.
func refPageHeaderChecks(r *refResponse, p refPage, scope string, reported map[string]bool, add func(check, u string)) {
	if r.status != http.StatusOK {
		return
	}
	once := func(check, u, key string) {
		if !reported[key] {
			reported[key] = true
			add(check, u)
		}
	}
	collects := slices.ContainsFunc(p.forms, func(f refForm) bool { return f.personal || f.password })
	if collects {
		csp := strings.Join(r.header.Values("Content-Security-Policy"), ";")
		if strings.TrimSpace(csp) == "" && !p.metaCSP {
			once(CheckCSPMissing, r.final, "csp-missing")
		}
		framed := true
		for _, d := range strings.Split(strings.ToLower(csp), ";") {
			if f := strings.Fields(d); len(f) > 1 && f[0] == "frame-ancestors" && !slices.Contains(f, "*") && !slices.Contains(f, "https:") {
				framed = false
			}
		}
		if x := strings.ToLower(strings.TrimSpace(r.header.Get("X-Frame-Options"))); x == "deny" || x == "sameorigin" {
			framed = false
		}
		if framed {
			once(CheckFrameMissing, r.final, "frame-missing")
		}
		for _, sc := range p.scripts {
			u, err := url.Parse(sc.url)
			if err != nil || sc.integrity != "" || registrable(u.Hostname()) == scope {
				continue
			}
			once(CheckScriptNoSRI, r.final, "sri "+sc.url)
		}
	}
	carries := refEmailInQuery.MatchString(r.final) || refTokenInQuery.MatchString(r.final)
	if !carries {
		return
	}
	policy := ""
	for _, v := range append(r.header.Values("Referrer-Policy"), p.metaReferrer) {
		for _, t := range strings.Split(v, ",") {
			switch t = strings.ToLower(strings.TrimSpace(t)); t {
			case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin",
				"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade":
				policy = t
			}
		}
	}
	if policy == "unsafe-url" || policy == "no-referrer-when-downgrade" {
		masked := refEmailInQuery.ReplaceAllString(r.final, "${1}[masked:email]")
		once(CheckReferrerUnsafe, masked, "referrer "+policy)
	}
}

func refLooksLikeAPI(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	p := strings.ToLower(u.Path)
	return strings.HasSuffix(p, ".json") || strings.Contains(p+"/", "/api/")
}

// refSiteHeaderChecks: nosniff-missing on the entry page, the CORS answer
// to a foreign Origin on the entry page and the API-looking links, and
// the security.txt file. It returns (check, URL) pairs.
func refSiteHeaderChecks(ctx context.Context, c *http.Client, entry *refResponse, apiLinks []string) [][2]string {
	var out [][2]string
	if entry == nil || !entry.ok() || entry.status != http.StatusOK || !strings.HasPrefix(entry.header.Get("Content-Type"), "text/html") {
		return nil
	}
	if !strings.EqualFold(strings.TrimSpace(entry.header.Get("X-Content-Type-Options")), "nosniff") {
		out = append(out, [2]string{CheckNosniffMissing, entry.final})
	}
	const origin = "https://reference-origin.invalid"
	for i, u := range append([]string{entry.final}, apiLinks...) {
		if i > 5 {
			break
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			continue
		}
		req.Header.Set("Origin", origin)
		resp, err := c.Do(req)
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") == origin && strings.EqualFold(resp.Header.Get("Access-Control-Allow-Credentials"), "true") {
			out = append(out, [2]string{CheckCORSAnyOrigin, u})
		}
	}
	eu, err := url.Parse(entry.final)
	if err != nil {
		return out
	}
	root := eu.Scheme + "://" + eu.Host
	isText := func(r *refResponse) bool {
		return r.ok() && r.status == http.StatusOK && strings.HasPrefix(r.header.Get("Content-Type"), "text/plain")
	}
	wk := refGet(ctx, c, root+"/.well-known/security.txt")
	switch {
	case isText(wk):
		if !refSecurityTxtValid(wk.body, root+"/.well-known/security.txt") {
			out = append(out, [2]string{CheckSecTxtInvalid, root + "/.well-known/security.txt"})
		}
	case !wk.ok():
	default:
		if legacy := refGet(ctx, c, root+"/security.txt"); isText(legacy) {
			out = append(out, [2]string{CheckSecTxtInvalid, root + "/security.txt"})
		} else {
			out = append(out, [2]string{CheckSecTxtMissing, root + "/.well-known/security.txt"})
		}
	}
	return out
}

// refSecurityTxtValid: a Contact, one Expires in the future, and a
// Canonical naming the file when there is one.
func refSecurityTxtValid(body []byte, fileURL string) bool {
	contact, expires, canonicals, canonicalOK := false, 0, 0, false
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(k) {
		case "contact":
			contact = true
		case "expires":
			expires++
			if t, err := time.Parse(time.RFC3339, v); err != nil || !t.After(time.Now()) {
				return false
			}
		case "canonical":
			canonicals++
			canonicalOK = canonicalOK || v == fileURL
		}
	}
	return contact && expires == 1 && (canonicals == 0 || canonicalOK)
}
