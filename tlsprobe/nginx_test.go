package tlsprobe

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"vigie/internal/testtool"

	"vigie/observation"
)

// nginxServers starts Debian's nginx with a legacy server (TLS 1.0 to
// 1.2, every suite at security level 0, server order) and a server
// following Mozilla's intermediate profile; it returns their ports.
func nginxServers(t *testing.T, certFile, keyFile string) (legacy, strong int) {
	t.Helper()
	bin := testtool.Need(t, "nginx")
	dir := t.TempDir()
	ports := freePorts(t, 2)
	legacy, strong = ports[0], ports[1]
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events {}
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	ssl_certificate %[2]s;
	ssl_certificate_key %[3]s;
	server {
		listen 127.0.0.1:%[4]d ssl;
		ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
		ssl_ciphers ALL:@SECLEVEL=0;
		ssl_prefer_server_ciphers on;
		return 200 "legacy\n";
	}
	server {
		listen 127.0.0.1:%[5]d ssl;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
		ssl_ecdh_curve X25519:prime256v1:secp384r1;
		ssl_prefer_server_ciphers off;
		return 200 "strong\n";
	}
}
`, dir, certFile, keyFile, legacy, strong)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", confFile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	waitPort(t, legacy)
	waitPort(t, strong)
	return legacy, strong
}

func TestNginx(t *testing.T) {
	ca := newCA(t)
	certFile, keyFile := writePEM(t, t.TempDir(), ca.leaf(t, leafSpec{}))
	legacyPort, strongPort := nginxServers(t, certFile, keyFile)

	legacy := probe(t, Options{RootCAs: ca.pool}, "localhost", legacyPort)
	if got := legacy.Accepted(); !slices.Equal(got, []string{observation.TLS10, observation.TLS11, observation.TLS12}) {
		t.Errorf("legacy server accepts %v", got)
	}
	if p := legacy.Protocol(observation.TLS12); p.Preference != "server" || len(p.Suites) < 10 {
		t.Errorf("legacy TLS 1.2: preference %q, %d suites", p.Preference, len(p.Suites))
	}
	weak := false
	for _, s := range legacy.Protocol(observation.TLS10).Suites {
		weak = weak || s.Class == observation.TLSClassInsecure
	}
	if !weak {
		t.Errorf("legacy TLS 1.0: no anonymous suite among %v", suiteNames(legacy.Protocol(observation.TLS10)))
	}

	strong := probe(t, Options{RootCAs: ca.pool}, "localhost", strongPort)
	if got := strong.Accepted(); !slices.Equal(got, []string{observation.TLS12, observation.TLS13}) {
		t.Errorf("strong server accepts %v", got)
	}
	for _, pr := range strong.Profiles {
		if pr.Name != ProfileModern && !pr.Compliant {
			t.Errorf("strong server: %s deviations %+v", pr.Name, pr.Deviations)
		}
	}
	if g := strong.Protocol(observation.TLS13).Groups; len(g) != 3 {
		t.Errorf("strong server TLS 1.3 groups %v", g)
	}
}
