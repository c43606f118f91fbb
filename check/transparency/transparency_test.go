package transparency

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"vigie/check"
	"vigie/finding"
	"vigie/notice"
	"vigie/observation"
	"vigie/page"
)

const base = "https://www.exemple.test"

// htmlPage builds the observation of a page from its HTML, as the crawl
// does: forms and links by package page, the notice by package notice.
func htmlPage(t *testing.T, path string, status int, body string) observation.Page {
	t.Helper()
	u := base + path
	p := observation.Page{Probe: observation.Probe{URL: u, FinalURL: u, Status: status}}
	doc, err := page.Parse([]byte(body), u)
	if err != nil {
		t.Fatal(err)
	}
	p.Forms, p.Links = doc.Forms, doc.Links
	p.Notice = notice.Read([]byte(body), u)
	return p
}

func file(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const contactForm = `<form action="/envoi" method="post"><label for="n">Nom</label><input id="n" name="nom">
<label for="m">Courriel</label><input id="m" name="courriel" type="email"><label for="t">Message</label><textarea id="t" name="message"></textarea><button>Envoyer</button></form>`

const searchForm = `<form action="/recherche" method="get" role="search"><input type="search" name="q" aria-label="Rechercher"><button>Rechercher</button></form>`

const loginForm = `<form action="/connexion" method="post"><label for="u">Identifiant</label><input id="u" name="login"><label for="p">Mot de passe</label><input id="p" type="password" name="pass"><button>Se connecter</button></form>`

const recoveryForm = `<form action="/reinitialiser" method="post"><label for="e">Votre adresse électronique</label><input id="e" type="email" name="email"><button>Réinitialiser le mot de passe</button></form>`

const signupForm = `<form action="/inscription" method="post"><label for="u">Identifiant</label><input id="u" name="login"><label for="e">Courriel</label><input id="e" type="email" name="email"><label for="p">Mot de passe</label><input id="p" type="password" name="pass"><button>Créer mon compte</button></form>`

// contactPage is a contact page whose footer links to the given pages.
func contactPage(form, near string, links ...string) string {
	var b strings.Builder
	b.WriteString("<html><body><main><h1>Contact</h1>" + form + near + "</main><footer>")
	for _, l := range links {
		fmt.Fprintf(&b, `<a href="%s">%s</a> `, l, strings.TrimSuffix(strings.TrimPrefix(l, "/"), ".html"))
	}
	b.WriteString("</footer></body></html>")
	return b.String()
}

type got struct {
	check string
	url   string
}

func TestTransparency(t *testing.T) {
	type pg struct {
		path   string
		status int
		body   string
	}
	nearComplete := `<p>Les informations recueillies sont traitées par la Mairie d'Exemple afin de répondre à votre demande, sur la base de votre consentement. Elles ne sont transmises qu'au service concerné et conservées 1 an. Vous pouvez exercer vos droits auprès de notre délégué à la protection des données, dpo@exemple.test, et saisir la CNIL.</p>`
	tests := []struct {
		name   string
		public bool
		pages  []pg
		want   []got
	}{
		{"complete policy linked", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/politique-de-confidentialite.html")},
			{"/politique-de-confidentialite.html", 200, file(t, "politique-complete.html")}}, nil},
		{"complete notice next to the form, no link", false, []pg{{"/contact", 200, contactPage(contactForm, nearComplete)}}, nil},
		{"no notice, no link", false, []pg{{"/contact", 200, contactPage(contactForm, "")}},
			[]got{{"transparency.no-notice", base + "/contact"}}},
		{"candidate not fetched: unexamined, no finding", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")}}, nil},
		{"candidate failing with 503: unexamined", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")},
			{"/donnees-personnelles.html", 503, "<p>Service indisponible</p>"}}, nil},
		{"candidate answering 404: examined, no notice", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")},
			{"/donnees-personnelles.html", 404, "<p>Page introuvable</p>"}},
			[]got{{"transparency.no-notice", base + "/contact"}}},
		{"a cookie policy is no form's notice", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/cookies-et-donnees.html")},
			{"/cookies-et-donnees.html", 200, file(t, "cookies.html")}},
			[]got{{"transparency.no-notice", base + "/contact"}}},
		{"incomplete policy", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")},
			{"/donnees-personnelles.html", 200, file(t, "politique-incomplete.html")}},
			[]got{{"transparency.notice-incomplete", base + "/contact"}}},
		{"a contact form kept 20 years; the 1-year applications are fine", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")},
			{"/donnees-personnelles.html", 200, file(t, "politique-20ans.html")}},
			[]got{{"transparency.retention-unlimited", base + "/donnees-personnelles.html"}}},
		{"unlimited retention", false, []pg{{"/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")},
			{"/donnees-personnelles.html", 200, file(t, "politique-illimitee.html")}},
			[]got{{"transparency.retention-unlimited", base + "/donnees-personnelles.html"}}},
		{"search and log-in forms need no notice", false, []pg{{"/", 200, contactPage(searchForm+loginForm, "")}}, nil},
		{"an account recovery form needs no notice", false, []pg{{"/mot-de-passe-oublie", 200, contactPage(recoveryForm, "")}}, nil},
		{"a sign-up form does", false, []pg{{"/inscription", 200, contactPage(signupForm, "")}},
			[]got{{"transparency.no-notice", base + "/inscription"}}},
		{"public body without DPO contact", true, []pg{{"/", 200, contactPage(searchForm, "", "/mentions-legales.html")},
			{"/mentions-legales.html", 200, file(t, "mentions-sans-dpo.html")}},
			[]got{{"transparency.no-dpo-contact", base + "/"}}},
		{"public body with DPO contact", true, []pg{{"/", 200, contactPage(searchForm, "", "/mentions-legales.html")},
			{"/mentions-legales.html", 200, file(t, "politique-complete.html")}}, nil},
		{"private body without DPO contact", false, []pg{{"/", 200, contactPage(searchForm, "", "/mentions-legales.html")},
			{"/mentions-legales.html", 200, file(t, "mentions-sans-dpo.html")}}, nil},
		{"public body whose legal notice was not fetched", true, []pg{{"/", 200, contactPage(searchForm, "", "/mentions-legales.html")}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := &observation.Site{URL: base + "/", Host: "www.exemple.test", Public: tt.public}
			for _, p := range tt.pages {
				site.Pages = append(site.Pages, htmlPage(t, p.path, p.status, p.body))
			}
			var out []got
			for _, f := range check.Run(site) {
				if strings.HasPrefix(f.Check, "transparency.") {
					out = append(out, got{f.Check, f.URL})
				}
			}
			if !reflect.DeepEqual(out, tt.want) {
				t.Errorf("got %v, want %v", out, tt.want)
			}
		})
	}
}

// TestDetails checks what the findings say: the missing elements, the
// sentence and the limit.
func TestDetails(t *testing.T) {
	run := func(policy string) []finding.Finding {
		site := &observation.Site{URL: base + "/", Host: "www.exemple.test", Pages: []observation.Page{
			htmlPage(t, "/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")),
			htmlPage(t, "/donnees-personnelles.html", 200, file(t, policy)),
		}}
		return check.Run(site)
	}
	fs := run("politique-incomplete.html")
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	wantMissing := []string{notice.Retention, notice.Complaint}
	if m := fs[0].Detail["missing"]; !reflect.DeepEqual(m, wantMissing) {
		t.Errorf("missing %v, want %v", m, wantMissing)
	}
	if m := fs[0].Detail["missing_fr"].([]string); m[1] != "droit d'introduire une réclamation auprès de la CNIL" {
		t.Errorf("missing_fr %v", m)
	}
	fs = run("politique-20ans.html")
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	d := fs[0].Detail
	if d["sentence"] != "Les messages envoyés par le formulaire de contact sont conservés 20 ans" || d["days"] != 7300 || d["limit_days"] != 1095 || d["purpose"] != "contact" {
		t.Errorf("detail %v", d)
	}
}

// TestRetentionLimitOverride: --retention-limit contact=30y accepts 20
// years.
func TestRetentionLimitOverride(t *testing.T) {
	site := &observation.Site{URL: base + "/", Host: "www.exemple.test", RetentionLimits: map[string]int{"contact": 30 * 365}, Pages: []observation.Page{
		htmlPage(t, "/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")),
		htmlPage(t, "/donnees-personnelles.html", 200, file(t, "politique-20ans.html")),
	}}
	if fs := check.Run(site); len(fs) != 0 {
		t.Errorf("findings %+v", fs)
	}
}

// TestOneFindingPerNotice: two forms on two pages served by the same
// incomplete policy make one finding listing both pages; the same form
// without notice on two pages makes one no-notice finding.
func TestOneFindingPerDefect(t *testing.T) {
	newsletter := `<form action="/lettre" method="post"><label for="e">Votre courriel</label><input id="e" type="email" name="email"><button>S'abonner</button></form>`
	site := &observation.Site{URL: base + "/", Host: "www.exemple.test", Pages: []observation.Page{
		htmlPage(t, "/contact", 200, contactPage(contactForm, "", "/donnees-personnelles.html")),
		htmlPage(t, "/actualites", 200, contactPage(newsletter, "", "/donnees-personnelles.html")),
		htmlPage(t, "/donnees-personnelles.html", 200, file(t, "politique-incomplete.html")),
		htmlPage(t, "/a", 200, contactPage(contactForm, "")),
		htmlPage(t, "/b", 200, contactPage(contactForm, "")),
	}}
	var checks []string
	for _, f := range check.Run(site) {
		checks = append(checks, fmt.Sprintf("%s %v", f.Check, f.Detail[finding.DetailPagesCount]))
	}
	sort.Strings(checks)
	want := []string{"transparency.no-notice 2", "transparency.notice-incomplete 2"}
	if !reflect.DeepEqual(checks, want) {
		t.Errorf("got %v, want %v", checks, want)
	}
}

// TestDPOElement: a public body whose notice lacks the DPO's contact while
// another page gives it has an incomplete notice; a private body's notice
// needs no DPO; a public body with no DPO contact anywhere is one
// no-dpo-contact, not also an incomplete notice.
func TestDPOElement(t *testing.T) {
	const dpoPage = `<html><body><main><h1>Nous joindre</h1><p>Délégué à la protection des données : <a href="mailto:dpo@exemple.test">dpo@exemple.test</a></p></main></body></html>`
	run := func(public bool, extra ...observation.Page) []string {
		site := &observation.Site{URL: base + "/", Host: "www.exemple.test", Public: public, Pages: append([]observation.Page{
			htmlPage(t, "/contact", 200, contactPage(contactForm, "", "/mentions-legales.html")),
			htmlPage(t, "/mentions-legales.html", 200, file(t, "mentions-sans-dpo.html")),
		}, extra...)}
		var out []string
		for _, f := range check.Run(site) {
			out = append(out, fmt.Sprintf("%s %v", f.Check, f.Detail["missing"]))
		}
		return out
	}
	if got, want := run(true, htmlPage(t, "/nous-joindre", 200, dpoPage)), []string{"transparency.notice-incomplete [dpo-contact]"}; !reflect.DeepEqual(got, want) {
		t.Errorf("public, DPO elsewhere: %v, want %v", got, want)
	}
	if got := run(false, htmlPage(t, "/nous-joindre", 200, dpoPage)); got != nil {
		t.Errorf("private: %v, want nothing", got)
	}
	if got, want := run(true), []string{"transparency.no-dpo-contact <nil>"}; !reflect.DeepEqual(got, want) {
		t.Errorf("public, no DPO anywhere: %v, want %v", got, want)
	}
}

func TestParseLimit(t *testing.T) {
	for _, c := range []struct {
		in      string
		purpose string
		days    int
		ok      bool
	}{
		{"contact=3y", "contact", 1095, true},
		{"Newsletter = 36m", "newsletter", 1080, true},
		{"recruitment=730d", "recruitment", 730, true},
		{"contact=3", "", 0, false},
		{"contact=-1y", "", 0, false},
		{"adhesion=3y", "", 0, false},
		{"contact", "", 0, false},
	} {
		p, d, err := ParseLimit(c.in)
		if (err == nil) != c.ok || p != c.purpose || d != c.days {
			t.Errorf("ParseLimit(%q) = %q, %d, %v", c.in, p, d, err)
		}
	}
}
