// Package tlsprobe audits the TLS configuration of a server: which
// protocol versions (SSL 3.0 to TLS 1.3) and cipher suites it accepts,
// whether it imposes its own order, which key-exchange groups it offers,
// what certificate it presents, and how all this measures against ANSSI's
// recommendations and Mozilla's intermediate and modern profiles.
//
// Versions and suites are probed with ClientHellos written byte by byte,
// so that servers accepting what crypto/tls no longer speaks (SSL 3.0,
// export, RC4, DES, IDEA, anonymous suites) are detected; only the
// certificate is read through crypto/tls. Every read runs under a
// deadline and every host under a handshake budget and a time limit.
package tlsprobe
