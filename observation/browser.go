package observation

// Rendering is what a real browser (headless Chromium, see package browser)
// saw while loading one page, before any interaction: the rendered DOM of
// the page and of its frames, every request the page made, the cookies and
// storage set, and what happened to the canary values typed into its
// personal-data fields. It is attached to Page.Rendering in browser mode.
type Rendering struct {
	// URL is the page's URL after the browser followed redirects.
	URL string `json:"url"`
	// Frames are the documents of the page as rendered: the top document
	// first, then every same-origin and cross-origin frame in document
	// order. Their HTML is kept only while the crawl parses it.
	Frames []Frame `json:"frames,omitempty"`
	// Requests lists every request the page sent, in the order they were
	// sent, the page's own document included.
	Requests []Request `json:"requests,omitempty"`
	// Cookies are the cookies the browser held once the page had loaded
	// and settled, before any consent interaction.
	Cookies []Cookie `json:"cookies,omitempty"`
	// Storage lists the localStorage and sessionStorage entries of the
	// page's origins after load.
	Storage []StorageItem `json:"storage,omitempty"`
	// Typed is set when canary values were typed into the page's personal
	// fields (never submitted); Leaks lists where they went.
	Typed bool   `json:"typed,omitempty"`
	Leaks []Leak `json:"leaks,omitempty"`
	// Screenshot is a full-page PNG; ScreenshotDigest is "sha256:" and its
	// hex digest. Only the digest reaches reports; the image goes to the
	// evidence.
	Screenshot       []byte `json:"-"`
	ScreenshotDigest string `json:"screenshot_digest,omitempty"`
	// ScreenshotMasked counts the regions of personal data blacked out
	// in Screenshot. ScreenshotUnmasked, when set, says why personal data
	// could not all be located on the page (a frame, a canvas, a page
	// that moved while captured): the screenshot is then dropped when
	// personal data was found but not hidden, and is not to be kept for a
	// page known to show personal data.
	ScreenshotMasked   int    `json:"screenshot_masked,omitempty"`
	ScreenshotUnmasked string `json:"screenshot_unmasked,omitempty"`
	// Error is set when the browser could not render the page (timeout,
	// crash); the page's static observations still stand.
	Error string `json:"error,omitempty"`
}

// Frame is one rendered document of a page.
type Frame struct {
	URL string `json:"url"`
	// Top is true for the page's own document.
	Top bool `json:"top,omitempty"`
	// CrossOrigin is true for a frame whose origin differs from the top
	// document's.
	CrossOrigin bool `json:"cross_origin,omitempty"`
	// HTML is the serialised DOM (document.documentElement.outerHTML).
	HTML string `json:"-"`
}

// Request is one request a rendered page sent.
type Request struct {
	URL    string `json:"url"`
	Method string `json:"method"`
	// Type is the DevTools resource type, lower case: document, script,
	// xhr, fetch, ping (beacons), image, stylesheet, font, media,
	// websocket, other...
	Type string `json:"type"`
	// Initiator is the URL of the script or document that caused the
	// request, when the browser knows it.
	Initiator string `json:"initiator,omitempty"`
	// Party is the registrable domain (eTLD+1) of the request's host.
	Party string `json:"party"`
	// ThirdParty is true when Party differs from the page's own
	// registrable domain.
	ThirdParty bool `json:"third_party,omitempty"`
	// Tracker is the category the tracker list gives the host: a tracker
	// (analytics, advertising, session-replay, social, tag-manager) or
	// another known kind of third party (consent, content, monitoring,
	// support); empty when the host is not listed (see package tracker).
	Tracker string `json:"tracker,omitempty"`
	// TrackerName names the company or product, when known.
	TrackerName string `json:"tracker_name,omitempty"`
	// Status is the response status, 0 when none came (blocked, failed).
	Status int `json:"status,omitempty"`
	// AfterTyping is true for requests sent after canary values were
	// typed into the page's fields.
	AfterTyping bool `json:"after_typing,omitempty"`
	// PostData is the request body (first 64 KiB), kept while leaks are
	// searched for and never reported.
	PostData string `json:"-"`
	// Header holds the request headers, kept while leaks are searched for
	// and never reported.
	Header map[string]string `json:"-"`
}

// Cookie is a cookie present after a page loaded.
type Cookie struct {
	Name   string `json:"name"`
	Domain string `json:"domain"`
	Path   string `json:"path,omitempty"`
	// Party is the registrable domain of Domain; ThirdParty as for
	// Request.
	Party      string `json:"party"`
	ThirdParty bool   `json:"third_party,omitempty"`
	Secure     bool   `json:"secure,omitempty"`
	HTTPOnly   bool   `json:"http_only,omitempty"`
	SameSite   string `json:"same_site,omitempty"`
	// Session is true for a cookie that ends with the browser session;
	// otherwise Expires is its expiry (Unix seconds) and Lifetime its
	// remaining life in days when observed.
	Session  bool    `json:"session,omitempty"`
	Expires  float64 `json:"expires,omitempty"`
	Lifetime float64 `json:"lifetime_days,omitempty"`
	// ValueLength is the length of the value; the value itself is not
	// kept (it is an identifier of the visitor).
	ValueLength int `json:"value_length"`
	// Purpose classifies the cookie: "essential", "consent", "analytics",
	// "advertising", "session-replay", "social", "tracking" or "" when
	// unknown (see package tracker).
	Purpose string `json:"purpose,omitempty"`
	// SetBy is the URL of the response whose Set-Cookie header created
	// the cookie, or of the script that wrote document.cookie when known;
	// empty when unknown.
	SetBy string `json:"set_by,omitempty"`
}

// StorageItem is one Web Storage entry present after a page loaded.
type StorageItem struct {
	Origin string `json:"origin"`
	// Kind is "local" or "session".
	Kind        string `json:"kind"`
	Key         string `json:"key"`
	ValueLength int    `json:"value_length"`
}

// Encodings a canary value is searched for in outgoing requests.
const (
	EncodingPlain  = "plain"
	EncodingURL    = "url-encoded"
	EncodingBase64 = "base64"
	EncodingSHA256 = "sha256"
	EncodingMD5    = "md5"
	EncodingSHA1   = "sha1"
)

// Leak is a canary value typed into a form field and found in a request
// sent to another party, before anything was submitted.
type Leak struct {
	// Form is the index of the form in its frame's document (Form.Index),
	// Frame the frame's URL (the page's for the top document).
	Form  int    `json:"form"`
	Frame string `json:"frame,omitempty"`
	// Field names the field (name, else id), Category its personal-data
	// category.
	Field    string `json:"field"`
	Category string `json:"category"`
	// Party is the registrable domain that received it; RequestURL the
	// request (query masked), Method its method, Where "url", "body" or
	// "header", Encoding one of the Encoding constants.
	Party      string `json:"party"`
	Tracker    string `json:"tracker,omitempty"`
	RequestURL string `json:"request_url"`
	Method     string `json:"method"`
	Where      string `json:"where"`
	Encoding   string `json:"encoding"`
	// Value is the canary typed into the field: fictitious, so it is no
	// one's personal data and is kept as proof.
	Value string `json:"value,omitempty"`
	// Request is the request that carried it, as sent (URL unmasked,
	// header fields but Cookie, body up to 64 KiB): it holds the canary,
	// not a person's data, and goes to the evidence.
	Request *LeakRequest `json:"request,omitempty"`
}

// LeakRequest is a request that carried a canary value to another party.
type LeakRequest struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"`
}
