package farm

// Checks on the information given to people (GDPR art. 13, 5(1)(e),
// 37(7)).
const (
	CheckNoNotice           = "transparency.no-notice"
	CheckNoticeIncomplete   = "transparency.notice-incomplete"
	CheckRetentionUnlimited = "transparency.retention-unlimited"
	CheckNoDPOContact       = "transparency.no-dpo-contact"
)

// Sites for the transparency checks. The shared filler's legal notice is
// a complete information notice with the DPO's contact, linked from every
// page of the layouts, as on a well-run site; these archetypes replace it
// (mentions-legales.html) with what each failure or look-alike needs, and
// share a plain contact page (sites/transparence). Bodies that are not
// public, unless the test is about one, so that only the failure shown is
// expected.
func init() {
	catalogue = append(catalogue,
		archetype{
			// The legal notice names the publisher and the host and says
			// nothing of personal data: the contact form has no notice.
			// Rendered in browser mode too.
			ID: "tr-notice-none", Domain: "aviron-macon.test", Input: "https://www.{D}/",
			Org: "Club d'aviron de Mâcon", Tags: []string{"association", "dept:71", "browser"},
			Layout: "moderne", Shared: "transparence",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckNoNotice, "https://www.{D}/contact.html"),
		},
		archetype{
			// A complete short notice right under the form, and nothing
			// in the legal notice: the notice next to the form is enough.
			ID: "tr-notice-near", Domain: "rando-jura.test", Input: "https://www.{D}/",
			Org: "Randonneurs du Jura", Tags: []string{"association", "dept:39"},
			Layout: "moderne", Shared: "transparence",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// A complete privacy policy in English, linked from every
			// page as "Privacy policy".
			ID: "tr-notice-linked-en", Domain: "langues-nice.test", Input: "https://www.{D}/",
			Org: "Institut de langues de Nice", Tags: []string{"enseignement-prive", "dept:06"},
			Layout: "moderne", Shared: "transparence",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// A notice without retention period and without the right to
			// complain to the CNIL.
			ID: "tr-notice-incomplete", Domain: "camping-vassiviere.test", Input: "https://www.{D}/",
			Org: "Camping du lac de Vassivière", Tags: []string{"tourisme", "dept:87"},
			Layout: "moderne", Shared: "transparence",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckNoticeIncomplete, "https://www.{D}/contact.html"),
		},
		archetype{
			// The messages of a contact form kept twenty years: beyond
			// the CNIL's three years. Rendered in browser mode too.
			ID: "tr-retention-20ans", Domain: "immo-dijon.test", Input: "https://www.{D}/",
			Org: "Agence immobilière de Dijon", Tags: []string{"entreprise", "dept:21", "browser"},
			Layout: "moderne", Shared: "transparence",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckRetentionUnlimited, "https://www.{D}/mentions-legales.html"),
		},
		archetype{
			// Members' and contacts' data kept "sans limitation de durée"
			// (the 2016 party case).
			ID: "tr-retention-unlimited", Domain: "mouvement-rhone.test", Input: "https://www.{D}/",
			Org: "Mouvement citoyen du Rhône", Tags: []string{"parti-politique", "dept:69"},
			Layout: "moderne", Shared: "transparence",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckRetentionUnlimited, "https://www.{D}/mentions-legales.html"),
		},
		archetype{
			// A look-alike: contact requests kept three years from the
			// last exchange, within the CNIL's reference.
			ID: "tr-retention-3ans", Domain: "librairie-colmar.test", Input: "https://www.{D}/",
			Org: "Librairie du Koïfhus", Tags: []string{"entreprise", "dept:68"},
			Layout: "moderne", Shared: "transparence",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// A cookie policy ("Cookies et données") and a legal notice
			// silent on personal data: a cookie policy is no form's
			// notice.
			ID: "tr-cookies-only", Domain: "salle-nancy.test", Input: "https://www.{D}/",
			Org: "Salle de concerts de Nancy", Tags: []string{"association", "dept:54"},
			Layout: "moderne", Shared: "transparence",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckNoNotice, "https://www.{D}/contact.html"),
		},
		archetype{
			// A look-alike: a search box only and no notice anywhere;
			// nothing personal is collected.
			ID: "tr-search-only", Domain: "biblio-laval.test", Input: "https://www.{D}/",
			Org: "Bibliothèque associative de Laval", Tags: []string{"association", "dept:53"},
			Layout: "moderne",
			Hosts:  []hostSpec{secure("www")},
		},
		archetype{
			// A public body whose legal notice gives its DPO's contact (a
			// dpd@ address under a DPO heading).
			ID: "tr-dpo-public-legal", Domain: "mairie-cluny.test", Input: "https://www.{D}/",
			Org: "Ville de Cluny", Tags: []string{"commune", "dept:71"},
			Layout: "moderne", Shared: "transparence",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// A public body (a grouping of communes) that gives no DPO
			// contact anywhere: rights go to a generic address.
			ID: "tr-dpo-public-missing", Domain: "cc-haut-maconnais.test", Input: "https://www.{D}/",
			Org: "Communauté de communes du Haut-Mâconnais", Tags: []string{"epci", "dept:71"},
			Layout: "moderne", Shared: "transparence",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckNoDPOContact, "https://www.{D}/"),
		},
	)
}
