package farm

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"text/template"
)

//go:embed all:sites
var siteFS embed.FS

// domainMark stands for the registrable domain in rendered pages: pages are
// rendered once per archetype with this mark, then split around it, so that
// serving a page of any instance only writes the parts and the domain.
const domainMark = "\x00"

// page is a rendered response body, split around the domain.
type page struct {
	parts [][]byte
	ctype []string // Content-Type header value, shared read-only
	size  int      // bytes of the parts
}

func newPage(body []byte, ctype string) *page {
	p := &page{ctype: []string{ctype}}
	for _, part := range bytes.Split(body, []byte(domainMark)) {
		p.parts = append(p.parts, part)
		p.size += len(part)
	}
	return p
}

// length is the body length for a domain.
func (p *page) length(domain string) int {
	return p.size + (len(p.parts)-1)*len(domain)
}

type compiledArch struct {
	*archetype
	hosts []*compiledHost
	// personal is the personal data the pages show: the values templates
	// wrap in {{pd "..."}} and those generated files declare.
	personal []string
}

type compiledHost struct {
	spec  *hostSpec
	pages map[string]*page
}

// pageData is what page templates see. D is the registrable domain (the
// domain mark while rendering).
type pageData struct {
	D       string
	Name    string // organisation's name as the pages show it
	Base    string // link prefix: "" or an absolute origin
	Host    string // this host's name
	Scheme  string // this host's canonical scheme
	Path    string // this page's path
	Charset string // charset to declare in a <meta> tag, "" for none
	Layout  string
}

const fillerDir = "sites/_common/filler"

// unlisted filler pages are served but neither linked nor in sitemaps.
var unlistedFiller = map[string]bool{"/recherche": true}

// compiled renders every archetype once per process; the result is
// read-only.
var compiled = sync.OnceValues(func() ([]*compiledArch, error) {
	return compileAll(catalogue)
})

func compileAll(archs []archetype) ([]*compiledArch, error) {
	common, err := template.New("farm").Funcs(template.FuncMap{"pd": func(s string) string { return s }}).ParseFS(siteFS, "sites/_common/*.html")
	if err != nil {
		return nil, fmt.Errorf("farm: common templates: %w", err)
	}
	filler, err := readPages(fillerDir)
	if err != nil {
		return nil, err
	}
	var out []*compiledArch
	ids := map[string]bool{}
	for i := range archs {
		a := &archs[i]
		if ids[a.ID] {
			return nil, fmt.Errorf("farm: duplicate archetype %s", a.ID)
		}
		ids[a.ID] = true
		ca, err := compileArch(a, common, filler)
		if err != nil {
			return nil, err
		}
		out = append(out, ca)
	}
	return out, nil
}

// readPages maps URL paths to template sources for the files under dir:
// "index.html" serves its directory ("/services/"), other files their
// own path.
func readPages(dir string) (map[string]string, error) {
	pages := map[string]string{}
	err := fs.WalkDir(siteFS, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := siteFS.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, dir)
		// go:embed refuses folders named .git: a site's "_git" serves
		// "/.git/".
		rel = strings.Replace(rel, "/_git/", "/.git/", 1)
		if path.Base(rel) == "index.html" {
			rel = strings.TrimSuffix(rel, "index.html")
		}
		pages[rel] = string(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("farm: reading %s: %w", dir, err)
	}
	return pages, nil
}

func compileArch(a *archetype, common *template.Template, filler map[string]string) (*compiledArch, error) {
	set, err := common.Clone()
	if err != nil {
		return nil, err
	}
	dirs := []string{"sites/" + a.ID}
	if a.Shared != "" {
		dirs = append(dirs, "sites/"+a.Shared)
	}
	for _, dir := range dirs {
		b, err := siteFS.ReadFile(dir + "/_layout.html")
		if err != nil {
			continue
		}
		if _, err := set.New("_layout.html").Parse(string(b)); err != nil {
			return nil, fmt.Errorf("farm: %s/_layout.html: %w", dir, err)
		}
		break
	}
	ca := &compiledArch{archetype: a}
	for i := range a.Hosts {
		h := &a.Hosts[i]
		label := h.Label
		if label == "" {
			label = "_apex"
		}
		own := map[string]string{}
		for k := len(dirs) - 1; k >= 0; k-- { // own pages override shared ones
			d := dirs[k] + "/" + label
			if _, err := fs.Stat(siteFS, d); err != nil {
				continue
			}
			pages, err := readPages(d)
			if err != nil {
				return nil, err
			}
			for p, src := range pages {
				own[p] = src
			}
		}
		ch, err := compileHost(a, h, set, own, filler, &ca.personal)
		if err != nil {
			return nil, err
		}
		ca.hosts = append(ca.hosts, ch)
	}
	return ca, nil
}

func compileHost(a *archetype, h *hostSpec, set *template.Template, own, filler map[string]string, personal *[]string) (*compiledHost, error) {
	host := hostName(h.Label, domainMark)
	scheme := h.Canonical
	if scheme == "" && h.TLS == tlsValid {
		scheme = "https"
	} else if scheme == "" {
		scheme = "http"
	}
	name := a.Name
	if name == "" {
		name = a.Org
	}
	srcs := map[string]string{}
	if h.Filler {
		for p, s := range filler {
			srcs[p] = s
		}
	}
	for p, s := range own {
		srcs[p] = s
	}
	ch := &compiledHost{spec: h, pages: map[string]*page{}}
	for p, src := range srcs {
		data := pageData{
			D: domainMark, Name: name, Base: strings.ReplaceAll(a.Base, "{D}", domainMark),
			Host: host, Scheme: scheme, Path: p, Charset: h.Charset.meta(), Layout: a.Layout,
		}
		body, err := render(set, a.ID+p, src, data, personal)
		if err != nil {
			return nil, fmt.Errorf("farm: page %s of %s (%s): %w", p, host, a.ID, err)
		}
		ctype := h.Charset.contentType()
		if t, ok := dataTypes[path.Ext(p)]; ok {
			ctype = t
		}
		ch.pages[p] = newPage(h.Charset.encode(body), ctype)
	}
	for _, g := range a.Files {
		if g.Label != h.Label {
			continue
		}
		body, values, err := g.Make()
		if err != nil {
			return nil, fmt.Errorf("farm: file %s of %s (%s): %w", g.Path, host, a.ID, err)
		}
		// Binary: NUL bytes are data, not the domain's mark.
		ch.pages[g.Path] = &page{parts: [][]byte{body}, ctype: []string{g.ContentType}, size: len(body)}
		*personal = append(*personal, values...)
	}
	if h.Sitemap {
		paths := []string{"/"}
		if h.Filler {
			for p := range filler {
				if !unlistedFiller[p] {
					paths = append(paths, p)
				}
			}
		}
		sort.Strings(paths[1:])
		paths = append(paths, h.SitemapExtra...)
		for _, p := range paths {
			if ch.pages[p] == nil {
				return nil, fmt.Errorf("farm: sitemap of %s (%s) lists %s, which is not served", host, a.ID, p)
			}
		}
		if h.SitemapIndex {
			ch.pages["/sitemap.xml"] = newPage(sitemapIndexXML(scheme, host, "/sitemap-pages.xml"), "application/xml")
			ch.pages["/sitemap-pages.xml"] = newPage(sitemapXML(scheme, host, paths), "application/xml")
		} else {
			ch.pages["/sitemap.xml"] = newPage(sitemapXML(scheme, host, paths), "application/xml")
		}
	}
	ch.pages["/robots.txt"] = newPage(robotsTxt(scheme, host, h.Sitemap), "text/plain; charset=utf-8")
	if st := securityTxtOf(h); st != "" && ch.pages[securityTxtPath] == nil {
		ch.pages[securityTxtPath] = newPage([]byte(strings.ReplaceAll(st, "{D}", domainMark)), "text/plain; charset=utf-8")
	}
	return ch, nil
}

// render executes a page template. A page defining "main" is a fragment
// wrapped by the archetype's layout; any other page is a whole document.
// The values a page wraps in {{pd "..."}}, personal data, are appended to
// personal.
func render(set *template.Template, name, src string, data pageData, personal *[]string) ([]byte, error) {
	t, err := set.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{"pd": func(s string) string {
		*personal = append(*personal, s)
		return s
	}})
	if _, err := t.New(name).Parse(src); err != nil {
		return nil, err
	}
	entry := name
	if strings.Contains(src, `{{define "main"}}`) {
		entry = "layout"
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, entry, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sitemapXML writes a urlset of the host's paths.
func sitemapXML(scheme, host string, paths []string) []byte {
	return sitemapDoc("urlset", "url", "<changefreq>weekly</changefreq>", scheme, host, paths)
}

// sitemapIndexXML writes a sitemap index of the host's nested sitemaps.
func sitemapIndexXML(scheme, host string, paths ...string) []byte {
	return sitemapDoc("sitemapindex", "sitemap", "<lastmod>2025-06-24</lastmod>", scheme, host, paths)
}

func sitemapDoc(root, entry, extra, scheme, host string, paths []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n", root)
	for _, p := range paths {
		fmt.Fprintf(&b, "  <%s>\n    <loc>%s://%s%s</loc>\n    %s\n  </%s>\n", entry, scheme, host, p, extra, entry)
	}
	fmt.Fprintf(&b, "</%s>\n", root)
	return b.Bytes()
}

func robotsTxt(scheme, host string, sitemap bool) []byte {
	s := "User-agent: *\nDisallow: /admin/\nDisallow: /recherche\n"
	if sitemap {
		s += "\nSitemap: " + scheme + "://" + host + "/sitemap.xml\n"
	}
	return []byte(s)
}

// dataTypes are the media types of the data files pages may hold.
var dataTypes = map[string]string{
	".csv":  "text/csv; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".json": "application/json",
	".sql":  "application/sql",
	".pdf":  "application/pdf",
	".js":   "application/javascript",
}

// assets are served on every host, so that pages' stylesheets, scripts and
// documents resolve.
var assets = map[string]*page{
	"/css/dsfr.min.css":                  newPage([]byte("body{font-family:Marianne,arial,sans-serif;margin:0}\n"), "text/css"),
	"/styles/site.css":                   newPage([]byte("body{font-family:Verdana,Arial;font-size:11px}\n.menu{color:#036}\n"), "text/css"),
	"/js/menu.js":                        newPage([]byte("function montre(id){document.getElementById(id).style.display='block';}\n"), "application/javascript"),
	"/documents/guide-des-demarches.pdf": newPage([]byte("%PDF-1.4\n% guide des demarches\n%%EOF\n"), "application/pdf"),
}
