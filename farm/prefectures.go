package farm

import (
	"fmt"
	"strings"
)

// Archetypes of the prefecture farm: the 2022 failure (a contact form over
// plain HTTP) and the same site done right.
const (
	prefHTTP = "pref-http-latin1"
	prefOK   = "pref-ok"
)

// Ministry is the organisation above every site of a prefecture farm.
const Ministry = "Ministère de l'Intérieur"

// StartPrefectures serves n prefecture sites, www.prefNNN.test owned by
// "Préfecture NNN", of which the first httpN collect personal data over
// plain HTTP (listed as http://www.prefNNN.test/) and the others serve
// everything over HTTPS. It replays the 2022 story; SwitchToHTTPS ends it.
func StartPrefectures(n, httpN int) (*Farm, error) {
	return StartPrefecturesWith(PrefectureOptions{Sites: n, OverHTTP: httpN})
}

// PrefectureOptions shape a prefecture farm.
type PrefectureOptions struct {
	// Sites prefectures, of which the first OverHTTP collect personal data
	// over plain HTTP.
	Sites, OverHTTP int
	// NoRevocation issues certificates that carry no revocation
	// information (no CRL distribution point, no OCSP server): every
	// prefecture served over HTTPS then gets a tls.cert-no-revocation
	// note (severity info), never a failure.
	NoRevocation bool
	// NoTLS13 makes every prefecture accept TLS 1.2 at most: a
	// tls.no-tls13 note (severity info) on each one served over HTTPS.
	// (The farm serves every site on one address, which TLS probes
	// audit once, so this is all or nothing.)
	NoTLS13 bool
}

// StartPrefecturesWith serves a prefecture farm shaped by o (see
// StartPrefectures).
func StartPrefecturesWith(o PrefectureOptions) (*Farm, error) {
	n, httpN := o.Sites, o.OverHTTP
	if n <= 0 || httpN < 0 || httpN > n {
		return nil, fmt.Errorf("farm: %d prefectures of which %d over HTTP: want 0 <= httpN <= n, n > 0", n, httpN)
	}
	archs, err := compiled()
	if err != nil {
		return nil, err
	}
	bad, good := findArch(archs, prefHTTP), findArch(archs, prefOK)
	if bad == nil || good == nil {
		return nil, fmt.Errorf("farm: archetypes %s and %s missing from the catalogue", prefHTTP, prefOK)
	}
	ca, err := newAuthority()
	if err != nil {
		return nil, err
	}
	ca.noRevocation = o.NoRevocation
	f := &Farm{hosts: map[string]*vhost{}, ca: ca, beacons: map[string]*beaconLog{}, noTLS13: o.NoTLS13}
	for i := 1; i <= n; i++ {
		a := good
		if i <= httpN {
			a = bad
		}
		num := fmt.Sprintf("%03d", i)
		f.add(a, "pref"+num+".test", "Préfecture "+num, []string{"prefecture", "dept:" + num}, true)
	}
	if err := f.listen(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func findArch(archs []*compiledArch, id string) *compiledArch {
	for _, a := range archs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// SwitchToHTTPS makes every site of a prefecture farm that collected data
// over plain HTTP serve HTTPS as the good prefectures do (HTTP redirected,
// HSTS, forms over HTTPS), keeping its listed URL. It returns the number
// of sites switched. It is safe to call while the farm serves.
func (f *Farm) SwitchToHTTPS() int { return f.switchSites(prefHTTP, prefOK, -1) }

// SwitchSomeToHTTPS is SwitchToHTTPS for the first n sites still over
// HTTP only (in listing order): the others stay as they are.
func (f *Farm) SwitchSomeToHTTPS(n int) int { return f.switchSites(prefHTTP, prefOK, n) }

// RevertToHTTP undoes SwitchToHTTPS for the first n sites switched (a
// regression), and returns how many it reverted.
func (f *Farm) RevertToHTTP(n int) int { return f.switchSites(prefOK, prefHTTP, n) }

// switchSites serves up to limit (all when negative) listed sites of
// archetype from as archetype to, under their own domain and listed URL.
// Only sites listed over http:// (the HTTP prefectures, switched or not)
// are candidates.
func (f *Farm) switchSites(from, to string, limit int) int {
	archs, err := compiled()
	if err != nil {
		return 0
	}
	dst := findArch(archs, to)
	f.hostsMu.Lock()
	defer f.hostsMu.Unlock()
	switched := 0
	for _, s := range f.sites {
		if s.arch.ID != from || !strings.HasPrefix(s.pub.URL, "http://") || switched == limit {
			continue
		}
		f.reassign(s, dst)
		switched++
	}
	return switched
}

// host returns the virtual host named name, nil if none.
func (f *Farm) host(name string) *vhost {
	f.hostsMu.RLock()
	defer f.hostsMu.RUnlock()
	return f.hosts[strings.TrimSuffix(name, ".")]
}
