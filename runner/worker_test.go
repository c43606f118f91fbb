package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/fetch"
	"vigie/queue"
	"vigie/queue/natstest"
	"vigie/store"
	"vigie/store/postgres/pgtest"
	"vigie/target"
)

// TestWorkerShutdown stops a worker while it audits a site that does not
// answer yet: within the grace period the job finishes and is recorded;
// past it, the job goes back to the queue at once, long before its ack
// deadline.
func TestWorkerShutdown(t *testing.T) {
	for _, tc := range []struct {
		name     string
		grace    time.Duration
		recorded bool
	}{
		{"finishes within grace", 10 * time.Second, true},
		{"handed back after grace", 100 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			release := make(chan struct{})
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
				w.Write([]byte("<html><body>ok</body></html>"))
			}))
			defer slow.Close()
			answer := sync.OnceFunc(func() { close(release) })
			defer answer()

			natsURL, dbURL := natstest.Start(t), pgtest.URL(t)
			st := openTestStore(t, dbURL)
			sc := &store.Scan{Targets: 1}
			if err := st.BeginScan(ctx, sc); err != nil {
				t.Fatal(err)
			}
			tg, err := target.Parse(slow.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			q, err := queue.Connect(ctx, natsURL, queue.Options{AckWait: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			job := queue.Job{Scan: sc.ID, Target: tg, Settings: queue.Settings{Fetch: fetch.Options{Timeout: 30 * time.Second, Retries: -1}}}
			if err := q.Enqueue(ctx, job); err != nil {
				t.Fatal(err)
			}

			w, err := NewWorker(ctx, WorkerOptions{Queue: natsURL, DB: dbURL, Concurrency: 1, AckWait: time.Minute, Grace: tc.grace, AllowPrivate: true})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- w.Run(runCtx) }()
			for w.inFlight.Load() == 0 {
				time.Sleep(5 * time.Millisecond)
			}
			stop()
			if tc.recorded {
				time.Sleep(300 * time.Millisecond) // still running after the stop
				answer()
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("worker did not stop")
			}

			sites, err := st.Sites(ctx, sc.ID)
			if err != nil {
				t.Fatal(err)
			}
			depth, err := q.Depth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tc.recorded {
				if len(sites) != 1 || depth != 0 {
					t.Errorf("%d sites recorded, %d jobs queued; want 1, 0", len(sites), depth)
				}
				return
			}
			if len(sites) != 0 {
				t.Errorf("%d sites recorded, want 0", len(sites))
			}
			// Back in the queue now, not after the minute of ack wait.
			c, err := q.Consumer(ctx)
			if err != nil {
				t.Fatal(err)
			}
			d, err := c.Next(ctx, 3*time.Second)
			if errors.Is(err, queue.ErrNoJob) {
				t.Fatal("the unfinished job was not handed back")
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Attempt != 2 || d.Job.Target.URL != tg.URL {
				t.Errorf("handed back job: attempt %d, %s", d.Attempt, d.Job.Target.URL)
			}
		})
	}
}

// TestWorkerBoundsScans feeds one worker the jobs of many scans, one site
// each, as a long-running worker meets a dashboard's small scans: it must
// not keep an engine (connections, TLS results, salt) per scan it served.
// Once their jobs are done, at most maxIdleScans engines remain.
func TestWorkerBoundsScans(t *testing.T) {
	const scans = 3*maxIdleScans + 2
	ctx := t.Context()
	tg := testSite(t, nil)
	natsURL, dbURL := natstest.Start(t), pgtest.URL(t)
	st := openTestStore(t, dbURL)
	q := connectTestQueue(t, natsURL)
	ids := make([]string, scans)
	for i := range ids {
		sc := &store.Scan{Targets: 1}
		if err := st.BeginScan(ctx, sc); err != nil {
			t.Fatal(err)
		}
		ids[i] = sc.ID
		job := queue.Job{Scan: sc.ID, Target: tg, Settings: queue.Settings{Fetch: fetch.Options{Timeout: 10 * time.Second, Retries: -1}}}
		if err := q.Enqueue(ctx, job); err != nil {
			t.Fatal(err)
		}
	}

	w, stop := runWorker(t, WorkerOptions{Queue: natsURL, DB: dbURL, Concurrency: 2, AllowPrivate: true, Hosting: HostingSettings{Off: true}})
	for deadline := time.Now().Add(60 * time.Second); w.done.Load()+w.failed.Load() < scans; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d jobs done", w.done.Load(), scans)
		}
	}
	for w.inFlight.Load() > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	if n := w.scans(); n > maxIdleScans {
		t.Errorf("the worker holds the engines of %d scans after serving %d; want at most %d", n, scans, maxIdleScans)
	}
	stop()
	for _, id := range ids {
		sites, err := st.Sites(ctx, id)
		if err != nil || len(sites) != 1 || !sites[0].OK() {
			t.Errorf("scan %s: sites %+v, %v; want one audited site", id, sites, err)
		}
	}
}

// TestWorkerAckLost loses a worker's acknowledgement on the wire, as when
// the NATS server dies after the worker sent it: a proxy between the
// worker and the server swallows what the worker sends, then drops the
// connection. The worker retries the acknowledgement once reconnected, so
// the job, recorded once, is not delivered again after the ack wait to
// be audited a second time.
func TestWorkerAckLost(t *testing.T) {
	ctx := t.Context()
	release := make(chan struct{})
	answer := sync.OnceFunc(func() { close(release) })
	defer answer()
	tg := testSite(t, release)
	natsURL, dbURL := natstest.Start(t), pgtest.URL(t)
	px := newSwallowProxy(t, strings.TrimPrefix(natsURL, "nats://"))
	st := openTestStore(t, dbURL)
	sc := &store.Scan{Targets: 1}
	if err := st.BeginScan(ctx, sc); err != nil {
		t.Fatal(err)
	}
	const ackWait = 20 * time.Second
	q, err := queue.Connect(ctx, natsURL, queue.Options{AckWait: ackWait})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	job := queue.Job{Scan: sc.ID, Target: tg, Settings: queue.Settings{Fetch: fetch.Options{Timeout: time.Minute, Retries: -1}}}
	if err := q.Enqueue(ctx, job); err != nil {
		t.Fatal(err)
	}
	w, stop := runWorker(t, WorkerOptions{Queue: "nats://" + px.addr, DB: dbURL, Concurrency: 1, AckWait: ackWait,
		AllowPrivate: true, Hosting: HostingSettings{Off: true}})
	for deadline := time.Now().Add(30 * time.Second); w.inFlight.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the worker took no job")
		}
	}
	// From now on what the worker sends is lost; the site answers and is
	// recorded, its acknowledgement swallowed.
	px.swallow.Store(true)
	answer()
	for deadline := time.Now().Add(30 * time.Second); w.done.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the site was not recorded")
		}
	}
	time.Sleep(time.Second)
	px.cut() // the worker reconnects, through the proxy, which passes all again

	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if depth, err := q.Depth(ctx); err == nil && depth == 0 && w.inFlight.Load() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the job was never acknowledged")
		}
	}
	stop()
	if n := w.redelivered.Load(); n != 0 || w.done.Load() != 1 {
		t.Errorf("the job was audited %d times, delivered again %d times; want once, never", w.done.Load(), n)
	}
}

// swallowProxy forwards TCP connections to a server; while swallow is
// set, what clients send is read and dropped.
type swallowProxy struct {
	addr    string
	swallow atomic.Bool
	mu      sync.Mutex
	conns   []net.Conn
}

func newSwallowProxy(t *testing.T, server string) *swallowProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	p := &swallowProxy{addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", server)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(c, s); c.Close() }()
			go func() {
				buf := make([]byte, 32<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 && !p.swallow.Load() {
						s.Write(buf[:n])
					}
					if err != nil {
						s.Close()
						return
					}
				}
			}()
		}
	}()
	return p
}

// cut closes every proxied connection and stops swallowing.
func (p *swallowProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.swallow.Store(false)
}

// testSite serves a small page, once release is closed when it is not
// nil, and returns its target.
func testSite(t *testing.T, release <-chan struct{}) target.Target {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if release != nil {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><html><head><title>ok</title></head><body><p>ok</p></body></html>"))
	}))
	t.Cleanup(srv.Close)
	tg, err := target.Parse(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// runWorker starts a worker with o and runs it until stop, which waits
// for it to end.
func runWorker(t *testing.T, o WorkerOptions) (w *Worker, stop func()) {
	t.Helper()
	w, err := NewWorker(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	runCtx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	return w, func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
