package farm

// Single-page applications that route with the fragment, and a look-alike
// whose fragments are plain anchors: a browser-mode audit must render each
// route as a page of its own, and keep a page with anchors one page.
func init() {
	catalogue = append(catalogue,
		archetype{
			// A family portal on plain HTTP drawn by a router that
			// listens to the fragment, as AngularJS ("#!/contact") and
			// older Vue or React routers ("#/…") do: the server sends
			// one document, "/" goes to "#!/", and the menu and views
			// link to routes ("#!/demarches", "#!/contact", and an old
			// "#/inscription-cantine") and to plain anchors ("#contenu",
			// "#tarifs"). A browser sees two forms, each on its route;
			// they post to HTTPS, so one form.http-page each. A static
			// crawl sees an empty shell.
			ID: "hash-route", Domain: "portail-famille-cusset.test", Input: "http://www.{D}/",
			Org: "Ville de Cusset", Tags: []string{"commune", "dept:03", "browser"},
			Hosts: []hostSpec{{Label: "www", TLS: tlsNone, HTTP: httpServe, Server: "nginx"}},
			Expect: expects(
				site(CheckNoHTTPS, "https://www.{D}/"),
				inBrowser(
					form("http://www.{D}/#!/contact", 0, CheckHTTPPage),
					form("http://www.{D}/#/inscription-cantine", 0, CheckHTTPPage))),
		},
		archetype{
			// Look-alike: a page whose tabs are chosen by plain anchors
			// ("#presentation", "#ecrire", "/#acces"): one page, so its
			// contact form on HTTP is one finding, in both modes, at the
			// page's URL without fragment.
			ID: "anchor-lookalike", Domain: "tourisme-bourbon.test", Input: "http://www.{D}/",
			Org: "Office de tourisme de Bourbon-l'Archambault", Tags: []string{"epic", "dept:03", "browser"},
			Layout: "moderne",
			Hosts:  []hostSpec{plain("www")},
			Expect: expects(
				site(CheckNoHTTPS, "https://www.{D}/"),
				form("http://www.{D}/", 1, CheckHTTPPage)),
		})
}
