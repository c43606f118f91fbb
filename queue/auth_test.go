package queue

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nkeys"

	"vigie/internal/testpki"
	"vigie/queue/natstest"
)

// Each kind of authentication and TLS against Debian's nats-server: the
// right credentials connect and queue a job, none or wrong ones are
// refused with an error, not a hang.
func TestAuth(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := user.Seed()
	pub, _ := user.PublicKey()
	seedFile := write("user.nk", seed)
	other, _ := nkeys.CreateUser()
	otherSeed, _ := other.Seed()
	otherFile := write("other.nk", otherSeed)

	ca := testpki.NewCA(t, "Vigie queue test CA")
	caFile := write("ca.pem", ca.PEM())
	srvCert, srvKey := ca.IssuePEM(t, testpki.LeafOptions{Names: []string{"127.0.0.1"}})
	cliCert, cliKey := ca.IssuePEM(t, testpki.LeafOptions{Names: []string{"worker"}, Client: true})
	stranger := testpki.NewCA(t, "Another CA")
	strangerFile := write("stranger.pem", stranger.PEM())
	tlsBlock := fmt.Sprintf("tls {\n  cert_file: %q\n  key_file: %q\n  ca_file: %q\n  verify: true\n}\n",
		write("server.pem", srvCert), write("server.key", srvKey), caFile)
	cert, key := write("client.pem", cliCert), write("client.key", cliKey)

	servers := map[string]string{
		"users": fmt.Sprintf("authorization {\n  users: [\n    {user: vigie, password: s3cret}\n    {nkey: %s}\n  ]\n}\n", pub),
		"token": "authorization {\n  token: t0ken\n}\n",
		"tls":   tlsBlock,
	}
	tests := []struct {
		server string
		url    string // "" for the server's
		auth   Auth
		ok     bool
		errHas string
	}{
		{"users", "", Auth{User: "vigie", Password: "s3cret"}, true, ""},
		{"users", "nats://vigie:s3cret@", Auth{}, true, ""},
		{"users", "", Auth{NKeySeedFile: seedFile}, true, ""},
		{"users", "", Auth{}, false, "Authorization Violation"},
		{"users", "", Auth{User: "vigie", Password: "wrong"}, false, "Authorization Violation"},
		{"users", "", Auth{NKeySeedFile: otherFile}, false, "Authorization Violation"},
		{"users", "", Auth{NKeySeedFile: filepath.Join(dir, "missing.nk")}, false, "missing.nk"},
		{"token", "", Auth{Token: "t0ken"}, true, ""},
		{"token", "", Auth{Token: "nope"}, false, "Authorization Violation"},
		{"token", "", Auth{}, false, "Authorization Violation"},
		{"tls", "", Auth{CAFile: caFile, CertFile: cert, KeyFile: key}, true, ""},
		{"tls", "", Auth{CAFile: caFile}, false, ""},                                                // no client certificate
		{"tls", "", Auth{CAFile: strangerFile, CertFile: cert, KeyFile: key}, false, "certificate"}, // server not trusted
		{"tls", "", Auth{CertFile: cert}, false, "both"},
	}
	urls := map[string]string{}
	for name, conf := range servers {
		urls[name] = natstest.StartBinaryWith(t, conf).URL
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d-%s", i, tt.server), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			url := urls[tt.server]
			if tt.url != "" {
				url = tt.url + strings.TrimPrefix(url, "nats://")
			}
			q, err := Connect(ctx, url, Options{Auth: tt.auth})
			if !tt.ok {
				if err == nil {
					q.Close()
					t.Fatal("connected, want a refusal")
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("error %q, want it to mention %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			scan := fmt.Sprintf("auth-%d", i)
			if err := q.Enqueue(ctx, job(scan, "https://a.test/")); err != nil {
				t.Fatal(err)
			}
		})
	}
}
