package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vigie/finding"
	"vigie/finding/facts"
	"vigie/store"
)

// view is what every page template receives.
type view struct {
	L    *lang
	User *store.User
	// CSRF is the token every form posts back in its "csrf" field.
	CSRF string
	// Path is the request's path and query, for the language switch.
	Path string
	// Error is a message key shown at the top of the page.
	Error string
	// Detail is text shown under Error (a refused target, say).
	Detail []string
	Data   any
}

// Editor reports whether the user may change things.
func (v *view) Editor() bool { return v.User != nil && v.User.Role == store.RoleEditor }

// Other is the language the switch offers.
func (v *view) Other() string {
	if v.L.Code == "fr" {
		return "en"
	}
	return "fr"
}

func (s *Server) newView(r *http.Request, u *store.User, sess *store.Session) *view {
	code := chooseLang(r)
	v := &view{L: &lang{Code: code, m: s.messages[code]}, User: u, Path: r.URL.RequestURI()}
	if sess != nil {
		v.CSRF = sess.CSRF
	}
	return v
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"dateptr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	},
	"severities": func() []string { return severityNames() },
	"join":       strings.Join,
	"add":        func(a, b int) int { return a + b },
	"svg":        func(s string) template.HTML { return template.HTML(s) }, // only for chart output built with escaping
	"count": func(m map[string]int, k string) int {
		return m[k]
	},
	"facts": func(v *view, f facts.Facts) any {
		return struct {
			L *lang
			facts.Facts
		}{v.L, f}
	},
	"rows": func(v *view, rows []findingRow) any {
		return struct {
			L    *lang
			Rows []findingRow
		}{v.L, rows}
	},
}

// severityNames lists severity names from the most serious.
func severityNames() []string {
	var out []string
	for s := finding.Critical; s >= finding.Info; s-- {
		out = append(out, s.String())
	}
	return out
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render writes a page; it renders into a buffer first so that a template
// error gives a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *view, status int, page string, data any) {
	v.Data = data
	t := s.pages[page]
	if t == nil {
		s.o.Log.Error("rendering", "page", page, "err", "no such template")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.o.Log.Error("rendering", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows an error page; internal errors are logged, not shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *view, status int, err error) {
	key := "error." + strconv.Itoa(status)
	switch {
	case errors.Is(err, errCSRF):
		key = "error.csrf"
	case errors.Is(err, errRole):
		key = "error.role"
	case errors.Is(err, store.ErrNotFound):
		status, key = http.StatusNotFound, "error.404"
	}
	if status >= 500 {
		s.o.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	v.Error = key
	if status < 500 && err != nil && !errors.Is(err, errCSRF) && !errors.Is(err, errRole) && !errors.Is(err, store.ErrNotFound) {
		v.Detail = []string{err.Error()}
	}
	s.render(w, r, v, status, "error.html", nil)
}
