package evidence

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie/observation"
)

func testKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// contactPage holds identifiers of third parties, as an exposed page does.
const contactPage = `<html><body><h1>Annuaire</h1>
<p>Jean Dupont, jean.dupont@exemple-mairie.fr, 01 23 45 67 89</p>
<p>Marie Curie: marie.curie&#64;exemple.org, +33 6 12 34 56 78, NIR 2 84 05 75 123 456 07</p>
<p>IBAN FR76 3000 6000 0112 3456 7890 189</p>
<a href="mailto:paul%40exemple.net">écrire</a>
</body></html>`

// contactIdentifiers are the identifiers of contactPage that must never
// be stored unmasked.
var contactIdentifiers = []string{
	"jean.dupont@exemple-mairie.fr", "01 23 45 67 89", "marie.curie&#64;exemple.org", "+33 6 12 34 56 78",
	"2 84 05 75 123 456 07", "FR76 3000 6000 0112 3456 7890 189", "paul%40exemple.net",
	"Jean Dupont", "Marie Curie",
}

func exchange(rawURL string, status int, body string) observation.Exchange {
	u, _ := url.Parse(rawURL)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	ex := observation.Exchange{
		Method: "GET", URL: rawURL, Proto: "HTTP/1.1",
		RequestHeader: []observation.HeaderField{
			{Name: "Host", Value: u.Host},
			{Name: "User-Agent", Value: "Vigie/test"},
			{Name: "Accept-Encoding", Value: "gzip"},
		},
		LocalAddr: "127.0.0.1:50000", RemoteAddr: "127.0.0.1:443", Start: start, Received: start.Add(3 * time.Millisecond),
		Status: status, Reason: http.StatusText(status), ResponseProto: "HTTP/1.1",
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Server": {"test"}},
		Body:   []byte(body),
	}
	if u.Scheme == "https" {
		ex.TLS = &observation.TLSState{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ServerName: "www.exemple.test", Chain: [][]byte{[]byte("not really DER")}}
	}
	return ex
}

// testScan writes a small scan: two findings over three exchanges.
func testScan(t testing.TB, dir string, key ed25519.PrivateKey, keep bool) {
	t.Helper()
	a, err := Create(dir, ArchiveOptions{Scan: "20260301T100000Z-abcd", Version: "test", Targets: []string{"https://www.exemple.test/"},
		Key: key, KeepPersonalData: keep, Settings: map[string]string{"max_pages": "30"}})
	if err != nil {
		t.Fatal(err)
	}
	redirect := exchange("http://www.exemple.test/", 301, "moved")
	redirect.Header.Set("Location", "https://www.exemple.test/")
	page := exchange("https://www.exemple.test/contact", 200, contactPage)
	failed := observation.Exchange{Method: "GET", URL: "https://www.exemple.test/", Proto: "HTTP/1.1", Start: time.Now(), Error: "tls: certificate expired",
		TLS: &observation.TLSState{ServerName: "www.exemple.test", Chain: [][]byte{[]byte("der")}}}
	var refs []EvidenceRef
	for _, ex := range []observation.Exchange{redirect, page} {
		r, err := a.WriteExchange(&ex, "https://www.exemple.test/", []string{"f1"})
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, EvidenceRefOf(r))
	}
	r, err := a.WriteExchange(&failed, "https://www.exemple.test/", []string{"f2"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := a.WriteDocument("https://www.exemple.test/", "tls-probe", map[string]any{"host": "www.exemple.test"}, "https://www.exemple.test/", []string{"f2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []FindingEvidence{
		{ID: "f1", Check: "form.http-page", Site: "https://www.exemple.test/", URL: "https://www.exemple.test/contact", Evidence: refs},
		{ID: "f2", Check: "tls.cert-invalid", Site: "https://www.exemple.test/", URL: "https://www.exemple.test/", Evidence: []EvidenceRef{EvidenceRefOf(r), EvidenceRefOf(doc)}},
	} {
		if err := a.AddFinding(f); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Close(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Findings != 2 || res.Records != 8 {
		t.Errorf("closed with %d findings and %d records, want 2 and 8", res.Findings, res.Records)
	}
	// The spools and the manifest being written are gone.
	if hidden, _ := filepath.Glob(filepath.Join(a.Dir(), ".*")); len(hidden) > 0 {
		t.Errorf("files left behind: %v", hidden)
	}
}

// allText returns every file under dir as text, gzip members and zip
// entries decompressed, keyed by path.
func allText(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = decompress(t, b)
		return nil
	})
	return out
}

func decompress(t testing.TB, b []byte) string {
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		return string(b)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b)) // multistream: every member
	if err != nil {
		t.Fatal(err)
	}
	d, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(d)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// lines returns the spooled lines.
func (s *spool) lines() ([][]byte, error) {
	var out [][]byte
	err := s.each(func(b []byte) error {
		out = append(out, bytes.Clone(b))
		return nil
	})
	return out, err
}
