package scan

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/finding"
	"vigie/internal/peers"
	"vigie/target"
)

// peerExpect is one finding a real application must produce. A form
// finding names its form by the name of one of its fields; minPages is
// the fewest pages a grouped finding must list.
type peerExpect struct {
	check, field string
	minPages     int
}

// peerCase is what a scan of one application over one scheme must report:
// exactly the findings listed, one per defect, none else (precision and
// recall 1).
type peerCase struct {
	app  string
	tls  bool
	want []peerExpect
}

// peerCases were written from what each application serves to a visitor
// who is not logged in, and from Vigie's rules, before Vigie was run on
// them:
//
//   - Over HTTP only (its HTTPS port closed), each application's log-in
//     form is one form.http-page and one form.password-http finding, however
//     many pages show it (MediaWiki's log-in page comes with a different
//     "returnto" on every page that links to it); MediaWiki's account
//     creation form is another pair; its password reset form asks a user
//     name and an email address, personal but no password: form.http-page
//     only. No form.http-action beside form.http-page: posting an HTTP
//     page's form over HTTP is the page's defect. The site has no HTTPS:
//     transport.no-https.
//   - Over HTTPS, with HTTP redirected (301) and no Strict-Transport-Security
//     header: transport.hsts, nothing else of transport, no form finding (the
//     forms post to HTTPS), no TLS finding (TLS 1.2 and 1.3, ECDHE with AEAD
//     suites, an ECDSA P-256 certificate valid a year with a CRL).
//   - MediaWiki's session cookie (peerwiki_session) is HttpOnly, Secure over
//     HTTPS, without SameSite: one auth.cookie-flags finding, whichever pages
//     set it. phpMyAdmin's session cookie is named "phpMyAdmin", not a name
//     Vigie knows as a session's, and is set HttpOnly, SameSite=Strict: no
//     finding. Roundcube's roundcube_sessid is HttpOnly, and Secure over
//     HTTPS, but Roundcube 1.6 leaves SameSite to PHP's
//     session.cookie_samesite, empty by default (the first version of these
//     expectations said SameSite=Lax; Roundcube's defaults.inc.php says
//     otherwise): one auth.cookie-flags finding.
//   - Search boxes (MediaWiki's on every page, its search page), MediaWiki's
//     recent-changes filters and phpMyAdmin's language menu are navigation,
//     not personal data: no finding. MediaWiki's Special:Contributions and
//     Special:Log forms look up other people's public edits by a user name
//     or IP address ("IP address or username", "Performer", "Target (title
//     or User:username for user)") beside namespace, type, date and "Only
//     show…" filters, sent with GET: look-ups, not collection of the
//     visitor's data, no finding. No page shows
//     anyone's personal data to an anonymous visitor: no exposure finding.
//   - Information notices (written before the transparency checks were
//     run on them): the log-in forms of the three applications ask for
//     credentials only, and MediaWiki's password reset form for a user
//     name and an e-mail address to recover an account ("Reset
//     password"): no notice is due there, no transparency finding.
//     MediaWiki's account creation form collects a user name, a password
//     and an e-mail address: its notice is due. Every MediaWiki page links
//     to "Privacy policy" (the page PeerWiki:Privacy_policy), which a fresh
//     wiki does not have (MediaWiki answers 404 for a missing page); the
//     other footer links ("About", "Disclaimers") name no notice, and no
//     text next to the form speaks of personal data: one
//     transparency.no-notice for the account creation form, over each
//     scheme. No site is a public body (no tags): no
//     transparency.no-dpo-contact.
//   - Security headers (added when the header checks came, after the
//     first runs, and checked against what each application sends): no
//     application publishes a security.txt (a note each). MediaWiki sends
//     X-Frame-Options and nosniff but no Content-Security-Policy: one
//     headers.csp-missing for its pages with forms collecting personal
//     data. phpMyAdmin sends its own CSP, X-Frame-Options and nosniff:
//     nothing more. Roundcube sends X-Frame-Options but neither a CSP nor
//     nosniff: headers.csp-missing on its log-in page and the
//     headers.nosniff-missing note.
//
// Forms are named by a field only they have: MediaWiki's log-in form by
// wpRemember, its account creation form by retype (both have wpName and
// wpPassword), its password reset form by wpUsername.
var peerCases = []peerCase{
	{app: peers.MediaWiki, want: []peerExpect{
		{"transport.no-https", "", 0},
		{"form.http-page", "wpRemember", 2},
		{"form.password-http", "wpRemember", 2},
		{"form.http-page", "retype", 2},
		{"form.password-http", "retype", 2},
		{"form.http-page", "wpUsername", 1},
		{"auth.cookie-flags", "", 2},
		{"transparency.no-notice", "retype", 1},
		{"headers.csp-missing", "", 0},
		{"wellknown.security-txt-missing", "", 0},
	}},
	{app: peers.MediaWiki, tls: true, want: []peerExpect{
		{"transport.hsts", "", 0},
		{"auth.cookie-flags", "", 2},
		{"transparency.no-notice", "retype", 1},
		{"headers.csp-missing", "", 0},
		{"wellknown.security-txt-missing", "", 0},
	}},
	{app: peers.PhpMyAdmin, want: []peerExpect{
		{"transport.no-https", "", 0},
		{"form.http-page", "pma_username", 1},
		{"form.password-http", "pma_password", 1},
		{"wellknown.security-txt-missing", "", 0},
	}},
	{app: peers.PhpMyAdmin, tls: true, want: []peerExpect{
		{"transport.hsts", "", 0},
		{"wellknown.security-txt-missing", "", 0},
	}},
	{app: peers.Roundcube, want: []peerExpect{
		{"transport.no-https", "", 0},
		{"form.http-page", "_user", 1},
		{"form.password-http", "_pass", 1},
		{"auth.cookie-flags", "", 1},
		{"headers.csp-missing", "", 0},
		{"headers.nosniff-missing", "", 0},
		{"wellknown.security-txt-missing", "", 0},
	}},
	{app: peers.Roundcube, tls: true, want: []peerExpect{
		{"transport.hsts", "", 0},
		{"auth.cookie-flags", "", 1},
		{"headers.csp-missing", "", 0},
		{"headers.nosniff-missing", "", 0},
		{"wellknown.security-txt-missing", "", 0},
	}},
}

// hasField reports whether a form finding's location (its signature)
// names field.
func hasField(f finding.Finding, field string) bool {
	_, fields, ok := strings.Cut(f.Location, " fields=")
	return ok && slices.Contains(strings.Split(fields, ","), field)
}

// matches reports whether finding f is the one e expects.
func (e peerExpect) matches(f finding.Finding) bool {
	if f.Check != e.check {
		return false
	}
	return e.field == "" || hasField(f, e.field)
}

// TestRealSoftwarePeers audits MediaWiki, phpMyAdmin and Roundcube from
// Debian's packages, served by nginx and php-fpm on loopback over HTTP
// and over HTTPS (see package peers), and compares the findings with
// peerCases.
func TestRealSoftwarePeers(t *testing.T) {
	s := peers.Start(t)
	var targets []target.Target
	for _, c := range peerCases {
		tg, err := target.Parse(peers.URL(c.app, c.tls))
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	o := Options{
		Concurrency: len(targets),
		TLSProbe:    true,
		Fetch: fetch.Options{
			Timeout:   20 * time.Second,
			Retries:   -1,
			ConnectTo: s.ConnectTo(),
			CACertPEM: [][]byte{s.CAPEM},
			NoDNS:     true,
		},
	}
	o.Crawl.MaxPages = 100
	var mu sync.Mutex
	got := map[string][]finding.Finding{}
	errs := map[string]string{}
	if _, err := Run(context.Background(), targets, o, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		got[r.Site.URL] = r.Findings
		errs[r.Site.URL] = r.Site.Error
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, c := range peerCases {
		scheme := "http"
		if c.tls {
			scheme = "https"
		}
		site := targets[i].URL
		fs := got[site]
		t.Run(c.app+"/"+scheme, func(t *testing.T) {
			if errs[site] != "" {
				t.Fatalf("site failed: %s", errs[site])
			}
			used := make([]bool, len(fs))
			for _, e := range c.want {
				n := 0
				for k, f := range fs {
					if !e.matches(f) {
						continue
					}
					n++
					used[k] = true
					if pages, _ := f.Detail[finding.DetailPagesCount].(int); e.minPages > 0 && pages < e.minPages {
						t.Errorf("%s (%s): %d pages listed, want at least %d", e.check, e.field, pages, e.minPages)
					}
				}
				if n != 1 {
					t.Errorf("%d findings %s (form with %q), want one", n, e.check, e.field)
				}
			}
			for k, f := range fs {
				if !used[k] {
					t.Errorf("unexpected finding %s at %s (%s)", f.Check, f.URL, f.Location)
				}
			}
			for _, f := range fs {
				t.Logf("%s %s %s pages=%v %s", f.Check, f.Severity, f.URL, f.Detail[finding.DetailPagesCount], f.Location)
			}
		})
	}
}
