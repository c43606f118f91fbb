package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/target"
)

// TestWellKnown checks the few requests sent after the crawl: the
// security.txt file, where RFC 9116 puts it then at the legacy location,
// and GET requests with a foreign Origin to the entry page and at most
// maxOriginProbes API-looking URLs of the site, never another method.
func TestWellKnown(t *testing.T) {
	for _, tc := range []struct {
		name       string
		wellKnown  bool // serves /.well-known/security.txt
		legacy     bool // serves /security.txt
		wantURL    string
		wantBody   bool
		wantWellKn bool
	}{
		{"well-known", true, false, "/.well-known/security.txt", true, true},
		{"legacy only", false, true, "/security.txt", true, false},
		{"none", false, false, "/.well-known/security.txt", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			origins := map[string]string{} // path -> Origin header
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodGet {
					t.Errorf("%s %s: only GET is passive", r.Method, r.URL)
				}
				if o := r.Header.Get("Origin"); o != "" {
					mu.Lock()
					origins[r.URL.Path] = o
					mu.Unlock()
					w.Header().Set("Access-Control-Allow-Origin", o)
					w.Header().Set("Access-Control-Allow-Credentials", "true")
				}
				switch {
				case r.URL.Path == "/":
					w.Header().Set("Content-Type", "text/html")
					for i := range 8 {
						fmt.Fprintf(w, `<a href="/api/v1/dossier/%d">dossier</a> `, i)
					}
					fmt.Fprint(w, `<a href="/donnees/communes.json">communes</a> <a href="/apiculture">ruches</a> <a href="http://autre.test/api/x">autre</a>`)
				case r.URL.Path == "/.well-known/security.txt" && tc.wellKnown, r.URL.Path == "/security.txt" && tc.legacy:
					w.Header().Set("Content-Type", "text/plain")
					fmt.Fprint(w, "Contact: mailto:s@site.test\n")
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			client, err := fetch.New(fetch.Options{Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			tg, _ := target.Parse(srv.URL)
			s := Site(context.Background(), client, tg, Options{MaxPages: 1})
			if s.SecurityTxt == nil || s.SecurityTxt.URL != srv.URL+tc.wantURL || (s.SecurityTxt.Body != nil) != tc.wantBody || s.SecurityTxt.WellKnown != tc.wantWellKn {
				t.Errorf("security.txt %+v, want %s body %v well-known %v", s.SecurityTxt, tc.wantURL, tc.wantBody, tc.wantWellKn)
			}
			var probed []string
			for _, op := range s.OriginProbes {
				if op.Origin != ForeignOrigin || op.AllowOrigin != ForeignOrigin || op.AllowCredentials != "true" {
					t.Errorf("probe %+v", op)
				}
				probed = append(probed, op.URL[len(srv.URL):])
			}
			want := []string{"/", "/api/v1/dossier/0", "/api/v1/dossier/1", "/api/v1/dossier/2", "/api/v1/dossier/3", "/api/v1/dossier/4"}
			if !slices.Equal(probed, want) {
				t.Errorf("origin probes %q, want %q", probed, want)
			}
			if len(origins) != len(want) {
				t.Errorf("server saw an Origin on %v", origins)
			}
		})
	}
}

func TestLooksLikeAPI(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://x.test/api/users":        true,
		"https://x.test/v2/API/users":     true,
		"https://x.test/data/list.json":   true,
		"https://x.test/data/list.JSON":   true,
		"https://x.test/apiculture":       false,
		"https://x.test/list.json.html":   false,
		"mailto:api@x.test":               false,
		"https://x.test/?format=api":      false,
		"https://x.test/api":              true,
		"https://x.test/rapport-api.html": false,
	} {
		if got := LooksLikeAPI(raw); got != want {
			t.Errorf("LooksLikeAPI(%q) = %v, want %v", raw, got, want)
		}
	}
}
