package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRightsCommands follows a job seeker's access request from its
// opening to the complaint, each step reading the previous one's database.
func TestRightsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigie.db")
	path := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(path("orgs.csv"), []byte("name,dpo_email,dpo_address\nFrance Travail,dpo@francetravail.test,\"1 avenue du Docteur Gley, 75020 Paris\"\n"), 0o644)
	run1 := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), append([]string{"vigie"}, args...), strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"import", []string{"organisation", "import", "--db", db, path("orgs.csv")}, 0, "imported 1", ""},
		{"open needs a scan or a kind", []string{"case", "open", "--db", db}, 2, "", "--from-scan"},
		{"unknown right", []string{"case", "open", "--db", db, "--kind", "rights-request", "--organisation", "France Travail", "--right", "portability", "--subject", "Jean Exemple"}, 2, "", "want access, erasure or objection"},
		{"no subject", []string{"case", "open", "--db", db, "--kind", "rights-request", "--organisation", "France Travail", "--right", "access"}, 2, "", "data subject"},
		{"open", []string{"case", "open", "--db", db, "--kind", "rights-request", "--organisation", "France Travail", "--right", "access",
			"--subject", "Jean Exemple", "--about", "dossier 1234567A", "--contact", "jean@example.test", "--date", "2022-01-30"}, 0, "C-1\tFrance Travail — access request (GDPR art. 15)\t(private)", ""},
		{"due at once", []string{"case", "due", "--db", db, "--date", "2022-01-30"}, 0, "send the request (vigie case letter C-1 --kind access)", ""},
		{"request letter", []string{"case", "letter", "--db", db, "--date", "2022-01-31", "C-1"}, 0, "article 15, paragraphe 1, point c", ""},
		{"request eml", []string{"case", "letter", "--db", db, "--kind", "access", "--lang", "en", "--format", "eml", "--from", "Jean Exemple <jean@example.test>", "--date", "2022-01-31", "-o", path("request.eml"), "C-1"}, 0, "", ""},
		{"letter of another right", []string{"case", "letter", "--db", db, "--kind", "erasure", "C-1"}, 2, "", "requests access, not erasure"},
		{"finding kinds refused", []string{"case", "letter", "--db", db, "--kind", "reminder", "C-1"}, 2, "", "want access or rights-complaint"},
		{"sent", []string{"case", "event", "--db", db, "--kind", "request-sent", "--date", "2022-01-31", "--attach", path("request.eml"), "C-1"}, 0, "state request-sent", ""},
		{"late extension", []string{"case", "event", "--db", db, "--kind", "extension", "--date", "2022-03-01", "C-1"}, 2, "", "after the first month ended on 2022-02-28"},
		{"show", []string{"case", "show", "--db", db, "C-1"}, 0, "Deadline: 2022-02-28 (GDPR art. 12(3), one month from receipt)", ""},
		{"not due on the deadline", []string{"case", "due", "--db", db, "--date", "2022-02-28"}, 0, "", ""},
		{"complaint too early", []string{"case", "letter", "--db", db, "--kind", "rights-complaint", "--date", "2022-02-28", "C-1"}, 2, "", "still has until 2022-02-28"},
		{"due the day after", []string{"case", "due", "--db", db, "--date", "2022-03-01"}, 0, "C-1  request-sent  due 2022-03-01  no answer by 2022-02-28 (GDPR art. 12(3), one month): complain to the CNIL (art. 77)", ""},
		{"complaint", []string{"case", "letter", "--db", db, "--kind", "rights-complaint", "--lang", "en", "--date", "2022-03-01", "C-1"}, 0, "the period of Article 12(3) ended on 28 February 2022", ""},
		{"complaint filed", []string{"case", "event", "--db", db, "--kind", "complaint-filed", "--date", "2022-03-02", "--ref", "28-7999", "C-1"}, 0, "state complaint-filed", ""},
		{"private by default", []string{"case", "publish", "--db", db, "C-1"}, 2, "", "private by default: add --public"},
		{"published when asked", []string{"case", "publish", "--db", db, "--public", "--format", "md", "C-1"}, 0, "(référence 28-7999)", ""},
		{"no verification", []string{"case", "verify", "--db", db, "C-1"}, 2, "", "has no site to verify"},
	}
	for _, s := range steps {
		code, stdout, stderr := run1(s.args...)
		if code != s.wantCode || !strings.Contains(stdout, s.wantOut) || !strings.Contains(stderr, s.wantErr) {
			t.Errorf("%s: exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", s.name, code, s.wantCode, stdout, s.wantOut, stderr, s.wantErr)
		}
		if s.name == "published when asked" && (strings.Contains(stdout, "Jean") || strings.Contains(stdout, "1234567A")) {
			t.Errorf("the published chronology names the subject:\n%s", stdout)
		}
	}
	if eml, err := os.ReadFile(path("request.eml")); err != nil || !bytes.Contains(eml, []byte("To: <dpo@francetravail.test>\r\n")) {
		t.Errorf("request.eml: %v\n%s", err, eml)
	}
}
