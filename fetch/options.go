package fetch

import (
	"fmt"
	"time"
)

// Version is Vigie's version, set at link time with
// -ldflags "-X vigie/fetch.Version=1.2.3".
var Version = "0.1.0-dev"

// DefaultUserAgent identifies Vigie to the sites it audits. It is a
// variable, not a constant, so that it follows a Version set at link time.
var DefaultUserAgent = "Vigie/" + Version + " (+https://vigie.invalid/bot; personal-data security audit)"

// Defaults applied by New to zero Options fields.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultMaxBody      = 5 << 20
	DefaultMaxRedirects = 10
	DefaultRetries      = 2
	DefaultPerHost      = 2
)

// MaxRetryAfter is the longest Retry-After delay the client waits for; a
// server asking for more gets its 429 or 503 response recorded as final.
const MaxRetryAfter = 30 * time.Second

// Options configure a Client. The zero value is usable: every zero field
// takes its default.
type Options struct {
	// Timeout bounds one request, from dialling to the end of the body
	// (each redirect hop and each retry has its own). Default 15s.
	Timeout time.Duration
	// MaxBody is the largest body read, in bytes; a larger body is an
	// error of kind observation.KindTooLarge. Default 5 MiB.
	MaxBody int64
	// MaxRedirects is how many redirects are followed; one more is an
	// error of kind observation.KindRedirect. Default 10; negative means
	// redirects are not followed and the 3xx response is final.
	MaxRedirects int
	// UserAgent is sent with every request. Default DefaultUserAgent.
	UserAgent string
	// Retries is how many times a transient failure is retried: timeouts,
	// connection resets, responses 429, 502, 503 and 504. Default 2;
	// negative means none.
	Retries int
	// PerHost bounds the concurrent requests to one host:port. Default 2.
	PerHost int
	// Rate bounds the requests per second across the client, retries and
	// redirect hops included; 0 means unlimited.
	Rate float64
	// Resolve lists curl-style HOST:PORT:ADDR[,ADDR...] entries: a
	// connection to HOST:PORT goes to ADDR:PORT. HOST "*" matches any host
	// not matched otherwise. See ParseResolve.
	Resolve []string
	// ConnectTo lists curl-style HOST1:PORT1:HOST2:PORT2 entries: a
	// connection for HOST1:PORT1 goes to HOST2:PORT2, while the TLS server
	// name and the Host header stay HOST1. See ParseConnectTo.
	ConnectTo []string
	// NoDNS forbids the system resolver: a host that is neither an IP
	// address nor covered by Resolve or ConnectTo fails with an error of
	// kind observation.KindDNS.
	NoDNS bool
	// DNS is the "ADDR:PORT" of the one DNS server (the --dns option)
	// that resolves the names Resolve and ConnectTo do not cover; "" for
	// the system's resolvers.
	DNS string
	// LoopbackOnly refuses to connect anywhere outside 127.0.0.0/8 and
	// ::1, after any resolution. Tests that put public addresses in DNS
	// set it, so that a routing bug can never send a packet towards one.
	LoopbackOnly bool
	// CACertFiles are PEM files of certificate authorities trusted in
	// addition to the system pool.
	CACertFiles []string
	// CACertPEM holds more PEM-encoded authorities, as CACertFiles.
	CACertPEM [][]byte
	// Capture records every request and response of a Get, redirect hops
	// included, in the probe's Exchanges (headers as sent and received,
	// body bytes, addresses, TLS state), for evidence. Off by default:
	// bodies are then kept only for the final response.
	Capture bool
	// DenyPrivate refuses to connect to loopback, private, link-local,
	// unspecified, shared (CGNAT) and multicast addresses (see
	// PrivateAddr). It checks the address actually dialled, after any
	// resolution, so a name that resolves to such an address at the last
	// moment (DNS rebinding) is refused too. Scans launched by others, as
	// from the dashboard, set it.
	DenyPrivate bool
}

// withDefaults returns o with zero fields set to their defaults, or an
// error for values that make no sense.
func (o Options) withDefaults() (Options, error) {
	switch {
	case o.Timeout < 0:
		return o, fmt.Errorf("fetch: negative timeout %v", o.Timeout)
	case o.MaxBody < 0:
		return o, fmt.Errorf("fetch: negative maximum body size %d", o.MaxBody)
	case o.PerHost < 0:
		return o, fmt.Errorf("fetch: negative per-host limit %d", o.PerHost)
	case o.Rate < 0:
		return o, fmt.Errorf("fetch: negative rate %v", o.Rate)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.PerHost == 0 {
		o.PerHost = DefaultPerHost
	}
	return o, nil
}
