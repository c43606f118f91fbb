package web

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"vigie/cases"
	"vigie/store"
)

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// resolve follows a local JSON pointer ("#/components/schemas/Finding").
func resolve(doc map[string]any, ref string) (any, error) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q is not local", ref)
	}
	var cur any = doc
	for _, tok := range strings.Split(p, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: %q is not in an object", ref, tok)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, tok)
		}
	}
	return cur, nil
}

// deref resolves v when it is a {"$ref": ...} object.
func deref(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	m, _ := v.(map[string]any)
	for m != nil && m["$ref"] != nil {
		r, err := resolve(doc, m["$ref"].(string))
		if err != nil {
			t.Fatal(err)
		}
		m, _ = r.(map[string]any)
	}
	return m
}

// TestOpenAPIDocument validates the document's structure: version 3.1,
// every $ref resolves, every operation has responses and declares its
// path parameters.
func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	if info, _ := doc["info"].(map[string]any); info["title"] == nil || info["version"] == nil {
		t.Error("info needs a title and a version")
	}
	var walk func(path string, v any)
	refs := 0
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				refs++
				if _, err := resolve(doc, r); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			}
			for k, c := range x {
				walk(path+"/"+k, c)
			}
		case []any:
			for i, c := range x {
				walk(path+"/"+strconv.Itoa(i), c)
			}
		}
	}
	walk("#", doc)
	if refs < 20 {
		t.Errorf("only %d $refs found: the walk is broken", refs)
	}
	paramName := regexp.MustCompile(`\{([^}]+)\}`)
	ids := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for _, m := range methods {
			op, ok := item.(map[string]any)[m].(map[string]any)
			if !ok {
				continue
			}
			if resp, _ := op["responses"].(map[string]any); len(resp) == 0 {
				t.Errorf("%s %s: no responses", m, path)
			}
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: operationId %q missing or repeated", m, path, id)
			}
			ids[id] = true
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm := deref(t, doc, p)
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, want := range paramName.FindAllStringSubmatch(path, -1) {
				if !declared[want[1]] {
					t.Errorf("%s %s: path parameter %s not declared", m, path, want[1])
				}
			}
		}
	}
}

// documented returns "METHOD PATH" of every documented operation.
func documented(t *testing.T, doc map[string]any) []string {
	var out []string
	for path, item := range doc["paths"].(map[string]any) {
		for _, m := range methods {
			if _, ok := item.(map[string]any)[m]; ok {
				out = append(out, strings.ToUpper(m)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestAPIRoutesDocumented: the routes the server registers under /api/v1
// are exactly the documented ones.
func TestAPIRoutesDocumented(t *testing.T) {
	env := newEnv(t, nil)
	var registered []string
	env.srv.registerAPI(func(pattern string, _ http.Handler) {
		if pattern != "/api/" { // the JSON 404 for everything else
			registered = append(registered, pattern)
		}
	})
	sort.Strings(registered)
	if want := documented(t, loadOpenAPI(t)); !slices.Equal(registered, want) {
		t.Errorf("registered routes\n%s\ndocumented\n%s", strings.Join(registered, "\n"), strings.Join(want, "\n"))
	}
}

// checkSchema validates v against a (small) JSON Schema subset: type,
// required, properties, items, enum, additionalProperties schemas.
func checkSchema(t *testing.T, doc map[string]any, schema map[string]any, v any, at string) {
	t.Helper()
	schema = deref(t, doc, schema)
	if schema == nil {
		return
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		t.Errorf("%s: %v not in %v", at, v, enum)
	}
	switch schema["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: %T, want an object", at, v)
			return
		}
		required, _ := schema["required"].([]any)
		for _, r := range required {
			if _, ok := m[r.(string)]; !ok {
				t.Errorf("%s: required %q missing", at, r)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, x := range m {
			if p, ok := props[k].(map[string]any); ok {
				checkSchema(t, doc, p, x, at+"."+k)
			} else if ap, ok := schema["additionalProperties"].(map[string]any); ok {
				checkSchema(t, doc, ap, x, at+"."+k)
			} else if props != nil {
				t.Errorf("%s: undocumented property %q", at, k)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			t.Errorf("%s: %T, want an array", at, v)
			return
		}
		for i, x := range a {
			checkSchema(t, doc, schema["items"].(map[string]any), x, at+"["+strconv.Itoa(i)+"]")
		}
	case "string":
		if _, ok := v.(string); !ok {
			t.Errorf("%s: %T, want a string", at, v)
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			t.Errorf("%s: %v, want an integer", at, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			t.Errorf("%s: %T, want a boolean", at, v)
		}
	}
}

// apiCall is one exercise of a documented operation.
type apiCall struct {
	method, path, query string
	body                string
	auth                string // "key", "viewer", "revoked", "none", "cookie", "cookie+csrf"
	want                int
}

// TestAPIExercisesEveryRoute calls every documented operation against the
// real handlers, checks each answer's status is documented for it and its
// JSON body matches the documented schema, and fails when an operation
// was not exercised with a success.
func TestAPIExercisesEveryRoute(t *testing.T) {
	_, signer, _ := ed25519.GenerateKey(rand.Reader)
	env, withEvidence := evidenceEnv(t, signer, signer.Public().(ed25519.PublicKey))
	ctx := t.Context()
	doc := loadOpenAPI(t)
	c := &cases.Case{Organisation: "Préfecture A", Title: "HTTP forms", State: cases.Open, Sites: []string{"https://www.prefecture-a.test"},
		Created: scan2, Events: []cases.Event{{Date: scan2, Author: "ed", Kind: "detected", Text: "seen"}}}
	if err := env.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	fs, _, _ := env.db.Query(ctx, store.Query{})
	scans, _ := env.db.Scans(ctx, 0)

	ed := env.client().login("ed")
	vi := env.client().login("vi")
	key := createKey(t, ed, "ci")
	viewerKey := createKey(t, vi, "viewer")
	revoked := createKey(t, ed, "old")
	keys, _ := env.db.APIKeys(ctx, "ed")
	for _, k := range keys {
		if k.Name == "old" {
			if rec := ed.post("/watch/keys", url.Values{"csrf": {ed.csrf("/watch")}, "action": {"revoke"}, "id": {k.ID}}); rec.Code != http.StatusSeeOther {
				t.Fatalf("revoke: %d", rec.Code)
			}
		}
	}

	calls := []apiCall{
		{"GET", "/api/v1/openapi.json", "", "", "none", 200},
		{"GET", "/api/v1/sites", "", "", "key", 200},
		{"GET", "/api/v1/sites", "limit=1", "", "key", 200},
		{"GET", "/api/v1/sites", "tag=mairie", "", "viewer", 200},
		{"GET", "/api/v1/sites", "limit=0", "", "key", 400},
		{"GET", "/api/v1/sites", "", "", "none", 401},
		{"GET", "/api/v1/sites", "", "", "revoked", 401},
		{"GET", "/api/v1/sites", "", "", "cookie", 200},
		{"GET", "/api/v1/groups", "", "", "key", 200},
		{"GET", "/api/v1/groups", "", "", "none", 401},
		{"GET", "/api/v1/scans", "", "", "key", 200},
		{"GET", "/api/v1/scans", "limit=x", "", "key", 400},
		{"GET", "/api/v1/scans", "", "", "none", 401},
		{"POST", "/api/v1/scans", "", `{"targets":["https://www.public.test/"]}`, "key", 202},
		{"POST", "/api/v1/scans", "", `{"targets":["https://www.public.test/"]}`, "viewer", 403},
		{"POST", "/api/v1/scans", "", `{"targets":["https://www.public.test/"]}`, "cookie", 403},
		{"POST", "/api/v1/scans", "", `{"targets":["https://www.public.test/"]}`, "cookie+csrf", 202},
		{"POST", "/api/v1/scans", "", `{"targets":["https://rebind.example.test/"]}`, "key", 403},
		{"POST", "/api/v1/scans", "", `{"group":"tag:nothing"}`, "key", 400},
		{"POST", "/api/v1/scans", "", `{"targetz":[]}`, "key", 400},
		{"POST", "/api/v1/scans", "", `{}`, "none", 401},
		{"GET", "/api/v1/scans/" + scans[0].ID, "", "", "key", 200},
		{"GET", "/api/v1/scans/nope", "", "", "key", 404},
		{"GET", "/api/v1/scans/" + scans[0].ID, "", "", "none", 401},
		{"GET", "/api/v1/findings", "", "", "key", 200},
		{"GET", "/api/v1/findings", "state=open&severity=high&tag=prefecture&limit=2", "", "key", 200},
		{"GET", "/api/v1/findings", "severity=urgent", "", "key", 400},
		{"GET", "/api/v1/findings", "cursor=!!!", "", "key", 400},
		{"GET", "/api/v1/findings", "", "", "none", 401},
		{"GET", "/api/v1/findings/" + fs[0].ID, "", "", "key", 200},
		{"GET", "/api/v1/findings/nope", "", "", "key", 404},
		{"GET", "/api/v1/findings/" + fs[0].ID, "", "", "none", 401},
		{"GET", "/api/v1/findings/" + withEvidence + "/bundle", "", "", "key", 200},
		{"GET", "/api/v1/findings/" + fs[0].ID + "/bundle", "", "", "key", 404},
		{"GET", "/api/v1/findings/" + withEvidence + "/bundle", "", "", "none", 401},
		{"GET", "/api/v1/cases", "", "", "key", 200},
		{"GET", "/api/v1/cases", "tag=prefecture", "", "key", 200},
		{"GET", "/api/v1/cases", "", "", "none", 401},
		{"GET", "/api/v1/cases/" + c.ID, "", "", "key", 200},
		{"GET", "/api/v1/cases/C-99", "", "", "key", 404},
		{"GET", "/api/v1/cases/" + c.ID, "", "", "none", 401},
		{"GET", "/api/v1/cases/" + c.ID + "/events", "", "", "key", 200},
		{"GET", "/api/v1/cases/C-99/events", "", "", "key", 404},
		{"GET", "/api/v1/cases/" + c.ID + "/events", "", "", "none", 401},
	}
	paths := doc["paths"].(map[string]any)
	template := func(path string) string {
		for p := range paths {
			if regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$").MatchString(path) {
				return p
			}
		}
		return ""
	}
	succeeded := map[string]bool{}
	for _, call := range calls {
		name := call.method + " " + call.path + "?" + call.query + " as " + call.auth
		p := template(call.path)
		op, _ := paths[p].(map[string]any)[strings.ToLower(call.method)].(map[string]any)
		if op == nil {
			t.Errorf("%s: not documented", name)
			continue
		}
		target := call.path
		if call.query != "" {
			target += "?" + call.query
		}
		req := httptest.NewRequest(call.method, target, strings.NewReader(call.body))
		req.RemoteAddr = "192.0.2.60:1234"
		var cl *client
		switch call.auth {
		case "key":
			req.Header.Set("Authorization", "Bearer "+key)
		case "viewer":
			req.Header.Set("Authorization", "Bearer "+viewerKey)
		case "revoked":
			req.Header.Set("Authorization", "Bearer "+revoked)
		case "cookie", "cookie+csrf":
			cl = ed
			if call.auth == "cookie+csrf" {
				req.Header.Set("X-CSRF-Token", ed.csrf("/"))
			}
		}
		var rec *httptest.ResponseRecorder
		if cl != nil {
			rec = cl.do(req)
		} else {
			rec = serve(env, req)
		}
		if rec.Code != call.want {
			t.Errorf("%s: %d, want %d: %s", name, rec.Code, call.want, rec.Body.String())
			continue
		}
		resp := deref(t, doc, op["responses"].(map[string]any)[strconv.Itoa(rec.Code)])
		if resp == nil {
			t.Errorf("%s: status %d not documented", name, rec.Code)
			continue
		}
		if rec.Code < 300 {
			succeeded[call.method+" "+p] = true
		}
		content, _ := resp["content"].(map[string]any)
		ct := strings.Split(rec.Header().Get("Content-Type"), ";")[0]
		media, ok := content[ct].(map[string]any)
		if !ok {
			t.Errorf("%s: content type %q not documented", name, ct)
			continue
		}
		if ct == "application/json" {
			var v any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Errorf("%s: body is not JSON: %v", name, err)
				continue
			}
			checkSchema(t, doc, media["schema"].(map[string]any), v, name)
		} else if ct == "application/zip" && !bytes.HasPrefix(rec.Body.Bytes(), []byte("PK")) {
			t.Errorf("%s: not a zip", name)
		}
	}
	for _, op := range documented(t, doc) {
		if !succeeded[op] {
			t.Errorf("%s: documented but never exercised with a success", op)
		}
	}
	if n := env.l.count(); n != 2 {
		t.Errorf("%d scans launched, want 2 (key, cookie with CSRF)", n)
	}
	ks, _ := env.db.APIKeys(ctx, "ed")
	for _, k := range ks {
		if k.Name == "ci" && k.LastUsed.IsZero() {
			t.Error("the key's last use is not recorded")
		}
	}
}

// createKey creates an API key on the dashboard and reads it from the page
// that shows it once.
func createKey(t *testing.T, c *client, name string) string {
	t.Helper()
	rec := c.post("/watch/keys", url.Values{"csrf": {c.csrf("/watch")}, "action": {"create"}, "name": {name}})
	m := regexp.MustCompile(`id="new-key">(vigie_[A-Za-z0-9_-]+)<`).FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		t.Fatalf("creating a key: %d", rec.Code)
	}
	if strings.Contains(c.get("/watch").Body.String(), m[1]) {
		t.Fatal("the key is shown again")
	}
	return m[1]
}

// TestAPICursor walks the findings by pages of two and gets each once.
func TestAPICursor(t *testing.T) {
	env := newEnv(t, nil)
	key := createKey(t, env.client().login("vi"), "k")
	all, _, _ := env.db.Query(t.Context(), store.Query{})
	var got []string
	cursor := ""
	for range 10 {
		req := httptest.NewRequest("GET", "/api/v1/findings?limit=2&cursor="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := serve(env, req)
		var p struct {
			Items []struct{ ID string } `json:"items"`
			Next  string                `json:"next_cursor"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 200 {
			t.Fatalf("page: %d %v", rec.Code, err)
		}
		for _, f := range p.Items {
			got = append(got, f.ID)
		}
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	var want []string
	for _, f := range all {
		want = append(want, f.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged IDs %v, want %v", got, want)
	}
}
