package scan

import (
	"context"
	"net"
	"strconv"
	"strings"

	"vigie/finding"
	"vigie/observation"
	"vigie/store"
	"vigie/target"
)

// activeChecks are the checks only active probes make: their pages are
// revisited only by an active scan.
var activeChecks = map[string]bool{"exposure.enumerable-records": true, "exposure.data-file": true}

// revisits returns the pages of the site's open findings in the store,
// for the crawl to examine again when its links do not lead there (see
// crawl.Options.Revisit): a failure is fixed only where it is looked for.
// Without a store, or when the store cannot say, it returns nil.
func (e *Engine) revisits(ctx context.Context, t target.Target) []string {
	if e.o.Store == nil {
		return nil
	}
	fs, err := e.o.Store.Findings(ctx, store.Filter{Site: t.URL, Open: true})
	if err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		if activeChecks[f.Check] && !e.o.Crawl.Active {
			continue
		}
		// A grouped finding is examined when one of its pages is: its
		// own URL and the next listed pages, in case that one is gone.
		urls := []string{f.URL}
		for _, p := range finding.Pages(f.Detail) {
			if len(urls) == revisitsPerFinding {
				break
			}
			if p != f.URL {
				urls = append(urls, p)
			}
		}
		for _, u := range urls {
			// A URL whose secret a check masked is not the one the site
			// used: fetching it would examine another page.
			if u == "" || strings.Contains(u, "="+finding.MaskedSecret) || seen[u] {
				continue
			}
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// revisitsPerFinding bounds the pages of one grouped finding revisited.
const revisitsPerFinding = 3

// coverage returns the URLs the audit of site examined, normalised with
// finding.NormaliseURL and without duplicates, in the order met: the root
// probes that answered, the pages fetched without error (a 404 is an
// answer), the active probes that answered (first and final URL of each)
// and the origin the TLS prober audited. The store fixes a finding the
// audit did not report only when its URL is among them
// (store.SiteResult.Covered). It is never nil, so that a site that
// examined nothing is told apart from a caller that does not say.
func coverage(site *observation.Site) []string {
	out := []string{}
	seen := make(map[string]bool)
	add := func(raw string) {
		if raw == "" {
			return
		}
		u := finding.NormaliseURL(raw)
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	probe := func(p *observation.Probe) {
		if p.OK() {
			add(p.URL)
			add(p.FinalURL)
		}
	}
	probe(site.HTTPS)
	probe(site.HTTP)
	for i := range site.Pages {
		probe(&site.Pages[i].Probe)
	}
	for i := range site.ActiveProbes {
		probe(&site.ActiveProbes[i].Probe)
	}
	// The tls.* findings name the origin the prober reached, whether or
	// not the HTTPS root answered (a bad certificate fails it).
	// Like check/tls, count the prober's audit when it got a handshake.
	if rep := site.TLSProbe; rep != nil && len(rep.Accepted()) > 0 {
		port := rep.Port
		if port == 0 {
			port = 443
		}
		add("https://" + net.JoinHostPort(rep.Host, strconv.Itoa(port)) + "/")
	}
	return out
}
