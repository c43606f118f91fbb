package fetch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/internal/testpki"
	"vigie/observation"
)

func TestGetOK(t *testing.T) {
	var gotUA, gotLang string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotLang = r.Header.Get("User-Agent"), r.Header.Get("Accept-Language")
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Header().Set("X-Frame-Options", "DENY")
		io.WriteString(w, "<html><body>Données personnelles</body></html>")
	}))
	defer srv.Close()
	c := newClient(t, Options{})
	r := c.Get(context.Background(), srv.URL+"/#top")
	if !r.OK() {
		t.Fatalf("Get: %s", r.Error)
	}
	want := srv.URL + "/"
	if r.URL != want || r.FinalURL != want || r.Status != 200 || r.Proto != "HTTP/1.1" || r.TLS != nil {
		t.Errorf("probe = %+v", r.Probe)
	}
	if len(r.Chain) != 1 || r.Chain[0] != (observation.Hop{URL: want, Status: 200}) {
		t.Errorf("chain = %+v", r.Chain)
	}
	if r.ContentType != "text/html" || r.Charset != "utf-8" || string(r.Body) != "<html><body>Données personnelles</body></html>" {
		t.Errorf("body = %q (%s, %s)", r.Body, r.ContentType, r.Charset)
	}
	if r.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("header = %v", r.Header)
	}
	if gotUA != DefaultUserAgent || !strings.HasPrefix(gotUA, "Vigie/"+Version+" (") || !strings.HasPrefix(gotLang, "fr") {
		t.Errorf("User-Agent %q, Accept-Language %q", gotUA, gotLang)
	}
}

func TestGetInvalidURL(t *testing.T) {
	c := newClient(t, Options{})
	for _, in := range []string{"", "ftp://x.example-site.test/", "http://", "http://[::1", "/relative", "javascript:alert(1)"} {
		r := c.Get(context.Background(), in)
		if r == nil || r.ErrorKind != observation.KindOther || !strings.HasPrefix(r.Error, "GET "+in+": ") || r.OK() {
			t.Errorf("Get(%q) = %+v", in, r)
		}
	}
}

// TestHostileServers checks that misbehaving servers end in a classified
// error within bounded time.
func TestHostileServers(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	ca := testpki.NewCA(t, "Vigie Test CA")
	type result struct {
		url     string
		accepts *atomic.Int32
		resolve []string
	}
	endless := func(w http.ResponseWriter, chunk []byte, pause time.Duration) {
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(pause)
		}
	}
	tests := []struct {
		name     string
		setup    func(t *testing.T) result
		opts     Options
		kind     string
		msg      string // substring of Error
		status   int
		accepts  int32 // connections expected, 0 = don't check
		maxTime  time.Duration
		hasChain int
	}{
		{
			name: "accepts and never answers",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
				return result{url: "http://" + addr + "/", accepts: n}
			},
			opts: Options{Retries: -1},
			kind: observation.KindTimeout, msg: "timeout after 300ms", accepts: 1, maxTime: timeout + 700*time.Millisecond,
		},
		{
			name: "never answers, retried twice",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
				return result{url: "http://" + addr + "/", accepts: n}
			},
			kind: observation.KindTimeout, msg: "timeout after 300ms", accepts: 3, maxTime: 3*timeout + 1500*time.Millisecond,
		},
		{
			name: "garbage instead of HTTP",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) {
					bufio.NewReader(c).ReadString('\n')
					io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n")
				})
				return result{url: "http://" + addr + "/", accepts: n}
			},
			kind: observation.KindHTTP, msg: "malformed HTTP response", accepts: 1, maxTime: time.Second,
		},
		{
			// Whether the banner arrives before or after the request is
			// written, the answer is not HTTP.
			name: "server speaks first",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) {
					io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n")
					io.Copy(io.Discard, c)
				})
				return result{url: "http://" + addr + "/", accepts: n}
			},
			kind: observation.KindHTTP, accepts: 1, maxTime: time.Second,
		},
		{
			name: "binary garbage",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) {
					bufio.NewReader(c).ReadString('\n')
					c.Write([]byte{0x16, 0x03, 0x01, 0x00, 0xff, 0, 1, 2, 3, 0xfe, '\n', '\n'})
				})
				return result{url: "http://" + addr + "/", accepts: n}
			},
			kind: observation.KindHTTP, maxTime: time.Second,
		},
		{
			name: "closes without answering, retried",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) {
					bufio.NewReader(c).ReadString('\n')
				})
				return result{url: "http://" + addr + "/", accepts: n}
			},
			kind: observation.KindHTTP, msg: "server closed the connection", accepts: 3, maxTime: 2 * time.Second,
		},
		{
			name: "headers never end",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) {
					bufio.NewReader(c).ReadString('\n')
					io.WriteString(c, "HTTP/1.1 200 OK\r\n")
					line := "X-Filler: " + strings.Repeat("a", 1000) + "\r\n"
					for {
						if _, err := io.WriteString(c, line); err != nil {
							return
						}
					}
				})
				return result{url: "http://" + addr + "/", accepts: n}
			},
			opts: Options{Retries: -1, Timeout: 10 * time.Second},
			kind: observation.KindHTTP, msg: "headers exceeded", maxTime: 2 * time.Second,
		},
		{
			name: "never-ending body",
			setup: func(t *testing.T) result {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					endless(w, make([]byte, 32<<10), 0)
				}))
				t.Cleanup(srv.Close)
				return result{url: srv.URL + "/"}
			},
			opts: Options{MaxBody: 100_000},
			kind: observation.KindTooLarge, msg: "body exceeds 100000 bytes", status: 200, maxTime: 2 * time.Second,
		},
		{
			name: "slow never-ending body",
			setup: func(t *testing.T) result {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					endless(w, []byte("x"), 10*time.Millisecond)
				}))
				t.Cleanup(srv.Close)
				return result{url: srv.URL + "/"}
			},
			opts: Options{Retries: -1},
			kind: observation.KindTimeout, msg: "timeout after 300ms reading the body", status: 200, maxTime: timeout + time.Second,
		},
		{
			name: "announced huge body",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) {
					bufio.NewReader(c).ReadString('\n')
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\nContent-Type: text/html\r\n\r\n<html>")
					io.Copy(io.Discard, c)
				})
				return result{url: "http://" + addr + "/", accepts: n}
			},
			kind: observation.KindTooLarge, msg: "body exceeds 5242880 bytes", status: 200, maxTime: time.Second,
		},
		{
			name:  "connection refused is final",
			setup: func(t *testing.T) result { return result{url: "http://" + closedPort(t) + "/"} },
			kind:  observation.KindRefused, msg: "connection refused", maxTime: 150 * time.Millisecond,
		},
		{
			name: "endless redirects",
			setup: func(t *testing.T) result {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
					http.Redirect(w, r, "/"+strconv.Itoa(n+1), http.StatusFound)
				}))
				t.Cleanup(srv.Close)
				return result{url: srv.URL + "/0"}
			},
			kind: observation.KindRedirect, msg: "/10: stopped after 10 redirects", status: 302, hasChain: 11, maxTime: time.Second,
		},
		{
			name: "redirect loop",
			setup: func(t *testing.T) result {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/a" {
						http.Redirect(w, r, "/b", http.StatusMovedPermanently)
						return
					}
					http.Redirect(w, r, "/a", http.StatusFound)
				}))
				t.Cleanup(srv.Close)
				return result{url: srv.URL + "/a"}
			},
			kind: observation.KindRedirect, msg: "/b: redirect loop: http://", status: 302, hasChain: 2, maxTime: time.Second,
		},
		{
			name: "TLS to a plain HTTP server",
			setup: func(t *testing.T) result {
				srv := httptest.NewServer(http.NotFoundHandler())
				t.Cleanup(srv.Close)
				return result{url: strings.Replace(srv.URL, "http:", "https:", 1) + "/"}
			},
			kind: observation.KindTLS, msg: "tls: ", maxTime: time.Second,
		},
		{
			name: "certificate signed by unknown authority",
			setup: func(t *testing.T) result {
				srv := httptest.NewUnstartedServer(http.NotFoundHandler())
				srv.Config.ErrorLog = quietLog
				srv.StartTLS()
				t.Cleanup(srv.Close)
				return result{url: srv.URL + "/"}
			},
			kind: observation.KindTLS, msg: "tls: certificate signed by unknown authority", maxTime: time.Second,
		},
		{
			name: "expired certificate",
			setup: func(t *testing.T) result {
				cert := ca.Issue(t, testpki.LeafOptions{Names: []string{"127.0.0.1"}, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
				return result{url: tlsServer(t, cert, http.NotFoundHandler()).URL + "/"}
			},
			opts: Options{CACertPEM: [][]byte{ca.PEM()}},
			kind: observation.KindTLS, msg: "tls: certificate has expired", maxTime: time.Second,
		},
		{
			name: "certificate for another name",
			setup: func(t *testing.T) result {
				cert := ca.Issue(t, testpki.LeafOptions{Names: []string{"other.example-site.test"}})
				p := port(t, tlsServer(t, cert, http.NotFoundHandler()).URL)
				return result{url: "https://www.example-site.test:" + p + "/", resolve: []string{"*:" + p + ":127.0.0.1"}}
			},
			opts: Options{CACertPEM: [][]byte{ca.PEM()}, NoDNS: true},
			kind: observation.KindTLS, msg: "tls: certificate is valid for other.example-site.test, not www.example-site.test", maxTime: time.Second,
		},
		{
			name: "TLS server never completes the handshake",
			setup: func(t *testing.T) result {
				addr, n := rawServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
				return result{url: "https://" + addr + "/", accepts: n}
			},
			opts: Options{Retries: -1},
			kind: observation.KindTimeout, msg: "timeout", accepts: 1, maxTime: timeout + time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := tt.setup(t)
			o := tt.opts
			if o.Timeout == 0 {
				o.Timeout = timeout
			}
			o.Resolve = res.resolve
			c := newClient(t, o)
			start := time.Now()
			r := c.Get(context.Background(), res.url)
			took := time.Since(start)
			t.Logf("%s (%s) in %v", r.Error, r.ErrorKind, took.Round(time.Millisecond))
			if r.ErrorKind != tt.kind || !strings.Contains(r.Error, tt.msg) {
				t.Fatalf("Get(%s) = %q (kind %q), want kind %q containing %q", res.url, r.Error, r.ErrorKind, tt.kind, tt.msg)
			}
			if !strings.HasPrefix(r.Error, "GET http") || r.OK() {
				t.Errorf("error %q does not start with the request", r.Error)
			}
			if r.Status != tt.status {
				t.Errorf("status = %d, want %d", r.Status, tt.status)
			}
			if tt.hasChain > 0 && len(r.Chain) != tt.hasChain {
				t.Errorf("chain has %d hops, want %d: %+v", len(r.Chain), tt.hasChain, r.Chain)
			}
			// The bound proves the call cannot hang; it is loose because
			// CI machines are shared and a loaded one is slow.
			if bound := 4*tt.maxTime + 2*time.Second; took > bound {
				t.Errorf("took %v, want at most %v", took, bound)
			}
			if tt.accepts > 0 {
				// The server may count its last accept just after Get returns.
				deadline := time.Now().Add(time.Second)
				for res.accepts.Load() != tt.accepts && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
				if got := res.accepts.Load(); got != tt.accepts {
					t.Errorf("server saw %d connections, want %d", got, tt.accepts)
				}
			}
			if tt.kind == observation.KindTLS && strings.Contains(tt.msg, "certificate") && (r.TLS == nil || len(r.TLS.Chain) == 0) {
				t.Errorf("TLS = %+v, want the unverified chain kept", r.TLS)
			}
		})
	}
}

func TestReadBodyBound(t *testing.T) {
	tests := []struct {
		size, limit int64
		tooLarge    bool
	}{
		{0, 10, false},
		{10, 10, false},
		{11, 10, true},
		{1 << 30, 1000, true},
		{3 << 20, 5 << 20, false},
	}
	for _, tt := range tests {
		cr := &countingReader{left: tt.size}
		body, err := readBody(cr, tt.limit)
		if tt.tooLarge {
			if _, ok := err.(*TooLargeError); !ok {
				t.Errorf("size %d limit %d: err = %v, want *TooLargeError", tt.size, tt.limit, err)
			}
		} else if err != nil || int64(len(body)) != tt.size {
			t.Errorf("size %d limit %d: %d bytes, %v", tt.size, tt.limit, len(body), err)
		}
		if cr.read > tt.limit+1 {
			t.Errorf("size %d limit %d: read %d bytes, more than limit+1", tt.size, tt.limit, cr.read)
		}
	}
}

type countingReader struct{ left, read int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > r.left {
		n = r.left
	}
	for i := range p[:n] {
		p[i] = 'x'
	}
	r.left -= n
	r.read += n
	return int(n), nil
}

func TestRedirectChain(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "middle?x=1#frag") // relative
		w.WriteHeader(http.StatusMovedPermanently)
	})
	mux.HandleFunc("/middle", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/see-other", http.StatusFound)
	})
	mux.HandleFunc("/see-other", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/temporary", http.StatusSeeOther)
	})
	mux.HandleFunc("/temporary", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/permanent", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/permanent", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://other.example-site.test:"+port(t, r.Host)+"/final", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "other.example-site.test:"+port(t, r.Host) {
			http.Error(w, "wrong host "+r.Host, 400)
			return
		}
		io.WriteString(w, "arrived")
	})
	mux.HandleFunc("/choices", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/elsewhere")
		w.WriteHeader(http.StatusMultipleChoices)
		io.WriteString(w, "pick one")
	})
	mux.HandleFunc("/no-location", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusFound)
		io.WriteString(w, "nowhere")
	})
	mux.HandleFunc("/mailto", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "mailto:dpo@example-site.test")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/cookie-check", func(w http.ResponseWriter, r *http.Request) {
		// Sets a cookie and bounces through /set-cookie back here: the
		// same URL twice, but not the same request.
		if _, err := r.Cookie("seen"); err == nil {
			io.WriteString(w, "welcome back")
			return
		}
		http.Redirect(w, r, "/set-cookie", http.StatusFound)
	})
	mux.HandleFunc("/set-cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1", Path: "/"})
		http.Redirect(w, r, "/cookie-check", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	p := port(t, srv.URL)
	base := "http://www.example-site.test:" + p
	other := "http://other.example-site.test:" + p
	c := newClient(t, Options{NoDNS: true, Resolve: []string{"*:" + p + ":127.0.0.1"}})

	tests := []struct {
		path   string
		opts   *Options
		chain  []observation.Hop
		status int
		body   string
	}{
		{path: "/start", status: 200, body: "arrived", chain: []observation.Hop{
			{URL: base + "/start", Status: 301, Location: base + "/middle?x=1#frag"},
			{URL: base + "/middle?x=1", Status: 302, Location: base + "/see-other"},
			{URL: base + "/see-other", Status: 303, Location: base + "/temporary"},
			{URL: base + "/temporary", Status: 307, Location: base + "/permanent"},
			{URL: base + "/permanent", Status: 308, Location: other + "/final"},
			{URL: other + "/final", Status: 200},
		}},
		{path: "/choices", status: 300, body: "pick one", chain: []observation.Hop{
			{URL: base + "/choices", Status: 300, Location: base + "/elsewhere"},
		}},
		{path: "/no-location", status: 302, body: "nowhere", chain: []observation.Hop{
			{URL: base + "/no-location", Status: 302},
		}},
		{path: "/mailto", status: 302, chain: []observation.Hop{
			{URL: base + "/mailto", Status: 302, Location: "mailto:dpo@example-site.test"},
		}},
		{path: "/cookie-check", status: 200, body: "welcome back", chain: []observation.Hop{
			{URL: base + "/cookie-check", Status: 302, Location: base + "/set-cookie"},
			{URL: base + "/set-cookie", Status: 302, Location: base + "/cookie-check"},
			{URL: base + "/cookie-check", Status: 200},
		}},
		{path: "/start", opts: &Options{MaxRedirects: -1}, status: 301, chain: []observation.Hop{
			{URL: base + "/start", Status: 301, Location: base + "/middle?x=1#frag"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			cl := c
			if tt.opts != nil {
				o := *tt.opts
				o.NoDNS, o.Resolve = true, []string{"*:" + p + ":127.0.0.1"}
				cl = newClient(t, o)
			}
			r := cl.Get(context.Background(), base+tt.path)
			if r.Error != "" {
				t.Fatalf("Get: %s", r.Error)
			}
			if fmt.Sprint(r.Chain) != fmt.Sprint(tt.chain) {
				t.Errorf("chain =\n %+v\nwant\n %+v", r.Chain, tt.chain)
			}
			last := tt.chain[len(tt.chain)-1]
			if r.Status != tt.status || r.FinalURL != last.URL || string(r.Body) != tt.body {
				t.Errorf("final = %d %s %q, want %d %s %q", r.Status, r.FinalURL, r.Body, tt.status, last.URL, tt.body)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		statuses []int  // status of each call; the last repeats
		header   string // Retry-After on failures
		retries  int
		calls    int32
		status   int
		minTime  time.Duration
	}{
		{name: "503 twice then 200", statuses: []int{503, 503, 200}, calls: 3, status: 200},
		{name: "502 then 504 then 200", statuses: []int{502, 504, 200}, calls: 3, status: 200},
		{name: "always 503: last answer kept", statuses: []int{503}, calls: 3, status: 503},
		{name: "no retries", statuses: []int{503, 200}, retries: -1, calls: 1, status: 503},
		{name: "one retry", statuses: []int{503, 503, 200}, retries: 1, calls: 2, status: 503},
		{name: "404 is final", statuses: []int{404, 200}, calls: 1, status: 404},
		{name: "500 is final", statuses: []int{500, 200}, calls: 1, status: 500},
		{name: "429 honours Retry-After", statuses: []int{429, 200}, header: "1", calls: 2, status: 200, minTime: 900 * time.Millisecond},
		{name: "429 with Retry-After beyond the cap", statuses: []int{429, 200}, header: "3600", calls: 1, status: 429},
		{name: "503 with Retry-After date", statuses: []int{503, 200}, header: time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), calls: 2, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				st := tt.statuses[min(n, len(tt.statuses)-1)]
				if st != 200 && tt.header != "" {
					w.Header().Set("Retry-After", tt.header)
				}
				w.WriteHeader(st)
				fmt.Fprintf(w, "call %d", n+1)
			}))
			defer srv.Close()
			c := newClient(t, Options{Retries: tt.retries})
			start := time.Now()
			r := c.Get(context.Background(), srv.URL)
			if r.Error != "" || r.Status != tt.status || calls.Load() != tt.calls {
				t.Fatalf("status %d after %d calls (%s), want %d after %d", r.Status, calls.Load(), r.Error, tt.status, tt.calls)
			}
			if string(r.Body) != fmt.Sprintf("call %d", tt.calls) || len(r.Chain) != 1 {
				t.Errorf("body %q chain %+v", r.Body, r.Chain)
			}
			if took := time.Since(start); took < tt.minTime {
				t.Errorf("took %v, want at least %v", took, tt.minTime)
			}
		})
	}
}

// TestRetryDefaultBackoff checks the real back-off: two failures wait
// about 200ms then 400ms, each with jitter of up to half.
func TestRetryDefaultBackoff(t *testing.T) {
	t.Parallel()
	var (
		calls atomic.Int32
		mu    sync.Mutex
		times []time.Time
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := c.Get(context.Background(), srv.URL)
	if !r.OK() || r.Status != 200 || calls.Load() != 3 {
		t.Fatalf("status %d after %d calls: %s", r.Status, calls.Load(), r.Error)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, want := range []time.Duration{200 * time.Millisecond, 400 * time.Millisecond} {
		gap := times[i+1].Sub(times[i])
		if gap < want/2 || gap > want+300*time.Millisecond {
			t.Errorf("wait before retry %d = %v, want about %v", i+1, gap, want)
		}
	}
}

func TestBackoffGrows(t *testing.T) {
	c := newClient(t, Options{})
	c.retryBase = 200 * time.Millisecond
	for n, want := range []time.Duration{200, 400, 800, 1600} {
		want *= time.Millisecond
		for range 20 {
			if d := c.backoff(n); d < want/2 || d >= want {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v)", n, d, want/2, want)
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"5", 5 * time.Second, true},
		{"-1", 0, false},
		{"99999999999999999999", 0, false},
		{"86400", MaxRetryAfter + time.Second, true},
		{"Thu, 02 Jan 2025 03:04:15 GMT", 10 * time.Second, true},
		{"Thu, 02 Jan 2025 03:00:00 GMT", 0, true},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryWaitHonoursContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c := newClient(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := c.Get(ctx, srv.URL)
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Get waited %v despite the context", took)
	}
	if r.ErrorKind != observation.KindTimeout || !strings.Contains(r.Error, "canceled") {
		t.Fatalf("Get = %q (%s)", r.Error, r.ErrorKind)
	}
}

func TestPerHostLimit(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1, 2, 5} {
		t.Run(strconv.Itoa(limit), func(t *testing.T) {
			t.Parallel()
			var cur, peak atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := cur.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(20 * time.Millisecond)
				cur.Add(-1)
			}))
			defer srv.Close()
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			defer other.Close()
			c := newClient(t, Options{PerHost: limit})
			var wg sync.WaitGroup
			for i := range 20 {
				wg.Add(2)
				go func() {
					defer wg.Done()
					if r := c.Get(context.Background(), srv.URL+"/"+strconv.Itoa(i)); !r.OK() {
						t.Errorf("Get: %s", r.Error)
					}
				}()
				go func() {
					defer wg.Done()
					c.Get(context.Background(), other.URL)
				}()
			}
			wg.Wait()
			if got := peak.Load(); got != int32(limit) {
				t.Errorf("peak concurrency %d, want %d", got, limit)
			}
			if n := c.hosts.size(); n != 0 {
				t.Errorf("host limiter still tracks %d hosts", n)
			}
		})
	}
}

func TestRate(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := newClient(t, Options{Rate: 20, PerHost: 10})
	start := time.Now()
	var wg sync.WaitGroup
	for range 11 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Get(context.Background(), srv.URL)
		}()
	}
	wg.Wait()
	// 11 requests at 20/s with a burst of one take at least 500ms.
	if took := time.Since(start); took < 450*time.Millisecond {
		t.Errorf("11 requests at 20/s took %v", took)
	}
}

func TestConnectionReuse(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("a", 1000))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newClient(t, Options{})
	for i := range 10 {
		if r := c.Get(context.Background(), srv.URL+"/"+strconv.Itoa(i)); !r.OK() {
			t.Fatal(r.Error)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("10 sequential requests used %d connections, want 1", n)
	}
}

func TestHTTP2(t *testing.T) {
	ca := testpki.NewCA(t, "Vigie Test CA")
	cert := ca.Issue(t, testpki.LeafOptions{Names: []string{"127.0.0.1"}})
	var protos sync.Map
	srv := tlsServer(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos.Store(r.Proto, true)
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<p>h2</p>")
	}))
	c := newClient(t, Options{CACertPEM: [][]byte{ca.PEM()}})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.Get(context.Background(), srv.URL)
			if !r.OK() {
				t.Errorf("Get: %s", r.Error)
				return
			}
			if r.Proto != "HTTP/2.0" || r.TLS == nil || r.TLS.ALPN != "h2" || r.TLS.Version != "TLS 1.3" ||
				!strings.HasPrefix(r.TLS.CipherSuite, "TLS_") || len(r.TLS.Chain) != 2 || string(r.Body) != "<p>h2</p>" {
				t.Errorf("response %s, TLS %+v, body %q", r.Proto, r.TLS, r.Body)
			}
		}()
	}
	wg.Wait()
	protos.Range(func(k, _ any) bool {
		if k != "HTTP/2.0" {
			t.Errorf("server saw %v", k)
		}
		return true
	})
}

func TestResolve(t *testing.T) {
	var hosts sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts.Store(r.Host, true)
		io.WriteString(w, r.Host)
	}))
	defer srv.Close()
	p := port(t, srv.URL)
	tests := []struct {
		name    string
		resolve []string
		url     string
		kind    string
		msg     string
	}{
		{name: "exact entry", resolve: []string{"www.example-site.test:" + p + ":127.0.0.1"},
			url: "http://www.example-site.test:" + p + "/"},
		{name: "case and trailing dot", resolve: []string{"WWW.Example-Site.TEST:" + p + ":127.0.0.1"},
			url: "http://www.example-site.test.:" + p + "/"},
		{name: "first address refused, second used", resolve: []string{"www.example-site.test:" + p + ":127.0.0.2,127.0.0.1"},
			url: "http://www.example-site.test:" + p + "/"},
		{name: "wildcard", resolve: []string{"*:" + p + ":127.0.0.1"},
			url: "http://anything.example-site.test:" + p + "/"},
		{name: "exact entry wins over wildcard", resolve: []string{"*:" + p + ":127.0.0.2", "www.example-site.test:" + p + ":127.0.0.1"},
			url: "http://www.example-site.test:" + p + "/"},
		{name: "entry for another port does not apply", resolve: []string{"www.example-site.test:1:127.0.0.1"},
			url: "http://www.example-site.test:" + p + "/", kind: observation.KindDNS,
			msg: "GET http://www.example-site.test:" + p + "/: no address for www.example-site.test (DNS disabled)"},
		{name: "no entry", url: "http://nowhere.example-site.test/", kind: observation.KindDNS,
			msg: "GET http://nowhere.example-site.test/: no address for nowhere.example-site.test (DNS disabled)"},
		{name: "IP literal needs no DNS", url: srv.URL + "/"},
		{name: "all addresses refused", resolve: []string{"www.example-site.test:" + p + ":127.0.0.2,127.0.0.3"},
			url: "http://www.example-site.test:" + p + "/", kind: observation.KindRefused, msg: "connect to 127.0.0.2:" + p + ": connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Options{Resolve: tt.resolve, NoDNS: true})
			r := c.Get(context.Background(), tt.url)
			if tt.kind != "" {
				if r.ErrorKind != tt.kind || !strings.Contains(r.Error, tt.msg) {
					t.Fatalf("Get = %q (%s), want %s %q", r.Error, r.ErrorKind, tt.kind, tt.msg)
				}
				return
			}
			if !r.OK() {
				t.Fatalf("Get: %s", r.Error)
			}
			wantHost := strings.TrimSuffix(strings.TrimPrefix(tt.url, "http://"), "/")
			if string(r.Body) != wantHost {
				t.Errorf("server saw Host %q, want %q", r.Body, wantHost)
			}
		})
	}
}

func TestConnectTo(t *testing.T) {
	ca := testpki.NewCA(t, "Vigie Test CA")
	cert := ca.Issue(t, testpki.LeafOptions{Names: []string{"secure.example-site.test"}})
	srv := tlsServer(t, cert, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.Host, r.TLS.ServerName)
	}))
	p := port(t, srv.URL)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "plain "+r.Host)
	}))
	defer plain.Close()
	pp := port(t, plain.URL)

	tests := []struct {
		name      string
		connectTo []string
		resolve   []string
		url       string
		body      string
		kind      string
	}{
		{name: "any host on 443", connectTo: []string{":443:127.0.0.1:" + p},
			url: "https://secure.example-site.test/", body: "secure.example-site.test secure.example-site.test"},
		{name: "named host and port", connectTo: []string{"secure.example-site.test:443:127.0.0.1:" + p},
			url: "https://secure.example-site.test/", body: "secure.example-site.test secure.example-site.test"},
		{name: "any port", connectTo: []string{"secure.example-site.test::127.0.0.1:" + p},
			url: "https://secure.example-site.test:8443/", body: "secure.example-site.test:8443 secure.example-site.test"},
		{name: "keep host, change port, host resolved by Resolve",
			connectTo: []string{"secure.example-site.test:443::" + p}, resolve: []string{"secure.example-site.test:" + p + ":127.0.0.1"},
			url: "https://secure.example-site.test/", body: "secure.example-site.test secure.example-site.test"},
		{name: "first match wins", connectTo: []string{":80:127.0.0.1:" + pp, ":443:127.0.0.1:" + p, ":443:127.0.0.1:1"},
			url: "http://www.example-site.test/", body: "plain www.example-site.test"},
		{name: "TLS name stays the original", connectTo: []string{":443:127.0.0.1:" + p},
			url: "https://wrong.example-site.test/", kind: observation.KindTLS},
		{name: "no match falls back to DNS, disabled", connectTo: []string{"other.example-site.test:443:127.0.0.1:" + p},
			url: "https://secure.example-site.test/", kind: observation.KindDNS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, Options{ConnectTo: tt.connectTo, Resolve: tt.resolve, NoDNS: true, CACertPEM: [][]byte{ca.PEM()}})
			r := c.Get(context.Background(), tt.url)
			if tt.kind != "" {
				if r.ErrorKind != tt.kind {
					t.Fatalf("Get = %q (%s), want kind %s", r.Error, r.ErrorKind, tt.kind)
				}
				return
			}
			if !r.OK() || string(r.Body) != tt.body {
				t.Fatalf("Get = %q %q, want %q", r.Error, r.Body, tt.body)
			}
			if strings.HasPrefix(tt.url, "https:") && (r.TLS == nil || r.TLS.ServerName != "secure.example-site.test" || r.TLS.ALPN != "h2") {
				t.Errorf("TLS = %+v", r.TLS)
			}
		})
	}
}

func TestCACertFiles(t *testing.T) {
	ca := testpki.NewCA(t, "Vigie Test CA")
	dir := t.TempDir()
	good := dir + "/ca.pem"
	if err := os.WriteFile(good, ca.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := dir + "/bad.pem"
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	cert := ca.Issue(t, testpki.LeafOptions{Names: []string{"127.0.0.1"}})
	srv := tlsServer(t, cert, http.NotFoundHandler())
	c := newClient(t, Options{CACertFiles: []string{good}})
	if r := c.Get(context.Background(), srv.URL); r.Status != 404 || r.Error != "" {
		t.Fatalf("Get = %d %q", r.Status, r.Error)
	}
	for _, o := range []Options{
		{CACertFiles: []string{bad}},
		{CACertFiles: []string{dir + "/missing.pem"}},
		{CACertPEM: [][]byte{[]byte("junk")}},
		{Resolve: []string{"x:1"}},
		{ConnectTo: []string{"a:b"}},
		{Timeout: -1},
		{Rate: -1},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestContextCanceled(t *testing.T) {
	addr, _ := rawServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	c := newClient(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	r := c.Get(ctx, "http://"+addr+"/")
	if time.Since(start) > time.Second || !strings.Contains(r.Error, "canceled") || r.ErrorKind != observation.KindOther {
		t.Fatalf("Get = %q (%s) after %v", r.Error, r.ErrorKind, time.Since(start))
	}
}

func TestConcurrentGets(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		fmt.Fprintf(w, "<p>page %s caf\xe9</p>", r.URL.Path)
	}))
	defer srv.Close()
	p := port(t, srv.URL)
	c := newClient(t, Options{PerHost: 4, NoDNS: true, Resolve: []string{"*:" + p + ":127.0.0.1"}})
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			host := fmt.Sprintf("site%d.example-site.test:%s", i%30, p)
			r := c.Get(context.Background(), "http://"+host+"/"+strconv.Itoa(i))
			want := fmt.Sprintf("<p>page /%d café</p>", i)
			if !r.OK() || string(r.Body) != want {
				t.Errorf("Get %d: %q %q", i, r.Error, r.Body)
			}
		}()
	}
	wg.Wait()
	if n := c.hosts.size(); n != 0 {
		t.Errorf("host limiter still tracks %d hosts", n)
	}
}

func BenchmarkGet(b *testing.B) {
	page := "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Préfecture</title></head><body>" +
		strings.Repeat("<p>Données personnelles et formulaire de contact.</p>\n", 200) + "</body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page)
	}))
	defer srv.Close()
	c, err := New(Options{PerHost: 16})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if r := c.Get(ctx, srv.URL); !r.OK() {
				b.Fatal(r.Error)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(page)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if r := c.Get(ctx, srv.URL); !r.OK() {
					b.Error(r.Error)
					return
				}
			}
		})
	})
}
