package detect

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"vigie/pii"
)

var own = Options{OwnDomains: []string{"mairie-exemple.test"}}

// TestDetectors runs each detector on text where it must find exactly the
// listed values, look-alikes included.
func TestDetectors(t *testing.T) {
	tests := []foundCase{
		// E-mail addresses.
		{"email in prose", "text/plain", "Écrivez à Jean (jean.dupont@orange.fr) ou à M.Durand@Free.FR.",
			[]string{"email:jean.dupont@orange.fr", "email:m.durand@free.fr"}},
		{"own domain and role addresses are the organisation's", "text/plain",
			"Contact : accueil@mairie-exemple.test, marie.martin@mairie-exemple.test, mairie.saint-jean@wanadoo.fr, dpo@cdg01.fr, contact@association-x.fr, prefecture@ain.gouv.fr, jean.agent@interieur.gouv.fr",
			[]string{"org:email:accueil@mairie-exemple.test", "org:email:contact@association-x.fr", "org:email:dpo@cdg01.fr",
				"org:email:jean.agent@interieur.gouv.fr", "org:email:mairie.saint-jean@wanadoo.fr",
				"org:email:marie.martin@mairie-exemple.test", "org:email:prefecture@ain.gouv.fr"}},
		{"placeholders and file names are no addresses", "text/plain",
			"Format : prenom.nom@exemple.fr ou nom@domaine.fr. Logo : logo@2x.png, choices.js@10.0, user@localhost, a@b, @home, x@.fr, jean@-x.fr",
			nil},
		{"address in a URL's authority", "text/plain", "ftp://admin@serveur.fr/ et mailto:paul.lefevre@sfr.fr",
			[]string{"email:paul.lefevre@sfr.fr"}},

		// Phones.
		{"french phones in every notation", "text/plain",
			"Tél. 06 12 34 56 78 ; 07.11.22.33.44 ; 01-23-45-67-89 ; 0298765432 ; +33 6 98 76 54 32 ; +33 (0)7 65 43 21 09 ; 0033 6 55 44 33 22 ; Tél.05 56 00 11 22",
			[]string{"phone:+33123456789", "phone:+33298765432", "phone:+33556001122", "phone:+33612345678",
				"phone:+33655443322", "phone:+33698765432", "phone:+33711223344", "phone:+33765432109"}},
		{"international phones", "text/plain", "Bureau de Londres : +44 20 7946 0958 ; Genève +41 22 123 45 67 ; USA +1 415 555 2671",
			[]string{"org:phone:+442079460958", "phone:+14155552671", "phone:+41221234567"}},
		{"phone-like references are not phones", "text/plain", strings.Join([]string{
			"Commande n° 0612345678 expédiée.",
			"Votre dossier 0412345678 est en cours.",
			"Référence : 06 12 34 56 78",
			"N° de facture : 0123456789",
			"Suivi colis 0698765432.",
			"Arrêté n° 2024-0612 du préfet.",
			"Code 0612345678-B, lot CMD-0612345678, #0612345678, ?id=0612345678",
			"Montant : 0612345678€ ; 1 234 567 habitants ; 12 34 56 78 90 12",
			"Version 06.12.34.56.78.90 du logiciel",
		}, "\n"), nil},
		{"two phones in a row", "text/plain", "Tél : 04 76 12 34 56 06 12 34 56 78",
			[]string{"phone:+33476123456", "phone:+33612345678"}},
		{"service lines are the organisation's", "text/plain",
			"Accueil : 04 76 00 00 00\nAstreinte : 06 00 00 00 01\nNuméro vert 08 00 00 00 00\nFax 04 76 00 00 02",
			[]string{"org:phone:+33476000000", "org:phone:+33476000002", "org:phone:+33600000001", "org:phone:+33800000000"}},
		{"contact points named by their function", "text/html",
			"<p>Football club — Président : Jean Dupont, 06 12 34 56 78, jean.dupont@gmail.com</p><p>Chorale — contact : anne.roux@free.fr</p><p>Cousin de Jean : paul.dupont@free.fr, né le 01/02/1990</p><p>Responsable : luc.petit@orange.fr, né le 03/04/1985</p>",
			[]string{"birth:19850403", "birth:19900201", "email:luc.petit@orange.fr", "email:paul.dupont@free.fr", "org:email:anne.roux@free.fr",
				"org:email:jean.dupont@gmail.com", "org:phone:+33612345678"}},
		{"a phone next to the organisation's address is the organisation's", "text/html",
			"<ul><li>Service urbanisme — urbanisme@mairie-exemple.test — 04 76 11 22 33</li><li>Marc Petit — marc.petit@gmail.com — 06 11 22 33 44</li></ul>",
			[]string{"email:marc.petit@gmail.com", "org:email:urbanisme@mairie-exemple.test", "org:phone:+33476112233", "phone:+33611223344"}},

		// NIR.
		{"NIR with and without spaces, Corsica", "text/plain",
			"N° de sécurité sociale : 1 85 03 75 116 238 81. Autre : 291076912304543. Né en Corse : 1 85 03 2A 012 345 47.",
			[]string{"nir:185032A01234547", "nir:185037511623881", "nir:291076912304543"}},
		{"NIR look-alikes", "text/plain",
			"N° de sécurité sociale : 1 85 03 75 116 238 82. Commande 185037511623881. Colis 8 85 03 75 116 238 81.",
			nil},

		// IBAN.
		{"IBAN grouped and compact", "text/plain",
			"IBAN : FR76 1773 4397 5399 2273 4253 568 ; DE62370400440532013001 ; GB02 NWBK 6016 1331 9268 20.",
			[]string{"iban:DE62370400440532013001", "iban:FR7617734397539922734253568", "iban:GB02NWBK60161331926820"}},
		{"IBAN look-alikes", "text/plain",
			"TVA intracommunautaire : FR 12 732829320 ; FR12732829320 ; IBAN FR76 1773 4397 5399 2273 4253 569 ; référence AB12 3456 ; exemple FR76 3000 6000 0112 3456 7890 189",
			nil},

		// Cards.
		{"cards", "text/plain", "Carte : 4970 1012 3456 7893, exp. 12/27. Amex 3782 822463 10013. MC 5130004567890128.",
			[]string{"card:378282246310013", "card:4970101234567893", "card:5130004567890128"}},
		{"test cards and card look-alikes", "text/plain", strings.Join([]string{
			"Utilisez la carte de test 4242 4242 4242 4242 ou 4111 1111 1111 1111 (CB : 4970 1011 2233 4455).",
			"Numéro de commande 4000 1234 5678 9017.",
			"Suite 1234 5678 9012 3456 et 4970 1012 3456 7890 (clé fausse).",
			"4444 4444 4444 4448 ; 12345678901234567",
		}, "\n"), nil},
		{"SIRET versus card", "text/plain",
			"Société X, SIRET 732 829 320 00074, RCS Paris 732 829 320. Diners 3056 930902 5904. La Poste : SIRET 35600000049837. Mairie, SIRET : 21010010900011.",
			[]string{"org:siren:732829320", "org:siret:21010010900011", "org:siret:35600000049837", "org:siret:73282932000074"}},
		{"SIREN needs its name", "text/plain", "Population : 732 829 320 habitants du monde ; code 732829320.", nil},

		// Dates of birth.
		{"dates of birth in context", "text/plain", strings.Join([]string{
			"Jean Dupont, né le 12/03/1985 à Lyon.",
			"Marie Curie née le 7 novembre 1967.",
			"Date de naissance : 1er janvier 1990",
			"DOB: 1975-06-30",
			"Born on March 4, 1962.",
			"Né(e) le : 03.04.1955",
			"Date of birth 12th May 1980",
		}, "\n"), []string{"birth:19550403", "birth:19620304", "birth:19671107", "birth:19750630", "birth:19800512",
			"birth:19850312", "birth:19900101"}},
		{"dates that are not birthdays", "text/plain", strings.Join([]string{
			"Publié le 12/03/2024, mis à jour le 15 mars 2024.",
			"Séance du conseil municipal du 7 novembre 1985.",
			"Date de naissance : 12/03/1985 ; date d'adhésion : 01/09/2015.",
			"Victor Hugo, né le 26 février 1802 à Besançon.",
			"Déclaration de naissance : dans les 5 jours, au 01/02/2030 au plus tard.",
			"Né le 32/13/1985.",
		}, "\n"), []string{"birth:19850312"}},

		// Addresses.
		{"postal addresses of people", "text/plain", "Domicile : 12 rue des Lilas, 75011 Paris, anne.roux@gmail.com\nAdresse : 3 allée du Port 20000 Ajaccio, 06 12 34 56 78\nNée le 12/03/1985, 8, bd Pasteur 97400 Saint-Denis",
			[]string{"address:allee du port 20000 ajaccio", "address:bd pasteur 97400 saint", "address:rue des lilas 75011 paris",
				"birth:19850312", "email:anne.roux@gmail.com", "phone:+33612345678"}},
		{"an address alone is the organisation's", "text/plain", "Hôtel de ville, 1 place de la Mairie, 38000 Grenoble",
			[]string{"org:address:place de la mairie 38000 grenoble"}},
		{"postcodes without a street", "text/plain", "75011 Paris accueille 69000 visiteurs ; code 00123 ; 96000 ; Lyon 69003.", nil},

		// IP addresses.
		{"IP addresses in context", "text/plain", "Connexion depuis l'adresse IP 81.250.12.34 le 12/03/2024.\nIP: 2.3.4.5",
			[]string{"ip:2.3.4.5", "ip:81.250.12.34"}},
		{"version numbers are no IP addresses", "text/plain", "Version 4.2.1.0 ; Firefox 115.0.2.1 ; IP 127.0.0.1 ; IP 300.1.1.1", nil},

		// Special categories go with people.
		{"special categories next to a person", "text/html",
			"<table><tr><th>Nom</th><th>Courriel</th><th>Statut</th><th>Pathologie</th></tr>" +
				"<tr><td>Lucie Bernard</td><td>lucie.bernard@gmail.com</td><td>militante</td><td>diabète</td></tr></table>",
			[]string{"email:lucie.bernard@gmail.com", "health:diabete", "health:pathologie", "political:militante"}},
		{"special-category words without people", "text/html",
			"<h1>Handicap et maladie</h1><p>Le parti socialiste et les syndicats CGT, CFDT ont visité l'hôpital. Religion : laïcité.</p>", nil},
	}
	runCases(t, tests)
}

// TestFormats checks that structure gives context: column headers, JSON
// keys and XML elements label their values.
func TestFormats(t *testing.T) {
	tests := []foundCase{
		{"html table headers label cells", "text/html", `<table class="liste">
<thead><tr><th>Nom</th><th>Date de naissance</th><th>Date d'adhésion</th><th>Tél.</th><th>Adresse</th><th>Adresse IP</th></tr></thead>
<tbody><tr><td>Dupont</td><td>12/03/1985</td><td>01/09/2015</td><td>0612345678</td><td>12 avenue Foch 75016 Paris</td><td>81.2.3.4</td></tr>
<tr><td>Martin<td>1990-01-02<td>2016-02-03<td>07 11 22 33 44<td>Le Bourg 01000 Bourg-en-Bresse<td>90.1.2.3</tr></tbody></table>`,
			[]string{"address:avenue foch 75016 paris", "address:le bourg 01000 bourg", "birth:19850312", "birth:19900102",
				"ip:81.2.3.4", "ip:90.1.2.3", "phone:+33612345678", "phone:+33711223344"}},
		{"vertical table", "text/html", `<table><tr><th>Date de naissance</th><td>05/06/1971</td></tr><tr><th>N° de dossier</th><td>0612345678</td></tr></table>`,
			[]string{"birth:19710605"}},
		{"nested tables keep their own headers", "text/html", `<table><tr><th>Membre</th><th>Né le</th></tr>
<tr><td><table><tr><th>Commande</th></tr><tr><td>0612345678</td></tr></table></td><td>01/01/1980</td></tr></table>`,
			[]string{"birth:19800101"}},
		{"scripts, styles and comments are not text", "text/html",
			`<script>var tel = "06 12 34 56 78"; var m = "a.b@gmail.com";</script><style>/* 06 12 34 56 78 */</style><!-- jean@orange.fr --><p>Rien.</p>`,
			nil},
		{"mailto and tel links", "text/html", `<ul><li><a href="mailto:jean.dupont@orange.fr?subject=Adh%C3%A9sion">Jean Dupont</a></li><li><a href="MAILTO:paul%40free.fr">Paul</a> <a href="tel:+33698765432">appeler</a></li><li><a href="https://x.test/?tel=0612345678">lien</a></li></ul>`,
			[]string{"email:jean.dupont@orange.fr", "email:paul@free.fr", "phone:+33698765432"}},
		{"entities and inline markup", "text/html", `<p>jean&#46;dupont&#64;orange&period;fr, t&eacute;l&nbsp;: 06&nbsp;12&nbsp;34&nbsp;56&nbsp;78, m<b>arc</b>@free.fr</p>`,
			[]string{"email:jean.dupont@orange.fr", "email:marc@free.fr", "phone:+33612345678"}},
		{"json keys label values", "application/json", `{"membres":[
{"nom":"Dupont","email":"a.dupont@gmail.com","dateNaissance":"1985-03-12","created_at":"2015-09-01","tel":"0612345678","last_ip":"81.2.3.4","religion":"catholique"},
{"nom":"Martin","email":"b.martin@yahoo.fr","date_de_naissance":"02\/01\/1990","commande":"0712345678","iban":"FR76 2297 8627 6709 2555 3545 014"}]}`,
			[]string{"birth:19850312", "birth:19900102", "email:a.dupont@gmail.com", "email:b.martin@yahoo.fr",
				"iban:FR7622978627670925553545014", "ip:81.2.3.4", "phone:+33612345678", "religious:catholique", "religious:religion"}},
		{"json escapes", "application/json", `["jean\u002edupont\u0040orange.fr", "t\u00e9l\u00a0: 06 12 34 56 78", "\ud83d\ude00"]`,
			[]string{"email:jean.dupont@orange.fr", "phone:+33612345678"}},
		{"csv with semicolons and quotes", "text/csv", "\"Nom\";\"Prénom\";\"Date de naissance\";\"N° Sécu\";\"Commande\"\r\n" +
			"\"Dupont\";\"Jean\";\"12/03/1985\";\"1 85 03 75 116 238 81\";\"0612345678\"\r\n" +
			"\"Durand\";\"Anne \"\"Nanou\"\"\";\"01/02/1991\";\"291076912304543\";\"0698765432\"\r\n",
			[]string{"birth:19850312", "birth:19910201", "nir:185037511623881", "nir:291076912304543"}},
		{"csv without header", "text/csv", "jean@orange.fr,0612345678\npaul@free.fr,0698765432\n",
			[]string{"email:jean@orange.fr", "email:paul@free.fr", "phone:+33612345678", "phone:+33698765432"}},
		{"xml elements and attributes label values", "application/xml", `<?xml version="1.0"?>
<adherents><adherent id="12" email="c.roux@laposte.net"><nom>Roux</nom><naissance>1979-11-30</naissance><inscription>2019-11-30</inscription><![CDATA[06 12 34 56 78]]></adherent></adherents>`,
			[]string{"birth:19791130", "email:c.roux@laposte.net", "phone:+33612345678"}},
		{"sniffed json", "", `[{"mail":"z.z@gmail.com"}]`, []string{"email:z.z@gmail.com"}},
		{"binary is skipped", "application/octet-stream", "\x00\x01jean@orange.fr", nil},
	}
	runCases(t, tests)
}

// foundCase is a body and the values the detectors must find in it.
type foundCase struct {
	name, ct, body string
	want           []string
}

func runCases(t *testing.T, tests []foundCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := found(tt.body, tt.ct, own)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("found %q\nwant  %q\nflat %q", got, tt.want, flatten(tt.body, tt.ct))
			}
		})
	}
}

// TestPrecisionOnPublicPages scans realistic public pages full of
// look-alikes (dates, order and file numbers, service phones, the
// organisation's address and SIRET): nothing personal may come out.
func TestPrecisionOnPublicPages(t *testing.T) {
	for _, name := range []string{"mairie-actualites.html", "boutique-commande.html", "annuaire-services.html", "paiement-doc.html"} {
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			p := Scan(body, "text/html", own)
			if p.Has() {
				t.Errorf("personal data found: %+v\n%q", p, found(string(body), "text/html", own))
			}
		})
	}
}

// TestMemberList scans a page listing members, as the membership platform
// of the seed case did.
func TestMemberList(t *testing.T) {
	body, err := os.ReadFile("testdata/liste-adherents.html")
	if err != nil {
		t.Fatal(err)
	}
	o := own
	o.Salt = []byte("sel de test")
	p := Scan(body, "text/html", o)
	if p == nil {
		t.Fatal("nothing found")
	}
	want := map[string]int{"email": 6, "phone": 6, "birth": 6, "address": 6, "iban": 2, "political": 3}
	for k, n := range want {
		if p.Distinct[k] != n {
			t.Errorf("distinct %s = %d, want %d (%v)", k, p.Distinct[k], n, p.Distinct)
		}
	}
	if p.People != 6 {
		t.Errorf("People = %d, want 6", p.People)
	}
	if p.Counts[pii.Political] == 0 || p.Counts[pii.Financial] != 2 || p.Counts[pii.Contact] != 18 {
		t.Errorf("Counts = %v", p.Counts)
	}
	if p.Organisation["email"] != 1 {
		t.Errorf("Organisation = %v, want the contact address", p.Organisation)
	}
	if len(p.Samples) == 0 || len(p.Samples) > DefaultMaxSamples {
		t.Fatalf("%d samples", len(p.Samples))
	}
	digits := regexp.MustCompile(`[0-9]{5}`)
	for _, s := range p.Samples {
		if s.Category == "" || s.Masked == "" || (s.Kind == "email" || s.Kind == "phone") && !strings.Contains(s.Masked, "*") {
			t.Errorf("sample %+v", s)
		}
		if digits.MatchString(s.Masked) || strings.Contains(string(body), s.Masked) && s.Kind != pii.Political {
			t.Errorf("sample %+v shows too much", s)
		}
		if s.Kind != pii.Political && len(s.Hash) != 64 {
			t.Errorf("sample %+v: no hash", s)
		}
	}
}

func TestMasks(t *testing.T) {
	o := Options{Salt: []byte("s")}
	tests := []struct{ body, want string }{
		{"jean.dupont@exemple-mail.fr", "j***@e***.fr"},
		{"tél 06 12 34 56 78", "06 ** ** ** 78"},
		{"+44 20 7946 0958", "+44 ** ** ** 58"},
		{"IBAN FR76 1217 9025 9774 7392 6431 039", "FR76 **** … 39"},
		{"carte 4970 1012 3456 7893", "4970 **** … 7893"},
		{"NIR 1 85 03 75 116 238 81", "1 ** ** ** *** *** **"},
		{"né le 12/03/1985", "**/**/19**"},
		{"12 rue des Lilas 75011 Paris, né le 12/03/1985", "*** 75***"},
		{"IP 81.250.12.34", "81.*.*.*"},
	}
	for _, tt := range tests {
		p := Scan([]byte(tt.body), "text/plain", o)
		ok := false
		for _, s := range p.Samples {
			ok = ok || s.Masked == tt.want
		}
		if !ok {
			t.Errorf("%q: samples %+v, want %q", tt.body, p, tt.want)
		}
	}
}

func TestHashes(t *testing.T) {
	body := []byte("jean@orange.fr")
	a := Scan(body, "text/plain", Options{Salt: []byte("scan 1")})
	b := Scan(body, "text/plain", Options{Salt: []byte("scan 1")})
	c := Scan(body, "text/plain", Options{Salt: []byte("scan 2")})
	if a.Samples[0].Hash != b.Samples[0].Hash || a.Samples[0].Hash == c.Samples[0].Hash {
		t.Errorf("hashes: same salt %s %s, other salt %s", a.Samples[0].Hash, b.Samples[0].Hash, c.Samples[0].Hash)
	}
	if d := Scan(body, "text/plain", Options{}); d.Samples[0].Hash != "" {
		t.Errorf("unsalted hash %s", d.Samples[0].Hash)
	}
}

func TestSamplesBounded(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		b.WriteString("membre" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@gmail.com\n")
	}
	p := Scan([]byte(b.String()), "text/plain", Options{MaxSamples: 3})
	if p.Distinct["email"] != 200 || p.People != 200 || len(p.Samples) != 3 {
		t.Errorf("distinct %v people %d samples %d", p.Distinct, p.People, len(p.Samples))
	}
}

func TestNothing(t *testing.T) {
	for _, body := range []string{"", "Bonjour.", "<html><body><p>Horaires : 8h30-12h00.</p></body></html>"} {
		if p := Scan([]byte(body), "text/html", Options{}); p != nil {
			t.Errorf("%q: %+v", body, p)
		}
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		ct, body string
		want     Format
	}{
		{"text/html; charset=utf-8", "", FormatHTML},
		{"application/json", "", FormatJSON},
		{"application/vnd.api+json", "", FormatJSON},
		{"text/csv", "", FormatCSV},
		{"application/xml", "", FormatXML},
		{"text/plain", "", FormatText},
		{"image/png", "", FormatNone},
		{"application/javascript", "", FormatNone},
		{"application/octet-stream", "nom;email\n", FormatText},
		{"application/octet-stream", "PK\x03\x04\x00", FormatNone},
		{"", "  <!DOCTYPE html>", FormatHTML},
		{"", "<?xml version='1.0'?><a/>", FormatXML},
		{"", "[1,2]", FormatJSON},
	}
	for _, tt := range tests {
		if got := FormatOf(tt.ct, []byte(tt.body)); got != tt.want {
			t.Errorf("FormatOf(%q, %q) = %v, want %v", tt.ct, tt.body, got, tt.want)
		}
	}
}
