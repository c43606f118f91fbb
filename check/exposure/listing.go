package exposure

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"vigie/check"
	"vigie/check/internal/urlsecret"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii/detect"
)

// A site's open directory indexes are one defect, the server's
// configuration: one exposure.directory-listing finding a site lists the
// folders, and its severity rests on what they were seen to hold. Files
// the crawl read count for what they contain; files it did not read count
// for what their names say.

// ExportFormats are the extensions of exports, dumps and databases of
// records: listed and not read, such a file is taken for what its format
// says, possibly other people's data; compressed (".sql.gz") it is the
// same.
var ExportFormats = map[string]bool{
	"csv": true, "tsv": true, "sql": true, "xls": true, "xlsx": true, "ods": true, "dump": true,
	"bak": true, "sqlite": true, "sqlite3": true, "mdb": true, "accdb": true, "dbf": true,
	"vcf": true, "ldif": true,
}

// archiveFormats hold many files: what they hold cannot be told from
// outside.
var archiveFormats = map[string]bool{
	"zip": true, "7z": true, "rar": true, "tar": true, "tgz": true, "tbz2": true,
}

// dataFormats are structured data that may hold records or anything
// else: a ".db" is as often a thumbnail cache (Thumbs.db) or a
// documentation index as a database of people.
var dataFormats = map[string]bool{"json": true, "jsonl": true, "ndjson": true, "xml": true, "db": true}

// compressions wrap one file, whose own extension then tells what it is
// ("changelog.Debian.gz" is a document, "base.sql.gz" a dump).
var compressions = map[string]bool{"gz": true, "bz2": true, "xz": true, "zst": true, "z": true, "lz": true}

// peopleWords name, in a file name, an export or backup of people:
// members, registrations, customers, users, staff.
var peopleWords = []string{
	"export", "adherent", "membre", "member", "backup", "sauvegarde", "dump", "inscrit",
	"inscription", "client", "customer", "user", "utilisateur", "abonne", "subscriber",
	"eleve", "patient", "salarie", "employe", "employee", "personnel", "benevole", "licencie",
	"electeur", "contacts", "annuaire", "fichier", "beneficiaire", "allocataire", "candidat",
}

// fileVerdict is what a listed file weighs.
type fileVerdict struct {
	name     string // path under the listed folder, masked when personal
	severity finding.Severity
	code     string
	people   int
}

// classifyFile weighs one listed file: by the personal data of the page
// the crawl read at its URL (read nil when not requested), else by its
// name; a file the server refuses to serve (401, 403, 404, 410) exposes
// nothing but its name.
func classifyFile(name string, read *observation.Page) fileVerdict {
	fv := fileVerdict{name: maskName(name), severity: finding.Low, code: "document"}
	if read != nil && read.Error == "" {
		switch read.Status {
		case 401, 403, 404, 410:
			fv.code = "not-served"
			return fv
		}
	}
	if read != nil && fetched(read) {
		v := assess(read.Personal, read.Exposure)
		if v.severity > 0 {
			fv.severity, fv.code, fv.people = v.severity, "read:personal-data", max(read.Personal.People, 1)
		} else {
			fv.code = "read:no-personal-data"
		}
		return fv
	}
	ext, inner := extensions(name)
	people := namesPeople(name)
	switch {
	case ExportFormats[ext] || compressions[ext] && ExportFormats[inner]:
		fv.severity, fv.code = finding.Critical, "export-format"
	case people && (archiveFormats[ext] || dataFormats[ext] || compressions[ext] && (archiveFormats[inner] || dataFormats[inner] || inner == "")):
		fv.severity, fv.code = finding.Critical, "export-name"
	case archiveFormats[ext] || compressions[ext] && archiveFormats[inner]:
		fv.severity, fv.code = finding.Medium, "archive"
	}
	return fv
}

// extensions returns the last extension of a file name and the one before
// it, lower case ("base.sql.gz": "gz", "sql"); "" when there is none.
func extensions(name string) (ext, inner string) {
	parts := strings.Split(strings.ToLower(name), ".")
	if len(parts) >= 2 {
		ext = parts[len(parts)-1]
	}
	if len(parts) >= 3 {
		inner = parts[len(parts)-2]
	}
	return ext, inner
}

// namesPeople reports whether a file name names an export or backup of
// people ("adherents-2024", "export_membres", "backup").
func namesPeople(name string) bool {
	n := foldName(name)
	for _, w := range peopleWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// foldName lower-cases a name and drops the accents of French letters.
func foldName(s string) string {
	return strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "î", "i", "ï", "i",
		"ô", "o", "ù", "u", "û", "u", "ç", "c").Replace(strings.ToLower(s))
}

// listing reports the site's open directory indexes as one finding.
func listing(site *observation.Site, r *check.Reporter, pages []*observation.Page) {
	// The pages the crawl read, by URL without query, to find the files
	// the indexes list.
	read := map[string]*observation.Page{}
	for i := range site.Pages {
		p := &site.Pages[i]
		if len(p.Listing) == 0 {
			read[fileKey(p.URL)] = p
			if fetched(p) {
				read[fileKey(pageURL(p))] = p
			}
		}
	}
	dirs := map[string]bool{}
	files := map[string]bool{}
	var dirList []string
	var verdicts []fileVerdict
	entries := 0
	for _, p := range pages {
		dir := withoutQuery(pageURL(p)) // one folder, whatever sorting query showed it
		if !strings.HasSuffix(dir, "/") {
			dir += "/"
		}
		if dirs[dir] {
			continue
		}
		dirs[dir] = true
		dirList = append(dirList, dir)
		entries += len(p.Listing)
		for _, e := range p.Listing {
			if strings.HasSuffix(e, "/") {
				continue
			}
			key := fileKey(dir) + e
			if files[key] {
				continue
			}
			files[key] = true
			fv := classifyFile(e, read[key])
			if du, err := url.Parse(dir); err == nil {
				fv.name = du.Path + fv.name // where on the site
			}
			verdicts = append(verdicts, fv)
		}
	}
	sort.Slice(dirList, func(i, j int) bool {
		di, dj := strings.Count(dirList[i], "/"), strings.Count(dirList[j], "/")
		if di != dj {
			return di < dj
		}
		return dirList[i] < dirList[j]
	})
	// Files of concern first, the gravest first.
	sort.SliceStable(verdicts, func(i, j int) bool { return verdicts[i].severity > verdicts[j].severity })
	sev := finding.Low
	var concern []map[string]any
	var dataFiles []string
	extSet := map[string]bool{}
	count := map[string]int{}
	for _, fv := range verdicts {
		sev = max(sev, fv.severity)
		count[fv.code]++
		if fv.severity <= finding.Low {
			continue
		}
		if len(concern) < 20 {
			c := map[string]any{"file": fv.name, "severity": fv.severity, "reason": fv.code}
			if fv.people > 0 {
				c["people"] = fv.people
			}
			concern = append(concern, c)
			dataFiles = append(dataFiles, fv.name)
		}
		if ext, _ := extensions(fv.name); ext != "" {
			extSet[ext] = true
		}
	}
	var exts []string
	for e := range extSet {
		exts = append(exts, e)
	}
	sort.Strings(exts)
	shown := make([]string, 0, min(len(dirList), 50))
	for _, d := range dirList[:min(len(dirList), 50)] {
		shown = append(shown, urlsecret.Mask(d))
	}
	v := verdict{severity: sev}
	v.reasons = listingReasons(sev, count, len(dirList), len(verdicts))
	d := map[string]any{
		"directories":      shown,
		"directory_count":  len(dirList),
		"entries":          entries,
		"files":            len(verdicts),
		"files_of_concern": concern,
		"data_files":       dataFiles,
		"data_extensions":  exts,
	}
	v.detail(d)
	r.Report(check.Issue{Check: "exposure.directory-listing", URL: urlsecret.Mask(dirList[0]), Location: "listing",
		Severity: sev, Confidence: finding.Certain, Detail: d})
}

// listingReasons explains a listing's severity from the count of files by
// verdict code.
func listingReasons(sev finding.Severity, count map[string]int, dirs, files int) []reason {
	var rs []reason
	add := func(code string, s finding.Severity, en, fr string) {
		if n := count[code]; n > 0 {
			rs = append(rs, reason{Code: fmt.Sprintf("%s:%d", code, n), Severity: s,
				EN: fmt.Sprintf(en, n), FR: fmt.Sprintf(fr, n)})
		}
	}
	add("read:personal-data", sev, "%d listed file(s) read hold other people's personal data",
		"%d fichier(s) listé(s) lu(s) contiennent des données personnelles de tiers")
	add("export-format", finding.Critical, "%d listed file(s) in an export, dump or database format (not read)",
		"%d fichier(s) listé(s) au format d'export, de sauvegarde ou de base de données (non lus)")
	add("export-name", finding.Critical, "%d listed file(s) named as exports or backups of people (not read)",
		"%d fichier(s) listé(s) nommés comme des exports ou sauvegardes de personnes (non lus)")
	add("archive", finding.Medium, "%d archive(s) whose content was not read",
		"%d archive(s) dont le contenu n'a pas été lu")
	if sev <= finding.Low {
		rs = append(rs, reason{Code: fmt.Sprintf("documents:%d", files), Severity: finding.Low,
			EN: fmt.Sprintf("%d folder(s) listing %d file(s): documents, data files read without other people's personal data, files the server does not serve", dirs, files),
			FR: fmt.Sprintf("%d dossier(s) listant %d fichier(s) : documents, fichiers de données lus sans données personnelles de tiers, fichiers que le serveur ne sert pas", dirs, files)})
	}
	return rs
}

func withoutQuery(u string) string {
	s, _, _ := strings.Cut(finding.NormaliseURL(u), "?")
	return s
}

// fileKey identifies a file of the site by host and decoded path, so
// that a listed name and the URL the crawl read agree however each was
// percent-encoded.
func fileKey(raw string) string {
	u, err := url.Parse(finding.NormaliseURL(raw))
	if err != nil {
		return raw
	}
	return u.Host + u.Path
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
