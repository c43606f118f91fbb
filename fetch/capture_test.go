package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie/internal/testpki"
	"vigie/observation"
)

func headerValue(fields []observation.HeaderField, name string) string {
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func TestCaptureRedirectChain(t *testing.T) {
	page := strings.Repeat("<p>bonjour</p>", 200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Location", "/page")
			w.WriteHeader(http.StatusFound)
			io.WriteString(w, "moved")
		case "/page":
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			io.WriteString(zw, page)
			zw.Close()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz.Bytes())
		}
	}))
	defer srv.Close()

	c := newClient(t, Options{Capture: true})
	r := c.Get(context.Background(), srv.URL+"/")
	if !r.OK() {
		t.Fatal(r.Error)
	}
	if len(r.Exchanges) != 2 {
		t.Fatalf("%d exchanges, want 2", len(r.Exchanges))
	}
	hop, final := r.Exchanges[0], r.Exchanges[1]
	if hop.Status != 302 || string(hop.Body) != "moved" || hop.Header.Get("Location") != "/page" || hop.URL != srv.URL+"/" {
		t.Errorf("redirect hop %d %q %v %s", hop.Status, hop.Body, hop.Header, hop.URL)
	}
	if final.Status != 200 || final.Reason != "OK" || string(final.Body) != page || final.ContentDecoded != "gzip" || final.Truncated {
		t.Errorf("final %d %q decoded %q truncated %v, %d bytes", final.Status, final.Reason, final.ContentDecoded, final.Truncated, len(final.Body))
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, ex := range r.Exchanges {
		if ex.Method != "GET" || ex.Proto != "HTTP/1.1" || ex.ResponseProto != "HTTP/1.1" {
			t.Errorf("%s %s %s / %s", ex.Method, ex.URL, ex.Proto, ex.ResponseProto)
		}
		if headerValue(ex.RequestHeader, "Host") != host || headerValue(ex.RequestHeader, "User-Agent") != DefaultUserAgent ||
			headerValue(ex.RequestHeader, "Accept-Encoding") != "gzip" {
			t.Errorf("request header %v", ex.RequestHeader)
		}
		if ex.RemoteAddr != host || ex.LocalAddr == "" || ex.Start.IsZero() || ex.Received.Before(ex.Start) || ex.TLS != nil {
			t.Errorf("addresses %s -> %s, times %v %v", ex.LocalAddr, ex.RemoteAddr, ex.Start, ex.Received)
		}
	}
	// The probe's own fields are unchanged by capture.
	if string(r.Body) != page || len(r.Chain) != 2 {
		t.Errorf("body %d bytes, chain %v", len(r.Body), r.Chain)
	}
}

func TestCaptureOffByDefault(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "x") }))
	defer srv.Close()
	r := newClient(t, Options{}).Get(context.Background(), srv.URL)
	if !r.OK() || r.Exchanges != nil {
		t.Errorf("error %q, exchanges %v", r.Error, r.Exchanges)
	}
}

func TestCaptureHTTP2AndTLS(t *testing.T) {
	ca := testpki.NewCA(t, "Vigie Test CA")
	cert := ca.Issue(t, testpki.LeafOptions{Names: []string{"127.0.0.1"}})
	srv := tlsServer(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<p>h2</p>")
	}))
	r := newClient(t, Options{CACertPEM: [][]byte{ca.PEM()}, Capture: true}).Get(context.Background(), srv.URL)
	if !r.OK() || len(r.Exchanges) != 1 {
		t.Fatalf("error %q, %d exchanges", r.Error, len(r.Exchanges))
	}
	ex := r.Exchanges[0]
	if ex.Proto != "HTTP/2.0" || ex.ResponseProto != "HTTP/2.0" || headerValue(ex.RequestHeader, ":method") != "GET" ||
		headerValue(ex.RequestHeader, ":authority") != strings.TrimPrefix(srv.URL, "https://") {
		t.Errorf("proto %s/%s, header %v", ex.Proto, ex.ResponseProto, ex.RequestHeader)
	}
	if ex.TLS == nil || ex.TLS.Version != "TLS 1.3" || len(ex.TLS.Chain) != 2 || string(ex.Body) != "<p>h2</p>" {
		t.Errorf("TLS %+v, body %q", ex.TLS, ex.Body)
	}
}

func TestCaptureFailures(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.(http.Flusher).Flush() // no Content-Length: the limit hits while reading
		io.WriteString(w, strings.Repeat("a", 100))
	}))
	defer big.Close()
	r := newClient(t, Options{MaxBody: 10, Capture: true}).Get(context.Background(), big.URL)
	if r.ErrorKind != observation.KindTooLarge || len(r.Exchanges) != 1 {
		t.Fatalf("kind %q, %d exchanges", r.ErrorKind, len(r.Exchanges))
	}
	if ex := r.Exchanges[0]; !ex.Truncated || string(ex.Body) != "aaaaaaaaaa" || ex.Error == "" || ex.Status != 200 {
		t.Errorf("truncated %v body %q error %q status %d", ex.Truncated, ex.Body, ex.Error, ex.Status)
	}

	ca, other := testpki.NewCA(t, "Vigie Test CA"), testpki.NewCA(t, "Another CA")
	cert := other.Issue(t, testpki.LeafOptions{Names: []string{"127.0.0.1"}})
	srv := tlsServer(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r = newClient(t, Options{CACertPEM: [][]byte{ca.PEM()}, Capture: true, Retries: -1}).Get(context.Background(), srv.URL)
	if r.ErrorKind != observation.KindTLS || len(r.Exchanges) != 1 {
		t.Fatalf("kind %q, %d exchanges", r.ErrorKind, len(r.Exchanges))
	}
	if ex := r.Exchanges[0]; ex.Status != 0 || ex.Error == "" || ex.TLS == nil || len(ex.TLS.Chain) != 2 || len(ex.RequestHeader) != 0 ||
		ex.RemoteAddr != strings.TrimPrefix(srv.URL, "https://") {
		t.Errorf("status %d error %q TLS %+v header %v remote %q", ex.Status, ex.Error, ex.TLS, ex.RequestHeader, ex.RemoteAddr)
	}
}
