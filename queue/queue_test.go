package queue

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"vigie/queue/natstest"
	"vigie/target"
)

func job(scan, url string) Job {
	return Job{Scan: scan, Target: target.Target{URL: url, Host: "h"}, Settings: Settings{TLSProbe: true}}
}

// next fetches one job, failing the test when none comes.
func next(t *testing.T, c *Consumer) *Delivery {
	t.Helper()
	for range 10 {
		d, err := c.Next(t.Context(), 500*time.Millisecond)
		if errors.Is(err, ErrNoJob) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	t.Fatal("no job delivered")
	return nil
}

func TestLifeCycle(t *testing.T) {
	ctx := t.Context()
	q, err := Connect(ctx, natstest.Start(t), Options{AckWait: time.Second, MaxDeliver: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if n, err := q.InFlight(ctx); err != nil || n != 0 {
		t.Errorf("InFlight before any consumer = %d, %v", n, err)
	}
	// The same site of the same scan twice is one job.
	if err := q.Enqueue(ctx, job("s1", "https://a.test/"), job("s1", "https://b.test/"), job("s1", "https://a.test/")); err != nil {
		t.Fatal(err)
	}
	if n, err := q.Depth(ctx); err != nil || n != 2 {
		t.Fatalf("Depth = %d, %v; want 2", n, err)
	}
	c, err := q.Consumer(ctx)
	if err != nil {
		t.Fatal(err)
	}

	a := next(t, c)
	if a.Job.Scan != "s1" || a.Job.Target.URL != "https://a.test/" || !a.Job.Settings.TLSProbe || a.Attempt != 1 || a.Last {
		t.Errorf("first delivery = %+v", a)
	}
	if n, err := q.InFlight(ctx); err != nil || n != 1 {
		t.Errorf("InFlight = %d, %v; want 1", n, err)
	}
	if err := a.Nak(0); err != nil {
		t.Fatal(err)
	}
	// Handed back: delivered again, now for the last time.
	seen := map[string]*Delivery{}
	for len(seen) < 2 {
		d := next(t, c)
		seen[d.Job.Target.URL] = d
	}
	if d := seen["https://a.test/"]; d.Attempt != 2 || !d.Last {
		t.Errorf("redelivery: attempt %d, last %v; want 2, true", d.Attempt, d.Last)
	}
	for _, d := range seen {
		if err := d.Ack(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := q.Depth(ctx); err != nil || n != 0 {
		t.Errorf("Depth after acks = %d, %v; want 0", n, err)
	}
}

// A job held without an answer past the ack deadline comes back.
func TestRedeliveryAfterAckWait(t *testing.T) {
	ctx := t.Context()
	q, err := Connect(ctx, natstest.Start(t), Options{AckWait: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.Enqueue(ctx, job("s1", "https://a.test/")); err != nil {
		t.Fatal(err)
	}
	c, err := q.Consumer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first := next(t, c); first.Attempt != 1 {
		t.Errorf("first delivery is attempt %d", first.Attempt)
	}
	start := time.Now()
	again := next(t, c)
	if again.Attempt != 2 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("redelivered after %v as attempt %d", time.Since(start), again.Attempt)
	}
	if err := again.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Next(context.Background(), 500*time.Millisecond); !errors.Is(err, ErrNoJob) {
		t.Errorf("Next after ack = %v, want ErrNoJob", err)
	}
}

// TestJobFormat decodes a job queued before browser mode reached the
// fleet, and tells which jobs are rendered.
func TestJobFormat(t *testing.T) {
	old := `{"scan":"s1","target":{"Input":"a.test","URL":"https://a.test/","Host":"a.test"},"settings":{"fetch":{},"crawl":{},"tls_probe":true}}`
	var j Job
	if err := json.Unmarshal([]byte(old), &j); err != nil {
		t.Fatal(err)
	}
	if j.Scan != "s1" || j.Target.URL != "https://a.test/" || !j.Settings.TLSProbe || j.Settings.Browser != nil || j.Rendered() {
		t.Errorf("old job = %+v, rendered %v", j, j.Rendered())
	}

	for _, tc := range []struct {
		mode    string
		browser *Browser
		want    bool
	}{
		{"", nil, false},
		{target.ModeBrowser, nil, false},
		{"", &Browser{}, false},
		{"", &Browser{All: true}, true},
		{target.ModeBrowser, &Browser{}, true},
		{target.ModeStatic, &Browser{All: true}, false},
	} {
		j := Job{Target: target.Target{URL: "https://a.test/", Mode: tc.mode}, Settings: Settings{Browser: tc.browser}}
		if got := j.Rendered(); got != tc.want {
			t.Errorf("mode %q, browser %+v: Rendered = %v, want %v", tc.mode, tc.browser, got, tc.want)
		}
	}
}

// A job's mode and browser settings travel through the queue.
func TestBrowserJobRoundTrip(t *testing.T) {
	ctx := t.Context()
	q, err := Connect(ctx, natstest.Start(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	j := job("s1", "https://a.test/")
	j.Target.Mode = target.ModeBrowser
	j.Settings.Browser = &Browser{NoTyping: true, PageTimeout: 7 * time.Second, TrackerLists: [][]byte{[]byte("domain,name,category\nt.test,T,analytics\n")}}
	if err := q.Enqueue(ctx, j); err != nil {
		t.Fatal(err)
	}
	c, err := q.Consumer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := next(t, c)
	if !reflect.DeepEqual(d.Job, j) {
		t.Errorf("delivered %+v\nwant %+v", d.Job, j)
	}
	if err := d.Ack(ctx); err != nil {
		t.Fatal(err)
	}
}
