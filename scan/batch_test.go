package scan

import (
	"slices"
	"testing"
	"time"

	"vigie/observation"
)

// The batch writer flushes a batch when it is full, when its first site
// has waited long enough, and when the input ends, in arrival order.
func TestBatchWriter(t *testing.T) {
	res := func(i int) *Result { return &Result{Site: &observation.Site{URL: string(rune('a' + i))}} }
	urls := func(b []*Result) string {
		s := ""
		for _, r := range b {
			s += r.Site.URL
		}
		return s
	}
	tests := []struct {
		name  string
		max   int
		wait  time.Duration
		feed  func(in chan<- *Result)
		flush []string
	}{
		{"full batches, then the rest at the end", 3, time.Hour, func(in chan<- *Result) {
			for i := range 7 {
				in <- res(i)
			}
		}, []string{"abc", "def", "g"}},
		{"a batch waiting too long", 32, 10 * time.Millisecond, func(in chan<- *Result) {
			in <- res(0)
			in <- res(1)
			time.Sleep(500 * time.Millisecond)
			in <- res(2)
		}, []string{"ab", "c"}},
		{"nothing", 4, time.Millisecond, func(chan<- *Result) {}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			w := batchWriter{max: tc.max, wait: tc.wait, flush: func(b []*Result) { got = append(got, urls(b)) }}
			in := make(chan *Result)
			done := make(chan struct{})
			go func() { w.run(in); close(done) }()
			tc.feed(in)
			close(in)
			<-done
			if !slices.Equal(got, tc.flush) {
				t.Errorf("flushed %q, want %q", got, tc.flush)
			}
		})
	}
}
