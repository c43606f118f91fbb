package chromiumtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTab loads a loopback page through a host name that only the extra
// host-resolver-rules flag maps, and checks the window's size.
func TestTab(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html><title>t</title><p id=host>"+r.Host+"</p>")
	}))
	defer srv.Close()
	ctx := Tab(t, chromedp.Flag("host-resolver-rules", "MAP *.test "+strings.TrimPrefix(srv.URL, "http://")))
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Navigate("http://www.site.test/")); err != nil {
		t.Fatal(err)
	}
	host, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#host")))
	if err != nil {
		t.Fatal(err)
	}
	if host != "www.site.test" {
		t.Errorf("page served for host %q, want www.site.test", host)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int]("window.innerWidth"))
	if err != nil {
		t.Fatal(err)
	}
	if width != 1280 {
		t.Errorf("window width %d, want 1280", width)
	}
}
