package scan

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"vigie/dnsq"
	"vigie/evidence"
	"vigie/farm"
	"vigie/finding"
	"vigie/hosting"
	"vigie/hosting/hostingtest"
	"vigie/internal/authdns"
	"vigie/internal/netns"
	"vigie/observation"
)

// hostingFarm starts the farm, a Knot DNS serving its zones (public
// addresses of known providers for the hosting archetypes, loopback for
// every other site) and a fixture IP dataset, and returns scan options
// that resolve with that server, route every connection to the farm by
// --connect-to and refuse any destination outside loopback.
func hostingFarm(t *testing.T) (*farm.Farm, Options) {
	t.Helper()
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	var zones []authdns.Zone
	for _, z := range f.Zones() {
		zones = append(zones, authdns.Zone{Name: z.Name, Records: z.Records})
	}
	srv := authdns.Start(t, zones...)
	db, err := hosting.Open(hostingtest.Write(t, t.TempDir(), hostingtest.Networks))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o := farmOptions(f)
	o.Fetch.NoDNS = false
	o.Fetch.DNS = srv.Addr
	o.Fetch.LoopbackOnly = true
	o.Hosting = &hosting.Judge{DNS: &dnsq.Client{Server: srv.Addr, Timeout: 2 * time.Second}, DB: db}
	return f, o
}

// TestFarmHosting audits the farm with its names in a real DNS server and
// compares the hosting findings with the farm's ground truth (precision =
// recall = 1.0); sites on loopback get no hosting verdict at all. Public
// addresses appear in DNS answers only: the test runs in a network
// namespace of its own and the fetcher refuses anything but loopback.
func TestFarmHosting(t *testing.T) {
	if !netns.Isolate(t) {
		return
	}
	f, o := hostingFarm(t)
	targets := farmTargets(t, f)
	var mu sync.Mutex
	got := map[farmKey]int{}
	hostingOf := map[string]*observation.Hosting{}
	_, err := Run(context.Background(), targets, o, func(r *Result) error {
		mu.Lock()
		defer mu.Unlock()
		hostingOf[r.Site.URL] = r.Site.Hosting
		for _, fd := range r.Findings {
			if strings.HasPrefix(fd.Check, "hosting.") {
				got[keyOf(fd)]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[farmKey]int{}
	for _, e := range f.ExpectedWithDNS(farm.ModeStatic) {
		if strings.HasPrefix(e.Check, "hosting.") {
			want[farmKey{e.Check, e.Site, finding.NormaliseURL(e.URL), e.Form}]++
		}
	}
	if len(want) < 5 {
		t.Fatalf("only %d hosting expectations", len(want))
	}
	tp, fp, fn := 0, 0, 0
	var missing, extra []string
	for k, n := range want {
		m := min(n, got[k])
		tp += m
		if n > m {
			fn += n - m
			missing = append(missing, fmt.Sprint(k))
		}
	}
	for k, n := range got {
		if n > want[k] {
			fp += n - want[k]
			extra = append(extra, fmt.Sprint(k))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	t.Logf("hosting: %d sites, %d expected findings, precision %.3f, recall %.3f", len(targets), tp+fn,
		float64(tp)/float64(max(1, tp+fp)), float64(tp)/float64(max(1, tp+fn)))
	if fp > 0 || fn > 0 {
		t.Errorf("missing:\n  %s\nextra:\n  %s", strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}

	// What each hosting archetype's host was found to be, and nothing
	// for the sites on loopback.
	wantHost := map[string]struct{ provider, jurisdiction, hds string }{
		"hosting-hds":               {"ovhcloud", "eea", "listed"},
		"hosting-non-hds":           {"hetzner", "eea", "not-listed"},
		"hosting-sector":            {"hetzner", "eea", "not-listed"},
		"hosting-cdn":               {"cloudflare", "", ""},
		"hosting-outside":           {"digitalocean", "outside", "not-listed"},
		"hosting-us-health":         {"digitalocean", "partial", "not-listed"},
		"hosting-lookalike-eea":     {"hetzner", "eea", "not-listed"},
		"hosting-lookalike-nodata":  {"digitalocean", "partial", "not-listed"},
		"hosting-lookalike-unknown": {"", "eea", ""},
	}
	for _, s := range f.Sites() {
		h := hostingOf[s.ID()]
		if h == nil {
			if _, ok := f.ExpectedErrors()[s.ID()]; !ok {
				t.Errorf("%s: no hosting looked up", s.ID())
			}
			continue
		}
		w, isHosting := wantHost[s.Archetype]
		if !isHosting {
			if h.Provider != "" || h.Jurisdiction != "" || h.HDS != "" || h.CDN {
				t.Errorf("%s (on loopback): hosting judged %+v", s.ID(), h)
			}
			continue
		}
		if h.Provider != w.provider || h.Jurisdiction != w.jurisdiction || h.HDS != w.hds {
			t.Errorf("%s: provider %q jurisdiction %q hds %q, want %+v (clues %v)", s.Archetype, h.Provider, h.Jurisdiction, h.HDS, w, h.Clues)
		}
		if s.Archetype == "hosting-cdn" && (!h.CDN || !h.OriginHidden) {
			t.Errorf("%s: CDN not seen: %+v", s.Archetype, h)
		}
		if len(h.Datasets) != 2 || h.DNSServer != o.Fetch.DNS {
			t.Errorf("%s: datasets %+v, server %q", s.Archetype, h.Datasets, h.DNSServer)
		}
	}
}

// TestHostingEvidence archives the farm's hosting sites with evidence:
// each site's DNS answers are resource records (the DNS message as
// received, with the server and time) and its hosting facts a metadata
// record naming the datasets, and the hosting findings point to them.
func TestHostingEvidence(t *testing.T) {
	if !netns.Isolate(t) {
		return
	}
	f, o := hostingFarm(t)
	var targets = farmTargets(t, f)
	var keep = targets[:0]
	for _, tg := range targets {
		if strings.Contains(tg.URL, "cabinet-sante-bourg") || strings.Contains(tg.URL, "mairie-hauteville") {
			keep = append(keep, tg)
		}
	}
	dir := filepath.Join(t.TempDir(), "ev")
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	o.Evidence = &Evidence{Dir: dir, Key: key}
	var findings []finding.Finding
	sum, err := Run(context.Background(), keep, o, func(r *Result) error {
		findings = append(findings, r.Findings...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var hds *finding.Finding
	for i := range findings {
		if findings[i].Check == "hosting.health-data-non-hds" {
			hds = &findings[i]
		}
	}
	if hds == nil {
		t.Fatal("no hosting.health-data-non-hds finding")
	}
	rep, err := evidence.Verify(dir, evidence.VerifyOptions{TrustedKey: key.Public().(ed25519.PublicKey)})
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	records := map[string]*evidence.WARCRecord{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	for _, p := range files {
		fh, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		err = evidence.ReadWARC(fh, func(r *evidence.WARCRecord) error {
			records[r.ID()] = r
			return nil
		})
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	types := map[string]bool{}
	doc := false
	for _, ref := range hds.Evidence {
		_, id, err := evidence.ParseRef(ref)
		if err != nil {
			t.Fatal(err)
		}
		r := records[id]
		if r == nil {
			t.Fatalf("evidence %s not in the WARC files", ref)
		}
		switch r.Get("Content-Type") {
		case "application/dns-message":
			var m dns.Msg
			if err := m.Unpack(r.Block); err != nil {
				t.Errorf("%s: not a DNS message: %v", r.Get("WARC-Target-URI"), err)
				continue
			}
			if r.Get("Vigie-DNS-Server") != o.Fetch.DNS || !strings.HasPrefix(r.Get("WARC-Target-URI"), "dns://"+o.Fetch.DNS+"/") || r.Get("WARC-Date") == "" {
				t.Errorf("DNS record fields: %v", r.Fields)
			}
			types[dns.TypeToString[m.Question[0].Qtype]] = true
		case "application/json":
			if strings.Contains(string(r.Block), `"kind":"hosting"`) && strings.Contains(string(r.Block), `"sha256"`) &&
				strings.Contains(string(r.Block), "88.198.20.30") {
				doc = true
			}
		}
	}
	for _, q := range []string{"A", "AAAA", "NS", "MX"} {
		if !types[q] {
			t.Errorf("no %s answer among the finding's evidence (%v)", q, types)
		}
	}
	if !doc {
		t.Error("no hosting document naming the datasets and addresses")
	}
	// The look-alike's answers are archived too (DNS as evidence for
	// every site), though no finding relies on them.
	n := 0
	for _, r := range records {
		if strings.Contains(r.Get("WARC-Target-URI"), "mairie-hauteville") && r.Get("Content-Type") == "application/dns-message" {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no DNS answer archived for the look-alike (scan %s)", sum.Scan.ID)
	}
}
