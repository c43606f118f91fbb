package evidence

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"vigie/internal/testtool"
)

func mustVerify(t *testing.T, path string, o VerifyOptions) *Report {
	t.Helper()
	rep, err := Verify(path, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// wantProblem fails unless one of rep's problems contains every part.
func wantProblem(t *testing.T, rep *Report, parts ...string) {
	t.Helper()
	for _, p := range rep.Problems {
		ok := true
		for _, part := range parts {
			ok = ok && strings.Contains(p, part)
		}
		if ok {
			return
		}
	}
	t.Errorf("no problem mentions %q; problems:\n  %s", parts, strings.Join(rep.Problems, "\n  "))
}

func TestVerifyUntouched(t *testing.T) {
	dir := t.TempDir()
	key := testKey(t)
	testScan(t, dir, key, false)
	rep := mustVerify(t, dir, VerifyOptions{TrustedKey: key.Public().(ed25519.PublicKey)})
	if !rep.OK() {
		t.Fatalf("problems:\n  %s", strings.Join(rep.Problems, "\n  "))
	}
	if rep.Findings != 2 || rep.Records != 8 || rep.Files != 1 || rep.Key != Fingerprint(key.Public().(ed25519.PublicKey)) {
		t.Errorf("report %+v", rep)
	}
	// Hidden spool files are gone; the key and signature are there.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "ed25519.pub manifest.json manifest.json.sig scan-20260301T100000Z-abcd-00000.warc.gz" {
		t.Errorf("directory holds %s", got)
	}
}

func TestVerifyTampering(t *testing.T) {
	key := testKey(t)
	src := t.TempDir()
	testScan(t, src, key, false)
	warcName := "scan-20260301T100000Z-abcd-00000.warc.gz"

	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		opts   VerifyOptions
		want   [][]string
	}{
		{
			name: "one byte flipped in a WARC file",
			tamper: func(t *testing.T, dir string) {
				p := filepath.Join(dir, warcName)
				b, _ := os.ReadFile(p)
				b[len(b)/2] ^= 0x01
				os.WriteFile(p, b, 0o600)
			},
			want: [][]string{{"WARC file " + warcName + ": sha256 mismatch (manifest "}},
		},
		{
			name: "finding deleted from the manifest",
			tamper: func(t *testing.T, dir string) {
				editManifest(t, dir, func(m map[string]any) {
					fs := m["findings"].([]any)
					m["findings"] = fs[1:] // drops f1
				})
			},
			want: [][]string{
				{"signature does not verify with key " + Fingerprint(key.Public().(ed25519.PublicKey))},
				{"finding f1: named by record", "but missing from the manifest"},
			},
		},
		{
			name: "key swapped and manifest re-signed",
			tamper: func(t *testing.T, dir string) {
				other := testKey(t)
				pub := other.Public().(ed25519.PublicKey)
				raw := editManifest(t, dir, func(m map[string]any) {
					m["key"].(map[string]any)["fingerprint"] = Fingerprint(pub)
				})
				os.WriteFile(filepath.Join(dir, PublicKeyFile), EncodePublicKey(pub), 0o600)
				os.WriteFile(filepath.Join(dir, SignatureFile), Sign(other, raw), 0o600)
			},
			opts: VerifyOptions{TrustedKey: key.Public().(ed25519.PublicKey)},
			want: [][]string{
				{"not the trusted key " + Fingerprint(key.Public().(ed25519.PublicKey))},
				{"signature does not verify with key " + Fingerprint(key.Public().(ed25519.PublicKey))},
			},
		},
		{
			name: "public key file swapped",
			tamper: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, PublicKeyFile), EncodePublicKey(testKey(t).Public().(ed25519.PublicKey)), 0o600)
			},
			want: [][]string{{"but the manifest names key " + Fingerprint(key.Public().(ed25519.PublicKey))}, {"signature does not verify with key "}},
		},
		{
			name:   "WARC file removed",
			tamper: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, warcName)) },
			want:   [][]string{{"WARC file " + warcName + ": missing"}, {"finding f1: record <urn:uuid:", "not found"}},
		},
		{
			name: "record digest changed in the manifest",
			tamper: func(t *testing.T, dir string) {
				editManifest(t, dir, func(m map[string]any) {
					f := m["findings"].([]any)[0].(map[string]any)
					f["evidence"].([]any)[0].(map[string]any)["payload_sha256"] = strings.Repeat("0", 64)
				})
			},
			want: [][]string{{"finding f1: record <urn:uuid:", "payload sha256 mismatch (manifest 0000"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, src, dir)
			tt.tamper(t, dir)
			rep := mustVerify(t, dir, tt.opts)
			if rep.OK() {
				t.Fatal("tampered evidence verifies")
			}
			for _, w := range tt.want {
				wantProblem(t, rep, w...)
			}
		})
	}
}

func editManifest(t *testing.T, dir string, edit func(map[string]any)) []byte {
	t.Helper()
	p := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ = json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600)
	}
}

func TestExportBundle(t *testing.T) {
	dir := t.TempDir()
	key := testKey(t)
	testScan(t, dir, key, false)
	out := filepath.Join(t.TempDir(), "bundle.zip")
	res, err := Export(ExportOptions{Dir: dir, Findings: []string{"f1"}, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Findings != 1 || res.Records != 6 {
		t.Errorf("exported %+v, want 1 finding and its 6 records", res)
	}
	rep := mustVerify(t, out, VerifyOptions{TrustedKey: key.Public().(ed25519.PublicKey)})
	if !rep.OK() || !rep.Bundle || rep.Findings != 1 || rep.Records != 6 {
		t.Fatalf("bundle: %+v\n  %s", rep, strings.Join(rep.Problems, "\n  "))
	}

	files := unzip(t, out)
	for _, name := range []string{ManifestFile, SignatureFile, PublicKeyFile, ExtractFile, BundleWARCFile, SummaryTextFile, SummaryHTMLFile} {
		if _, ok := files[name]; !ok {
			t.Errorf("bundle lacks %s", name)
		}
	}
	text := files[SummaryTextFile]
	for _, want := range []string{"Finding f1: form.http-page", "HTTP/1.1 200 OK", "GET /contact HTTP/1.1", "server 127.0.0.1",
		"Vigie test", "masked: email=", "TLS: TLS 1.3, TLS_AES_128_GCM_SHA256", "connection from 127.0.0.1:50000"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary.txt lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "tls.cert-invalid") || !strings.Contains(files[SummaryHTMLFile], "<code>GET /contact HTTP/1.1</code>") {
		t.Errorf("summary covers the wrong findings or the HTML is wrong")
	}
	if strings.Contains(decompress(t, []byte(files[BundleWARCFile])), "certificate expired") {
		t.Error("bundle carries records of another finding")
	}

	// A record changed inside the bundle, or a finding added to the
	// extract, no longer verifies.
	files[BundleWARCFile] = string(rewriteWARC(t, []byte(files[BundleWARCFile]), func(b []byte) []byte {
		return bytes.Replace(b, []byte("Annuaire"), []byte("Annuairf"), 1)
	}))
	bad := filepath.Join(t.TempDir(), "bad.zip")
	rezip(t, bad, files)
	rep = mustVerify(t, bad, VerifyOptions{})
	wantProblem(t, rep, "block digest mismatch")
	wantProblem(t, rep, "sha256 mismatch (manifest")

	files = unzip(t, out)
	var ex map[string]any
	json.Unmarshal([]byte(files[ExtractFile]), &ex)
	ex["findings"] = append(ex["findings"].([]any), map[string]any{"id": "forged", "check": "x", "evidence": []any{}})
	b, _ := json.Marshal(ex)
	files[ExtractFile] = string(b)
	rezip(t, bad, files)
	wantProblem(t, mustVerify(t, bad, VerifyOptions{}), "finding forged: not in the signed manifest")

	// Show finds a record in the bundle and in the directory.
	var m Manifest
	raw, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	json.Unmarshal(raw, &m)
	ref := m.Findings[0].Evidence[1].Ref
	for _, p := range []string{out, dir} {
		var buf bytes.Buffer
		if err := Show(&buf, p, ref); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "WARC-Type: response") || !strings.Contains(buf.String(), "[masked:email]") {
			t.Errorf("Show(%s):\n%s", p, buf.String())
		}
	}
	if err := Show(io.Discard, dir, "urn:uuid:00000000-0000-4000-8000-000000000000"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Show of an unknown record: %v", err)
	}

	if _, err := Export(ExportOptions{Dir: dir, Findings: []string{"nope"}, Out: filepath.Join(t.TempDir(), "x.zip")}); err == nil || !strings.Contains(err.Error(), "finding nope is not in the evidence") {
		t.Errorf("export of an unknown finding: %v", err)
	}
}

func unzip(t *testing.T, p string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(b)
	}
	return out
}

func rezip(t *testing.T, p string, files map[string]string) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	// Sorted, so that which entry crosses a limit first does not vary.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, _ := zw.Create(name)
		w.Write([]byte(files[name]))
	}
	zw.Close()
	f.Close()
}

// rewriteWARC re-encodes every record of a WARC file, one gzip member
// each, after edit changed its block.
func rewriteWARC(t *testing.T, warc []byte, edit func([]byte) []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	err := ReadWARC(bytes.NewReader(warc), func(r *WARCRecord) error {
		var rec bytes.Buffer
		rec.WriteString(r.Version + "\r\n")
		for _, f := range r.Fields {
			rec.WriteString(f.Name + ": " + f.Value + "\r\n")
		}
		rec.WriteString("\r\n")
		rec.Write(edit(r.Block))
		rec.WriteString("\r\n\r\n")
		zw := gzip.NewWriter(&out)
		zw.Write(rec.Bytes())
		return zw.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestVerifyRolledOverAndEmpty covers a scan spread over several WARC
// files, and one that archived nothing.
func TestVerifyRolledOverAndEmpty(t *testing.T) {
	key := testKey(t)
	dir := t.TempDir()
	a, err := Create(dir, ArchiveOptions{Scan: "s1", Version: "test", Key: key, MaxFileSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		ex := exchange("https://www.exemple.test/page"+strings.Repeat("x", i), 200, contactPage)
		ref, err := a.WriteExchange(&ex, "https://www.exemple.test/", []string{"f" + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		a.AddFinding(FindingEvidence{ID: "f" + string(rune('a'+i)), Check: "c", Site: "https://www.exemple.test/", URL: ex.URL, Evidence: []EvidenceRef{EvidenceRefOf(ref)}})
	}
	res, err := a.Close(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 3 || res.Findings != 10 || res.Records != 30 {
		t.Fatalf("result %+v", res)
	}
	rep := mustVerify(t, dir, VerifyOptions{})
	if !rep.OK() || rep.Files != len(res.Files) || rep.Records != 30 {
		t.Fatalf("report %+v\n  %s", rep, strings.Join(rep.Problems, "\n  "))
	}
	out := filepath.Join(t.TempDir(), "b.zip")
	if _, err := Export(ExportOptions{Dir: dir, Findings: []string{"fj", "fa"}, Out: out}); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, out, VerifyOptions{}); !rep.OK() || rep.Records != 6 || rep.Findings != 2 {
		t.Errorf("bundle %+v\n  %s", rep, strings.Join(rep.Problems, "\n  "))
	}

	empty := t.TempDir()
	a, err = Create(empty, ArchiveOptions{Scan: "s2", Version: "test", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Close(time.Now()); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, empty, VerifyOptions{}); !rep.OK() || rep.Files != 0 {
		t.Errorf("empty: %+v", rep)
	}
	if _, err := Create(empty, ArchiveOptions{Scan: "s3", Key: key}); err == nil {
		t.Error("a second scan was let into a directory holding one")
	}
}

func TestDiscard(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "scan")
	a, err := Create(dir, ArchiveOptions{Scan: "s", Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	ex := exchange("https://www.exemple.test/", 200, "<p>x</p>")
	if _, err := a.WriteExchange(&ex, "https://www.exemple.test/", nil); err != nil {
		t.Fatal(err)
	}
	a.Discard()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(dir)
		t.Errorf("directory left behind: %v %v", err, entries)
	}
	if _, err := a.Close(time.Now()); err == nil {
		t.Error("a discarded archive closed")
	}
}

// TestSignatureOpenSSL checks a manifest's signature with OpenSSL, as the
// bundle summary tells readers without Vigie to do.
func TestSignatureOpenSSL(t *testing.T) {
	openssl := testtool.Need(t, "openssl")
	dir := t.TempDir()
	testScan(t, dir, testKey(t), false)
	sig, err := os.ReadFile(filepath.Join(dir, SignatureFile))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "manifest.sig"), raw, 0o600)
	verify := func() (string, error) {
		cmd := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", PublicKeyFile, "-rawin", "-in", ManifestFile, "-sigfile", "manifest.sig")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := verify(); err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	editManifest(t, dir, func(m map[string]any) { m["scan"] = "forged" })
	if out, err := verify(); err == nil {
		t.Errorf("openssl verifies a changed manifest:\n%s", out)
	}
}
