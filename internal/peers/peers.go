// Package peers serves real web applications from Debian packages —
// MediaWiki, phpMyAdmin and Roundcube — with nginx and php-fpm on
// loopback, for tests that audit them as Vigie would audit a stranger's
// site. Everything the servers write (configuration, databases, sessions,
// logs) lives in a temporary directory; the packages' own files are only
// read.
//
// Each application is served under two host names: APP.test over HTTP
// only (its HTTPS port is closed), and APP-tls.test over HTTPS with a
// certificate from a throwaway CA, its HTTP answering with a permanent
// redirect to HTTPS and no Strict-Transport-Security header. Clients reach
// them with ConnectTo.
package peers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie/internal/testpki"
)

// Applications served.
const (
	MediaWiki  = "mediawiki"
	PhpMyAdmin = "phpmyadmin"
	Roundcube  = "roundcube"
)

// Apps lists the applications, in a fixed order.
var Apps = []string{MediaWiki, PhpMyAdmin, Roundcube}

// Debian's paths of what the peers need.
const (
	nginxBin      = "/usr/sbin/nginx"
	phpBin        = "/usr/bin/php"
	mediawikiDir  = "/usr/share/mediawiki"
	phpmyadminDir = "/usr/share/phpmyadmin"
	roundcubeDir  = "/usr/share/roundcube"
	// roundcubeRoot is the document root Debian's web server
	// configurations give Roundcube.
	roundcubeRoot = "/var/lib/roundcube/public_html"
)

// Packages are the Debian packages the peers come from, for messages.
const Packages = "nginx php-fpm php-sqlite3 mediawiki phpmyadmin roundcube-core roundcube-sqlite3"

// Server is nginx and php-fpm serving the applications.
type Server struct {
	// HTTPPort and HTTPSPort are nginx's loopback ports; ClosedPort is a
	// loopback port nothing listens on (the HTTP-only hosts' HTTPS).
	HTTPPort, HTTPSPort, ClosedPort int
	// CAPEM is the certificate of the CA that signed the HTTPS hosts'.
	CAPEM []byte
	// Dir holds the servers' configuration, data and logs.
	Dir string
}

// Host returns the host name of app over HTTP only (tls false) or over
// HTTPS (tls true).
func Host(app string, tls bool) string {
	if tls {
		return app + "-tls.test"
	}
	return app + ".test"
}

// URL returns the entry URL of app as a user would type it.
func URL(app string, tls bool) string {
	if tls {
		return "https://" + Host(app, true) + "/"
	}
	return "http://" + Host(app, false) + "/"
}

// ConnectTo returns the routes (curl's --connect-to syntax, as
// fetch.Options.ConnectTo takes them) from the applications' host names
// on ports 80 and 443 to the servers.
func (s *Server) ConnectTo() []string {
	var out []string
	for _, app := range Apps {
		plain, tls := Host(app, false), Host(app, true)
		out = append(out,
			fmt.Sprintf("%s:80:127.0.0.1:%d", plain, s.HTTPPort),
			fmt.Sprintf("%s:443:127.0.0.1:%d", plain, s.ClosedPort),
			fmt.Sprintf("%s:80:127.0.0.1:%d", tls, s.HTTPPort),
			fmt.Sprintf("%s:443:127.0.0.1:%d", tls, s.HTTPSPort))
	}
	return out
}

// Start installs the applications in a temporary directory and serves
// them until the test ends. It skips the test when a package is missing,
// unless CI=true, where it fails.
func Start(t testing.TB) *Server {
	t.Helper()
	fpm := require(t)
	dir := t.TempDir()
	s := &Server{Dir: dir, HTTPPort: freePort(t), HTTPSPort: freePort(t), ClosedPort: freePort(t)}
	fpmPort := freePort(t)
	for _, d := range []string{"mediawiki/db", "roundcube/config", "roundcube/logs", "roundcube/temp", "sessions", "nginx"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	installMediaWiki(t, filepath.Join(dir, "mediawiki"))
	installRoundcube(t, filepath.Join(dir, "roundcube"))

	ca := testpki.NewCA(t, "Vigie peers test CA")
	s.CAPEM = ca.PEM()
	var names []string
	for _, app := range Apps {
		names = append(names, Host(app, true))
	}
	// A CRL distribution point and a year of validity, as a public CA
	// would issue: the TLS verdicts then rest on nginx's configuration.
	certPEM, keyPEM := ca.IssuePEM(t, testpki.LeafOptions{Names: names, NotAfter: time.Now().AddDate(1, 0, 0),
		CRL: []string{"http://crl.peers.test/ca.crl"}})
	write(t, filepath.Join(dir, "nginx", "cert.pem"), certPEM)
	write(t, filepath.Join(dir, "nginx", "key.pem"), keyPEM)

	write(t, filepath.Join(dir, "php-fpm.conf"), []byte(fpmConf(dir, fpmPort)))
	args := []string{"--nodaemonize", "--fpm-config", filepath.Join(dir, "php-fpm.conf"), "--prefix", dir}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-to-run-as-root")
	}
	start(t, "php-fpm", exec.Command(fpm, args...), fpmPort, filepath.Join(dir, "php-fpm.log"))

	conf := filepath.Join(dir, "nginx", "nginx.conf")
	write(t, conf, []byte(nginxConf(s, dir, fpmPort)))
	start(t, "nginx", exec.Command(nginxBin, "-p", filepath.Join(dir, "nginx"), "-c", conf, "-e", filepath.Join(dir, "nginx", "error.log")),
		s.HTTPPort, filepath.Join(dir, "nginx", "error.log"))
	return s
}

// require returns php-fpm's path after checking that every package is
// installed.
func require(t testing.TB) string {
	t.Helper()
	fpms, _ := filepath.Glob("/usr/sbin/php-fpm*")
	var missing []string
	if len(fpms) == 0 {
		missing = append(missing, "php-fpm")
	}
	for _, p := range []string{nginxBin, phpBin, mediawikiDir, phpmyadminDir, roundcubeDir, roundcubeRoot} {
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("real-software peers need %s (apt-get install %s)", strings.Join(missing, ", "), Packages)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return fpms[0]
}

// installMediaWiki runs MediaWiki's installer in dir with an SQLite
// database, then makes the settings follow the host and scheme of each
// request (one installation serves both host names).
func installMediaWiki(t testing.TB, dir string) {
	t.Helper()
	cmd := exec.Command(phpBin, filepath.Join(mediawikiDir, "maintenance", "install.php"),
		"--dbtype", "sqlite", "--dbpath", filepath.Join(dir, "db"), "--dbname", "peerwiki",
		"--pass", "Peer-wiki-admin-"+token(t), "--server", "http://"+Host(MediaWiki, false),
		"--scriptpath", "", "--confpath", dir, "--lang", "en", "Peer Wiki", "Admin")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("installing MediaWiki: %v\n%s", err, out)
	}
	f, err := os.OpenFile(filepath.Join(dir, "LocalSettings.php"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintf(f, `
# Set by vigie/internal/peers: one installation, two host names.
$wgServer = WebRequest::detectServer();
$wgCanonicalServer = $wgServer;
$wgArticlePath = "/index.php?title=$1";
$wgCacheDirectory = %q;
`, filepath.Join(dir, "db"))
}

// installRoundcube writes Roundcube's configuration in dir/config with an
// SQLite database it creates from the package's schema. The IMAP server
// is a closed port: the log-in page needs none.
func installRoundcube(t testing.TB, dir string) {
	t.Helper()
	cfg := filepath.Join(dir, "config")
	for _, name := range []string{"defaults.inc.php", "mimetypes.php"} {
		b, err := os.ReadFile(filepath.Join("/etc/roundcube", name))
		if err != nil {
			t.Fatalf("Roundcube's %s: %v", name, err)
		}
		write(t, filepath.Join(cfg, name), b)
	}
	db := filepath.Join(dir, "roundcube.db")
	write(t, filepath.Join(cfg, "config.inc.php"), []byte(fmt.Sprintf(`<?php
$config = [];
$config['db_dsnw'] = 'sqlite:///%s?mode=0600';
$config['imap_host'] = 'localhost:%d';
$config['smtp_host'] = 'localhost:%d';
$config['des_key'] = '%s';
$config['log_dir'] = '%s';
$config['temp_dir'] = '%s';
$config['product_name'] = 'Roundcube Webmail';
$config['plugins'] = [];
$config['skin'] = 'elastic';
$config['enable_installer'] = false;
`, db, freePort(t), freePort(t), token(t)[:24], filepath.Join(dir, "logs"), filepath.Join(dir, "temp"))))
	schema := filepath.Join(roundcubeDir, "SQL", "sqlite.initial.sql")
	cmd := exec.Command(phpBin, "-r", `$db = new PDO("sqlite:" . $argv[1]); $db->exec(file_get_contents($argv[2])) !== false or exit(1);`, db, schema)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("creating Roundcube's database from %s: %v\n%s", schema, err, out)
	}
}

func fpmConf(dir string, port int) string {
	user := ""
	if os.Geteuid() == 0 {
		user = "user = root\ngroup = root\n"
	}
	return fmt.Sprintf(`[global]
pid = %[1]s/php-fpm.pid
error_log = %[1]s/php-fpm.log
daemonize = no

[peers]
%[3]slisten = 127.0.0.1:%[2]d
pm = static
pm.max_children = 4
catch_workers_output = yes
clear_env = yes
env[MW_CONFIG_FILE] = %[1]s/mediawiki/LocalSettings.php
env[ROUNDCUBE_CONFIG_DIR] = %[1]s/roundcube/config
env[TMPDIR] = %[1]s/sessions
php_admin_value[session.save_path] = %[1]s/sessions
php_admin_value[error_log] = %[1]s/php-errors.log
php_admin_flag[log_errors] = on
php_admin_value[upload_tmp_dir] = %[1]s/sessions
`, dir, port, user)
}

// fastcgi lists the FastCGI parameters of a PHP request; port is the
// port the client asked for (80 or 443), not nginx's loopback port, so
// that applications write their own URLs as a client sees them.
func fastcgi(fpmPort, port int, https bool) string {
	h := ""
	if https {
		h = "fastcgi_param HTTPS on;\n\t\t\t"
	}
	return fmt.Sprintf(`location ~ [^/]\.php(/|$) {
			fastcgi_split_path_info ^(.+?\.php)(/.*)$;
			if (!-f $document_root$fastcgi_script_name) { return 404; }
			fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
			fastcgi_param SCRIPT_NAME $fastcgi_script_name;
			fastcgi_param PATH_INFO $fastcgi_path_info;
			fastcgi_param QUERY_STRING $query_string;
			fastcgi_param REQUEST_METHOD $request_method;
			fastcgi_param CONTENT_TYPE $content_type;
			fastcgi_param CONTENT_LENGTH $content_length;
			fastcgi_param REQUEST_URI $request_uri;
			fastcgi_param DOCUMENT_URI $document_uri;
			fastcgi_param DOCUMENT_ROOT $document_root;
			fastcgi_param SERVER_PROTOCOL $server_protocol;
			fastcgi_param GATEWAY_INTERFACE CGI/1.1;
			fastcgi_param SERVER_SOFTWARE nginx;
			fastcgi_param REMOTE_ADDR $remote_addr;
			fastcgi_param REMOTE_PORT $remote_port;
			fastcgi_param SERVER_ADDR $server_addr;
			fastcgi_param SERVER_PORT %d;
			fastcgi_param SERVER_NAME $host;
			fastcgi_param HTTP_HOST $host;
			fastcgi_param REDIRECT_STATUS 200;
			%sfastcgi_pass 127.0.0.1:%d;
		}`, port, h, fpmPort)
}

func nginxConf(s *Server, dir string, fpmPort int) string {
	roots := map[string]string{MediaWiki: mediawikiDir, PhpMyAdmin: phpmyadminDir, Roundcube: roundcubeRoot}
	var b strings.Builder
	fmt.Fprintf(&b, `daemon off;
master_process off;
pid %[1]s/nginx/nginx.pid;
error_log %[1]s/nginx/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path %[1]s/nginx/client;
	proxy_temp_path %[1]s/nginx/proxy;
	fastcgi_temp_path %[1]s/nginx/fastcgi;
	uwsgi_temp_path %[1]s/nginx/uwsgi;
	scgi_temp_path %[1]s/nginx/scgi;
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	server_tokens off;
	ssl_certificate %[1]s/nginx/cert.pem;
	ssl_certificate_key %[1]s/nginx/key.pem;
	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
	ssl_prefer_server_ciphers off;
	server {
		listen 127.0.0.1:%[2]d default_server;
		return 404;
	}
	server {
		listen 127.0.0.1:%[3]d ssl default_server;
		return 404;
	}
`, dir, s.HTTPPort, s.HTTPSPort)
	for _, app := range Apps {
		root := roots[app]
		fmt.Fprintf(&b, `	server {
		listen 127.0.0.1:%d;
		server_name %s;
		root %s;
		index index.php;
		%s
	}
	server {
		listen 127.0.0.1:%d;
		server_name %s;
		return 301 https://$host$request_uri;
	}
	server {
		listen 127.0.0.1:%d ssl;
		server_name %s;
		root %s;
		index index.php;
		%s
	}
`, s.HTTPPort, Host(app, false), root, fastcgi(fpmPort, 80, false),
			s.HTTPPort, Host(app, true),
			s.HTTPSPort, Host(app, true), root, fastcgi(fpmPort, 443, true))
	}
	b.WriteString("}\n")
	return b.String()
}

// start starts a server the test stops, and waits until it listens on
// port. Its output goes to a file, never to a pipe that the server's
// children (php-fpm's workers) would hold open. The test stops it with
// SIGTERM, on which php-fpm stops its workers too.
func start(t testing.TB, name string, cmd *exec.Cmd, port int, logFile string) {
	t.Helper()
	out, err := os.Create(logFile + ".out")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			o, _ := os.ReadFile(logFile + ".out")
			log, _ := os.ReadFile(logFile)
			t.Fatalf("%s did not listen on port %d: %s\n%s", name, port, o, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a loopback port free at the time of the call.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func write(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// token returns 16 random bytes in hex: passwords and keys of the
// throwaway installations.
func token(t testing.TB) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
