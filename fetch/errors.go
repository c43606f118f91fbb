package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"

	"vigie/observation"
)

// TooLargeError reports a body longer than Options.MaxBody.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("body exceeds %d bytes", e.Limit)
}

// RedirectError reports a redirect loop, too many redirects, or a redirect
// to a URL the client cannot follow.
type RedirectError struct {
	Reason string
}

func (e *RedirectError) Error() string { return e.Reason }

// ErrorKind classifies an error from the client or from DialContext as one
// of the observation.Kind* constants, "" for nil.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case isType[*DNSDisabledError](err) || isType[*net.DNSError](err):
		return observation.KindDNS
	case isType[*TooLargeError](err):
		return observation.KindTooLarge
	case isType[*RedirectError](err):
		return observation.KindRedirect
	case errors.Is(err, syscall.ECONNREFUSED):
		return observation.KindRefused
	case isTLS(err):
		return observation.KindTLS
	case isTimeout(err):
		return observation.KindTimeout
	case strings.Contains(err.Error(), "tls: "):
		return observation.KindTLS
	case isProtocol(err):
		return observation.KindHTTP
	}
	return observation.KindOther
}

func isType[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

// isTLS reports a failed TLS handshake: an untrusted, expired or misnamed
// certificate, an alert from the server, or a server not speaking TLS.
func isTLS(err error) bool {
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "remote error" {
		return true
	}
	return isType[*tls.CertificateVerificationError](err) ||
		isType[x509.UnknownAuthorityError](err) ||
		isType[x509.HostnameError](err) ||
		isType[x509.CertificateInvalidError](err) ||
		isType[tls.RecordHeaderError](err) ||
		isType[tls.AlertError](err) ||
		isType[*tls.ECHRejectionError](err)
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// isProtocol reports a server that answered something other than HTTP, or
// closed the connection without answering.
func isProtocol(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "malformed HTTP") || strings.Contains(msg, "http2: ") ||
		strings.Contains(msg, "HTTP/1.x transport connection broken") ||
		strings.Contains(msg, "server response headers exceeded") ||
		strings.Contains(msg, "readLoopPeekFailLocked")
}

// transient reports an error worth retrying: the server may answer next
// time. Refused connections, DNS and TLS failures are final.
func transient(err error) bool {
	if e, ok := errors.AsType[*LegacyTLSError](err); ok {
		// Both handshakes cut short: as likely a busy server as one
		// refusing both hellos, worth the retries a single cut had.
		return dropped(e.Modern) && dropped(e.Legacy)
	}
	switch ErrorKind(err) {
	case observation.KindTimeout:
		return true
	case observation.KindHTTP:
		return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	case observation.KindOther:
		return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
			errors.Is(err, syscall.EPIPE)
	}
	return false
}

// dropped reports a connection closed or reset by the server.
func dropped(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// describe says what failed in err, in a few words, without the request
// line that url.Error repeats.
func describe(err error) string {
	if e, ok := errors.AsType[*LegacyTLSError](err); ok {
		return e.Error()
	}
	if e, ok := errors.AsType[*DNSDisabledError](err); ok {
		return e.Error()
	}
	if e, ok := errors.AsType[*net.DNSError](err); ok {
		return e.Error()
	}
	if e, ok := errors.AsType[*TooLargeError](err); ok {
		return e.Error()
	}
	if e, ok := errors.AsType[*RedirectError](err); ok {
		return e.Error()
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		if op, ok := errors.AsType[*net.OpError](err); ok && op.Addr != nil {
			return "connect to " + op.Addr.String() + ": connection refused"
		}
		return "connection refused"
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return "tls: certificate signed by unknown authority"
	}
	if e, ok := errors.AsType[x509.HostnameError](err); ok {
		return "tls: " + strings.TrimPrefix(e.Error(), "x509: ")
	}
	if e, ok := errors.AsType[x509.CertificateInvalidError](err); ok {
		return "tls: " + strings.TrimPrefix(e.Error(), "x509: ")
	}
	if e, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return "tls: " + strings.TrimPrefix(e.Err.Error(), "x509: ")
	}
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "remote error" {
		return "tls: server rejected the handshake: " + strings.TrimPrefix(op.Err.Error(), "tls: ")
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "server closed the connection without a complete response"
	}
	if strings.Contains(err.Error(), "readLoopPeekFailLocked") {
		// net/http's words for bytes that came before the request went out.
		return "server sent data before the request: not an HTTP server"
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "net/http: HTTP/1.x transport connection broken: ")
	return strings.TrimPrefix(msg, "net/http: ")
}
