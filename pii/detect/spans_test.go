package detect

import (
	"os"
	"strings"
	"testing"
)

// masked runs the masker on body and returns the masked body.
func masked(body, contentType string) string {
	spans, ok := Find([]byte(body), contentType, MaskOptions{OwnDomains: []string{"mairie-exemple.test"}})
	if !ok {
		return "<withheld>"
	}
	return string(Redact([]byte(body), spans))
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, contentType, in, want string
	}{
		// Identifiers, whatever the words around them.
		{"email", "text/html", "écrire à jean.dupont@exemple.fr.", "écrire à [masked:email]."},
		{"email as reference", "text/html", "marie&#64;exemple.org et marie&#x40;exemple.org", "[masked:email] et [masked:email]"},
		{"email in a mailto link", "text/html", `<a href="mailto:paul%40exemple.net">écrire</a>`, `<a href="mailto:[masked:email]">écrire</a>`},
		{"phone with no-break spaces", "text/html", "01&nbsp;23&nbsp;45&nbsp;67&nbsp;89", "[masked:phone]"},
		{"order number that may be a phone", "text/plain", "commande n° 0612345678", "commande n° [masked:phone]"},
		{"NIR without a valid key", "text/plain", "1 85 12 2A 123 456 12", "[masked:nir]"},
		{"example IBAN", "text/plain", "IBAN FR76 3000 6000 0112 3456 7890 189", "IBAN [masked:iban]"},
		{"any date", "text/plain", "relance du 2.1.2024", "relance du [masked:date]"},
		{"IPv4", "text/plain", "depuis 90.12.34.56", "depuis [masked:ip]"},
		// The organisation's contact points stay.
		{"own address", "text/html", "<p>Accueil : contact@mairie-exemple.test, 04 76 00 00 00</p>", "<p>Accueil : contact@mairie-exemple.test, 04 76 00 00 00</p>"},
		{"a person's phone next to the organisation's words", "text/html", "<p>Jean Dupont, mairie, 04 76 00 00 00</p>", "<p>[masked:name], mairie, [masked:phone]</p>"},
		// Structure: values under labels, whatever they look like.
		{"column headers", "text/html", "<table><tr><th>Nom</th><th>Ville</th><th>Tarif</th></tr><tr><td>Zorglub</td><td>Cluny</td><td>12 €</td></tr></table>",
			"<table><tr><th>Nom</th><th>Ville</th><th>Tarif</th></tr><tr><td>[masked:identity]</td><td>[masked:contact]</td><td>12 €</td></tr></table>"},
		{"row headers", "text/html", "<table><tr><th>Nom</th><td>NGUYEN Linh</td></tr><tr><th>Statut</th><td>adhérente</td></tr></table>",
			"<table><tr><th>Nom</th><td>[masked:identity]</td></tr><tr><th>Statut</th><td>adhérente</td></tr></table>"},
		{"cell with markup", "text/html", "<table><tr><th>Prénom</th></tr><tr><td><b>Zoé</b> <i>Ange</i></td></tr></table>",
			"<table><tr><th>Prénom</th></tr><tr><td><b>[masked:identity]</b> <i>[masked:identity]</i></td></tr></table>"},
		{"definition list", "text/html", "<dl><dt>Commentaire</dt><dd>mon voisin bat son chien</dd><dt>Service</dt><dd>Urbanisme</dd></dl>",
			"<dl><dt>Commentaire</dt><dd>[masked:message]</dd><dt>Service</dt><dd>Urbanisme</dd></dl>"},
		{"label and value", "text/html", "<p><b>Date de naissance :</b> le jour de Noël</p>", "<p><b>Date de naissance :</b> [masked:birth]</p>"},
		{"form value", "text/html", `<input name="prenom" value="Zoé"><input name="q" value="horaires">`, `<input name="prenom" value="[masked:identity]"><input name="q" value="horaires">`},
		{"query string", "text/html", `<a href="/fiche?nom=Zorglub&amp;page=2">fiche</a>`, `<a href="/fiche?nom=[masked:identity]&amp;page=2">fiche</a>`},
		{"CSV columns", "text/csv", "nom;code postal;commentaire;prix\nZorglub;71250;rappeler lundi;12\n", "nom;code postal;commentaire;prix\n[masked:identity];[masked:contact];[masked:message];12\n"},
		{"TSV columns", "text/tab-separated-values", "adresse\tproduit\nLe Bourg\tvélo\n", "adresse\tproduit\n[masked:contact]\tvélo\n"},
		{"JSON keys", "application/json", `{"firstName":"Zoé","city":"Cluny","id":3}`, `{"firstName":"[masked:identity]","city":"[masked:contact]","id":3}`},
		{"source only", "text/html", `<img alt="Photo de Marc Lefebvre" src="a.png"><!-- Jeanne Martin --><script>var u={"mail":"z@orange.fr"}</script>`,
			`<img alt="Photo de [masked:name]" src="a.png"><!-- [masked:name] --><script>var u={"mail":"[masked:email]"}</script>`},
		// Running text: names and postal addresses.
		{"name and address", "text/plain", "Bonjour, je suis Marc Lefebvre et j'habite au 12 bis rue des Lilas, 42000 Saint-Étienne Cedex 2. Merci",
			"Bonjour, je suis [masked:name] et j'habite au [masked:address]. Merci"},
		{"surname first", "text/plain", "adhérent : DUPONT Jean, section Loire", "adhérent : [masked:identity]"},
		{"civility", "text/plain", "reçu de Mme Zorglub hier", "reçu de Mme [masked:name] hier"},
		{"civility and function", "text/plain", "reçu par M. le Maire et Monsieur le Préfet", "reçu par M. le Maire et Monsieur le Préfet"},
		{"address without postcode", "text/plain", "livré au 3, place du Marché hier", "livré au [masked:address] hier"},
		{"places named after people", "text/plain", "travaux rue Victor Hugo, près du lycée Jean Moulin", "travaux rue Victor Hugo, près du lycée Jean Moulin"},
		{"words that are no names", "text/plain", "La Poste, France Services et le Conseil Départemental", "La Poste, France Services et le Conseil Départemental"},
		// Withheld: what cannot be read.
		{"PDF", "application/pdf", "%PDF-1.7 jean@exemple.fr", "<withheld>"},
		{"UTF-16", "text/html; charset=utf-16le", "\xff\xfej\x00@\x00", "<withheld>"},
		{"script", "application/javascript", `var contact="z@orange.fr";`, `var contact="[masked:email]";`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := masked(tt.in, tt.contentType); got != tt.want {
				t.Errorf("masked %q\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFindSurroundings: in URLs and header fields, dates and IP
// addresses are the servers'.
func TestFindSurroundings(t *testing.T) {
	in := "GET /annuaire?mail=jean%40exemple.fr&tel=0612345678 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Date: 12/03/2024\r\n"
	want := "GET /annuaire?mail=[masked:email]&tel=[masked:phone] HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Date: 12/03/2024\r\n"
	b := []byte(in)
	if got := string(Redact(b, FindFormat(b, FormatText, MaskOptions{Surroundings: true}))); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := MaskText("https://www.exemple.test/fiche?prenom=Zoé&nom=Zorglub"); got != "https://www.exemple.test/fiche?prenom=[masked:identity]&nom=[masked:identity]" {
		t.Errorf("MaskText: %q", got)
	}
}

// TestFindMemberList masks every value of the member list and of the
// CSV export the test pages hold.
func TestFindMemberList(t *testing.T) {
	body, err := os.ReadFile("testdata/liste-adherents.html")
	if err != nil {
		t.Fatal(err)
	}
	got := masked(string(body), "text/html")
	for _, v := range []string{"dupont", "jean", "@orange", "06 ", "rue ", "avenue ", "1958", "fr76"} {
		if strings.Contains(strings.ToLower(got), v) {
			t.Errorf("%q left in clear:\n%s", v, got)
		}
	}
}

// FuzzFind checks that the masker never fails, and that its spans lie
// in the body, in order, without overlap.
func FuzzFind(f *testing.F) {
	for _, s := range []string{"<table><tr><th>Nom</th><td>x&eacute;y</td></tr></table>", "nom;prenom\n\"Du\"\"pont\";Jean\n",
		`{"nom":"D\u00e9","a":[1,"x"]}`, "12 bis rue des Lilas 42000 Saint-Étienne", "<a href=\"?nom=x&amp;y=2\">M. Zorglub</a>"} {
		f.Add([]byte(s), "text/html")
		f.Add([]byte(s), "text/csv")
		f.Add([]byte(s), "application/json")
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		spans, _ := Find(body, contentType, MaskOptions{})
		last := 0
		for _, s := range spans {
			if s.Start < last || s.End <= s.Start || s.End > len(body) {
				t.Fatalf("span %+v out of order or outside %d bytes", s, len(body))
			}
			last = s.End
		}
	})
}
