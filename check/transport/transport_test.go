package transport

import (
	"net/http"
	"reflect"
	"sort"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
)

func ok(url, final string, hdr ...string) *observation.Probe {
	h := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Add(hdr[i], hdr[i+1])
	}
	return &observation.Probe{URL: url, FinalURL: final, Status: 200, Header: h}
}

func failed(url, kind string) *observation.Probe {
	return &observation.Probe{URL: url, Error: "GET " + url + ": failed", ErrorKind: kind}
}

const hsts = "max-age=63072000; includeSubDomains"

var personalForm = observation.Form{Action: "https://x.test/envoi", Fields: []observation.Field{{Tag: "input", Name: "email", Type: "email", Category: "contact"}}}

func page(url string, forms []observation.Form, res ...observation.Resource) observation.Page {
	return observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200}, Forms: forms, Resources: res}
}

func TestTransportChecks(t *testing.T) {
	tests := []struct {
		name        string
		https, http *observation.Probe
		pages       []observation.Page
		want        []string
	}{
		{"no https at all", failed("https://x.test/", observation.KindTLS), ok("http://x.test/", "http://x.test/"), nil, []string{"transport.no-https"}},
		{"https refused", failed("https://x.test/", observation.KindRefused), ok("http://x.test/", "http://x.test/"), nil, []string{"transport.no-https"}},
		{"both fail: site error, no finding", failed("https://x.test/", observation.KindRefused), failed("http://x.test/", observation.KindRefused), nil, nil},
		{"https only, http closed", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), failed("http://x.test/", observation.KindRefused), nil, nil},
		{"good site", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), ok("http://x.test/", "https://x.test/"), nil, nil},
		{"no redirect", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), ok("http://x.test/", "http://x.test/"), nil, []string{"transport.no-redirect"}},
		{"redirect to other http page is still no redirect", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), ok("http://x.test/", "http://www.x.test/accueil"), nil, []string{"transport.no-redirect"}},
		{"hsts missing", ok("https://x.test/", "https://x.test/"), ok("http://x.test/", "https://x.test/"), nil, []string{"transport.hsts"}},
		{"hsts short", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", "max-age=300"), ok("http://x.test/", "https://x.test/"), nil, []string{"transport.hsts"}},
		{"hsts exactly six months", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", "max-age=15552000"), nil, nil, nil},
		{"hsts quoted and upper case", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", `MAX-AGE="31536000"; preload`), nil, nil, nil},
		{"hsts garbage", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", "max-age=abc"), nil, nil, []string{"transport.hsts"}},
		{"hsts without max-age", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", "includeSubDomains"), nil, nil, []string{"transport.hsts"}},
		{"hsts duplicate directive", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", "max-age=31536000; max-age=31536000"), nil, nil, []string{"transport.hsts"}},
		{"https redirecting to http: no redirect, no hsts finding", ok("https://x.test/", "http://x.test/"), ok("http://x.test/", "http://x.test/"), nil, []string{"transport.no-redirect"}},
		{"mixed script on personal form page", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), nil,
			[]observation.Page{page("https://x.test/contact", []observation.Form{personalForm}, observation.Resource{Kind: "script", URL: "http://cdn.test/a.js"})},
			[]string{"transport.mixed-content"}},
		{"one insecure script on three pages, another on one: one finding per script", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), nil,
			[]observation.Page{
				page("https://x.test/contact", []observation.Form{personalForm}, observation.Resource{Kind: "script", URL: "http://cdn.test/a.js"}),
				page("https://x.test/inscription", []observation.Form{personalForm}, observation.Resource{Kind: "script", URL: "http://cdn.test/a.js"},
					observation.Resource{Kind: "iframe", URL: "http://widget.test/f"}),
				page("https://x.test/rdv", []observation.Form{personalForm}, observation.Resource{Kind: "script", URL: "HTTP://CDN.test:80/a.js"})},
			[]string{"transport.mixed-content", "transport.mixed-content"}},
		{"mixed image only", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), nil,
			[]observation.Page{page("https://x.test/contact", []observation.Form{personalForm}, observation.Resource{Kind: "img", URL: "http://cdn.test/a.png"})}, nil},
		{"mixed script without personal form", ok("https://x.test/", "https://x.test/", "Strict-Transport-Security", hsts), nil,
			[]observation.Page{page("https://x.test/news", nil, observation.Resource{Kind: "script", URL: "http://cdn.test/a.js"})}, nil},
		{"http page with http script is not mixed content", nil, nil,
			[]observation.Page{page("http://x.test/contact", []observation.Form{personalForm}, observation.Resource{Kind: "stylesheet", URL: "http://cdn.test/a.css"})}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://x.test/", HTTPS: tt.https, HTTP: tt.http, Pages: tt.pages}
			var got []string
			for _, f := range check.Run(site) {
				got = append(got, f.Check)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLegacyConnection: a site reached over the legacy TLS fallback says
// so in the findings that rest on that connection; an ordinary one adds
// nothing.
func TestLegacyConnection(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		https := ok("https://x.test/", "https://x.test/")
		https.TLS = &observation.TLSState{Version: "TLS 1.0", CipherSuite: "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}
		if legacy {
			https.TLS.LegacyFallback, https.TLS.FallbackReason = true, "tls: server rejected the handshake: protocol version not supported"
		}
		fs := check.Run(&observation.Site{URL: "https://x.test/", HTTPS: https})
		if len(fs) != 1 || fs[0].Check != "transport.hsts" {
			t.Fatalf("findings %v, want transport.hsts", fs)
		}
		c, has := fs[0].Detail["crawl_connection"].(map[string]any)
		if has != legacy {
			t.Errorf("legacy %v: detail %v", legacy, fs[0].Detail)
		}
		if legacy && (c["protocol"] != "TLS 1.0" || c["cipher_suite"] != "TLS_RSA_WITH_3DES_EDE_CBC_SHA" || c["fallback_reason"] == "") {
			t.Errorf("crawl connection %v", c)
		}
	}
}

// TestNoHTTPSWithTLSProbe: a server that answers TLS handshakes no client
// completes is still reported without HTTPS, the detail naming the
// versions the TLS probe saw.
func TestNoHTTPSWithTLSProbe(t *testing.T) {
	site := &observation.Site{URL: "https://x.test/", HTTPS: failed("https://x.test/", observation.KindTLS), HTTP: ok("http://x.test/", "http://x.test/"),
		TLSProbe: &observation.TLSReport{Host: "x.test", Port: 443, Protocols: []observation.TLSProtocol{{Version: observation.SSL30, Accepted: true}}}}
	var got []string
	for _, f := range check.Run(site) {
		if f.Check == "transport.no-https" {
			got, _ = f.Detail["tls_probe_accepted"].([]string)
		}
	}
	if !reflect.DeepEqual(got, []string{observation.SSL30}) {
		t.Errorf("tls_probe_accepted %v, want [SSL 3.0]", got)
	}
}

// TestMixedContentPages checks the pages a grouped mixed-content finding
// lists.
func TestMixedContentPages(t *testing.T) {
	script := observation.Resource{Kind: "script", URL: "http://cdn.test/a.js"}
	site := &observation.Site{URL: "https://x.test/", Pages: []observation.Page{
		page("https://x.test/rdv", []observation.Form{personalForm}, script),
		page("https://x.test/contact", []observation.Form{personalForm}, script),
		page("https://x.test/actualites", nil, script),
	}}
	fs := check.Run(site)
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1: %+v", len(fs), fs)
	}
	f := fs[0]
	want := []string{"https://x.test/contact", "https://x.test/rdv"}
	if f.URL != want[0] || f.Location != "mixed:http://cdn.test/a.js" || !reflect.DeepEqual(finding.Pages(f.Detail), want) || f.Detail[finding.DetailPagesCount] != 2 {
		t.Errorf("finding at %s (%s) listing %v, want %s (mixed:http://cdn.test/a.js) listing %v", f.URL, f.Location, f.Detail[finding.DetailPages], want[0], want)
	}
}
