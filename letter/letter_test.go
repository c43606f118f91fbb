package letter

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/cases"
	_ "vigie/check/all" // fills the catalogue the letters quote
	"vigie/finding"
	"vigie/internal/golden"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func fixture(lang string, public bool) *Data {
	c := &cases.Case{ID: "C-1", Organisation: "Ministère de l'Intérieur", Title: "Ministère de l'Intérieur — 2 sites", State: cases.Open, Created: day("2022-01-20")}
	notified := []cases.FindingRef{{ID: "aaa", Site: "http://www.ain.test"}, {ID: "ddd", Site: "http://www.isere.test"}, {ID: "bbb", Site: "http://www.rhone.test"}}
	for _, e := range []cases.Event{
		{Date: day("2022-01-25"), Kind: "dpo-alerted", Text: "Courriel au DPO du ministère", Document: &cases.Document{Name: "alerte.eml", SHA256: "9f86d081884c7d65"}, Findings: notified},
		{Date: day("2022-02-28"), Kind: "reminder"},
		{Date: day("2022-03-01"), Kind: "note", Text: "Appel de M. Dupont, 06 12 34 56 78", Private: true},
		{Date: day("2022-03-10"), Kind: "complaint-filed", Ref: "28-6912"},
		{Date: day("2022-03-15"), Kind: "partially-fixed", Text: "1 site corrigé sur 3", Findings: notified[1:2]},
	} {
		if err := c.Apply(e); err != nil {
			panic(err)
		}
	}
	detail := map[string]any{"categories": []any{"identity", "contact", "message"}}
	fixed := day("2022-03-15")
	// The Ain's form is in the footer of seven pages (a grouped finding as
	// checks build it: the letter names the first five); the Rhône's on
	// three (as read back from JSON: all named).
	ain := map[string]any{"categories": []any{"identity", "contact", "message"}, finding.DetailPagesCount: 7,
		finding.DetailPages: []string{"http://www.ain.test/", "http://www.ain.test/actualites", "http://www.ain.test/contact",
			"http://www.ain.test/demarches", "http://www.ain.test/elections", "http://www.ain.test/mentions-legales", "http://www.ain.test/plan"}}
	rhone := map[string]any{"categories": []any{"identity", "contact", "message"}, finding.DetailPagesCount: float64(3),
		finding.DetailPages: []any{"http://www.rhone.test/contact", "http://www.rhone.test/contact?objet=etat-civil", "http://www.rhone.test/rendez-vous"}}
	fs := []finding.Finding{
		{ID: "bbb", Check: "form.http-page", Severity: finding.High, Site: "http://www.rhone.test", URL: "http://www.rhone.test/contact", Organisation: "Préfecture du Rhône", Detail: rhone, FirstSeen: day("2022-01-21"),
			Evidence: []string{"warc:00001.warc.gz#urn:uuid:6a1e2b1c-0000-4000-8000-000000000002"}},
		{ID: "aaa", Check: "form.http-page", Severity: finding.High, Site: "http://www.ain.test", URL: "http://www.ain.test/", Organisation: "Préfecture de l'Ain", Detail: ain, FirstSeen: day("2022-01-20"),
			Evidence: []string{"warc:00001.warc.gz#urn:uuid:6a1e2b1c-0000-4000-8000-000000000001"}},
		// Fixed since the alert: in the chronology (with its fix date),
		// not in letters.
		{ID: "ddd", Check: "form.http-action", Severity: finding.High, Site: "http://www.isere.test", URL: "http://www.isere.test/contact", Organisation: "Préfecture de l'Isère", Detail: detail, FirstSeen: day("2022-01-20"), FixedAt: &fixed},
		// A note: never in a letter nor a chronology.
		{ID: "ccc", Check: "tls.cert-no-revocation", Severity: finding.Info, Site: "http://www.ain.test", URL: "https://www.ain.test/", Organisation: "Préfecture de l'Ain", FirstSeen: day("2022-01-20")},
	}
	d, err := New(Input{Lang: lang, Case: c, Findings: fs, Date: day("2022-01-25"), Sender: "Association Vigie",
		Organisation: cases.Organisation{Name: "Ministère de l'Intérieur", DPOEmail: "dpd@interieur.test", DPOAddress: "Place Beauvau, 75008 Paris"},
		Public:       public})
	if err != nil {
		panic(err)
	}
	return d
}

func TestLetters(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		for _, kind := range []string{Alert, Reminder, Complaint, "chronology"} {
			t.Run(kind+"."+lang, func(t *testing.T) {
				got, err := Markdown(fixture(lang, kind == "chronology"), kind, "")
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, kind+"."+lang+".md", got)
				if bytes.Contains(got, []byte("ccc")) || bytes.Contains(got, []byte("revocation")) || bytes.Contains(got, []byte("révocation")) {
					t.Error("a note (info) appears among the failures")
				}
				if isere := bytes.Contains(got, []byte("isere")); isere != (kind == "chronology") {
					t.Errorf("the fixed site named: %v, want %v (chronology only)", isere, kind == "chronology")
				}
				if kind == "chronology" && bytes.Contains(got, []byte("Dupont")) {
					t.Error("the public chronology shows a private event")
				}
				if lang == "fr" {
					checkFrench(t, string(got))
				}
			})
		}
		t.Run("chronology-html."+lang, func(t *testing.T) {
			got, err := HTML(fixture(lang, true), "")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "chronology."+lang+".html", got)
		})
	}
}

// checkFrench flags typography a French letter must not have.
func checkFrench(t *testing.T, s string) {
	t.Helper()
	for _, bad := range []string{"'", " :", " ;", " ?", " !", "« ", " »", "\"", "January", "February", "March"} {
		for _, line := range strings.Split(s, "\n") {
			if strings.Contains(line, bad) && !strings.Contains(line, "://"+bad) {
				t.Errorf("French text has %q: %s", bad, line)
			}
		}
	}
}

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "alert.en.md.tmpl"), []byte("Subject: {{.Organisation.Name}}\n{{len .Sites}} sites\n"), 0o644)
	got, err := Markdown(fixture("en", false), Alert, dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "Subject: Ministère de l'Intérieur\n2 sites\n" {
		t.Errorf("override = %q", got)
	}
	if _, err := Markdown(fixture("en", false), "summons", ""); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := New(Input{Lang: "de", Case: &cases.Case{}}); err == nil {
		t.Error("unknown language accepted")
	}
}

func TestEML(t *testing.T) {
	md, err := Markdown(fixture("fr", false), Alert, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := EML(md, Message{From: "Association Vigie <alerte@vigie.test>", To: "dpd@interieur.test", Date: time.Date(2022, 1, 25, 9, 30, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "alert.fr.eml", got)
	msg, err := mail.ReadMessage(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "Défauts de sécurité des données personnelles sur vos sites — Ministère de l’Intérieur" {
		t.Errorf("Subject = %q, %v", subject, err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	_, wantBody, _ := strings.Cut(string(md), "\n")
	if strings.ReplaceAll(string(body), "\r\n", "\n") != strings.TrimLeft(wantBody, "\n") {
		t.Errorf("decoded body differs from the letter:\n%s", body)
	}
	for _, line := range strings.Split(string(got), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78 octets: %q", line)
		}
	}
	if _, err := EML(md, Message{To: "x@y.test"}); err == nil {
		t.Error("missing From accepted")
	}
}

func TestFrench(t *testing.T) {
	tests := []struct{ in, want string }{
		{"l'adresse : ici", "l’adresse\u00a0: ici"},
		{"Pourquoi ? Parce que ; voilà !", "Pourquoi\u202f? Parce que\u202f; voilà\u202f!"},
		{`le "mot de passe" est`, "le «\u00a0mot de passe\u00a0» est"},
		{"voir http://exemple.test/a:b", "voir http://exemple.test/a:b"},
	}
	for _, tt := range tests {
		if got := French(tt.in); got != tt.want {
			t.Errorf("French(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		lang, date, want string
	}{{"fr", "2022-01-25", "25 janvier 2022"}, {"fr", "2022-08-01", "1er août 2022"}, {"en", "2022-07-10", "10 July 2022"}} {
		if got := FormatDate(tt.lang, day(tt.date)); got != tt.want {
			t.Errorf("FormatDate(%s, %s) = %q, want %q", tt.lang, tt.date, got, tt.want)
		}
	}
}
