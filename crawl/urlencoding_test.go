package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/target"
)

// strictHandler answers 400, as strict servers do, to a request line
// holding a raw byte beyond ASCII, a control or a space; otherwise h.
func strictHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(r.RequestURI); i++ {
			if c := r.RequestURI[i]; c <= ' ' || c >= 0x7f {
				http.Error(w, "raw byte in the request line", http.StatusBadRequest)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// TestCrawlEncodesURLs crawls a wiki-like site whose links and redirects
// hold non-ASCII characters, behind a server that refuses raw bytes: every
// page must be requested percent-encoded as a browser would (WHATWG URL
// rules) and answer 200; sequences already encoded are kept.
func TestCrawlEncodesURLs(t *testing.T) {
	var (
		mu        sync.Mutex
		requested []string
	)
	srv := httptest.NewServer(strictHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested = append(requested, r.RequestURI)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.RequestURI {
		case "/":
			fmt.Fprint(w, `<a href="/index.php/Spécial:Connexion">Connexion</a>
<a href="/index.php?title=Spécial:Créer_un_compte&returnto=Accueil">Créer un compte</a>
<a href="/wiki/Caf%C3%A9">Café</a>
<a href="recherche?q=café crème">Recherche</a>
<a href="/ancien-formulaire">Ancien formulaire</a>`)
		case "/ancien-formulaire":
			// A Location with raw UTF-8, as some servers send.
			w.Header()["Location"] = []string{"/index.php/Spécial:Contact"}
			w.WriteHeader(http.StatusMovedPermanently)
		default:
			fmt.Fprint(w, `<form method="post" action="/login"><input type="password" name="mdp"></form>`)
		}
	})))
	defer srv.Close()
	client, err := fetch.New(fetch.Options{Timeout: 2 * time.Second, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	tg, _ := target.Parse(srv.URL + "/")
	s := Site(context.Background(), client, tg, Options{MaxPages: 10})
	if s.Error != "" {
		t.Fatal(s.Error)
	}
	for _, p := range s.Pages {
		if p.Status != http.StatusOK {
			t.Errorf("%s: status %d", p.URL, p.Status)
		}
	}
	for _, want := range []string{
		"/index.php/Sp%C3%A9cial:Connexion",
		"/index.php?title=Sp%C3%A9cial:Cr%C3%A9er_un_compte&returnto=Accueil",
		"/wiki/Caf%C3%A9",
		"/recherche?q=caf%C3%A9%20cr%C3%A8me",
		"/index.php/Sp%C3%A9cial:Contact",
	} {
		if !slices.Contains(requested, want) {
			t.Errorf("%s not requested; requests: %s", want, strings.Join(requested, " "))
		}
	}
}
