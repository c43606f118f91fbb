package scan

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"vigie/evidence"
	"vigie/farm"
	"vigie/finding"
	"vigie/target"
)

// exposedPage collects personal data over plain HTTP and shows other
// people's identifiers, which evidence must not store unmasked.
const exposedPage = `<!DOCTYPE html><html lang="fr"><head><title>Contact</title></head><body>
<h1>Nous contacter</h1>
<p>Dernier message reçu de Jeanne Martin (jeanne.martin@exemple-perso.fr, 06 12 34 56 78).</p>
<p>Dossier de M. Petit : NIR 1 84 12 76 451 089 46, IBAN FR76 3000 6000 0112 3456 7890 189.</p>
<form method="post" action="/envoyer">
<label for="nom">Nom</label><input id="nom" name="nom">
<label for="email">Adresse électronique</label><input id="email" name="email" type="email">
<button>Envoyer</button></form></body></html>`

var exposedIdentifiers = []string{"jeanne.martin@exemple-perso.fr", "06 12 34 56 78", "1 84 12 76 451 089 46", "FR76 3000 6000 0112 3456 7890 189"}

func exposedServer(t *testing.T) target.Target {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, exposedPage)
	}))
	t.Cleanup(srv.Close)
	tg, err := target.Parse(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestEvidenceEndToEnd(t *testing.T) {
	// Hostile sites bring failed exchanges and bad certificates (TLS
	// findings); the one that never answers only brings a wait.
	f, err := farm.Start(farm.Options{Hostile: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var targets []target.Target
	for i, tg := range farmTargets(t, f) {
		if s := f.Sites()[i]; s.URL != tg.Input {
			t.Fatalf("target %d is %s, site %s", i, tg.Input, s.URL)
		} else if s.Archetype != "hung" {
			targets = append(targets, tg)
		}
	}
	targets = append(targets, exposedServer(t))
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	pub := key.Public().(ed25519.PublicKey)

	for _, keep := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "evidence")
		o := farmOptions(f)
		o.Evidence = &Evidence{Dir: dir, Key: key, KeepPersonalData: keep}
		var (
			mu  sync.Mutex
			all []finding.Finding
		)
		sum, err := Run(context.Background(), targets, o, func(r *Result) error {
			mu.Lock()
			defer mu.Unlock()
			all = append(all, r.Findings...)
			for _, p := range r.Site.Pages {
				if p.Exchanges != nil {
					t.Errorf("%s: exchanges kept after archiving", p.URL)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 10 || sum.Evidence == nil || sum.Evidence.Findings != len(all) {
			t.Fatalf("%d findings, evidence %+v", len(all), sum.Evidence)
		}
		checks := map[string]bool{}
		for _, fd := range all {
			checks[strings.SplitN(fd.Check, ".", 2)[0]] = true
			if len(fd.Evidence) == 0 {
				t.Errorf("finding %s (%s %s) has no evidence", fd.ID, fd.Check, fd.URL)
			}
			for _, ref := range fd.Evidence {
				if !strings.HasPrefix(ref, "warc:scan-"+sum.Scan.ID+"-00000.warc.gz#urn:uuid:") {
					t.Errorf("finding %s: evidence %q", fd.ID, ref)
				}
			}
		}
		if !checks["form"] || !checks["transport"] || !checks["tls"] {
			t.Errorf("check families covered: %v", checks)
		}

		rep, err := evidence.Verify(dir, evidence.VerifyOptions{TrustedKey: pub})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Findings != len(all) || rep.Scan != sum.Scan.ID {
			t.Fatalf("verify: %+v\n  %s", rep, strings.Join(rep.Problems, "\n  "))
		}
		var m evidence.Manifest
		raw, _ := os.ReadFile(filepath.Join(dir, evidence.ManifestFile))
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		if m.Settings["evidence_dir"] != dir || len(m.Targets) != len(targets) || m.Redaction.Masked == keep || len(m.Host.SourceAddresses) == 0 {
			t.Errorf("manifest: settings %v, %d targets, redaction %+v, host %+v", m.Settings, len(m.Targets), m.Redaction, m.Host)
		}

		// The exposed page's identifiers: masked everywhere unless kept.
		var form finding.Finding
		for _, fd := range all {
			if fd.Check == "form.http-page" && strings.HasPrefix(fd.URL, targets[len(targets)-1].URL) {
				form = fd
			}
		}
		if form.ID == "" {
			t.Fatal("no form.http-page finding on the exposed page")
		}
		out := filepath.Join(t.TempDir(), "bundle.zip")
		if _, err := evidence.Export(evidence.ExportOptions{Dir: dir, Findings: []string{form.ID}, Out: out}); err != nil {
			t.Fatal(err)
		}
		if rep, _ := evidence.Verify(out, evidence.VerifyOptions{TrustedKey: pub}); rep == nil || !rep.OK() {
			t.Fatalf("bundle: %+v", rep)
		}
		texts := treeText(t, dir)
		texts[out] = string(readAll(t, out))
		for _, id := range exposedIdentifiers {
			var where []string
			for p, text := range texts {
				if strings.Contains(text, id) {
					where = append(where, p)
				}
			}
			if keep != (len(where) > 0) {
				t.Errorf("keep=%v: identifier %q found in %v", keep, id, where)
			}
		}
	}
}

// treeText returns every file under dir, gzip members decompressed.
func treeText(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out[p] = string(readAll(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readAll reads a file: gzip members decompressed, and for a zip each
// entry, decompressed likewise.
func readAll(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(p, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var all []byte
		for _, f := range zr.File {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			d, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, gunzip(t, d)...)
		}
		return all
	}
	return gunzip(t, b)
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b)) // every member
	if err != nil {
		t.Fatal(err)
	}
	d, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEvidenceRedactsFarmExposure archives every exchange of the farm's
// exposure sites and greps the whole evidence directory, and a bundle,
// for the identifiers their pages expose: none may be stored unless
// personal data is kept.
func TestEvidenceRedactsFarmExposure(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	targets := exposureTargets(t, f)
	ids := farmIdentifiers(t)
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	for _, keep := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "evidence")
		o := farmOptions(f)
		o.Evidence = &Evidence{Dir: dir, Key: key, All: true, KeepPersonalData: keep}
		var exposure []string
		_, err := Run(context.Background(), targets, o, func(r *Result) error {
			for _, fd := range r.Findings {
				if strings.HasPrefix(fd.Check, "exposure.") {
					exposure = append(exposure, fd.ID)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(exposure) == 0 {
			t.Fatal("no exposure finding")
		}
		if rep, err := evidence.Verify(dir, evidence.VerifyOptions{}); err != nil || !rep.OK() {
			t.Fatalf("verify: %v %+v", err, rep)
		}
		out := filepath.Join(t.TempDir(), "bundle.zip")
		if _, err := evidence.Export(evidence.ExportOptions{Dir: dir, Findings: exposure, Out: out}); err != nil {
			t.Fatal(err)
		}
		texts := treeText(t, dir)
		texts[out] = string(readAll(t, out))
		found := 0
		for _, id := range ids {
			for p, text := range texts {
				if strings.Contains(text, id) {
					found++
					if !keep {
						t.Errorf("identifier %q stored in %s", id, p)
					}
					break
				}
			}
		}
		if keep && found < len(ids)/2 {
			t.Errorf("keep: only %d of %d identifiers stored", found, len(ids))
		}
	}
}
