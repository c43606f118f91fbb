// Package web serves Vigie's dashboard: server-rendered pages over the scan
// history, the findings with their evidence, the cases and the catalogue,
// for signed-in users, in French and English. It launches scans through a
// Launcher its caller provides and never opens a store itself.
package web

import (
	"context"
	"crypto/ed25519"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigie/cases"
	_ "vigie/check/all"
	"vigie/finding" // the catalogue shows every check family
	"vigie/store"
	"vigie/target"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Launcher starts scans for the dashboard. Implementations run each scan in
// the background, beyond the request that launched it.
type Launcher interface {
	// Launch starts a scan of targets and returns its ID once the scan is
	// recorded. name labels the scan (a group of sites, say).
	Launch(ctx context.Context, targets []target.Target, name string) (scanID string, err error)
	// Progress reports how many of a launched scan's sites are done, out of
	// how many, and whether it finished; err is its failure, if any.
	Progress(scanID string) (done, total int, finished bool, err error)
}

// Options configure a Server.
type Options struct {
	// Store is the scan history; Browser and Accounts are usually the
	// same value. Cases, when nil, leaves out the case pages.
	Store    store.Store
	Browser  store.Browser
	Accounts store.Accounts
	Cases    cases.Store
	// Watch keeps groups, labels, schedules, alert subscriptions and API
	// keys; nil leaves those pages and the API keys out.
	Watch store.Watch
	// Launcher launches scans; nil leaves the dashboard read-only.
	Launcher Launcher
	// EvidenceRoot is the directory holding each scan's evidence
	// directory (DATA/evidence), used when a scan's settings do not name
	// its own.
	EvidenceRoot string
	// OwnKey is the public key this server's scans sign evidence with:
	// the evidence page calls evidence verified only when its manifest
	// is signed by this key, and names any other key plainly.
	OwnKey ed25519.PublicKey
	// FilesDir keeps the documents attached to case events and the
	// published chronologies.
	FilesDir string
	// Secure is set when the server is reached over HTTPS: cookies are
	// then Secure (and the session cookie __Host- prefixed) and responses
	// carry Strict-Transport-Security.
	Secure bool
	// AllowPrivate lets scans launched from the dashboard reach loopback,
	// private and link-local addresses.
	AllowPrivate bool
	// Lookup resolves a target's host for the private-address check;
	// nil uses the system resolver.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// SessionTTL is how long a session lasts at most (default 12 h);
	// IdleTimeout ends it earlier when unused that long (default 2 h).
	SessionTTL, IdleTimeout time.Duration
	// MaxHashes bounds the password hashes computed at once (default 4:
	// 256 MiB of argon2id memory at most).
	MaxHashes int
	// LetterFrom signs letters generated from the dashboard.
	LetterFrom string
	// MinSeverity is the failure threshold (zero: finding.DefaultThreshold):
	// open findings at or above it make a site failing and cases opened
	// from the dashboard keep it; those below, and informational ones
	// always, are shown as notes.
	MinSeverity finding.Severity
	// Now is the clock (default time.Now).
	Now func() time.Time
	Log *slog.Logger
}

// Server is the dashboard's HTTP handler.
type Server struct {
	o         Options
	pages     map[string]*template.Template
	messages  map[string]map[string]string
	limiter   *loginLimiter
	dummyHash string
	handler   http.Handler
	verified  verifyCache
	// hashes bounds the password hashes computed at once; verify is
	// CheckPassword (tests watch it).
	hashes chan struct{}
	verify func(hash, password string) (bool, error)
	touch  sessionToucher
}

// sessionToucher records a session's use in the store (store.Watch).
type sessionToucher interface {
	TouchSession(ctx context.Context, tokenHash string, now time.Time, idle time.Duration) (bool, error)
}

// New returns the dashboard for o.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Browser == nil || o.Accounts == nil {
		return nil, errors.New("web: the dashboard needs a store that browses history and keeps accounts")
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 2 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.FilesDir == "" {
		return nil, errors.New("web: Options.FilesDir is required (documents and chronologies)")
	}
	if err := os.MkdirAll(o.FilesDir, 0o700); err != nil {
		return nil, fmt.Errorf("web: files directory: %w", err)
	}
	touch, ok := o.Accounts.(sessionToucher)
	if !ok {
		return nil, fmt.Errorf("web: the %T store does not record sessions' last use", o.Accounts)
	}
	if o.MaxHashes <= 0 {
		o.MaxHashes = 4
	}
	s := &Server{o: o, limiter: newLoginLimiter(), hashes: make(chan struct{}, o.MaxHashes), verify: CheckPassword, touch: touch}
	var err error
	if s.messages, err = loadMessages(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	// Unknown users cost a hash too, so timing does not tell them apart.
	if s.dummyHash, err = hashArgon2id(randomToken(), argonMemory, argonTime, argonThreads); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves the dashboard.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Routes: read pages need a signed-in user; state changes need a valid
// CSRF token, and most of them the editor role.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /lang/{lang}", s.setLang)

	read := func(pattern string, h handlerFunc) { mux.Handle(pattern, s.signedIn(h, false, false)) }
	write := func(pattern string, h handlerFunc) { mux.Handle(pattern, s.signedIn(h, true, true)) }

	mux.Handle("POST /logout", s.signedIn(s.logout, true, false))
	read("GET /{$}", s.overview)
	read("GET /findings", s.findings)
	read("GET /findings/{id}", s.findingPage)
	read("GET /findings/{id}/bundle", s.findingBundle)
	read("GET /findings/{id}/record/{rec}", s.recordPayload)
	read("GET /sites", s.sites)
	read("GET /site", s.site)
	read("GET /organisations", s.organisations)
	read("GET /organisation", s.organisation)
	read("GET /scans", s.scans)
	read("GET /scans/{id}/progress", s.scanProgress)
	write("POST /scans", s.launch)
	read("GET /checks", s.catalogue)
	if s.o.Cases != nil {
		read("GET /cases", s.casesPage)
		read("GET /cases/{id}", s.casePage)
		read("GET /cases/{id}/documents/{n}", s.caseDocument)
		read("GET /cases/{id}/chronology", s.chronology)
		write("POST /cases", s.caseOpen)
		write("POST /cases/{id}/events", s.caseEvent)
		write("POST /cases/{id}/letter", s.caseLetter)
		write("POST /cases/{id}/publish", s.casePublish)
	}
	if s.o.Watch != nil {
		read("GET /watch", s.watchPage)
		write("POST /watch/groups", s.watchGroups)
		write("POST /watch/labels", s.watchLabels)
		write("POST /watch/schedules", s.watchSchedules)
		// Anyone signed in manages their own alerts and keys.
		mux.Handle("POST /watch/subscriptions", s.signedIn(s.watchSubscriptions, true, false))
		mux.Handle("POST /watch/keys", s.signedIn(s.watchKeys, true, false))
	}
	s.registerAPI(mux.Handle)
	mux.Handle("/", s.signedIn(func(w http.ResponseWriter, r *http.Request, v *view) {
		s.fail(w, r, v, http.StatusNotFound, nil)
	}, false, false))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	return s.headers(s.limitBody(cop.Handler(mux)))
}

// maxUpload caps request bodies: event documents are the largest.
const maxUpload = 10 << 20

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
		}
		next.ServeHTTP(w, r)
	})
}

// ContentSecurityPolicy is the policy of every response: no inline script
// or style, nothing from elsewhere.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets the security headers on every response, the ones Vigie
// itself checks sites for among them.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()")
		if s.o.Secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "private, max-age=3600")
		} else {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// filesPath returns a path under FilesDir.
func (s *Server) filesPath(elem ...string) string {
	return filepath.Join(append([]string{s.o.FilesDir}, elem...)...)
}

// threshold returns the failure threshold of the dashboard.
func (s *Server) threshold() finding.Severity {
	if s.o.MinSeverity == 0 {
		return finding.DefaultThreshold
	}
	return s.o.MinSeverity
}
