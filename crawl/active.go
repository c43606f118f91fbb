package crawl

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"vigie/observation"
)

// Active probes, sent only with Options.Active. Each is a GET through the
// same fetcher as the crawl (same per-host limits, same redirects policy);
// none sends a body, a cookie or a credential. A site gets at most
// MaxRecordPages×2 neighbour-record probes and len(DataFilePaths)+1
// data-file probes.

// MaxRecordPages is the most record pages whose neighbours are probed per
// site; each gets two requests, for identifiers id-1 and id+1.
const MaxRecordPages = 3

// DataFilePaths are the well-known export, backup and configuration paths
// the data-file probe requests at the site's origin, one GET each, after
// one GET of a random path ("/vigie-<16 hex digits>.csv") as baseline.
var DataFilePaths = []string{
	"/export.csv",
	"/users.csv",
	"/membres.csv",
	"/adherents.csv",
	"/backup.sql",
	"/dump.sql",
	"/db.sql",
	"/database.sql",
	"/wp-content/debug.log",
	"/.env",
	"/.git/config",
}

// active sends the declared probes and records them in the site.
func (c *crawler) active() {
	origin := c.origin()
	if origin == "" {
		return
	}
	c.probeRecords()
	c.probeDataFiles(origin)
}

// origin is the scheme and host the crawl ended on for the entry page,
// "" when the entry page failed.
func (c *crawler) origin() string {
	for _, p := range c.site.Pages {
		if p.Error != "" || p.Status == 0 {
			continue
		}
		raw := p.FinalURL
		if raw == "" {
			raw = p.URL
		}
		u, err := url.Parse(raw)
		if err != nil || !c.inScope(raw) {
			return ""
		}
		return u.Scheme + "://" + u.Host
	}
	return ""
}

func (c *crawler) probeRecords() {
	done := 0
	for i := range c.site.Pages {
		if done == MaxRecordPages || c.ctx.Err() != nil {
			return
		}
		p := &c.site.Pages[i]
		if p.Error != "" || p.Status < 200 || p.Status > 299 || p.Personal == nil || p.Personal.People < 1 {
			continue
		}
		of := p.FinalURL
		if of == "" {
			of = p.URL
		}
		next := Neighbours(of)
		if len(next) == 0 {
			continue
		}
		done++
		for _, n := range next {
			if c.inScope(n) {
				c.record(observation.ProbeNeighbourRecord, of, n, nil)
			}
		}
	}
}

func (c *crawler) probeDataFiles(origin string) {
	var nonce [8]byte
	rand.Read(nonce[:])
	base := c.f.Get(c.ctx, origin+"/vigie-"+hex.EncodeToString(nonce[:])+".csv")
	var baseline *observation.ProbeBaseline
	if base.Error == "" {
		baseline = &observation.ProbeBaseline{URL: base.URL, Status: base.Status, Length: len(base.Body), BodyHash: hashOf(base.Body)}
	}
	for _, p := range DataFilePaths {
		if c.ctx.Err() != nil {
			return
		}
		c.record(observation.ProbeDataFile, origin+"/", origin+p, baseline)
	}
}

// record fetches one probe URL and appends what came back.
func (c *crawler) record(kind, of, raw string, baseline *observation.ProbeBaseline) {
	resp := c.f.Get(c.ctx, raw)
	ap := observation.ActiveProbe{Kind: kind, Of: of, Probe: resp.Probe, ContentType: resp.ContentType, Baseline: baseline}
	if resp.Error == "" {
		final := resp.FinalURL
		if final == "" {
			final = raw
		}
		ap.Length, ap.BodyHash = len(resp.Body), hashOf(resp.Body)
		ap.HTML = looksHTML(resp.Body)
		ap.Personal, _ = c.personal(resp, final)
		if !ap.HTML {
			ap.Evidence, ap.EnvKeys = contentEvidence(resp.Body)
		}
	}
	c.site.ActiveProbes = append(c.site.ActiveProbes, ap)
}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// looksHTML tells an HTML document by its first bytes, whatever the
// Content-Type: servers label files of unknown type text/html too.
func looksHTML(body []byte) bool {
	head := bytes.ToLower(body[:min(len(body), 1024)])
	return bytes.Contains(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<body"))
}

var envLine = regexp.MustCompile(`^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=`)

// contentEvidence returns the marks of a configuration file in a body: a
// "[core]" section (.git/config), or at least two KEY=VALUE lines (.env),
// with the keys (at most 10) but never the values.
func contentEvidence(body []byte) (evidence, envKeys []string) {
	env := 0
	for line := range bytes.Lines(body) {
		l := strings.TrimSpace(string(line))
		if l == "[core]" && !contains(evidence, "git-core") {
			evidence = append(evidence, "git-core")
		}
		if m := envLine.FindStringSubmatch(l); m != nil {
			env++
			if len(envKeys) < 10 {
				envKeys = append(envKeys, m[1])
			}
		}
	}
	if env >= 2 {
		evidence = append(evidence, "env-lines")
		sort.Strings(envKeys)
	} else {
		envKeys = nil
	}
	return evidence, envKeys
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Neighbours returns the URLs of the records next to raw's (identifier
// minus and plus one) when raw carries a sequential-looking identifier:
// the first query parameter, in name order, whose value is a number of 1
// to 9 digits without a leading zero, else a last path segment that is
// such a number (optionally with an extension, "1042.html"). Numbers that
// look like years (1900-2100) are not identifiers. Identifier 1 has only
// one neighbour.
func Neighbours(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	q := u.Query()
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if len(q[k]) != 1 {
			continue
		}
		id, ok := recordID(q[k][0])
		if !ok {
			continue
		}
		var out []string
		for _, n := range around(id) {
			v := url.Values{}
			for kk, vv := range q {
				v[kk] = vv
			}
			v.Set(k, strconv.Itoa(n))
			nu := *u
			nu.RawQuery = v.Encode()
			nu.Fragment = ""
			out = append(out, nu.String())
		}
		return out
	}
	dir, last := "", strings.TrimSuffix(u.Path, "/")
	slash := strings.HasSuffix(u.Path, "/") && u.Path != "/"
	if i := strings.LastIndexByte(last, '/'); i >= 0 {
		dir, last = last[:i+1], last[i+1:]
	}
	num, ext := last, ""
	if i := strings.IndexByte(last, '.'); i > 0 {
		num, ext = last[:i], last[i:]
	}
	id, ok := recordID(num)
	if !ok || dir == "" {
		return nil
	}
	var out []string
	for _, n := range around(id) {
		nu := *u
		nu.Path = dir + strconv.Itoa(n) + ext
		if slash {
			nu.Path += "/"
		}
		nu.RawPath, nu.Fragment = "", ""
		out = append(out, nu.String())
	}
	return out
}

func recordID(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, _ := strconv.Atoi(s)
	if n >= 1900 && n <= 2100 {
		return 0, false
	}
	return n, true
}

func around(id int) []int {
	if id <= 1 {
		return []int{id + 1}
	}
	return []int{id - 1, id + 1}
}
