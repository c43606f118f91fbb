package farm

// Sites for `vigie organisation discover`, which looks for the DPO's
// contact in the legal notice, the personal-data and privacy pages and
// /.well-known/security.txt. Each is done right (no finding but
// dpo-none's transparency.no-dpo-contact: a commune) and overrides
// the filler's legal notice, whose DPO address would otherwise be found
// everywhere. The contacts each must yield are in dpocontact's tests.
func init() {
	catalogue = append(catalogue,
		archetype{
			// The DPO's email and postal address in the privacy policy,
			// beside a generic contact address that is not the DPO's.
			ID: "dpo-privacy", Domain: "mairie-belley.test", Input: "https://www.{D}/",
			Org: "Ville de Belley", Tags: []string{"commune", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// The DPO only in security.txt, after the security team's
			// contact, which is not the DPO's.
			ID: "dpo-securitytxt", Domain: "sie-bresse.test", Input: "https://www.{D}/",
			Org: "Syndicat intercommunal des eaux de la Bresse", Tags: []string{"syndicat", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// A web form to write to the DPO, linked from the personal-data
			// page, which also links to the regulator's complaint page.
			ID: "dpo-form", Domain: "cc-dombes.test", Input: "https://www.{D}/",
			Org: "Communauté de communes de la Dombes", Tags: []string{"epci", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// An English privacy page naming the data protection officer.
			ID: "dpo-english", Domain: "campus-lyon.test", Input: "https://www.{D}/",
			Org: "Campus international de Lyon", Tags: []string{"enseignement", "dept:69"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{secure("www")},
		},
		archetype{
			// No DPO contact: rights are exercised through a generic
			// address, with no word of a DPO.
			ID: "dpo-none", Domain: "mairie-ceyzeriat.test", Input: "https://www.{D}/",
			Org: "Ville de Ceyzériat", Tags: []string{"commune", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{secure("www")},
			// A commune must publish its DPO's contact.
			Expect: site(CheckNoDPOContact, "https://www.{D}/"),
		},
		archetype{
			// A look-alike: the legal notice says a DPO was designated but
			// gives no contact; the next paragraph's generic address and
			// the link to the regulator are not the DPO's.
			ID: "dpo-lookalike", Domain: "ot-bugey.test", Input: "https://www.{D}/",
			Org: "Office de tourisme du Bugey", Tags: []string{"tourisme", "dept:01"},
			Layout: "moderne", Shared: "mairie",
			Hosts: []hostSpec{secure("www")},
		},
	)
}
