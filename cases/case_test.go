package cases

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/finding"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		from    State
		kind    string
		want    State
		wantErr string
	}{
		{"alert", Open, "dpo-alerted", DPOAlerted, ""},
		{"skip to answer", Open, "authority-answered", Open, "case C-3: cannot go from open to authority-answered; allowed: dpo-alerted, withdrawn"},
		{"complaint", DPOAlerted, "complaint-filed", ComplaintFiled, ""},
		{"second complaint", AuthorityAnswered, "complaint-filed", ComplaintFiled, ""},
		{"note keeps state", ComplaintFiled, "note", ComplaintFiled, ""},
		{"reminder keeps state", DPOAlerted, "reminder", DPOAlerted, ""},
		{"withdrawn is final", Withdrawn, "dpo-alerted", Withdrawn, "cannot go from withdrawn to dpo-alerted; allowed: none"},
		{"regression after fix", VerifiedFixed, "regressed", Regressed, ""},
		{"unknown kind", Open, "escalated", Open, `unknown event kind "escalated"`},
		{"open is not an event", DPOAlerted, "open", DPOAlerted, "unknown event kind"},
		{"partial fix keeps state", DPOAlerted, "partially-fixed", DPOAlerted, ""},
		{"new findings keep state", ComplaintFiled, "new-findings", ComplaintFiled, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{ID: "C-3", State: tt.from}
			err := c.Apply(Event{Date: date("2022-01-25"), Kind: tt.kind})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Apply error = %v, want it to contain %q", err, tt.wantErr)
			}
			if c.State != tt.want {
				t.Errorf("state = %s, want %s", c.State, tt.want)
			}
			if err != nil && strings.Contains(tt.wantErr, "cannot go") && !errors.Is(err, ErrTransition) {
				t.Errorf("error %v does not wrap ErrTransition", err)
			}
		})
	}
}

func TestDue(t *testing.T) {
	created := date("2022-01-20")
	tests := []struct {
		name    string
		events  []Event
		now     string
		wantDue string // "" when never due
		want    bool
	}{
		{"open is due at once", nil, "2022-01-20", "2022-01-20", true},
		{"open, before creation", nil, "2022-01-19", "2022-01-20", false},
		{"withdrawn never", []Event{{Date: date("2022-01-25"), Kind: "withdrawn"}}, "2030-01-01", "", false},
		{"alert not yet due", []Event{{Date: date("2022-01-25"), Kind: "dpo-alerted"}}, "2022-02-23", "2022-02-24", false},
		{"alert due", []Event{{Date: date("2022-01-25"), Kind: "dpo-alerted"}}, "2022-02-24", "2022-02-24", true},
		{"reminder restarts the clock", []Event{{Date: date("2022-01-25"), Kind: "dpo-alerted"}, {Date: date("2022-03-01"), Kind: "reminder"}}, "2022-03-15", "2022-03-31", false},
		{"complaint: art. 78(2) three months", []Event{{Date: date("2022-01-25"), Kind: "dpo-alerted"}, {Date: date("2022-03-10"), Kind: "complaint-filed"}}, "2022-06-08", "2022-06-08", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{ID: "C-1", State: Open, Created: created}
			for _, e := range tt.events {
				if err := c.Apply(e); err != nil {
					t.Fatal(err)
				}
			}
			due, ok := c.Due(date(tt.now), DefaultDelays())
			if ok != tt.want {
				t.Errorf("due = %v, want %v", ok, tt.want)
			}
			if tt.wantDue == "" && !due.IsZero() || tt.wantDue != "" && !due.Equal(date(tt.wantDue)) {
				t.Errorf("due date = %v, want %s", due, tt.wantDue)
			}
		})
	}
}

func TestParseDelays(t *testing.T) {
	d, err := ParseDelays("dpo-alerted=15, complaint-filed=120")
	if err != nil {
		t.Fatal(err)
	}
	if d[DPOAlerted] != 15*day || d[ComplaintFiled] != 120*day || d[Regressed] != 30*day {
		t.Errorf("delays = %v", d)
	}
	for _, bad := range []string{"dpo-alerted", "nope=3", "dpo-alerted=-1", "dpo-alerted=x", "dpo-alerted=30x"} {
		if _, err := ParseDelays(bad); err == nil {
			t.Errorf("ParseDelays(%q) accepted", bad)
		}
	}
}

func TestGroup(t *testing.T) {
	dir := NewDirectory([]Organisation{
		{Name: "Ministère de l’Intérieur"},
		{Name: "Préfecture du Rhône", Parent: "Ministère de l’Intérieur"},
		{Name: "Préfecture de l’Ain", Parent: "Ministère de l’Intérieur", SiteSuffixes: []string{"ain.gouv.fr"}},
		{Name: "Mairie"},
	})
	fs := []finding.Finding{
		{ID: "f2", Site: "http://www.rhone.gouv.fr", Organisation: "Préfecture du Rhône"},
		{ID: "f1", Site: "http://www.ain.gouv.fr"},
		{ID: "f3", Site: "http://www.rhone.gouv.fr", Organisation: "Préfecture du Rhône"},
		{ID: "f4", Site: "http://mairie.example", Organisation: "Mairie"},
		{ID: "f5", Site: "http://unknown.example"},
	}
	got := Group(fs, dir, date("2022-01-20"))
	want := []struct {
		org, title     string
		findings, site string
	}{
		{"Mairie", "Mairie — 1 site", "f4", "http://mairie.example"},
		{"Ministère de l’Intérieur", "Ministère de l’Intérieur — 2 sites", "f1 f2 f3", "http://www.ain.gouv.fr http://www.rhone.gouv.fr"},
		{"http://unknown.example", "http://unknown.example — 1 site", "f5", "http://unknown.example"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d cases, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		c := got[i]
		if c.Organisation != w.org || c.Title != w.title || strings.Join(c.Findings, " ") != w.findings || strings.Join(c.Sites, " ") != w.site || c.State != Open {
			t.Errorf("case %d = %+v, want %+v", i, c, w)
		}
	}
}

func TestOrganisationsCSV(t *testing.T) {
	in := "name,dpo_email,dpo_address,dpo_form,parent,sector,site_suffixes,site_tags,security_contact\n" +
		"Ministère de l’Intérieur,dpd@interieur.gouv.fr,\"Place Beauvau, 75008 Paris\",https://www.interieur.gouv.fr/contact,,public,interieur.gouv.fr,prefecture,mailto:cert@interieur.gouv.fr\n" +
		"Préfecture du Rhône,,,,Ministère de l’Intérieur,public,rhone.gouv.fr;lyon.gouv.fr,,\n"
	orgs, err := ReadOrganisations(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 2 || orgs[0].DPOAddress != "Place Beauvau, 75008 Paris" || orgs[1].Parent != "Ministère de l’Intérieur" || len(orgs[1].SiteSuffixes) != 2 ||
		orgs[0].SecurityContact != "mailto:cert@interieur.gouv.fr" {
		t.Fatalf("orgs = %+v", orgs)
	}
	var out strings.Builder
	if err := WriteOrganisations(&out, orgs); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(in, "rhone.gouv.fr;lyon.gouv.fr", "rhone.gouv.fr lyon.gouv.fr", 1)
	if out.String() != want {
		t.Errorf("round trip:\n%s\nwant\n%s", out.String(), want)
	}
	for _, bad := range []string{"dpo_email\nx\n", "name\n\n,\n", "name\nA\nA\n"} {
		if _, err := ReadOrganisations(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadOrganisations(%q) accepted", bad)
		}
	}
	dir := NewDirectory(orgs).WithSiteTags(map[string][]string{
		"http://www.pref-ain.test/": {"dept:01", "Prefecture"},
		"http://www.lyon.gouv.fr/":  {"prefecture"},
	})
	for _, tt := range []struct{ site, want string }{
		{"http://www.lyon.gouv.fr/x", "Préfecture du Rhône"}, // a suffix beats a tag
		{"http://www.lyon.gouv.fr/", "Préfecture du Rhône"},
		{"http://www.pref-ain.test/", "Ministère de l’Intérieur"}, // by tag, case-insensitive
		{"http://www.mairie.test/", ""},
	} {
		if got := dir.ForSite(tt.site); got != tt.want {
			t.Errorf("ForSite(%s) = %q, want %q", tt.site, got, tt.want)
		}
	}
}

// FuzzReadOrganisations checks that whatever ReadOrganisations accepts
// survives a round trip through WriteOrganisations.
func FuzzReadOrganisations(f *testing.F) {
	f.Add("name,dpo_email,parent,site_suffixes\nA,a@b.test,,a.test b.test\nB,,A,\n")
	f.Add("\ufeffName;x\n")
	f.Fuzz(func(t *testing.T, in string) {
		orgs, err := ReadOrganisations(strings.NewReader(in))
		if err != nil {
			return
		}
		var b strings.Builder
		if err := WriteOrganisations(&b, orgs); err != nil {
			t.Fatal(err)
		}
		again, err := ReadOrganisations(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("reading back %q: %v", b.String(), err)
		}
		if len(again) != len(orgs) {
			t.Fatalf("%d organisations read back, want %d", len(again), len(orgs))
		}
		for i := range orgs {
			if orgs[i].Name != again[i].Name || orgs[i].Parent != again[i].Parent || strings.Join(orgs[i].SiteSuffixes, " ") != strings.Join(again[i].SiteSuffixes, " ") {
				t.Fatalf("round trip: %+v became %+v", orgs[i], again[i])
			}
		}
	})
}

// The case is about what its alerts notified; a site's fix date is the
// verification that first saw all its notified failures gone, until a
// regression.
func TestNotifiedAndSiteFixes(t *testing.T) {
	const a, b = "http://a.test/", "http://b.test/"
	ref := func(id, site string) FindingRef { return FindingRef{ID: id, Site: site} }
	c := &Case{ID: "C-1", State: Open}
	for _, e := range []Event{
		{Date: date("2022-01-25"), Kind: "dpo-alerted", Findings: []FindingRef{ref("b1", b), ref("a1", a), ref("a2", a)}},
		{Date: date("2022-03-01"), Kind: "partially-fixed", Findings: []FindingRef{ref("a1", a), ref("b1", b)}},
		{Date: date("2022-04-01"), Kind: "partially-fixed", Findings: []FindingRef{ref("a1", a), ref("a2", a), ref("b1", b)}},
		{Date: date("2022-05-01"), Kind: "regressed", Findings: []FindingRef{ref("b1", b)}},
		{Date: date("2022-06-01"), Kind: "dpo-alerted", Findings: []FindingRef{ref("b1", b), ref("b2", b)}},
	} {
		if err := c.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	want := []FindingRef{ref("a1", a), ref("a2", a), ref("b1", b), ref("b2", b)}
	if got := c.Notified(); !slices.Equal(got, want) {
		t.Errorf("Notified = %v, want %v", got, want)
	}
	fixes := c.SiteFixes()
	if len(fixes) != 1 || !fixes[a].Equal(date("2022-04-01")) {
		t.Errorf("SiteFixes = %v; want only %s, fixed on 2022-04-01 (b fixed on 2022-03-01 regressed)", fixes, a)
	}
	if (&Case{}).Threshold() != finding.Low || (&Case{MinSeverity: finding.High}).Threshold() != finding.High {
		t.Error("Threshold: want low by default, the case's own otherwise")
	}
}
