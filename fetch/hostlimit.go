package fetch

import (
	"context"
	"sync"
)

// hostLimiter bounds concurrent requests per host. Entries live only while
// a request to their host is pending or running, so a scan over many
// thousands of hosts keeps a small map.
type hostLimiter struct {
	limit int
	mu    sync.Mutex
	hosts map[string]*hostSlots
}

type hostSlots struct {
	sem  chan struct{}
	refs int // requests holding or waiting for a slot
}

func newHostLimiter(limit int) *hostLimiter {
	return &hostLimiter{limit: limit, hosts: make(map[string]*hostSlots)}
}

// acquire waits for a slot for host and returns the function releasing it.
func (h *hostLimiter) acquire(ctx context.Context, host string) (release func(), err error) {
	h.mu.Lock()
	s := h.hosts[host]
	if s == nil {
		s = &hostSlots{sem: make(chan struct{}, h.limit)}
		h.hosts[host] = s
	}
	s.refs++
	h.mu.Unlock()

	select {
	case s.sem <- struct{}{}:
		var once sync.Once
		return func() {
			once.Do(func() {
				<-s.sem
				h.unref(host, s)
			})
		}, nil
	case <-ctx.Done():
		h.unref(host, s)
		return nil, ctx.Err()
	}
}

func (h *hostLimiter) unref(host string, s *hostSlots) {
	h.mu.Lock()
	s.refs--
	if s.refs == 0 {
		delete(h.hosts, host)
	}
	h.mu.Unlock()
}

// size returns the number of hosts tracked, for tests.
func (h *hostLimiter) size() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.hosts)
}
