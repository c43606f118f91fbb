package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/finding"
)

func TestEvidenceVerbs(t *testing.T) {
	f := startFarm(t)
	data := t.TempDir()
	db := filepath.Join(data, "vigie.db")
	o := farmScan(f, db, TargetSources{Args: []string{"http://www.pref-ain.test/", "https://www.mairie-annecy.test/"}})
	o.Evidence = EvidenceSettings{Archive: ArchiveFindings, DataDir: data}
	var out, errOut bytes.Buffer
	o.Format, o.Stdout, o.Stderr = "jsonl", &out, &errOut
	if _, err := Scan(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "evidence: "+filepath.Join(data, "evidence")) {
		t.Errorf("stderr does not say where the evidence is:\n%s", errOut.String())
	}
	var fs []finding.Finding
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var fd finding.Finding
		if err := json.Unmarshal(sc.Bytes(), &fd); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sc.Bytes(), []byte(`"record":"site"`)) {
			continue // the site record, not a finding
		}
		if len(fd.Evidence) == 0 {
			t.Errorf("finding %s (%s) has no evidence", fd.ID, fd.Check)
		}
		fs = append(fs, fd)
	}
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	dirs, _ := filepath.Glob(filepath.Join(data, "evidence", "*"))
	if len(dirs) != 1 {
		t.Fatalf("evidence directories %v", dirs)
	}
	dir := dirs[0]

	var buf bytes.Buffer
	if err := VerifyEvidence(VerifyOptions{Path: dir, DataDir: data, Stdout: &buf}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "OK: evidence directory") || !strings.Contains(buf.String(), "(this machine's key)") {
		t.Errorf("verify says %q", buf.String())
	}

	// Export finds the directory through the database, and without it.
	for _, dbName := range []string{db, "none"} {
		bundle := filepath.Join(t.TempDir(), "bundle.zip")
		buf.Reset()
		if err := ExportEvidence(context.Background(), ExportOptions{ID: fs[0].ID, Out: bundle, DB: dbName, DataDir: data, Stdout: &buf}); err != nil {
			t.Fatalf("db %s: %v", dbName, err)
		}
		buf.Reset()
		if err := VerifyEvidence(VerifyOptions{Path: bundle, DataDir: data, Stdout: &buf}); err != nil || !strings.Contains(buf.String(), "OK: bundle") {
			t.Errorf("bundle: %v %s", err, buf.String())
		}
	}
	// A case exports the evidence of all its findings in one bundle.
	cs, err := CaseOpen(context.Background(), CaseOpenOptions{DB: db, ScanID: scanOf(t, db), Stdout: &buf})
	if err != nil || len(cs) == 0 {
		t.Fatalf("opening cases: %v (%d)", err, len(cs))
	}
	bundle := filepath.Join(t.TempDir(), "case.zip")
	buf.Reset()
	if err := ExportEvidence(context.Background(), ExportOptions{ID: cs[0].ID, Out: bundle, DB: db, DataDir: data, Stdout: &buf}); err != nil {
		t.Fatalf("case export: %v", err)
	}
	if want := fmt.Sprintf("case %s, %d findings", cs[0].ID, len(cs[0].Findings)); !strings.Contains(buf.String(), want) {
		t.Errorf("case export says %q, want %q", buf.String(), want)
	}
	buf.Reset()
	if err := VerifyEvidence(VerifyOptions{Path: bundle, DataDir: data, Stdout: &buf}); err != nil || !strings.Contains(buf.String(), "OK: bundle") {
		t.Errorf("case bundle: %v %s", err, buf.String())
	}
	if err := ExportEvidence(context.Background(), ExportOptions{ID: "000000000000000000000000", Out: filepath.Join(t.TempDir(), "x.zip"), DB: db, DataDir: data}); err == nil {
		t.Error("exporting an unknown finding succeeded")
	}

	buf.Reset()
	if err := ShowRecord(ShowOptions{RecordID: fs[0].Evidence[0], DataDir: data, Stdout: &buf}); err != nil || !strings.Contains(buf.String(), "WARC/1.1") {
		t.Errorf("show: %v\n%s", err, buf.String())
	}
	buf.Reset()
	if err := ShowKey(&buf, data); err != nil || !strings.Contains(buf.String(), "ed25519 public key sha256:") || !strings.Contains(buf.String(), "BEGIN PUBLIC KEY") {
		t.Errorf("key show: %v\n%s", err, buf.String())
	}

	// A flipped byte: verify fails, naming the file.
	warcs, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	b, _ := os.ReadFile(warcs[0])
	b[len(b)/3] ^= 0x80
	os.WriteFile(warcs[0], b, 0o600)
	err = VerifyEvidence(VerifyOptions{Path: dir, DataDir: data, Stdout: &buf})
	if err == nil || !strings.Contains(err.Error(), "WARC file "+filepath.Base(warcs[0])+": sha256 mismatch") {
		t.Errorf("verify of a tampered directory: %v", err)
	}

	o.Evidence.Archive = "everything"
	if _, err := Scan(context.Background(), o); err == nil || !strings.Contains(err.Error(), "--archive") {
		t.Errorf("bad --archive: %v", err)
	}
}

// scanOf returns the ID of the latest scan recorded in db.
func scanOf(t *testing.T, db string) string {
	t.Helper()
	st, err := OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scans, err := st.Scans(context.Background(), 1)
	if err != nil || len(scans) != 1 {
		t.Fatalf("scans: %v, %v", scans, err)
	}
	return scans[0].ID
}
