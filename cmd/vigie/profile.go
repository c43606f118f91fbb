package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// watchMemory serves the memory measurements of bench/scale.sh, from the
// environment:
//
//   - VIGIE_MEMSTATS=DURATION writes, every DURATION, one line to w with
//     the heap after a collection (spans in use, live bytes and objects),
//     the Go runtime's memory and the process's resident set;
//   - VIGIE_MEMPROFILE=FILE writes a heap profile to FILE at exit and,
//     with VIGIE_MEMSTATS, one to FILE.N at each line N.
//
// It returns a function that stops the watch and writes the last profile.
func watchMemory(w io.Writer) (stop func()) {
	prof := os.Getenv("VIGIE_MEMPROFILE")
	every, _ := time.ParseDuration(os.Getenv("VIGIE_MEMSTATS"))
	if prof == "" && every <= 0 {
		return func() {}
	}
	if prof != "" {
		// Finer than the default 512 KiB, so that a few hundred bytes kept
		// per site show in a profile of a few thousand sites.
		runtime.MemProfileRate = 64 << 10
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if every <= 0 {
			return
		}
		start := time.Now()
		t := time.NewTicker(every)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			runtime.GC() // the heap in use, not what awaits collection
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			name := ""
			if prof != "" {
				name = prof + "." + strconv.Itoa(n)
				writeHeapProfile(name)
			}
			// RSS beyond the Go runtime's share is memory allocated
			// outside it (SQLite's page cache, with modernc.org/sqlite).
			fmt.Fprintf(w, "vigie: memory at %.0fs: heap in use %.1f MB (live %.1f MB, %d objects), Go runtime %.0f MB, RSS %d MB (peak %d MB), %d goroutines %s\n",
				time.Since(start).Seconds(), float64(ms.HeapInuse)/(1<<20), float64(ms.HeapAlloc)/(1<<20), ms.HeapObjects,
				float64(ms.Sys-ms.HeapReleased)/(1<<20), statusMB("VmRSS"), statusMB("VmHWM"), runtime.NumGoroutine(), name)
		}
	}()
	return func() {
		cancel()
		<-done
		if prof != "" {
			runtime.GC()
			writeHeapProfile(prof)
		}
	}
}

func writeHeapProfile(name string) {
	f, err := os.Create(name)
	if err != nil {
		return
	}
	defer f.Close()
	_ = pprof.WriteHeapProfile(f)
}

// statusMB returns a field of /proc/self/status in MB: VmRSS is the
// resident set, VmHWM its peak so far (Linux; 0 elsewhere).
func statusMB(field string) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb / 1024
		}
	}
	return 0
}
