package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vigie/internal/golden"
)

func TestExports(t *testing.T) {
	env := newEnv(t, func(o *Options) { o.Launcher = nil })
	ed := env.client().login("ed")
	ed.header.Set("Accept-Language", "en")
	if rec := ed.post("/cases", url.Values{"csrf": {ed.csrf("/cases")}, "scan": {scanID(t, env, 2)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("open cases: %d", rec.Code)
	}
	tests := []struct {
		path, golden, ctype string
	}{
		{"/findings?format=csv", "findings.csv", "text/csv"},
		{"/findings?format=jsonl", "findings.jsonl", "application/x-ndjson"},
		{"/findings?format=csv&state=fixed", "findings-fixed.csv", "text/csv"},
		{"/findings?format=jsonl&organisation=%3DMairie+B&page=7", "findings-mairie.jsonl", "application/x-ndjson"},
		{"/sites?format=csv", "sites.csv", "text/csv"},
		{"/sites?format=jsonl&tag=prefecture", "sites-prefecture.jsonl", "application/x-ndjson"},
		{"/organisations?format=csv", "organisations.csv", "text/csv"},
		{"/organisations?format=jsonl", "organisations.jsonl", "application/x-ndjson"},
		{"/scans?format=csv", "scans.csv", "text/csv"},
		{"/scans?format=jsonl", "scans.jsonl", "application/x-ndjson"},
		{"/cases?format=csv", "cases.csv", "text/csv"},
		{"/cases?format=jsonl&organisation=Pr%C3%A9fecture+A", "cases-prefecture.jsonl", "application/x-ndjson"},
	}
	for _, tt := range tests {
		rec := ed.get(tt.path)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.ctype) {
			t.Errorf("GET %s: %d %s", tt.path, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment;") {
			t.Errorf("GET %s: Content-Disposition %q", tt.path, rec.Header().Get("Content-Disposition"))
		}
		golden.Check(t, tt.golden, rec.Body.Bytes())
	}
	// Formula injection is defused in every CSV.
	for _, path := range []string{"/findings?format=csv", "/sites?format=csv", "/organisations?format=csv"} {
		body := ed.get(path).Body.String()
		if strings.Contains(body, ",=Mairie") || !strings.Contains(body, "'=Mairie B") {
			t.Errorf("%s: organisation cell not defused", path)
		}
	}
	if rec := ed.get("/findings?format=xml"); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown format: %d", rec.Code)
	}
}

func TestLanguages(t *testing.T) {
	env := newEnv(t, nil)
	tests := []struct {
		acceptLanguage, cookie string
		want, not              []string
	}{
		{"", "", []string{`lang="fr"`, "Vue d&#39;ensemble", "Constats ouverts par contrôle"}, []string{"Open findings by check"}},
		{"en-GB,en;q=0.9", "", []string{`lang="en"`, "Open findings by check"}, []string{"Vue d&#39;ensemble"}},
		{"de-DE, en;q=0.5, fr;q=0.8", "", []string{`lang="fr"`}, nil},
		{"en", "fr", []string{`lang="fr"`, "Vue d&#39;ensemble"}, nil},
		{"fr", "en", []string{`lang="en"`, "Overview"}, nil},
	}
	for _, tt := range tests {
		c := env.client().login("vi")
		if tt.acceptLanguage != "" {
			c.header.Set("Accept-Language", tt.acceptLanguage)
		}
		if tt.cookie != "" {
			rec := c.get("/lang/" + tt.cookie + "?next=/checks")
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/checks" {
				t.Fatalf("/lang/%s: %d %q", tt.cookie, rec.Code, rec.Header().Get("Location"))
			}
		}
		body := c.get("/").Body.String()
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("Accept-Language %q cookie %q: no %q", tt.acceptLanguage, tt.cookie, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(body, w) {
				t.Errorf("Accept-Language %q cookie %q: %q present", tt.acceptLanguage, tt.cookie, w)
			}
		}
	}
	// Check texts come from the catalogue in the chosen language.
	fr := env.client().login("vi")
	en := env.client().login("vi")
	en.header.Set("Accept-Language", "en")
	frBody, enBody := fr.get("/checks").Body.String(), en.get("/checks").Body.String()
	if !strings.Contains(frBody, "Catalogue des contrôles") || !strings.Contains(enBody, "Catalogue of checks") || frBody == enBody {
		t.Error("catalogue not translated")
	}
	frList := fr.get("/findings?check=transport.no-https").Body.String()
	enList := en.get("/findings?check=transport.no-https").Body.String()
	if !strings.Contains(frList, "HTTPS") || stripTags(frList) == stripTags(enList) {
		t.Error("finding titles not translated")
	}
	// The language switch only redirects to local paths.
	for _, next := range []string{"https://evil.test/", "//evil.test/", `/\evil.test`} {
		rec := fr.get("/lang/en?next=" + url.QueryEscape(next))
		if loc := rec.Header().Get("Location"); loc != "/" {
			t.Errorf("/lang/en?next=%s redirects to %q", next, loc)
		}
	}
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestPrivateTargetsRefused(t *testing.T) {
	tests := []struct {
		targets string
		why     string
	}{
		{"127.0.0.1", "127.0.0.1 is a loopback address"},
		{"http://127.0.0.1:8080/", "loopback"},
		{"https://10.1.2.3/", "10.1.2.3 is a private address"},
		{"http://[::1]/", "::1 is a loopback address"},
		{"169.254.169.254", "link-local"},
		{"http://100.64.1.1/", "shared (CGNAT)"},
		{"http://0.0.0.0/", "unspecified"},
		{"https://[fd12::1]/", "private"},
		{"rebind.example.test", "rebind.example.test resolves to 127.0.0.1, a loopback address"},
		{"www.public.test\nunknown.invalid", "does not resolve"},
	}
	env := newEnv(t, nil)
	ed := env.client().login("ed")
	for _, tt := range tests {
		rec := ed.post("/scans", url.Values{"csrf": {ed.csrf("/scans")}, "targets": {tt.targets}})
		body := rec.Body.String()
		if rec.Code != http.StatusForbidden || !strings.Contains(body, tt.why) || !strings.Contains(body, "--allow-private") {
			t.Errorf("launch %q: %d, want 403 saying %q", tt.targets, rec.Code, tt.why)
		}
	}
	if n := env.l.count(); n != 0 {
		t.Fatalf("%d scans launched", n)
	}
	// A public target goes through; so do private ones with AllowPrivate.
	if rec := ed.post("/scans", url.Values{"csrf": {ed.csrf("/scans")}, "targets": {"www.public.test\n193.51.24.9"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("public targets: %d %s", rec.Code, rec.Body.String())
	}
	allow := newEnv(t, func(o *Options) { o.AllowPrivate = true })
	ed = allow.client().login("ed")
	for _, tt := range tests[:len(tests)-1] {
		if rec := ed.post("/scans", url.Values{"csrf": {ed.csrf("/scans")}, "targets": {tt.targets}}); rec.Code != http.StatusSeeOther {
			t.Errorf("AllowPrivate: launch %q: %d", tt.targets, rec.Code)
		}
	}
	if n := allow.l.count(); n != len(tests)-1 {
		t.Errorf("AllowPrivate: %d scans launched, want %d", n, len(tests)-1)
	}
	// A saved group launches its sites with their organisation and tags.
	if rec := ed.post("/scans", url.Values{"csrf": {ed.csrf("/scans")}, "group": {"tag:prefecture"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("group launch: %d", rec.Code)
	}
	last := allow.l.launched[len(allow.l.launched)-1]
	if len(last) != 1 || last[0].URL != "https://www.prefecture-a.test/" || last[0].Organisation != "Préfecture A" {
		t.Errorf("group targets %+v", last)
	}
	// A pasted CSV keeps organisations and tags.
	if rec := ed.post("/scans", url.Values{"csrf": {ed.csrf("/scans")}, "targets": {"url,organisation,tags\nhttps://www.x.test/,Org X,a;b\n"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("CSV launch: %d %s", rec.Code, rec.Body.String())
	}
	last = allow.l.launched[len(allow.l.launched)-1]
	if len(last) != 1 || last[0].Organisation != "Org X" || strings.Join(last[0].Tags, ",") != "a,b" {
		t.Errorf("CSV targets %+v", last)
	}
	if rec := ed.post("/scans", url.Values{"csrf": {ed.csrf("/scans")}, "targets": {"not a host!"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("junk target: %d", rec.Code)
	}
}

func TestCaseWork(t *testing.T) {
	env := newEnv(t, nil)
	ed := env.client().login("ed")
	ed.header.Set("Accept-Language", "en")
	if rec := ed.post("/cases", url.Values{"csrf": {ed.csrf("/cases")}, "scan": {scanID(t, env, 2)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("open cases: %d %s", rec.Code, rec.Body.String())
	}
	all, err := env.db.Cases(t.Context())
	if err != nil || len(all) != 2 {
		t.Fatalf("cases: %v %d", err, len(all))
	}
	var id string
	for _, c := range all {
		if c.Organisation == "Préfecture A" {
			id = c.ID
		}
	}
	token := ed.csrf("/cases/" + id)
	// Opening again from the same scan opens nothing.
	if rec := ed.post("/cases", url.Values{"csrf": {token}, "scan": {scanID(t, env, 2)}}); rec.Code != http.StatusBadRequest {
		t.Errorf("opening twice: %d", rec.Code)
	}
	// A letter.
	rec := ed.post("/cases/"+id+"/letter", url.Values{"csrf": {token}, "kind": {"alert"}, "lang": {"fr"}, "format": {"eml"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "To: <dpo@prefecture-a.test>") || !strings.Contains(rec.Header().Get("Content-Disposition"), id+"-alert-fr.eml") {
		t.Fatalf("letter: %d %q %s", rec.Code, rec.Header().Get("Content-Disposition"), rec.Body.String())
	}
	// An event with its document.
	rec = ed.postMultipart("/cases/"+id+"/events", map[string]string{"csrf": token, "kind": "dpo-alerted", "date": "2026-11-03", "text": "Alert sent"}, "document", "../alerte.eml", "the letter")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("event: %d %s", rec.Code, rec.Body.String())
	}
	c, _ := env.db.Case(t.Context(), id)
	if c.State != "dpo-alerted" || len(c.Events) == 0 {
		t.Fatalf("case after event: %+v", c)
	}
	n := len(c.Events)
	doc := c.Events[n-1].Document
	if doc == nil || doc.Name != "alerte.eml" || c.Events[n-1].Author != "ed" {
		t.Fatalf("event %+v", c.Events[n-1])
	}
	page := ed.get("/cases/" + id).Body.String()
	if !strings.Contains(page, "DPO alerted") || !strings.Contains(page, "alerte.eml") || !strings.Contains(page, "2026-12-03") {
		t.Error("case page lacks the event or the next due date (30 days after the alert)")
	}
	if rec := ed.get("/cases/" + id + "/documents/" + itoa(n)); rec.Code != http.StatusOK || rec.Body.String() != "the letter" {
		t.Errorf("document download: %d %q", rec.Code, rec.Body.String())
	}
	// An invalid transition is refused.
	rec = ed.post("/cases/"+id+"/events", url.Values{"csrf": {token}, "kind": {"closed"}, "date": {"2026-11-04"}})
	if rec.Code != http.StatusConflict {
		t.Errorf("invalid transition: %d", rec.Code)
	}
	// A private note stays out of the published chronology.
	rec = ed.post("/cases/"+id+"/events", url.Values{"csrf": {token}, "kind": {"note"}, "date": {"2026-11-04"}, "text": {"phoned Mr Secret"}, "private": {"1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("note: %d", rec.Code)
	}
	rec = ed.post("/cases/"+id+"/publish", url.Values{"csrf": {token}, "lang": {"en"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/cases/"+id+"/chronology" {
		t.Fatalf("publish: %d", rec.Code)
	}
	chrono := ed.get("/cases/" + id + "/chronology")
	if chrono.Code != http.StatusOK || !strings.Contains(chrono.Body.String(), "Préfecture A") || strings.Contains(chrono.Body.String(), "Mr Secret") {
		t.Errorf("chronology: %d %s", chrono.Code, chrono.Body.String())
	}
	if chrono.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Error("chronology without CSP")
	}
	if !strings.Contains(ed.get("/cases/"+id).Body.String(), "chronology-link") {
		t.Error("case page does not link the published chronology")
	}
	// Due cases.
	if body := ed.get("/cases?due=1").Body.String(); strings.Contains(body, "/cases/"+id+"\"") {
		t.Error("a case alerted today is listed as due")
	}
}

var linkAttr = regexp.MustCompile(`(?:href|src|action)="(/[^"]*)"`)

// TestLinks follows every local link of the dashboard's pages: none is
// broken.
func TestLinks(t *testing.T) {
	env := newEnv(t, nil)
	ed := env.client().login("ed")
	if rec := ed.post("/cases", url.Values{"csrf": {ed.csrf("/cases")}, "scan": {scanID(t, env, 2)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("open cases: %d", rec.Code)
	}
	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	for len(queue) > 0 && len(seen) < 400 {
		path := queue[0]
		queue = queue[1:]
		rec := ed.get(path)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, rec.Code)
			continue
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range linkAttr.FindAllStringSubmatch(rec.Body.String(), -1) {
			link := html.UnescapeString(m[1])
			if i := strings.IndexByte(link, '#'); i >= 0 {
				link = link[:i]
			}
			if seen[link] || strings.HasPrefix(link, "/lang/") || strings.Contains(m[0], "action=") {
				continue
			}
			seen[link] = true
			queue = append(queue, link)
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d links followed", len(seen))
	}
}
