package browser

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory returns the resident memory, in bytes, of the current browser
// process and its descendants (renderers, GPU and network services): RSS
// counts pages shared between the processes once per process, PSS shares
// them out. It reads /proc (Linux); elsewhere it returns zeros.
func (p *Pool) Memory() (rss, pss int64) {
	pids := p.PIDs()
	if len(pids) == 0 {
		return 0, 0
	}
	return treeMemory(pids[0])
}

// WatchMemory samples Memory now and then every interval, in a goroutine,
// until the returned stop function is called; stop returns the highest
// RSS and PSS seen. Benchmarks use it to report the browser's peak
// memory. Calling stop again returns the same peaks.
func (p *Pool) WatchMemory(every time.Duration) (stop func() (peakRSS, peakPSS int64)) {
	done := make(chan struct{})
	var rss, pss int64 // written by the sampler, read after it ends
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			r, s := p.Memory()
			rss, pss = max(rss, r), max(pss, s)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return sync.OnceValues(func() (int64, int64) {
		close(done)
		wg.Wait()
		return rss, pss
	})
}

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
