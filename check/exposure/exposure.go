// Package exposure holds the checks on data anyone can read without
// logging in: exposure.pii-unauthenticated (a page or file lists other
// people's personal data), exposure.directory-listing (an open directory
// index) and, from the probes of an active scan, exposure.enumerable-records
// (neighbouring record identifiers show other people) and
// exposure.data-file (a well-known export or backup path holds data).
package exposure

import (
	_ "embed"
	"sort"
	"strings"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
	"vigie/pii/detect"
)

//go:embed catalogue.json
var catalogue []byte

func init() { check.Register("exposure", catalogue, run) }

// Thresholds of exposure.pii-unauthenticated.
const (
	// MinPeople is how many distinct people a response must be about,
	// with identifiers of two kinds (e-mail and phone, phone and date of
	// birth...), to be reported: one or two may be the visitor or a
	// named contact.
	MinPeople = 3
	// ListPeople is how many people with one kind of identifier only
	// make a list.
	ListPeople = 10
	// ManyPeople makes the exposure critical whatever the data.
	ManyPeople = 20
)

// identifierKinds are the detector kinds that, together, describe people.
var identifierKinds = []string{detect.KindEmail, detect.KindPhone, detect.KindBirth, detect.KindAddress, detect.KindIP}

// strongKinds are identifiers that are reported alone: one NIR, IBAN or
// card number in the open is one too many.
var strongKinds = []string{detect.KindNIR, detect.KindIBAN, detect.KindCard}

// DataFileExtensions are the extensions of exports, backups and databases
// that make an open directory critical.
var DataFileExtensions = map[string]bool{
	"csv": true, "tsv": true, "xls": true, "xlsx": true, "ods": true, "sql": true, "json": true,
	"jsonl": true, "xml": true, "zip": true, "gz": true, "tgz": true, "7z": true, "rar": true,
	"bak": true, "dump": true, "sqlite": true, "sqlite3": true, "db": true, "mdb": true,
	"accdb": true, "dbf": true, "sav": true, "vcf": true, "ldif": true,
}

func run(site *observation.Site, r *check.Reporter) {
	enumerable(site, r)
	dataFile(site, r)
	for i := range site.Pages {
		p := &site.Pages[i]
		if p.Error != "" || p.Status < 200 || p.Status > 299 {
			continue
		}
		u := p.FinalURL
		if u == "" {
			u = p.URL
		}
		u = urlsecret.Mask(u) // a session identifier in the URL stays out of findings
		if len(p.Listing) > 0 {
			listing(r, u, p.Listing)
		}
		if p.Personal.Has() {
			personal(r, u, p)
		}
	}
}

func personal(r *check.Reporter, u string, p *observation.Page) {
	pd := p.Personal
	strong := 0
	for _, k := range strongKinds {
		strong += pd.Distinct[k]
	}
	kinds := 0
	for _, k := range identifierKinds {
		if pd.Distinct[k] > 0 {
			kinds++
		}
	}
	if strong == 0 && !(pd.People >= MinPeople && (kinds >= 2 || pd.People >= ListPeople)) {
		return
	}
	var special []string
	for _, c := range pii.Categories {
		if pii.IsSpecial(c) && pd.Counts[c] > 0 {
			special = append(special, c)
		}
	}
	sev, conf := finding.High, finding.Firm
	if strong > 0 || len(special) > 0 || pd.People >= ManyPeople {
		sev = finding.Critical
	}
	if strong == 0 && pd.Distinct[detect.KindBirth] == 0 && pd.People < ListPeople {
		conf = finding.Tentative // a few contacts: perhaps published on purpose
	}
	samples := pd.Samples
	if len(samples) > 8 {
		samples = samples[:8]
	}
	r.Report(check.Issue{Check: "exposure.pii-unauthenticated", URL: u, Severity: sev, Confidence: conf, Detail: map[string]any{
		"people":             pd.People,
		"counts":             pd.Counts,
		"kinds":              pd.Kinds,
		"special_categories": special,
		"samples":            samples,
		"content_type":       p.ContentType,
	}})
}

func listing(r *check.Reporter, u string, entries []string) {
	var data []string
	exts := map[string]int{}
	for _, e := range entries {
		if ext := dataExtension(e); ext != "" {
			exts[ext]++
			if len(data) < 20 {
				data = append(data, maskName(e))
			}
		}
	}
	sev := finding.Medium
	if len(exts) > 0 {
		sev = finding.Critical
	}
	var extList []string
	for e := range exts {
		extList = append(extList, e)
	}
	sort.Strings(extList)
	// One finding per folder, whatever sorting query ("?C=M;O=A") showed it.
	dir, _, _ := strings.Cut(finding.NormaliseURL(u), "?")
	r.Report(check.Issue{Check: "exposure.directory-listing", URL: u, Location: "listing:" + dir, Severity: sev, Detail: map[string]any{
		"entries":         len(entries),
		"data_files":      data,
		"data_extensions": extList,
	}})
}

// dataExtension returns the data-file extension of an entry ("sql" for
// "base.sql.gz"), "" for folders and other files.
func dataExtension(name string) string {
	if strings.HasSuffix(name, "/") {
		return ""
	}
	parts := strings.Split(strings.ToLower(name), ".")
	for i := len(parts) - 1; i >= 1; i-- {
		if DataFileExtensions[parts[i]] {
			return parts[i]
		}
	}
	return ""
}

// maskName hides a file name that is itself personal data (an e-mail
// address, a phone number), keeping its extension.
func maskName(name string) string {
	if !detect.Scan([]byte(strings.NewReplacer("_", " ", "-", " ").Replace(name)), "text/plain", detect.Options{}).Has() {
		return name
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return "***" + name[i:]
	}
	return "***"
}
