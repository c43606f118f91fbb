package crawl

import (
	"reflect"
	"strings"
	"testing"

	"vigie/observation"
	"vigie/pii/detect"
)

// TestExposureOf checks what the crawl tells the exposure checks of a
// page showing personal data: published attribution by the file's name,
// the page's title or a text's lines, and the special categories a
// record about one person names in its fields, not in its navigation.
func TestExposureOf(t *testing.T) {
	authors := "Jean Dupont <jean.dupont@gmail.com>\nMarie Curie <marie.curie@free.fr>\nLuc Petit <luc.petit@orange.fr>\n"
	tests := []struct {
		name, url, ct, body string
		attribution         string
		contacts            string
		special             map[string][]string
		prose               bool
	}{
		{name: "a Debian copyright file", url: "http://x.test/doc/bash/copyright", ct: "application/octet-stream",
			body: "Copyright: 1998 " + authors, attribution: "name"},
		{name: "an AUTHORS file", url: "http://x.test/AUTHORS.md", ct: "text/plain", body: authors, attribution: "name"},
		{name: "a credits page", url: "http://x.test/a-propos/equipe.html", ct: "text/html",
			body: "<title>Crédits et remerciements</title><ul><li>" + strings.NewReplacer("<", "(", ">", ")", "\n", "</li><li>").Replace(authors) + "</li></ul>", attribution: "title"},
		{name: "copyright lines in a text", url: "http://x.test/files/notes.txt", ct: "text/plain",
			body: "Copyright (C) 2001 Jean Dupont <jean.dupont@gmail.com>\nCopyright (C) 2003 Marie Curie <marie.curie@free.fr>\nAuthor: Luc Petit <luc.petit@orange.fr>\n", attribution: "content"},
		{name: "a changelog's signatures", url: "http://x.test/files/historique", ct: "text/plain",
			body: "pkg (1.2-1) unstable; urgency=low\n\n  * New upstream release.\n\n -- Jean Dupont <jean.dupont@gmail.com>  Mon, 01 Jan 2024 12:00:00 +0100\n\npkg (1.1-1) unstable; urgency=low\n\n  * Fix.\n\n -- Marie Curie <marie.curie@free.fr>  Mon, 01 Jan 2023 12:00:00 +0100\n", attribution: "content"},
		{name: "a document's authors section", url: "http://x.test/python3/", ct: "text/html",
			body: `<title>Debian Python Policy</title><h1>Debian Python Policy</h1><h2>1. Copyright</h2><dl><dt>Authors:</dt><dd><p>Neil Schemenauer &lt;<a href="mailto:nas%40debian.org">nas@debian.org</a>&gt;</p>` +
				`<p>Matthias Klose &lt;<a href="mailto:doko%40debian.org">doko@debian.org</a>&gt;</p><p>Barry Warsaw &lt;<a href="mailto:barry%40gmail.com">barry@gmail.com</a>&gt;</p></dd></dl>` +
				`<h2>2. Python packaging</h2><p>Packages must depend on python3.</p>`, attribution: "content"},
		{name: "addresses outside a credits section", url: "http://x.test/membres.html", ct: "text/html",
			body: `<title>Membres</title><h1>Nos membres</h1><p>Jean Dupont, jean.dupont@gmail.com</p><p>Marie Curie, marie.curie@free.fr</p><p>Luc Petit, luc.petit@orange.fr</p>` +
				`<h2>Crédits</h2><p>Photos : Anne Roux, anne.roux@gmail.com</p>`},
		{name: "birth announcements in a town's news", url: "http://x.test/actualites/carnet.html", ct: "text/html",
			body:  `<h1>Carnet</h1><p>Naissances : Léa Morel, née le 03/01/2024 ; Noé Brun, né le 17/02/2024.</p><p>Mme Yvette Roche, née le 2 mars 1924, a fêté ses cent ans.</p>`,
			prose: true},
		{name: "a date of birth as a labelled field", url: "http://x.test/fiche", ct: "text/html",
			body: `<h1>Fiche</h1><p>Nom : Mathilde Faure</p><p><strong>Date de naissance :</strong> 17/05/1991</p>`},
		{name: "press contacts", url: "http://x.test/presse.html", ct: "text/html",
			body: `<title>Presse - Média citoyen</title><h1>Espace presse</h1><p>Julie Carpentier, julie.c@agence-rp.fr, 06 12 34 56 78</p>`, contacts: "title"},
		{name: "a site named after the media", url: "http://x.test/membres.html", ct: "text/html",
			body: `<title>Nos membres - Média citoyen</title><h1>Nos membres</h1><p>Julie Carpentier, julie.c@gmail.com, 06 12 34 56 78</p>`},
		{name: "a list of members is no attribution", url: "http://x.test/files/liste.txt", ct: "text/plain", body: authors},
		{name: "a patient's record names a disease in its fields", url: "http://x.test/dossier?id=4", ct: "text/html",
			body: `<nav><a href="/handicap">Handicap et accessibilité</a></nav><table><tr><th>Patient</th><td>M. Roger Blanc</td></tr>` +
				`<tr><th>Né le</th><td>04/05/1938</td></tr><tr><th>Pathologie</th><td>Diabète de type 2</td></tr></table>`,
			special: map[string][]string{"health": {"diabete", "pathologie"}}},
		{name: "a record's navigation says nothing of the person", url: "http://x.test/fiche?id=4", ct: "text/html",
			body: `<nav><a href="/handicap">Handicap et accessibilité</a></nav><table><tr><th>Nom</th><td>Roger Blanc</td></tr>` +
				`<tr><th>Né le</th><td>04/05/1938</td></tr></table><footer>Association des paralysés — santé</footer>`},
		{name: "a member's record names the party's activists", url: "http://x.test/fiche.php?id=1042", ct: "text/html",
			body: `<table><tr><th>Nom</th><td>NGUYEN Linh</td></tr><tr><th>Née le</th><td>09/09/1999</td></tr>` +
				`<tr><th>Statut</th><td>Adhérente, militante de la section de Roanne</td></tr></table>`,
			special: map[string][]string{"political": {"militante"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pg := &observation.Page{}
			pg.Personal = detect.Scan([]byte(tt.body), tt.ct, detect.Options{OwnDomains: []string{"x.test"}})
			if !pg.Personal.Has() {
				t.Fatalf("the detectors see no personal data in %q", tt.body)
			}
			ex := exposureOf(pg, []byte(tt.body), tt.url, strings.HasPrefix(tt.ct, "text/html"))
			var got observation.PageExposure
			if ex != nil {
				got = *ex
			}
			if got.Attribution != tt.attribution {
				t.Errorf("attribution %q, want %q", got.Attribution, tt.attribution)
			}
			if got.Contacts != tt.contacts {
				t.Errorf("contacts %q, want %q", got.Contacts, tt.contacts)
			}
			if got.BirthInProse != tt.prose {
				t.Errorf("birth in prose %v, want %v", got.BirthInProse, tt.prose)
			}
			if !reflect.DeepEqual(got.Special, tt.special) {
				t.Errorf("special %v, want %v", got.Special, tt.special)
			}
		})
	}
}
