// Package fetch is Vigie's HTTP client: it GETs pages passively, follows
// redirects hop by hop while recording them, decodes text bodies to UTF-8,
// and classifies failures (DNS, refused, TLS, timeout, redirect loop, body
// too large) into observation.Probe values that checks can read.
//
// One Client is shared by every crawler goroutine. It bounds what a hostile
// or broken server can cost: a deadline per request including the body,
// a cap on body size and on redirects, a per-host concurrency limit and an
// optional global request rate. It can reach hosts without DNS, as curl's
// --resolve and --connect-to do, which is how tests and the simulated-site
// farm stay on loopback.
package fetch
