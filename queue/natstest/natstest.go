// Package natstest starts NATS servers with JetStream for tests: embedded
// (nats-server/v2 as a library) or Debian's nats-server binary, both on a
// loopback port with their store in a temporary directory.
package natstest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start runs an embedded server until the test ends and returns its URL.
func Start(t testing.TB) string {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(),
		NoLog: true, NoSigs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("natstest: embedded nats-server did not start")
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s.ClientURL()
}

// StartBinary runs the nats-server binary (Debian's package) until the test
// ends and returns its URL. Without the binary it skips the test, or fails
// it when CI=true.
func StartBinary(t testing.TB) string { return StartBinaryWith(t, "").URL }

// Binary is a running nats-server binary.
type Binary struct {
	// URL is nats://127.0.0.1:PORT.
	URL  string
	t    testing.TB
	bin  string
	conf string // the configuration file
	addr string
	cmd  *exec.Cmd
	out  bytes.Buffer
}

// StartBinaryWith runs the nats-server binary with JetStream on a loopback
// port, conf (authorization, tls blocks…) added to its configuration file,
// until the test ends.
func StartBinaryWith(t testing.TB, conf string) *Binary {
	t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		bin = "/usr/sbin/nats-server"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("natstest: nats-server not found (apt-get install nats-server)")
			}
			t.Skip("natstest: nats-server not found (apt-get install nats-server)")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	b := &Binary{t: t, bin: bin, addr: "127.0.0.1:" + strconv.Itoa(port)}
	b.URL = "nats://" + b.addr
	dir := t.TempDir()
	b.conf = filepath.Join(dir, "nats.conf")
	text := fmt.Sprintf("listen: %q\njetstream {\n  store_dir: %q\n}\n%s\n", b.addr, filepath.Join(dir, "store"), conf)
	if err := os.WriteFile(b.conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Start()
	t.Cleanup(b.Stop)
	return b
}

// Start starts the server again after Stop, on the same port and store,
// and waits until it accepts connections.
func (b *Binary) Start() {
	b.t.Helper()
	b.out.Reset()
	b.cmd = exec.Command(b.bin, "-c", b.conf)
	b.cmd.Stdout, b.cmd.Stderr = &b.out, &b.out
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", b.addr)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("natstest: nats-server did not start: %v\n%s", err, b.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop stops the server (SIGTERM) and waits for it to exit.
func (b *Binary) Stop() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	b.cmd.Wait()
	b.cmd = nil
}
