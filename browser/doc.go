// Package browser renders pages in headless Chromium through the DevTools
// protocol and reports what a real visitor's browser did: the rendered DOM
// of the page and its frames, every request sent and to which party, the
// cookies and storage left behind, and, when asked, which requests followed
// the typing of canary values into personal fields.
//
// One Chromium process serves a Pool; each Session (one per site) gets a
// browser context of its own, disposed of when the session closes.
// Chromium never touches the network itself: it is pointed at an HTTP proxy
// of this package on 127.0.0.1 that dials with the caller's Dial, and its
// own name resolution is switched off, so the caller's name mapping and
// politeness apply to the browser too.
//
// Site isolation is turned off so that cross-origin frames stay in the
// page's renderer: one DevTools session then sees the requests of every
// frame, each frame's DOM is read in an isolated world of this package
// (out of the page scripts' reach), and memory stays lower.
//
// Extra certificate authorities become trusted roots of an NSS database in
// a temporary HOME given to Chromium, made with certutil (libnss3-tools);
// without certutil they fall back to --ignore-certificate-errors-spki-list,
// which Chromium matches only against the chain the server sent.
package browser
