package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/queue"
	"vigie/queue/natstest"
	"vigie/store"
	"vigie/target"
)

// A worker applies its own policy, not the job's: a job that targets a
// loopback address, directly or through a name it routes there, is refused
// unless the worker was started with AllowPrivate, and network settings
// carried by a job are obeyed only with AllowJobNetwork. A refused job is
// recorded as a failed site, so the scan still completes.
func TestWorkerPolicy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html><head><title>ok</title></head><body><p>ok</p></body></html>"))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	port := u.Port()
	literal, err := target.Parse(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	named, err := target.Parse("http://www.internal.test:" + port + "/")
	if err != nil {
		t.Fatal(err)
	}
	resolve := fetch.Options{Resolve: []string{"www.internal.test:" + port + ":127.0.0.1"}, NoDNS: true, Retries: -1}
	tests := []struct {
		name                string
		allowPrivate, allow bool // the worker's AllowPrivate, AllowJobNetwork
		target              target.Target
		fetch               fetch.Options
		wantKind            string // "" audited
		wantErr             string
	}{
		{"loopback literal refused", false, true, literal, fetch.Options{Retries: -1}, "refused", "127.0.0.1 is a loopback address, refused by this worker"},
		{"loopback literal allowed", true, false, literal, fetch.Options{Retries: -1}, "", ""},
		{"job network refused", true, false, named, resolve, "refused", "network settings (--resolve, --no-dns)"},
		{"name routed to loopback refused at connection", false, true, named, resolve, "", "refusing to connect to 127.0.0.1: loopback address"},
		{"name routed to loopback allowed", true, true, named, resolve, "", ""},
		{"job DNS server refused", true, false, literal, fetch.Options{DNS: "192.0.2.53:53", Retries: -1}, "refused", "(--dns)"},
		{"job CA refused", true, false, literal, fetch.Options{CACertPEM: [][]byte{[]byte("-----BEGIN CERTIFICATE-----")}, Retries: -1}, "refused", "(--ca-cert)"},
	}
	natsURL := natstest.Start(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			db := filepath.Join(t.TempDir(), "fleet.db")
			st, err := OpenStore(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			sc := &store.Scan{Targets: 1, ID: "policy-" + string(rune('a'+i))}
			if err := st.BeginScan(ctx, sc); err != nil {
				t.Fatal(err)
			}
			q := connectTestQueue(t, natsURL)
			if err := q.Enqueue(ctx, queue.Job{Scan: sc.ID, Target: tt.target, Settings: queue.Settings{Fetch: tt.fetch}}); err != nil {
				t.Fatal(err)
			}
			w, err := NewWorker(ctx, WorkerOptions{Queue: natsURL, DB: db, Concurrency: 1,
				AllowPrivate: tt.allowPrivate, AllowJobNetwork: tt.allow})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- w.Run(runCtx) }()
			var sites []store.SiteResult
			for ctx.Err() == nil && len(sites) == 0 {
				time.Sleep(20 * time.Millisecond)
				sites, _ = st.Sites(ctx, sc.ID)
			}
			stop()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			// The worker keeps no state of a scan whose jobs stopped coming.
			w.dropIdleScans(0)
			if n := len(w.engines); n != 0 {
				t.Errorf("%d scan engines kept after the scan went idle", n)
			}
			if len(sites) != 1 {
				t.Fatalf("%d sites recorded", len(sites))
			}
			s := sites[0]
			if s.ErrorKind != tt.wantKind && tt.wantKind != "" || !strings.Contains(s.Error, tt.wantErr) || (tt.wantErr == "") != (s.Error == "") {
				t.Errorf("site recorded with error %q (kind %q), want %q (kind %q)", s.Error, s.ErrorKind, tt.wantErr, tt.wantKind)
			}
			if tt.wantErr == "" && s.Pages == 0 {
				t.Errorf("allowed site: %d pages audited", s.Pages)
			}
		})
	}
}
