// Package observation holds what Vigie saw of a site: pages, redirect
// chains, headers, TLS state, forms and their fields. Observations are the
// only input of checks; they carry no behaviour and do no I/O.
package observation

import (
	"net/http"
	"time"
)

// Site is everything observed while auditing one target.
type Site struct {
	// Input is the target as the user gave it (line of a list, argument).
	Input string `json:"input"`
	// URL is the normalised entry URL, e.g. "https://www.example.gouv.fr/".
	URL string `json:"url"`
	// Host is the entry URL's host name, without port.
	Host         string   `json:"host"`
	Organisation string   `json:"organisation,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	// Public is set when the organisation directory or the scan input
	// says the site's organisation is a public body (see package
	// target), which must publish its DPO's contact (GDPR art. 37(7)).
	Public bool `json:"public,omitempty"`
	// DPOContact is where a contact of the DPO was found outside the
	// pages crawled (a public body's /.well-known/security.txt), "" when
	// none was looked for or found.
	DPOContact string `json:"dpo_contact,omitempty"`
	// RetentionLimits overrides, per purpose of a form ("contact"...),
	// the longest retention in days the transparency checks accept (see
	// check/transparency); nil keeps their defaults.
	RetentionLimits map[string]int `json:"retention_limits,omitempty"`

	// HTTPS and HTTP are the results of fetching the site's root over each
	// scheme; transport checks read them. Either may be nil when not tried.
	// Mode is target.ModeBrowser when the pages were rendered in headless
	// Chromium, target.ModeStatic (or "") otherwise.
	Mode string `json:"mode,omitempty"`

	HTTPS *Probe `json:"https,omitempty"`
	HTTP  *Probe `json:"http,omitempty"`
	// TLSProbe is the TLS audit of the HTTPS origin, nil when not run.
	TLSProbe *TLSReport `json:"tls_probe,omitempty"`
	// Hosting is where the site's pages are served from, nil when it
	// was not looked up (no DNS server allowed, or the site failed).
	Hosting *Hosting `json:"hosting,omitempty"`
	// PartyHosting is where the third parties that receive personal data
	// from the site's pages are hosted (browser mode), one per host.
	PartyHosting []*Hosting `json:"party_hosting,omitempty"`
	// Mail is the mail audit of the site's registrable domain (scan
	// --mail, or vigie mail), nil when not run.
	Mail *MailDomain `json:"mail,omitempty"`

	// Pages are the pages the crawl fetched, entry page first.
	Pages []Page `json:"pages,omitempty"`
	// ActiveProbes are the opt-in active probes the crawl sent (see
	// ActiveProbe); empty unless the scan was run with --active.
	ActiveProbes []ActiveProbe `json:"active_probes,omitempty"`
	// OriginProbes are the GET requests sent with a foreign Origin header
	// to the entry page and the site's API-looking endpoints (see
	// OriginProbe); SecurityTxt is the fetch of its security.txt file.
	OriginProbes []OriginProbe `json:"origin_probes,omitempty"`
	SecurityTxt  *SecurityTxt  `json:"security_txt,omitempty"`
	// Consent is the browser-mode consent pass over the entry page (see
	// Consent); nil in static mode or when the pass was skipped.
	Consent *Consent `json:"consent,omitempty"`

	// Error is set when the site could not be audited at all (no page
	// fetched over any scheme); ErrorKind classifies it (see Kind* constants).
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`

	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended"`
}

// Failure kinds recorded in Site.ErrorKind and Probe.ErrorKind.
const (
	KindDNS      = "dns"
	KindRefused  = "refused"
	KindTLS      = "tls"
	KindTimeout  = "timeout"
	KindRedirect = "redirect-loop"
	KindTooLarge = "body-too-large"
	KindHTTP     = "http"
	KindOther    = "other"
	// KindBrowser: the headless browser failed (crashed, could not start)
	// while rendering the site.
	KindBrowser = "browser"
)

// Probe is the outcome of requesting one URL, following redirects.
type Probe struct {
	// URL is the URL requested first.
	URL string `json:"url"`
	// FinalURL is the URL of the last response (after redirects).
	FinalURL string `json:"final_url,omitempty"`
	// Chain lists every response in order, redirects included; the last hop
	// is the final response.
	Chain  []Hop       `json:"chain,omitempty"`
	Status int         `json:"status,omitempty"`
	Header http.Header `json:"header,omitempty"`
	// TLS describes the connection of the final response, nil over HTTP.
	TLS       *TLSState `json:"tls,omitempty"`
	Error     string    `json:"error,omitempty"`
	ErrorKind string    `json:"error_kind,omitempty"`
	// Exchanges are the requests and responses of the chain, one per hop,
	// recorded only when the fetcher captures evidence.
	Exchanges []Exchange `json:"-"`
}

// OK reports whether the probe got a final HTTP response.
func (p *Probe) OK() bool { return p != nil && p.Error == "" && p.Status != 0 }

// Hop is one response of a redirect chain.
type Hop struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location,omitempty"`
}

// TLSState summarises a negotiated TLS connection.
type TLSState struct {
	Version     string `json:"version"`      // e.g. "TLS 1.3"
	CipherSuite string `json:"cipher_suite"` // IANA name
	ServerName  string `json:"server_name,omitempty"`
	ALPN        string `json:"alpn,omitempty"`
	// Chain holds the peer certificates, leaf first, DER-encoded.
	Chain [][]byte `json:"chain,omitempty"`
	// LegacyFallback is set when the server refused Go's default
	// handshake (TLS 1.2 and 1.3, forward-secret suites) and the
	// connection was made by offering TLS 1.0 and 1.1 and the suites
	// crypto/tls disables by default (RSA key exchange, 3DES, RC4,
	// CBC-SHA1): the page was audited over a connection no current
	// browser would make. FallbackReason is the default handshake's error.
	LegacyFallback bool   `json:"legacy_fallback,omitempty"`
	FallbackReason string `json:"fallback_reason,omitempty"`
}

// Page is one fetched page of a site.
type Page struct {
	Probe
	// Depth is the number of links followed from the entry page (0), or -1
	// for pages seeded from the sitemap.
	Depth       int    `json:"depth"`
	ContentType string `json:"content_type,omitempty"`
	// Charset is the character set the body was decoded from.
	Charset   string     `json:"charset,omitempty"`
	Forms     []Form     `json:"forms,omitempty"`
	Resources []Resource `json:"resources,omitempty"`
	// Meta is what the page's <meta> elements declare (CSP, referrer
	// policy); nil for pages that are not HTML.
	Meta *MetaPolicy `json:"meta,omitempty"`
	// Personal summarises the personal data the body shows, masked; nil
	// when the body was not text or showed none.
	Personal *PersonalData `json:"personal,omitempty"`
	// Unreadable says why a spreadsheet or a PDF could not be read for
	// personal data ("document: pdf: malformed ..."); "" otherwise.
	Unreadable string `json:"unreadable,omitempty"`
	// Listing holds the entries of an open directory index ("Index of
	// /exports/"), directories with a trailing slash; nil for other pages.
	Listing []string `json:"listing,omitempty"`
	// Exposure says what the page is published as (attribution) and what
	// a record about one person names; nil when nothing was seen.
	Exposure *PageExposure `json:"exposure,omitempty"`
	// Notice is what the page says about the processing of personal data
	// (see package notice); nil for pages that are not HTML.
	Notice *Notice `json:"notice,omitempty"`
	// Links are the absolute URLs of the page's hyperlinks, in order.
	// Rendering is what headless Chromium saw of the page in browser
	// mode (nil in static mode). Forms, Resources and Links then come from
	// the rendered DOM of the page and its frames.
	Rendering *Rendering `json:"rendering,omitempty"`
	Links     []string   `json:"-"`
	// Body is the decoded (UTF-8) body, kept only while the site is being
	// audited; it is not serialised.
	Body []byte `json:"-"`
}

// Resource is a subresource a page loads (script, stylesheet, frame, ...).
type Resource struct {
	Kind string `json:"kind"` // script, stylesheet, iframe, frame, img, object, embed, media
	URL  string `json:"url"`
	// Integrity is the element's integrity attribute (Subresource
	// Integrity), "" when absent.
	Integrity string `json:"integrity,omitempty"`
	// Src is the src or href attribute as written, before resolution
	// ("//cdn.example/x.js", "/js/app.js"); graders tell relative and
	// protocol-relative addresses from it.
	Src string `json:"src,omitempty"`
}

// MetaPolicy is what a page's <meta> elements declare about its security
// policies, and how many script elements it has.
type MetaPolicy struct {
	// CSP lists the content of each <meta http-equiv="Content-Security-Policy">.
	CSP []string `json:"csp,omitempty"`
	// Referrer is the content of the last <meta name="referrer">.
	Referrer string `json:"referrer,omitempty"`
	// Scripts counts the page's script elements, inline ones included.
	Scripts int `json:"scripts,omitempty"`
}

// OriginProbe is a GET sent with a foreign Origin header, as a script of
// another site would send it from a visitor's browser, and the CORS
// headers of the answer.
type OriginProbe struct {
	URL    string `json:"url"`
	Origin string `json:"origin"`
	Status int    `json:"status,omitempty"`
	// AllowOrigin and AllowCredentials are the answer's
	// Access-Control-Allow-Origin and Access-Control-Allow-Credentials.
	AllowOrigin      string `json:"allow_origin,omitempty"`
	AllowCredentials string `json:"allow_credentials,omitempty"`
	ContentType      string `json:"content_type,omitempty"`
	Error            string `json:"error,omitempty"`
	// Exchanges are the request and response, for evidence.
	Exchanges []Exchange `json:"-"`
}

// SecurityTxt is the fetch of a site's security.txt (RFC 9116): URL is the
// address that answered last (/.well-known/security.txt, or /security.txt
// when the well-known one was missing), Body its text, kept only while the
// site is audited.
type SecurityTxt struct {
	URL         string `json:"url"`
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// WellKnown is false when the file answered only at /security.txt.
	WellKnown bool   `json:"well_known,omitempty"`
	Error     string `json:"error,omitempty"`
	Body      []byte `json:"-"`
	// Exchanges are the requests and responses, for evidence.
	Exchanges []Exchange `json:"-"`
}

// Form is an HTML form with its resolved submission targets.
type Form struct {
	// Index is the form's position among the page's forms (0-based).
	Index int    `json:"index"`
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	// Action is the absolute URL the form submits to by default.
	// Frame is the URL of the frame the form lives in when it is not in
	// the page's top document (browser mode only).
	Frame  string `json:"frame,omitempty"`
	Action string `json:"action"`
	// Method is "get", "post" or "dialog".
	Method string  `json:"method"`
	Fields []Field `json:"fields,omitempty"`
	// Role is the form's ARIA role ("search"), Label its accessible name
	// (aria-label, aria-labelledby or title), and Buttons the texts of its
	// submit buttons ("Rechercher", "Aller", "Envoyer"), at most eight:
	// what tells a search or navigation form from one that collects data.
	Role    string   `json:"role,omitempty"`
	Label   string   `json:"label,omitempty"`
	Buttons []string `json:"buttons,omitempty"`
	// Submitters are submit buttons that override action or method with
	// formaction / formmethod.
	Submitters []Submitter `json:"submitters,omitempty"`
}

// Submitter is a submit button that overrides the form's action or method.
type Submitter struct {
	Name   string `json:"name,omitempty"`
	Action string `json:"action"`
	Method string `json:"method"`
}

// Field is a form control and what it collects.
type Field struct {
	Tag          string `json:"tag"`            // input, select, textarea
	Type         string `json:"type,omitempty"` // input type, lower case
	Name         string `json:"name,omitempty"`
	ID           string `json:"id,omitempty"`
	Autocomplete string `json:"autocomplete,omitempty"`
	Label        string `json:"label,omitempty"`
	Placeholder  string `json:"placeholder,omitempty"`
	Aria         string `json:"aria,omitempty"` // aria-label and aria-labelledby text
	// Legend is the text of the legend of the innermost fieldset that
	// holds the field and has one: the question a group of radio buttons
	// or tick boxes answers.
	Legend string `json:"legend,omitempty"`
	// Options are the texts of a select's options, in order (the first
	// 40, each shortened); OptionCount is how many it has in all.
	Options     []string `json:"options,omitempty"`
	OptionCount int      `json:"option_count,omitempty"`
	// Disabled is set for a field nobody can fill in: it has the disabled
	// attribute or sits in a disabled fieldset (outside its legend).
	Disabled bool `json:"disabled,omitempty"`
	// Navigates is set for a choice that acts as soon as it changes (an
	// onchange handler) or whose option values are addresses: a menu,
	// not a question.
	Navigates bool `json:"navigates,omitempty"`
	// Category is the personal-data category (see package pii), "" when the
	// field collects nothing personal.
	Category string `json:"category,omitempty"`
}

// Actions returns every URL the form can submit to: its action and each
// submitter's formaction, without duplicates.
func (f *Form) Actions() []string {
	out := []string{f.Action}
	for _, s := range f.Submitters {
		dup := false
		for _, a := range out {
			if a == s.Action {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s.Action)
		}
	}
	return out
}
