package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"vigie/store"
)

// handlerFunc serves a request for a signed-in user.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *view)

func randomToken() string {
	var b [32]byte
	rand.Read(b[:]) // never fails, see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokenHash is what the store keeps of a session token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sessionCookie is the session cookie's name: __Host- prefixed over HTTPS;
// browsers accept that prefix only on Secure cookies.
func (s *Server) sessionCookie() string {
	if s.o.Secure {
		return "__Host-vigie"
	}
	return "vigie"
}

func (s *Server) loginCSRFCookie() string {
	if s.o.Secure {
		return "__Host-vigie-login"
	}
	return "vigie-login"
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: s.o.Secure, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

// session returns the signed-in user and session of r, nil when none.
func (s *Server) session(r *http.Request) (*store.Session, *store.User) {
	c, err := r.Cookie(s.sessionCookie())
	if err != nil || c.Value == "" {
		return nil, nil
	}
	now := s.o.Now()
	hash := tokenHash(c.Value)
	sess, err := s.o.Accounts.Session(r.Context(), hash, now)
	if err != nil {
		return nil, nil
	}
	// The last use is stored, so that idle expiry survives a restart.
	if alive, err := s.touch.TouchSession(r.Context(), hash, now, s.o.IdleTimeout); err != nil || !alive {
		if err != nil {
			s.o.Log.Warn("recording a session's use", "err", err)
		}
		return nil, nil
	}
	u, err := s.o.Accounts.User(r.Context(), sess.User)
	if err != nil {
		return nil, nil
	}
	return sess, u
}

// signedIn wraps h: anonymous requests go to the login page; with
// stateChanging the request needs the session's CSRF token, and with
// editor the editor role.
func (s *Server) signedIn(h handlerFunc, stateChanging, editor bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, u := s.session(r)
		if u == nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		v := s.newView(r, u, sess)
		if stateChanging {
			if !validToken(r.PostFormValue("csrf"), sess.CSRF) {
				s.fail(w, r, v, http.StatusForbidden, errCSRF)
				return
			}
			if editor && u.Role != store.RoleEditor {
				s.fail(w, r, v, http.StatusForbidden, errRole)
				return
			}
		}
		h(w, r, v)
	})
}

var (
	errCSRF = errors.New("csrf")
	errRole = errors.New("role")
)

// validToken compares a submitted anti-forgery token with the expected one
// in constant time; an empty expected token never matches.
func validToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, u := s.session(r); u != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "")
}

// renderLogin shows the login form with the pre-session CSRF token
// (double submit: cookie and hidden field). The browser's token is kept
// when it has one: a background request landing on the login page (a
// favicon, say) must not invalidate the form on screen.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	token := randomToken()
	if c, err := r.Cookie(s.loginCSRFCookie()); err == nil && len(c.Value) == len(token) {
		token = c.Value
	}
	s.setCookie(w, s.loginCSRFCookie(), token, 3600)
	v := s.newView(r, nil, nil)
	v.CSRF = token
	v.Error = errKey
	s.render(w, r, v, status, "login.html", nil)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(s.loginCSRFCookie())
	if err != nil || !validToken(r.PostFormValue("csrf"), c.Value) {
		s.renderLogin(w, r, http.StatusForbidden, "login.csrf")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("user"))
	password := r.PostFormValue("password")
	ip := clientIP(r)
	now := s.o.Now()
	// The attempt counts as a failure before any hash is computed, so that
	// parallel guesses cannot all pass the check before one is counted;
	// a success takes it back.
	if wait := s.limiter.begin(now, ip, name); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
		s.renderLogin(w, r, http.StatusTooManyRequests, "login.throttled")
		return
	}
	u, err := s.o.Accounts.User(r.Context(), name)
	hash := s.dummyHash
	if err == nil {
		hash = u.PasswordHash
	}
	ok, herr, busy := s.checkPassword(r.Context(), hash, password)
	if busy {
		s.limiter.cancel(ip, name) // not the client's failure
		w.Header().Set("Retry-After", "5")
		s.renderLogin(w, r, http.StatusServiceUnavailable, "login.busy")
		return
	}
	if err != nil || herr != nil || !ok {
		if herr != nil {
			s.o.Log.Error("login: bad password hash", "user", name, "err", herr)
		}
		s.o.Log.Warn("login failed", "user", name, "ip", ip)
		s.renderLogin(w, r, http.StatusUnauthorized, "login.failed")
		return
	}
	s.limiter.succeed(ip, name)
	token := randomToken()
	sess := store.Session{
		TokenHash: tokenHash(token), User: u.Name, CSRF: randomToken(),
		Created: now.UTC(), Expires: now.Add(s.o.SessionTTL).UTC(),
	}
	if err := s.o.Accounts.CreateSession(r.Context(), sess); err != nil {
		s.fail(w, r, s.newView(r, nil, nil), http.StatusInternalServerError, err)
		return
	}
	if _, err := s.o.Accounts.DeleteExpiredSessions(r.Context(), now); err != nil {
		s.o.Log.Warn("deleting expired sessions", "err", err)
	}
	s.setCookie(w, s.loginCSRFCookie(), "", -1)
	s.setCookie(w, s.sessionCookie(), token, int(s.o.SessionTTL/time.Second))
	s.o.Log.Info("signed in", "user", u.Name, "ip", ip)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *view) {
	if c, err := r.Cookie(s.sessionCookie()); err == nil {
		if err := s.o.Accounts.DeleteSession(r.Context(), tokenHash(c.Value)); err != nil {
			s.fail(w, r, v, http.StatusInternalServerError, err)
			return
		}
	}
	s.setCookie(w, s.sessionCookie(), "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// clientIP is the address of the peer; the dashboard is not meant to sit
// behind a proxy, so forwarding headers are ignored.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Login throttling: after loginFreeFailures failures for a client address
// or a user name, each further attempt waits twice as long as the last,
// from loginBaseDelay up to loginMaxDelay.
const (
	loginFreeFailures = 5
	loginBaseDelay    = time.Second
	loginMaxDelay     = 15 * time.Minute
	// loginForget drops the failures of a key quiet for that long.
	loginForget = time.Hour
)

type loginFailures struct {
	count int
	last  time.Time
	until time.Time
}

// loginLimiter counts failed logins per client address and per user name,
// in memory.
type loginLimiter struct {
	mu   sync.Mutex
	keys map[string]*loginFailures
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{keys: map[string]*loginFailures{}}
}

func limiterKeys(ip, name string) []string {
	return []string{"ip:" + ip, "user:" + strings.ToLower(name)}
}

// begin decides whether an attempt may go on, before its password hash:
// it returns how long the caller must still wait, or 0 after counting the
// attempt as a failure of its address and user name.
func (l *loginLimiter) begin(now time.Time, ip, name string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range limiterKeys(ip, name) {
		if f := l.keys[k]; f != nil && f.until.After(now) {
			wait = max(wait, f.until.Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	for k, f := range l.keys {
		if now.Sub(f.last) > loginForget && f.until.Before(now) {
			delete(l.keys, k)
		}
	}
	for _, k := range limiterKeys(ip, name) {
		f := l.keys[k]
		if f == nil {
			f = &loginFailures{}
			l.keys[k] = f
		}
		f.count++
		f.last = now
		if f.count >= loginFreeFailures {
			d := loginBaseDelay << min(f.count-loginFreeFailures, 20)
			f.until = now.Add(min(d, loginMaxDelay))
		}
	}
	return 0
}

// cancel takes back the failure begin counted for an attempt that was not
// judged (the server was too busy to hash).
func (l *loginLimiter) cancel(ip, name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range limiterKeys(ip, name) {
		l.undo(k)
	}
}

func (l *loginLimiter) undo(k string) {
	f := l.keys[k]
	if f == nil {
		return
	}
	f.count--
	if f.count < loginFreeFailures {
		f.until = time.Time{}
	}
	if f.count <= 0 {
		delete(l.keys, k)
	}
}

// succeed forgets the user's failures and takes back the attempt's count
// for the address; the address's earlier failures stay, so that one good
// account does not reopen guessing at others.
func (l *loginLimiter) succeed(ip, name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := limiterKeys(ip, name)
	l.undo(keys[0])
	delete(l.keys, keys[1])
}

// checkPassword runs CheckPassword when one of the bounded hash slots is
// free: each argon2id hash takes 64 MiB, so a flood of logins must queue,
// not exhaust memory. busy is set when no slot freed up in time.
func (s *Server) checkPassword(ctx context.Context, hash, password string) (ok bool, err error, busy bool) {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s.hashes <- struct{}{}:
	case <-t.C:
		return false, nil, true
	case <-ctx.Done():
		return false, nil, true
	}
	defer func() { <-s.hashes }()
	ok, err = s.verify(hash, password)
	return ok, err, false
}

// hashWait is how long a login waits for a hash slot.
const hashWait = 5 * time.Second
