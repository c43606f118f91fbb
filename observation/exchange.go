package observation

import (
	"net/http"
	"time"
)

// Exchange is one HTTP request and its response as they crossed the wire:
// the raw material of evidence. The fetcher records exchanges only when
// asked to (fetch.Options.Capture), one per request sent, redirect hops
// included; they are never serialised with the observations.
type Exchange struct {
	// Method and URL are those of the request (URL without fragment).
	Method string
	URL    string
	// Proto is the protocol the request went out with, "HTTP/1.1" or
	// "HTTP/2.0".
	Proto string
	// RequestHeader lists the header fields the transport wrote, in the
	// order it wrote them: Host, and the Accept-Encoding the transport adds,
	// included; over HTTP/2, the pseudo-header fields (":authority",
	// ":method", ":path", ":scheme") come first. Empty when the request was
	// never written (the connection failed first).
	RequestHeader []HeaderField
	// LocalAddr and RemoteAddr are the two ends of the connection, as
	// "IP:port"; empty when no connection was made.
	LocalAddr, RemoteAddr string
	// Start is when the request was sent; Received is when the first byte
	// of the response came (zero without response).
	Start, Received time.Time

	// Status is the response status code, 0 when no response came; Reason
	// is the reason phrase ("OK"), ResponseProto the response's protocol.
	Status        int
	Reason        string
	ResponseProto string
	// Header is the response header as the transport returned it.
	Header http.Header
	// Body holds the response body bytes as the transport delivered them:
	// after the transfer coding (chunked) and, when ContentDecoded is set,
	// the content coding were removed, before any charset decoding.
	Body []byte
	// ContentDecoded names the content coding the transport removed
	// ("gzip"): Go's transport asks for gzip itself and decodes it
	// transparently, dropping Content-Encoding and Content-Length from
	// Header. Empty when the body is as the server encoded it.
	ContentDecoded string
	// TransferEncoding lists the transfer codings the response used.
	TransferEncoding []string
	// Truncated reports that Body is incomplete: the body exceeded the
	// fetcher's size limit, or was not read in full (a redirect's body, or
	// a read error).
	Truncated bool
	// TLS is the state of the connection, nil over plain HTTP. When the
	// handshake failed on the certificate, it holds the unverified chain.
	TLS *TLSState
	// Error describes the failure of this request, "" when a full
	// response came.
	Error string
}

// HeaderField is one header field as written on the wire.
type HeaderField struct {
	Name  string
	Value string
}
