package browser

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkRender renders a small page with a few scripts, a third-party
// tracker and a form, one session per page as for one site, with 1, 2 and 4
// tabs. It reports pages/s and the peak resident memory of the browser's
// process tree in MB. Settle is the default, so it dominates the time of a
// page.
func BenchmarkRender(b *testing.B) {
	e := newSite(b, true)
	for _, tabs := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("tabs=%d", tabs), func(b *testing.B) {
			p := startPool(b, e, Options{Tabs: tabs, Log: nopWriter{}})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			stopWatch := p.WatchMemory(100 * time.Millisecond)
			var next atomic.Int64
			var failed atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range tabs {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						s, err := p.Open(ctx)
						if err != nil {
							failed.Add(1)
							continue
						}
						r, err := s.Render(ctx, "https://www.site.test/bench", nil)
						if err != nil || r.Error != "" || len(r.Requests) < 4 {
							failed.Add(1)
						}
						s.Close()
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			peakRSS, peakPSS := stopWatch()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d renders failed", n, b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "pages/s")
			b.ReportMetric(float64(peakRSS)/(1<<20), "peakRSS-MB")
			b.ReportMetric(float64(peakPSS)/(1<<20), "peakPSS-MB")
		})
	}
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
