package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/farm"
)

// TestReportCommand: `vigie report` on the command line writes the latest
// scan as `vigie scan` wrote it.
func TestReportCommand(t *testing.T) {
	f, err := farm.StartPrefectures(3, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	dir := t.TempDir()
	db, ca := filepath.Join(dir, "vigie.db"), filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, f.CACertPEM(), 0o644)
	args := []string{"vigie", "scan", "--db", db, "--no-dns", "--ca-cert", ca, "--timeout", "3s", "--jsonl", "-o", filepath.Join(dir, "scan.jsonl")}
	for _, c := range f.ConnectTo() {
		args = append(args, "--connect-to", c)
	}
	for _, s := range f.Sites() {
		args = append(args, s.URL)
	}
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), args, strings.NewReader(""), &stdout, &stderr); code != 1 {
		t.Fatalf("scan: exit %d: %s", code, stderr.String())
	}
	stdout.Reset()
	if code := run(t.Context(), []string{"vigie", "report", "--db", db, "--jsonl"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr.String())
	}
	want, _ := os.ReadFile(filepath.Join(dir, "scan.jsonl"))
	if len(want) == 0 || !bytes.Equal(stdout.Bytes(), want) {
		t.Errorf("report =\n%s\nscan wrote\n%s", stdout.Bytes(), want)
	}
	if code := run(t.Context(), []string{"vigie", "report", "--db", db, "--jsonl", "--sarif"}, strings.NewReader(""), &stdout, &stderr); code != 2 {
		t.Errorf("two formats: exit %d", code)
	}
}
