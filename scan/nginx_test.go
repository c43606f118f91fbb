package scan

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"vigie/internal/testtool"

	"vigie/crawl"
	"vigie/fetch"
	"vigie/finding"
	"vigie/target"
)

// runNginx starts Debian's nginx as the test's child, its temporary files
// and logs under a fresh prefix, with http the body of its http block
// (types and servers), and waits until it listens on every port. It skips
// the test when nginx is not installed, unless CI=true.
func runNginx(t *testing.T, http string, ports ...int) {
	t.Helper()
	bin := testtool.Need(t, "nginx")
	prefix := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[1]s/client;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
%[2]s
}
`, prefix, http)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	log := start(t, exec.Command(bin, "-p", prefix, "-c", confPath, "-e", filepath.Join(prefix, "error.log")))
	logs := func() string { b, _ := os.ReadFile(filepath.Join(prefix, "error.log")); return log() + string(b) }
	for _, p := range ports {
		waitListening(t, p, logs)
	}
}

// startNginx serves root on a loopback port with directory listings on,
// and returns the port.
func startNginx(t *testing.T, root string) int {
	t.Helper()
	port := freeLoopbackPort(t)
	runNginx(t, fmt.Sprintf(`	types { text/html html; text/csv csv; text/plain txt; }
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:%d;
		root %s;
		autoindex on;
	}`, port, root), port)
	return port
}

// TestNginxDirectoryListing audits a real nginx serving an open folder of
// exports with autoindex on: Vigie must report the listing and the CSV of
// identifiers it links to, and, with the active probes only, the SQL dump
// and .git/config that no page links to (nginx answers other paths with
// its real 404).
func TestNginxDirectoryListing(t *testing.T) {
	root := t.TempDir()
	var csv strings.Builder
	csv.WriteString("nom;prenom;courriel;telephone;date_naissance\n")
	for i := range 12 {
		fmt.Fprintf(&csv, "Nom%c;Prenom%c;prenom%d.nom@gmail.com;06 %02d %02d %02d %02d;%02d/%02d/19%02d\n",
			'A'+i, 'A'+i, i, 10+i, 20+i, 30+i, 40+i, 1+i, 1+i%12, 50+i)
	}
	files := map[string]string{
		"index.html":             `<!DOCTYPE html><html lang="fr"><head><title>Accueil</title></head><body><h1>Association</h1><p><a href="/exports/">Exports</a></p></body></html>`,
		"exports/adherents.csv":  csv.String(),
		"exports/lisez-moi.txt":  "Exports du logiciel de gestion des adhérents.\n",
		"exports/archives/.keep": "",
		// Found only by the active probes: linked from nowhere.
		"backup.sql":  "INSERT INTO adherents VALUES ('NomA','prenom0.nom@gmail.com','06 10 20 30 40'),('NomB','prenom1.nom@gmail.com','06 11 21 31 41');\n",
		".git/config": "[core]\n\trepositoryformatversion = 0\n\tbare = false\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	port := startNginx(t, root)

	host := "www.association-nginx.test"
	tg, err := target.Parse(fmt.Sprintf("http://%s:%d/", host, port))
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("http://%s:%d", host, port)
	type want struct {
		check, url string
		severity   finding.Severity
	}
	passive := []want{
		{"exposure.directory-listing", base + "/exports/", finding.Critical},
		// Critical: the export shows dates of birth (it was high before
		// identifiers made an exposure critical by themselves).
		{"exposure.pii-unauthenticated", base + "/exports/adherents.csv", finding.Critical},
	}
	tests := []struct {
		name   string
		active bool
		want   []want
	}{
		{"passive", false, passive},
		{"active", true, append(passive[:len(passive):len(passive)],
			want{"exposure.data-file", base + "/backup.sql", finding.Critical},
			want{"exposure.data-file", base + "/.git/config", finding.High})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{
				Concurrency: 1,
				Crawl:       crawl.Options{Active: tt.active},
				Fetch: fetch.Options{
					Timeout: 2 * time.Second,
					Retries: -1,
					NoDNS:   true,
					Resolve: []string{fmt.Sprintf("%s:%d:127.0.0.1", host, port)},
				},
			}
			var got []finding.Finding
			if _, err := Run(context.Background(), []target.Target{tg}, opts, func(r *Result) error {
				if r.Site.Error != "" {
					t.Errorf("site failed: %s", r.Site.Error)
				}
				got = append(got, r.Findings...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				found := false
				for _, f := range got {
					if f.Check == w.check && finding.NormaliseURL(f.URL) == finding.NormaliseURL(w.url) {
						found = true
						if f.Severity != w.severity {
							t.Errorf("%s %s: severity %v, want %v", w.check, w.url, f.Severity, w.severity)
						}
					}
				}
				if !found {
					t.Errorf("no %s finding at %s", w.check, w.url)
				}
			}
			exposures := 0
			for _, f := range got {
				t.Logf("finding: %s %v %s", f.Check, f.Severity, f.URL)
				if strings.HasPrefix(f.Check, "exposure.") {
					exposures++
				}
			}
			if exposures != len(tt.want) {
				t.Errorf("%d exposure findings, want %d", exposures, len(tt.want))
			}
		})
	}
}
