package farm

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// discardWriter is a ResponseWriter that keeps nothing, to measure the
// handler alone.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkServePage measures the handler serving a page of a generated
// farm of 10,000 sites.
func BenchmarkServePage(b *testing.B) {
	f := startFarm(b, Options{Sites: 10000})
	s := f.Sites()[1234]
	req := httptest.NewRequest(http.MethodGet, "http://"+s.Host+"/actualites/horaires-ete.html", nil)
	if v := f.lookup(s.Host); v == nil || v.host.pages["/actualites/horaires-ete.html"] == nil {
		b.Fatalf("no page for %s", s.Host)
	}
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		f.ServeHTTP(w, req)
	}
}

// BenchmarkServePageLoopback measures a whole HTTP/1.1 exchange over
// loopback with a kept-alive connection.
func BenchmarkServePageLoopback(b *testing.B) {
	f := startFarm(b, Options{Sites: 1000})
	c := newClient(b, f, 5*time.Second)
	u := "http://" + f.Sites()[500].Host + "/a-propos.html"
	buf := make([]byte, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				break
			}
		}
		resp.Body.Close()
	}
}
