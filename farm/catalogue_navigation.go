package farm

// Navigation, search and filter forms, and fields nobody can fill in: a
// choice from a fixed list used to navigate or filter is no collection of
// personal data, nor is a disabled field, and special categories are read
// only in what a field asks (see pii.CollectsPersonalData).
func init() {
	catalogue = append(catalogue, archetype{
		// A plain-HTTP intercommunal site whose every page has a form:
		// a language switcher that submits on change (home), a commune
		// chooser with "Aller" and a postcode finder (communes), a
		// department menu whose options are addresses and a region
		// filter (départements), a topic filter whose answers name
		// health and union topics (aides), date filters, sort, results
		// per page and pagination (agenda), a service chooser with "OK"
		// (services). None collects personal data. The DSFR name block
		// (identité) has the "Je n'ai pas de prénom" box named
		// firstname-disabled and disabled fields: its name fields alone
		// make it personal (identity, high, not health); a second form
		// there has only disabled fields. The leisure-centre form asks
		// a first name and, in a fieldset legend, whether the child is
		// disabled: personal, with health data. The forms post to HTTPS,
		// so each is one form.http-page finding.
		ID: "navigation", Domain: "agglo-pays-issoire.test", Input: "http://www.{D}/",
		Org: "Agglo Pays d'Issoire", Tags: []string{"epci", "dept:63"},
		Layout: "moderne",
		Hosts:  []hostSpec{plain("www")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/identite.html", 1, CheckHTTPPage),
			form("http://www.{D}/centre-loisirs.html", 1, CheckHTTPPage)),
	})
}
