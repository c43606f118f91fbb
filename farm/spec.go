package farm

// The declarative description of the farm's sites. An archetype is one kind
// of site (one failure or look-alike to detect) with the findings it must
// produce; the catalogue farm instantiates each archetype once under a
// hand-picked domain, the generated farm many times under numbered ones.
// Strings may contain "{D}", replaced by the instance's registrable domain.

// Check IDs the farm's ground truth refers to.
const (
	CheckHTTPPage     = "form.http-page"
	CheckHTTPAction   = "form.http-action"
	CheckPasswordHTTP = "form.password-http"
	CheckNoHTTPS      = "transport.no-https"
	CheckNoRedirect   = "transport.no-redirect"
	CheckHSTS         = "transport.hsts"
	CheckMixedContent = "transport.mixed-content"
	CheckPIIExposed   = "exposure.pii-unauthenticated"
	CheckDirListing   = "exposure.directory-listing"
	CheckTokenInURL   = "auth.token-in-url"
	CheckCookieFlags  = "auth.cookie-flags"
	CheckBasicHTTP    = "auth.basic-over-http"
	CheckEnumerable   = "exposure.enumerable-records"
	CheckDataFile     = "exposure.data-file"

	// Checks only a rendering in a browser can make (browser mode).
	CheckThirdPartyOnForm = "thirdparty.on-form-page"
	CheckFormDataLeak     = "thirdparty.form-data-leak"
	CheckCookieConsent    = "cookies.before-consent"

	// Checks of the TLS audit (the scan's TLS probe).
	CheckTLSLegacy       = "tls.protocol-legacy"
	CheckTLSWeakCipher   = "tls.cipher-weak"
	CheckTLSNoFS         = "tls.no-forward-secrecy"
	CheckTLSCertInvalid  = "tls.cert-invalid"
	CheckTLSCertExpiring = "tls.cert-expiring"
	CheckTLSWeakKey      = "tls.cert-weak-key"
	CheckTLSWeakSig      = "tls.cert-weak-signature"
	CheckTLSNoRevocation = "tls.cert-no-revocation"
	CheckTLSNo13         = "tls.no-tls13"

	// Checks of where the data lives, expected only when the farm's zones
	// are served by DNS (see Farm.Zones).
	CheckHealthNonHDS = "hosting.health-data-non-hds"
	CheckOutsideEEA   = "hosting.outside-eea"
)

// Audit modes an expectation may be limited to; "" means both.
const (
	ModeStatic  = "static"
	ModeBrowser = "browser"
)

// HSTS header values used by the archetypes.
const (
	hsts2Years = "max-age=63072000; includeSubDomains; preload"
	hsts1Year  = "max-age=31536000; includeSubDomains"
)

type archetype struct {
	// ID names the archetype; it appears in generated host names, so it is
	// a valid DNS label.
	ID string
	// Domain is the registrable domain of the catalogue instance.
	Domain string
	// Input is the entry as a user would type it (bare host or URL).
	Input string
	// Org is the organisation (data controller) of the site; Name is the
	// name its pages show, Org when empty.
	Org, Name string
	Tags      []string
	// Hostile archetypes are served only with Options.Hostile.
	Hostile bool
	// Unlisted archetypes are served but are no Site of the farm: third
	// parties that a crawler must not wander into.
	Unlisted bool
	// Layout is the page skin: "moderne" (the State's design system) or
	// "ancien" (a 2000s table layout).
	Layout string
	// Base prefixes the links of the layout: "" for relative links, or an
	// absolute origin such as "https://www.{D}" (what many CMS write).
	Base string
	// Shared names a directory of sites/ whose pages (and _layout.html)
	// the archetype uses where it has none of its own.
	Shared string
	Hosts  []hostSpec
	// Expect lists the findings the site must produce, no more, no less.
	Expect []exp
	// Error is the observation.Kind* the whole site must fail with.
	Error string
	// Mode is the audit mode the site's targets row asks for (the CSV
	// "mode" column): "" for the scan's default, ModeStatic or
	// ModeBrowser.
	Mode string
	// Leaks are the canary values a browser-mode audit must see leave
	// the site's pages for another party.
	Leaks []leak
	// Files are served bodies that no template can write (spreadsheets,
	// PDF files), made once per process.
	Files []generatedFile
	// Zone holds the DNS records of the domain, zone-file lines relative
	// to it ("www A 51.91.20.30"), for the hosting tests (Farm.Zones);
	// empty for a zone pointing every host at loopback.
	Zone []string
}

// generatedFile is a body made by code. Make returns it and the personal
// data it shows (see Farm.PersonalData).
type generatedFile struct {
	Label, Path, ContentType string
	Make                     func() (body []byte, personal []string, err error)
}

// leak is one personal field whose typed value a page sends to another
// party.
type leak struct {
	url      string // the page, may contain {D}
	form     int    // the form's index in its frame's rendered document
	field    string // the field's name attribute
	party    string // receiving registrable domain
	encoding string // observation.Encoding*
}

type httpMode int

const (
	httpServe   httpMode = iota // serves the pages over HTTP too
	httpUpgrade                 // 301 to the same URL over HTTPS
)

type tlsMode int

const (
	tlsNone      tlsMode = iota // handshake fails: no HTTPS
	tlsValid                    // certificate from the farm's CA
	tlsExpired                  // expired certificate from the farm's CA
	tlsWrongName                // valid certificate for another name
)

type route int

const (
	routeFarm   route = iota // the farm's HTTP and HTTPS listeners
	routeHung                // a listener that accepts and never answers
	routeClosed              // a closed port: connections are refused
)

type hostSpec struct {
	// Label is the host's first label ("www", "demarches"), "" for the
	// registrable domain itself.
	Label string
	HTTP  httpMode
	TLS   tlsMode
	Route route
	// HSTS is the Strict-Transport-Security header of HTTPS responses;
	// HSTSOnHTTP the one (ignored by browsers) of HTTP responses.
	HSTS, HSTSOnHTTP string
	Charset          charset
	// Server is the Server header, "" for none.
	Server string
	// Filler adds the common pages (news, about, legal notice, site map).
	Filler bool
	// Sitemap serves /sitemap.xml listing the home page, the filler pages
	// and SitemapExtra; with SitemapIndex, /sitemap.xml is an index of
	// one nested sitemap, /sitemap-pages.xml, that lists them.
	Sitemap      bool
	SitemapIndex bool
	SitemapExtra []string
	// Canonical is the scheme of the URLs in sitemaps and robots.txt;
	// "" means https for hosts with a valid certificate, http otherwise.
	Canonical string
	// Redirects are checked before anything else.
	Redirects []redirect
	// Huge is a path streaming a 1 GiB HTML body.
	Huge string
	// Cookies are Set-Cookie header values sent with every page.
	Cookies []string
	// Protected paths answer 401 with a WWW-Authenticate challenge.
	Protected []protected
	// Soft404 answers unknown paths with 200 and a "page not found"
	// page, as many content management systems do.
	Soft404 bool
	// Fallback is the path of a page served with 200 for every unknown
	// path, as single-page applications do with their index.
	Fallback string
	// Collect are the endpoints of a tracker's collector.
	Collect []collectPoint
	// Headers, when non-nil, replaces the security headers every response
	// of the host carries (wellRunHeaders, a well-run site's, by default):
	// the failing postures of catalogue_headers.go. An empty, non-nil
	// slice sends none (see withHeaders).
	Headers [][2]string
	// SecurityTxt is the body of /.well-known/security.txt ("{D}" is the
	// domain): "" serves a valid file (wellRunSecurityTxt) unless the
	// host has a page of its own there, noSecurityTxt serves none.
	SecurityTxt string
	// TLSServer, when set, replaces the farm's TLS server settings and
	// certificate for this host (see catalogue_tls.go); TLS stays
	// tlsValid.
	TLSServer *tlsServer
}

// collectPoint is an endpoint where a tracker's scripts send what they
// measure: it accepts GET and POST (and CORS preflights), counts and
// records every hit, and answers 204, or a 1x1 GIF for a pixel.
type collectPoint struct {
	Path  string
	Pixel bool
	// Cookies are Set-Cookie header values sent with every answer (the
	// third-party cookie of an advertising pixel).
	Cookies []string
}

// protected is a path (and everything under it when it ends with "/")
// behind HTTP authentication.
type protected struct {
	Path      string
	Challenge string // WWW-Authenticate value, e.g. `Basic realm="Intranet"`
}

type redirect struct {
	// Scheme is "http", "https" or "" for both.
	Scheme string
	// Path is the request path, or "*" for every path (then To is an
	// origin and the request URI is appended).
	Path   string
	Status int
	To     string
}

// exp is one expected finding: Form is the form's index on the page, -1
// for findings about the whole page or site.
type exp struct {
	check, url string
	form       int
	// active findings are only expected from an active scan.
	active bool
	// mode is "" for findings of both audit modes, ModeStatic or
	// ModeBrowser for findings of one mode only.
	mode string
	// dns findings are only expected from a scan that resolves the farm's
	// names with its zones (Farm.Zones) and looks hosting up.
	dns bool
}

func expects(groups ...[]exp) []exp {
	var out []exp
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// form lists findings of the form at index i of the page at url.
func form(url string, i int, checks ...string) []exp {
	out := make([]exp, len(checks))
	for k, c := range checks {
		out[k] = exp{check: c, url: url, form: i}
	}
	return out
}

// site lists findings about a page or the site as a whole.
func site(check, url string) []exp { return []exp{{check: check, url: url, form: -1}} }

// activeSite lists findings about a page or the site that only an active
// scan makes.
func activeSite(check, url string) []exp {
	return []exp{{check: check, url: url, form: -1, active: true}}
}

// inBrowser limits findings to browser mode: what only a rendering shows
// (a form built by a script, requests to third parties, cookies).
func inBrowser(groups ...[]exp) []exp { return inMode(ModeBrowser, groups) }

func inMode(mode string, groups [][]exp) []exp {
	out := expects(groups...)
	for i := range out {
		out[i].mode = mode
	}
	return out
}

// secure is a host done right: HTTPS with a long HSTS, HTTP redirected.
func secure(label string) hostSpec {
	return hostSpec{Label: label, TLS: tlsValid, HTTP: httpUpgrade, HSTS: hsts2Years, Filler: true, Sitemap: true}
}

// plain is a host without HTTPS.
func plain(label string) hostSpec {
	return hostSpec{Label: label, TLS: tlsNone, HTTP: httpServe, Filler: true, Sitemap: true}
}
