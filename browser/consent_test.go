package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/observation"
)

// consentSite serves testdata/consent/NAME.html at www.site.test/NAME and
// a tracker script that calls home.
func consentSite(e **testEnv) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := strings.Cut(r.Host, ":")
		(*e).hit(host+r.URL.Path, "")
		switch {
		case host == "tracker.test" && r.URL.Path == "/t.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `new Image().src = "https://tracker.test/hit?id=42";`)
		case host == "tracker.test":
			w.Header().Set("Content-Type", "image/gif")
		case host == "www.site.test" && r.URL.Path == "/hang":
			<-r.Context().Done() // never answers
		case host == "www.site.test":
			b, err := os.ReadFile(filepath.Join("testdata", "consent", strings.TrimPrefix(r.URL.Path, "/")+".html"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(b)
		default:
			http.NotFound(w, r)
		}
	})
}

func roles(cs []observation.Control) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Role+":"+c.Text)
	}
	return strings.Join(out, ",")
}

func contacted(v *observation.ConsentVisit, host string) bool {
	for _, q := range v.Requests {
		if strings.Contains(q.URL, "://"+host+"/") {
			return true
		}
	}
	return false
}

// TestConsent runs the consent pass on hand-made banners and on a
// newsletter dialog that is no consent banner.
func TestConsent(t *testing.T) {
	var e *testEnv
	e = newTestEnv(t, consentSite(&e), true)
	p := startPool(t, e, Options{Settle: 200 * time.Millisecond, Tabs: 1, UserAgentToken: "Vigie-test/1 (audit)"})
	tests := []struct {
		page                 string
		banners              int
		first                string // first layer's controls
		accept, refuse       int    // clicks
		second               string // second layer's controls, when explored
		trackAccept, trackNo bool   // tracker contacted after accepting, after refusing
	}{
		{page: "equal", banners: 1, first: "accept:Tout accepter,refuse:Tout refuser", accept: 1, refuse: 1, trackAccept: true},
		{page: "second", banners: 1, first: "accept:Accepter,settings:Personnaliser", accept: 1, refuse: 2,
			second: "accept:Tout accepter,refuse:Tout refuser", trackAccept: true},
		{page: "greylink", banners: 1, first: "accept:J'accepte,refuse:refuser", accept: 1, refuse: 1},
		{page: "newsletter"},
		// Shown only to a browser that neither says it is automated nor
		// looks like a robot (HeadlessChrome is written Chrome).
		{page: "botcheck", banners: 1, first: "accept:Tout accepter,refuse:Tout refuser", accept: 1, refuse: 1},
	}
	for _, tc := range tests {
		t.Run(tc.page, func(t *testing.T) {
			c, err := p.Consent(context.Background(), "https://www.site.test/"+tc.page)
			if err != nil {
				t.Fatal(err)
			}
			if c.Error != "" {
				t.Fatalf("consent pass failed: %s", c.Error)
			}
			if len(c.Banners) != tc.banners {
				t.Fatalf("%d banners, want %d: %+v", len(c.Banners), tc.banners, c.Banners)
			}
			if tc.banners == 0 {
				if c.Refusal != nil || c.Acceptance != nil {
					t.Errorf("visits without a banner: %+v %+v", c.Refusal, c.Acceptance)
				}
				return
			}
			b := c.Banners[0]
			if got := roles(b.Controls); got != tc.first {
				t.Errorf("first layer %s, want %s", got, tc.first)
			}
			if got := roles(b.SecondLayer); got != tc.second {
				t.Errorf("second layer %s, want %s", got, tc.second)
			}
			if b.AcceptClicks != tc.accept || b.RefuseClicks != tc.refuse {
				t.Errorf("clicks to accept %d, to refuse %d; want %d, %d", b.AcceptClicks, b.RefuseClicks, tc.accept, tc.refuse)
			}
			if c.Refusal == nil || c.Acceptance == nil {
				t.Fatalf("visits missing: %+v %+v", c.Refusal, c.Acceptance)
			}
			if c.Refusal.Error != "" || c.Acceptance.Error != "" {
				t.Errorf("visit errors: %q %q", c.Refusal.Error, c.Acceptance.Error)
			}
			if got := contacted(c.Acceptance, "tracker.test"); got != tc.trackAccept {
				t.Errorf("tracker contacted after accepting: %v, want %v", got, tc.trackAccept)
			}
			if got := contacted(c.Refusal, "tracker.test"); got != tc.trackNo {
				t.Errorf("tracker contacted after refusing: %v, want %v", got, tc.trackNo)
			}
		})
	}
}

// TestConsentBrowserGone checks that a browser killed during the consent
// pass gives ErrBrowserGone (the scan then audits the site again), and
// that a page that never loads gives a Consent with Error set.
func TestConsentBrowserGone(t *testing.T) {
	var e *testEnv
	e = newTestEnv(t, consentSite(&e), true)
	p := startPool(t, e, Options{Settle: 200 * time.Millisecond, Tabs: 1, PageTimeout: 8 * time.Second})
	c, err := p.Consent(context.Background(), "https://www.site.test/hang")
	if err != nil || c.Error == "" || len(c.Banners) != 0 || c.Refusal != nil {
		t.Fatalf("page that never loads: err %v, consent %+v", err, c)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := p.Consent(context.Background(), "https://www.site.test/hang")
		errc <- err
	}()
	time.Sleep(500 * time.Millisecond)
	killBrowser(t, p)
	if err := <-errc; !errors.Is(err, ErrBrowserGone) {
		t.Fatalf("err = %v, want ErrBrowserGone", err)
	}
}

// BenchmarkConsent compares, on one page with a consent banner and on one
// without, a render (what every page costs in browser mode) with the
// consent pass (what each site's entry page costs on top), in seconds.
//
//	go test ./browser/ -run '^$' -bench Consent -benchtime 5x
func BenchmarkConsent(b *testing.B) {
	var e *testEnv
	e = newTestEnv(b, consentSite(&e), true)
	p := startPool(b, e, Options{Tabs: 1, Log: nopWriter{}})
	ctx := context.Background()
	for _, page := range []string{"equal", "newsletter"} {
		u := "https://www.site.test/" + page
		b.Run(page+"/render", func(b *testing.B) {
			for b.Loop() {
				s, err := p.Open(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if r, err := s.Render(ctx, u, nil); err != nil || r.Error != "" {
					b.Fatalf("render: %v %v", err, r)
				}
				s.Close()
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/page")
		})
		b.Run(page+"/consent", func(b *testing.B) {
			for b.Loop() {
				if c, err := p.Consent(ctx, u); err != nil || c.Error != "" {
					b.Fatalf("consent: %v %v", err, c)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/page")
		})
	}
}
