// Package authdns runs a real authoritative DNS server, Debian's Knot DNS
// (knotd), on a loopback port for tests: zones written by the test,
// optionally signed with DNSSEC by Knot itself. Everything it writes lives
// in the test's temporary directory.
package authdns

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/dnsq"
	"vigie/internal/testtool"
)

// Zone is one zone the server is authoritative for.
type Zone struct {
	// Name is the zone's apex ("example.test").
	Name string
	// Records are zone-file lines relative to the apex (no $ORIGIN, SOA
	// or NS needed: Start adds them), for example
	// `@ TXT "v=spf1 -all"` or `www A 192.0.2.10`.
	Records []string
	// Sign has Knot sign the zone (DNSSEC, automatic keys).
	Sign bool
}

// Server is a running knotd.
type Server struct {
	// Addr is the "127.0.0.1:PORT" it answers on, over UDP and TCP.
	Addr string
	Dir  string
}

// Start runs knotd serving zones until the test ends. It skips t when
// knotd is missing (fails under CI=true).
func Start(t testing.TB, zones ...Zone) *Server {
	t.Helper()
	bin := testtool.Need(t, "knotd")
	dir := t.TempDir()
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("authdns: %v", err)
		}
		s, err := start(t, bin, dir, port, zones)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("authdns: knotd did not start: %v", lastErr)
	return nil
}

func start(t testing.TB, bin, dir string, port int, zones []Zone) (*Server, error) {
	zdir := filepath.Join(dir, "zones")
	if err := os.MkdirAll(zdir, 0o755); err != nil {
		return nil, err
	}
	var conf strings.Builder
	fmt.Fprintf(&conf, "server:\n    rundir: %q\n    listen: 127.0.0.1@%d\n\n", dir, port)
	fmt.Fprintf(&conf, "database:\n    storage: %q\n\n", dir)
	fmt.Fprintf(&conf, "log:\n  - target: %q\n    any: info\n\n", filepath.Join(dir, "knotd.log"))
	fmt.Fprintf(&conf, "template:\n  - id: default\n    storage: %q\n    file: \"%%s.zone\"\n    semantic-checks: off\n\n", zdir)
	conf.WriteString("zone:\n")
	for _, z := range zones {
		fmt.Fprintf(&conf, "  - domain: %s\n", z.Name)
		if z.Sign {
			conf.WriteString("    dnssec-signing: on\n")
		}
		if err := os.WriteFile(filepath.Join(zdir, z.Name+".zone"), []byte(zoneFile(z)), 0o644); err != nil {
			return nil, err
		}
	}
	cfg := filepath.Join(dir, "knot.conf")
	if err := os.WriteFile(cfg, []byte(conf.String()), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-c", cfg)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-done
	}
	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), Dir: dir}
	c := dnsq.Client{Server: s.Addr, Timeout: 300 * time.Millisecond}
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-done:
			log, _ := os.ReadFile(filepath.Join(dir, "knotd.log"))
			return nil, fmt.Errorf("knotd exited (%v): %s %s", err, out.String(), log)
		default:
		}
		ready := true
		for _, z := range zones {
			a, err := c.Query(context.Background(), z.Name, "SOA")
			if err != nil || len(a.Values("SOA")) == 0 {
				ready = false
				break
			}
			if z.Sign && len(a.Values("RRSIG")) == 0 {
				ready = false
				break
			}
		}
		if ready {
			t.Cleanup(stop)
			return s, nil
		}
		if time.Now().After(deadline) {
			stop()
			log, _ := os.ReadFile(filepath.Join(dir, "knotd.log"))
			return nil, fmt.Errorf("knotd on port %d not answering: %s %s", port, out.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// zoneFile writes z as a zone file with an SOA and an NS record.
func zoneFile(z Zone) string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ORIGIN %s.\n$TTL 300\n", z.Name)
	fmt.Fprintf(&b, "@ SOA ns1.%s. hostmaster.%s. 1 3600 600 86400 300\n", z.Name, z.Name)
	fmt.Fprintf(&b, "@ NS ns1.%s.\n", z.Name)
	hasNS1 := false
	for _, r := range z.Records {
		if f := strings.Fields(r); len(f) > 0 && f[0] == "ns1" {
			hasNS1 = true
		}
		b.WriteString(r)
		b.WriteByte('\n')
	}
	if !hasNS1 {
		b.WriteString("ns1 A 127.0.0.1\n")
	}
	return b.String()
}

// freePort returns a loopback port free for both TCP and UDP at the time
// of asking.
func freePort() (int, error) {
	for i := 0; i < 20; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		l.Close()
		if err != nil {
			continue
		}
		u.Close()
		return port, nil
	}
	return 0, fmt.Errorf("no free loopback port for TCP and UDP")
}
