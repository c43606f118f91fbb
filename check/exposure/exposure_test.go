package exposure

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii/detect"
)

func page(url string, mod func(*observation.Page)) observation.Page {
	p := observation.Page{Probe: observation.Probe{URL: url, FinalURL: url, Status: 200}, ContentType: "text/html"}
	if mod != nil {
		mod(&p)
	}
	return p
}

// scanned is a page whose body the detectors read, as the crawler does.
func scanned(url, ct, body string) observation.Page {
	return page(url, func(p *observation.Page) {
		p.ContentType = ct
		p.Personal = detect.Scan([]byte(body), ct, detect.Options{Salt: []byte("test"), OwnDomains: []string{"mairie.test"}})
	})
}

func listed(url string, entries ...string) observation.Page {
	return page(url, func(p *observation.Page) { p.Listing = entries })
}

const members = `<table><tr><th>Nom</th><th>Courriel</th><th>Téléphone</th><th>Date de naissance</th></tr>
<tr><td>Jean Dupont</td><td>jean.dupont@orange.fr</td><td>06 12 34 56 78</td><td>12/03/1958</td></tr>
<tr><td>Sophie Martin</td><td>sophie.martin@gmail.com</td><td>07 98 76 54 32</td><td>30/11/1972</td></tr>
<tr><td>Luc Bernard</td><td>luc.bernard@free.fr</td><td>06 55 44 33 22</td><td>14/07/1985</td></tr></table>`

type want struct {
	check    string
	severity finding.Severity
	conf     string
}

func TestExposureChecks(t *testing.T) {
	tests := []struct {
		name  string
		pages []observation.Page
		want  []want
	}{
		{"member list with birth dates", []observation.Page{scanned("http://parti.test/adherents", "text/html", members)},
			[]want{{"exposure.pii-unauthenticated", finding.Critical, finding.Firm}}},
		{"member list revealing political opinions", []observation.Page{scanned("http://parti.test/adherents", "text/html",
			strings.ReplaceAll(members, "</td></tr>", "</td><td>militant</td></tr>"))},
			[]want{{"exposure.pii-unauthenticated", finding.Critical, finding.Firm}}},
		{"one NIR is enough", []observation.Page{scanned("http://x.test/export.txt", "text/plain", "Dossier de M. X, NIR 1 85 03 75 116 238 81")},
			[]want{{"exposure.pii-unauthenticated", finding.Critical, finding.Firm}}},
		{"one IBAN is enough", []observation.Page{scanned("http://x.test/mandat.json", "application/json", `{"titulaire":"X","iban":"FR76 1773 4397 5399 2273 4253 568"}`)},
			[]want{{"exposure.pii-unauthenticated", finding.Critical, finding.Firm}}},
		{"csv export of many people's e-mail addresses", []observation.Page{scanned("http://x.test/exports/liste.csv", "text/csv", csvOf(25))},
			[]want{{"exposure.pii-unauthenticated", finding.High, finding.Firm}}},
		{"three people with e-mail and phone: tentative", []observation.Page{scanned("http://ecole.test/covoiturage", "text/html",
			"<ul><li>Famille Blanc : a.b@gmail.com, 06 11 11 11 12</li><li>Famille Roux : c.d@free.fr, 06 22 22 22 23</li><li>Famille Petit : e.f@orange.fr, 06 33 33 33 34</li></ul>")},
			[]want{{"exposure.pii-unauthenticated", finding.High, finding.Tentative}}},
		{"an association directory names its contacts", []observation.Page{scanned("https://www.mairie.test/associations", "text/html",
			"<ul><li>Football club — Président : Jean Dupont, 06 12 34 56 78, jean.dupont@gmail.com</li><li>Chorale — Contact : Anne Roux, anne.roux@free.fr, 06 98 76 54 32</li>"+
				"<li>Gym volontaire — Responsable : Luc Petit, 07 11 22 33 44, luc.petit@orange.fr</li><li>Comité des fêtes — Secrétaire : Marie Blanc, marie.blanc@laposte.net</li></ul>")}, nil},

		// Look-alikes.
		{"a staff directory of the organisation's own addresses", []observation.Page{scanned("https://www.mairie.test/annuaire", "text/html",
			"<ul><li>Marie Martin, DGS, marie.martin@mairie.test, 04 76 00 00 01, 06 10 20 30 40</li><li>Paul Durand, cabinet, paul.durand@mairie.test, 06 20 30 40 50</li>"+
				"<li>Accueil, accueil@mairie.test</li><li>CCAS : ccas.mairie@orange.fr, 06 30 40 50 60</li></ul>")}, nil},
		{"a contact page with service lines and role addresses", []observation.Page{scanned("https://www.mairie.test/contact", "text/html",
			"<p>Standard : 04 76 00 00 00. Urgences : 06 00 00 00 01. Police municipale : 06 00 00 00 17. Écrire à mairie@wanadoo.fr ou dpo@cdg38.fr.</p>")}, nil},
		{"one or two contacts", []observation.Page{scanned("https://www.mairie.test/presse", "text/html",
			"<p>Contact presse : Anne Roux, anne.roux@agence.fr, 06 12 34 56 78 ; Luc Blanc, luc.blanc@agence.fr.</p>")}, nil},
		{"order numbers and dates", []observation.Page{scanned("https://shop.test/commande", "text/html",
			"<p>Commande n° 0612345678 du 12/03/2024, facture 0412345678, colis 0698765432.</p>")}, nil},
		{"test cards in documentation", []observation.Page{scanned("https://pay.test/doc", "text/html",
			"<p>Cartes de test : 4242 4242 4242 4242, 5555 5555 5555 4444. IBAN d'exemple FR76 3000 6000 0112 3456 7890 189.</p>")}, nil},
		{"an error page is skipped", []observation.Page{func() observation.Page {
			p := scanned("http://x.test/secret", "text/html", members)
			p.Status = 403
			return p
		}()}, nil},

		// Directory listings: one finding a site, its severity from what the
		// files listed were seen to hold.
		{"listing of exports, not read", []observation.Page{listed("http://x.test/exports/", "adherents-2024.csv", "archives/", "base.sql.gz")},
			[]want{{"exposure.directory-listing", finding.Critical, finding.Certain}}},
		{"listing of images", []observation.Page{listed("http://x.test/images/", "logo.png", "photos/", "bandeau.jpg")},
			[]want{{"exposure.directory-listing", finding.Low, finding.Certain}}},
		{"listing of an archive", []observation.Page{listed("http://x.test/depot/", "site-2019.zip", "notice.pdf")},
			[]want{{"exposure.directory-listing", finding.Medium, finding.Certain}}},
		{"not a listing", []observation.Page{page("http://x.test/produits/", nil)}, nil},
		{"one finding a site, sorted or not, folder after folder", []observation.Page{listed("http://x.test/exports/", "a.pdf"),
			listed("http://x.test/exports/?C=M;O=A", "a.pdf"), listed("http://x.test/docs/", "b.pdf", "sub/"), listed("http://x.test/docs/sub/", "c.txt")},
			[]want{{"exposure.directory-listing", finding.Low, finding.Certain}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "https://www.mairie.test/", Host: "www.mairie.test", Pages: tt.pages}
			var got []want
			for _, f := range check.Run(site) {
				got = append(got, want{f.Check, f.Severity, f.Confidence})
				if f.ID == "" || f.Location == "" || len(f.Legal) == 0 || f.Title == "" {
					t.Errorf("incomplete finding %+v", f)
				}
				if why, _ := f.Detail["severity_reason"].(map[string]string); why["en"] == "" || why["fr"] == "" {
					t.Errorf("%s: no severity_reason in %v", f.Check, f.Detail)
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i].check < got[j].check })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func csvOf(n int) string {
	var b strings.Builder
	b.WriteString("nom;email\n")
	for i := range n {
		b.WriteString("Personne;prenom" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".nom@gmail.com\n")
	}
	return b.String()
}

// TestDetailMasked checks that findings carry no identifier in clear.
func TestDetailMasked(t *testing.T) {
	site := &observation.Site{URL: "http://parti.test/", Pages: []observation.Page{
		scanned("http://parti.test/adherents", "text/html", members),
		listed("http://parti.test/exports/", "jean.dupont@orange.fr.csv", "liste.csv"),
	}}
	fs := check.Run(site)
	if len(fs) != 2 {
		t.Fatalf("%d findings", len(fs))
	}
	b, err := json.Marshal(fs)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"jean.dupont", "sophie.martin@gmail.com", "06 12 34 56 78", "0612345678", "12/03/1958", "1958-03-12", "19580312"} {
		if strings.Contains(string(b), clear) {
			t.Errorf("finding detail shows %q: %s", clear, b)
		}
	}
	if !strings.Contains(string(b), `/exports/***.csv"`) || !strings.Contains(string(b), "liste.csv") || !strings.Contains(string(b), "***@") {
		t.Errorf("detail lacks masked names or samples: %s", b)
	}
}
