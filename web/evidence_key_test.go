package web

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/evidence"
	"vigie/finding"
	"vigie/observation"
	"vigie/store"
)

// evidenceEnv records a scan whose one finding cites an exchange kept in
// evidence signed with signer, and returns the dashboard (whose own key
// is own) and the finding's ID.
func evidenceEnv(t *testing.T, signer ed25519.PrivateKey, own ed25519.PublicKey) (*testEnv, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "scan")
	a, err := evidence.Create(dir, evidence.ArchiveOptions{Scan: "20261201T000000Z-e1e1", Version: "test", Targets: []string{"https://www.exemple.test/"}, Key: signer})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	ex := observation.Exchange{Method: "GET", URL: "http://www.exemple.test/contact", Proto: "HTTP/1.1", Start: start, Received: start,
		RequestHeader: []observation.HeaderField{{Name: "Host", Value: "www.exemple.test"}},
		Status:        200, Reason: "OK", ResponseProto: "HTTP/1.1", Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<form>")}
	ref, err := a.WriteExchange(&ex, "http://www.exemple.test/", nil)
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, func(o *Options) { o.OwnKey = own })
	ctx := t.Context()
	sc := &store.Scan{ID: "20261201T000000Z-e1e1", Started: start, Version: "test", Targets: 1, Settings: map[string]string{"evidence_dir": dir}}
	if err := env.db.BeginScan(ctx, sc); err != nil {
		t.Fatal(err)
	}
	f := finding.Finding{Check: "form.http-page", Severity: finding.High, Confidence: finding.Certain, URL: ex.URL, Location: ex.URL + "#form=1",
		Title: "Form on an HTTP page", Legal: []string{"GDPR art. 32"}, Evidence: []string{ref.String()}}
	if _, _, err := env.db.RecordSite(ctx, sc.ID, store.SiteResult{URL: "http://www.exemple.test", Started: start, Ended: start}, []finding.Finding{f}); err != nil {
		t.Fatal(err)
	}
	fs, _, err := env.db.Query(ctx, store.Query{Filter: store.Filter{Scan: sc.ID}})
	if err != nil || len(fs) != 1 {
		t.Fatalf("recorded finding: %v %d", err, len(fs))
	}
	if err := a.AddFinding(evidence.FindingEvidence{ID: fs[0].ID, Check: f.Check, Site: "http://www.exemple.test", URL: f.URL, Evidence: []evidence.EvidenceRef{evidence.EvidenceRefOf(ref)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Close(start); err != nil {
		t.Fatal(err)
	}
	return env, fs[0].ID
}

// TestEvidenceBadgeKey: the evidence is called verified only when signed
// with the server's own key; another key is named as such, in French
// and in English.
func TestEvidenceBadgeKey(t *testing.T) {
	newKey := func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	mine, theirs := newKey(), newKey()
	mineFP := evidence.Fingerprint(mine.Public().(ed25519.PublicKey))
	theirsFP := evidence.Fingerprint(theirs.Public().(ed25519.PublicKey))
	for _, tc := range []struct {
		name        string
		signer      ed25519.PrivateKey
		own         ed25519.PublicKey
		lang        string
		want, avoid []string
	}{
		{"own key", mine, mine.Public().(ed25519.PublicKey), "en", []string{`class="ok"`, "Signature and digests verified (key " + mineFP}, []string{"another key"}},
		{"another key", theirs, mine.Public().(ed25519.PublicKey), "en", []string{"Signed by another key: " + theirsFP}, []string{"verified (key", `<p class="ok">`}},
		{"another key, French", theirs, mine.Public().(ed25519.PublicKey), "fr", []string{"Signé par une autre clé : " + theirsFP}, []string{"vérifiées (clé"}},
		{"server without a key", theirs, nil, "en", []string{"Signed by another key: " + theirsFP}, []string{"verified (key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, id := evidenceEnv(t, tc.signer, tc.own)
			c := env.client().login("ed")
			c.header.Set("Accept-Language", tc.lang)
			rec := c.get("/findings/" + id)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(body, a) {
					t.Errorf("page has %q", a)
				}
			}
		})
	}
}
