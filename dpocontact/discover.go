package dpocontact

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"

	"vigie/fetch"
	"vigie/page"
)

// Fetcher gets pages; *fetch.Client is one. Discover sends GET requests
// only.
type Fetcher interface {
	Get(ctx context.Context, rawURL string) *fetch.Response
}

// Options tune Discover.
type Options struct {
	// MaxPages bounds the pages fetched per site besides the entry page
	// and security.txt (default 12).
	MaxPages int
}

// Result is what Discover found on one site.
type Result struct {
	// Site is the site as given; Entry the URL its entry page came from.
	Site, Entry string
	// Pages are the pages and files examined, in order.
	Pages []string
	// Contacts are the DPO contacts found, by kind and value, each with
	// every URL it was seen on; in the order found.
	Contacts []Contact
	// SecurityContacts are the other Contact fields of the site's
	// security.txt: the security team's (mailto: and https: URIs as
	// written), never proposed as the DPO's.
	SecurityContacts []string
	// Error says why the site could not be examined at all.
	Error string
}

var (
	// legalText is what links to legal and privacy pages say.
	legalText = regexp.MustCompile(`(?i)mentions\s+l[ée]gales|donn[ée]es\s+(?:personnelles|à\s+caract[èe]re\s+personnel)|confidentialit[ée]|protection\s+des\s+donn[ée]es|\brgpd\b|\bgdpr\b|vie\s+priv[ée]e|privacy|legal\s+notice|\blegal\b|informatique\s+et\s+libert[ée]s|\bdpo\b|d[ée]l[ée]gu[ée]`)
	// legalPath is how their addresses are spelled.
	legalPath = regexp.MustCompile(`(?i)mentions|legal|donnees[-_]?personnelles|confidentialite|privacy|rgpd|gdpr|vie[-_]privee|protection[-_]des[-_]donnees|\bdpo\b`)
)

// Discover looks for the DPO's contact on site (a URL, or a host name
// tried over HTTPS then HTTP): on its entry page, on the same-site pages
// its links name as legal notice, personal-data or privacy pages (and the
// pages those link to the same way), and in /.well-known/security.txt.
// A link to a form counts only when its page has a form that collects
// personal data. It sends only GET requests, at most o.MaxPages+2 plus
// one per form checked.
func Discover(ctx context.Context, f Fetcher, site string, o Options) *Result {
	if o.MaxPages <= 0 {
		o.MaxPages = 12
	}
	r := &Result{Site: site}
	var home *fetch.Response
	for _, u := range entryURLs(site) {
		home = f.Get(ctx, u)
		if home.Error == "" && home.Status < 400 {
			break
		}
	}
	if home.Error != "" || home.Status >= 400 {
		r.Error = home.Error
		if r.Error == "" {
			r.Error = "GET " + home.URL + ": status " + strconv.Itoa(home.Status)
		}
		return r
	}
	r.Entry = home.FinalURL
	bodies := map[string]*fetch.Response{}
	var queue []string
	examine := func(u string, resp *fetch.Response) {
		bodies[u] = resp
		if resp.Error != "" || resp.Status != 200 || !isHTML(resp.ContentType) {
			return
		}
		r.Pages = append(r.Pages, u)
		r.merge(FromHTML(resp.Body, resp.FinalURL))
		for _, l := range legalLinks(resp.Body, resp.FinalURL) {
			if bodies[l] == nil && !slices.Contains(queue, l) {
				queue = append(queue, l)
			}
		}
	}
	examine(home.FinalURL, home)
	for fetched := 0; len(queue) > 0 && fetched < o.MaxPages && ctx.Err() == nil; fetched++ {
		u := queue[0]
		queue = queue[1:]
		examine(u, f.Get(ctx, u))
	}
	if origin, err := url.Parse(home.FinalURL); err == nil && ctx.Err() == nil {
		st := origin.Scheme + "://" + origin.Host + "/.well-known/security.txt"
		resp := f.Get(ctx, st)
		// RFC 9116 serves it as text/plain; a 200 HTML page is a soft 404.
		if resp.Error == "" && resp.Status == 200 && resp.ContentType == "text/plain" {
			r.Pages = append(r.Pages, st)
			r.merge(FromSecurityTxt(resp.Body, resp.FinalURL))
			r.SecurityContacts = SecurityTeam(resp.Body)
		}
	}
	// A form link counts when its page has a form collecting personal data.
	r.Contacts = slices.DeleteFunc(r.Contacts, func(c Contact) bool {
		if c.Kind != KindForm || ctx.Err() != nil {
			return c.Kind == KindForm
		}
		resp := bodies[c.Value]
		if resp == nil {
			resp = f.Get(ctx, c.Value)
			bodies[c.Value] = resp
		}
		return !personalForm(resp)
	})
	return r
}

// merge adds cs to r's contacts, joining the URLs of those already there.
func (r *Result) merge(cs []Contact) {
	for _, c := range cs {
		i := slices.IndexFunc(r.Contacts, func(x Contact) bool { return x.Kind == c.Kind && x.Value == c.Value })
		if i < 0 {
			r.Contacts = append(r.Contacts, c)
			continue
		}
		for _, u := range c.URLs {
			if !slices.Contains(r.Contacts[i].URLs, u) {
				r.Contacts[i].URLs = append(r.Contacts[i].URLs, u)
			}
		}
	}
}

// First returns the first contact of kind, "" when none.
func (r *Result) First(kind string) string {
	for _, c := range r.Contacts {
		if c.Kind == kind {
			return c.Value
		}
	}
	return ""
}

func entryURLs(site string) []string {
	if strings.Contains(site, "://") {
		return []string{site}
	}
	host := strings.TrimSuffix(site, "/")
	return []string{"https://" + host + "/", "http://" + host + "/"}
}

func isHTML(ct string) bool { return ct == "text/html" || ct == "application/xhtml+xml" }

// legalLinks returns the links of a page to same-site pages whose text or
// address names a legal notice, personal-data or privacy page.
func legalLinks(body []byte, pageURL string) []string {
	doc, err := page.Parse(body, pageURL)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range doc.Links {
		u, err := url.Parse(l)
		if err != nil || !sameSite(pageURL, u) {
			continue
		}
		if legalText.MatchString(doc.LinkText[l]) || legalPath.MatchString(u.Path) {
			out = append(out, l)
		}
	}
	return out
}

// sameSite reports whether u is on the registrable domain of pageURL.
func sameSite(pageURL string, u *url.URL) bool {
	p, err := url.Parse(pageURL)
	if err != nil {
		return false
	}
	a, b := p.Hostname(), u.Hostname()
	if a == b {
		return true
	}
	ra, err1 := publicsuffix.EffectiveTLDPlusOne(a)
	rb, err2 := publicsuffix.EffectiveTLDPlusOne(b)
	return err1 == nil && err2 == nil && ra == rb
}

// personalForm reports whether a fetched page has a form with a field
// that collects personal data.
func personalForm(resp *fetch.Response) bool {
	if resp == nil || resp.Error != "" || resp.Status != 200 || !isHTML(resp.ContentType) {
		return false
	}
	doc, err := page.Parse(resp.Body, resp.FinalURL)
	if err != nil {
		return false
	}
	for _, f := range doc.Forms {
		for _, fl := range f.Fields {
			if fl.Category != "" {
				return true
			}
		}
	}
	return false
}
