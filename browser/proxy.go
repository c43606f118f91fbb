package browser

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// proxy is the HTTP proxy the browser is pointed at. It forwards plain
// requests and CONNECT tunnels through Options.Dial, so that Chromium never
// opens a connection or resolves a name of its own.
type proxy struct {
	ln     net.Listener
	srv    *http.Server
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	tr     *http.Transport
	ctx    context.Context // ends when the proxy closes; bounds every tunnel
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// hopHeaders are removed from forwarded requests and responses (RFC 9110
// section 7.6.1) together with those the Connection header names.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func startProxy(dial func(ctx context.Context, network, addr string) (net.Conn, error)) (*proxy, error) {
	if dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second}
		dial = d.DialContext
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("browser: proxy listener: %w", err)
	}
	ln = restrictToOwner(ln)
	ctx, cancel := context.WithCancel(context.Background())
	p := &proxy{ln: ln, dial: dial, ctx: ctx, cancel: cancel}
	p.tr = &http.Transport{
		Proxy:                 nil,
		DialContext:           dial,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		DisableCompression:    true, // the browser negotiates its own encodings
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 30 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.srv.Serve(ln)
	}()
	return p, nil
}

// addr is the proxy's host:port on loopback.
func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) close() error {
	p.cancel()
	err := p.srv.Close()
	p.tr.CloseIdleConnections()
	p.wg.Wait()
	return err
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.tunnel(w, r)
		return
	}
	if r.URL.Scheme != "http" || r.URL.Host == "" {
		http.Error(w, "vigie browser proxy: only absolute http URLs and CONNECT", http.StatusBadRequest)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	removeHop(out.Header)
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		http.Error(w, fmt.Sprintf("vigie browser proxy: %s: %v", r.URL.Host, err), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	removeHop(resp.Header)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// tunnel answers a CONNECT: it dials the target through Dial and splices
// the two connections until either side closes.
func (p *proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if _, _, err := net.SplitHostPort(host); err != nil {
		http.Error(w, "vigie browser proxy: CONNECT needs host:port", http.StatusBadRequest)
		return
	}
	dctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	up, err := p.dial(dctx, "tcp", host)
	cancel()
	if err != nil {
		http.Error(w, fmt.Sprintf("vigie browser proxy: %s: %v", host, err), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "vigie browser proxy: cannot hijack", http.StatusInternalServerError)
		return
	}
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	if _, err := io.WriteString(down, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		up.Close()
		down.Close()
		return
	}
	// Bytes the client sent after the CONNECT header (a TLS ClientHello in a
	// hurry) are already in buf.
	if n := buf.Reader.Buffered(); n > 0 {
		b, _ := buf.Reader.Peek(n)
		if _, err := up.Write(b); err != nil {
			up.Close()
			down.Close()
			return
		}
	}
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, down); closeWrite(up); done <- struct{}{} }()
	go func() { io.Copy(down, up); closeWrite(down); done <- struct{}{} }()
	select {
	case <-done:
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		case <-p.ctx.Done():
		}
	case <-p.ctx.Done():
	}
	up.Close()
	down.Close()
}

func closeWrite(c net.Conn) {
	type writeCloser interface{ CloseWrite() error }
	if wc, ok := c.(writeCloser); ok {
		if err := wc.CloseWrite(); err == nil {
			return
		}
	}
	c.Close()
}

func removeHop(h http.Header) {
	for _, f := range h.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
}
