// Package farm serves simulated web sites on loopback, over HTTP and HTTPS
// (certificates from a throwaway CA), with known ground truth: for every
// site, the findings an audit must report and, for hostile sites, the error
// it must end with. End-to-end tests, `vigie demo` and benchmarks audit it.
//
// Each site is an instance of an archetype: one failure to detect (a
// contact form over plain HTTP, a form posting to an http:// URL, a missing
// or short HSTS, an HTTP page that does not redirect, mixed content, a
// member file readable without logging in, an open directory of exports,
// a session identifier in URLs, a session cookie without flags, Basic
// authentication over HTTP...), one look-alike that must not be reported
// (a search box, a language picker, an HTTP image, a staff directory of the
// organisation's own addresses, order numbers that look like phones, a
// page titled "Index of products", a soft 404), or one hostile behaviour (endless redirects, a server that
// never answers, a 1 GiB page, tag soup, expired or misnamed certificates,
// a refused port). The catalogue farm has one site per archetype under a
// realistic French name; a generated farm has thousands, numbered.
//
// Sites tagged "browser" are made for browser mode (vigie --browser): a
// form built by a script or by a single-page application's router, a form
// in a provider's frame, contact forms whose fields trackers send as they
// are typed (in clear, base64-encoded or hashed), page-view measurement
// only, cookies set before consent, consent banners (tarteaucitron, Klaro
// and vanilla-cookieconsent served from the npm packages .ci/run installs,
// when installed, and hand-made ones) without a first-layer refusal, with
// a subordinate one, or with trackers that ignore it, and their
// look-alikes (see catalogue_consent.go). The trackers
// are unlisted sites under their own registrable domains, whose collectors
// count and record what they receive (Hits, Beacons); TrackerListCSV
// classifies them. The ground truth depends on the mode: Expected is a
// static audit's, ExpectedFor(ModeBrowser) a browser audit's, and
// ExpectedLeaks tells which field each page sends to which party.
//
// Sites tagged "tls" fail (or pass) by their TLS server alone, configured
// per host name on the shared HTTPS listener: legacy protocol versions,
// RSA key exchange, 3DES, no TLS 1.3, certificates that expire soon, with
// a 1024-bit key, signed with SHA-1 or without revocation information; one
// of them, TLS 1.0 only, hides a login form posting to HTTP behind its
// legacy handshake (see catalogue_tls.go).
//
// Sites are virtual hosts: the farm listens on one loopback port for HTTP
// and one for HTTPS and tells clients, through ConnectTo, to reach every
// host name there, so nothing ever goes to DNS. Every site has its own
// registrable domain under the reserved .test top-level domain.
//
// Pages are Go templates under sites/, rendered once per archetype with a
// mark in place of the domain and served by writing the parts and the
// instance's domain: a farm of 10,000 sites costs little memory.
package farm
