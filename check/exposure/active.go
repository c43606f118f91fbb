package exposure

import (
	"fmt"
	"net/url"
	"sort"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/finding"
	"vigie/observation"
)

// The active checks read the probes the crawler sent with --active (see
// package crawl, active.go, for the exact requests): they never send
// anything themselves, and find nothing in a passive scan.

// enumerable reports exposure.enumerable-records: a record page showing
// personal data whose neighbouring identifiers (id-1, id+1), requested
// without credentials, show other people's personal data.
func enumerable(site *observation.Site, r *check.Reporter) {
	var order []string
	byOf := map[string][]*observation.ActiveProbe{}
	for i := range site.ActiveProbes {
		ap := &site.ActiveProbes[i]
		if ap.Kind != observation.ProbeNeighbourRecord {
			continue
		}
		if _, ok := byOf[ap.Of]; !ok {
			order = append(order, ap.Of)
		}
		byOf[ap.Of] = append(byOf[ap.Of], ap)
	}
	for _, of := range order {
		orig := pageAt(site, of)
		if orig == nil || orig.Personal == nil || orig.Personal.People < 1 {
			continue
		}
		seen := []map[string]bool{personKeys(orig.Personal)}
		var probed, kinds []string
		var samples []observation.PersonalMatch
		for _, ap := range byOf[of] {
			probed = append(probed, urlsecret.Mask(ap.URL))
			if ap.Error != "" || ap.Status < 200 || ap.Status > 299 || ap.Personal == nil || ap.Personal.People < 1 {
				continue
			}
			keys := personKeys(ap.Personal)
			if !newPerson(keys, seen) {
				continue
			}
			seen = append(seen, keys)
			kinds = append(kinds, ap.Personal.Kinds...)
			for _, s := range ap.Personal.Samples {
				if len(samples) < 8 {
					samples = append(samples, s)
				}
			}
		}
		if len(seen) < 2 {
			continue
		}
		d := map[string]any{
			// One person a record page, the original included: never more
			// than the pages requested.
			"people":  len(seen),
			"probed":  probed,
			"kinds":   uniqueSorted(kinds),
			"samples": samples,
		}
		v := verdict{severity: finding.Critical}
		v.add(reason{Code: fmt.Sprintf("neighbours:%d", len(seen)-1), Severity: finding.Critical,
			EN: fmt.Sprintf("the neighbouring identifiers, requested without credentials, show %d other people: the whole file can be walked", len(seen)-1),
			FR: fmt.Sprintf("les identifiants voisins, demandés sans authentification, montrent %d autres personnes : tout le fichier peut être parcouru", len(seen)-1)})
		v.detail(d)
		r.Report(check.Issue{Check: "exposure.enumerable-records", URL: urlsecret.Mask(of), Severity: finding.Critical, Confidence: finding.Firm, Detail: d})
	}
}

// personKeys are the identities of the personal values of a response:
// their salted hashes, or kind and masked form without a salt.
func personKeys(pd *observation.PersonalData) map[string]bool {
	keys := map[string]bool{}
	for _, s := range pd.Samples {
		k := s.Hash
		if k == "" {
			k = s.Kind + ":" + s.Masked
		}
		keys[k] = true
	}
	return keys
}

// newPerson reports whether keys hold a value none of the seen responses
// showed.
func newPerson(keys map[string]bool, seen []map[string]bool) bool {
	for k := range keys {
		known := false
		for _, s := range seen {
			if s[k] {
				known = true
				break
			}
		}
		if !known {
			return true
		}
	}
	return false
}

func pageAt(site *observation.Site, u string) *observation.Page {
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.FinalURL == u || p.FinalURL == "" && p.URL == u {
			return p
		}
	}
	return nil
}

// dataFile reports exposure.data-file: a well-known export, backup or
// configuration path that answers with real content: not the site's
// answer to a random path (the baseline), and with evidence of data: a
// .git/config with a [core] section, a .env with KEY=VALUE lines, any
// other path a non-HTML body with personal data.
func dataFile(site *observation.Site, r *check.Reporter) {
	for i := range site.ActiveProbes {
		ap := &site.ActiveProbes[i]
		if ap.Kind != observation.ProbeDataFile || ap.Error != "" || ap.Status < 200 || ap.Status > 299 {
			continue
		}
		if ap.Baseline.SameAs(ap.Status, ap.Length, ap.BodyHash) {
			continue // the site's "not found" page, whatever its status
		}
		req, err := url.Parse(ap.URL)
		if err != nil {
			continue
		}
		if ap.FinalURL != "" && ap.FinalURL != ap.URL {
			if fin, err := url.Parse(ap.FinalURL); err != nil || fin.Path != req.Path {
				continue // redirected elsewhere: a home or login page
			}
		}
		detail := map[string]any{"path": req.Path, "status": ap.Status, "length": ap.Length, "content_type": ap.ContentType}
		var v verdict
		switch req.Path {
		case "/.git/config":
			if !has(ap.Evidence, "git-core") {
				continue
			}
			v.add(reason{Code: "git-config", Severity: finding.High,
				EN: "the deployment's Git configuration is readable: source code and its history may follow",
				FR: "la configuration Git du déploiement est lisible : le code source et son historique peuvent suivre"})
			detail["evidence"] = ap.Evidence
		case "/.env":
			if !has(ap.Evidence, "env-lines") {
				continue
			}
			v.add(reason{Code: "env-file", Severity: finding.High,
				EN: fmt.Sprintf("an environment file with %d settings is readable (secrets, database access)", len(ap.EnvKeys)),
				FR: fmt.Sprintf("un fichier d'environnement de %d réglages est lisible (secrets, accès aux bases)", len(ap.EnvKeys))})
			detail["evidence"] = ap.Evidence
			detail["env_keys"] = ap.EnvKeys
		default:
			if ap.HTML || !ap.Personal.Has() || ap.Personal.People < 1 {
				continue
			}
			v.add(reason{Code: "export-with-personal-data", Severity: finding.Critical,
				EN: fmt.Sprintf("an export or backup holding personal data of %d people", ap.Personal.People),
				FR: fmt.Sprintf("un export ou une sauvegarde contenant des données personnelles de %d personnes", ap.Personal.People)})
			samples := ap.Personal.Samples
			if len(samples) > 8 {
				samples = samples[:8]
			}
			detail["people"] = ap.Personal.People
			detail["kinds"] = ap.Personal.Kinds
			detail["samples"] = samples
		}
		v.detail(detail)
		r.Report(check.Issue{Check: "exposure.data-file", URL: ap.URL, Severity: v.severity, Confidence: finding.Firm, Detail: detail})
	}
}

func has(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func uniqueSorted(s []string) []string {
	m := map[string]bool{}
	var out []string
	for _, v := range s {
		if !m[v] {
			m[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
