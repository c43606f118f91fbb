package alert

import (
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/finding"
	"vigie/internal/smtptest"
	"vigie/store"
	"vigie/store/sqlite"
)

const site = "https://www.example.test/"

func fnd(check, url string, sev finding.Severity) finding.Finding {
	return finding.Finding{Check: check, Severity: sev, Site: site, URL: url, Location: url, Title: check + " title", Organisation: "Org",
		Detail: map[string]any{"fields": []any{map[string]any{"name": "nom", "value": "Jean Dupont"}}}}
}

// history records two scans of one site: the second brings a high
// failure and an info note, and fixes a medium failure.
func history(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	for i, fs := range [][]finding.Finding{
		{fnd("transport.hsts", site, finding.Medium)},
		{fnd("form.http-action", site+"contact.html", finding.High), fnd("tls.no-tls13", site, finding.Info)},
	} {
		sc := &store.Scan{Started: t0.Add(time.Duration(i) * 24 * time.Hour), Targets: 1}
		if err := db.BeginScan(ctx, sc); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.RecordSite(ctx, sc.ID, store.SiteResult{URL: site, Organisation: "Org", Started: sc.Started, Ended: sc.Started}, fs); err != nil {
			t.Fatal(err)
		}
		if err := db.EndScan(ctx, sc.ID, sc.Started.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if err := db.PutUser(ctx, store.User{Name: "dpo", Role: store.RoleViewer, PasswordHash: "x", Created: t0}); err != nil {
				t.Fatal(err)
			}
			return db, sc.ID
		}
	}
	panic("unreachable")
}

type receiver struct {
	mu     sync.Mutex
	fail   int // answer 503 to that many requests first
	bodies [][]byte
	errs   []error
	secret string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if err := Verify(r.secret, req.Header.Get(HeaderTimestamp), req.Header.Get(HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		r.errs = append(r.errs, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.bodies = append(r.bodies, body)
}

func TestImmediateWebhookAndEmail(t *testing.T) {
	db, scanID := history(t)
	ctx := t.Context()
	mail := smtptest.Start(t)
	rcv := &receiver{fail: 2, secret: "s3cret"}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	for _, s := range []*store.Subscription{
		{User: "dpo", Email: "dpo@example.org", Webhook: hook.URL, Secret: "s3cret", Lang: "fr", MinSeverity: "low", Digest: store.DigestImmediate, Fixes: true},
		{User: "dpo", Email: "chief@example.org", Lang: "en", MinSeverity: "critical", Digest: store.DigestImmediate},
		{User: "dpo", Email: "other@example.org", Lang: "en", Groups: []string{"other"}, MinSeverity: "low", Digest: store.DigestImmediate},
	} {
		if err := db.CreateSubscription(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	d := New(Options{Store: db, AllowPrivate: true, Backoff: time.Millisecond, Dashboard: "https://vigie.example",
		SMTP: SMTP{Addr: mail.Addr, ServerName: mail.Name, RootCAs: mail.Roots, Username: mail.User, Password: mail.Password, From: "Vigie <vigie@example.org>"}})
	if err := d.ScanFinished(ctx, "nightly", "prefectures", scanID); err != nil {
		t.Fatal(err)
	}
	// The webhook: retried past two 503s, signed, the high failure new, the
	// medium one fixed, the info note absent, no detail.
	if len(rcv.bodies) != 1 || len(rcv.errs) != 0 {
		t.Fatalf("webhook got %d verified bodies, errors %v", len(rcv.bodies), rcv.errs)
	}
	var p Payload
	if err := json.Unmarshal(rcv.bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Alerts) != 1 || len(p.Alerts[0].New) != 1 || p.Alerts[0].New[0].Check != "form.http-action" ||
		len(p.Alerts[0].Fixed) != 1 || p.Alerts[0].Fixed[0].Check != "transport.hsts" || p.Alerts[0].Group != "prefectures" {
		t.Errorf("payload = %s", rcv.bodies[0])
	}
	if strings.Contains(string(rcv.bodies[0]), "Dupont") || strings.Contains(string(rcv.bodies[0]), "tls.no-tls13") {
		t.Errorf("payload carries a detail or a note: %s", rcv.bodies[0])
	}
	ds, _ := db.Deliveries(ctx, "", 0)
	var failed, sent int
	for _, x := range ds {
		if x.Channel == "webhook" && x.Status == "failed" {
			failed++
		}
		if x.Status == "sent" {
			sent++
		}
	}
	if failed != 2 || sent != 2 {
		t.Errorf("delivery log: %d failed webhook attempts, %d sent; want 2 and 2 (%+v)", failed, sent, ds)
	}
	// Emails: one to the French subscriber; none to the critical-only one
	// (nothing critical) nor to the other group's.
	mail.Wait(1, 5*time.Second)
	time.Sleep(50 * time.Millisecond) // a second email would be late
	msgs := mail.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "dpo@example.org" || !msgs[0].TLS || msgs[0].User != mail.User {
		t.Fatalf("emails = %+v", msgs)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(msgs[0].Data[strings.Index(string(msgs[0].Data), "\r\n\r\n"):]))))
	for _, want := range []string{"Nouveaux manquements", "form.http-action", "https://www.example.test/contact.html", "Corrigés", "https://vigie.example/findings/"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("email lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(string(body), "tls.no-tls13") || strings.Contains(string(body), "Dupont") {
		t.Errorf("email carries a note or a detail:\n%s", body)
	}
}

func TestDailyDigest(t *testing.T) {
	db, scanID := history(t)
	ctx := t.Context()
	mail := smtptest.Start(t)
	s := &store.Subscription{User: "dpo", Email: "dpo@example.org", Lang: "en", MinSeverity: "high", Digest: store.DigestDaily}
	if err := db.CreateSubscription(ctx, s); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Store: db, Backoff: time.Millisecond,
		SMTP: SMTP{Addr: mail.Addr, ServerName: mail.Name, RootCAs: mail.Roots, Username: mail.User, Password: mail.Password, From: "vigie@example.org"}})
	for range 2 {
		if err := d.ScanFinished(ctx, "a", "g", scanID); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(mail.Messages()); n != 0 {
		t.Fatalf("a daily subscriber got %d emails before the digest", n)
	}
	if err := d.FlushDigests(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := mail.Wait(1, 5*time.Second)
	if len(msgs) != 1 || !strings.Contains(string(msgs[0].Data), "Subject: Vigie: 2 new, 0 back, 0 fixed") {
		t.Fatalf("digest = %+v", msgs)
	}
	if q, _ := db.QueuedAlerts(ctx, s.ID); len(q) != 0 {
		t.Errorf("%d alerts still queued after the digest", len(q))
	}
}

func TestEmailRefusesWrongPasswordAndPlainServers(t *testing.T) {
	db, scanID := history(t)
	ctx := t.Context()
	mail := smtptest.Start(t)
	if err := db.CreateSubscription(ctx, &store.Subscription{User: "dpo", Email: "dpo@example.org", MinSeverity: "low", Digest: store.DigestImmediate}); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Store: db, Attempts: 2, Backoff: time.Millisecond,
		SMTP: SMTP{Addr: mail.Addr, ServerName: mail.Name, RootCAs: mail.Roots, Username: mail.User, Password: "wrong", From: "vigie@example.org"}})
	err := d.ScanFinished(ctx, "a", "g", scanID)
	if err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Errorf("wrong password: %v", err)
	}
	ds, _ := db.Deliveries(ctx, "", 0)
	if len(ds) != 2 || ds[0].Status != "failed" {
		t.Errorf("delivery log = %+v, want two failed attempts", ds)
	}
}

func TestVerifyRefusesReplay(t *testing.T) {
	body := []byte(`{"event":"vigie.alert"}`)
	now := time.Unix(1_800_000_000, 0)
	sig := Sign("k", now.Unix(), body)
	for _, c := range []struct {
		name      string
		ts, sig   string
		body      []byte
		at        time.Time
		wantError bool
	}{
		{"fresh", "1800000000", sig, body, now.Add(time.Minute), false},
		{"replayed later", "1800000000", sig, body, now.Add(time.Hour), true},
		{"body changed", "1800000000", sig, []byte(`{"event":"x"}`), now, true},
		{"timestamp changed", "1800000001", sig, body, now, true},
		{"no timestamp", "", sig, body, now, true},
	} {
		if err := Verify("k", c.ts, c.sig, c.body, c.at, 5*time.Minute); (err != nil) != c.wantError {
			t.Errorf("%s: Verify = %v", c.name, err)
		}
	}
}

func TestWebhookRefusesPrivateAddresses(t *testing.T) {
	db, scanID := history(t)
	ctx := t.Context()
	hook := httptest.NewServer(&receiver{secret: "k"})
	defer hook.Close()
	if err := db.CreateSubscription(ctx, &store.Subscription{User: "dpo", Webhook: hook.URL, Secret: "k", MinSeverity: "low", Digest: store.DigestImmediate}); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Store: db, Attempts: 1})
	if err := d.ScanFinished(ctx, "a", "g", scanID); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("webhook to loopback without AllowPrivate: %v", err)
	}
}
