package dpocontact

import (
	"reflect"
	"testing"
)

func values(cs []Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Kind+" "+c.Value)
	}
	return out
}

func TestFromHTML(t *testing.T) {
	const u = "https://www.exemple.test/mentions-legales.html"
	tests := []struct {
		name, html string
		want       []string
	}{
		{"mailto next to the French wording",
			`<p>Vous pouvez joindre notre délégué à la protection des données : <a href="mailto:Protection@Exemple.test?subject=RGPD">écrire</a>.</p>`,
			[]string{"email protection@exemple.test"}},
		{"plain-text address next to DPO",
			`<p>Contact DPO&nbsp;: rgpd@exemple.test</p>`, []string{"email rgpd@exemple.test"}},
		{"the nearest address to the mention",
			`<p>Pour toute question : contact@exemple.test. Pour exercer vos droits, écrivez à notre DPO : dpo-ville@exemple.test.</p>`,
			[]string{"email dpo-ville@exemple.test"}},
		{"a dpo@ address names itself", `<p>Écrire à <a href="mailto:dpo@exemple.test">dpo@exemple.test</a></p>`, []string{"email dpo@exemple.test"}},
		{"under a heading naming the DPO",
			`<h2>Data Protection Officer</h2><p>Write to <a href="mailto:privacy@exemple.test">privacy@exemple.test</a></p><h2>Contact</h2><p>info@exemple.test</p>`,
			[]string{"email privacy@exemple.test"}},
		{"after a sentence naming the DPO that ends with a colon",
			`<p>Le délégué à la protection des données peut être joint par courrier :</p><address>Mairie d'Exemple<br>1, place de la République<br>01000 Exemple</address>`,
			[]string{"address Mairie d'Exemple, 1, place de la République, 01000 Exemple"}},
		{"postal address in the same sentence",
			`<p>Écrire au délégué à la protection des données, Hôtel de ville, 3 rue Neuve, BP 12, 01000 Bourg-en-Bresse Cedex.</p>`,
			[]string{"address Hôtel de ville, 3 rue Neuve, BP 12, 01000 Bourg-en-Bresse Cedex"}},
		{"a form linked by its words", `<p><a href="/rgpd/contact-dpo">Contacter le DPO</a></p>`, []string{"form https://www.exemple.test/rgpd/contact-dpo"}},
		{"a form in a DPO paragraph", `<p>Pour joindre le délégué à la protection des données, utilisez <a href="https://demarches.exemple.test/formulaire?id=3#top">ce formulaire</a>.</p>`,
			[]string{"form https://demarches.exemple.test/formulaire?id=3"}},
		// Look-alikes: nothing names the DPO near the contact.
		{"generic contact only", `<h2>Données personnelles</h2><p>Exercez vos droits auprès de contact@exemple.test, place de la Mairie, 01000 Exemple.</p>`, nil},
		{"DPO named, contact in the next paragraph", `<p>Nous avons désigné un délégué à la protection des données.</p><p>Pour toute question : accueil@exemple.test</p>`, nil},
		{"the regulator's page is no form", `<p>Si vous estimez, après avoir contacté notre DPO, que vos droits ne sont pas respectés, saisissez la <a href="https://www.cnil.fr/fr/plaintes">CNIL</a>.</p>`, nil},
		{"a word containing dpo is not DPO", `<p>Le dépôt des dossiers (DPOT) : depot@exemple.test ; RGPD : rgpd@exemple.test</p>`, nil},
		{"script text is not read", `<script>var m = "dpo@exemple.test";</script><p>Bienvenue</p>`, nil},
		{"no street, no address", `<p>Délégué à la protection des données, 01000 Exemple.</p>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := values(FromHTML([]byte(tt.html), u))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromHTML =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestFromSecurityTxt(t *testing.T) {
	const u = "https://www.exemple.test/.well-known/security.txt"
	tests := []struct {
		name, txt string
		want      []string
	}{
		{"security team only", "Contact: mailto:security@exemple.test\nContact: https://www.exemple.test/vuln\nExpires: 2030-01-01T00:00:00Z\n", nil},
		{"a dpo address", "Contact: mailto:securite@exemple.test\r\nContact: mailto:DPO@exemple.test\r\n", []string{"email dpo@exemple.test"}},
		{"a comment naming the DPO introduces the next contact only", "# Data protection officer\nContact: https://www.exemple.test/dpo-form\nContact: mailto:soc@exemple.test\n",
			[]string{"form https://www.exemple.test/dpo-form"}},
		{"a comment followed by another field", "# Délégué à la protection des données\nExpires: 2030-01-01T00:00:00Z\nContact: mailto:soc@exemple.test\n", nil},
		{"telephone contacts are not kept", "# DPO\nContact: tel:+33-1-23-45-67-89\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := values(FromSecurityTxt([]byte(tt.txt), u)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromSecurityTxt = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzFromHTML(f *testing.F) {
	f.Add([]byte(`<h2>DPO</h2><p><a href="mailto:dpo@x.test">x</a> 1 rue A<br>01000 B</p>`))
	f.Add([]byte(`<p>délégué à la protection des données <a href="javascript:x">`))
	f.Fuzz(func(t *testing.T, b []byte) {
		FromHTML(b, "https://www.exemple.test/")
		FromSecurityTxt(b, "https://www.exemple.test/.well-known/security.txt")
	})
}
