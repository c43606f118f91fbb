package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/cases"
	"vigie/farm"
	"vigie/internal/golden"
	"vigie/letter"
	"vigie/scan"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The prefecture story of 2022: 101 prefectures of which 30 collect data
// over HTTP; one case for the ministry; the DPO alert, a reminder, two
// complaints to the CNIL; the sites switch to HTTPS; verification and the
// public chronology.
func TestPrefectureStory(t *testing.T) {
	const prefectures, overHTTP = 101, 30
	f, err := farm.StartPrefectures(prefectures, overHTTP)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	ctx := t.Context()
	dir := t.TempDir()
	db := filepath.Join(dir, "vigie.db")

	var targets, orgs bytes.Buffer
	if err := f.WriteTargetsCSV(&targets); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&orgs, "name,dpo_email,dpo_address,dpo_form,parent,sector,site_suffixes\n%s,dpd@interieur.test,\"Place Beauvau, 75008 Paris\",,,public,\n", farm.Ministry)
	for _, s := range f.Sites() {
		fmt.Fprintf(&orgs, "%s,,,,%s,public,\n", s.Organisation, farm.Ministry)
	}
	csvPath, orgPath := filepath.Join(dir, "targets.csv"), filepath.Join(dir, "orgs.csv")
	os.WriteFile(csvPath, targets.Bytes(), 0o644)
	os.WriteFile(orgPath, orgs.Bytes(), 0o644)
	var out bytes.Buffer
	if err := OrganisationImport(ctx, db, orgPath, &out); err != nil {
		t.Fatal(err)
	}

	// Scan.
	so := farmScan(f, db, TargetSources{CSVFiles: []string{csvPath}})
	var sum *scan.Summary
	so.onSummary = func(s *scan.Summary) { sum = s }
	if code, err := Scan(ctx, so); err != nil || code != ExitFindings {
		t.Fatalf("scan: code %d, %v", code, err)
	}
	if sum.Sites != prefectures || sum.Failed != 0 {
		t.Fatalf("scan: %d sites, %d failed", sum.Sites, sum.Failed)
	}

	// One case for the ministry, covering exactly the HTTP prefectures.
	opened, err := CaseOpen(ctx, CaseOpenOptions{DB: db, ScanID: sum.Scan.ID, Now: day("2022-01-20"), Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	var wantSites []string
	for _, s := range f.Sites()[:overHTTP] {
		wantSites = append(wantSites, s.ID())
	}
	slices.Sort(wantSites)
	if len(opened) != 1 || opened[0].Organisation != farm.Ministry || !slices.Equal(opened[0].Sites, wantSites) {
		t.Fatalf("opened %d cases: %+v; want one for %s with sites %v", len(opened), opened, farm.Ministry, wantSites)
	}
	c := opened[0]
	if c.Title != farm.Ministry+" — 30 sites" {
		t.Errorf("title = %q", c.Title)
	}

	// Dates in letters come from the scan (today); the story is dated 2022.
	story := func(b []byte) []byte {
		b = bytes.ReplaceAll(b, []byte(letter.FormatDate("fr", sum.Scan.Started)), []byte("20 janvier 2022"))
		return bytes.ReplaceAll(b, []byte(letter.FormatDate("en", sum.Scan.Started)), []byte("20 January 2022"))
	}

	// The French alert names exactly the 30 prefectures.
	alert := filepath.Join(dir, "alerte.md")
	lo := CaseLetterOptions{DB: db, ID: c.ID, Kind: letter.Alert, Lang: "fr", Format: "md", Date: day("2022-01-25"), From: "Association Vigie <alerte@vigie.test>", Output: alert}
	if err := CaseLetter(ctx, lo); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(alert)
	for i, s := range f.Sites() {
		if got, want := bytes.Contains(md, []byte(s.Organisation+" — ")), i < overHTTP; got != want {
			t.Errorf("alert names %s: %v, want %v", s.Organisation, got, want)
		}
	}
	golden.Check(t, "prefectures-alert.fr.md", story(md))
	lo.Format, lo.Output = "eml", filepath.Join(dir, "alerte.eml")
	if err := CaseLetter(ctx, lo); err != nil {
		t.Fatal(err)
	}
	// The letter sent, as attached: dated in the story, so that its digest
	// in the chronology is stable.
	sent := filepath.Join(dir, "alerte-2022-01-25.md")
	os.WriteFile(sent, story(md), 0o644)

	// The timeline, with an invalid step refused on the way.
	steps := []struct {
		kind, date, ref, text, attach string
		private                       bool
	}{
		{"dpo-alerted", "2022-01-25", "", "Courriel au délégué à la protection des données du ministère", sent, false},
		{"reminder", "2022-02-28", "", "Relance du délégué", "", false},
		{"note", "2022-03-02", "", "Appel téléphonique de M. Martin au standard", "", true},
		{"complaint-filed", "2022-03-10", "28-6912", "Plainte auprès de la CNIL", "", false},
		{"authority-answered", "2022-05-12", "28-6912", "La CNIL clôt la plainte", "", false},
		{"complaint-filed", "2022-05-20", "28-7998", "Seconde plainte auprès de la CNIL", "", false},
	}
	if _, err := CaseEvent(ctx, CaseEventOptions{DB: db, ID: c.ID, Event: cases.Event{Date: day("2022-01-22"), Kind: "authority-answered"}}); err == nil ||
		!strings.Contains(err.Error(), "case C-1: cannot go from open to authority-answered; allowed: dpo-alerted, withdrawn") {
		t.Errorf("invalid transition: err = %v", err)
	}
	for _, s := range steps {
		if _, err := CaseEvent(ctx, CaseEventOptions{DB: db, ID: c.ID, Attach: s.attach,
			Event: cases.Event{Date: day(s.date), Kind: s.kind, Ref: s.ref, Text: s.text, Author: "Vigie", Private: s.private}}); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := CaseOpen(ctx, CaseOpenOptions{DB: db, ScanID: sum.Scan.ID}); err == nil || !strings.Contains(err.Error(), "already followed") {
		t.Errorf("opening cases from the same scan again: err = %v", err)
	}

	// Deadlines: three months after the second complaint (art. 78(2)).
	for _, tt := range []struct {
		date string
		due  int
	}{{"2022-08-17", 0}, {"2022-08-18", 1}} {
		due, err := CaseDue(ctx, db, day(tt.date), cases.DefaultDelays(), &out)
		if err != nil || len(due) != tt.due {
			t.Errorf("due on %s: %d cases, %v; want %d", tt.date, len(due), err, tt.due)
		}
	}

	// Verification before the fix records a note; after it, verified-fixed.
	vo := CaseVerifyOptions{ID: c.ID, Scan: farmScan(f, db, TargetSources{}), Author: "Vigie", Date: day("2022-06-01"), Lang: "fr"}
	got, err := CaseVerify(ctx, vo)
	if err != nil {
		t.Fatal(err)
	}
	if last := got.Events[len(got.Events)-1]; last.Kind != cases.KindNote || got.State != cases.ComplaintFiled {
		t.Fatalf("verification before the fix: %+v, state %s", last, got.State)
	}
	if n := f.SwitchToHTTPS(); n != overHTTP {
		t.Fatalf("switched %d sites, want %d", n, overHTTP)
	}
	vo.Date = day("2022-07-10")
	got, err = CaseVerify(ctx, vo)
	if err != nil {
		t.Fatal(err)
	}
	last := got.Events[len(got.Events)-1]
	if got.State != cases.VerifiedFixed || last.Kind != string(cases.VerifiedFixed) || !last.Date.Equal(day("2022-07-10")) {
		t.Fatalf("verification after the fix: %+v, state %s", last, got.State)
	}
	if _, err := CaseEvent(ctx, CaseEventOptions{DB: db, ID: c.ID, Event: cases.Event{Date: day("2022-07-11"), Kind: "closed", Text: "HTTPS déployé sur les 30 préfectures"}}); err != nil {
		t.Fatal(err)
	}

	// The public chronology: the 30 sites, the dated events with their
	// references, nothing private.
	for _, format := range []string{"md", "html"} {
		page := filepath.Join(dir, "chronologie."+format)
		if err := CasePublish(ctx, CaseLetterOptions{DB: db, ID: c.ID, Lang: "fr", Format: format, Output: page}); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(page)
		b = story(b)
		// Verification events name their scan, whose ID is today's.
		for _, e := range got.Events {
			if strings.HasPrefix(e.Ref, "scan ") {
				b = bytes.ReplaceAll(b, []byte(e.Ref), []byte("scan SCAN"))
			}
		}
		for _, want := range []string{"28-6912", "28-7998", "25 janvier 2022", "10 juillet 2022", "Correction vérifiée"} {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("chronology.%s lacks %q", format, want)
			}
		}
		if bytes.Contains(b, []byte("Martin")) {
			t.Errorf("chronology.%s shows a private event", format)
		}
		for i, s := range f.Sites() {
			if got, want := bytes.Contains(b, []byte(s.URL)), i < overHTTP; got != want {
				t.Errorf("chronology.%s lists %s: %v, want %v", format, s.URL, got, want)
			}
		}
		golden.Check(t, "prefectures-chronology.fr."+format, b)
	}

	// After the case is closed, one prefecture falls back to HTTP, then
	// fixes it again.
	for _, step := range []struct {
		date  string
		sites func() int
		want  cases.State
	}{
		{"2022-09-01", func() int { return f.RevertToHTTP(1) }, cases.Regressed},
		{"2022-10-03", f.SwitchToHTTPS, cases.VerifiedFixed},
	} {
		if n := step.sites(); n != 1 {
			t.Fatalf("%s: switched %d sites, want 1", step.date, n)
		}
		vo.Date = day(step.date)
		if got, err = CaseVerify(ctx, vo); err != nil {
			t.Fatal(err)
		}
		if got.State != step.want {
			t.Fatalf("verification on %s: state %s, want %s (%+v)", step.date, got.State, step.want, got.Events[len(got.Events)-1])
		}
	}

	// Scheduled mode: a round verifies every case under watch (here the
	// fixed one); with an interval, the loop ends with its context.
	var rounds bytes.Buffer
	vo.Date = day("2022-11-02")
	if err := CaseVerifyAll(ctx, VerifyAllOptions{CaseVerifyOptions: vo, Out: &rounds}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(rounds.String(), c.ID+": "); n != 1 || !strings.Contains(rounds.String(), "state verified-fixed") {
		t.Errorf("scheduled verification output:\n%s", rounds.String())
	}
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	if err := CaseVerifyAll(stopped, VerifyAllOptions{CaseVerifyOptions: vo, Every: time.Hour, Out: &rounds}); err != nil {
		t.Errorf("scheduled loop with a cancelled context: %v", err)
	}
}
