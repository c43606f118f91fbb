package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"vigie/internal/golden"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/observatory"
)

// testCatalogue is a family of checks for the report tests only; its IDs
// live under "test." so that they never clash with real families linked
// into the same binary.
const testCatalogue = `[
  {"id": "test.alpha", "severity": "high", "confidence": "firm",
   "title": {"en": "Personal-data form served over HTTP", "fr": "Formulaire de données personnelles servi en HTTP"},
   "rationale": {"en": "Anyone on the network path can read or change what the user types.", "fr": "Toute personne sur le chemin réseau peut lire ou modifier ce que saisit l'usager."},
   "remediation": {"en": "Serve the page and its form action over HTTPS only, and redirect HTTP to HTTPS.", "fr": "Servir la page et l'action du formulaire en HTTPS uniquement, et rediriger HTTP vers HTTPS."},
   "legal": ["GDPR art. 5(1)(f)", "GDPR art. 32"],
   "guidance": ["CNIL security guide 2024, fiche 10"]},
  {"id": "test.beta", "severity": "medium", "confidence": "firm",
   "title": {"en": "Obsolete TLS version accepted", "fr": "Version de TLS obsolète acceptée"},
   "rationale": {"en": "TLS 1.0 and 1.1 have known weaknesses.", "fr": "TLS 1.0 et 1.1 ont des faiblesses connues."},
   "remediation": {"en": "Accept TLS 1.2 and 1.3 only.", "fr": "N'accepter que TLS 1.2 et 1.3."},
   "legal": ["GDPR art. 32"]},
  {"id": "test.gamma", "family": "testother", "severity": "critical", "confidence": "certain", "active": true,
   "title": {"en": "Personal records readable without authentication", "fr": "Dossiers personnels lisibles sans authentification"},
   "rationale": {"en": "Guessable record URLs expose other people's files.", "fr": "Des adresses de dossiers devinables exposent les fichiers d'autrui."},
   "remediation": {"en": "Check the user's rights on every record request.", "fr": "Vérifier les droits de l'usager à chaque accès à un dossier."},
   "legal": ["GDPR art. 5(1)(f)", "GDPR art. 25(2)", "GDPR art. 32"]},
  {"id": "test.delta", "severity": "low", "confidence": "tentative",
   "title": {"en": "Session cookie lacks Secure | HttpOnly", "fr": "Cookie de session sans Secure | HttpOnly"},
   "rationale": {"en": "A <script> or a plain-HTTP request can reach the cookie.", "fr": "Un <script> ou une requête HTTP peut atteindre le cookie."},
   "remediation": {"en": "Set Secure and HttpOnly on session cookies.", "fr": "Poser Secure et HttpOnly sur les cookies de session."},
   "legal": ["GDPR art. 32"]},
  {"id": "test.epsilon", "severity": "info", "confidence": "certain",
   "title": {"en": "Privacy policy found", "fr": "Politique de confidentialité trouvée"},
   "rationale": {"en": "Recorded for the case file.", "fr": "Noté pour le dossier."},
   "remediation": {"en": "Nothing to do.", "fr": "Rien à faire."},
   "legal": ["GDPR art. 13"]}
]`

func init() {
	check.Register("testfam", []byte(testCatalogue), func(*observation.Site, *check.Reporter) {})
}

var (
	t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
	t1 = t0.Add(4*time.Minute + 12*time.Second)
)

// mkFinding builds a finding the way check.Reporter does, with fixed times.
func mkFinding(checkID, site, url, org string, detail map[string]any) finding.Finding {
	f := finding.Finding{
		Check:        checkID,
		Site:         site,
		URL:          url,
		Organisation: org,
		Detail:       detail,
		Scan:         "20250314T092653Z-7f3a",
		FirstSeen:    t0.Add(-72 * time.Hour),
		LastSeen:     t0.Add(time.Minute),
		Location:     finding.NormaliseURL(url),
	}
	f.ID = finding.MakeID(checkID, site, f.Location)
	if m, ok := check.Lookup(checkID); ok {
		f.Severity, f.Confidence, f.Title = m.Severity, m.Confidence, m.Title.EN
		f.Legal = append([]string(nil), m.Legal...)
	}
	return f
}

const hostileOrg = `<script>alert("org")</script>`

// fixture returns the sites every golden file is made of.
func fixture() []*Site {
	const pref = "https://www.prefecture-exemple.gouv.fr/"
	const prefOrg = "Préfecture de l'Exemple"
	const tele = "https://teleservices.prefecture-exemple.gouv.fr/"
	const mairie = "http://mairie-exemple.fr/"

	teleBeta := mkFinding("test.beta", tele, tele, prefOrg, map[string]any{"protocols": []string{"TLS 1.0", "TLS 1.1"}})
	teleBeta.Severity = finding.High // a site collecting personal data raises it

	unknown := mkFinding("test.unregistered", mairie,
		"https://mairie-exemple.fr/services/etat-civil/demande-acte-de-naissance/formulaire-en-ligne/etape-2?session=8f2c1a&retour=accueil",
		hostileOrg, map[string]any{"note": "found by a family this binary does not link"})
	unknown.Severity, unknown.Confidence, unknown.Title = finding.Medium, finding.Tentative, "Check missing from the catalogue"

	return []*Site{
		{
			URL: pref, Organisation: prefOrg, Tags: []string{"prefecture", "dept:01"},
			Pages: 12, Forms: 3, PersonalForms: 2,
			HTTPObservatory: &observatory.Result{Score: 55, Grade: "C", Version: observatory.Version,
				Tests: map[string]observatory.Test{"content-security-policy": {Result: "csp-not-implemented", ScoreModifier: -25}}},
			Retention: []observation.RetentionStatement{
				{Sentence: "Les messages du formulaire de contact sont conservés 20 ans", Days: 7300, Topic: "contact", URL: pref + "mentions-legales"},
				{Sentence: "Les dossiers sont conservés <b>sans limitation de durée</b>", Unlimited: true, URL: pref + "rgpd"},
			},
			Findings: []finding.Finding{
				mkFinding("test.alpha", pref, "http://www.prefecture-exemple.gouv.fr/contact", prefOrg, map[string]any{
					"form_action": "http://www.prefecture-exemple.gouv.fr/contact/envoi",
					"method":      "post",
					"fields": []map[string]string{
						{"name": "nom", "category": "identity"},
						{"name": "courriel", "category": "contact"},
					},
				}),
				mkFinding("test.delta", pref, pref, prefOrg, map[string]any{"cookie": "PHPSESSID"}),
				mkFinding("test.gamma", pref, "https://www.prefecture-exemple.gouv.fr/demarches/dossier?id=1043", prefOrg,
					map[string]any{"parameter": "id", "records_seen": 3}),
			},
		},
		{
			URL: mairie, Organisation: hostileOrg, Pages: 3, Forms: 1, PersonalForms: 1,
			Findings: []finding.Finding{
				mkFinding("test.beta", mairie, "https://mairie-exemple.fr/", hostileOrg, map[string]any{"protocols": []string{"TLS 1.0"}}),
				unknown,
			},
		},
		{URL: "https://www.commune-sans-organisme.fr/", Pages: 5},
		{
			URL: "https://injoignable.exemple.fr/", Organisation: "Commune d'Injoignable",
			Error: "dial tcp: lookup injoignable.exemple.fr: no such host", ErrorKind: observation.KindDNS,
		},
		{
			URL: tele, Organisation: prefOrg, Pages: 40, Forms: 9, PersonalForms: 7,
			Findings: []finding.Finding{
				teleBeta,
				mkFinding("test.epsilon", tele, "https://teleservices.prefecture-exemple.gouv.fr/confidentialite", prefOrg, nil),
			},
		},
	}
}

func fixtureScan() Scan {
	return Scan{
		ID:       "20250314T092653Z-7f3a",
		Started:  t0,
		Ended:    t1,
		Version:  "0.1.0-test",
		Settings: map[string]string{"concurrency": "16", "max-pages": "50", "active": "false"},
	}
}

// render writes sites in format and returns the document.
func render(t *testing.T, format string, o Options, sites []*Site, scan Scan) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := New(format, &b, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		if err := w.WriteSite(s); err != nil {
			t.Fatalf("%s: WriteSite(%s): %v", format, s.URL, err)
		}
	}
	if err := w.Close(scan); err != nil {
		t.Fatalf("%s: Close: %v", format, err)
	}
	return b.Bytes()
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, name, got)
}

func TestGolden(t *testing.T) {
	tests := []struct {
		golden string
		format string
		opts   Options
	}{
		{"report.jsonl.golden", "jsonl", Options{SiteRecords: true}},
		{"report.csv.golden", "csv", Options{}},
		{"report.fr.csv.golden", "csv", Options{Lang: "fr"}},
		{"report.sarif.golden", "sarif", Options{}},
		{"report.en.html.golden", "html", Options{Lang: "en"}},
		{"report.fr.html.golden", "html", Options{Lang: "fr"}},
		{"report.table.golden", "table", Options{}},
		{"report.color.table.golden", "table", Options{Color: true}},
		{"report.fr.table.golden", "table", Options{Lang: "fr"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			checkGolden(t, tt.golden, render(t, tt.format, tt.opts, fixture(), fixtureScan()))
		})
	}
}

func TestNewRejectsUnknownFormatAndLanguage(t *testing.T) {
	_, err := New("pdf", &bytes.Buffer{}, Options{})
	if err == nil {
		t.Fatal("New(pdf) succeeded")
	}
	for _, f := range Formats() {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not list format %s", err, f)
		}
	}
	if _, err := New("jsonl", &bytes.Buffer{}, Options{Lang: "de"}); err == nil {
		t.Error("New with Lang de succeeded")
	}
	for _, f := range Formats() {
		if _, err := New(strings.ToUpper(f), &bytes.Buffer{}, Options{Lang: "FR"}); err != nil {
			t.Errorf("New(%s): %v", f, err)
		}
	}
}

func TestWriteSiteNil(t *testing.T) {
	for _, f := range Formats() {
		w, err := New(f, &bytes.Buffer{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteSite(nil); err == nil {
			t.Errorf("%s: WriteSite(nil) succeeded", f)
		}
	}
}

// Every format must produce a well-formed, empty document for a scan
// without sites.
func TestEmptyScan(t *testing.T) {
	for _, f := range Formats() {
		out := render(t, f, Options{}, nil, Scan{})
		switch f {
		case "jsonl":
			if len(out) != 0 {
				t.Errorf("jsonl: %q, want nothing", out)
			}
		case "csv":
			if got := string(out); got != strings.Join(csvHeader, ",")+"\n" {
				t.Errorf("csv: %q, want the header alone", got)
			}
		case "table":
			if !strings.Contains(string(out), "0 sites audited, 0 failed, 0 findings") {
				t.Errorf("table: %q", out)
			}
		default:
			if len(out) == 0 {
				t.Errorf("%s: empty output", f)
			}
		}
	}
}

func TestScanCountsOverrideSitesWritten(t *testing.T) {
	scan := fixtureScan()
	scan.Sites, scan.Failed = 120, 7
	out := string(render(t, "table", Options{}, fixture(), scan))
	if !strings.Contains(out, "113 sites audited, 7 failed, 7 findings (1 critical, 2 high, 2 medium, 1 low, 1 info)") {
		t.Errorf("summary does not use the scan's counts:\n%s", out)
	}
}

func TestTitle(t *testing.T) {
	known := finding.Finding{Check: "test.alpha", Title: "stale title"}
	if got := title(&known, "fr"); got != "Formulaire de données personnelles servi en HTTP" {
		t.Errorf("fr title = %q", got)
	}
	if got := title(&known, "en"); got != "Personal-data form served over HTTP" {
		t.Errorf("en title = %q", got)
	}
	unknown := finding.Finding{Check: "x.nope", Title: "Own title"}
	if got := title(&unknown, "fr"); got != "Own title" {
		t.Errorf("fallback title = %q", got)
	}
	bare := finding.Finding{Check: "x.bare"}
	if got := title(&bare, "en"); got != "x.bare" {
		t.Errorf("title without catalogue or Title = %q", got)
	}
}

func TestKeyDetail(t *testing.T) {
	tests := []struct {
		in   map[string]any
		want string
	}{
		{nil, ""},
		{map[string]any{"method": "post", "count": 3, "ok": true}, "count: 3; method: post; ok: true"},
		{map[string]any{"protocols": []string{"TLS 1.0", "TLS 1.1"}}, "protocols: TLS 1.0, TLS 1.1"},
		{map[string]any{"fields": []map[string]string{{"name": "nom"}}}, `fields: [{"name":"nom"}]`},
		{map[string]any{"a": map[string]int{"b": 1}, "z": nil}, `a: {"b":1}; z: null`},
		{map[string]any{"html": "<b>&</b>"}, "html: <b>&</b>"},
		{map[string]any{"long": strings.Repeat("é", 300)}, "long: " + strings.Repeat("é", maxDetail-7) + "…"},
	}
	for _, tt := range tests {
		if got := keyDetail(tt.in); got != tt.want {
			t.Errorf("keyDetail(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
