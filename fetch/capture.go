package fetch

import (
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"time"

	"vigie/observation"
)

// skippedBodyLimit bounds what is read of a body the client does not use
// (a redirect's, or a response about to be retried), as discard does.
const skippedBodyLimit = 64 << 10

// recorder collects what the transport did with one request when the
// client captures exchanges. Its methods accept a nil receiver, which
// records nothing, so that try reads the same with and without capture.
type recorder struct {
	// mu guards the fields the trace hooks fill: the transport may call
	// them from its own goroutines.
	mu        sync.Mutex
	start     time.Time
	received  time.Time
	proto     string
	local     string
	remote    string
	header    []observation.HeaderField
	body      []byte
	truncated bool
}

func (rec *recorder) trace() *httptrace.ClientTrace {
	rec.start = time.Now().UTC()
	return &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			proto := "HTTP/1.1"
			if tc, ok := info.Conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
				proto = "HTTP/2.0"
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.proto = proto
			rec.local = info.Conn.LocalAddr().String()
			rec.remote = info.Conn.RemoteAddr().String()
		},
		ConnectDone: func(network, addr string, err error) {
			// Known even when the TLS handshake then fails; GotConn,
			// which comes after, has both ends.
			if err == nil {
				rec.mu.Lock()
				defer rec.mu.Unlock()
				rec.remote = addr
			}
		},
		WroteHeaderField: func(key string, values []string) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, v := range values {
				rec.header = append(rec.header, observation.HeaderField{Name: key, Value: v})
			}
		},
		GotFirstResponseByte: func() {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.received = time.Now().UTC()
		},
	}
}

// skip disposes of a body the client does not use; a recorder keeps what
// it reads of it.
func (rec *recorder) skip(body io.ReadCloser) {
	if rec == nil {
		discard(body)
		return
	}
	b, err := readBounded(body, skippedBodyLimit, true)
	body.Close()
	rec.keep(b, err != nil)
}

// keep records the body read and whether it is incomplete.
func (rec *recorder) keep(body []byte, truncated bool) {
	if rec == nil {
		return
	}
	rec.body, rec.truncated = body, truncated
}

// exchange returns the record of req and of its response or failure.
func (rec *recorder) exchange(req *http.Request, resp *http.Response, err error) *observation.Exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	ex := &observation.Exchange{
		Method:        req.Method,
		URL:           req.URL.String(),
		Proto:         rec.proto,
		RequestHeader: rec.header,
		LocalAddr:     rec.local,
		RemoteAddr:    rec.remote,
		Start:         rec.start,
		Received:      rec.received,
	}
	if ex.Proto == "" {
		ex.Proto = "HTTP/1.1"
	}
	if resp != nil {
		ex.Status = resp.StatusCode
		ex.Reason = strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
		ex.ResponseProto = resp.Proto
		ex.Header = resp.Header
		ex.Body = rec.body
		ex.Truncated = rec.truncated
		ex.TransferEncoding = resp.TransferEncoding
		if resp.Uncompressed {
			ex.ContentDecoded = "gzip"
		}
		ex.TLS = tlsState(resp.TLS)
	}
	if err != nil {
		ex.Error = describe(err)
		if cve, ok := errors.AsType[*tls.CertificateVerificationError](err); ok && ex.TLS == nil {
			ex.TLS = &observation.TLSState{ServerName: req.URL.Hostname()}
			for _, cert := range cve.UnverifiedCertificates {
				ex.TLS.Chain = append(ex.TLS.Chain, cert.Raw)
			}
		}
	}
	return ex
}
