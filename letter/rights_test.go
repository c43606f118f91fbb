package letter

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"vigie/cases"
	"vigie/internal/golden"
)

// rightsFixture is a job seeker's request to the employment agency, sent
// on 31 January 2022, received on 1 February, extended on 20 February.
func rightsFixture(t *testing.T, right cases.Right, public bool, events ...cases.Event) *RightsData {
	t.Helper()
	c, err := cases.NewRightsRequest("France Travail", cases.Request{Right: right, Subject: "Jean Exemple",
		Contact: "jean.exemple@example.test", About: "mon dossier de demandeur d'emploi, identifiant 1234567A"}, day("2022-01-30"))
	if err != nil {
		t.Fatal(err)
	}
	c.ID = "C-7"
	for _, e := range events {
		if err := c.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	org := cases.Organisation{Name: "France Travail", DPOEmail: "dpo@francetravail.test", DPOAddress: "1 avenue du Docteur Gley, 75020 Paris"}
	d, err := NewRights("fr", &c, org, day("2022-01-31"), public)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRightsLetters(t *testing.T) {
	sent := []cases.Event{
		{Date: day("2022-01-31"), Kind: "request-sent", Text: "formulaire en ligne, accusé 4242", Private: true},
		{Date: day("2022-02-01"), Kind: "request-received"},
		{Date: day("2022-02-20"), Kind: "extension", Text: "courriel de M. Martin"},
	}
	tests := []struct {
		kind  string
		right cases.Right
		evs   []cases.Event
		date  string
	}{
		{RightsAccess, cases.RightAccess, nil, "2022-01-31"},
		{RightsErasure, cases.RightErasure, nil, "2022-01-31"},
		{RightsObjection, cases.RightObjection, nil, "2022-01-31"},
		{RightsComplaint, cases.RightAccess, sent, "2022-05-03"},
		{"chronology", cases.RightAccess, append(sent, cases.Event{Date: day("2022-05-03"), Kind: "complaint-filed", Ref: "28-7999"}), "2022-05-10"},
	}
	for _, tt := range tests {
		for _, lang := range []string{"fr", "en"} {
			t.Run(tt.kind+"."+lang, func(t *testing.T) {
				d := rightsFixture(t, tt.right, tt.kind == "chronology", tt.evs...)
				d2, err := NewRights(lang, d.Case, d.Organisation, day(tt.date), tt.kind == "chronology")
				if err != nil {
					t.Fatal(err)
				}
				got, err := RightsMarkdown(d2, tt.kind, "")
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, "rights-"+strings.TrimPrefix(tt.kind, "rights-")+"."+lang+".md", got)
				if lang == "fr" {
					checkFrench(t, string(got))
				}
				if tt.kind == "chronology" {
					for _, leak := range []string{"Jean", "Exemple", "1234567A", "jean.exemple", "Martin", "4242"} {
						if bytes.Contains(got, []byte(leak)) {
							t.Errorf("the public chronology names the subject: %q", leak)
						}
					}
					html, err := RightsHTML(d2, "")
					if err != nil {
						t.Fatal(err)
					}
					golden.Check(t, "rights-chronology."+lang+".html", html)
					if bytes.Contains(html, []byte("Jean")) || bytes.Contains(html, []byte("Martin")) {
						t.Error("the public HTML chronology names the subject")
					}
					return
				}
				for _, want := range []string{"Jean Exemple", "1234567A"} {
					if !bytes.Contains(got, []byte(want)) {
						t.Errorf("the letter lacks %q", want)
					}
				}
			})
		}
	}
}

// TestRightsAccessAsks: the access request asks for what art. 15 gives,
// recipients by name and retention above all.
func TestRightsAccessAsks(t *testing.T) {
	for lang, wants := range map[string][]string{
		"fr": {"15, paragraphe 1, point c", "partenaire", "C-154/21", "durée de conservation", "15, paragraphe 1, point d", "copie", "source", "12, paragraphe 3", "article 77"},
		"en": {"Article 15(1)(c)", "partner", "C-154/21", "stored", "Article 15(1)(d)", "copy", "source", "Article 12(3)", "Article 77"},
	} {
		d := rightsFixture(t, cases.RightAccess, false)
		d, _ = NewRights(lang, d.Case, d.Organisation, d.Date, false)
		got, err := RightsMarkdown(d, RightsAccess, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !strings.Contains(string(got), w) {
				t.Errorf("%s access request lacks %q", lang, w)
			}
		}
	}
}

func TestRightsRefused(t *testing.T) {
	sent := cases.Event{Date: day("2022-01-31"), Kind: "request-sent"}
	tests := []struct {
		name      string
		right     cases.Right
		kind      string
		evs       []cases.Event
		date      string
		public    bool
		premature bool
	}{
		{name: "letter of another right", right: cases.RightAccess, kind: RightsErasure, date: "2022-01-31"},
		{name: "complaint before sending", right: cases.RightAccess, kind: RightsComplaint, date: "2022-06-01", premature: true},
		{name: "complaint on the deadline", right: cases.RightAccess, kind: RightsComplaint, evs: []cases.Event{sent}, date: "2022-02-28", premature: true},
		{name: "complaint within the extension", right: cases.RightAccess, kind: RightsComplaint, date: "2022-03-15", premature: true,
			evs: []cases.Event{sent, {Date: day("2022-02-10"), Kind: "extension"}}},
		{name: "a letter in a public rendering", right: cases.RightAccess, kind: RightsAccess, date: "2022-01-31", public: true},
		{name: "unknown kind", right: cases.RightAccess, kind: "alert", date: "2022-01-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := rightsFixture(t, tt.right, tt.public, tt.evs...)
			d.Date = day(tt.date)
			_, err := RightsMarkdown(d, tt.kind, "")
			if err == nil {
				t.Fatal("accepted")
			}
			if errors.Is(err, ErrPremature) != tt.premature {
				t.Errorf("err = %v, premature %v", err, tt.premature)
			}
		})
	}
	// The day after the deadline, the complaint is in order.
	d := rightsFixture(t, cases.RightAccess, false, sent)
	d.Date = day("2022-03-01")
	if _, err := RightsMarkdown(d, RightsComplaint, ""); err != nil {
		t.Errorf("complaint the day after the deadline: %v", err)
	}
	if _, err := NewRights("fr", &cases.Case{ID: "C-1"}, cases.Organisation{}, d.Date, false); err == nil {
		t.Error("a finding case made rights data")
	}
}
