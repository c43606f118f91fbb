package runner

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"vigie/farm"
)

// exposureArchetypes are the farm's sites that expose people: a member
// platform, open export directories, enumerable records, a database dump,
// a spreadsheet, a PDF file, a licence record, a SEPA mandate, a patient's
// care record.
var exposureArchetypes = map[string]bool{
	"member-platform": true, "open-export": true, "enumerable-records": true,
	"backup-sql": true, "spreadsheet-export": true, "pdf-register": true,
	"fiche-licencie": true, "mandat-sepa": true, "dossier-soins": true, "export-adherents": true,
}

// TestNoPersonalDataLeaks audits the farm's exposure sites and reads
// every output Vigie writes or serves about them (JSONL, CSV, SARIF and
// HTML reports, the SQLite database, the WARC evidence decompressed,
// exported bundles, letters, the chronology, the dashboard's pages and
// downloads) for the personal data those sites expose, as the farm
// itself lists it: none of it may be there in clear. With
// --keep-personal-data the same search must find it, which proves the
// search finds what it looks for.
func TestNoPersonalDataLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("audits the farm")
	}
	f := startFarm(t)
	var targets []string
	sites := map[string]bool{}
	for _, s := range f.Sites() {
		if exposureArchetypes[s.Archetype] {
			targets = append(targets, s.URL)
			sites[s.ID()] = true
		}
	}
	if len(targets) != len(exposureArchetypes) {
		t.Fatalf("%d exposure sites in the farm, want %d", len(targets), len(exposureArchetypes))
	}
	var values []farm.PersonalValue
	for _, v := range f.PersonalData() {
		if sites[v.Site] {
			values = append(values, v)
		}
	}
	bySite := map[string]int{}
	for _, v := range values {
		bySite[v.Site]++
	}
	if len(bySite) != len(targets) {
		t.Fatalf("the farm lists personal data for %d of the %d exposure sites: %v", len(bySite), len(targets), bySite)
	}
	needles := personalNeedles(values)

	for _, keep := range []bool{false, true} {
		name := "masked"
		if keep {
			name = "keep-personal-data"
		}
		t.Run(name, func(t *testing.T) {
			texts := leakOutputs(t, f, targets, keep)
			for where, text := range texts {
				texts[where] = strings.ToLower(text)
			}
			var leaks []string
			found := map[string]bool{}
			for _, n := range needles {
				for where, text := range texts {
					if containsWord(text, n.text) {
						found[strings.ToLower(n.text)] = true
						if !keep {
							leaks = append(leaks, n.text+" ("+n.site+") in "+where)
						}
					}
				}
			}
			if !keep && !maskedWARC(texts) {
				t.Error("no WARC evidence with masked values among the outputs")
			}
			sort.Strings(leaks)
			for _, l := range leaks {
				t.Errorf("personal data in clear: %s", l)
			}
			if keep {
				// Kept on purpose, every value the sites show is in the
				// evidence: the search would see a leak.
				for _, v := range values {
					if !found[strings.ToLower(v.Value)] {
						t.Errorf("--keep-personal-data: %q (%s) found nowhere: the leak search cannot be trusted", v.Value, v.Site)
					}
				}
			}
			t.Logf("%d values (%d needles) searched in %d outputs", len(values), len(needles), len(texts))
		})
	}
}

// needle is one string searched for in the outputs.
type needle struct{ text, site string }

// personalNeedles returns the values and the parts of them that alone
// give a person away: each word of a name ("NGUYEN Linh": "NGUYEN",
// "Linh"), the street of an address, a number without its spaces.
func personalNeedles(values []farm.PersonalValue) []needle {
	seen := map[string]bool{}
	var out []needle
	add := func(s, site string) {
		s = strings.TrimSpace(s)
		if len([]rune(s)) >= 3 && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, needle{s, site})
		}
	}
	for _, v := range values {
		add(v.Value, v.Site)
		words := strings.Fields(v.Value)
		name := len(words) > 1
		for _, w := range words {
			r, _ := utf8.DecodeRuneInString(w)
			if !unicode.IsUpper(r) || strings.ContainsAny(w, "0123456789@") {
				name = false
			}
		}
		if name {
			for _, w := range words {
				add(w, v.Site)
			}
		}
		if m := postcode.FindStringIndex(v.Value); m != nil && m[0] > 0 {
			add(v.Value[:m[0]], v.Site) // the street
		}
		if compact := strings.ReplaceAll(v.Value, " ", ""); compact != v.Value && digitsOnly.MatchString(compact) {
			add(compact, v.Site)
		}
	}
	return out
}

var (
	postcode   = regexp.MustCompile(`\b\d{5}\b`)
	digitsOnly = regexp.MustCompile(`^[+]?[0-9A-Z]{9,}$`)
)

// containsWord reports whether lt, in lower case, holds s, case folded,
// not inside a longer word or number.
func containsWord(lt, s string) bool {
	ls := strings.ToLower(s)
	for i := 0; ; {
		k := strings.Index(lt[i:], ls)
		if k < 0 {
			return false
		}
		k += i
		before, _ := utf8.DecodeLastRuneInString(lt[:k])
		after, _ := utf8.DecodeRuneInString(lt[k+len(ls):])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = k + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// leakOutputs audits targets and returns the text of every output, by
// where it comes from.
func leakOutputs(t *testing.T, f *farm.Farm, targets []string, keep bool) map[string]string {
	ctx := context.Background()
	start := time.Now()
	root := t.TempDir()
	db := filepath.Join(root, "vigie.db")
	data := filepath.Join(root, "data")
	evidenceDir := filepath.Join(root, "evidence")
	last := ""
	for i, format := range []string{"csv", "sarif", "html", "jsonl"} {
		o := farmScan(f, db, TargetSources{Args: targets})
		o.Crawl.Active, o.NoTLSProbe = true, true
		o.Format, o.Output = format, filepath.Join(root, "report."+format)
		o.Evidence = EvidenceSettings{Archive: ArchiveNone, DataDir: data}
		if i == 3 { // the last scan keeps evidence; the others only report
			o.Evidence = EvidenceSettings{Archive: ArchiveAll, Dir: evidenceDir, KeepPersonalData: keep, DataDir: data}
		}
		var stderr bytes.Buffer
		o.Stderr = &stderr
		if code, err := Scan(ctx, o); err != nil || code != ExitFindings {
			t.Fatalf("scan (%s): exit %d, %v\n%s", format, code, err, stderr.String())
		}
		if i == 3 {
			last = lastScanID(t, db)
		}
	}

	// Findings, their bundles, the cases, letters and the chronology.
	for _, d := range []string{"bundles", "letters"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	jsonl, _ := os.ReadFile(filepath.Join(root, "report.jsonl"))
	sc := bufio.NewScanner(bytes.NewReader(jsonl))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			ID, Record string
			Evidence   []string
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Record == "" && rec.ID != "" && len(rec.Evidence) > 0 {
			ids = append(ids, rec.ID)
		}
	}
	if len(ids) == 0 {
		t.Fatal("no finding with evidence")
	}
	for _, id := range ids {
		if err := ExportEvidence(ctx, ExportOptions{ID: id, Out: filepath.Join(root, "bundles", id+".zip"), Dir: evidenceDir, DB: db, DataDir: data, Stdout: io.Discard}); err != nil {
			t.Fatalf("export %s: %v", id, err)
		}
	}
	opened, err := CaseOpen(ctx, CaseOpenOptions{DB: db, ScanID: last, Stdout: io.Discard})
	if err != nil || len(opened) == 0 {
		t.Fatalf("case open: %v (%d cases)", err, len(opened))
	}
	for _, c := range opened {
		for _, l := range []CaseLetterOptions{
			{Kind: "alert", Lang: "fr", Format: "md"},
			{Kind: "alert", Lang: "en", Format: "md"},
			{Kind: "complaint", Lang: "fr", Format: "md"},
		} {
			l.DB, l.ID, l.Stdout = db, c.ID, io.Discard
			l.Output = filepath.Join(root, "letters", c.ID+"-"+l.Kind+"-"+l.Lang+"."+l.Format)
			if err := CaseLetter(ctx, l); err != nil {
				t.Fatalf("letter %s %s: %v", c.ID, l.Kind, err)
			}
		}
		for _, format := range []string{"md", "html"} {
			if err := CasePublish(ctx, CaseLetterOptions{DB: db, ID: c.ID, Format: format, Output: filepath.Join(root, "letters", c.ID+"-chronology."+format), Stdout: io.Discard}); err != nil {
				t.Fatalf("publish %s: %v", c.ID, err)
			}
		}
		if err := ExportEvidence(ctx, ExportOptions{ID: c.ID, Out: filepath.Join(root, "bundles", c.ID+".zip"), Dir: evidenceDir, DB: db, DataDir: data, Stdout: io.Discard}); err != nil {
			t.Fatalf("export %s: %v", c.ID, err)
		}
	}

	t.Logf("scans, bundles, letters: %s", time.Since(start))
	texts := map[string]string{}
	// The dashboard, every page a signed-in user can reach by links.
	d := startDashboard(t, ServeOptions{DB: db, DataDir: data})
	w := signIn(t, d.URL, nil)
	for path, body := range crawlDashboard(w) {
		texts["dashboard "+path] = body
	}
	t.Logf("dashboard: %d pages, %s", len(texts), time.Since(start))
	// Every file written, archives opened.
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for name, text := range readOutput(t, p, b) {
			texts[name] = text
		}
		return nil
	})
	return texts
}

// lastScanID returns the ID of the database's last scan.
func lastScanID(t *testing.T, db string) string {
	st, err := OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scans, err := st.Scans(context.Background(), 1)
	if err != nil || len(scans) == 0 {
		t.Fatalf("scans: %v", err)
	}
	return scans[0].ID
}

// readOutput returns the text of a file: decompressed when gzipped (each
// WARC record is a gzip member), each entry of a zip archive on its own.
func readOutput(t *testing.T, name string, b []byte) map[string]string {
	out := map[string]string{}
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = string(text)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range zr.File {
			rc, err := e.Open()
			if err != nil {
				t.Fatalf("%s!%s: %v", name, e.Name, err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s!%s: %v", name, e.Name, err)
			}
			for k, v := range readOutput(t, name+"!"+e.Name, data) {
				out[k] = v
			}
		}
	default:
		out[name] = string(b)
	}
	return out
}

var dashboardLink = regexp.MustCompile(`(?:href|src|action)="(/[^"#]*)"`)

// crawlDashboard fetches every dashboard page and download reachable by
// links from the overview, and the CSV and JSONL exports of its lists.
func crawlDashboard(w *webClient) map[string]string {
	out := map[string]string{}
	queue := []string{"/", "/findings?format=csv", "/findings?format=jsonl", "/sites?format=csv", "/sites?format=jsonl"}
	seen := map[string]bool{}
	for len(queue) > 0 && len(out) < 400 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] || strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/lang/") || p == "/logout" {
			continue
		}
		seen[p] = true
		resp, body := w.get(strings.ReplaceAll(p, "&amp;", "&"))
		if resp.StatusCode != http.StatusOK {
			continue
		}
		if resp.Header.Get("Content-Type") == "application/zip" {
			for k, v := range readOutput(w.t, "bundle "+p, []byte(body)) {
				out[k] = v
			}
			continue
		}
		out[p] = body
		for _, m := range dashboardLink.FindAllStringSubmatch(body, -1) {
			// Filtered and paged lists show what the full ones show.
			if path, query, ok := strings.Cut(m[1], "?"); !ok || path == "/site" || strings.Contains(query, "format=") {
				queue = append(queue, m[1])
			}
		}
	}
	return out
}

// maskedWARC reports whether some decompressed WARC file among the
// outputs holds masked values (not every one need: a site's evidence may
// show no one's data).
func maskedWARC(texts map[string]string) bool {
	for name, text := range texts {
		if strings.HasSuffix(name, ".warc.gz") && strings.Contains(text, "[masked:") {
			return true
		}
	}
	return false
}
