package runner

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/alert"
	"vigie/farm"
	"vigie/internal/smtptest"
	"vigie/store"
	"vigie/store/sqlite"
	"vigie/web"
)

// hookReceiver keeps the webhook payloads whose signature verifies.
type hookReceiver struct {
	secret string
	mu     sync.Mutex
	got    []alert.Payload
	bad    int
	seen   chan struct{}
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := alert.Verify(h.secret, r.Header.Get(alert.HeaderTimestamp), r.Header.Get(alert.HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		h.mu.Lock()
		h.bad++
		h.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p alert.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.got = append(h.got, p)
	h.mu.Unlock()
	h.seen <- struct{}{}
}

// TestWatchEndToEnd: vigie watch rescans a group of farm sites on a
// schedule; between runs a site's contact form moves to HTTP, is fixed,
// and moves back. The local SMTP server (go-smtp with STARTTLS and AUTH)
// and a local webhook receiver get alerts naming the finding, and the API
// lists it with an API key, refusing without one or with a revoked one.
func TestWatchEndToEnd(t *testing.T) {
	f := startFarm(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "vigie.db")
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	const site = "https://www.pref-allier.test/" // the farm's pref-ok: done right
	steady := "https://www.mairie-bourg-en-bresse.test/"
	if err := db.PutUser(ctx, store.User{Name: "dpo", Role: store.RoleEditor, PasswordHash: "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateGroup(ctx, store.Group{Name: "préfectures", Sites: []string{site, steady}, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	mail := smtptest.Start(t)
	hook := &hookReceiver{secret: "webhook-secret", seen: make(chan struct{}, 16)}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	sub := &store.Subscription{User: "dpo", Email: "dpo@example.org", Webhook: hookSrv.URL, Secret: hook.secret, Lang: "fr",
		Groups: []string{"préfectures"}, MinSeverity: "low", Digest: store.DigestImmediate, Fixes: true, Created: time.Now()}
	if err := db.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	due := func() {
		t.Helper()
		if err := db.PutSchedule(ctx, store.Schedule{Name: "nuit", Kind: store.ScheduleScan, Group: "préfectures", Every: 24 * time.Hour,
			Created: time.Now(), NextRun: time.Now().Add(-time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	due()

	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, WatchOptions{
			DB: dbPath, DataDir: filepath.Join(dir, "data"), AllowPrivate: true, Fetch: farmFetch(f), Concurrency: 4, MaxScans: 1,
			Watch: WatchSettings{Tick: 50 * time.Millisecond, WebhookPrivate: true, Backoff: 10 * time.Millisecond, Dashboard: "https://vigie.example",
				SMTP: alert.SMTP{Addr: mail.Addr, ServerName: mail.Name, RootCAs: mail.Roots, Username: mail.User, Password: mail.Password, From: "Vigie <vigie@example.org>"}},
			Started: func() { close(started) },
		})
	}()
	<-started

	// run waits for the next scheduled run to be recorded.
	lastScan := ""
	run := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			ss, err := db.Schedules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ss) == 1 && ss[0].LastScan != "" && ss[0].LastScan != lastScan {
				if ss[0].LastError != "" {
					t.Fatalf("%s: run failed: %s", what, ss[0].LastError)
				}
				lastScan = ss[0].LastScan
				return lastScan
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("%s: no scheduled run", what)
		return ""
	}
	waitHook := func(what string) alert.Payload {
		t.Helper()
		select {
		case <-hook.seen:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: no webhook", what)
		}
		hook.mu.Lock()
		defer hook.mu.Unlock()
		return hook.got[len(hook.got)-1]
	}

	// Run 1: both sites done right; nothing alerts (notes never do).
	run("baseline")
	time.Sleep(200 * time.Millisecond)
	if n := len(hook.got); n != 0 {
		t.Fatalf("baseline alerted %d times: %+v", n, hook.got)
	}
	if n := len(mail.Messages()); n != 0 {
		t.Fatalf("baseline emailed %d times", n)
	}

	// Run 2: the contact form now posts over HTTP.
	if err := f.ServeAs(farm.SiteID(site), "action-http"); err != nil {
		t.Fatal(err)
	}
	due()
	scan2 := run("form to HTTP")
	p := waitHook("form to HTTP")
	if len(p.Alerts) != 1 || len(p.Alerts[0].New) == 0 || p.Alerts[0].Scan != scan2 {
		t.Fatalf("webhook after the form moved to HTTP: %+v", p)
	}
	var formID string
	for _, it := range p.Alerts[0].New {
		if it.Check == farm.CheckHTTPAction && it.URL == "https://www.pref-allier.test/contact.html" {
			formID = it.ID
		}
		if it.Site != farm.SiteID(site) || it.Severity == "info" {
			t.Errorf("alerted item %+v: another site, or a note", it)
		}
	}
	if formID == "" {
		t.Fatalf("no %s on the contact page in %+v", farm.CheckHTTPAction, p.Alerts[0].New)
	}

	// Run 3: fixed. Run 4: back to HTTP, a regression.
	if err := f.ServeAs(farm.SiteID(site), "pref-ok"); err != nil {
		t.Fatal(err)
	}
	due()
	run("fixed")
	p = waitHook("fixed")
	if len(p.Alerts[0].Fixed) == 0 || !hasItem(p.Alerts[0].Fixed, formID) {
		t.Errorf("webhook after the fix does not list %s fixed: %+v", formID, p.Alerts[0])
	}
	if err := f.ServeAs(farm.SiteID(site), "action-http"); err != nil {
		t.Fatal(err)
	}
	due()
	scan4 := run("regressed")
	p = waitHook("regressed")
	if !hasItem(p.Alerts[0].Regressed, formID) || p.Alerts[0].Group != "préfectures" || p.Alerts[0].Schedule != "nuit" {
		t.Errorf("webhook after the regression does not name %s regressed: %+v", formID, p.Alerts[0])
	}
	if hook.bad != 0 {
		t.Errorf("%d webhook requests failed verification", hook.bad)
	}

	// Emails: one per alerting run, over STARTTLS, authenticated, in
	// French, naming the finding.
	msgs := mail.Wait(3, 30*time.Second)
	if len(msgs) != 3 {
		t.Fatalf("%d emails, want 3 (new, fixed, regressed)", len(msgs))
	}
	last := msgs[2]
	body := decodeMail(t, last.Data)
	if !last.TLS || last.User != mail.User || last.To[0] != "dpo@example.org" {
		t.Errorf("email: TLS %v, user %q, to %v", last.TLS, last.User, last.To)
	}
	for _, want := range []string{"Manquements revenus après correction", formID, farm.CheckHTTPAction, "https://www.pref-allier.test/contact.html", "https://vigie.example/findings/" + formID} {
		if !strings.Contains(body, want) {
			t.Errorf("regression email lacks %q:\n%s", want, body)
		}
	}
	// The sender logs a delivery once the server has answered: the last
	// one may be logged just after the message arrived.
	var ds []store.Delivery
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ds, _ = db.Deliveries(ctx, "dpo", 0)
		if len(ds) >= 6 || time.Now().After(deadline) {
			break
		}
	}
	if len(ds) != 6 {
		t.Errorf("%d deliveries logged, want 6 (3 emails, 3 webhooks)", len(ds))
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Watch: %v", err)
	}

	// The API lists the regressed finding with a key, and refuses without
	// one or with a revoked one; its evidence bundle is served.
	srv, err := web.New(web.Options{Store: db, Browser: db, Accounts: db, Cases: db, Watch: db,
		EvidenceRoot: filepath.Join(dir, "data", "evidence"), FilesDir: filepath.Join(dir, "files")})
	if err != nil {
		t.Fatal(err)
	}
	key, err := srv.CreateAPIKey(t.Context(), "dpo", "e2e")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	rec := get("/api/v1/findings?state=regressed&scan="+scan4, key)
	var page struct {
		Items []struct {
			ID, Check, URL string
		} `json:"items"`
	}
	err = json.Unmarshal(rec.Body.Bytes(), &page)
	listed := false
	for _, it := range page.Items {
		listed = listed || it.ID == formID
	}
	if err != nil || rec.Code != 200 || !listed {
		t.Errorf("API regressed findings do not list %s: %d %s", formID, rec.Code, rec.Body.String())
	}
	if rec := get("/api/v1/findings/"+formID+"/bundle", key); rec.Code != 200 || !isZip(rec.Body.Bytes()) {
		t.Errorf("API evidence bundle: %d", rec.Code)
	}
	if rec := get("/api/v1/findings?state=regressed", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("API without a key: %d", rec.Code)
	}
	keys, _ := db.APIKeys(t.Context(), "dpo")
	if err := db.RevokeAPIKey(t.Context(), "dpo", keys[0].ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if rec := get("/api/v1/findings?state=regressed", key); rec.Code != http.StatusUnauthorized {
		t.Errorf("API with a revoked key: %d", rec.Code)
	}
}

func hasItem(items []alert.Item, id string) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

func isZip(b []byte) bool {
	_, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	return err == nil
}

func decodeMail(t *testing.T, data []byte) string {
	t.Helper()
	_, body, ok := strings.Cut(string(data), "\r\n\r\n")
	if !ok {
		t.Fatalf("email without a body")
	}
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
