package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"vigie/eml/emltest"
)

// TestEmlCommand runs `vigie eml` through the command line on the signed
// corpus, its DNS answered by Knot.
func TestEmlCommand(t *testing.T) {
	srv := emltest.StartDNS(t)
	files := emltest.CorpusFiles(t, t.TempDir())
	f := func(name string) string { return files[name] }
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--dns", srv.Addr, "--official-domain", "agence-emploi.test", f("legit")}, 0, "Verdict: likely-legitimate"},
		{[]string{"--dns", srv.Addr, "--official-domain", "agence-emploi.test", "--lang", "fr", f("massmail")}, 1, "Verdict: suspect (suspicious)"},
		{[]string{"--dns", srv.Addr, "--official-domain", "agence-emploi.test", "--format", "json", f("phishing")}, 1, `"verdict": "likely-phishing"`},
		{[]string{"--dns", srv.Addr, "--format", "xml", f("legit")}, 2, "--format"},
		{[]string{"--dns", srv.Addr}, 2, "at least one FILE"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"vigie", "eml"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
		if code != tt.code || !strings.Contains(stdout.String()+stderr.String(), tt.want) {
			t.Errorf("vigie eml %v: status %d, want %d with %q\n%s%s", tt.args, code, tt.code, tt.want, stdout.String(), stderr.String())
		}
	}
}
