package page

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"vigie/internal/golden"

	"vigie/observation"
	"vigie/pii"
)

// fixtures are the testdata pages, each with the URL it is parsed as.
var fixtures = []struct{ name, url string }{
	{"prefecture-contact", "https://www.ain.gouv.fr/Contact#formulaire"},
	{"latin1-decoded", "http://www.mairie-saint-genis.example.fr/etatcivil.htm"},
	{"uppercase-tags", "http://adherents.mutuelle.example/Adherent/Index.asp"},
	{"base-href", "https://www.lyon.example.fr/app/signalement/index.html"},
	{"protocol-relative", "https://www.mairie-x.example.fr/rendez-vous"},
	{"formaction", "https://declaration.example.gouv.fr/declaration/etape2"},
	{"form-attribute", "https://ecoles.example.fr/cantine"},
	{"labels", "https://www.example.fr/labels"},
	{"opaque-names", "https://www.mutuelle-horizon.example/contact/"},
	{"search-language", "https://www.departement.example.fr/annuaire"},
	{"login", "http://moncompte.example-mairie.fr/login"},
	{"table-form", "http://www.ville.example.fr/stationnement.html"},
	{"malformed", "http://www.example.fr/casse.html"},
	{"newsletter", "https://www.tourisme.example.fr/actualites"},
	{"resources", "https://www.example.gouv.fr/mediatheque/index.html"},
	{"dsfr-name", "https://demarche.example.gouv.fr/identite"},
}

func TestParseGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", fx.name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(body, fx.url)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden.Check(t, fx.name+".golden.json", got)
		})
	}
}

// Properties the golden files must show; checked in code so that an
// -update cannot silently bless a regression.
func TestParseFixtureProperties(t *testing.T) {
	doc := parseFixture(t, "table-form")
	if len(doc.Forms) != 2 {
		t.Fatalf("table-form: %d forms, want 2", len(doc.Forms))
	}
	if got := fieldNames(doc.Forms[0]); !reflect.DeepEqual(got, []string{"nom", "prenom", "immat", "justif"}) {
		t.Errorf("form in a table: fields %v", got)
	}
	if got := fieldNames(doc.Forms[1]); !reflect.DeepEqual(got, []string{"tel", "email_after_table"}) {
		t.Errorf("form closed by its cell: fields %v", got)
	}

	doc = parseFixture(t, "search-language")
	for _, f := range doc.Forms {
		for _, fl := range f.Fields {
			if fl.Category != "" {
				t.Errorf("search-language: field %q classified %q", fl.Name, fl.Category)
			}
		}
	}

	doc = parseFixture(t, "prefecture-contact")
	want := map[string]string{
		"civilite": pii.Identity, "nom": pii.Identity, "prenom": pii.Identity,
		"courriel": pii.Contact, "telephone": pii.Contact, "adresse": pii.Contact,
		"code_postal": pii.Contact, "ville": pii.Contact, "objet": "",
		"message": pii.Message, "rgpd": "",
	}
	got := map[string]string{}
	for _, fl := range doc.Forms[1].Fields {
		got[fl.Name] = fl.Category
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("prefecture contact form categories:\n got %v\nwant %v", got, want)
	}

	doc = parseFixture(t, "login")
	if f := doc.Forms[0]; len(f.Fields) != 3 || f.Fields[1].Type != "password" || f.Fields[1].Category != pii.Credentials {
		t.Errorf("login form: %+v", f.Fields)
	}

	doc = parseFixture(t, "newsletter")
	if f := doc.Forms[0]; len(f.Fields) != 3 || f.Fields[0].Category != pii.Contact || f.Fields[1].Category != "" || f.Fields[2].Category != "" {
		t.Errorf("newsletter form: %+v", f.Fields)
	}
}

// TestParseDSFR: the design system's name block and its disabled
// components claim no special category; the name fields are identity, the
// disabled fields collect nothing, and only the name form is personal.
func TestParseDSFR(t *testing.T) {
	doc := parseFixture(t, "dsfr-name")
	if len(doc.Forms) != 2 {
		t.Fatalf("%d forms, want 2", len(doc.Forms))
	}
	got := map[string]string{}
	disabled := map[string]bool{}
	for _, f := range doc.Forms {
		for _, fl := range f.Fields {
			got[fl.Name] = fl.Category
			disabled[fl.Name] = fl.Disabled
		}
	}
	want := map[string]string{"family-name": pii.Identity, "given-name": pii.Identity, "firstname-disabled": "",
		"text-disabled-1": "", "radio-disabled": "", "email-disabled": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("categories %v, want %v", got, want)
	}
	if !disabled["text-disabled-1"] || !disabled["radio-disabled"] || !disabled["email-disabled"] || disabled["firstname-disabled"] {
		t.Errorf("disabled %v", disabled)
	}
	if v := pii.CollectsPersonalData(&doc.Forms[0]); !v.Personal || !reflect.DeepEqual(v.Categories, []string{pii.Identity}) {
		t.Errorf("name form: %+v", v)
	}
	if v := pii.CollectsPersonalData(&doc.Forms[1]); v.Personal {
		t.Errorf("disabled demonstration form: %+v", v)
	}
}

func parseFixture(t *testing.T, name string) *Document {
	t.Helper()
	for _, fx := range fixtures {
		if fx.name == name {
			body, err := os.ReadFile(filepath.Join("testdata", name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(body, fx.url)
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
	}
	t.Fatalf("no fixture %q", name)
	return nil
}

func fieldNames(f observation.Form) []string {
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Name)
	}
	return out
}

// formCase is a small page and what its first forms must look like.
type formCase struct {
	name  string
	html  string
	forms []observation.Form
}

func TestParseForms(t *testing.T) {
	const page = "https://www.example.fr/dir/page.html?x=1#frag"
	self := "https://www.example.fr/dir/page.html?x=1"
	tests := []formCase{
		{"defaults", `<form><input name=a></form>`,
			[]observation.Form{{Action: self, Method: "get", Fields: []observation.Field{{Tag: "input", Type: "text", Name: "a"}}}}},
		{"relative action and post", `<form action="send.php" method="POST" id=f name=n></form>`,
			[]observation.Form{{ID: "f", Name: "n", Action: "https://www.example.fr/dir/send.php", Method: "post"}}},
		{"absolute action", `<form action="http://other.example/x?y#z"></form>`,
			[]observation.Form{{Action: "http://other.example/x?y", Method: "get"}}},
		{"protocol-relative action", `<form action="//forms.example.net/s"></form>`,
			[]observation.Form{{Action: "https://forms.example.net/s", Method: "get"}}},
		{"whitespace action", "<form action=\"\n  /a b \t\"></form>",
			[]observation.Form{{Action: "https://www.example.fr/a%20b", Method: "get"}}},
		{"empty action", `<form action="  "></form>`,
			[]observation.Form{{Action: self, Method: "get"}}},
		{"fragment action", `<form action="#top"></form>`,
			[]observation.Form{{Action: self, Method: "get"}}},
		{"javascript action", `<form action=" JavaScript:send() " method=dialog></form>`,
			[]observation.Form{{Action: "JavaScript:send()", Method: "dialog"}}},
		{"invalid method", `<form method=put></form><form method=" post"></form>`,
			[]observation.Form{{Action: self, Method: "get"}, {Index: 1, Action: self, Method: "get"}}},
		{"base href", `<base href="https://cdn.example.org/app/"><form action="go"></form><form></form>`,
			[]observation.Form{{Action: "https://cdn.example.org/app/go", Method: "get"}, {Index: 1, Action: self, Method: "get"}}},
		{"first base wins", `<base target=_top><base href="/one/"><base href="/two/"><form action="go"></form>`,
			[]observation.Form{{Action: "https://www.example.fr/one/go", Method: "get"}}},
		{"nested form ignored", `<form id=a><input name=x><form id=b action=/b><input name=y></form><input name=z>`,
			[]observation.Form{{ID: "a", Action: self, Method: "get", Fields: []observation.Field{
				{Tag: "input", Type: "text", Name: "x"}, {Tag: "input", Type: "text", Name: "y"}}}}},
		{"input types", `<form><input type=EMAIL name=e><input type=bogus name=b><input type=hidden name=h>
			<input type=submit><input type=image><input type=reset><input type=button><input type=checkbox name=c></form>`,
			[]observation.Form{{Action: self, Method: "get", Fields: []observation.Field{
				{Tag: "input", Type: "email", Name: "e", Category: pii.Contact},
				{Tag: "input", Type: "text", Name: "b"},
				{Tag: "input", Type: "checkbox", Name: "c"}}}}},
		{"select and textarea", `<form><select name=s><option>Nom</option></select><textarea name=t>Votre nom</textarea></form>`,
			[]observation.Form{{Action: self, Method: "get", Fields: []observation.Field{
				{Tag: "select", Name: "s", Options: []string{"Nom"}, OptionCount: 1}, {Tag: "textarea", Name: "t"}}}}},
		{"form in table", `<table><form action=/t><tr><td><input name=nom></td></tr></form></table><input name=after>`,
			[]observation.Form{{Action: "https://www.example.fr/t", Method: "get", Fields: []observation.Field{
				{Tag: "input", Type: "text", Name: "nom", Category: pii.Identity}}}}},
		{"form attribute", `<input name=before form=f><form id=f></form><form id=g><input name=moved form=f><input name=stays></form><input name=gone form=nope>`,
			[]observation.Form{
				{ID: "f", Action: self, Method: "get", Fields: []observation.Field{
					{Tag: "input", Type: "text", Name: "before"}, {Tag: "input", Type: "text", Name: "moved"}}},
				{Index: 1, ID: "g", Action: self, Method: "get", Fields: []observation.Field{
					{Tag: "input", Type: "text", Name: "stays"}}}}},
		{"form attribute names a non-form first", `<p id=f></p><form id=f><input name=a form=f><input name=b></form>`,
			[]observation.Form{{ID: "f", Action: self, Method: "get", Fields: []observation.Field{
				{Tag: "input", Type: "text", Name: "b"}}}}},
		{"submitters", `<form action=/a method=post>
			<button>plain</button>
			<button formaction=/b name=b>b</button>
			<button type=button formaction=/no>no</button>
			<input type=submit formmethod=GET name=m>
			<input type=image formaction="" name=i>
			<button formmethod=bogus name=x>x</button></form>`,
			[]observation.Form{{Action: "https://www.example.fr/a", Method: "post", Buttons: []string{"plain", "b", "x"}, Submitters: []observation.Submitter{
				{Name: "b", Action: "https://www.example.fr/b", Method: "post"},
				{Name: "m", Action: "https://www.example.fr/a", Method: "get"},
				{Name: "i", Action: self, Method: "post"},
				{Name: "x", Action: "https://www.example.fr/a", Method: "get"}}}}},
		{"stray end tags", `</form><input name=a><form><input name=b></form></form><input name=c>`,
			[]observation.Form{{Action: self, Method: "get", Fields: []observation.Field{{Tag: "input", Type: "text", Name: "b"}}}}},
		{"template content ignored", `<template><form action=/t><input name=a></form></template><form action=/r></form>`,
			[]observation.Form{{Action: "https://www.example.fr/r", Method: "get"}}},
		{"textarea content is text", `<form><textarea name=t><input name=fake></form></textarea><input name=real></form>`,
			[]observation.Form{{Action: self, Method: "get", Fields: []observation.Field{
				{Tag: "textarea", Name: "t"}, {Tag: "input", Type: "text", Name: "real"}}}}},
	}
	runFormCases(t, page, tests)
}

func TestParseLabels(t *testing.T) {
	const page = "https://www.example.fr/"
	f := func(fields ...observation.Field) []observation.Form {
		return []observation.Form{{Action: page, Method: "get", Fields: fields}}
	}
	tests := []formCase{
		{"label for, before and after", `<label for=a>Nom</label><form><input id=a name=a><input id=b name=b></form><label for=b>Prénom</label>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", ID: "a", Label: "Nom", Category: pii.Identity},
				observation.Field{Tag: "input", Type: "text", Name: "b", ID: "b", Label: "Prénom", Category: pii.Identity})},
		{"wrapping label labels its first control only", `<form><label>Ville <input name=a> <input name=b></label></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", Label: "Ville", Category: pii.Contact},
				observation.Field{Tag: "input", Type: "text", Name: "b"})},
		{"wrapping label with for labels the target", `<form><label for=b>Courriel <input name=a></label><input id=b name=b></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a"},
				observation.Field{Tag: "input", Type: "text", Name: "b", ID: "b", Label: "Courriel", Category: pii.Contact})},
		{"for names the first element with the id", `<span id=a></span><label for=a>Nom</label><form><input id=a name=a></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", ID: "a"})},
		{"option text is not label text", `<form><label>Pays <select name=p><option>Ville</option></select></label></form>`,
			f(observation.Field{Tag: "select", Name: "p", Label: "Pays", Options: []string{"Ville"}, OptionCount: 1, Category: pii.Contact})},
		{"aria-labelledby and aria-label", `<form><input name=a aria-labelledby="x y" aria-label="extra"></form><p id=x>Date de</p><p id=y><b>naissance</b></p>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", Aria: "Date de naissance extra", Category: pii.Birth})},
		{"title as a last resort", `<form><input name=a title=" Code   postal "></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", Label: "Code postal", Category: pii.Contact})},
		{"placeholder and autocomplete", `<form><input name=a placeholder="  Votre
			e-mail " autocomplete=" Shipping  EMAIL "></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", Placeholder: "Votre e-mail", Autocomplete: "shipping email", Category: pii.Contact})},
		{"label text capped", `<form><label for=a>` + strings.Repeat("é", 300) + `</label><input id=a name=a></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", ID: "a", Label: strings.Repeat("é", 200)})},
	}
	runFormCases(t, page, tests)
}

// TestParseQuestions covers what a field asks beyond its label (the
// legend of its fieldset, a select's options), whether it can be filled
// in at all, and what tells a navigation form from one that collects.
func TestParseQuestions(t *testing.T) {
	const page = "https://www.example.fr/"
	f := func(fields ...observation.Field) []observation.Form {
		return []observation.Form{{Action: page, Method: "get", Fields: fields}}
	}
	tests := []formCase{
		{"legend of the innermost fieldset with one",
			`<form><fieldset><legend>Vos <b>coordonnées</b></legend><fieldset><input name=a>` +
				`<fieldset><legend>Êtes-vous syndiqué ?</legend><input type=radio name=b id=b1><label for=b1>Oui</label></fieldset></fieldset></fieldset>` +
				`<input name=c></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", Legend: "Vos coordonnées", Category: pii.Contact},
				observation.Field{Tag: "input", Type: "radio", Name: "b", ID: "b1", Label: "Oui", Legend: "Êtes-vous syndiqué ?", Category: pii.Union},
				observation.Field{Tag: "input", Type: "text", Name: "c"})},
		{"only the first legend counts", `<form><fieldset><legend>Nom</legend><legend>Religion</legend><input name=a></fieldset></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "a", Legend: "Nom", Category: pii.Identity})},
		{"disabled attribute and disabled fieldset", `<form><input name=nom disabled><fieldset disabled><legend><input name=prenom></legend><input name=email type=email></fieldset><input name=tel type=tel></form>`,
			f(observation.Field{Tag: "input", Type: "text", Name: "nom", Disabled: true},
				observation.Field{Tag: "input", Type: "text", Name: "prenom", Category: pii.Identity},
				observation.Field{Tag: "input", Type: "email", Name: "email", Disabled: true},
				observation.Field{Tag: "input", Type: "tel", Name: "tel", Category: pii.Contact})},
		{"options of a select, capped", `<form><select name=d><option value="">Choisir</option><option>Ain<option>Aisne` + strings.Repeat("<option>Allier", 50) + `</select></form>`,
			f(observation.Field{Tag: "select", Name: "d", Options: append([]string{"Choisir", "Ain", "Aisne"}, repeat("Allier", 37)...), OptionCount: 53})},
		{"a select that navigates on change", `<form><select name=l onchange="this.form.submit()"><option>Français</option></select><select name=v onchange="check(this)"></select></form>`,
			f(observation.Field{Tag: "select", Name: "l", Options: []string{"Français"}, OptionCount: 1, Navigates: true},
				observation.Field{Tag: "select", Name: "v"})},
		{"a select whose options are addresses", `<form><select name=go><option value="">Aller à</option><option value="/ain/">Ain</option><option value="https://x.example/aisne">Aisne</option></select></form>`,
			f(observation.Field{Tag: "select", Name: "go", Options: []string{"Aller à", "Ain", "Aisne"}, OptionCount: 3, Navigates: true})},
		{"role, accessible name and buttons of a form", `<form role=Search aria-label="Rechercher dans le site"><input type=search name=q><button><svg><title>x</title></svg></button><button aria-label="Lancer la recherche"></button><input type=submit value=" OK "><input type=image alt=Go><button type=button>Effacer</button></form>`,
			[]observation.Form{{Action: page, Method: "get", Role: "search", Label: "Rechercher dans le site", Buttons: []string{"x", "Lancer la recherche", "OK", "Go"},
				Fields: []observation.Field{{Tag: "input", Type: "search", Name: "q"}}}}},
	}
	runFormCases(t, page, tests)
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func runFormCases(t *testing.T, page string, tests []formCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse([]byte(tc.html), page)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(doc.Forms, tc.forms) {
				got, _ := json.MarshalIndent(doc.Forms, "", "  ")
				want, _ := json.MarshalIndent(tc.forms, "", "  ")
				t.Errorf("forms:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestParseLinksAndResources(t *testing.T) {
	const page = "https://www.example.fr/a/b.html"
	html := `<base href="/base/">
<a href="x#f">x</a><a href="x">dup</a><a href="javascript:void(0)">js</a><a href="mailto:a@b">m</a>
<a href="tel:1">t</a><a href="data:,x">d</a><a href="//cdn.example.net/y">p</a><area href="/z">
<link rel=alternate href="/alt"><meta http-equiv=refresh content="0;url=/next">
<script src="s.js"></script><link rel="stylesheet" href="c.css"><iframe src="https://maps.example/e"></iframe>
<frame src="f.html"><img src="i.png"><object data="o.pdf"></object><embed src="e.swf">
<video src="v.mp4"></video><audio src="a.mp3"></audio><source src="s.webm"><img src="i.png">`
	doc, err := Parse([]byte(html), page)
	if err != nil {
		t.Fatal(err)
	}
	wantLinks := []string{
		"https://www.example.fr/base/x",
		"https://cdn.example.net/y",
		"https://www.example.fr/z",
		"https://www.example.fr/next",
	}
	if !reflect.DeepEqual(doc.Links, wantLinks) {
		t.Errorf("links:\n got %q\nwant %q", doc.Links, wantLinks)
	}
	wantRes := []observation.Resource{
		{Kind: "script", URL: "https://www.example.fr/base/s.js", Src: "s.js"},
		{Kind: "stylesheet", URL: "https://www.example.fr/base/c.css"},
		{Kind: "iframe", URL: "https://maps.example/e"},
		{Kind: "frame", URL: "https://www.example.fr/base/f.html"},
		{Kind: "img", URL: "https://www.example.fr/base/i.png"},
		{Kind: "object", URL: "https://www.example.fr/base/o.pdf"},
		{Kind: "embed", URL: "https://www.example.fr/base/e.swf"},
		{Kind: "media", URL: "https://www.example.fr/base/v.mp4"},
		{Kind: "media", URL: "https://www.example.fr/base/a.mp3"},
		{Kind: "media", URL: "https://www.example.fr/base/s.webm"},
	}
	if !reflect.DeepEqual(doc.Resources, wantRes) {
		t.Errorf("resources:\n got %v\nwant %v", doc.Resources, wantRes)
	}
	if doc.Base != "https://www.example.fr/base/" {
		t.Errorf("base %q", doc.Base)
	}
}

func TestRefreshURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0;url=/next", "/next", true},
		{"0; URL = '/quoted' trailing", "/quoted", true},
		{`5 ,url="http://x.example/"`, "http://x.example/", true},
		{"3 /no-url-keyword", "/no-url-keyword", true},
		{"0.5; urlish", "urlish", true},
		{"30", "", false},
		{"abc;url=/x", "", false},
		{"0x;url=/x", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := refreshURL(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("refreshURL(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseTitle(t *testing.T) {
	tests := []struct{ html, want string }{
		{"<title>  A &amp;\n B </title><title>second</title>", "A & B"},
		{"<svg><title>icon</title></svg><title>Page</title>", "Page"},
		{"<title>Sans fin", "Sans fin"},
		{"<p>no title</p>", ""},
	}
	for _, tc := range tests {
		doc, err := Parse([]byte(tc.html), "http://example.fr/")
		if err != nil {
			t.Fatal(err)
		}
		if doc.Title != tc.want {
			t.Errorf("title of %q = %q, want %q", tc.html, doc.Title, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, u := range []string{"", "/relative", "www.example.fr/x", "http://[::1", "%zz"} {
		if _, err := Parse([]byte("<form></form>"), u); err == nil {
			t.Errorf("Parse with page URL %q: no error", u)
		}
	}
	for _, u := range []string{"http://example.fr", "https://example.fr/a?b#c", "file:///tmp/x.html"} {
		if _, err := Parse([]byte("<form></form>"), u); err != nil {
			t.Errorf("Parse with page URL %q: %v", u, err)
		}
	}
}

// Deep nesting and many unclosed elements must stay linear.
func TestParsePathological(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		b.WriteString("<div id=d><label><span><p><li><option>")
	}
	b.WriteString("<form><input name=nom></form>")
	for i := 0; i < 20000; i++ {
		b.WriteString("</span></x-unknown></div>")
	}
	doc, err := Parse([]byte(b.String()), "http://example.fr/")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Forms) != 1 || len(doc.Forms[0].Fields) != 1 {
		t.Fatalf("forms: %+v", doc.Forms)
	}
}

func TestLinkText(t *testing.T) {
	body := []byte(`<nav><a href="/p/12">  Nous
	<b>contacter</b> </a><a href="/p/12">autre</a><a href="/x"><img alt="logo"></a>
	<a href="/y">Écrire au préfet<a href="/z">z</a></nav><meta http-equiv="refresh" content="0; url=/r">`)
	d, err := Parse(body, "https://x.test/")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"https://x.test/p/12": "Nous contacter",
		"https://x.test/y":    "Écrire au préfet",
		"https://x.test/z":    "z",
	}
	if !reflect.DeepEqual(d.LinkText, want) {
		t.Errorf("LinkText = %q, want %q", d.LinkText, want)
	}
}

func TestParseRoutes(t *testing.T) {
	const body = `<nav><a href="#/">Accueil</a> <a href="#/contact">Nous contacter</a> <a href="#!/inscription?etape=1">Inscription</a>
<a href="/portail/#!/demarches">Démarches</a> <a href="#contenu">Aller au contenu</a> <a href="#/contact">Encore</a>
<a href="https://autre.example/#/x">Ailleurs</a> <a href="/page.html#haut">Haut</a></nav>`
	doc, err := Parse([]byte(body), "https://www.example.fr/portail/#/accueil")
	if err != nil {
		t.Fatal(err)
	}
	wantRoutes := []string{
		"https://www.example.fr/portail/#/",
		"https://www.example.fr/portail/#/contact",
		"https://www.example.fr/portail/#!/inscription?etape=1",
		"https://www.example.fr/portail/#!/demarches",
		"https://autre.example/#/x",
	}
	wantLinks := []string{"https://www.example.fr/portail/", "https://autre.example/", "https://www.example.fr/page.html"}
	if !reflect.DeepEqual(doc.Routes, wantRoutes) {
		t.Errorf("routes %q, want %q", doc.Routes, wantRoutes)
	}
	if !reflect.DeepEqual(doc.Links, wantLinks) {
		t.Errorf("links %q, want %q", doc.Links, wantLinks)
	}
	if got := doc.LinkText["https://www.example.fr/portail/#/contact"]; got != "Nous contacter" {
		t.Errorf("route text %q", got)
	}
}

func TestMetaPolicyAndIntegrity(t *testing.T) {
	const body = `<!DOCTYPE html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<meta http-equiv="content-security-policy" content="img-src 'self'">
<meta http-equiv="Refresh" content="60">
<meta name="referrer" content="unsafe-url"><meta name="Referrer" content="no-referrer">
<script src="https://cdn.autre.test/a.js" integrity=" sha384-abc "></script>
<script src="//cdn.autre.test/b.js"></script>
<script>var inline = 1;</script>
</head><body><p>x</p></body></html>`
	d, err := Parse([]byte(body), "https://www.exemple.test/page")
	if err != nil {
		t.Fatal(err)
	}
	want := observation.MetaPolicy{CSP: []string{"default-src 'self'", "img-src 'self'"}, Referrer: "no-referrer", Scripts: 3}
	if !reflect.DeepEqual(d.Meta, want) {
		t.Errorf("meta %+v, want %+v", d.Meta, want)
	}
	wantRes := []observation.Resource{
		{Kind: "script", URL: "https://cdn.autre.test/a.js", Integrity: "sha384-abc", Src: "https://cdn.autre.test/a.js"},
		{Kind: "script", URL: "https://cdn.autre.test/b.js", Src: "//cdn.autre.test/b.js"},
	}
	if !reflect.DeepEqual(d.Resources, wantRes) {
		t.Errorf("resources %+v, want %+v", d.Resources, wantRes)
	}
}
