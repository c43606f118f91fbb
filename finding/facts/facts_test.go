package facts

import (
	"reflect"
	"strings"
	"testing"

	"vigie/finding"
)

func TestOf(t *testing.T) {
	form := &finding.Finding{Check: "form.http-page", Detail: map[string]any{
		"form_action": "http://www.pref.test/envoi.php", "method": "post", "form_index": 1,
		"fields":       []map[string]any{{"name": "nom", "label": "Votre nom", "category": "identity"}, {"name": "mel", "type": "email", "category": "contact"}},
		"categories":   []string{"identity", "contact"},
		"http_actions": []string{"http://www.pref.test/envoi.php"},
	}}
	cert := &finding.Finding{Check: "tls.cert-no-revocation", Detail: map[string]any{"ocsp_stapled": false, "host": "www.pref.test", "port": 443, "by_protocol": map[string][]string{"TLS 1.2": {"A", "B"}}}}
	tests := []struct {
		name   string
		f      *finding.Finding
		lang   string
		fields []Field
		items  []Item
	}{
		{"form, French", form, "fr",
			[]Field{{Label: "Votre nom", Name: "nom", Category: "identité (nom, prénom)"}, {Label: "mel", Name: "mel", Type: "email", Category: "coordonnées (courriel, téléphone, adresse postale)"}},
			[]Item{
				{"Adresse où partent les données", []string{"http://www.pref.test/envoi.php"}},
				{"Adresses d’envoi en clair (HTTP)", []string{"http://www.pref.test/envoi.php"}},
				{"Méthode d’envoi", []string{"post"}},
				{"Données personnelles", []string{"identité (nom, prénom)", "coordonnées (courriel, téléphone, adresse postale)"}},
				{"Formulaire n°", []string{"1"}},
			}},
		{"certificate, English", cert, "en", nil, []Item{
			{"By protocol", []string{"TLS 1.2: A, B"}},
			{"OCSP response stapled", []string{"no"}},
			{"Host", []string{"www.pref.test"}},
			{"Port", []string{"443"}},
		}},
		{"unknown key", &finding.Finding{Detail: map[string]any{"odd_key": map[string]any{"b": 1, "a": []any{"x", true}}}}, "en", nil,
			[]Item{{"Odd key", []string{"a: x, yes", "b: 1"}}}},
		{"no detail", &finding.Finding{}, "fr", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Of(tt.f, tt.lang)
			if !reflect.DeepEqual(got.Fields, tt.fields) || !reflect.DeepEqual(got.Items, tt.items) {
				t.Errorf("Of =\n%+v\nwant\n%+v %+v", got, tt.fields, tt.items)
			}
			for _, it := range got.Items {
				for _, v := range it.Values {
					if strings.ContainsAny(v, "{}[]\"") {
						t.Errorf("%s: JSON left in %q", it.Label, v)
					}
				}
			}
		})
	}
}
