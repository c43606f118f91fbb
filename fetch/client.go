package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
	"golang.org/x/time/rate"

	"vigie/dnsq"
	"vigie/observation"
	"vigie/weburl"
)

// Request headers sent besides User-Agent. Vigie audits French public
// sites first, hence the language preference.
const (
	acceptHeader   = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	acceptLanguage = "fr-FR,fr;q=0.9,en;q=0.8"
)

// Response is the outcome of Client.Get: the probe (redirect chain, final
// status, headers, TLS state or error) and the final body.
type Response struct {
	observation.Probe
	// Proto is the protocol of the final response, "HTTP/1.1" or
	// "HTTP/2.0".
	Proto string
	// ContentType is the final response's media type in lower case,
	// without parameters; sniffed from the body when the header is absent.
	ContentType string
	// Charset is the character set a text body was decoded from, e.g.
	// "utf-8" or "windows-1252"; empty for other types.
	Charset string
	// Body is the final response's body: decoded to UTF-8 for text types
	// (text/*, HTML, XML, JSON, JavaScript, CSV), raw bytes otherwise.
	Body []byte
}

// Client fetches pages. It is safe for concurrent use; share one.
type Client struct {
	opts      Options
	resolver  *resolver
	dialer    net.Dialer
	transport *http.Transport
	limiter   *rate.Limiter // nil when Options.Rate is 0
	hosts     *hostLimiter
	retryBase time.Duration // first back-off delay
	rootCAs   *x509.CertPool
	// legacy is shared by the client's sessions: a host that needed the
	// legacy TLS configuration once goes straight to it.
	legacy *legacyHosts
}

// RootCAs returns the certificate pool the client trusts: the system pool
// plus Options.CACertFiles and CACertPEM.
func (c *Client) RootCAs() *x509.CertPool { return c.rootCAs }

// New returns a client configured by o; it fails on invalid Resolve or
// ConnectTo entries and unreadable CA files.
func New(o Options) (*Client, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	res, err := newResolver(o)
	if err != nil {
		return nil, err
	}
	pool, err := certPool(o)
	if err != nil {
		return nil, err
	}
	c := &Client{
		opts:      o,
		resolver:  res,
		dialer:    net.Dialer{Timeout: min(5*time.Second, o.Timeout), KeepAlive: 30 * time.Second},
		hosts:     newHostLimiter(o.PerHost),
		retryBase: 200 * time.Millisecond,
		rootCAs:   pool,
		legacy:    &legacyHosts{},
	}
	if o.DenyPrivate {
		c.dialer.ControlContext = denyPrivate
	}
	if o.LoopbackOnly {
		c.dialer.ControlContext = loopbackOnly
	}
	if o.DNS != "" {
		c.dialer.Resolver = (&dnsq.Client{Server: o.DNS, Timeout: min(5*time.Second, o.Timeout)}).Resolver()
	}
	if o.Rate > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(o.Rate), 1)
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	c.transport = &http.Transport{
		// Never a proxy from the environment: what is audited is what
		// the site itself serves, and tests must stay on loopback.
		Proxy:       nil,
		DialContext: c.DialContext,
		// Handshakes are Vigie's own (see dialTLS): legacy sites are
		// fetched rather than refused, with a second configuration, so
		// that what they serve is audited.
		DialTLSContext:         c.dialTLS,
		ResponseHeaderTimeout:  o.Timeout,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           1024,
		MaxIdleConnsPerHost:    o.PerHost,
		MaxResponseHeaderBytes: 1 << 20,
		ForceAttemptHTTP2:      true,
		Protocols:              &protocols,
	}
	return c, nil
}

// certPool returns the system roots plus the extra authorities of o.
func certPool(o Options) (*x509.CertPool, error) {
	if len(o.CACertFiles) == 0 && len(o.CACertPEM) == 0 {
		return nil, nil // crypto/tls then uses the system roots
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, f := range o.CACertFiles {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("fetch: reading CA certificates: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("fetch: no PEM certificate in %s", f)
		}
	}
	for i, pem := range o.CACertPEM {
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("fetch: no PEM certificate in CACertPEM[%d]", i)
		}
	}
	return pool, nil
}

// Close closes the client's idle connections. The client stays usable.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// Session returns a client that shares c's settings, limits and resolver
// but keeps its own connection pool; closing it closes its connections.
// The scanner uses one session per site so that the connections of
// thousands of audited sites do not pile up, idle, until they time out.
func (c *Client) Session() *Client {
	s := *c
	s.transport = c.transport.Clone()
	return &s
}

// Get fetches rawURL with GET, following redirects hop by hop. It never
// returns nil: failures are described in the response's Error and
// ErrorKind, with whatever was received before them (the chain so far,
// and the status and headers of a response whose body failed).
//
// Responses 301, 302, 303, 307 and 308 with an http or https Location are
// followed; other responses, and redirects to other schemes, are final.
// Cookies set along the chain are sent on later hops of the same call,
// never to another call, so that a site bouncing through a cookie check
// is reached; a redirect back to a URL already requested with the same
// cookies is a loop, reported at once.
func (c *Client) Get(ctx context.Context, rawURL string) *Response {
	r := &Response{}
	r.URL = rawURL
	u, err := requestURL(rawURL)
	if err != nil {
		r.Error = "GET " + rawURL + ": " + err.Error()
		r.ErrorKind = observation.KindOther
		return r
	}
	r.URL = u.String()

	var jar *cookiejar.Jar // per call: cookies never travel between sites
	seen := make(map[string]bool)
	for redirects := 0; ; {
		cookie := cookieHeader(jar, u)
		seen[u.String()+"\x00"+cookie] = true
		r.FinalURL = u.String()
		r.Status, r.Header, r.Proto, r.TLS = 0, nil, "", nil

		a := c.do(ctx, u, cookie)
		resp, body, err := a.resp, a.body, a.err
		if a.exchange != nil {
			r.Exchanges = append(r.Exchanges, *a.exchange)
		}
		var next *url.URL
		if resp != nil {
			r.Status, r.Header, r.Proto = resp.StatusCode, resp.Header, resp.Proto
			r.TLS = c.tlsState(resp.TLS, u)
			hop := observation.Hop{URL: u.String(), Status: resp.StatusCode}
			next, hop.Location = c.redirect(u, resp)
			r.Chain = append(r.Chain, hop)
			if cookies := resp.Cookies(); len(cookies) > 0 {
				if jar == nil {
					jar, _ = cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
				}
				jar.SetCookies(u, cookies)
			}
		}
		if err != nil {
			c.fail(ctx, r, u, err)
			return r
		}
		if next == nil {
			r.ContentType, r.Charset, r.Body = decodeBody(resp.Header.Get("Content-Type"), body)
			return r
		}
		redirects++
		switch {
		case redirects > c.opts.MaxRedirects:
			err = &RedirectError{Reason: fmt.Sprintf("stopped after %d redirects", c.opts.MaxRedirects)}
		case seen[next.String()+"\x00"+cookieHeader(jar, next)]:
			err = &RedirectError{Reason: "redirect loop: " + next.String() + " requested twice"}
		}
		if err != nil {
			c.fail(ctx, r, u, err)
			return r
		}
		u = next
	}
}

// requestURL parses an absolute http or https URL, dropping its fragment,
// and encodes it as a browser would send it (see package weburl): no raw
// byte beyond ASCII goes into a request line or a Host header.
func requestURL(raw string) (*url.URL, error) {
	u, err := weburl.Parse(raw)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("invalid URL: %w", err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("invalid URL: missing host")
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// redirect returns the URL a response redirects to when the client follows
// it, and the Location to record: absolute when it parses, as sent when not.
func (c *Client) redirect(u *url.URL, resp *http.Response) (*url.URL, string) {
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, ""
	}
	ref, err := url.Parse(weburl.Escape(loc))
	if err != nil {
		return nil, loc
	}
	abs := u.ResolveReference(ref)
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil, abs.String()
	}
	if c.opts.MaxRedirects < 0 {
		return nil, abs.String()
	}
	next, err := requestURL(abs.String())
	if err != nil {
		return nil, abs.String()
	}
	return next, abs.String()
}

func cookieHeader(jar *cookiejar.Jar, u *url.URL) string {
	if jar == nil {
		return ""
	}
	var b strings.Builder
	for i, ck := range jar.Cookies(u) {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(ck.Name + "=" + ck.Value)
	}
	return b.String()
}

// fail records err as the failure of the request to u.
func (c *Client) fail(ctx context.Context, r *Response, u *url.URL, err error) {
	kind := ErrorKind(err)
	msg := describe(err)
	switch {
	case ctx.Err() != nil:
		msg = "canceled: " + context.Cause(ctx).Error()
	case kind == observation.KindTimeout:
		if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "dial" {
			msg = fmt.Sprintf("timeout after %v connecting", c.dialer.Timeout)
			if op.Addr != nil {
				msg += " to " + op.Addr.String()
			}
			break
		}
		msg = fmt.Sprintf("timeout after %v", c.opts.Timeout)
		if isType[*bodyError](err) {
			msg += " reading the body"
		}
	}
	r.Error = "GET " + u.String() + ": " + msg
	r.ErrorKind = kind
	// Keep the certificates a failed verification saw: they are the
	// evidence of an expired or misissued certificate.
	if cve, ok := errors.AsType[*tls.CertificateVerificationError](err); ok && r.TLS == nil {
		st := &observation.TLSState{ServerName: u.Hostname()}
		for _, cert := range cve.UnverifiedCertificates {
			st.Chain = append(st.Chain, cert.Raw)
		}
		r.TLS = st
	}
}

// bodyError marks a failure while reading a body, after the headers came.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "reading body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// attempt is the result of one try at one request.
type attempt struct {
	resp  *http.Response
	body  []byte
	err   error
	retry bool          // worth trying again
	wait  time.Duration // before the next try
	// exchange is what went over the wire, when the client captures.
	exchange *observation.Exchange
}

// do requests u, retrying transient failures with exponential back-off,
// and returns the last attempt. The body is read unless the response is a
// redirect the client follows. A non-nil response may come with an error
// about its body.
func (c *Client) do(ctx context.Context, u *url.URL, cookie string) attempt {
	for n := 0; ; n++ {
		a := c.try(ctx, u, cookie, n)
		if !a.retry || n >= c.opts.Retries {
			return a
		}
		t := time.NewTimer(a.wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			if a.err == nil {
				a.err = ctx.Err()
			}
			return a
		}
	}
}

// try makes the n-th attempt at requesting u, holding a slot of u's host
// and a token of the rate limiter.
func (c *Client) try(ctx context.Context, u *url.URL, cookie string, n int) (a attempt) {
	release, err := c.hosts.acquire(ctx, u.Host)
	if err != nil {
		return attempt{err: err}
	}
	defer release()
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return attempt{err: err}
		}
	}
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return attempt{err: err}
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("Accept-Language", acceptLanguage)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for k, v := range extraHeader(ctx) {
		req.Header[k] = v
	}
	var rec *recorder
	if c.opts.Capture {
		rec = &recorder{}
		req = req.WithContext(httptrace.WithClientTrace(actx, rec.trace()))
		defer func() {
			a.exchange = rec.exchange(req, a.resp, a.err)
			c.markLegacy(a.exchange.TLS, u)
		}()
	}

	resp, err := c.transport.RoundTrip(req)
	if err != nil {
		return attempt{err: err, retry: transient(err), wait: c.backoff(n)}
	}
	defer resp.Body.Close()

	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if n < c.opts.Retries {
			wait := c.backoff(n)
			ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			if !ok || ra <= MaxRetryAfter {
				rec.skip(resp.Body)
				return attempt{resp: resp, retry: true, wait: max(wait, ra)}
			}
		}
	}
	if next, _ := c.redirect(u, resp); next != nil {
		rec.skip(resp.Body)
		return attempt{resp: resp}
	}
	if resp.ContentLength > c.opts.MaxBody {
		rec.keep(nil, true)
		return attempt{resp: resp, err: &TooLargeError{Limit: c.opts.MaxBody}}
	}
	body, err := readBounded(resp.Body, c.opts.MaxBody, rec != nil)
	rec.keep(body, err != nil)
	if err != nil {
		err = &bodyError{err}
		return attempt{resp: resp, err: err, retry: transient(err), wait: c.backoff(n)}
	}
	return attempt{resp: resp, body: body}
}

// backoff returns the delay before retry n+1: exponential from retryBase,
// with "equal jitter" so that clients that failed together spread out.
func (c *Client) backoff(n int) time.Duration {
	d := c.retryBase << min(n, 10)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half)
}

// retryAfter parses a Retry-After value: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int(MaxRetryAfter/time.Second) {
			return MaxRetryAfter + time.Second, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// discard reads a little of a body we do not keep, so that the connection
// can be reused, then closes it.
func discard(body io.ReadCloser) {
	io.CopyN(io.Discard, body, 64<<10)
	body.Close()
}
