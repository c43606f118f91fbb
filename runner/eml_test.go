package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/eml/emltest"
)

// TestEmlExitStatus runs `vigie eml` as the command does, on the signed
// corpus, against the Knot server: 0 when every message is likely
// legitimate, 1 when one is not, 2 on a file that is not an email.
func TestEmlExitStatus(t *testing.T) {
	srv := emltest.StartDNS(t)
	dir := t.TempDir()
	files := emltest.CorpusFiles(t, dir)
	path := func(name string) string {
		if p, ok := files[name]; ok {
			return p
		}
		return filepath.Join(dir, name+".eml")
	}
	if err := os.WriteFile(path("not-an-email"), []byte("\x00\x01binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		files   []string
		format  string
		code    int
		wantErr bool
	}{
		{[]string{"legit", "incomplete"}, "text", ExitOK, false},
		{[]string{"legit", "massmail"}, "json", ExitFindings, false},
		{[]string{"phishing"}, "text", ExitFindings, false},
		{[]string{"tampered"}, "json", ExitFindings, false},
		{[]string{"legit", "not-an-email"}, "text", ExitError, true},
		{[]string{"missing-file"}, "text", ExitError, true},
		{[]string{"legit"}, "yaml", ExitError, true},
	}
	for _, tc := range tests {
		var files []string
		for _, f := range tc.files {
			files = append(files, path(f))
		}
		var out bytes.Buffer
		code, err := Eml(context.Background(), EmlOptions{Files: files, Format: tc.format, Lang: "fr", DNS: srv.Addr,
			OfficialDomains: []string{"agence-emploi.test"}, Stdout: &out})
		if code != tc.code || (err != nil) != tc.wantErr {
			t.Errorf("%v %s: status %d err %v, want %d", tc.files, tc.format, code, err, tc.code)
			continue
		}
		if tc.wantErr {
			continue
		}
		if tc.format == "json" {
			var reports []map[string]any
			if err := json.Unmarshal(out.Bytes(), &reports); err != nil || len(reports) != len(files) {
				t.Errorf("%v: JSON output %d reports, %v", tc.files, len(reports), err)
			}
		} else if !strings.Contains(out.String(), "Verdict") {
			t.Errorf("%v: text output %q", tc.files, out.String())
		}
	}
	// The official domains from the organisation directory.
	db := filepath.Join(dir, "vigie.db")
	csv := filepath.Join(dir, "orgs.csv")
	if err := os.WriteFile(csv, []byte("name,dpo_email,site_suffixes\nAgence nationale de l'emploi,dpo@agence-emploi.test,www.agence-emploi.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := OrganisationImport(context.Background(), db, csv, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code, err := Eml(context.Background(), EmlOptions{Files: []string{path("phishing"), path("legit")}, Format: "json", DNS: srv.Addr,
		DB: db, Organisation: "Agence nationale de l'emploi", Stdout: &out})
	if code != ExitFindings || err != nil || !strings.Contains(out.String(), `"official_source": "directory"`) || !strings.Contains(out.String(), `"verdict": "likely-phishing"`) || !strings.Contains(out.String(), `"verdict": "likely-legitimate"`) {
		t.Errorf("directory: %d %v\n%s", code, err, out.String())
	}
	if _, err := Eml(context.Background(), EmlOptions{Files: []string{path("legit")}, DNS: srv.Addr, DB: db, Organisation: "Nobody", Stdout: &bytes.Buffer{}}); err == nil {
		t.Error("unknown organisation accepted")
	}

	// --dns is checked before any file is read.
	if code, err := Eml(context.Background(), EmlOptions{Files: []string{path("legit")}, DNS: "not-an-address", Stdout: &bytes.Buffer{}}); code != ExitError || err == nil {
		t.Errorf("bad --dns: %d %v", code, err)
	}
}
