// Package crawl audits one site: it probes the site's root over HTTPS and
// HTTP, then walks its pages breadth-first within the registrable domain,
// form-like pages first, and returns what it observed. It knows nothing of
// checks.
package crawl

import (
	"container/heap"
	"context"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"

	"vigie/dpocontact"
	"vigie/fetch"
	"vigie/finding"
	"vigie/notice"
	"vigie/observation"
	"vigie/page"
	"vigie/pii"
	"vigie/pii/detect"
	"vigie/target"
)

// Fetcher gets one URL, following redirects; it never returns nil.
type Fetcher interface {
	Get(ctx context.Context, rawURL string) *fetch.Response
}

// Options bound a site's crawl.
type Options struct {
	// MaxPages is the most pages fetched per site, probes excluded
	// (default 30).
	MaxPages int
	// MaxDepth is the most links followed from the entry page (default 3).
	MaxDepth int
	// KeepBodies keeps page bodies in the observations (for evidence);
	// otherwise they are dropped once parsed so memory stays flat.
	KeepBodies bool
	// Salt is mixed into the hashes of the personal data found (see
	// package detect); give one per scan. Without it, matches carry no
	// hash.
	Salt []byte
	// Active sends the opt-in active probes once the crawl is done (see
	// active.go for exactly what they request) and records them in
	// Site.ActiveProbes: neighbouring record identifiers of pages that
	// showed personal data, and a short list of export and backup paths.
	// Off by default.
	Active bool
	// Renderer, when set, renders every HTML page in a browser (browser
	// mode, see render.go); NoTyping then leaves forms untouched.
	Renderer Renderer
	NoTyping bool
	// KeepScreenshots keeps the renderings' screenshots (for evidence).
	KeepScreenshots bool
	// Revisit lists URLs to examine again even when no link reached them:
	// the pages of the site's open findings, so that the audit sees
	// whether each failure is still where it was (a fix is only recorded
	// for a page examined again). Those the crawl did not fetch are
	// fetched after it, at most MaxPages more; URLs outside the site are
	// ignored.
	Revisit []string
}

func (o *Options) defaults() {
	if o.MaxPages <= 0 {
		o.MaxPages = 30
	}
	if o.MaxDepth < 0 {
		o.MaxDepth = 0
	} else if o.MaxDepth == 0 {
		o.MaxDepth = 3
	}
}

// Site audits one target and returns its observations. A site that cannot
// be reached at all comes back with Error and ErrorKind set.
func Site(ctx context.Context, f Fetcher, t target.Target, o Options) *observation.Site {
	o.defaults()
	site := &observation.Site{
		Input:        t.Input,
		URL:          t.URL,
		Host:         t.Host,
		Organisation: t.Organisation,
		Tags:         t.Tags,
		Public:       t.Public,
		Started:      time.Now().UTC(),
	}
	defer func() { site.Ended = time.Now().UTC() }()

	entryURL, err := url.Parse(t.URL)
	if err != nil {
		site.Error, site.ErrorKind = "invalid target URL "+t.URL+": "+err.Error(), observation.KindOther
		return site
	}

	// Transport probes of the root over both schemes; a target with an
	// explicit port is only probed over its own scheme.
	httpsRoot := "https://" + entryURL.Host + "/"
	httpRoot := "http://" + entryURL.Host + "/"
	var rootHTTPS, rootHTTP *fetch.Response
	var wg sync.WaitGroup
	if entryURL.Port() == "" || entryURL.Scheme == "https" {
		wg.Go(func() { rootHTTPS = f.Get(ctx, httpsRoot) })
	}
	if entryURL.Port() == "" || entryURL.Scheme == "http" {
		wg.Go(func() { rootHTTP = f.Get(ctx, httpRoot) })
	}
	wg.Wait()
	site.HTTPS = probeOf(rootHTTPS)
	site.HTTP = probeOf(rootHTTP)

	entry := t.URL
	if !t.SchemeGiven && rootHTTPS != nil && !rootHTTPS.Probe.OK() && rootHTTP != nil && rootHTTP.Probe.OK() {
		entry = httpRoot
	}
	prefetched := map[string]*fetch.Response{}
	if rootHTTPS != nil {
		prefetched[httpsRoot] = rootHTTPS
	}
	if rootHTTP != nil {
		prefetched[httpRoot] = rootHTTP
	}

	c := &crawler{ctx: ctx, f: f, o: o, site: site, prefetched: prefetched, seen: map[string]bool{}}
	c.detect = detect.Options{Salt: o.Salt, OwnDomains: ownDomains(t.Host)}
	c.scope = scopeOf(t.Host)
	c.push(entry, 0, "")
	c.seedSitemap(entry)
	c.run()
	c.noticePages()
	c.revisit()
	c.wellKnown()
	c.dpoSecurityTxt()
	if o.Active {
		c.active()
	}

	if o.Renderer != nil {
		site.Mode = target.ModeBrowser
	}
	if c.renderErr != nil {
		// The browser failed: the site's audit is incomplete, so it is a
		// failure (which fixes nothing) the caller may retry.
		site.Error, site.ErrorKind = "browser: "+c.renderErr.Error(), observation.KindBrowser
		return site
	}
	if len(site.Pages) > 0 && site.Pages[0].Error != "" && !site.HTTPS.OK() && !site.HTTP.OK() {
		// Nothing answered: the whole site failed.
		site.Error, site.ErrorKind = site.Pages[0].Error, site.Pages[0].ErrorKind
	}
	return site
}

func probeOf(r *fetch.Response) *observation.Probe {
	if r == nil {
		return nil
	}
	p := r.Probe
	return &p
}

type crawler struct {
	ctx        context.Context
	f          Fetcher
	o          Options
	site       *observation.Site
	scope      func(host string) bool
	prefetched map[string]*fetch.Response
	seen       map[string]bool
	queue      queue
	// queued maps a normalised URL to its item while it waits in the
	// queue (index >= 0).
	queued map[string]*item
	order  int
	detect detect.Options
	// renderErr is why the browser failed; the crawl stops there.
	renderErr error
	// limit, when set, replaces MaxPages as the most pages (revisit).
	limit int
}

// scopeOf returns whether a host belongs to the same site as host: same
// registrable domain by the public suffix list; a public suffix itself
// (e.g. "gouv.fr") or an IP address only matches exactly.
func scopeOf(host string) func(string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if net.ParseIP(host) != nil {
		return func(h string) bool { return strings.EqualFold(h, host) }
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return func(h string) bool { return strings.EqualFold(h, host) }
	}
	return func(h string) bool {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		return h == reg || strings.HasSuffix(h, "."+reg)
	}
}

func (c *crawler) inScope(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return c.scope(u.Hostname())
}

func (c *crawler) push(raw string, depth int, text string) { c.pushAt(raw, depth, text, true) }

// pushAt queues a URL; a link (link true) is also subject to the depth
// limit and skipped when its extension says it is neither a page nor data.
func (c *crawler) pushAt(raw string, depth int, text string, link bool) {
	if c.o.Renderer == nil {
		// Only a browser tells the routes of a single-page application
		// apart: a static crawl sees one document.
		raw = withoutRoute(raw)
	}
	key := finding.NormaliseURL(raw)
	if it := c.queued[key]; it != nil && it.index >= 0 && depth < it.depth && depth >= 0 {
		// A shorter path to a page still waiting: a page ranked high
		// (a notice page listed in the sitemap) may be fetched before
		// the pages that link to it from closer to the entry, and the
		// links it queued must not keep its depth.
		it.depth = depth
		heap.Fix(&c.queue, it.index)
		return
	}
	if c.seen[key] || !c.inScope(raw) || (link && (depth > c.o.MaxDepth || skipByExtension(raw))) {
		return
	}
	c.seen[key] = true
	c.order++
	score := Score(raw, text)
	if isDataFile(raw) {
		score += dataFileScore
	}
	if notice.IsCandidate(raw, text) {
		score += noticeScore
	}
	it := &item{url: raw, depth: depth, score: score, order: c.order}
	if c.queued == nil {
		c.queued = map[string]*item{}
	}
	c.queued[key] = it
	heap.Push(&c.queue, it)
}

// noticeScore ranks links to the legal notice and the personal-data or
// privacy page (notice.IsCandidate) just below the likeliest form pages:
// the information notice of a form is read there, and the few such links
// are the same on every page.
const noticeScore = 9

// maxNoticeFetches bounds the candidate notice pages fetched past the page
// budget (see noticePages).
const maxNoticeFetches = 3

// noticePages fetches, past the page budget, up to maxNoticeFetches
// candidate notice pages that pages with a personal-data form link to and
// the crawl did not reach: without them the form's notice could not be
// examined (and no transparency finding is made). GET only, like the
// crawl.
func (c *crawler) noticePages() {
	if c.renderErr != nil || c.ctx.Err() != nil {
		return
	}
	fetched := c.fetched()
	var want []string
	for _, p := range c.site.Pages {
		if p.Notice == nil || !hasPersonalForm(&p) {
			continue
		}
		for _, l := range p.Notice.Links {
			k := finding.NormaliseURL(l)
			if !fetched[k] && c.inScope(l) && !slices.Contains(want, l) && len(want) < maxNoticeFetches {
				want = append(want, l)
			}
		}
	}
	if len(want) == 0 {
		return
	}
	c.clearQueue()
	for _, u := range want {
		delete(c.seen, finding.NormaliseURL(u))
		c.pushAt(u, 0, "", false)
	}
	c.limit = len(c.site.Pages) + c.queue.Len()
	c.run()
	c.clearQueue()
	c.limit = 0
}

func hasPersonalForm(p *observation.Page) bool {
	for i := range p.Forms {
		if pii.CollectsPersonalData(&p.Forms[i]).Personal {
			return true
		}
	}
	return false
}

// dpoSecurityTxt looks, for a public body whose pages give no DPO contact,
// in the security.txt file wellKnown fetched (RFC 9116), where some
// publish it, and records it in Site.DPOContact when a contact there names
// the DPO. No request of its own: only public bodies must publish it, and
// the file was read for every site anyway.
func (c *crawler) dpoSecurityTxt() {
	st := c.site.SecurityTxt
	if !c.site.Public || c.renderErr != nil || st == nil || len(st.Body) == 0 {
		return
	}
	for _, p := range c.site.Pages {
		if p.Notice != nil && p.Notice.DPOContact {
			return
		}
	}
	if len(dpocontact.FromSecurityTxt(st.Body, st.URL)) > 0 {
		c.site.DPOContact = st.URL
	}
}

// clearQueue empties the queue; the links it held stay seen.
func (c *crawler) clearQueue() {
	for _, it := range c.queue {
		it.index = -1
	}
	c.queue = c.queue[:0]
}

// fetched returns the normalised URLs of the pages fetched so far, first
// and final.
func (c *crawler) fetched() map[string]bool {
	fetched := map[string]bool{}
	for _, p := range c.site.Pages {
		fetched[finding.NormaliseURL(p.URL)] = true
		if p.FinalURL != "" {
			fetched[finding.NormaliseURL(p.FinalURL)] = true
		}
	}
	return fetched
}

// revisit fetches the Revisit URLs the crawl did not reach.
func (c *crawler) revisit() {
	if len(c.o.Revisit) == 0 || c.renderErr != nil {
		return
	}
	// Links are marked seen when queued: what counts is what was fetched.
	fetched := c.fetched()
	c.clearQueue()
	n := 0
	for _, u := range c.o.Revisit {
		if n == c.o.MaxPages {
			break
		}
		key := finding.NormaliseURL(u)
		if fetched[key] {
			continue
		}
		delete(c.seen, key)
		before := c.queue.Len()
		c.pushAt(u, 0, "", false)
		n += c.queue.Len() - before
	}
	c.limit = len(c.site.Pages) + n
	c.run()
	c.clearQueue()
}

func (c *crawler) run() {
	limit := c.o.MaxPages
	if c.limit > 0 {
		limit = c.limit
	}
	for c.queue.Len() > 0 && len(c.site.Pages) < limit {
		if c.ctx.Err() != nil {
			return
		}
		it := heap.Pop(&c.queue).(*item)
		resp, ok := c.prefetched[it.url]
		if !ok {
			resp = c.f.Get(c.ctx, it.url)
		}
		pg := observation.Page{Probe: resp.Probe, Depth: it.depth, ContentType: resp.ContentType, Charset: resp.Charset}
		final := resp.FinalURL
		if final == "" {
			final = it.url
		}
		if route := routeOf(it.url); route != "" {
			// The request carries no fragment; the page is the route a
			// browser shows once the document has loaded (and a redirect
			// without fragment keeps it, as in browsers).
			pg.URL = it.url
			if routeOf(final) == "" {
				final = withoutRoute(final) + "#" + route
			}
			if resp.Error == "" {
				pg.FinalURL = final
			}
		}
		if resp.Error == "" && c.inScope(final) {
			// Mark the final URL seen so redirects to it are not refetched.
			c.seen[finding.NormaliseURL(final)] = true
			html := isHTML(resp.ContentType)
			if html {
				if doc, err := page.Parse(resp.Body, final); err == nil {
					pg.Forms = doc.Forms
					pg.Resources = doc.Resources
					pg.Meta = &doc.Meta
					pg.Links = doc.Links
					for _, l := range doc.Links {
						c.push(l, it.depth+1, doc.LinkText[l])
					}
					c.pushRoutes(doc, it.depth+1)
				}
			}
			c.inspect(&pg, resp, final, html)
			if html && c.o.Renderer != nil && !c.render(&pg, resp, final, it.depth) {
				return
			}
			if c.o.KeepBodies {
				pg.Body = resp.Body
			}
		}
		c.site.Pages = append(c.site.Pages, pg)
	}
}

// pushRoutes queues the hash routes a document links to, in browser mode:
// each is a page of its own (bounded by MaxPages like any link).
func (c *crawler) pushRoutes(doc *page.Document, depth int) {
	if c.o.Renderer == nil {
		return
	}
	for _, r := range doc.Routes {
		c.push(r, depth, doc.LinkText[r])
	}
}

// routeOf returns the hash route of a URL ("/contact" of
// "https://host/#/contact"), "" when it has none (see
// finding.IsHashRoute).
func routeOf(raw string) string {
	if _, frag, ok := strings.Cut(raw, "#"); ok && finding.IsHashRoute(frag) {
		return frag
	}
	return ""
}

// withoutRoute drops the fragment of a URL.
func withoutRoute(raw string) string {
	u, _, _ := strings.Cut(raw, "#")
	return u
}

func isHTML(ct string) bool {
	return ct == "" || ct == "text/html" || ct == "application/xhtml+xml"
}

// dataFileScore ranks links to data files (see dataExtensions) with the
// pages likeliest to hold a form: an export left in the open matters as
// much.
const dataFileScore = 8

// skipByExtension avoids fetching links that are obviously neither HTML
// pages nor data files.
func skipByExtension(raw string) bool {
	switch extension(raw) {
	case "jpg", "jpeg", "png", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff",
		"zip", "gz", "tgz", "rar", "7z", "doc", "docx", "xls", "ppt", "pptx", "odt", "odp",
		"mp3", "mp4", "avi", "mov", "webm", "ogg", "wav", "css", "js", "woff", "woff2", "ttf", "eot", "exe", "msi", "dmg", "iso", "rss", "atom":
		return true
	}
	return false
}
