package browser

import (
	"runtime"
	"testing"
	"time"
)

// TestWatchMemory samples the browser's memory while it renders a page:
// the peaks are those of a running browser, and nothing once it is closed.
func TestWatchMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Memory reads /proc")
	}
	e := newSite(t, true)
	p := startPool(t, e, Options{})
	render(t, p, "https://www.site.test/")
	stop := p.WatchMemory(10 * time.Millisecond)
	render(t, p, "https://www.site.test/")
	rss, pss := stop()
	if rss <= 0 || pss <= 0 || pss > rss {
		t.Errorf("peaks while rendering: RSS %d, PSS %d; want 0 < PSS <= RSS", rss, pss)
	}
	if rss2, pss2 := stop(); rss2 != rss || pss2 != pss {
		t.Errorf("second stop: %d, %d; want %d, %d", rss2, pss2, rss, pss)
	}

	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if rss, pss := p.WatchMemory(10 * time.Millisecond)(); rss != 0 || pss != 0 {
		t.Errorf("peaks of a closed pool: RSS %d, PSS %d; want 0", rss, pss)
	}
}
