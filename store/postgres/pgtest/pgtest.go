// Package pgtest gives tests an empty PostgreSQL database: a schema of its
// own in the server VIGIE_TEST_POSTGRES names, or else in a throwaway server
// started from Debian's binaries (initdb and postgres) on a loopback port,
// once per test binary.
//
// A test binary that uses it calls Main from TestMain so that the server is
// stopped at the end.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvURL is the variable naming an existing server to use instead.
const EnvURL = "VIGIE_TEST_POSTGRES"

var (
	once    sync.Once
	base    string // URL of the server's database
	srv     *server
	errBoot error
)

// Main runs the tests of m and stops the throwaway server if one started.
func Main(m *testing.M) {
	code := m.Run()
	if srv != nil {
		srv.stop()
	}
	os.Exit(code)
}

// URL returns the URL of an empty schema (search_path set) in a test
// server. Without a server it skips the test, or fails it when CI=true.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { base, errBoot = boot() })
	if errBoot != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pgtest: no PostgreSQL: %v", errBoot)
		}
		t.Skipf("pgtest: no PostgreSQL: %v", errBoot)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("pgtest: creating schema: %v", err)
	}
	if os.Getenv(EnvURL) != "" {
		t.Cleanup(func() {
			db, err := sql.Open("pgx", base)
			if err != nil {
				return
			}
			defer db.Close()
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		})
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func boot() (string, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return u, nil
	}
	s, err := start()
	if err != nil {
		return "", err
	}
	srv = s
	return s.url, nil
}

type server struct {
	dir string
	cmd *exec.Cmd
	url string
	// postgres returns a new command running the server, for Restart.
	postgres func() *exec.Cmd
}

// Restart stops the throwaway server with a fast shutdown (clients get
// "terminating connection due to administrator command", as during
// pg_ctl restart -m fast) and starts it again on the same port and data.
// It returns once the server accepts connections again, after down has
// passed. With VIGIE_TEST_POSTGRES set it skips the test.
func Restart(t testing.TB, down time.Duration) {
	t.Helper()
	if srv == nil {
		t.Skip("pgtest: restarting needs the throwaway server (VIGIE_TEST_POSTGRES is set)")
	}
	srv.halt()
	time.Sleep(down)
	srv.cmd = srv.postgres()
	if err := srv.cmd.Start(); err != nil {
		t.Fatalf("pgtest: restarting postgres: %v", err)
	}
	if err := srv.ready(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
}

// binDir finds Debian's PostgreSQL binaries, the newest version first.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("initdb not found (apt-get install postgresql)")
}

// start runs initdb and postgres in a temporary directory. PostgreSQL
// refuses to run as root, so under root both run as the "postgres" user.
func start() (*server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "vigie-pg-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	command := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(filepath.Join(bin, name), args...)
		c.Dir = dir
		c.Env = append(os.Environ(), "LC_ALL=C")
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT}
		return c
	}
	data := filepath.Join(dir, "data")
	init := command("initdb", "-D", data, "-A", "trust", "-U", "vigie", "-E", "UTF8", "--no-sync", "--no-instructions")
	if out, err := init.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.postgres = func() *exec.Cmd {
		c := command("postgres", "-D", data, "-k", dir, "-p", strconv.Itoa(port),
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
			"-c", "full_page_writes=off", "-c", "max_connections=200")
		c.Stdout, c.Stderr = log, log
		return c
	}
	s.cmd = s.postgres()
	if err := s.cmd.Start(); err != nil {
		log.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s.url = fmt.Sprintf("postgres://vigie@127.0.0.1:%d/postgres?sslmode=disable", port)
	if err := s.ready(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// ready waits until the server accepts connections.
func (s *server) ready() error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		db, err := sql.Open("pgx", s.url)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop asks for a fast shutdown and removes the data directory.
func (s *server) stop() {
	s.halt()
	os.RemoveAll(s.dir)
}

// halt asks for a fast shutdown and waits for it.
func (s *server) halt() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
