package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/finding"
	"vigie/observation"
	"vigie/target"
)

// hashApp renders like a browser running a single-page application that
// routes with the fragment: "/" goes to "#/", whose menu links to the
// routes and to an anchor; each route draws its own form.
type hashApp struct{ rendered []string }

func (a *hashApp) Render(ctx context.Context, pageURL string, _ Canaries) (*observation.Rendering, error) {
	a.rendered = append(a.rendered, pageURL)
	base, route, _ := strings.Cut(pageURL, "#")
	if !strings.HasSuffix(base, "/") {
		// A page of the server's own, outside the application.
		return &observation.Rendering{URL: pageURL, Frames: []observation.Frame{{URL: pageURL, Top: true,
			HTML: `<html><body><h1>Mentions légales</h1><a href="#haut">Haut</a></body></html>`}}}, nil
	}
	if route == "" {
		route = "/" // the application's default route
	}
	menu := `<nav><a href="#/">Accueil</a> <a href="#/contact">Contact</a> <a href="#!/inscription">Inscription</a> <a href="#contenu">Aller au contenu</a> <a href="/mentions.html">Mentions</a></nav>`
	view := map[string]string{
		"/":             `<h1>Accueil</h1>`,
		"/contact":      `<form method="post" action="/api/contact"><label for=n>Nom</label><input id=n name=nom><textarea name=message></textarea></form>`,
		"!/inscription": `<form method="post" action="/api/inscription"><input type=email name=courriel></form>`,
	}[route]
	u := base + "#" + route
	return &observation.Rendering{URL: u, Frames: []observation.Frame{{URL: u, Top: true,
		HTML: `<html><body>` + menu + `<main id="contenu">` + view + `</main></body></html>`}}}, nil
}

func TestCrawlHashRoutes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><div id="app"></div><script src="/app.js"></script></body></html>`)
	}))
	defer srv.Close()
	client, err := fetch.New(fetch.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	tg, _ := target.Parse(srv.URL + "/")
	paths := func(s *observation.Site) []string {
		var out []string
		for _, p := range s.Pages {
			u := p.FinalURL
			if u == "" {
				u = p.URL
			}
			out = append(out, strings.TrimPrefix(finding.NormaliseURL(u), srv.URL))
		}
		return out
	}

	app := &hashApp{}
	s := Site(context.Background(), client, tg, Options{Renderer: app, NoTyping: true})
	want := []string{"/#/", "/#/contact", "/#!/inscription", "/mentions.html"}
	if got := paths(s); !reflect.DeepEqual(got, want) {
		t.Errorf("browser mode pages %v, want %v (rendered %v)", got, want, app.rendered)
	}
	forms := map[string]int{}
	for _, p := range s.Pages {
		forms[strings.TrimPrefix(p.FinalURL, srv.URL)] = len(p.Forms)
		if p.FinalURL != p.URL && p.FinalURL != srv.URL+"/#/" {
			t.Errorf("page requested as %s ended at %s", p.URL, p.FinalURL)
		}
	}
	if want := map[string]int{"/#/": 0, "/#/contact": 1, "/#!/inscription": 1, "/mentions.html": 0}; !reflect.DeepEqual(forms, want) {
		t.Errorf("forms by page %v, want %v", forms, want)
	}
	for _, r := range app.rendered {
		if strings.HasSuffix(r, "#contenu") {
			t.Errorf("an anchor was rendered as a page: %s", r)
		}
	}

	// Routes count against the page limit like any link.
	s = Site(context.Background(), client, tg, Options{Renderer: &hashApp{}, NoTyping: true, MaxPages: 2})
	if got := paths(s); !reflect.DeepEqual(got, []string{"/#/", "/#/contact"}) {
		t.Errorf("max 2 pages: %v", got)
	}

	// A static crawl sees one document.
	s = Site(context.Background(), client, tg, Options{})
	if got := paths(s); !reflect.DeepEqual(got, []string{"/"}) {
		t.Errorf("static pages %v, want the document once", got)
	}
}

func TestScoreReadsHashRoutes(t *testing.T) {
	if Score("https://x.test/#!/contact", "") <= Score("https://x.test/#!/actualites", "") {
		t.Error("a route to a contact form is not ranked first")
	}
	if Score("https://x.test/#contact", "") != Score("https://x.test/", "") {
		t.Error("a plain anchor is scored")
	}
}
