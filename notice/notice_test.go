package notice

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"vigie/dpocontact"
	"vigie/observation"
)

func readFile(t *testing.T, name string) *observation.Notice {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Read(body, "https://www.exemple.test/page")
}

func TestReadPages(t *testing.T) {
	all := Elements
	tests := []struct {
		file       string
		isNotice   bool
		cookieOnly bool
		elements   []string
		dpo        bool
		// retention as (days, unlimited, vague) of each statement
		retention [][3]any
	}{
		{"complete-fr.html", true, false, all, true, [][3]any{{1095, false, false}}},
		{"complete-en.html", true, false, all, true, [][3]any{{720, false, false}}},
		// A cookie policy informs about trackers: no form's notice, and
		// the cookies' 13 months are no retention statement.
		{"cookies-only.html", false, true, nil, false, nil},
		// A heading "Durée de conservation" states nothing; "aussi
		// longtemps que nécessaire" is no period.
		{"heading-only.html", true, false, []string{Controller, Purposes}, false, [][3]any{{0, false, true}}},
		// "sans limitation de durée" is unlimited; its negation and a
		// definitive deletion after 6 months are not.
		{"unlimited.html", true, false, []string{Controller, Purposes, LegalBasis, Retention}, false,
			[][3]any{{0, true, false}, {180, false, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			n := readFile(t, tt.file)
			if n.IsNotice != tt.isNotice || n.CookieOnly != tt.cookieOnly || n.DPOContact != tt.dpo {
				t.Errorf("notice %v cookie-only %v dpo %v, want %v %v %v", n.IsNotice, n.CookieOnly, n.DPOContact, tt.isNotice, tt.cookieOnly, tt.dpo)
			}
			if !reflect.DeepEqual(n.Elements, tt.elements) {
				t.Errorf("elements %v, want %v", n.Elements, tt.elements)
			}
			var got [][3]any
			for _, st := range n.Retention {
				got = append(got, [3]any{st.Days, st.Unlimited, st.Vague})
			}
			if !reflect.DeepEqual(got, tt.retention) {
				t.Errorf("retention %v, want %v (%+v)", got, tt.retention, n.Retention)
			}
		})
	}
}

func TestFormNotice(t *testing.T) {
	n := readFile(t, "form-near.html")
	want := []string{"https://www.exemple.test/politique-de-confidentialite"}
	if !reflect.DeepEqual(n.Links, want) {
		t.Errorf("links %v, want %v", n.Links, want)
	}
	if len(n.Forms) != 1 || n.Forms[0].Form != 1 {
		t.Fatalf("form notices %+v, want one, of form 1 (the search form is 0)", n.Forms)
	}
	f := n.Forms[0]
	if !f.IsNotice || !reflect.DeepEqual(f.Elements, []string{Controller, Purposes, Retention, Rights}) {
		t.Errorf("form notice %+v", f)
	}
	if len(f.Retention) != 1 || f.Retention[0].Days != 20*365 || f.Retention[0].Sentence != "Elles sont conservées 20 ans" {
		t.Errorf("retention %+v", f.Retention)
	}
}

// TestElements reads sentences alone: each must state exactly the
// elements listed, phrasing variants and look-alikes included.
func TestElements(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Vous pouvez saisir la CNIL.", []string{Complaint}},
		{"Vous pouvez introduire une réclamation auprès de la Commission nationale de l'informatique et des libertés.", []string{Complaint}},
		{"You have the right to lodge a complaint with a supervisory authority.", []string{Complaint}},
		{"La CNIL recommande de choisir des mots de passe robustes.", nil},
		{"Le traitement est fondé sur votre consentement.", []string{LegalBasis}},
		{"Processing is necessary for the performance of a contract.", []string{Purposes, LegalBasis}},
		{"We use the details you enter in our contact form to answer your enquiry.", []string{Purposes}},
		{"Vos données ne sont transmises à aucun tiers.", []string{Recipients}}, // no recipient is a statement about recipients
		{"Vos données ne sont jamais communiquées à des tiers.", []string{Recipients}},
		{"Les destinataires des données sont les services de la mairie.", []string{Recipients}},
		{"Elles sont destinées au seul secrétariat de mairie.", []string{Recipients}},
		{"Elles sont destinées à répondre à votre demande.", []string{Purposes}},
		{"Vous disposez d'un droit d'accès et de rectification.", nil}, // no way to exercise it
		{"Vous disposez d'un droit d'accès que vous pouvez exercer auprès du service juridique.", []string{Rights}},
		{"Les données sont traitées par la Préfecture du Rhône.", []string{Controller}},
		{"Durée de conservation", nil},
		{"Elles sont conservées pendant toute la durée de votre adhésion.", []string{Retention}},
		{"They are kept until you unsubscribe.", []string{Retention}},
		{"They are kept for as long as necessary.", nil},
		{"Contactez notre délégué à la protection des données : dpo@ville.test", []string{DPO}},
	}
	for _, tt := range tests {
		r := text{blocks: []dpocontact.Block{{Text: tt.text, Form: -1}}, url: "https://x.test/"}.read()
		if !reflect.DeepEqual(r.Elements, tt.want) {
			t.Errorf("%q: elements %v, want %v", tt.text, r.Elements, tt.want)
		}
	}
}

func TestRetentionStatements(t *testing.T) {
	tests := []struct {
		text                        string
		days                        int
		unlimited, criterion, vague bool
		topic                       string
	}{
		{"Les données du formulaire de contact sont conservées 20 ans.", 7300, false, false, false, "contact"},
		{"Vos données sont conservées sans limitation de durée.", 0, true, false, false, ""},
		{"Les données sont conservées pour une durée indéterminée.", 0, true, false, false, ""},
		{"We retain your data indefinitely.", 0, true, false, false, ""},
		{"Les données sont conservées aussi longtemps que nécessaire.", 0, false, false, true, ""},
		{"Les candidatures sont conservées deux ans après le dernier contact.", 730, false, false, false, "recruitment"},
		{"Votre adresse est conservée jusqu'à votre désinscription de la lettre d'information.", 0, false, true, false, "newsletter"},
		{"Vos messages sont supprimés définitivement après six mois.", 180, false, false, false, "contact"},
		{"Aucune donnée n'est conservée sans limitation de durée.", 0, false, false, false, ""},
	}
	for _, tt := range tests {
		r := text{blocks: []dpocontact.Block{{Text: tt.text, Form: -1}}, url: "https://x.test/"}.read()
		if len(r.Retention) != 1 {
			if tt.days == 0 && !tt.unlimited && !tt.criterion && !tt.vague && len(r.Retention) == 0 {
				continue
			}
			t.Errorf("%q: %d statements %+v", tt.text, len(r.Retention), r.Retention)
			continue
		}
		st := r.Retention[0]
		if st.Days != tt.days || st.Unlimited != tt.unlimited || st.Criterion != tt.criterion || st.Vague != tt.vague || st.Topic != tt.topic {
			t.Errorf("%q: %+v", tt.text, st)
		}
	}
}

func TestIsCandidate(t *testing.T) {
	for _, c := range []struct {
		href, text string
		want       bool
	}{
		{"https://x.test/mentions-legales.html", "", true},
		{"https://x.test/page?id=12", "Données personnelles", true},
		{"https://x.test/privacy-policy", "", true},
		{"https://x.test/rgpd", "", true},
		{"https://x.test/p/12", "Vos droits", true},
		{"https://x.test/contact", "Nous contacter", false},
		{"https://wiki.test/index.php?title=Special:Search/Privacy_policy", "", false},
		{"https://wiki.test/index.php?title=Special:CreateAccount&returnto=Privacy+policy", "Create account", false},
		{"https://wiki.test/index.php?title=Wiki:Privacy_policy", "Privacy policy", true},
		{"https://x.test/actualites/donnees-ouvertes", "Données ouvertes", false},
		// Other names French sites give their legal notice.
		{"https://x.test/p/7", "Informations légales", true},
		{"https://x.test/p/8", "Mentions juridiques", true},
		{"https://x.test/informations-legales", "", true},
		{"https://x.test/p/9", "Informations pratiques", false},
	} {
		if got := IsCandidate(c.href, c.text); got != c.want {
			t.Errorf("IsCandidate(%q, %q) = %v", c.href, c.text, got)
		}
	}
}

func TestFormPurpose(t *testing.T) {
	for _, c := range []struct {
		url  string
		f    observation.Form
		want string
	}{
		{"https://x.test/contact", observation.Form{Fields: []observation.Field{{Name: "message", Category: "message"}}}, PurposeContact},
		{"https://x.test/", observation.Form{Buttons: []string{"S'abonner"}, Fields: []observation.Field{{Name: "email", Category: "contact"}}}, PurposeNewsletter},
		{"https://x.test/recrutement/postuler", observation.Form{Fields: []observation.Field{{Name: "cv", Type: "file", Category: "upload"}}}, PurposeRecruitment},
		{"https://x.test/inscription", observation.Form{Fields: []observation.Field{{Name: "nom", Category: "identity"}}}, ""},
	} {
		if got := FormPurpose(c.url, &c.f); got != c.want {
			t.Errorf("FormPurpose(%s) = %q, want %q", c.url, got, c.want)
		}
	}
}

// mayNameDPO agrees with a search of the lower-cased page.
func TestMayNameDPO(t *testing.T) {
	for _, tt := range []struct {
		body string
		want bool
	}{
		{"<p>Contactez notre DPO</p>", true},
		{"<p>Le Délégué à la protection des données</p>", true},
		{"<p>LE DÉLÉGUÉ</p>", true},
		{"<p>Le d&eacute;l&eacute;gu&eacute;</p>", true},
		{"<p>Our Data Protection Officer</p>", true},
		{"<p>dpd</p>", true},
		{"<p>Délai de réponse : un mois</p>", false},
		{"<p>Protection des données</p>", false},
		{"", false},
		{"dp", false},
	} {
		lower := strings.ToLower(tt.body)
		ref := false
		for _, w := range dpoHints {
			ref = ref || strings.Contains(lower, string(w))
		}
		if got := mayNameDPO([]byte(tt.body)); got != tt.want || got != ref {
			t.Errorf("mayNameDPO(%q) = %v, want %v (lower-case search: %v)", tt.body, got, tt.want, ref)
		}
	}
}
