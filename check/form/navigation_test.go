package form

import (
	"reflect"
	"strings"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/observation"
	"vigie/pii"
)

// classified returns fields with the category the classifier gives them.
func classified(fs ...observation.Field) []observation.Field {
	for i := range fs {
		fs[i].Category = pii.ClassifyField(fs[i])
	}
	return fs
}

// TestNavigationAndDisabledFields: on an HTTP page, navigation and filter
// forms and disabled fields raise nothing; a form with genuine personal
// fields is reported with those fields only, its fixed choices included.
func TestNavigationAndDisabledFields(t *testing.T) {
	sel := func(name, label string, options ...string) observation.Field {
		return observation.Field{Tag: "select", Name: name, Label: label, Options: options, OptionCount: len(options)}
	}
	text := func(name, typ, label string) observation.Field {
		return observation.Field{Tag: "input", Type: typ, Name: name, Label: label}
	}
	tests := []struct {
		name   string
		form   observation.Form
		fields []string // names in the finding's detail; nil: no finding
	}{
		{"commune chooser", observation.Form{Method: "get", Action: "https://pref.test/demarches", Buttons: []string{"Aller"},
			Fields: classified(sel("commune", "Choisissez votre commune", "Ambert", "Issoire"))}, nil},
		{"department select that navigates", observation.Form{Method: "get", Action: "https://pref.test/",
			Fields: classified(observation.Field{Tag: "select", Name: "dep", Label: "Votre département", Navigates: true, Options: []string{"Ain"}, OptionCount: 1})}, nil},
		{"topic filter naming health topics", observation.Form{Method: "get", Action: "https://pref.test/aides", Buttons: []string{"Filtrer"},
			Fields: classified(sel("public", "Public concerné", "Personnes handicapées", "Jeunes"),
				observation.Field{Tag: "input", Type: "checkbox", Name: "c1", Label: "Je suis en situation de handicap"})}, nil},
		{"DSFR name block with disabled demonstration fields", observation.Form{Method: "post", Action: "https://pref.test/identite",
			Fields: classified(
				text("family-name", "text", "Nom"),
				observation.Field{Tag: "input", Type: "text", Name: "given-name", Label: "Prénom", Disabled: true},
				observation.Field{Tag: "input", Type: "checkbox", Name: "firstname-disabled", Label: "Je n'ai pas de prénom"},
				observation.Field{Tag: "input", Type: "text", Name: "text-disabled-1", Label: "Libellé champ de saisie", Disabled: true},
				observation.Field{Tag: "input", Type: "radio", Name: "radio-disabled", Label: "Libellé radio", Disabled: true})},
			[]string{"family-name"}},
		{"civility and birth department beside a name", observation.Form{Method: "post", Action: "https://pref.test/etat-civil",
			Fields: classified(sel("civilite", "Civilité", "M.", "Mme"), text("nom", "text", "Nom"),
				sel("dept", "Département de naissance", "Ain", "Aisne"), sel("theme", "Thème", "Santé"))},
			[]string{"civilite", "nom", "dept"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: "http://pref.test/", Pages: []observation.Page{page("http://pref.test/p", tt.form)}}
			var names []string
			n := 0
			for _, f := range check.Run(site) {
				n++
				for _, fi := range f.Detail["fields"].([]fieldInfo) {
					names = append(names, fi.Name)
				}
				if r, _ := f.Detail["personal_reason"].(string); !strings.HasPrefix(r, "free entry of identity data") {
					t.Errorf("personal_reason %q", r)
				}
				if f.Severity != finding.High {
					// Nothing here is a special category: not critical.
					t.Errorf("severity %v, want high", f.Severity)
				}
			}
			if tt.fields == nil && n > 0 || tt.fields != nil && (n != 1 || !reflect.DeepEqual(names, tt.fields)) {
				t.Errorf("%d findings with fields %v, want %v", n, names, tt.fields)
			}
		})
	}
}
