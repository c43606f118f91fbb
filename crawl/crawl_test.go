package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/target"
)

func TestScope(t *testing.T) {
	tests := []struct {
		site, host string
		want       bool
	}{
		{"www.example.gouv.fr", "demarches.example.gouv.fr", true},
		{"www.example.gouv.fr", "example.gouv.fr", true},
		{"www.example.gouv.fr", "other.gouv.fr", false},
		{"www.example.gouv.fr", "gouv.fr", false},
		{"gouv.fr", "gouv.fr", true},
		{"gouv.fr", "example.gouv.fr", false},
		{"www.pref-ain.test", "demarches.pref-ain.test", true},
		{"www.pref-ain.test", "pref-aisne.test", false},
		{"www.pref-ain.test", "evil-pref-ain.test", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.1", "127.0.0.2", false},
		{"WWW.Example.FR", "www.example.fr.", true},
	}
	for _, tt := range tests {
		if got := scopeOf(tt.site)(tt.host); got != tt.want {
			t.Errorf("scope(%s)(%s) = %v, want %v", tt.site, tt.host, got, tt.want)
		}
	}
}

func TestScoreRanksFormPagesFirst(t *testing.T) {
	links := []string{
		"https://x.test/actualites/2024/fete",
		"https://x.test/nous-contacter",
		"https://x.test/mentions-legales",
		"https://x.test/compte/connexion",
		"https://x.test/demarches/formulaire-signalement",
	}
	sort.SliceStable(links, func(i, j int) bool { return Score(links[i], "") > Score(links[j], "") })
	if !strings.Contains(links[0], "formulaire-signalement") || strings.Contains(links[3], "contact") || !strings.Contains(links[4], "mentions") && !strings.Contains(links[4], "actualites") {
		t.Errorf("ranking: %v", links)
	}
	if Score("https://x.test/a", "Écrire au préfet") == 0 {
		t.Error("link text is not scored")
	}
}

func TestParseSitemap(t *testing.T) {
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://x.test/contact </loc></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><loc>https://x.test/a</loc><lastmod>2024-01-01</lastmod></url>
</urlset>`)
	pages, nested := ParseSitemap(body)
	if !reflect.DeepEqual(pages, []string{"https://x.test/contact", "https://x.test/a"}) || nested != nil {
		t.Errorf("pages %v nested %v", pages, nested)
	}
	idx := []byte(`<sitemapindex><sitemap><loc>https://x.test/s1.xml</loc></sitemap></sitemapindex>`)
	if _, nested := ParseSitemap(idx); !reflect.DeepEqual(nested, []string{"https://x.test/s1.xml"}) {
		t.Errorf("nested %v", nested)
	}
	if p, n := ParseSitemap([]byte("<urlset><url><loc>https://x.test/ok</loc></url><url><loc>")); len(p) != 1 || n != nil {
		t.Errorf("truncated sitemap: %v %v", p, n)
	}
}

// site serves a small site: a chain of pages /p0 -> /p1 -> ... -> /p9, a
// page only in the sitemap, and a link to another registrable domain.
func site(t *testing.T) (*httptest.Server, *fetch.Client, string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, `<a href="/p1">suite</a> <a href="http://other.test/contact">partenaire</a> <a href="/plan.png">plan</a>`)
		case strings.HasPrefix(r.URL.Path, "/p"):
			var n int
			fmt.Sscanf(r.URL.Path, "/p%d", &n)
			fmt.Fprintf(w, `<a href="/p%d">suite</a>`, n+1)
		case r.URL.Path == "/cache":
			fmt.Fprint(w, `<form><input name="nom"></form>`)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<urlset><url><loc>http://%s/cache</loc></url></urlset>`, r.Host)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := fetch.New(fetch.Options{Timeout: 2 * time.Second, NoDNS: true,
		Resolve: []string{"www.site.test:" + u.Port() + ":127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return srv, c, "http://www.site.test:" + u.Port() + "/"
}

func TestCrawlBounds(t *testing.T) {
	_, client, entry := site(t)
	tg, err := target.Parse(entry)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		o         Options
		wantPaths []string
	}{
		{"defaults: depth 3 plus the sitemap page", Options{}, []string{"/", "/cache", "/p1", "/p2", "/p3"}},
		{"max pages", Options{MaxPages: 2}, []string{"/", "/cache"}},
		{"entry only, sitemap pages are one link deep", Options{MaxDepth: -1}, []string{"/"}},
		{"revisits pages the crawl did not reach, past the depth limit",
			Options{MaxDepth: -1, Revisit: []string{"{E}p7", "{E}cache", "http://other.test/contact", "{E}"}}, []string{"/", "/cache", "/p7"}},
		{"revisits a page linked but not fetched", Options{MaxPages: 1, Revisit: []string{"{E}p1"}}, []string{"/", "/p1"}},
		{"revisits at most max-pages more", Options{MaxPages: 1, Revisit: []string{"{E}p5", "{E}p6", "{E}p7"}}, []string{"/", "/p5"}},
	}
	for _, tt := range tests {
		for i, u := range tt.o.Revisit {
			tt.o.Revisit[i] = strings.ReplaceAll(u, "{E}", entry)
		}
		t.Run(tt.name, func(t *testing.T) {
			s := Site(context.Background(), client, tg, tt.o)
			if s.Error != "" {
				t.Fatal(s.Error)
			}
			var got []string
			for _, p := range s.Pages {
				u, _ := url.Parse(p.URL)
				if u.Hostname() != "www.site.test" {
					t.Errorf("crawled off site: %s", p.URL)
				}
				got = append(got, u.Path)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.wantPaths) {
				t.Errorf("pages %v, want %v", got, tt.wantPaths)
			}
		})
	}
}

func TestCrawlUnreachableSite(t *testing.T) {
	client, err := fetch.New(fetch.Options{Timeout: time.Second, NoDNS: true, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	tg, _ := target.Parse("www.nowhere.test")
	s := Site(context.Background(), client, tg, Options{})
	if s.Error == "" || s.ErrorKind != "dns" {
		t.Errorf("error %q kind %q, want a dns failure", s.Error, s.ErrorKind)
	}
}

// TestCrawlFollowsFormLinksFirst: with room for one page beyond the entry,
// the crawler picks the link whose text announces a form, though its URL
// says nothing.
func TestCrawlFollowsFormLinksFirst(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/" {
			fmt.Fprint(w, `<a href="/page-1">Actualités</a><a href="/page-2">Agenda</a><a href="/page-77">Écrire à la mairie</a><a href="/page-3">Histoire</a>`)
		}
	}))
	defer srv.Close()
	client, err := fetch.New(fetch.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	tg, _ := target.Parse(srv.URL)
	s := Site(context.Background(), client, tg, Options{MaxPages: 2})
	if len(s.Pages) != 2 || !strings.HasSuffix(s.Pages[1].URL, "/page-77") {
		var got []string
		for _, p := range s.Pages {
			got = append(got, p.URL)
		}
		t.Errorf("pages %v, want the entry then /page-77", got)
	}
}

// TestNoticeFirstKeepsDepth: a legal notice listed in the sitemap is
// fetched right after the entry page (which always comes first: site-level
// verdicts read it) and before anything else, as it ranks high; the pages
// both link to keep the depth of the shortest path: a form three links from the
// entry is still reached with --max-depth 3. The notice is read.
func TestNoticeFirstKeepsDepth(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		nav := `<a href="/services/">Services</a> <a href="/mentions-legales">Mentions légales</a>`
		switch r.URL.Path {
		case "/", "/mentions-legales":
			fmt.Fprint(w, nav+`<p>Les données sont traitées par la mairie pour répondre à vos demandes.</p>`)
		case "/services/":
			fmt.Fprint(w, nav+`<a href="/services/etat-civil/">État civil</a>`)
		case "/services/etat-civil/":
			fmt.Fprint(w, nav+`<a href="/services/etat-civil/demande">Demander un acte</a>`)
		case "/services/etat-civil/demande":
			fmt.Fprint(w, nav+`<form method="post"><label for="n">Nom</label><input id="n" name="nom"></form>`)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<urlset><url><loc>http://%s/mentions-legales</loc></url></urlset>`, r.Host)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c, err := fetch.New(fetch.Options{Timeout: 2 * time.Second, NoDNS: true, Retries: -1,
		Resolve: []string{"www.site.test:" + u.Port() + ":127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tg, err := target.Parse("http://www.site.test:" + u.Port() + "/")
	if err != nil {
		t.Fatal(err)
	}
	site := Site(context.Background(), c, tg, Options{MaxDepth: 3})
	var got []string
	for _, p := range site.Pages {
		got = append(got, fmt.Sprintf("%s@%d", strings.TrimPrefix(p.URL, "http://www.site.test:"+u.Port()), p.Depth))
		if strings.HasSuffix(p.URL, "/mentions-legales") && (p.Notice == nil || len(p.Notice.Links) == 0) {
			t.Errorf("legal notice read as %+v", p.Notice)
		}
	}
	if len(got) < 2 || got[0] != "/@0" || got[1] != "/mentions-legales@1" || !strings.Contains(strings.Join(got, " "), "/services/etat-civil/demande@3") {
		t.Errorf("pages %v, want the entry page, then the legal notice, and the form at depth 3", got)
	}
}

// TestDPOSecurityTxt: a public body whose pages give no DPO contact is
// looked up in /.well-known/security.txt, which every audit fetches once
// (the wellknown checks read it too); other sites' DPO is not looked for
// there.
func TestDPOSecurityTxt(t *testing.T) {
	var asked int
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<p>Mairie. <a href="mailto:contact@site.test">contact@site.test</a></p>`)
	})
	mux.HandleFunc("/.well-known/security.txt", func(w http.ResponseWriter, r *http.Request) {
		asked++
		fmt.Fprint(w, "Contact: mailto:securite@site.test\n# Délégué à la protection des données\nContact: mailto:protection@site.test\n")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c, err := fetch.New(fetch.Options{Timeout: 2 * time.Second, NoDNS: true, Retries: -1,
		Resolve: []string{"www.site.test:" + u.Port() + ":127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, public := range []bool{false, true} {
		asked = 0
		tg, err := target.Parse("http://www.site.test:" + u.Port() + "/")
		if err != nil {
			t.Fatal(err)
		}
		tg.Public = public
		site := Site(context.Background(), c, tg, Options{})
		want := ""
		if public {
			want = "http://www.site.test:" + u.Port() + "/.well-known/security.txt"
		}
		if site.DPOContact != want || asked != 1 {
			t.Errorf("public %v: DPO contact %q after %d requests of security.txt, want %q", public, site.DPOContact, asked, want)
		}
	}
}
