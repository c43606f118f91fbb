package web

import (
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vigie/cases"
	"vigie/finding"
	"vigie/store"
	"vigie/target"
)

// The HTTP API: JSON under /api/v1, documented by openapi.json. A request
// is authenticated by an API key (Authorization: Bearer KEY) or by the
// dashboard's session cookie; with the cookie, state-changing calls also
// need the session's CSRF token in the X-CSRF-Token header, so that a
// cookie alone never changes anything. The user's role applies as on the
// dashboard.

//go:embed openapi.json
var openAPIDoc []byte

// APIKeyPrefix starts every API key, so that leaked keys are recognisable.
const APIKeyPrefix = "vigie_"

// apiMaxLimit caps a page of the API.
const apiMaxLimit = 500

// apiHandler serves an authenticated API call.
type apiHandler func(w http.ResponseWriter, r *http.Request, u *store.User) error

// apiRoute is one documented route; the OpenAPI test walks this table.
type apiRoute struct {
	method, path string
	// write marks state-changing calls (CSRF with a cookie), editor those
	// needing the editor role.
	write, editor bool
	h             func(s *Server) apiHandler
}

var apiRoutes = []apiRoute{
	{method: "GET", path: "/api/v1/sites", h: func(s *Server) apiHandler { return s.apiSites }},
	{method: "GET", path: "/api/v1/groups", h: func(s *Server) apiHandler { return s.apiGroups }},
	{method: "GET", path: "/api/v1/scans", h: func(s *Server) apiHandler { return s.apiScans }},
	{method: "POST", path: "/api/v1/scans", write: true, editor: true, h: func(s *Server) apiHandler { return s.apiLaunch }},
	{method: "GET", path: "/api/v1/scans/{id}", h: func(s *Server) apiHandler { return s.apiScan }},
	{method: "GET", path: "/api/v1/findings", h: func(s *Server) apiHandler { return s.apiFindings }},
	{method: "GET", path: "/api/v1/findings/{id}", h: func(s *Server) apiHandler { return s.apiFinding }},
	{method: "GET", path: "/api/v1/findings/{id}/bundle", h: func(s *Server) apiHandler { return s.apiBundle }},
	{method: "GET", path: "/api/v1/cases", h: func(s *Server) apiHandler { return s.apiCases }},
	{method: "GET", path: "/api/v1/cases/{id}", h: func(s *Server) apiHandler { return s.apiCase }},
	{method: "GET", path: "/api/v1/cases/{id}/events", h: func(s *Server) apiHandler { return s.apiCaseEvents }},
}

// apiError is an error with its HTTP status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// registerAPI adds the API's routes through handle (ServeMux.Handle; the
// OpenAPI test passes its own to see every route registered).
func (s *Server) registerAPI(handle func(pattern string, h http.Handler)) {
	handle("GET /api/v1/openapi.json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPIDoc)
	}))
	for _, rt := range apiRoutes {
		handle(rt.method+" "+rt.path, s.apiAuth(rt, rt.h(s)))
	}
	// Anything else under /api/ answers in JSON, not with the dashboard.
	handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, &apiError{http.StatusNotFound, "no such API route: " + r.Method + " " + r.URL.Path})
	}))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, map[string]string{"error": e.msg})
}

// apiUser authenticates an API call: the bearer key, else the session
// cookie (CSRF header needed when write).
func (s *Server) apiUser(r *http.Request, write bool) (*store.User, *apiError) {
	unauth := &apiError{http.StatusUnauthorized, "authentication required: Authorization: Bearer KEY"}
	if h := r.Header.Get("Authorization"); h != "" {
		key, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(key, APIKeyPrefix) || s.o.Watch == nil {
			return nil, unauth
		}
		k, err := s.o.Watch.APIKeyByHash(r.Context(), tokenHash(key))
		if err != nil || !k.Revoked.IsZero() {
			return nil, unauth
		}
		u, err := s.o.Accounts.User(r.Context(), k.User)
		if err != nil {
			return nil, unauth
		}
		// The last use is worth a write once a minute, not per call.
		if now := s.o.Now(); now.Sub(k.LastUsed) > time.Minute {
			if err := s.o.Watch.TouchAPIKey(r.Context(), k.ID, now); err != nil {
				s.o.Log.Warn("recording an API key's use", "err", err)
			}
		}
		return u, nil
	}
	sess, u := s.session(r)
	if u == nil {
		return nil, unauth
	}
	if write && !validToken(r.Header.Get("X-CSRF-Token"), sess.CSRF) {
		return nil, &apiError{http.StatusForbidden, "a session cookie needs the X-CSRF-Token header to change anything; or use an API key"}
	}
	return u, nil
}

func (s *Server) apiAuth(rt apiRoute, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, aerr := s.apiUser(r, rt.write)
		if aerr != nil {
			if aerr.status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="vigie"`)
			}
			writeAPIError(w, aerr)
			return
		}
		if rt.editor && u.Role != store.RoleEditor {
			writeAPIError(w, &apiError{http.StatusForbidden, "the editor role is needed"})
			return
		}
		if err := h(w, r, u); err != nil {
			var ae *apiError
			switch {
			case errors.As(err, &ae):
			case errors.Is(err, store.ErrNotFound) || errors.Is(err, cases.ErrNotFound):
				ae = &apiError{http.StatusNotFound, "not found"}
			default:
				s.o.Log.Error("API call failed", "method", r.Method, "path", r.URL.Path, "err", err)
				ae = &apiError{http.StatusInternalServerError, "internal error"}
			}
			writeAPIError(w, ae)
		}
	})
}

// limit reads the limit parameter (default 100, at most apiMaxLimit).
func limit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > apiMaxLimit {
		return 0, badRequest("limit %q: want 1 to %d", v, apiMaxLimit)
	}
	return n, nil
}

// Cursors are opaque to clients: the last row's key, base64url.
func encodeCursor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeCursor(r *http.Request) (string, error) {
	c := r.URL.Query().Get("cursor")
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 {
		return "", badRequest("cursor %q: not a cursor this API gave", c)
	}
	return string(b), nil
}

// page is a page of a list with the cursor of the next one ("" at the end).
type page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next_cursor,omitempty"`
}

type apiSite struct {
	URL          string         `json:"url"`
	Organisation string         `json:"organisation"`
	Tags         []string       `json:"tags"`
	LastScan     string         `json:"last_scan"`
	LastAudit    time.Time      `json:"last_audit"`
	Error        string         `json:"error,omitempty"`
	Open         map[string]int `json:"open"`
}

func (s *Server) apiSites(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	q := siteQuery(r, s.threshold())
	n, err := limit(r)
	if err != nil {
		return err
	}
	if q.After, err = decodeCursor(r); err != nil {
		return err
	}
	q.Limit, q.NoTotal = n+1, true
	rows, _, err := s.o.Browser.SiteSummaries(r.Context(), q)
	if err != nil {
		return err
	}
	p := page[apiSite]{Items: []apiSite{}}
	for i, x := range rows {
		if i == n {
			p.Next = encodeCursor(rows[n-1].URL)
			break
		}
		p.Items = append(p.Items, apiSite{x.URL, x.Organisation, nonNilStrings(x.Tags), x.LastScan, x.LastAudit.UTC(), x.Error, x.Open})
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

type apiGroup struct {
	Name          string   `json:"name"`
	Sites         []string `json:"sites"`
	Tags          []string `json:"tags"`
	Organisations []string `json:"organisations"`
}

func (s *Server) apiGroups(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	out := []apiGroup{}
	if s.o.Watch != nil {
		gs, err := s.o.Watch.Groups(r.Context())
		if err != nil {
			return err
		}
		for _, g := range gs {
			out = append(out, apiGroup{g.Name, nonNilStrings(g.Sites), nonNilStrings(g.Tags), nonNilStrings(g.Organisations)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) apiScans(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	n, err := limit(r)
	if err != nil {
		return err
	}
	all, err := s.o.Browser.ScanSummaries(r.Context(), n)
	if err != nil {
		return err
	}
	out := []scanRecord{}
	for _, sc := range all {
		out = append(out, scanJSON(sc))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func scanJSON(sc store.ScanSummary) scanRecord {
	rec := scanRecord{sc.ID, sc.Started.UTC(), nil, sc.Version, sc.Targets, sc.Sites, sc.Failed, sc.New, sc.Fixed, sc.Regressed, sc.Seen}
	if !sc.Ended.IsZero() {
		e := sc.Ended.UTC()
		rec.Ended = &e
	}
	if rec.Seen == nil {
		rec.Seen = map[string]int{}
	}
	return rec
}

func (s *Server) apiScan(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	id := r.PathValue("id")
	if _, err := s.o.Store.Scan(r.Context(), id); err != nil {
		return err
	}
	// ScanSummaries has no lookup by ID: scans are few enough to walk.
	all, err := s.o.Browser.ScanSummaries(r.Context(), 0)
	if err != nil {
		return err
	}
	for _, sc := range all {
		if sc.ID == id {
			rec := scanJSON(sc)
			p := s.progress(r.Context(), id)
			writeJSON(w, http.StatusOK, map[string]any{"scan": rec, "progress": p})
			return nil
		}
	}
	return store.ErrNotFound
}

// apiLaunchRequest launches a scan of a saved group or a list of targets.
type apiLaunchRequest struct {
	Group   string   `json:"group"`
	Targets []string `json:"targets"`
}

func (s *Server) apiLaunch(w http.ResponseWriter, r *http.Request, u *store.User) error {
	if s.o.Launcher == nil {
		return &apiError{http.StatusNotFound, "this server launches no scans"}
	}
	var req apiLaunchRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return badRequest("body: %v", err)
	}
	ts, name, bad, err := s.resolveLaunch(r.Context(), req.Group, strings.Join(req.Targets, "\n"))
	if err != nil {
		return badRequest("%v", err)
	}
	if len(bad) > 0 || len(ts) == 0 || len(ts) > maxLaunchTargets {
		if len(ts) > maxLaunchTargets {
			bad = append(bad, fmt.Sprintf("%d targets, at most %d", len(ts), maxLaunchTargets))
		}
		if len(ts) == 0 && len(bad) == 0 {
			bad = []string{"no target"}
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad targets", "detail": bad})
		return nil
	}
	if !s.o.AllowPrivate {
		if refused := s.refusePrivate(r.Context(), ts); len(refused) > 0 {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": "private addresses refused", "detail": refused})
			return nil
		}
	}
	id, err := s.o.Launcher.Launch(r.Context(), ts, name)
	if err != nil {
		return &apiError{http.StatusServiceUnavailable, err.Error()}
	}
	s.o.Log.Info("scan launched", "scan", id, "user", u.Name, "sites", len(ts), "via", "api")
	w.Header().Set("Location", "/api/v1/scans/"+id)
	writeJSON(w, http.StatusAccepted, map[string]any{"scan": id, "sites": len(ts)})
	return nil
}

type apiFindingPage struct {
	Items []finding.Finding `json:"items"`
	Next  string            `json:"next_cursor,omitempty"`
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	q, err := findingQuery(r)
	if err != nil {
		return badRequest("%v", err)
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	if q.After, err = decodeCursor(r); err != nil {
		return err
	}
	q.Limit, q.NoTotal = n+1, true
	fs, _, err := s.o.Browser.Query(r.Context(), q)
	if err != nil {
		return err
	}
	p := apiFindingPage{Items: []finding.Finding{}}
	for i, f := range fs {
		if i == n {
			p.Next = encodeCursor(fs[n-1].ID)
			break
		}
		p.Items = append(p.Items, f)
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiFinding(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	f, err := s.o.Browser.Finding(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// apiBundle serves the evidence bundle as the dashboard does; its errors
// are the dashboard's, rendered as JSON.
func (s *Server) apiBundle(w http.ResponseWriter, r *http.Request, u *store.User) error {
	rec := &statusRecorder{ResponseWriter: w}
	v := s.newView(r, u, nil)
	s.findingBundle(rec, r, v)
	return nil
}

// statusRecorder turns the dashboard's HTML error pages into JSON errors.
type statusRecorder struct {
	http.ResponseWriter
	status int
	failed bool
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	if code >= 400 {
		s.failed = true
		writeAPIError(s.ResponseWriter, &apiError{code, http.StatusText(code)})
		return
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.failed {
		return len(b), nil
	}
	return s.ResponseWriter.Write(b)
}

type apiEvent struct {
	Date     time.Time `json:"date"`
	Author   string    `json:"author"`
	Kind     string    `json:"kind"`
	Text     string    `json:"text"`
	Ref      string    `json:"ref,omitempty"`
	Document string    `json:"document,omitempty"`
	Private  bool      `json:"private"`
	Findings []string  `json:"findings"`
}

type apiCase struct {
	ID           string    `json:"id"`
	Kind         string    `json:"kind"`
	Organisation string    `json:"organisation"`
	Title        string    `json:"title"`
	State        string    `json:"state"`
	Created      time.Time `json:"created"`
	MinSeverity  string    `json:"min_severity"`
	Sites        []string  `json:"sites"`
	Findings     []string  `json:"findings"`
	Events       int       `json:"events"`
}

func caseJSON(c cases.Case) apiCase {
	kind := c.Kind
	if kind == "" {
		kind = "findings"
	}
	return apiCase{c.ID, kind, c.Organisation, c.Title, string(c.State), c.Created.UTC(), c.Threshold().String(),
		nonNilStrings(c.Sites), nonNilStrings(c.Findings), len(c.Events)}
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	if s.o.Cases == nil {
		return store.ErrNotFound
	}
	rows, _, err := s.caseRows(r)
	if err != nil {
		return err
	}
	out := []apiCase{}
	for _, c := range rows {
		out = append(out, caseJSON(c.Case))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	if s.o.Cases == nil {
		return store.ErrNotFound
	}
	c, err := s.o.Cases.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, caseJSON(*c))
	return nil
}

func (s *Server) apiCaseEvents(w http.ResponseWriter, r *http.Request, _ *store.User) error {
	if s.o.Cases == nil {
		return store.ErrNotFound
	}
	c, err := s.o.Cases.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []apiEvent{}
	for _, e := range c.Events {
		x := apiEvent{Date: e.Date.UTC(), Author: e.Author, Kind: e.Kind, Text: e.Text, Ref: e.Ref, Private: e.Private, Findings: []string{}}
		if e.Document != nil {
			x.Document = e.Document.Name
		}
		for _, f := range e.Findings {
			x.Findings = append(x.Findings, f.ID)
		}
		out = append(out, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": c.ID, "items": out})
	return nil
}

// resolveLaunch reads the targets of a launch: a saved group (a group of
// the store, or tag:NAME / organisation:NAME) and a list, one target a
// line (a pasted CSV keeps its columns).
func (s *Server) resolveLaunch(ctx context.Context, group, list string) ([]target.Target, string, []string, error) {
	var (
		ts   []target.Target
		bad  []string
		name string
	)
	if group != "" {
		sites, err := s.groupSites(ctx, group)
		if err != nil {
			return nil, "", nil, err
		}
		name = group
		for _, site := range sites {
			t, err := target.Parse(site.URL)
			if err != nil {
				bad = append(bad, fmt.Sprintf("%s: %v", site.URL, err))
				continue
			}
			t.Organisation, t.Tags, t.Source = site.Organisation, site.Tags, "group "+group
			ts = append(ts, t)
		}
	}
	if strings.TrimSpace(list) != "" {
		parse := target.ParseList
		if first := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(list, "\ufeff"))); strings.HasPrefix(first, "url,") {
			parse = target.ParseCSV
		}
		more, errs := parse(strings.NewReader(list), "form")
		for _, e := range errs {
			bad = append(bad, e.Error())
		}
		ts = append(ts, more...)
		if name == "" {
			name = "list"
		}
	}
	return target.Dedup(ts), name, bad, nil
}

// groupSites returns the sites of a group: "tag:X" and "organisation:Y"
// select by tag or organisation; any other name is a saved group.
func (s *Server) groupSites(ctx context.Context, g string) ([]store.SiteSummary, error) {
	kind, value, _ := strings.Cut(g, ":")
	var q store.SiteQuery
	switch kind {
	case "tag":
		q.Tag = value
	case "organisation":
		q.Organisation = value
	default:
		if s.o.Watch == nil {
			return nil, fmt.Errorf("group %q: want tag:NAME or organisation:NAME", g)
		}
		sites, err := s.o.Watch.GroupSites(ctx, g)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("group %q: no such group (or tag:NAME, organisation:NAME)", g)
		}
		return sites, err
	}
	var out []store.SiteSummary
	q.Limit = exportBatch
	for {
		batch, _, err := s.o.Browser.SiteSummaries(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, batch...)
		if len(batch) < exportBatch {
			return out, nil
		}
		q.Offset += len(batch)
	}
}
