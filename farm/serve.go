package farm

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// ServeHTTP serves every site of the farm, by Host header; the scheme is
// told by r.TLS. The handler is also usable without the farm's listeners.
func (f *Farm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.onRequest != nil {
		f.onRequest(r)
	}
	secure := r.TLS != nil
	v := f.lookup(r.Host)
	if v == nil {
		writePage(w, r, http.StatusNotFound, notFoundPage, "")
		return
	}
	spec := v.host.spec
	h := w.Header()
	if spec.Server != "" {
		h["Server"] = []string{spec.Server}
	}
	setSecurityHeaders(h, spec.Headers, v.site.domain, r.Header.Get("Origin"))
	if secure {
		if spec.TLS == tlsNone {
			http.Error(w, "misdirected request", http.StatusMisdirectedRequest)
			return
		}
		if spec.HSTS != "" {
			h["Strict-Transport-Security"] = []string{spec.HSTS}
		}
	} else if spec.HSTSOnHTTP != "" {
		h["Strict-Transport-Security"] = []string{spec.HSTSOnHTTP}
	}
	path := r.URL.Path
	if i := strings.IndexByte(path, ';'); i >= 0 {
		path = path[:i] // path parameters (";jsessionid=...") as servlet containers read them
	}
	for _, rd := range spec.Redirects {
		if rd.Scheme != "" && (rd.Scheme == "https") != secure {
			continue
		}
		loc := strings.ReplaceAll(rd.To, "{D}", v.site.domain)
		switch rd.Path {
		case "*":
			loc += r.URL.RequestURI()
		case path:
		default:
			continue
		}
		h["Location"] = []string{loc}
		w.WriteHeader(rd.Status)
		return
	}
	if !secure && spec.HTTP == httpUpgrade {
		h["Location"] = []string{"https://" + v.name + r.URL.RequestURI()}
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	for i := range spec.Collect {
		if c := &spec.Collect[i]; c.Path == path {
			serveCollect(w, r, v.name, c, f.beacons[collectKey(v.name, path)])
			return
		}
	}
	if spec.Huge != "" && path == spec.Huge {
		serveHuge(w, r)
		return
	}
	for _, p := range spec.Protected {
		if path == p.Path || strings.HasSuffix(p.Path, "/") && strings.HasPrefix(path, p.Path) {
			h["Www-Authenticate"] = []string{p.Challenge}
			writePage(w, r, http.StatusUnauthorized, unauthorizedPage, "")
			return
		}
	}
	if r.Method == http.MethodPost {
		io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		writePage(w, r, http.StatusOK, thanksPage, v.site.domain)
		return
	}
	p := v.host.pages[path]
	if p == nil {
		p = assets[path]
	}
	if len(spec.Cookies) > 0 {
		h["Set-Cookie"] = spec.Cookies
	}
	switch {
	case p != nil:
		writePage(w, r, http.StatusOK, p, v.site.domain)
	case spec.Fallback != "" && v.host.pages[spec.Fallback] != nil:
		writePage(w, r, http.StatusOK, v.host.pages[spec.Fallback], v.site.domain)
	case spec.Soft404:
		writePage(w, r, http.StatusOK, notFoundPage, "")
	default:
		writePage(w, r, http.StatusNotFound, notFoundPage, "")
	}
}

func (f *Farm) lookup(host string) *vhost {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	if v := f.host(host); v != nil {
		return v
	}
	return f.host(strings.ToLower(host))
}

func writePage(w http.ResponseWriter, r *http.Request, status int, p *page, domain string) {
	h := w.Header()
	h["Content-Type"] = p.ctype
	h["Content-Length"] = []string{strconv.Itoa(p.length(domain))}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	for i, part := range p.parts {
		if i > 0 {
			io.WriteString(w, domain)
		}
		w.Write(part)
	}
}

var (
	notFoundPage = newPage([]byte(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Page introuvable</title></head>
<body><h1>Erreur 404 : page introuvable</h1>
<p>La page que vous cherchez n'existe pas ou a été déplacée.</p>
<p><a href="/">Retour à l'accueil</a></p></body></html>
`), "text/html; charset=utf-8")

	unauthorizedPage = newPage([]byte(`<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head><title>401 Unauthorized</title></head>
<body><h1>Unauthorized</h1>
<p>This server could not verify that you are authorized to access the document requested.</p></body></html>
`), "text/html; charset=iso-8859-1")

	thanksPage = newPage([]byte(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Demande enregistrée</title></head>
<body><h1>Merci</h1>
<p>Votre demande a bien été enregistrée. Un accusé de réception vous sera adressé.</p>
<p><a href="/">Retour à l'accueil de www.`+domainMark+`</a></p></body></html>
`), "text/html; charset=utf-8")
)
