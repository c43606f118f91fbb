package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"vigie/observation"
)

// Two client configurations take part in every HTTPS connection: the
// modern one, Go's defaults (TLS 1.2 and 1.3, forward-secret AEAD and CBC
// suites), and the legacy one, everything crypto/tls still implements when
// asked explicitly (TLS 1.0 and 1.1, RSA key exchange, 3DES, RC4 and every
// CBC-SHA1 suite). A server that refuses the modern handshake for want of
// a common protocol or suite is tried once more with the legacy one, so
// that what it serves is audited while the TLS prober reports the weakness.
// The fallback is never silent: the TLS state of every response over it
// says so (observation.TLSState.LegacyFallback) with the modern failure.
//
// Certificates are verified the same way by both: a bad certificate fails
// the handshake whatever the protocol.
//
// What crypto/tls cannot speak at all stays out of reach: SSL 3.0, DHE key
// exchange, export, NULL, anonymous, DES, IDEA, ARIA and CAMELLIA suites.
// SHA-1 signatures in TLS 1.2 handshakes need GODEBUG tlssha1=1, which
// cmd/vigie sets with a //go:debug directive (there is no Config field for
// it); TLS 1.0 and 1.1 sign with MD5+SHA-1 and need nothing.

// legacySuites are every TLS 1.0-1.2 suite crypto/tls implements, secure
// ones first.
var legacySuites = func() []uint16 {
	var ids []uint16
	for _, s := range tls.CipherSuites() {
		ids = append(ids, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		ids = append(ids, s.ID)
	}
	return ids
}()

// legacyHosts remembers, per host:port, why the modern handshake failed
// for the hosts that needed the legacy configuration: their later
// connections go straight to it, and responses over it say why.
type legacyHosts struct {
	m sync.Map // "host:port" -> string (the modern handshake's error)
}

func (l *legacyHosts) reason(addr string) (string, bool) {
	v, ok := l.m.Load(addr)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// tlsConfig returns the client configuration for serverName: the modern
// one, or the legacy one.
func (c *Client) tlsConfig(serverName string, legacy bool) *tls.Config {
	cfg := &tls.Config{
		RootCAs:    c.rootCAs,
		ServerName: serverName,
		NextProtos: []string{"h2", "http/1.1"},
		// Classical groups only: the crawler reads public pages, and the
		// hybrid post-quantum share (X25519MLKEM768) costs an ML-KEM key
		// per connection, 3.5% of a scan's CPU. The groups a server
		// supports are tlsprobe's business, not the crawler's.
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521},
	}
	if legacy {
		cfg.MinVersion = tls.VersionTLS10
		cfg.CipherSuites = legacySuites
		// HTTP/2 forbids the protocols and suites this configuration
		// exists for (RFC 9113, section 9.2).
		cfg.NextProtos = []string{"http/1.1"}
	}
	return cfg
}

// dialTLS connects to addr and completes a TLS handshake, with the modern
// configuration first and, when the server refuses it for want of a common
// protocol version or suite, once more with the legacy one.
func (c *Client) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	key := legacyKey(host, port)
	serverName, _, _ := net.SplitHostPort(key)
	if _, ok := c.legacy.reason(key); ok {
		return c.handshake(ctx, network, addr, c.tlsConfig(serverName, true))
	}
	conn, err := c.handshake(ctx, network, addr, c.tlsConfig(serverName, false))
	if err == nil {
		return conn, nil
	}
	if !legacyMayHelp(err) {
		return nil, err
	}
	lconn, lerr := c.handshake(ctx, network, addr, c.tlsConfig(serverName, true))
	if lerr != nil {
		if legacyMayHelp(lerr) {
			// Neither configuration agrees with the server: say both.
			return nil, &LegacyTLSError{Modern: err, Legacy: lerr}
		}
		return nil, lerr // e.g. a bad certificate, seen once the protocols agreed
	}
	c.legacy.m.Store(key, describe(err))
	return lconn, nil
}

// handshake dials addr and runs a TLS handshake with cfg, bounded by the
// client's handshake timeout. The connection is a *tls.Conn, which
// net/http needs to know the connection's TLS state.
func (c *Client) handshake(ctx context.Context, network, addr string, cfg *tls.Config) (net.Conn, error) {
	raw, err := c.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	hctx, cancel := context.WithTimeout(ctx, min(10*time.Second, c.opts.Timeout))
	defer cancel()
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(hctx); err != nil {
		raw.Close()
		return nil, err
	}
	return tc, nil
}

// LegacyTLSError reports a server that completed no handshake, with the
// modern configuration nor with the legacy one.
type LegacyTLSError struct {
	Modern, Legacy error
}

func (e *LegacyTLSError) Error() string {
	return "tls: no handshake completed, by default (" + describe(e.Modern) + ") nor offering TLS 1.0-1.2 legacy suites (" + describe(e.Legacy) + ")"
}

// Unwrap returns the legacy attempt's error, the last one.
func (e *LegacyTLSError) Unwrap() error { return e.Legacy }

// legacyMayHelp reports whether a failed handshake may succeed with the
// legacy configuration: the server refused the hello (an alert, a closed
// or reset connection) or chose a version or suite the modern one does not
// offer. Certificate failures, timeouts and servers that do not speak TLS
// are final.
func legacyMayHelp(err error) bool {
	switch {
	case isType[*tls.CertificateVerificationError](err), isType[x509.UnknownAuthorityError](err),
		isType[x509.HostnameError](err), isType[x509.CertificateInvalidError](err),
		isType[tls.RecordHeaderError](err), isType[*tls.ECHRejectionError](err):
		return false
	case errors.Is(err, context.Canceled), isTimeout(err):
		return false
	}
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "remote error" {
		return true
	}
	if dropped(err) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"unsupported protocol version", "unconfigured cipher suite",
		"no cipher suite supported", "no supported versions",
		"signature algorithm", "unsupported signature",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// tlsState summarises the state of a connection to u's server for the
// observations, saying whether it used the legacy configuration.
func (c *Client) tlsState(cs *tls.ConnectionState, u *url.URL) *observation.TLSState {
	st := tlsState(cs)
	c.markLegacy(st, u)
	return st
}

// markLegacy records in st, the state of a connection to u's server,
// whether it used the legacy configuration and why.
func (c *Client) markLegacy(st *observation.TLSState, u *url.URL) {
	if st == nil || st.Version == "" {
		return
	}
	if reason, ok := c.legacy.reason(urlKey(u)); ok {
		st.LegacyFallback = true
		st.FallbackReason = reason
	}
}

func tlsState(cs *tls.ConnectionState) *observation.TLSState {
	if cs == nil {
		return nil
	}
	st := &observation.TLSState{
		Version:     tls.VersionName(cs.Version),
		CipherSuite: tls.CipherSuiteName(cs.CipherSuite),
		ServerName:  cs.ServerName,
		ALPN:        cs.NegotiatedProtocol,
	}
	for _, cert := range cs.PeerCertificates {
		st.Chain = append(st.Chain, cert.Raw)
	}
	return st
}

// legacyKey returns the key of host and port in legacyHosts: the host
// in canonical form, so that the dialler's address and a request's URL
// give the same key.
func legacyKey(host, port string) string {
	if h, err := canonicalHost(host); err == nil {
		host = h
	}
	return net.JoinHostPort(host, port)
}

// urlKey returns the legacyHosts key of an https URL.
func urlKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
	}
	return legacyKey(u.Hostname(), port)
}
