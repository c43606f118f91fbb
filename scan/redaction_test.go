package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigie/farm"
	"vigie/report"
	"vigie/target"
)

// identifiers are the patterns of the personal data the farm's exposure
// sites show, as written in their pages.
var identifiers = []*regexp.Regexp{
	regexp.MustCompile(`[a-z0-9._-]+@(?:orange|gmail|free|laposte|yahoo|outlook|wanadoo|sfr)\.(?:fr|com|net)`),
	regexp.MustCompile(`(?:\+33 |0)[1-9](?:[ .]?[0-9]{2}){4}`),
	regexp.MustCompile(`FR76(?: ?[0-9A-Z]{4}){5} ?[0-9A-Z]{3}`),
	regexp.MustCompile(`[12] [0-9]{2} [0-9]{2} [0-9]{2} [0-9]{3} [0-9]{3} [0-9]{2}`),
	regexp.MustCompile(`[0-3][0-9]/[01][0-9]/(?:19|20)[0-9]{2}`),
	regexp.MustCompile(`[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}`),
}

// farmIdentifiers returns every identifier of the exposure sites' pages,
// as written and without separators.
func farmIdentifiers(t *testing.T) []string {
	var files []string
	for _, g := range []string{"../farm/sites/member-platform/www/federation/*", "../farm/sites/open-export/www/exports/*.csv"} {
		m, err := filepath.Glob(g)
		if err != nil || len(m) == 0 {
			t.Fatalf("no farm page matches %s", g)
		}
		files = append(files, m...)
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range identifiers {
			for _, id := range re.FindAllString(string(b), -1) {
				for _, v := range []string{id, strings.NewReplacer(" ", "", ".", "", "/", "").Replace(id)} {
					if len(v) >= 8 && !seen[v] {
						seen[v] = true
						out = append(out, v)
					}
				}
			}
		}
	}
	if len(out) < 60 {
		t.Fatalf("only %d identifiers read from the farm pages", len(out))
	}
	return out
}

// TestRedaction audits the farm's exposure sites and checks that the JSONL
// report and the personal-data summaries of the observations hold none of
// the identifiers the sites expose, only masked forms and salted hashes.
func TestRedaction(t *testing.T) {
	f, err := farm.Start(farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	targets := exposureTargets(t, f)
	var out, obs bytes.Buffer
	w, err := report.New("jsonl", &out, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	findings := 0
	_, err = Run(context.Background(), targets, farmOptions(f), func(r *Result) error {
		for _, p := range r.Site.Pages {
			if p.Personal != nil {
				if err := json.NewEncoder(&obs).Encode(p.Personal); err != nil {
					return err
				}
			}
		}
		for _, fd := range r.Findings {
			if strings.HasPrefix(fd.Check, "exposure.") {
				findings++
			}
		}
		return w.WriteSite(&report.Site{URL: r.Site.URL, Organisation: r.Site.Organisation, Findings: r.Findings})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(report.Scan{}); err != nil {
		t.Fatal(err)
	}
	if findings != 4 || !strings.Contains(out.String(), `"masked":"`) || !strings.Contains(out.String(), "***@") {
		t.Fatalf("%d exposure findings, want 4 with masked samples:\n%s", findings, out.String())
	}
	for _, id := range farmIdentifiers(t) {
		if strings.Contains(out.String(), id) {
			t.Errorf("JSONL report shows %q", id)
		}
		if strings.Contains(obs.String(), id) {
			t.Errorf("observations show %q", id)
		}
	}
}

// exposureTargets returns the farm's two exposure sites (the member
// platform and the open export directory).
func exposureTargets(t *testing.T, f *farm.Farm) []target.Target {
	t.Helper()
	var targets []target.Target
	for _, tg := range farmTargets(t, f) {
		if strings.Contains(tg.URL, "mouvement-citoyen-loire") || strings.Contains(tg.URL, "cc-clunisois") {
			targets = append(targets, tg)
		}
	}
	if len(targets) != 2 {
		t.Fatalf("exposure sites not found among the farm's targets: %v", targets)
	}
	return targets
}
