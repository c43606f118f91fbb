package farm

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func diffExpectations(t *testing.T, want, got []Expectation) {
	t.Helper()
	count := func(es []Expectation) map[Expectation]int {
		m := map[Expectation]int{}
		for _, e := range es {
			e.Mode = "" // the reference audit is a static one
			m[e]++
		}
		return m
	}
	w, g := count(want), count(got)
	for e, n := range w {
		if g[e] < n {
			t.Errorf("missed by the reference audit: %s %s form %d (site %s)", e.Check, e.URL, e.Form, e.Site)
		}
	}
	for e, n := range g {
		if w[e] < n {
			t.Errorf("not in Expected(): %s %s form %d (site %s)", e.Check, e.URL, e.Form, e.Site)
		}
	}
}

// passive drops the expectations the reference audit cannot meet: those
// of active scans (it sends no active probe), of the TLS audit (it
// enumerates no protocol or suite; TestTLSSites checks what makes them)
// and of the transparency checks (it reads no information notice;
// package notice's and check/transparency's tests, and the scan's farm
// test, check them).
func passive(es []Expectation) []Expectation {
	var out []Expectation
	for _, e := range es {
		if !e.Active && !strings.HasPrefix(e.Check, "tls.") && !strings.HasPrefix(e.Check, "transparency.") {
			out = append(out, e)
		}
	}
	return out
}

// TestReferenceAudit audits the catalogue farm, hostile sites included,
// with the reference crawler and checks: the findings must be exactly
// Expected(), the failed sites exactly ExpectedErrors(), and no in-scope
// link may be broken.
func TestReferenceAudit(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	c := newClient(t, f, 2*time.Second)
	var mu sync.Mutex
	pages := 0
	visit := func(u string, r *refResponse) {
		mu.Lock()
		defer mu.Unlock()
		pages++
		if r.err == nil && r.status >= 400 && r.status != http.StatusUnauthorized {
			t.Errorf("broken link %s: status %d", u, r.status)
		}
	}
	got, errs := refAuditFarm(context.Background(), c, f.Sites(), visit)
	diffExpectations(t, passive(f.Expected()), got)
	want := f.ExpectedErrors()
	for id, kind := range want {
		if errs[id] != kind {
			t.Errorf("site %s: error %q, want %q", id, errs[id], kind)
		}
	}
	for id, kind := range errs {
		if want[id] == "" {
			t.Errorf("site %s failed unexpectedly: %s", id, kind)
		}
	}
	if len(want) != 3 {
		t.Errorf("ExpectedErrors has %d sites, want 3 (redirect loop, hung, refused)", len(want))
	}
	t.Logf("%d sites, %d pages, %d findings", len(f.Sites()), pages, len(got))
}

func TestCatalogue(t *testing.T) {
	plain := startFarm(t, Options{})
	hostile := startFarm(t, Options{Hostile: true})
	if n := len(plain.Sites()); n < 25 {
		t.Errorf("catalogue farm has %d sites, want at least 25", n)
	}
	if len(hostile.Sites()) <= len(plain.Sites()) {
		t.Errorf("Hostile adds no site")
	}
	if len(plain.ExpectedErrors()) != 0 {
		t.Errorf("non-hostile farm expects errors: %v", plain.ExpectedErrors())
	}
	ids := map[string]bool{}
	domains := map[string]bool{}
	for _, s := range hostile.Sites() {
		if ids[s.ID()] {
			t.Errorf("duplicate site %s", s.ID())
		}
		ids[s.ID()] = true
		reg := registrable(s.Host)
		if domains[reg] || !strings.HasSuffix(reg, ".test") {
			t.Errorf("site %s: registrable domain %s shared or not under .test", s.URL, reg)
		}
		domains[reg] = true
		if s.Organisation == "" || len(s.Tags) == 0 || s.Archetype == "" {
			t.Errorf("site %s: missing organisation, tags or archetype", s.URL)
		}
	}
	for _, e := range hostile.Expected() {
		if !ids[e.Site] {
			t.Errorf("expectation for unknown site %s", e.Site)
		}
	}
	for id := range hostile.ExpectedErrors() {
		if !ids[id] {
			t.Errorf("expected error for unknown site %s", id)
		}
	}
	checks := map[string]bool{}
	for _, e := range plain.Expected() {
		checks[e.Check] = true
	}
	for _, c := range []string{CheckHTTPPage, CheckHTTPAction, CheckPasswordHTTP, CheckNoHTTPS, CheckNoRedirect, CheckHSTS, CheckMixedContent,
		CheckPIIExposed, CheckDirListing, CheckTokenInURL, CheckCookieFlags, CheckBasicHTTP} {
		if !checks[c] {
			t.Errorf("no site of the catalogue expects %s", c)
		}
	}
}

func TestSiteID(t *testing.T) {
	for in, want := range map[string]string{
		"www.x.test":         "https://www.x.test/",
		"http://www.x.test":  "http://www.x.test/",
		"https://X.test:443": "https://x.test/",
		"http://www.x.test/": "http://www.x.test/",
	} {
		if got := SiteID(in); got != want {
			t.Errorf("SiteID(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEntries checks what each kind of host answers at its root.
func TestEntries(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	c := noRedirect(newClient(t, f, 2*time.Second))
	tests := []struct {
		url      string
		status   int    // 0: the request must fail
		location string // for redirects
		hsts     string // "" leaves the header unchecked
		noHSTS   bool
		ctype    string
		errText  string // substring of the error when status is 0
	}{
		{url: "http://www.pref-ain.test/", status: 200, ctype: "text/html; charset=ISO-8859-1"},
		{url: "https://www.pref-ain.test/", errText: "remote error: tls"},
		{url: "http://www.pref-aisne.test/", status: 200, ctype: "text/html"},
		{url: "http://www.pref-allier.test/contact.html", status: 301, location: "https://www.pref-allier.test/contact.html"},
		{url: "https://www.pref-allier.test/", status: 200, hsts: hsts2Years, ctype: "text/html; charset=utf-8"},
		{url: "https://www.mairie-annecy.test/", status: 200, hsts: "max-age=300"},
		{url: "https://www.mairie-brest.test/", status: 200, noHSTS: true},
		{url: "http://www.mairie-toulouse.test/", status: 301, location: "https://www.mairie-toulouse.test/", hsts: hsts2Years},
		{url: "https://www.mairie-toulouse.test/", status: 200, noHSTS: true},
		{url: "https://www.region-bretagne.test/", status: 200, hsts: hsts1Year},
		{url: "http://www.mairie-lille.test/", status: 200},
		{url: "http://www.departement-nord.test/", status: 302, location: "/portail/"},
		{url: "http://www.departement-nord.test/portail/", status: 200},
		{url: "https://ville-pau.test/contact.html", status: 301, location: "https://www.ville-pau.test/contact.html"},
		{url: "http://ville-pau.test/", status: 301, location: "https://ville-pau.test/"},
		{url: "http://demarches.departement-gard.test/", status: 200},
		{url: "https://demarches.departement-gard.test/", errText: "remote error: tls"},
		{url: "http://www.association-partenaire.test/adhesion.html", status: 200},
		{url: "https://www.sivom-boucle.test/", status: 302, location: "/a"},
		{url: "https://www.sivom-boucle.test/b", status: 302, location: "/a"},
		{url: "https://www.smictom-vallee.test/", errText: "expired"},
		{url: "http://www.smictom-vallee.test/", status: 200},
		{url: "https://www.ehpad-les-tilleuls.test/", errText: "not www.ehpad-les-tilleuls.test"},
		{url: "http://www.pref-allier.test/nexiste-pas.html", status: 301},
		{url: "https://www.pref-allier.test/nexiste-pas.html", status: 404},
		{url: "https://www.pref-allier.test/sitemap.xml", status: 200, ctype: "application/xml"},
		{url: "https://www.pref-allier.test/robots.txt", status: 200},
		{url: "http://www.inconnu.test/", status: 404},
		{url: "https://www.inconnu.test/", errText: "remote error: tls"},
	}
	for _, tt := range tests {
		resp, err := c.Get(tt.url)
		if tt.status == 0 {
			if err == nil {
				resp.Body.Close()
				t.Errorf("GET %s: status %d, want an error", tt.url, resp.StatusCode)
			} else if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("GET %s: %v, want an error containing %q", tt.url, err, tt.errText)
			}
			continue
		}
		if err != nil {
			t.Errorf("GET %s: %v", tt.url, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.url, resp.StatusCode, tt.status)
		}
		if tt.location != "" && resp.Header.Get("Location") != tt.location {
			t.Errorf("GET %s: Location %q, want %q", tt.url, resp.Header.Get("Location"), tt.location)
		}
		if got := resp.Header.Get("Strict-Transport-Security"); (tt.hsts != "" || tt.noHSTS) && got != tt.hsts {
			t.Errorf("GET %s: HSTS %q, want %q", tt.url, got, tt.hsts)
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.url, resp.Header.Get("Content-Type"), tt.ctype)
		}
		if strings.HasPrefix(tt.url, "https://") && resp.ProtoMajor != 2 {
			t.Errorf("GET %s: %s, want HTTP/2", tt.url, resp.Proto)
		}
	}
}

// TestTLS checks every host's handshake: valid hosts verify against the
// CA, the others fail.
func TestTLS(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(f.CACertPEM())
	routes := parseConnectTo(t, f.ConnectTo())
	for _, v := range f.allHosts() {
		if v.host.spec.Route != routeFarm {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		raw, err := dialer(routes)(ctx, "tcp", v.name+":443")
		if err != nil {
			cancel()
			t.Fatalf("%s: %v", v.name, err)
		}
		cfg := &tls.Config{ServerName: v.name, RootCAs: pool, NextProtos: []string{"h2", "http/1.1"}}
		if v.host.spec.TLSServer != nil {
			cfg = legacyClientConfig(v.name, pool)
		}
		conn := tls.Client(raw, cfg)
		err = conn.HandshakeContext(ctx)
		conn.Close()
		cancel()
		if s := v.host.spec.TLSServer; s != nil {
			switch {
			case s.SHA1 && (err == nil || !strings.Contains(err.Error(), "insecure algorithm")):
				t.Errorf("%s: handshake error %v, want a SHA-1 certificate refused", v.name, err)
			case !s.SHA1 && err != nil:
				t.Errorf("%s: handshake failed: %v", v.name, err)
			}
			continue
		}
		switch want := v.host.spec.TLS; {
		case want == tlsValid && err != nil:
			t.Errorf("%s: handshake failed: %v", v.name, err)
		case want == tlsValid && conn.ConnectionState().NegotiatedProtocol != "h2":
			t.Errorf("%s: ALPN %q, want h2", v.name, conn.ConnectionState().NegotiatedProtocol)
		case want != tlsValid && err == nil:
			t.Errorf("%s: handshake succeeded, want a failure", v.name)
		case want == tlsExpired && !strings.Contains(err.Error(), "expired"):
			t.Errorf("%s: %v, want an expired certificate", v.name, err)
		case want == tlsWrongName && !strings.Contains(err.Error(), wrongCertName):
			t.Errorf("%s: %v, want a certificate for %s", v.name, err, wrongCertName)
		}
	}
}

// TestExpectationURLs checks that each expectation's URL shows what it
// claims: form pages are served directly (200, HTML), transport URLs fail
// or answer as the check needs.
func TestExpectationURLs(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	c := noRedirect(newClient(t, f, 2*time.Second))
	all := f.Expected()
	for _, e := range f.ExpectedFor(ModeBrowser) {
		if e.Mode == ModeBrowser {
			all = append(all, e)
		}
	}
	for _, e := range all {
		if strings.HasPrefix(e.Check, "tls.") {
			continue // TestTLSSites
		}
		resp, err := c.Get(e.URL)
		if e.Check == CheckNoHTTPS {
			if err == nil {
				resp.Body.Close()
				t.Errorf("%s %s: answers %d, want a TLS failure", e.Check, e.URL, resp.StatusCode)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s: %v", e.Check, e.URL, err)
			continue
		}
		resp.Body.Close()
		switch {
		case e.Check == CheckNoRedirect:
			if resp.StatusCode != 200 && (resp.StatusCode < 300 || resp.StatusCode > 399 || strings.HasPrefix(resp.Header.Get("Location"), "https:")) {
				t.Errorf("%s %s: status %d Location %q", e.Check, e.URL, resp.StatusCode, resp.Header.Get("Location"))
			}
		case e.Check == CheckBasicHTTP:
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("Www-Authenticate"), "Basic ") {
				t.Errorf("%s %s: status %d, challenge %q", e.Check, e.URL, resp.StatusCode, resp.Header.Get("Www-Authenticate"))
			}
		case e.Check == CheckPIIExposed:
			if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/") && !documentTypes[ct] {
				t.Errorf("%s %s: status %d, %s, want 200 text, a spreadsheet or a PDF", e.Check, e.URL, resp.StatusCode, ct)
			}
		case e.Check == CheckDataFile:
			if resp.StatusCode != 200 {
				t.Errorf("%s %s: status %d, want 200", e.Check, e.URL, resp.StatusCode)
			}
		case e.Check == CheckSecTxtMissing:
			if resp.StatusCode == 200 && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				t.Errorf("%s %s: status %d, %s, want no text file", e.Check, e.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		case e.Check == CheckSecTxtInvalid:
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				t.Errorf("%s %s: status %d, %s, want 200 text", e.Check, e.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		case e.Check == CheckCORSAnyOrigin:
			if resp.StatusCode != 200 {
				t.Errorf("%s %s: status %d, want 200", e.Check, e.URL, resp.StatusCode)
			}
		case e.Check == CheckCookieFlags:
			if len(resp.Header.Values("Set-Cookie")) == 0 {
				t.Errorf("%s %s: no Set-Cookie", e.Check, e.URL)
			}
		case resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"):
			t.Errorf("%s %s: status %d, %s, want 200 HTML", e.Check, e.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
		case (e.Form >= 0) != strings.HasPrefix(e.Check, "form."):
			t.Errorf("%s %s: form index %d", e.Check, e.URL, e.Form)
		}
	}
}

func get(t *testing.T, c *http.Client, u string) []byte {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCharsets(t *testing.T) {
	f := startFarm(t, Options{})
	c := newClient(t, f, 2*time.Second)
	latin1 := get(t, c, "http://www.pref-ain.test/contact.php")
	if !bytes.Contains(latin1, []byte("Pr\xe9nom")) || !bytes.Contains(latin1, []byte("\xab informatique et libert\xe9s \xbb")) {
		t.Errorf("ISO-8859-1 page: accented labels not in Latin-1")
	}
	cp := get(t, c, "http://www.pref-aisne.test/ecrire-au-prefet.php")
	for _, want := range []string{"T\xe9l\xe9phone", "d\x92adresser", "\x9cuvre", `charset=windows-1252`} {
		if !bytes.Contains(cp, []byte(want)) {
			t.Errorf("windows-1252 page lacks %q", want)
		}
	}
	utf := get(t, c, "https://www.pref-allier.test/contact.html")
	if !bytes.Contains(utf, []byte("Prénom")) {
		t.Errorf("UTF-8 page lacks Prénom")
	}
}

func TestWriteTargetsCSV(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	var b bytes.Buffer
	if err := f.WriteTargetsCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sites := f.Sites()
	if len(rows) != len(sites)+1 || strings.Join(rows[0], ",") != "url,organisation,tags" {
		t.Fatalf("CSV: %d rows, header %v", len(rows), rows[0])
	}
	for i, s := range sites {
		r := rows[i+1]
		if r[0] != s.URL || r[1] != s.Organisation || r[2] != strings.Join(s.Tags, ";") {
			t.Errorf("row %d = %v, want %s", i+1, r, s.URL)
		}
	}
}

// TestHostile checks the hostile sites' behaviour with bounded client
// timeouts, and that Close returns promptly with hung and streaming
// connections open.
func TestHostile(t *testing.T) {
	f, err := Start(Options{Hostile: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := newClient(t, f, 300*time.Millisecond)

	for _, u := range []string{"http://www.silence-radio.test/", "https://www.silence-radio.test/"} {
		start := time.Now()
		_, err := c.Get(u)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("GET %s: %v, want a timeout", u, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("GET %s took %s", u, d)
		}
	}
	for _, u := range []string{"http://www.si-ferme.test/", "https://www.si-ferme.test/"} {
		if _, err := c.Get(u); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("GET %s: %v, want connection refused", u, err)
		}
	}
	if _, err := c.Get("https://www.sivom-boucle.test/"); err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("redirect loop: %v", err)
	}

	// The 1 GiB page streams without a length; read 8 MiB of it.
	streaming := newClient(t, f, 0)
	resp, err := streaming.Get("https://www.archives-creuse.test/fonds/inventaire-integral.html")
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != -1 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("huge page: length %d, type %q", resp.ContentLength, resp.Header.Get("Content-Type"))
	}
	if n, err := io.CopyN(io.Discard, resp.Body, 8<<20); err != nil || n != 8<<20 {
		t.Fatalf("huge page: read %d bytes: %v", n, err)
	}

	// A hung connection and the stream stay open while the farm closes.
	hungAddr := ""
	for _, e := range f.ConnectTo() {
		if a, ok := strings.CutPrefix(e, "www.silence-radio.test:80:"); ok {
			hungAddr = a
		}
	}
	hung, err := net.Dial("tcp", hungAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer hung.Close()
	fmt.Fprintf(hung, "GET / HTTP/1.1\r\nHost: www.silence-radio.test\r\n\r\n")
	start := time.Now()
	f.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %s", d)
	}
	hung.SetReadDeadline(time.Now().Add(time.Second))
	// The server closed its end: the read ends with EOF or a reset (when
	// the request bytes were still unread), never with a timeout.
	if _, err := hung.Read(make([]byte, 1)); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("hung connection after Close: %v, want EOF or reset", err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Errorf("huge page: stream ended cleanly after Close, want an error")
	}
	resp.Body.Close()
	f.Close() // twice is fine
}

func TestConnectToOrder(t *testing.T) {
	f := startFarm(t, Options{Hostile: true})
	ct := f.ConnectTo()
	n := len(ct)
	if n < 6 || !strings.HasPrefix(ct[n-2], ":80:127.0.0.1:") || !strings.HasPrefix(ct[n-1], ":443:127.0.0.1:") {
		t.Fatalf("ConnectTo = %v", ct)
	}
	if f.HTTPAddr() != strings.TrimPrefix(ct[n-2], ":80:") || f.HTTPSAddr() != strings.TrimPrefix(ct[n-1], ":443:") {
		t.Errorf("addresses %s %s do not match %v", f.HTTPAddr(), f.HTTPSAddr(), ct[n-2:])
	}
	plain := startFarm(t, Options{})
	if len(plain.ConnectTo()) != 2 {
		t.Errorf("non-hostile ConnectTo = %v, want the two catch-all entries", plain.ConnectTo())
	}
}

// TestGenerated serves 2,000 generated sites: every HTTP root answers,
// expectations scale with the archetypes, and a sample audited with the
// reference crawler matches.
func TestGenerated(t *testing.T) {
	const n = 2000
	start := time.Now()
	f := startFarm(t, Options{Sites: n, Seed: 7})
	t.Logf("started %d sites in %s", n, time.Since(start))
	sites := f.Sites()
	if len(sites) != n {
		t.Fatalf("%d sites, want %d", len(sites), n)
	}
	catalogue := startFarm(t, Options{})
	perArch := map[string]int{}
	for _, s := range catalogue.Sites() {
		perArch[s.Archetype] = 0
	}
	for _, e := range catalogue.Expected() {
		for _, s := range catalogue.Sites() {
			if s.ID() == e.Site {
				perArch[s.Archetype]++
			}
		}
	}
	want, ids := 0, map[string]bool{}
	for _, s := range sites {
		want += perArch[s.Archetype]
		if ids[s.ID()] {
			t.Fatalf("duplicate site %s", s.ID())
		}
		ids[s.ID()] = true
		if !strings.HasPrefix(s.Host, "www.s") && !strings.HasPrefix(s.Host, "s") {
			t.Errorf("host %s not numbered", s.Host)
		}
	}
	if got := len(f.Expected()); got != want || want < n {
		t.Errorf("%d expectations, want %d", got, want)
	}

	c := noRedirect(newClient(t, f, 30*time.Second))
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = -1
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, s := range sites {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			resp, err := c.Head("http://" + s.Host + "/")
			if err != nil {
				t.Errorf("HEAD %s: %v", s.Host, err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 && resp.StatusCode != 301 && resp.StatusCode != 302 {
				t.Errorf("HEAD %s: %d", s.Host, resp.StatusCode)
			}
		}()
	}
	wg.Wait()

	sample := append([]Site(nil), sites[:len(perArch)]...)
	for i := len(perArch); i < n; i += 97 {
		sample = append(sample, sites[i])
	}
	inSample := map[string]bool{}
	for _, s := range sample {
		inSample[s.ID()] = true
	}
	var wantSample []Expectation
	for _, e := range f.Expected() {
		if inSample[e.Site] {
			wantSample = append(wantSample, e)
		}
	}
	got, errs := refAuditFarm(context.Background(), newClient(t, f, 2*time.Second), sample, nil)
	diffExpectations(t, passive(wantSample), got)
	if len(errs) != 0 {
		t.Errorf("generated sites failed: %v", errs)
	}
}

func TestGeneratedSeed(t *testing.T) {
	order := func(seed int64) string {
		f := startFarm(t, Options{Sites: 30, Seed: seed})
		var b strings.Builder
		for _, s := range f.Sites() {
			b.WriteString(s.Archetype + " ")
		}
		return b.String()
	}
	first, again := order(3), order(3)
	if first != again {
		t.Errorf("same seed, different farms")
	}
	if first == order(4) {
		t.Errorf("different seeds, same farm")
	}
}

// documentTypes are the media types of the office documents and PDF files
// of personal data the farm serves.
var documentTypes = map[string]bool{
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": true,
	"application/pdf": true,
}
