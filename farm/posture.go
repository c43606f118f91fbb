package farm

import (
	"net/http"
	"strings"
)

// The security headers and security.txt of the farm's hosts. By default a
// host is a well-run site's: a content security policy that forbids
// framing by others, nosniff, a strict referrer policy and a valid
// security.txt, so that the headers.* and wellknown.* checks stay silent
// on the archetypes about other failures. The failing postures are in
// catalogue_headers.go (hostSpec.Headers and hostSpec.SecurityTxt).

// wellRunHeaders are the default security headers. The policy restricts
// framing, plugins and the base URL but not scripts, so that the trackers
// and consent managers of the browser-mode archetypes still load.
var wellRunHeaders = [][2]string{
	{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'; base-uri 'self'"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
}

// thirdPartyHeaders are the security headers of the farm's third-party
// services (trackers, a form provider): framing by any HTTPS site is
// allowed, since their customers embed them.
var thirdPartyHeaders = [][2]string{
	{"Content-Security-Policy", "frame-ancestors https:; object-src 'none'"},
	{"X-Content-Type-Options", "nosniff"},
}

const securityTxtPath = "/.well-known/security.txt"

// wellRunSecurityTxt is the default security.txt (RFC 9116): a contact
// and an expiry far in the future; no Canonical, which would tie it to
// one host name.
const wellRunSecurityTxt = `# Signalement des vulnérabilités
Contact: mailto:securite@{D}
Expires: 2099-12-31T23:00:00.000Z
Preferred-Languages: fr, en
`

// noSecurityTxt is a hostSpec.SecurityTxt value for a host without one.
const noSecurityTxt = "-"

func securityTxtOf(h *hostSpec) string {
	switch h.SecurityTxt {
	case "":
		return wellRunSecurityTxt
	case noSecurityTxt:
		return ""
	}
	return h.SecurityTxt
}

// echoOrigin is a header value replaced by the request's Origin header
// (the header is left out when the request has none): a server that
// allows every origin by echoing it.
const echoOrigin = "{ORIGIN}"

// setSecurityHeaders writes the host's security headers into h; "{D}" in
// a value is the site's domain.
func setSecurityHeaders(h http.Header, hs [][2]string, domain, origin string) {
	if hs == nil {
		hs = wellRunHeaders
	}
	for _, kv := range hs {
		v := strings.ReplaceAll(kv[1], "{D}", domain)
		if v == echoOrigin {
			if origin == "" {
				continue
			}
			v = origin
		}
		h.Add(kv[0], v)
	}
}
