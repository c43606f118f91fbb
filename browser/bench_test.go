package browser

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
			var peak, peakPSS atomic.Int64
			stop := make(chan struct{})
			var sampler sync.WaitGroup
			sampler.Go(func() {
				for {
					if pids := p.PIDs(); len(pids) > 0 {
						rss, pss := treeMemory(pids[0])
						if rss > peak.Load() {
							peak.Store(rss)
						}
						if pss > peakPSS.Load() {
							peakPSS.Store(pss)
						}
					}
					select {
					case <-stop:
						return
					case <-time.After(100 * time.Millisecond):
					}
				}
			})
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
			close(stop)
			sampler.Wait()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d renders failed", n, b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "pages/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peakRSS-MB")
			b.ReportMetric(float64(peakPSS.Load())/(1<<20), "peakPSS-MB")
		})
	}
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// treeMemory sums the resident memory, in bytes, of pid and its
// descendants: RSS counts pages shared between the browser's processes once
// per process, PSS shares them out.
func treeMemory(pid int) (rss, pss int64) {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		data, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at ')'.
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		self, _ := strconv.Atoi(filepath.Base(filepath.Dir(st)))
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], self)
	}
	for todo := []int{pid}; len(todo) > 0; {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		rss += procField(fmt.Sprintf("/proc/%d/status", p), "VmRSS:")
		pss += procField(fmt.Sprintf("/proc/%d/smaps_rollup", p), "Pss:")
		todo = append(todo, children[p]...)
	}
	return rss, pss
}

// procField reads a "Name:   123 kB" line of a /proc file, in bytes.
func procField(path, name string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
