package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigie/farm"
)

// TestEvidenceCommands scans one farm site with evidence, then verifies,
// shows, exports and tampers with it through the command line.
func TestEvidenceCommands(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tmp := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(tmp, "data"))
	ca := filepath.Join(tmp, "ca.pem")
	os.WriteFile(ca, f.CACertPEM(), 0o600)
	vigie := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"vigie"}, args...), strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	dir := filepath.Join(tmp, "evidence")
	args := []string{"scan", "http://www.pref-ain.test/", "--db", "none", "--no-dns", "--ca-cert", ca, "--jsonl", "--evidence-dir", dir}
	for _, c := range f.ConnectTo() {
		args = append(args, "--connect-to", c)
	}
	code, out, errOut := vigie(args...)
	if code != 1 || !strings.Contains(errOut, "evidence: "+dir) {
		t.Fatalf("scan exit %d:\n%s", code, errOut)
	}
	ref := regexp.MustCompile(`warc:[^"]+`).FindString(out)
	id := regexp.MustCompile(`"id":"([0-9a-f]+)"`).FindStringSubmatch(out)
	if ref == "" || id == nil {
		t.Fatalf("no evidence reference in:\n%s", out)
	}

	code, out, _ = vigie("key", "show")
	if code != 0 || !strings.Contains(out, "BEGIN PUBLIC KEY") {
		t.Errorf("key show exit %d:\n%s", code, out)
	}
	fp := regexp.MustCompile(`sha256:[0-9a-f]{64}`).FindString(out)

	if code, out, errOut = vigie("evidence", "verify", dir); code != 0 || !strings.Contains(out, fp+" (this machine's key)") {
		t.Errorf("verify exit %d:\n%s%s", code, out, errOut)
	}
	if code, out, errOut = vigie("evidence", "show", ref, "--dir", dir); code != 0 || !strings.Contains(out, "WARC-Type: response") {
		t.Errorf("show exit %d:\n%s%s", code, out, errOut)
	}
	bundle := filepath.Join(tmp, "bundle.zip")
	if code, _, errOut = vigie("evidence", "export", id[1], "-o", bundle, "--dir", dir); code != 0 {
		t.Errorf("export exit %d: %s", code, errOut)
	}
	if code, out, errOut = vigie("evidence", "verify", bundle, "--key", filepath.Join(tmp, "data", "vigie", "keys", "ed25519.pub")); code != 0 || !strings.Contains(out, "OK: bundle") {
		t.Errorf("verify bundle exit %d:\n%s%s", code, out, errOut)
	}

	os.WriteFile(filepath.Join(dir, "manifest.json.sig"), []byte("AAAA\n"), 0o600)
	code, _, errOut = vigie("evidence", "verify", dir)
	if code == 0 || !strings.Contains(errOut, "does not verify (1 problem):\n  signature does not verify with key "+fp) {
		t.Errorf("verify of a bad signature exit %d:\n%s", code, errOut)
	}
}
