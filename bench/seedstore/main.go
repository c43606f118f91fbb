// Command seedstore fills a Vigie store with a synthetic history the size
// of a national watch (by default 100,000 sites and about a million
// findings) through the store's own API (BeginScan, RecordSite, EndScan,
// PutOrganisation, CreateCase), so that the dashboard and the API can be
// measured at that scale (bench/dashload.py).
//
//	go run ./bench/seedstore -db /tmp/big.db
//	go run ./bench/seedstore -db 'postgres://localhost:5432/vigie' -workers 4
//
// The history is deterministic for a given -seed: organisations of very
// unequal size (a few with thousands of sites, most with a handful),
// findings of every check of the real catalogue at its own severity
// (informational notes included), a full first scan and later scans that
// re-audit part of the sites, fixing some findings, regressing others and
// failing a few audits, then a directory of organisations and some cases.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vigie/cases"
	"vigie/check"
	_ "vigie/check/all"
	"vigie/finding"
	"vigie/store"
	"vigie/store/postgres"
	"vigie/store/sqlite"
)

type history interface {
	store.Store
	cases.Store
}

func main() {
	var (
		db       = flag.String("db", "", "SQLite file or postgres:// URL to fill (required)")
		sites    = flag.Int("sites", 100000, "number of sites")
		perSite  = flag.Float64("findings", 10, "mean findings per site in the first scan")
		scans    = flag.Int("scans", 3, "number of scans: the first audits every site, the others -rescan of them")
		rescan   = flag.Float64("rescan", 0.1, "share of the sites each later scan audits again")
		orgs     = flag.Int("orgs", 0, "number of organisations (default sites/12)")
		numCases = flag.Int("cases", 300, "number of cases opened")
		workers  = flag.Int("workers", 1, "concurrent writers (SQLite has one writer: keep 1)")
		seed     = flag.Uint64("seed", 1, "random seed")
		profile  = flag.String("cpuprofile", "", "write a CPU profile to this file")
		resume   = flag.String("resume", "", "go on with this interrupted first scan: its recorded sites are skipped")
	)
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if *db == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *orgs <= 0 {
		*orgs = max(1, *sites/12)
	}
	ctx := context.Background()
	st, err := open(ctx, *db)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	g := newGen(*seed, *sites, *orgs)
	start := time.Now()
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	var recorded, found atomic.Int64
	for n := 0; n < *scans; n++ {
		share := 1.0
		if n > 0 {
			share = *rescan
		}
		var audit []int
		for i := 0; i < *sites; i++ {
			if n == 0 || g.chance(uint64(n), uint64(i), share) {
				audit = append(audit, i)
			}
		}
		sc := &store.Scan{Started: base.Add(time.Duration(n) * 7 * 24 * time.Hour), Version: "seedstore",
			Settings: map[string]string{"profile": "standard", "seed": fmt.Sprint(*seed)}, Targets: len(audit)}
		if n == 0 && *resume != "" {
			if sc, err = st.Scan(ctx, *resume); err != nil {
				log.Fatal(err)
			}
			done, err := st.Sites(ctx, sc.ID)
			if err != nil {
				log.Fatal(err)
			}
			recordedURL := map[string]bool{}
			for _, d := range done {
				recordedURL[d.URL] = true
			}
			audit = slices.DeleteFunc(audit, func(i int) bool { return recordedURL[g.siteURL(i)] })
			log.Printf("resuming scan %s: %d sites recorded, %d to go", sc.ID, len(done), len(audit))
		} else if err := st.BeginScan(ctx, sc); err != nil {
			log.Fatal(err)
		}
		jobs := make(chan int)
		var wg sync.WaitGroup
		errs := make(chan error, *workers)
		for w := 0; w < *workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					site, fs := g.audit(n, i, *perSite, sc.Started)
					if _, _, err := st.RecordSite(ctx, sc.ID, site, fs); err != nil {
						errs <- err
						for range jobs {
						}
						return
					}
					found.Add(int64(len(fs)))
					if c := recorded.Add(1); c%10000 == 0 {
						log.Printf("%d audits, %d findings, %s", c, found.Load(), time.Since(start).Round(time.Second))
					}
				}
			}()
		}
		for _, i := range audit {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		select {
		case err := <-errs:
			log.Fatal(err)
		default:
		}
		if err := st.EndScan(ctx, sc.ID, sc.Started.Add(6*time.Hour)); err != nil {
			log.Fatal(err)
		}
		log.Printf("scan %s: %d sites", sc.ID, len(audit))
	}
	// The directory: most organisations, with a DPO and a parent.
	for o := 0; o < *orgs; o++ {
		if !g.chance(99, uint64(o), 0.8) {
			continue
		}
		org := cases.Organisation{Name: g.orgName(o), DPOEmail: fmt.Sprintf("dpo@org%d.example.fr", o), Sector: "public"}
		if o%40 != 0 {
			org.Parent = g.orgName(o - o%40)
		}
		if err := st.PutOrganisation(ctx, org); err != nil {
			log.Fatal(err)
		}
	}
	// Cases on the organisations with most sites.
	for c := 0; c < *numCases && c < *orgs; c++ {
		org := g.orgName(c)
		fs, err := st.Findings(ctx, store.Filter{Organisation: org, Open: true, MinSeverity: finding.Low, Limit: 20})
		if err != nil {
			log.Fatal(err)
		}
		k := &cases.Case{Organisation: org, Title: "Manquements constatés — " + org, State: cases.Open,
			Created: base.Add(time.Duration(*scans) * 7 * 24 * time.Hour)}
		seen := map[string]bool{}
		for _, f := range fs {
			k.Findings = append(k.Findings, f.ID)
			if !seen[f.Site] {
				seen[f.Site] = true
				k.Sites = append(k.Sites, f.Site)
			}
		}
		if err := st.CreateCase(ctx, k); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("done: %d audits, %d findings recorded, %d organisations, %s", recorded.Load(), found.Load(), *orgs, time.Since(start).Round(time.Second))
}

func open(ctx context.Context, db string) (history, error) {
	if postgres.IsURL(db) {
		return postgres.Open(ctx, db)
	}
	return sqlite.Open(ctx, db)
}

// gen makes the synthetic history.
type gen struct {
	seed   uint64
	sites  int
	orgs   int
	checks []check.Meta
	// weight of each check: common ones (headers, cookies) often, rare
	// ones seldom.
	cum []float64
}

func newGen(seed uint64, sites, orgs int) *gen {
	g := &gen{seed: seed, sites: sites, orgs: orgs}
	for _, m := range check.Catalogue() {
		if !m.Active {
			g.checks = append(g.checks, m)
		}
	}
	sort.Slice(g.checks, func(i, j int) bool { return g.checks[i].ID < g.checks[j].ID })
	total := 0.0
	for i := range g.checks {
		total += 1 / float64(i%17+1)
		g.cum = append(g.cum, total)
	}
	for i := range g.cum {
		g.cum[i] /= total
	}
	return g
}

func (g *gen) rng(a, b uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed^a*0x9e3779b97f4a7c15, b))
}

// chance is a deterministic coin of probability p for (a, b).
func (g *gen) chance(a, b uint64, p float64) bool { return g.rng(a+1000, b).Float64() < p }

var places = []string{"Saint-Étienne", "Besançon", "Évreux", "Orléans", "Nîmes", "Angoulême", "Bourg-en-Bresse", "Châteauroux", "Vélizy", "Pontoise", "Lons-le-Saunier", "Sète"}
var kinds = []string{"Mairie de", "Communauté de communes de", "Centre hospitalier de", "Lycée de", "Département de", "Syndicat des eaux de"}

// orgName names organisation o; sites go to organisations on a Zipf-like
// law, so that organisation 0 has thousands of sites.
func (g *gen) orgName(o int) string {
	return fmt.Sprintf("%s %s %d", kinds[o%len(kinds)], places[(o/len(kinds))%len(places)], o)
}

func (g *gen) orgOf(i int) int {
	r := g.rng(7, uint64(i))
	// Pareto-like: small indexes are heavy.
	x := r.Float64()
	return min(g.orgs-1, int(float64(g.orgs)*x*x*x))
}

func (g *gen) siteURL(i int) string {
	return fmt.Sprintf("https://www.site%06d.%s.example.fr/", i, strings.ToLower(strings.Fields(kinds[g.orgOf(i)%len(kinds)])[0]))
}

var tagSets = [][]string{nil, {"commune"}, {"commune", "petite"}, {"sante"}, {"education"}, {"departement"}}

// audit returns site i as scan n audits it and its findings: the first
// scan's set, minus those fixed since (each later scan fixes some) plus
// new ones; one audit in 200 fails.
func (g *gen) audit(n, i int, mean float64, at time.Time) (store.SiteResult, []finding.Finding) {
	u := g.siteURL(i)
	o := g.orgOf(i)
	site := store.SiteResult{URL: u, Organisation: g.orgName(o), Tags: tagSets[i%len(tagSets)],
		Started: at.Add(time.Duration(i) * time.Millisecond), Ended: at.Add(time.Duration(i)*time.Millisecond + 2*time.Second)}
	r := g.rng(uint64(n)+1, uint64(i))
	if n > 0 && r.IntN(200) == 0 {
		site.Error, site.ErrorKind = "dial tcp: connection refused", "connect"
		return site, nil
	}
	site.Pages, site.Forms = 5+r.IntN(20), r.IntN(4)
	site.PersonalForms = min(site.Forms, r.IntN(3))
	base := g.rng(0, uint64(i))
	k := int(mean*0.5) + base.IntN(int(mean)+1)
	var fs []finding.Finding
	seen := map[string]bool{}
	for j := 0; j < k; j++ {
		m := g.checks[pick(g.cum, base.Float64())]
		page := []string{"", "contact", "inscription", "mentions-legales", "newsletter"}[base.IntN(5)]
		if n > 0 && r.IntN(10) == 0 { // fixed since the first scan
			continue
		}
		f := finding.Finding{Check: m.ID, Severity: m.Severity, Confidence: m.Confidence, Site: u,
			URL: u + page, Title: m.Title.EN, Location: page, Legal: m.Legal,
			Detail: map[string]any{"page": u + page}}
		f.ID = finding.MakeID(f.Check, f.Site, f.Location)
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		fs = append(fs, f)
	}
	if n > 0 && r.IntN(8) == 0 { // something new
		m := g.checks[r.IntN(len(g.checks))]
		f := finding.Finding{Check: m.ID, Severity: m.Severity, Confidence: m.Confidence, Site: u, URL: u, Title: m.Title.EN, Location: "scan-" + fmt.Sprint(n)}
		f.ID = finding.MakeID(f.Check, f.Site, f.Location)
		if !seen[f.ID] {
			fs = append(fs, f)
		}
	}
	return site, fs
}

func pick(cum []float64, x float64) int {
	i := sort.SearchFloat64s(cum, x)
	return min(i, len(cum)-1)
}
