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
	"vigie/finding"
	"vigie/internal/golden"
	"vigie/letter"
	"vigie/scan"
	"vigie/store"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// prefectureFarm serves the prefecture story's sites with informational
// notes besides the failures: certificates without revocation
// information, and TLS 1.2 at most, on every HTTPS prefecture.
func prefectureFarm(t *testing.T, prefectures, overHTTP int) *farm.Farm {
	t.Helper()
	f, err := farm.StartPrefecturesWith(farm.PrefectureOptions{Sites: prefectures, OverHTTP: overHTTP, NoRevocation: true, NoTLS13: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// storyOpen imports the ministry and its prefectures, scans them and
// opens the case; it checks that the case covers exactly the HTTP
// prefectures although the notes cover them all.
func storyOpen(t *testing.T, f *farm.Farm, dir string, prefectures, overHTTP int) (string, *scan.Summary, cases.Case) {
	t.Helper()
	ctx := t.Context()
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
	// The notes are there, on the HTTPS prefectures, and are not failures.
	notes := map[string]int{}
	st, err := OpenStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := st.Findings(ctx, store.Filter{Scan: sum.Scan.ID})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		if x.Severity == finding.Info {
			notes[x.Check]++
		}
	}
	if https := prefectures - overHTTP; notes["tls.cert-no-revocation"] != https || notes["tls.no-tls13"] != https {
		t.Fatalf("notes of the scan: %v; want tls.cert-no-revocation and tls.no-tls13 on the %d HTTPS prefectures", notes, https)
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
	if c.Title != fmt.Sprintf("%s — %d sites", farm.Ministry, overHTTP) || c.MinSeverity != finding.Low {
		t.Errorf("title = %q, threshold %s", c.Title, c.MinSeverity)
	}
	return db, sum, c
}

// notedAsFailure reports a letter or page that shows an informational
// note among the failures.
func notedAsFailure(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, note := range []string{"tls.cert-no-revocation", "révocation", "revocation", "TLS 1.3"} {
		if bytes.Contains(b, []byte(note)) {
			t.Errorf("%s mentions a note: %q", what, note)
		}
	}
}

// The prefecture story of 2022: 101 prefectures of which 30 collect data
// over HTTP, and informational notes on many; one case for the ministry;
// the DPO alert, a reminder, two complaints to the CNIL; the sites switch
// to HTTPS; verification and the public chronology.
func TestPrefectureStory(t *testing.T) {
	const prefectures, overHTTP = 101, 30
	f := prefectureFarm(t, prefectures, overHTTP)
	ctx := t.Context()
	dir := t.TempDir()
	db, sum, c := storyOpen(t, f, dir, prefectures, overHTTP)
	var out bytes.Buffer

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
	notedAsFailure(t, "the alert", md)
	if !bytes.Contains(md, []byte("sur 30 site(s)")) {
		t.Error("the alert does not count 30 sites")
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
		got, err := CaseEvent(ctx, CaseEventOptions{DB: db, ID: c.ID, Attach: s.attach,
			Event: cases.Event{Date: day(s.date), Kind: s.kind, Ref: s.ref, Text: s.text, Author: "Vigie", Private: s.private}})
		if err != nil {
			t.Fatal(err)
		}
		// The alert records what it notified: the 30 sites' failures.
		if s.kind == "dpo-alerted" {
			n := got.Notified()
			if len(n) != len(c.Findings) || len(refSites(n)) != overHTTP {
				t.Fatalf("the alert notified %d findings on %d sites; want the case's %d on %d", len(n), len(refSites(n)), len(c.Findings), overHTTP)
			}
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
	if got.State != cases.VerifiedFixed || last.Kind != string(cases.VerifiedFixed) || !last.Date.Equal(day("2022-07-10")) ||
		last.Text != "30 sites corrigés sur 30" {
		t.Fatalf("verification after the fix: %+v, state %s", last, got.State)
	}
	if fixes := got.SiteFixes(); len(fixes) != overHTTP {
		t.Errorf("fix dates of %d sites, want %d", len(fixes), overHTTP)
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
		notedAsFailure(t, "chronology."+format, b)
		for _, want := range []string{"28-6912", "28-7998", "25 janvier 2022", "10 juillet 2022", "Correction vérifiée", "correction vérifiée le "} {
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

// The same story where 2 of the 30 prefectures stay on HTTP: the
// verification records partially-fixed, naming the 2, with the fix dates
// of the 28 others; the case stays open to a complaint.
func TestPrefectureStoryPartialFix(t *testing.T) {
	const prefectures, overHTTP, fixed = 40, 30, 28
	f := prefectureFarm(t, prefectures, overHTTP)
	ctx := t.Context()
	dir := t.TempDir()
	db, _, c := storyOpen(t, f, dir, prefectures, overHTTP)
	if _, err := CaseEvent(ctx, CaseEventOptions{DB: db, ID: c.ID, Event: cases.Event{Date: day("2022-01-25"), Kind: "dpo-alerted"}}); err != nil {
		t.Fatal(err)
	}
	if n := f.SwitchSomeToHTTPS(fixed); n != fixed {
		t.Fatalf("switched %d sites, want %d", n, fixed)
	}
	got, err := CaseVerify(ctx, CaseVerifyOptions{ID: c.ID, Scan: farmScan(f, db, TargetSources{}), Date: day("2022-07-10")})
	if err != nil {
		t.Fatal(err)
	}
	last := got.Events[len(got.Events)-1]
	remaining := []string{f.Sites()[28].URL, f.Sites()[29].URL}
	want := "28 of 30 sites fixed; remaining: " + strings.Join(remaining, ", ")
	if got.State != cases.DPOAlerted || last.Kind != cases.KindPartiallyFixed || last.Text != want {
		t.Fatalf("verification: %s %q, state %s; want partially-fixed %q", last.Kind, last.Text, got.State, want)
	}
	for _, e := range got.Events {
		if e.Kind == cases.KindNewFindings {
			t.Errorf("notes reported as new failures: %+v", e)
		}
	}
	page := filepath.Join(dir, "chronology.md")
	if err := CasePublish(ctx, CaseLetterOptions{DB: db, ID: c.ID, Lang: "en", Format: "md", Output: page}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(page)
	notedAsFailure(t, "the chronology", b)
	if n := bytes.Count(b, []byte("fix verified on 10 July 2022")); n != fixed {
		t.Errorf("chronology: %d sites with a fix date, want %d:\n%s", n, fixed, b)
	}
	for _, u := range remaining {
		if line := lineWith(b, u+":"); line == "" || strings.Contains(line, "fix verified") {
			t.Errorf("chronology line of %s: %q", u, line)
		}
	}
	// A reminder names only the 2 sites still at fault.
	reminder := filepath.Join(dir, "reminder.md")
	if err := CaseLetter(ctx, CaseLetterOptions{DB: db, ID: c.ID, Kind: letter.Reminder, Lang: "en", Format: "md", Date: day("2022-07-11"), Output: reminder}); err != nil {
		t.Fatal(err)
	}
	r, _ := os.ReadFile(reminder)
	for i, s := range f.Sites() {
		if got, want := bytes.Contains(r, []byte(s.URL)), i == 28 || i == 29; got != want {
			t.Errorf("reminder names %s: %v, want %v", s.URL, got, want)
		}
	}
}

func lineWith(b []byte, s string) string {
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}

// judge decides per notified failure from the current state and what the
// verification scan saw: fixed only where the page was examined again;
// failures first seen (never notes) are new, once.
func TestJudge(t *testing.T) {
	const a, b, cs, d = "http://a.test/", "http://b.test/", "http://c.test/", "http://d.test/"
	when := day("2022-06-01")
	notified := []cases.FindingRef{{ID: "a1", Site: a}, {ID: "a2", Site: a}, {ID: "b1", Site: b}, {ID: "c1", Site: cs}, {ID: "d1", Site: d}}
	after := []finding.Finding{
		{ID: "a1", Site: a, FixedAt: &when}, {ID: "a2", Site: a, FixedAt: &when}, // a: fixed
		{ID: "b1", Site: b},  // b: seen again
		{ID: "c1", Site: cs}, // c: open, not seen (page not examined)
		{ID: "d1", Site: d, FixedAt: &when},
	}
	seen := []finding.Finding{
		{ID: "b1", Site: b, Severity: finding.High},
		{ID: "b2", Site: b, Severity: finding.Medium},              // new failure
		{ID: "b3", Site: b, Severity: finding.Info},                // a note
		{ID: "d2", Site: d, Severity: finding.High},                // already reported as new
		{ID: "x1", Site: "http://x.test/", Severity: finding.High}, // another site
	}
	tests := []struct {
		name       string
		state      cases.State
		events     []cases.Event
		kind       string
		fixedSites []string
		remaining  []string
		unverified []string
		regressed  []string
		news       []string
	}{
		{"first verification", cases.DPOAlerted, nil, cases.KindPartiallyFixed,
			[]string{a, d}, []string{b}, []string{cs}, nil, []string{"b2", "d2"}},
		{"b fixed before, back now", cases.DPOAlerted, []cases.Event{
			{Kind: cases.KindPartiallyFixed, Findings: []cases.FindingRef{{ID: "b1", Site: b}}},
			{Kind: cases.KindNewFindings, Findings: []cases.FindingRef{{ID: "d2", Site: d}}},
		}, string(cases.Regressed), []string{a, d}, []string{b}, []string{cs}, []string{"b1"}, []string{"b2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &cases.Case{ID: "C-1", State: tt.state, Events: tt.events}
			v := judge(c, notified, after, seen)
			ids := func(refs []cases.FindingRef) []string {
				var out []string
				for _, r := range refs {
					out = append(out, r.ID)
				}
				return out
			}
			if v.sites != 4 || !slices.Equal(v.fixedSites, tt.fixedSites) || !slices.Equal(v.remaining, tt.remaining) ||
				!slices.Equal(v.unverified, tt.unverified) || !slices.Equal(ids(v.regressed), tt.regressed) || !slices.Equal(ids(v.news), tt.news) {
				t.Errorf("verdict = %+v", v)
			}
			e := v.event(c, verifyTexts[0], cases.Event{Date: when})
			if e.Kind != tt.kind {
				t.Errorf("event kind %s, want %s (%s)", e.Kind, tt.kind, e.Text)
			}
			if tt.kind == cases.KindPartiallyFixed && e.Text != "2 of 4 sites fixed; remaining: "+b+"; not verified (pages not examined again): "+cs {
				t.Errorf("event text %q", e.Text)
			}
		})
	}
}
