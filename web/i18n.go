package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

//go:embed messages/*.json
var messageFS embed.FS

// Languages of the dashboard; the first is the default.
var languages = []string{"fr", "en"}

func loadMessages() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, l := range languages {
		b, err := messageFS.ReadFile("messages/" + l + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: messages/%s.json: %w", l, err)
		}
		out[l] = m
	}
	return out, nil
}

// lang translates the dashboard's messages into one language.
type lang struct {
	Code string
	m    map[string]string
}

// T returns the message of key, formatted with args when given; a missing
// key shows itself, so that tests and readers notice.
func (l *lang) T(key string, args ...any) string {
	msg, ok := l.m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Pick returns fr or en text by the language.
func (l *lang) Pick(fr, en string) string {
	if l.Code == "fr" && fr != "" || en == "" {
		return fr
	}
	return en
}

// chooseLang picks the language of a request: the lang cookie set by the
// language switch, else the best of Accept-Language, else French.
func chooseLang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		for _, l := range languages {
			if c.Value == l {
				return l
			}
		}
	}
	best, bestQ := languages[0], -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		for _, l := range languages {
			if primary == l && q > bestQ && q > 0 {
				best, bestQ = l, q
			}
		}
	}
	return best
}

// setLang stores a language preference and goes back to the page: it
// changes no data, so a plain link may do it.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	known := false
	for _, x := range languages {
		known = known || x == l
	}
	if !known {
		http.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, Secure: s.o.Secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	next := r.URL.Query().Get("next")
	if u, err := url.Parse(next); err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
