package queue

import (
	"context"
	"errors"
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
