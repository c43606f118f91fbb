package scan

import (
	"context"
	"runtime"
	"testing"
	"time"

	"vigie/farm"
)

// BenchmarkScanFarm audits 1,000 generated farm sites (about 10 pages each)
// per iteration and reports sites/s and the heap in use after the scan.
//
//	go test -bench ScanFarm -benchtime 1x -run '^$' ./scan/
func BenchmarkScanFarm(b *testing.B) {
	const sites = 1000
	f, err := farm.Start(farm.Options{Sites: sites})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	targets := farmTargets(b, f)
	o := farmOptions(f)
	o.Concurrency = 64
	o.Fetch.Timeout = 10 * time.Second
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		findings := 0
		sum, err := Run(context.Background(), targets, o, func(r *Result) error {
			findings += len(r.Findings)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Sites != sites || sum.Failed != 0 {
			b.Fatalf("%d sites, %d failed", sum.Sites, sum.Failed)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(sites*b.N)/elapsed.Seconds(), "sites/s")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}
