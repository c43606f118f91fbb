package farm

// A small reference implementation of the crawler and of the form,
// transport, exposure and authentication checks, written from the rules
// the farm's ground truth follows.
// It audits the farm and its findings must equal Expected(): this catches
// bookkeeping mistakes in the catalogue (a forgotten form, a wrong index, a
// page not linked) independently of the real crawler.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"vigie/finding"
	"vigie/observation"
)

const (
	refMaxPages = 30
	refMaxDepth = 3
	refMaxBody  = 2 << 20
)

type refResponse struct {
	final  string
	status int
	header http.Header
	body   []byte
	err    error
}

func (r *refResponse) ok() bool { return r.err == nil && r.status != 0 }

func refGet(ctx context.Context, c *http.Client, raw string) *refResponse {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return &refResponse{err: err}
	}
	resp, err := c.Do(req)
	if err != nil {
		return &refResponse{err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, refMaxBody))
	return &refResponse{final: resp.Request.URL.String(), status: resp.StatusCode, header: resp.Header, body: body}
}

func refKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return observation.KindRefused
	case strings.Contains(err.Error(), "stopped after"):
		return observation.KindRedirect
	case errors.As(err, &ne) && ne.Timeout():
		return observation.KindTimeout
	case strings.Contains(err.Error(), "tls") || strings.Contains(err.Error(), "x509"):
		return observation.KindTLS
	}
	return observation.KindOther
}

// refAudit audits one site and returns its findings, or the kind of error
// the whole site failed with.
// visit, when not nil, sees every in-scope page fetched.
func refAudit(ctx context.Context, c *http.Client, s Site, visit func(u string, r *refResponse)) ([]Expectation, string) {
	id := s.ID()
	var out []Expectation
	add := func(check, u string, form int) {
		out = append(out, Expectation{Check: check, Site: id, URL: finding.NormaliseURL(u), Form: form})
	}
	httpsRoot, httpRoot := "https://"+s.Host+"/", "http://"+s.Host+"/"
	var rs, rh *refResponse
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); rs = refGet(ctx, c, httpsRoot) }()
	go func() { defer wg.Done(); rh = refGet(ctx, c, httpRoot) }()
	wg.Wait()

	// Transport checks.
	switch {
	case !rs.ok() && rh.ok():
		add(CheckNoHTTPS, httpsRoot, -1)
	case rs.ok():
		if rh.ok() && strings.HasPrefix(rh.final, "http://") {
			add(CheckNoRedirect, httpRoot, -1)
		}
		if strings.HasPrefix(rs.final, "https://") && !refHSTSValid(rs.header.Get("Strict-Transport-Security")) {
			add(CheckHSTS, rs.final, -1)
		}
	}

	// Authentication and exposure checks on every response, root probes
	// first: each finding once per site.
	reported := map[string]bool{}
	formFindings := map[string]Expectation{}
	once := func(check, u string) {
		if k := check + " " + finding.NormaliseURL(u); !reported[k] {
			reported[k] = true
			add(check, u, -1)
		}
	}
	responseChecks := func(r *refResponse) {
		if !r.ok() {
			return
		}
		for _, line := range r.header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(line, "=")
			lower := strings.ToLower(line)
			if (name == "PHPSESSID" || name == "JSESSIONID") && !reported["cookie "+name] &&
				(strings.HasPrefix(r.final, "https://") && !strings.Contains(lower, "secure") ||
					!strings.Contains(lower, "httponly") || !strings.Contains(lower, "samesite")) {
				reported["cookie "+name] = true
				add(CheckCookieFlags, r.final, -1)
			}
		}
		if r.status == http.StatusUnauthorized && strings.HasPrefix(r.final, "http://") &&
			strings.HasPrefix(strings.ToLower(r.header.Get("Www-Authenticate")), "basic") {
			once(CheckBasicHTTP, r.final)
		}
	}
	responseChecks(rs)
	responseChecks(rh)

	entry, entryResp := SiteID(s.URL), (*refResponse)(nil)
	switch {
	case !strings.Contains(s.URL, "://"):
		entry, entryResp = httpsRoot, rs
		if !rs.ok() && rh.ok() {
			entry, entryResp = httpRoot, rh
		}
	case entry == httpsRoot:
		entryResp = rs
	case entry == httpRoot:
		entryResp = rh
	}
	if entryResp == nil {
		entryResp = refGet(ctx, c, entry)
	}
	if !rs.ok() && !rh.ok() && entryResp.err != nil {
		return nil, refKind(entryResp.err)
	}

	scope := registrable(s.Host)
	inScope := func(raw string) bool {
		u, err := url.Parse(raw)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && registrable(u.Hostname()) == scope
	}
	type item struct {
		url   string
		depth int
	}
	seen := map[string]bool{finding.NormaliseURL(entry): true}
	queue := []item{{entry, 0}}
	if eu, err := url.Parse(entry); err == nil {
		locs := regexp.MustCompile(`<(url|sitemap)>\s*<loc>\s*([^<\s]+)\s*</loc>`)
		sitemaps := []string{eu.Scheme + "://" + eu.Host + "/sitemap.xml"}
		for i := 0; i < len(sitemaps) && i < 6; i++ {
			sm := refGet(ctx, c, sitemaps[i])
			if !sm.ok() || sm.status != 200 || !inScope(sm.final) {
				continue
			}
			for _, m := range locs.FindAllSubmatch(sm.body, -1) {
				u := string(m[2])
				if string(m[1]) == "sitemap" {
					if i == 0 { // one level of nesting
						sitemaps = append(sitemaps, u)
					}
					continue
				}
				if k := finding.NormaliseURL(u); !seen[k] && inScope(u) {
					seen[k] = true
					queue = append(queue, item{u, 1})
				}
			}
		}
	}
	listing := ""
	var apiLinks []string
	for pages := 0; len(queue) > 0 && pages < refMaxPages; pages++ {
		it := queue[0]
		queue = queue[1:]
		r := entryResp
		if it.url != entry {
			r = refGet(ctx, c, it.url)
		}
		if visit != nil && (r.err != nil || inScope(r.final)) {
			visit(it.url, r)
		}
		if !r.ok() || !inScope(r.final) {
			continue
		}
		responseChecks(r)
		if r.status == http.StatusOK && strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") && refExposes(string(r.body), string(r.body), scope, false) {
			once(CheckPIIExposed, r.final)
		}
		if text, ok := refDocumentText(r); ok && r.status == http.StatusOK && refExposes(text, text, scope, false) {
			once(CheckPIIExposed, r.final)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		final := finding.NormaliseURL(r.final)
		seen[final] = true
		p := refParse(r)
		if r.status == http.StatusOK {
			if strings.HasPrefix(p.title, "Index of /") {
				// One finding a site, at its shallowest listed folder.
				dir, _, _ := strings.Cut(r.final, "?")
				if d, l := strings.Count(dir, "/"), strings.Count(listing, "/"); listing == "" || d < l || d == l && dir < listing {
					listing = dir
				}
			}
			if refExposes(p.text, p.records, scope, refCredits(p.title, r.final)) {
				once(CheckPIIExposed, r.final)
			}
		}
		urls := p.links
		for _, fm := range p.forms {
			urls = append(urls, fm.actions...)
		}
		for _, l := range urls {
			if strings.Contains(strings.ToLower(l), ";jsessionid=") && !reported["token"] {
				reported["token"] = true
				add(CheckTokenInURL, r.final, -1)
			}
		}
		for i, fm := range p.forms {
			key := fmt.Sprint(final, "#", i)
			if reported[key] {
				continue
			}
			reported[key] = true
			add := func(check, final string, i int) {
				k := check + " " + fm.key()
				if g, ok := formFindings[k]; !ok || final < g.URL {
					formFindings[k] = Expectation{Check: check, Site: id, URL: final, Form: i}
				}
			}
			httpAction := false
			for _, a := range fm.actions {
				if strings.HasPrefix(a, "http://") {
					httpAction = true
				}
			}
			if fm.personal && strings.HasPrefix(final, "http://") {
				add(CheckHTTPPage, final, i)
			}
			// On an HTTP page, posting over HTTP is the page's defect.
			if fm.personal && httpAction && !strings.HasPrefix(final, "http://") {
				add(CheckHTTPAction, final, i)
			}
			if fm.password && (strings.HasPrefix(final, "http://") || httpAction) {
				add(CheckPasswordHTTP, final, i)
			}
		}
		refPageHeaderChecks(r, p, scope, reported, func(check, u string) { add(check, u, -1) })
		if p.mixed && strings.HasPrefix(final, "https://") && !reported[final+"#mixed"] {
			reported[final+"#mixed"] = true
			add(CheckMixedContent, final, -1)
		}
		if it.depth >= refMaxDepth {
			continue
		}
		for _, l := range p.links {
			if refLooksLikeAPI(l) && inScope(l) && !slices.Contains(apiLinks, l) {
				apiLinks = append(apiLinks, l)
			}
		}
		for _, l := range p.links {
			if k := finding.NormaliseURL(l); !seen[k] && inScope(l) {
				seen[k] = true
				queue = append(queue, item{l, it.depth + 1})
			}
		}
	}
	// The same form on several pages is one finding, at the first page
	// in URL order.
	for _, k := range slices.Sorted(maps.Keys(formFindings)) {
		out = append(out, formFindings[k])
	}
	if listing != "" {
		add(CheckDirListing, listing, -1)
	}
	for _, e := range refSiteHeaderChecks(ctx, c, entryResp, apiLinks) {
		add(e[0], e[1], -1)
	}
	return out, ""
}

func registrable(host string) string {
	labels := strings.Split(strings.ToLower(host), ".")
	if len(labels) < 2 {
		return host
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

func refHSTSValid(v string) bool {
	for _, d := range strings.Split(v, ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		if strings.EqualFold(strings.TrimSpace(k), "max-age") {
			var n int
			if _, err := fmt.Sscanf(strings.Trim(strings.TrimSpace(val), `"`), "%d", &n); err != nil {
				return false
			}
			return n >= 15552000
		}
	}
	return false
}

type refForm struct {
	personal, password bool
	actions            []string
	// method and names (the fields' names) identify the form with its
	// action: the same form on several pages is one finding.
	method string
	names  []string
}

// key identifies a form wherever it shows: method, actions without their
// query, sorted field names.
func (f *refForm) key() string {
	a := f.actions[0]
	if u, err := url.Parse(a); err == nil {
		u.RawQuery, u.Fragment = "", ""
		a = finding.NormaliseURL(u.String())
	}
	names := slices.Clone(f.names)
	slices.Sort(names)
	return f.method + " " + strings.Join(f.actions[1:], " ") + " " + a + " " + strings.Join(slices.Compact(names), ",")
}

type refPage struct {
	forms       []refForm
	mixed       bool
	refPolicies // what the headers checks read (reference_headers_test.go)
	links       []string
	title, text string
	// records is the text of the page's tables and definition lists.
	records string
}

var (
	refEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	refIBAN  = regexp.MustCompile(`\bFR\d{2}(?: ?[0-9A-Z]{4}){5} ?[0-9A-Z]{3}\b`)
	refBirth = regexp.MustCompile(`(?i)(?:n[ée]e?(?:\(e\))? le|naissance)\s*:?\s*\d{1,2}/\d{1,2}/\d{4}`)
	refNIR   = regexp.MustCompile(`\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b`)
	refRoles = []string{"contact", "dpo", "mairie", "ccas", "accueil", "secretariat", "fede", "alsh", "boutique", "police", "elue", "adjoint", "conseill"}
)

// refDocumentText returns the text of a spreadsheet (every cell of every
// sheet, read with excelize) or of a PDF file (its literal strings shown
// with Tj: the farm's PDF files are written uncompressed).
func refDocumentText(r *refResponse) (string, bool) {
	switch r.header.Get("Content-Type") {
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		x, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			return "", false
		}
		defer x.Close()
		var b strings.Builder
		for _, sheet := range x.GetSheetList() {
			rows, _ := x.GetRows(sheet)
			for _, row := range rows {
				b.WriteString(strings.Join(row, "\t") + "\n")
			}
		}
		return b.String(), true
	case "application/pdf":
		var b strings.Builder
		for _, m := range refPDFText.FindAllSubmatch(r.body, -1) {
			b.Write(m[1])
			b.WriteByte('\n')
		}
		return b.String(), true
	}
	return "", false
}

var refPDFText = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\) Tj`)

// refExposes reports whether a text shows an IBAN, a NIR, a date of
// birth in its records (tables, not running text) or, unless it credits
// its authors, the e-mail addresses of three people (not the
// organisation's, not roles').
func refExposes(text, records, domain string, credits bool) bool {
	if refIBAN.MatchString(text) || refNIR.MatchString(text) || refBirth.MatchString(records) {
		return true
	}
	if credits {
		return false
	}
	people := map[string]bool{}
next:
	for _, e := range refEmail.FindAllString(text, -1) {
		local, dom, _ := strings.Cut(strings.ToLower(e), "@")
		if dom == domain || strings.HasSuffix(dom, "."+domain) {
			continue
		}
		for _, r := range refRoles {
			if strings.Contains(local, r) {
				continue next
			}
		}
		people[local+"@"+dom] = true
	}
	return len(people) >= 3
}

// refCredits reports whether a page credits people or gives press
// contacts: its title says credits, authors or press, or its name is an
// AUTHORS or copyright file.
func refCredits(title, u string) bool {
	t := strings.ToLower(title)
	base := strings.ToLower(path.Base(u))
	return strings.Contains(t, "crédits") || strings.Contains(t, "credits") || strings.Contains(t, "auteurs") || strings.Contains(t, "presse") ||
		strings.HasPrefix(base, "authors") || strings.HasPrefix(base, "copyright")
}

var metaCharset = regexp.MustCompile(`(?i)charset\s*=\s*["']?([a-z0-9_-]+)`)

// refDecode turns the body into UTF-8 from the header's or the meta tag's
// charset.
func refDecode(r *refResponse) []byte {
	cs := ""
	if m := metaCharset.FindStringSubmatch(r.header.Get("Content-Type")); m != nil {
		cs = m[1]
	} else if m := metaCharset.FindSubmatch(r.body[:min(len(r.body), 1024)]); m != nil {
		cs = string(m[1])
	}
	switch strings.ToLower(cs) {
	case "iso-8859-1", "latin1", "windows-1252", "cp1252":
	default:
		return r.body
	}
	var b bytes.Buffer
	for _, c := range r.body {
		if c >= 0x80 && c < 0xA0 && cp1252High[c-0x80] != 0 {
			b.WriteRune(cp1252High[c-0x80])
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.Bytes()
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func refParse(r *refResponse) refPage {
	doc, err := html.Parse(bytes.NewReader(refDecode(r)))
	if err != nil {
		return refPage{}
	}
	pageURL, _ := url.Parse(r.final)
	base := pageURL
	var all []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			all = append(all, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, n := range all {
		if href, ok := attr(n, "href"); ok && n.Data == "base" {
			if u, err := pageURL.Parse(strings.TrimSpace(href)); err == nil {
				base = u
			}
			break
		}
	}
	resolve := func(s string) string {
		u, err := base.Parse(strings.TrimSpace(s))
		if err != nil {
			return ""
		}
		u.Fragment = ""
		return u.String()
	}
	var p refPage
	for _, n := range all {
		switch n.Data {
		case "title":
			if p.title == "" {
				p.title = strings.TrimSpace(textOf(n))
			}
		case "body":
			p.text = textOf(n)
		case "table", "dl":
			p.records += textOf(n)
		}
	}
	formIndex := map[*html.Node]int{}
	var formNodes []*html.Node
	byID := map[string]int{}
	labels := map[string]string{}
	for _, n := range all {
		switch n.Data {
		case "form":
			i := len(p.forms)
			formIndex[n] = i
			formNodes = append(formNodes, n)
			if id, ok := attr(n, "id"); ok {
				if _, dup := byID[id]; !dup {
					byID[id] = i
				}
			}
			action := pageURL.String()
			if a, ok := attr(n, "action"); ok && strings.TrimSpace(a) != "" {
				action = resolve(a)
			}
			method, _ := attr(n, "method")
			p.forms = append(p.forms, refForm{actions: []string{action}, method: strings.ToLower(method)})
		case "label":
			if f, ok := attr(n, "for"); ok {
				labels[f] += " " + textOf(n)
			}
		}
	}
	personalForm := false
	for _, n := range all {
		switch n.Data {
		case "input", "select", "textarea", "button":
		default:
			continue
		}
		owner := -1
		if fid, ok := attr(n, "form"); ok {
			if i, ok := byID[fid]; ok {
				owner = i
			}
		} else {
			for a := n.Parent; a != nil; a = a.Parent {
				if i, ok := formIndex[a]; ok {
					owner = i
					break
				}
			}
		}
		if owner < 0 {
			continue
		}
		typ, _ := attr(n, "type")
		typ = strings.ToLower(typ)
		if fa, ok := attr(n, "formaction"); ok && strings.TrimSpace(fa) != "" &&
			(n.Data == "button" && (typ == "" || typ == "submit") || n.Data == "input" && (typ == "submit" || typ == "image")) {
			p.forms[owner].actions = append(p.forms[owner].actions, resolve(fa))
		}
		if n.Data == "button" {
			continue
		}
		if name, ok := attr(n, "name"); ok {
			p.forms[owner].names = append(p.forms[owner].names, name)
		}
		if typ == "password" {
			p.forms[owner].password = true
		}
		if refPersonal(n, typ, labels, refNavigation(formNodes[owner])) {
			p.forms[owner].personal = true
			personalForm = true
		}
	}
	for _, n := range all {
		var ref string
		switch n.Data {
		case "a", "area":
			if h, ok := attr(n, "href"); ok {
				if u := resolve(h); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
					p.links = append(p.links, u)
				}
			}
			continue
		case "script", "iframe", "frame", "embed":
			ref, _ = attr(n, "src")
			if n.Data == "script" && strings.TrimSpace(ref) != "" {
				integrity, _ := attr(n, "integrity")
				p.scripts = append(p.scripts, refScript{url: resolve(ref), integrity: strings.TrimSpace(integrity)})
			}
		case "meta":
			p.meta(n)
		case "object":
			ref, _ = attr(n, "data")
		case "link":
			if rel, _ := attr(n, "rel"); strings.Contains(strings.ToLower(rel), "stylesheet") {
				ref, _ = attr(n, "href")
			}
		}
		if ref != "" && personalForm && strings.HasPrefix(resolve(ref), "http://") {
			p.mixed = true
		}
	}
	return p
}

var (
	refPersonalWords = wordSet("nom noms prenom prenoms name email mail courriel tel telephone phone portable mobile " +
		"adresse address postal cp ville city commune naissance birth secu securite nir iban password mdp passe " +
		"identifiant login username")
	refExcludedWords = wordSet("q search recherche rechercher lang langue tri sort captcha csrf token jeton " +
		"raison sociale entreprise societe consentement cookies")
	refAutocomplete = wordSet("name given-name family-name email tel street-address postal-code address-level2 " +
		"bday username current-password new-password")
	deaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "î", "i", "ï", "i",
		"ô", "o", "ù", "u", "û", "u", "ç", "c", "É", "e", "È", "e", "Ê", "e")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// refNavigation reports whether a form is a search or navigation form:
// role "search", or sent with GET and every submit button saying
// "Rechercher", "Aller", "OK"...
func refNavigation(form *html.Node) bool {
	if r, _ := attr(form, "role"); strings.EqualFold(r, "search") {
		return true
	}
	if m, _ := attr(form, "method"); strings.EqualFold(strings.TrimSpace(m), "post") {
		return false
	}
	buttons := 0
	nav := true
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			typ, _ := attr(n, "type")
			typ = strings.ToLower(typ)
			text := ""
			switch {
			case n.Data == "button" && (typ == "" || typ == "submit"):
				text = textOf(n)
			case n.Data == "input" && typ == "submit":
				text, _ = attr(n, "value")
			default:
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				return
			}
			buttons++
			if !refNavButtons[deaccent.Replace(strings.ToLower(strings.TrimSpace(text)))] {
				nav = false
			}
		}
	}
	walk(form)
	return buttons > 0 && nav
}

var (
	refNavButtons        = wordSet("aller go ok afficher filtrer rechercher trouver")
	refPlaceWords        = wordSet("commune ville cp postal adresse")
	refPlaceAutocomplete = wordSet("street-address postal-code address-level2")
)

// refPersonal reports whether a field collects personal data: free entry
// of identifying words, never a choice from a list (select, radio,
// checkbox) nor a disabled field; in a navigation form, places do not
// count either.
func refPersonal(n *html.Node, typ string, labels map[string]string, nav bool) bool {
	if _, ok := attr(n, "disabled"); ok || n.Data == "select" {
		return false
	}
	for a := n.Parent; a != nil; a = a.Parent {
		if _, ok := attr(a, "disabled"); ok && a.Type == html.ElementNode && a.Data == "fieldset" {
			return false
		}
	}
	switch typ {
	case "hidden", "submit", "button", "image", "reset", "checkbox", "radio":
		return false
	case "password", "email", "tel", "file":
		return true
	}
	if n.Data == "textarea" {
		return true
	}
	if ac, _ := attr(n, "autocomplete"); refAutocomplete[strings.ToLower(strings.TrimSpace(ac))] &&
		!(nav && refPlaceAutocomplete[strings.ToLower(strings.TrimSpace(ac))]) {
		return true
	}
	var text []string
	for _, k := range []string{"name", "id", "placeholder", "aria-label"} {
		v, _ := attr(n, k)
		text = append(text, v)
	}
	if id, ok := attr(n, "id"); ok {
		text = append(text, labels[id])
	}
	for a := n.Parent; a != nil; a = a.Parent {
		if a.Type == html.ElementNode && a.Data == "label" {
			text = append(text, textOf(a))
			break
		}
	}
	s := deaccent.Replace(strings.ToLower(strings.Join(text, " ")))
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || r >= utf8.RuneSelf
	})
	for _, w := range words {
		if refExcludedWords[w] {
			return false
		}
	}
	for _, w := range words {
		if refPersonalWords[w] && !(nav && refPlaceWords[w]) {
			return true
		}
	}
	return false
}

// refAuditFarm audits sites concurrently and returns all findings and the
// whole-site errors.
func refAuditFarm(ctx context.Context, c *http.Client, sites []Site, visit func(u string, r *refResponse)) ([]Expectation, map[string]string) {
	var mu sync.Mutex
	var all []Expectation
	errs := map[string]string{}
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, s := range sites {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			got, kind := refAudit(ctx, c, s, visit)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, got...)
			if kind != "" {
				errs[s.ID()] = kind
			}
		}()
	}
	wg.Wait()
	return all, errs
}
