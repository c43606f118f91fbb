package farm

import (
	"strings"

	"vigie/finding"
)

// Exposure archetypes: one person's record in the open is an exposure by
// itself; an organisation's published contacts and a project's credited
// authors are not; an open folder weighs what its files hold.
func init() {
	catalogue = append(catalogue,
		archetype{
			// An athletics club's member record, linked from the members'
			// area without any log-in: a name and a date of birth.
			ID: "fiche-licencie", Domain: "athle-pays-roannais.test", Input: "https://www.{D}/",
			Org: "Athlétic club du pays roannais", Tags: []string{"association", "dept:42"},
			Layout: "moderne",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckPIIExposed, "https://www.{D}/licencies/fiche-2207.html"),
		},
		archetype{
			// A school fund's page shows one parent's signed direct-debit
			// mandate: name and IBAN.
			ID: "mandat-sepa", Domain: "caisse-ecoles-valence.test", Input: "https://www.{D}/",
			Org: "Caisse des écoles de Valence", Tags: []string{"caisse-des-ecoles", "dept:26"},
			Layout: "moderne",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckPIIExposed, "https://www.{D}/cantine/mandats/0412.html"),
		},
		archetype{
			// A home nursing service's round sheet links to a patient's
			// care record: name, date of birth, diseases, care.
			ID: "dossier-soins", Domain: "ssiad-monts-lyonnais.test", Input: "https://www.{D}/",
			Org: "SSIAD des monts du Lyonnais", Tags: []string{"sante", "dept:69"},
			Layout: "ancien",
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckPIIExposed, "https://www.{D}/tournees/patient-118.html"),
		},
		archetype{
			// An open Apache folder lists the members' export of the year
			// (names, dates of birth, contacts) next to the minutes of the
			// general meeting.
			ID: "export-adherents", Domain: "amicale-laique-bourg.test", Input: "https://www.{D}/",
			Org: "Amicale laïque de Bourg", Tags: []string{"association", "dept:01"},
			Layout: "ancien",
			Hosts:  []hostSpec{withServer(secure("www"), "Apache/2.4.62 (Debian)")},
			Expect: expects(
				site(CheckDirListing, "https://www.{D}/documents/"),
				site(CheckPIIExposed, "https://www.{D}/documents/adherents-2024.csv")),
		},

		// Look-alikes.
		archetype{
			// Look-alike: a town hall's staff directory, names with
			// professional addresses, direct lines and duty mobiles, and
			// its press contacts (agency and personal addresses, mobiles).
			ID: "annuaire-agents", Domain: "mairie-saint-chamond.test", Input: "https://www.{D}/",
			Org: "Ville de Saint-Chamond", Tags: []string{"commune", "dept:42"},
			Layout: "moderne",
			Hosts:  []hostSpec{secure("www")},
		},
		archetype{
			// Look-alike: the elected officials' page, with their
			// contacts (some on personal addresses and mobiles) and a
			// year of birth in a biography; the town's news announce
			// births and a centenarian's birthday with dates of birth.
			ID: "elus-municipaux", Domain: "mairie-feurs.test", Input: "https://www.{D}/",
			Org: "Ville de Feurs", Tags: []string{"commune", "dept:42"},
			Layout: "moderne",
			Hosts:  []hostSpec{secure("www")},
		},
		archetype{
			// Look-alike: a free software project's credits page and
			// AUTHORS file, thirteen contributors by name and address.
			ID: "credits-logiciel", Domain: "reserv-salles.test", Input: "https://www.{D}/",
			Org: "Association Réserv'Salles", Tags: []string{"association", "logiciel-libre"},
			Layout: "moderne",
			Hosts:  []hostSpec{secure("www")},
		},
		archetype{
			// An nginx folder of council minutes as PDF: an open listing
			// (low), nothing about anyone.
			ID: "deliberations-pdf", Domain: "commune-panissieres.test", Input: "https://www.{D}/",
			Org: "Commune de Panissières", Tags: []string{"commune", "dept:42"},
			Layout: "moderne",
			Hosts:  []hostSpec{withServer(secure("www"), "nginx/1.22.1")},
			Expect: site(CheckDirListing, "https://www.{D}/deliberations/"),
		},
	)
}

// exposureSeverities are the severities the exposure findings of the
// catalogue must have, by archetype and URL ({D} for the domain): what
// was seen decides them (see package check/exposure).
var exposureSeverities = map[string]map[string]string{
	"fiche-licencie":    {"https://www.{D}/licencies/fiche-2207.html": "critical"},
	"mandat-sepa":       {"https://www.{D}/cantine/mandats/0412.html": "critical"},
	"dossier-soins":     {"https://www.{D}/tournees/patient-118.html": "critical"},
	"export-adherents":  {"https://www.{D}/documents/": "critical", "https://www.{D}/documents/adherents-2024.csv": "critical"},
	"deliberations-pdf": {"https://www.{D}/deliberations/": "low"},
	"open-export": {"https://www.{D}/exports/": "critical",
		"https://www.{D}/exports/inscriptions-alsh-ete-2024.csv": "critical"},
	"enumerable-records": {"https://www.{D}/adherent/1042": "critical"},
	"member-platform": {"https://www.{D}/federation/adherents.php?section=toutes&page=1": "critical",
		"https://www.{D}/federation/fiche.php?id=1042": "critical"},
}

// ExposureSeverity is the severity an exposure finding of the farm must
// have, keyed as Expected() keys the finding.
type ExposureSeverity struct {
	Expectation
	Severity string
}

// ExpectedExposureSeverities returns the severities the farm's passive
// exposure findings must have, site by site in Sites order.
func (f *Farm) ExpectedExposureSeverities() []ExposureSeverity {
	var out []ExposureSeverity
	for _, e := range f.Expected() {
		if e.Active || !strings.HasPrefix(e.Check, "exposure.") {
			continue
		}
		for _, s := range f.sites {
			if s.id != e.Site {
				continue
			}
			for u, sev := range exposureSeverities[s.arch.ID] {
				if finding.NormaliseURL(strings.ReplaceAll(u, "{D}", s.domain)) == e.URL {
					out = append(out, ExposureSeverity{e, sev})
				}
			}
		}
	}
	return out
}
