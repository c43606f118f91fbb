package farm

import (
	"crypto/tls"
	"encoding/csv"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"vigie/finding"
)

// Options choose which sites a farm serves.
type Options struct {
	// Sites is 0 for the catalogue farm (one hand-written site per
	// archetype), or N > 0 for N generated sites cycling over the benign
	// and failing archetypes, named www.s00001-<archetype>.test and so on.
	Sites int
	// Hostile adds the hostile sites: endless redirects, a server that
	// never answers, a 1 GiB page, tag soup, bad certificates, a refused
	// port.
	Hostile bool
	// Seed orders the archetypes of generated farms; 0 keeps the
	// catalogue order.
	Seed int64
	// OnRequest, when set, is called with every request the farm's
	// sites receive, before it is served (tests count probes with it).
	OnRequest func(*http.Request)
}

// Site is one site of the farm, as a user would list it.
type Site struct {
	// Host is the entry's host name.
	Host string
	// URL is the entry as a user would type it: a URL or a bare host name.
	URL          string
	Organisation string
	Tags         []string
	// Archetype names the kind of site (see the package documentation).
	Archetype string
	// Mode is the audit mode the site's targets row asks for: "" for the
	// scan's default, ModeStatic or ModeBrowser.
	Mode string
}

// ID returns the site's identity in findings: its normalised entry URL,
// "https://HOST/" for a bare host name.
func (s Site) ID() string { return SiteID(s.URL) }

// SiteID normalises an entry as the crawler does: a bare host name means
// its HTTPS root.
func SiteID(input string) string {
	if !strings.Contains(input, "://") {
		input = "https://" + input
	}
	return finding.NormaliseURL(input)
}

// Expectation is one finding the farm's sites must produce.
type Expectation struct {
	Check string
	// Site is the site's ID (Site.ID).
	Site string
	// URL is where the finding shows, normalised (finding.NormaliseURL):
	// the final URL of the page, or the probed URL for transport checks.
	URL string
	// Form is the index of the form among the page's forms (0-based), or
	// -1 for findings about a page or the whole site.
	Form int
	// Active is true for findings only an active scan (--active) makes.
	Active bool
	// DNS is true for findings only a scan resolving the farm's names
	// with its zones (Zones) makes: where the data lives.
	DNS bool
	// Mode is "" for findings both audit modes make, ModeBrowser for
	// findings only a rendering in a browser shows (--browser), ModeStatic
	// for findings a rendering makes go away.
	Mode string
}

// Leak is a personal field whose typed value a page of the farm sends to
// another party before anything is submitted.
type Leak struct {
	// Site is the site's ID; URL the page, normalised.
	Site, URL string
	// Form is the index of the form in its frame's rendered document;
	// Field the field's name attribute.
	Form  int
	Field string
	// Party is the registrable domain that receives the value, Encoding
	// how it is sent (an observation.Encoding* value).
	Party, Encoding string
}

// Farm is a set of simulated sites served on loopback. Its methods are
// safe for concurrent use.
type Farm struct {
	sites    []*siteInst // listed sites, in order
	unlisted []*siteInst // served, not listed
	hosts    map[string]*vhost
	hostsMu  sync.RWMutex // guards hosts once serving (see SwitchToHTTPS)
	ca       *authority

	httpSrv, httpsSrv *http.Server
	httpPort          int
	httpsPort         int
	hung              *hungServer
	closed            *closedPort
	connectTo         []string
	closeOnce         sync.Once
	served            sync.WaitGroup
	onRequest         func(*http.Request)
	// beacons holds the hits of the trackers' collector endpoints, by
	// collectKey; the map is filled before serving and read-only after.
	beacons map[string]*beaconLog
	// noTLS13 caps every host at TLS 1.2; set before serving.
	noTLS13 bool
}

type siteInst struct {
	pub    Site
	id     string
	arch   *compiledArch
	domain string
}

type vhost struct {
	name string
	site *siteInst
	host *compiledHost
}

// Start builds the farm's sites and serves them on loopback: one listener
// for HTTP, one for HTTPS (HTTP/2 and HTTP/1.1), and, for hostile sites,
// one that never answers and a port that refuses connections.
func Start(o Options) (*Farm, error) {
	archs, err := compiled()
	if err != nil {
		return nil, err
	}
	ca, err := newAuthority()
	if err != nil {
		return nil, err
	}
	f := &Farm{hosts: map[string]*vhost{}, ca: ca, onRequest: o.OnRequest, beacons: map[string]*beaconLog{}}
	var benign []*compiledArch
	for _, a := range archs {
		if !a.Hostile && !a.Unlisted {
			benign = append(benign, a)
		}
	}
	if o.Sites <= 0 {
		for _, a := range benign {
			f.add(a, a.Domain, a.Org, a.Tags, true)
		}
	} else {
		cycle := append([]*compiledArch(nil), benign...)
		if o.Seed != 0 {
			r := rand.New(rand.NewPCG(uint64(o.Seed), 0x766967696566))
			r.Shuffle(len(cycle), func(i, j int) { cycle[i], cycle[j] = cycle[j], cycle[i] })
		}
		for i := 1; i <= o.Sites; i++ {
			a := cycle[(i-1)%len(cycle)]
			n := fmt.Sprintf("s%05d", i)
			tags := append(append([]string(nil), a.Tags...), "bench")
			f.add(a, n+"-"+a.ID+".test", a.Org+" ("+n+")", tags, true)
		}
	}
	for _, a := range archs {
		switch {
		case a.Unlisted:
			f.add(a, a.Domain, a.Org, a.Tags, false)
		case a.Hostile && o.Hostile:
			f.add(a, a.Domain, a.Org, a.Tags, true)
		}
	}
	if err := f.listen(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (f *Farm) add(a *compiledArch, domain, org string, tags []string, listed bool) {
	input := strings.ReplaceAll(a.Input, "{D}", domain)
	s := &siteInst{arch: a, domain: domain, id: SiteID(input)}
	for _, h := range a.hosts {
		name := hostName(h.spec.Label, domain)
		if _, dup := f.hosts[name]; dup {
			panic("farm: host " + name + " defined twice") // a catalogue error
		}
		f.hosts[name] = &vhost{name: name, site: s, host: h}
		for _, c := range h.spec.Collect {
			f.beacons[collectKey(name, c.Path)] = &beaconLog{}
		}
	}
	host := input
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host, _, _ = strings.Cut(host, "/")
	s.pub = Site{Host: host, URL: input, Organisation: org, Tags: tags, Archetype: a.ID, Mode: a.Mode}
	if listed {
		f.sites = append(f.sites, s)
	} else {
		f.unlisted = append(f.unlisted, s)
	}
}

// hostName is the name of the host with label under domain ("" for the
// domain itself).
func hostName(label, domain string) string {
	if label == "" {
		return domain
	}
	return label + "." + domain
}

func (f *Farm) listen() error {
	quiet := log.New(io.Discard, "", 0)
	httpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("farm: HTTP listener: %w", err)
	}
	httpsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		httpLn.Close()
		return fmt.Errorf("farm: HTTPS listener: %w", err)
	}
	f.httpPort = httpLn.Addr().(*net.TCPAddr).Port
	f.httpsPort = httpsLn.Addr().(*net.TCPAddr).Port
	f.httpSrv = &http.Server{Handler: f, ErrorLog: quiet, ReadHeaderTimeout: 10 * time.Second}
	tlsConfig := &tls.Config{
		GetCertificate:     f.certificate,
		GetConfigForClient: f.tlsConfigFor,
		NextProtos:         []string{"h2", "http/1.1"},
		MinVersion:         tls.VersionTLS12,
	}
	if f.noTLS13 {
		tlsConfig.MaxVersion = tls.VersionTLS12
	}
	f.httpsSrv = &http.Server{Handler: f, ErrorLog: quiet, ReadHeaderTimeout: 10 * time.Second, TLSConfig: tlsConfig}
	f.served.Add(2)
	go func() { defer f.served.Done(); f.httpSrv.Serve(httpLn) }()
	go func() { defer f.served.Done(); f.httpsSrv.ServeTLS(httpsLn, "", "") }()

	var special []string
	for _, s := range f.allHosts() {
		switch s.host.spec.Route {
		case routeHung:
			if f.hung == nil {
				if f.hung, err = startHung(); err != nil {
					return err
				}
			}
			special = append(special, connectTo(s.name, f.hung.port())...)
		case routeClosed:
			if f.closed == nil {
				if f.closed, err = reserveClosedPort(); err != nil {
					return err
				}
			}
			special = append(special, connectTo(s.name, f.closed.port)...)
		}
	}
	f.connectTo = append(special,
		":80:127.0.0.1:"+strconv.Itoa(f.httpPort),
		":443:127.0.0.1:"+strconv.Itoa(f.httpsPort))
	return nil
}

func connectTo(host string, port int) []string {
	p := strconv.Itoa(port)
	return []string{host + ":80:127.0.0.1:" + p, host + ":443:127.0.0.1:" + p}
}

// allHosts returns the hosts in a stable order: listed sites' first.
func (f *Farm) allHosts() []*vhost {
	var out []*vhost
	for _, s := range append(f.sites[:len(f.sites):len(f.sites)], f.unlisted...) {
		for _, h := range s.arch.hosts {
			out = append(out, f.hosts[hostName(h.spec.Label, s.domain)])
		}
	}
	return out
}

// Close stops every listener and closes every connection, hung ones and
// streaming ones included. It returns promptly and may be called twice.
func (f *Farm) Close() {
	f.closeOnce.Do(func() {
		if f.httpSrv != nil {
			f.httpSrv.Close()
			f.httpsSrv.Close()
		}
		if f.hung != nil {
			f.hung.close()
		}
		if f.closed != nil {
			f.closed.release()
		}
		f.served.Wait()
	})
}

// Sites returns the listed sites: the entries a scan is given.
func (f *Farm) Sites() []Site {
	out := make([]Site, len(f.sites))
	for i, s := range f.sites {
		out[i] = s.pub
		out[i].Tags = append([]string(nil), s.pub.Tags...)
	}
	return out
}

// ConnectTo returns curl-style --connect-to entries (HOST:PORT:ADDR:PORT,
// empty HOST matching any host) that route every host name to the farm;
// the first matching entry applies.
func (f *Farm) ConnectTo() []string { return append([]string(nil), f.connectTo...) }

// HTTPAddr and HTTPSAddr return the farm's main listening addresses.
func (f *Farm) HTTPAddr() string  { return "127.0.0.1:" + strconv.Itoa(f.httpPort) }
func (f *Farm) HTTPSAddr() string { return "127.0.0.1:" + strconv.Itoa(f.httpsPort) }

// CACertPEM returns the PEM certificate of the farm's throwaway CA.
func (f *Farm) CACertPEM() []byte { return append([]byte(nil), f.ca.pem...) }

// Expected returns the ground truth of a static audit (the default mode):
// every finding the listed sites must produce, site by site in Sites
// order. It is ExpectedFor(ModeStatic).
func (f *Farm) Expected() []Expectation { return f.ExpectedFor(ModeStatic) }

// ExpectedFor returns the ground truth of an audit in mode (ModeStatic or
// ModeBrowser): the findings of both modes and those of that mode only,
// site by site in Sites order. Other modes yield the findings common to
// both.
func (f *Farm) ExpectedFor(mode string) []Expectation { return f.expected(mode, false) }

// ExpectedWithDNS is ExpectedFor(mode) for a scan that resolves the farm's
// names with the zones of Zones and looks up where sites are hosted: it
// adds the hosting findings.
func (f *Farm) ExpectedWithDNS(mode string) []Expectation { return f.expected(mode, true) }

func (f *Farm) expected(mode string, dns bool) []Expectation {
	var out []Expectation
	for _, s := range f.sites {
		for _, e := range s.arch.Expect {
			if e.mode != "" && e.mode != mode || e.dns && !dns {
				continue
			}
			out = append(out, Expectation{
				Check:  e.check,
				Site:   s.id,
				URL:    finding.NormaliseURL(strings.ReplaceAll(e.url, "{D}", s.domain)),
				Form:   e.form,
				Active: e.active,
				Mode:   e.mode,
				DNS:    e.dns,
			})
		}
	}
	return out
}

// Zone is the DNS zone of one of the farm's domains.
type Zone struct {
	// Name is the domain ("centre-sante-oyonnax.test").
	Name string
	// Records are zone-file lines relative to Name.
	Records []string
}

// Zones returns a DNS zone for the domain of every site, listed or not:
// the records an archetype declares (public addresses of known providers,
// as data) or else each of its hosts at 127.0.0.1, as a site on loopback.
// Served by a DNS server that a scan asks (--dns) while connections go to
// the farm by ConnectTo, they make the hosting findings of
// ExpectedWithDNS.
func (f *Farm) Zones() []Zone {
	var out []Zone
	index := map[string]int{}
	for _, s := range append(append([]*siteInst(nil), f.sites...), f.unlisted...) {
		z := Zone{Name: s.domain}
		for _, r := range s.arch.Zone {
			z.Records = append(z.Records, strings.ReplaceAll(r, "{D}", s.domain))
		}
		if len(z.Records) == 0 {
			for _, h := range s.arch.hosts {
				label := h.spec.Label
				if label == "" {
					label = "@"
				}
				z.Records = append(z.Records, label+" A 127.0.0.1")
			}
		}
		if i, ok := index[z.Name]; ok { // two sites under one domain
			out[i].Records = append(out[i].Records, z.Records...)
			continue
		}
		index[z.Name] = len(out)
		out = append(out, z)
	}
	return out
}

// ExpectedLeaks returns, for the listed sites in Sites order, every
// personal field whose typed value a page sends to another party: what a
// browser-mode audit must trace behind each CheckFormDataLeak finding.
func (f *Farm) ExpectedLeaks() []Leak {
	var out []Leak
	for _, s := range f.sites {
		for _, l := range s.arch.Leaks {
			out = append(out, Leak{
				Site:     s.id,
				URL:      finding.NormaliseURL(strings.ReplaceAll(l.url, "{D}", s.domain)),
				Form:     l.form,
				Field:    l.field,
				Party:    l.party,
				Encoding: l.encoding,
			})
		}
	}
	return out
}

// PersonalValue is one value of personal data a listed site exposes, as
// its pages show it.
type PersonalValue struct {
	Site  string // the site's ID
	Value string
}

// PersonalData returns the personal data of the people the listed sites
// expose (member records, exports, dumps, spreadsheets, PDF files), taken
// from what their pages render: values the page templates mark with
// {{pd "..."}} and those generated files declare. Nothing of it may be
// kept or shown in clear unless personal data is kept on purpose.
func (f *Farm) PersonalData() []PersonalValue {
	var out []PersonalValue
	for _, s := range f.sites {
		seen := map[string]bool{}
		for _, v := range s.arch.personal {
			if !seen[v] {
				seen[v] = true
				out = append(out, PersonalValue{Site: s.id, Value: v})
			}
		}
	}
	return out
}

// ExpectedErrors maps the ID of each site that must fail as a whole (no page
// fetched) to the observation.Kind* it must fail with.
func (f *Farm) ExpectedErrors() map[string]string {
	out := map[string]string{}
	for _, s := range f.sites {
		if s.arch.Error != "" {
			out[s.id] = s.arch.Error
		}
	}
	return out
}

// WriteTargetsCSV writes the listed sites as a targets file: a header
// line, then url,organisation,tags rows with tags joined by ';', and a
// fourth column, mode, when some site asks for a mode. With tags, only the
// sites carrying one of them are written (e.g. "browser" for the sites
// made for browser mode).
func (f *Farm) WriteTargetsCSV(w io.Writer, tags ...string) error {
	var rows []Site
	withMode := false
	for _, s := range f.sites {
		if len(tags) > 0 && !slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(s.pub.Tags, t) }) {
			continue
		}
		rows = append(rows, s.pub)
		withMode = withMode || s.pub.Mode != ""
	}
	cw := csv.NewWriter(w)
	head := []string{"url", "organisation", "tags"}
	if withMode {
		head = append(head, "mode")
	}
	cw.Write(head)
	for _, s := range rows {
		rec := []string{s.URL, s.Organisation, strings.Join(s.Tags, ";")}
		if withMode {
			rec = append(rec, s.Mode)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// certificate issues the certificate of the host a client names; hosts
// without HTTPS fail the handshake.
func (f *Farm) certificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	v := f.host(name)
	if v == nil {
		return nil, fmt.Errorf("farm: no site named %q", hello.ServerName)
	}
	switch v.host.spec.TLS {
	case tlsValid:
		return f.ca.leaf(name, false)
	case tlsExpired:
		return f.ca.leaf(name, true)
	case tlsWrongName:
		return f.ca.leaf(wrongCertName, false)
	}
	return nil, fmt.Errorf("farm: %s does not serve HTTPS", name)
}
