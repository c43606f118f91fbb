package farm

// Archetypes of one defect shown on many pages: a site template whose
// header and footer carry the same forms on every page must give one
// finding per defect, listing the pages, not one per page.

// SameFormPages is the number of pages of the "same-form" archetype, each
// carrying the same log-in and newsletter forms.
const SameFormPages = 40

func init() {
	catalogue = append(catalogue, archetype{
		// An HTTP-only register of a water board's deliberations: the home
		// page and its 39 deliberations share a header with a search box
		// (no personal data) and the elected members' log-in form, which
		// returns to the page it was sent from (its action's query differs
		// on every page), and a footer with a newsletter form posting over
		// HTTP. Two forms, three defects: one finding each, 40 pages listed.
		ID: "same-form", Domain: "syndicat-eaux-bievre.test", Input: "http://www.{D}/",
		Org: "Syndicat des eaux de la Bièvre", Tags: []string{"syndicat", "dept:38"},
		Hosts: []hostSpec{{Label: "www", TLS: tlsNone, HTTP: httpServe}},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/", 1, CheckHTTPPage, CheckPasswordHTTP),
			form("http://www.{D}/", 2, CheckHTTPPage)),
	})
}
