package scan

import (
	"slices"
	"testing"

	"vigie/observation"
)

func TestCoverage(t *testing.T) {
	answered := func(u, final string, status int) observation.Probe {
		return observation.Probe{URL: u, FinalURL: final, Status: status}
	}
	page := func(p observation.Probe) observation.Page { return observation.Page{Probe: p} }
	probe := func(p observation.Probe) *observation.Probe { return &p }
	for _, tc := range []struct {
		name string
		site observation.Site
		want []string
	}{
		{"nothing answered", observation.Site{
			HTTPS: &observation.Probe{URL: "https://a.test/", Error: "refused", ErrorKind: observation.KindRefused},
		}, []string{}},
		{"roots, first and final URLs, normalised, once", observation.Site{
			HTTPS: probe(answered("https://A.test:443/", "https://www.a.test/accueil#haut", 200)),
			HTTP:  probe(answered("http://a.test", "https://www.a.test/accueil", 200)),
		}, []string{"https://a.test/", "https://www.a.test/accueil", "http://a.test/"}},
		{"pages: a 404 is an answer, an error is not", observation.Site{
			HTTPS: probe(answered("https://a.test/", "", 200)),
			Pages: []observation.Page{
				page(answered("https://a.test/", "https://a.test/", 200)),
				page(answered("https://a.test/contact", "https://a.test/contact/", 200)),
				page(answered("https://a.test/vieux", "", 404)),
				page(observation.Probe{URL: "https://a.test/lent", Error: "timeout", ErrorKind: observation.KindTimeout}),
				page(observation.Probe{URL: "https://a.test/muet"}),
			},
		}, []string{"https://a.test/", "https://a.test/contact", "https://a.test/contact/", "https://a.test/vieux"}},
		{"active probes that answered", observation.Site{
			ActiveProbes: []observation.ActiveProbe{
				{Kind: "data-file", Of: "https://a.test/", Probe: answered("https://a.test/.env", "", 404)},
				{Kind: "neighbour-record", Of: "https://a.test/dossier?id=4", Probe: answered("https://a.test/dossier?id=5", "https://a.test/login", 200)},
				{Kind: "data-file", Of: "https://a.test/", Probe: observation.Probe{URL: "https://a.test/.git/config", Error: "timeout"}},
			},
		}, []string{"https://a.test/.env", "https://a.test/dossier?id=5", "https://a.test/login"}},
		{"TLS prober's origin when it got a handshake", observation.Site{
			HTTPS:    &observation.Probe{URL: "https://a.test/", Error: "x509: unknown authority", ErrorKind: observation.KindTLS},
			HTTP:     probe(answered("http://a.test/", "", 200)),
			TLSProbe: &observation.TLSReport{Host: "A.test", Port: 443, Protocols: []observation.TLSProtocol{{Version: "TLS 1.2", Accepted: true}}},
		}, []string{"http://a.test/", "https://a.test/"}},
		{"TLS prober on another port", observation.Site{
			TLSProbe: &observation.TLSReport{Host: "a.test", Port: 8443, Protocols: []observation.TLSProtocol{{Version: "TLS 1.3", Accepted: true}}},
		}, []string{"https://a.test:8443/"}},
		{"TLS prober without a handshake", observation.Site{
			TLSProbe: &observation.TLSReport{Host: "a.test", Port: 443, Protocols: []observation.TLSProtocol{{Version: "TLS 1.3"}}},
		}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := coverage(&tc.site)
			if got == nil || !slices.Equal(got, tc.want) {
				t.Errorf("coverage = %#v, want %#v", got, tc.want)
			}
		})
	}
}
