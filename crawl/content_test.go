package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/observation"
	"vigie/target"
)

// TestCrawlContent crawls a site with an open export folder: the crawl
// fetches the data files the index links to, reads them for personal data,
// records the index's entries and keeps every page's links.
func TestCrawlContent(t *testing.T) {
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		html(w, `<p>Contact : accueil@site.test</p><a href="/exports/">Téléchargements</a> <a href="/logo.png">logo</a>`)
	})
	mux.HandleFunc("/exports/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/exports/":
			html(w, `<html><head><title>Index of /exports</title></head><body><h1>Index of /exports</h1><pre><a href="../">../</a>
<a href="membres.csv">membres.csv</a> <a href="dump.sql">dump.sql</a> <a href="carte.json">carte.json</a> <a href="photo.jpg">photo.jpg</a></pre></body></html>`)
		case "/exports/membres.csv":
			w.Header().Set("Content-Type", "application/octet-stream")
			fmt.Fprint(w, "nom;email;telephone;date_naissance\nA;a.a@gmail.com;0612345678;01/02/1980\nB;b.b@free.fr;0698765432;03/04/1990\nC;c.c@orange.fr;0711223344;05/06/1970\n")
		case "/exports/dump.sql":
			w.Header().Set("Content-Type", "application/sql")
			fmt.Fprint(w, "INSERT INTO membres VALUES ('d.d@sfr.fr', 'FR76 1773 4397 5399 2273 4253 568');\n")
		case "/exports/carte.json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"communes":[{"nom":"Cluny","cp":"71250"}]}`)
		default:
			t.Errorf("fetched %s", r.URL.Path)
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	client, err := fetch.New(fetch.Options{Timeout: 2 * time.Second, NoDNS: true,
		Resolve: []string{"www.site.test:" + u.Port() + ":127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	tg, err := target.Parse("http://www.site.test:" + u.Port() + "/")
	if err != nil {
		t.Fatal(err)
	}
	s := Site(context.Background(), client, tg, Options{Salt: []byte("salt")})
	pages := map[string]*observation.Page{}
	for i := range s.Pages {
		p, _ := url.Parse(s.Pages[i].URL)
		pages[p.Path] = &s.Pages[i]
	}
	for _, p := range []string{"/", "/exports/", "/exports/membres.csv", "/exports/dump.sql", "/exports/carte.json"} {
		if pages[p] == nil {
			t.Fatalf("%s not fetched (pages %v)", p, pages)
		}
	}
	if pages["/exports/photo.jpg"] != nil || pages["/logo.png"] != nil {
		t.Errorf("images fetched")
	}
	if got := pages["/exports/"].Listing; !reflect.DeepEqual(got, []string{"membres.csv", "dump.sql", "carte.json", "photo.jpg"}) {
		t.Errorf("listing %q", got)
	}
	if len(pages["/"].Links) != 2 || pages["/"].Listing != nil {
		t.Errorf("home: links %q, listing %q", pages["/"].Links, pages["/"].Listing)
	}
	csv := pages["/exports/membres.csv"].Personal
	if csv == nil || csv.People != 3 || csv.Distinct["birth"] != 3 || csv.Samples[0].Hash == "" {
		t.Errorf("CSV sent as octet-stream: personal %+v", csv)
	}
	if sql := pages["/exports/dump.sql"].Personal; sql == nil || sql.Distinct["iban"] != 1 {
		t.Errorf("SQL dump: personal %+v", sql)
	}
	if home := pages["/"].Personal; home.Has() || home == nil || home.Organisation["email"] != 1 {
		t.Errorf("home: personal %+v, want the organisation's address only", home)
	}
	if j := pages["/exports/carte.json"].Personal; j.Has() {
		t.Errorf("JSON of towns: personal %+v", j)
	}
}
