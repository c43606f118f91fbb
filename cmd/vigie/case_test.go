package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/farm"
	"vigie/store/sqlite"
)

// TestCaseCommands drives the case and organisation verbs in-process over
// a small prefecture farm, in order, each step reading the previous one's
// database.
func TestCaseCommands(t *testing.T) {
	f, err := farm.StartPrefectures(5, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "vigie.db")
	path := func(name string) string { return filepath.Join(dir, name) }
	var targets bytes.Buffer
	f.WriteTargetsCSV(&targets)
	os.WriteFile(path("targets.csv"), targets.Bytes(), 0o644)
	os.WriteFile(path("ca.pem"), f.CACertPEM(), 0o644)
	orgs := fmt.Sprintf("name,dpo_email,dpo_address,dpo_form,parent,sector,site_suffixes\n%s,dpd@interieur.test,,,,public,\n", farm.Ministry)
	for _, s := range f.Sites() {
		orgs += s.Organisation + ",,,," + farm.Ministry + ",public," + strings.TrimPrefix(s.Host, "www.") + "\n"
	}
	os.WriteFile(path("orgs.csv"), []byte(orgs), 0o644)
	network := []string{"--db", db, "--no-dns", "--ca-cert", path("ca.pem"), "--timeout", "3s"}
	for _, c := range f.ConnectTo() {
		network = append(network, "--connect-to", c)
	}

	run1 := func(t *testing.T, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), append([]string{"vigie"}, args...), strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, _, stderr := run1(t, append([]string{"scan", "--csv", path("targets.csv")}, network...)...); code != 1 {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	scans, err := st.Scans(t.Context(), 1)
	st.Close()
	if err != nil || len(scans) != 1 {
		t.Fatalf("scans: %v %v", scans, err)
	}

	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"import organisations", []string{"organisation", "import", "--db", db, path("orgs.csv")}, 0, "imported 6 organisations", ""},
		{"export organisations", []string{"organisation", "export", "--db", db, "-"}, 0, "Préfecture 005,,,,Ministère de l'Intérieur,public,pref005.test", ""},
		{"open without scan", []string{"case", "open", "--db", db, "--from-scan", "nope"}, 2, "", "not found"},
		{"notes are never failures", []string{"case", "open", "--db", db, "--from-scan", scans[0].ID, "--min-severity", "info"}, 2, "", "info findings are notes"},
		{"open", []string{"case", "open", "--db", db, "--from-scan", scans[0].ID}, 0, "C-1\tMinistère de l'Intérieur — 2 sites", ""},
		{"list", []string{"case", "list", "--db", db}, 0, "C-1  open", ""},
		{"invalid transition", []string{"case", "event", "--db", db, "--kind", "closed", "--date", "2022-01-25", "C-1"}, 2, "", "case C-1: cannot go from open to closed; allowed: dpo-alerted, withdrawn"},
		{"bad date", []string{"case", "event", "--db", db, "--kind", "dpo-alerted", "--date", "25/01/2022", "C-1"}, 2, "", "want YYYY-MM-DD"},
		{"unknown case", []string{"case", "show", "--db", db, "C-9"}, 2, "", "C-9"},
		{"alert eml", []string{"case", "letter", "--db", db, "--format", "eml", "--from", "Vigie <alerte@vigie.test>", "--date", "2022-01-25", "-o", path("alerte.eml"), "C-1"}, 0, "", ""},
		{"smtp needs eml", []string{"case", "letter", "--db", db, "--smtp", "127.0.0.1:1", "C-1"}, 2, "", "add --format eml"},
		{"alerted", []string{"case", "event", "--db", db, "--kind", "dpo-alerted", "--date", "2022-01-25", "--attach", path("alerte.eml"), "C-1"}, 0, "state dpo-alerted\nC-1: notified 4 failures on 2 sites", ""},
		{"complaint", []string{"case", "event", "--db", db, "--kind", "complaint-filed", "--date", "2022-03-10", "--ref", "28-6912", "C-1"}, 0, "state complaint-filed", ""},
		{"show", []string{"case", "show", "--db", db, "C-1"}, 0, "2022-03-10  complaint-filed  ref 28-6912", ""},
		{"not due", []string{"case", "due", "--db", db, "--date", "2022-06-07"}, 0, "", ""},
		{"due", []string{"case", "due", "--db", db, "--date", "2022-06-08"}, 0, "C-1  complaint-filed  due 2022-06-08", ""},
		{"due with shorter delay", []string{"case", "due", "--db", db, "--date", "2022-03-20", "--delays", "complaint-filed=10"}, 0, "due 2022-03-20", ""},
		{"complaint letter in English", []string{"case", "letter", "--db", db, "--kind", "complaint", "--lang", "en", "C-1"}, 0, "Previous complaints: 28-6912", ""},
		{"verify", append([]string{"case", "verify", "--date", "2022-07-10", "C-1"}, network...), 0, "C-1: note (verification: 0 of 2 sites fixed; remaining: http://www.pref001.test/, http://www.pref002.test/)", ""},
		{"publish", []string{"case", "publish", "--db", db, "--format", "md", "C-1"}, 0, "(référence 28-6912)", ""},
	}
	for _, s := range steps {
		code, stdout, stderr := run1(t, s.args...)
		if code != s.wantCode || !strings.Contains(stdout, s.wantOut) || !strings.Contains(stderr, s.wantErr) {
			t.Errorf("%s: exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", s.name, code, s.wantCode, stdout, s.wantOut, stderr, s.wantErr)
		}
	}
	if eml, err := os.ReadFile(path("alerte.eml")); err != nil || !bytes.Contains(eml, []byte("To: <dpd@interieur.test>\r\n")) {
		t.Errorf("alerte.eml: %v\n%s", err, eml)
	}
}
