package farm

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"vigie/internal/chromiumtest"
)

// These tests load the browser-mode sites in headless Chromium, type into
// their forms as an audit would, and check what the farm's trackers
// received against ExpectedLeaks and the cookies against the ground truth:
// the scripts behind the browser-mode expectations do what the catalogue
// says, independently of Vigie's own browser driver.

// chromium starts a headless Chromium reaching every .test host at the
// farm's address addr and trusting the farm's CA; it returns a browser
// context for one tab.
func chromium(t *testing.T, f *Farm, addr string) context.Context {
	t.Helper()
	block, _ := pem.Decode(f.CACertPEM())
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	spki := sha256.Sum256(ca.RawSubjectPublicKeyInfo)
	return chromiumtest.Tab(t,
		chromedp.Flag("host-resolver-rules", "MAP *.test "+addr),
		chromedp.Flag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spki[:])))
}

// within runs steps with a deadline.
func within(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// collectors lists the trackers' collector endpoints by party.
var collectors = map[string][][2]string{
	trackerStats:  {{"collecte.stats-mesure.test", "/c"}},
	trackerPub:    {{"ad.pub-regie.test", "/conv.gif"}, {"ad.pub-regie.test", "/px.gif"}},
	trackerReplay: {{"ingest.replay-session.test", "/v1/rec"}},
}

// encodings returns the forms of a typed value a tracker may send.
func encodings(v string) map[string]string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(v))))
	return map[string]string{
		"plain":       v,
		"url-encoded": url.QueryEscape(v),
		"base64":      base64.StdEncoding.EncodeToString([]byte(v)),
		"sha256":      hex.EncodeToString(h[:]),
	}
}

// received reports which encodings of v reached party.
func received(f *Farm, party, v string) map[string]bool {
	got := map[string]bool{}
	for _, c := range collectors[party] {
		for _, b := range f.Beacons(c[0], c[1]) {
			for enc, s := range encodings(v) {
				if strings.Contains(b.URL, s) || strings.Contains(b.Body, s) {
					got[enc] = true
				}
			}
		}
	}
	return got
}

// TestChromiumLeaks types canary values into the contact forms of the
// leaking and non-leaking sites and checks that exactly the leaks of
// ExpectedLeaks reach the trackers.
func TestChromiumLeaks(t *testing.T) {
	values := map[string]string{
		"nom": "Canarinom", "prenom": "Canariprenom",
		"email": "canari.x7k2@exemple-vigie.test", "telephone": "0611223344",
	}
	for _, page := range []string{
		"https://www.mairie-montlucon.test/contact.html",
		"https://www.oph-allier.test/contact.html",
		"https://www.mairie-yzeure.test/contact.html",
		"https://www.mairie-gannat.test/contact.html",
	} {
		t.Run(strings.Split(page, "/")[2], func(t *testing.T) {
			f := startFarm(t, Options{}) // beacons of this page only
			var leaks []Leak
			for _, l := range f.ExpectedLeaks() {
				if l.URL == page {
					leaks = append(leaks, l)
				}
			}
			ctx := chromium(t, f, f.HTTPSAddr())
			steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#telephone"))}
			for _, field := range []string{"nom", "prenom", "email", "telephone"} {
				steps = append(steps, chromedp.SendKeys(chromedp.CSS("#"+field), values[field]))
			}
			// Leave the last field, and give the trackers' one-second
			// sweeps time to send.
			steps = append(steps, chromedp.Click(chromedp.CSS("h1")), chromedp.Sleep(2500*time.Millisecond))
			within(t, ctx, steps...)

			want := map[[3]string]bool{} // party, field, encoding
			for _, l := range leaks {
				if l.Form != 1 {
					t.Errorf("leak %+v: form index, want 1 (after the search form)", l)
				}
				want[[3]string{l.Party, l.Field, l.Encoding}] = true
			}
			for party := range collectors {
				for field, v := range values {
					got := received(f, party, v)
					for _, enc := range []string{"url-encoded", "base64", "sha256"} {
						if want[[3]string{party, field, enc}] != got[enc] {
							t.Errorf("%s: %s of %s received by %s: %v, want %v", page, enc, field, party, got[enc], !got[enc])
						}
					}
				}
			}
		})
	}
}

// TestChromiumCookies loads the home pages of the consent sites and checks
// the cookies present with no interaction, and whether the audience
// script measured the visit.
func TestChromiumCookies(t *testing.T) {
	for _, tc := range []struct {
		home, party string
		want        []string
		wantHits    bool
	}{
		{"https://www.ville-vichy.test/", "https://ad.pub-regie.test/", []string{"_ga", "_gid"}, true},
		{"https://www.ville-cusset.test/", "https://ad.pub-regie.test/", []string{"PHPSESSID", "tarteaucitron"}, false},
		{"https://www.mairie-gannat.test/", "https://ad.pub-regie.test/", nil, false},
	} {
		t.Run(strings.Split(tc.home, "/")[2], func(t *testing.T) {
			f := startFarm(t, Options{})
			ctx := chromium(t, f, f.HTTPSAddr())
			within(t, ctx, chromedp.Navigate(tc.home), chromedp.WaitVisible(chromedp.CSS("h1")), chromedp.Sleep(1500*time.Millisecond))
			res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tc.home, tc.party}})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range res.Cookies {
				// Chromium may block third-party cookies: the pixel's IDE
				// is not required (the page's own _ga and _gid are).
				if c.Name != "IDE" {
					names = append(names, c.Name)
				}
			}
			slices.Sort(names)
			if !slices.Equal(names, tc.want) {
				t.Errorf("cookies %v, want %v", names, tc.want)
			}
			if hits := f.Hits("collecte.stats-mesure.test", "/c") > 0; hits != tc.wantHits {
				t.Errorf("page view measured: %v, want %v", hits, tc.wantHits)
			}
		})
	}
}

// TestChromiumForms checks the forms only a browser sees: the one a script
// builds on an HTTP page, the one a single-page application's router
// draws, and the one in a provider's frame.
func TestChromiumForms(t *testing.T) {
	var mu sync.Mutex
	frames := map[string]string{}
	f := startFarm(t, Options{OnRequest: func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		frames[r.Host+r.URL.Path] = r.Header.Get("Sec-Fetch-Dest")
	}})

	ctx := chromium(t, f, f.HTTPAddr())
	var n int
	within(t, ctx, chromedp.Navigate("http://www.mairie-arles.test/contact.html"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			n, err = chromedp.Evaluate[int](`document.forms.length * 10 + Array.from(document.forms).indexOf(document.getElementById('email').form)`)(ctx, tg)
			return err
		}))
	if n != 21 {
		t.Errorf("js-form: %d forms, the contact form at index %d; want 2 and 1", n/10, n%10)
	}

	var path string
	within(t, ctx, chromedp.Navigate("http://www.agglo-moulins.test/"), chromedp.WaitVisible(chromedp.CSS(`a[href="/contact"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/contact"]`)), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			path, err = chromedp.Evaluate[string](`location.pathname + ' ' + document.forms.length`)(ctx, tg)
			return err
		}))
	if path != "/contact 1" {
		t.Errorf("spa-route: after the menu's link, %q, want /contact and one form", path)
	}

	ctx = chromium(t, f, f.HTTPSAddr())
	within(t, ctx, chromedp.Navigate("https://www.ccas-commentry.test/rendez-vous.html"), chromedp.WaitVisible(chromedp.CSS("iframe")), chromedp.Sleep(time.Second))
	mu.Lock()
	defer mu.Unlock()
	if d := frames["www.formulaires-prestataire.test/ccas-commentry/rendez-vous.html"]; d != "iframe" {
		t.Errorf("frame-form: provider's form requested as %q, want iframe (requests: %v)", d, slices.Sorted(maps.Keys(frames)))
	}
}
