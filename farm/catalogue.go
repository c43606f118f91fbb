package farm

import "vigie/observation"

// catalogue lists the archetypes, in the order of the catalogue farm. Each
// has its pages under sites/<ID>/<host label>/ ("_apex" for the registrable
// domain itself). Form indices count every form of the page in document
// order: the "moderne" layout has a search form first (index 0), the
// "ancien" layout none.
var catalogue = []archetype{
	{
		// The 2022 case: a prefecture's contact form over plain HTTP, on
		// an old site encoded in ISO-8859-1 (declared in the header only).
		ID: "pref-http-latin1", Domain: "pref-ain.test", Input: "http://www.{D}/",
		Org: "Préfecture de l'Ain", Tags: []string{"prefecture", "dept:01"},
		Layout: "ancien",
		Hosts:  []hostSpec{withServer(withCharset(plain("www"), latin1Header), "Apache/2.2.15 (CentOS)")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/contact.php", 0, CheckHTTPPage)),
	},
	{
		// The same on a windows-1252 site declaring its charset only in a
		// <meta> tag, given as a bare host name: the crawler falls back to
		// HTTP.
		ID: "pref-http-cp1252", Domain: "pref-aisne.test", Input: "www.{D}",
		Org: "Préfecture de l'Aisne", Tags: []string{"prefecture", "dept:02"},
		Layout: "ancien",
		Hosts:  []hostSpec{withServer(withCharset(plain("www"), cp1252Meta), "Microsoft-IIS/7.5")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/ecrire-au-prefet.php", 0, CheckHTTPPage)),
	},
	{
		// Done right: HTTPS, HSTS for two years, HTTP redirected, forms over
		// HTTPS; an absolute http:// link to the contact page is redirected.
		ID: "pref-ok", Domain: "pref-allier.test", Input: "https://www.{D}/",
		Org: "Préfecture de l'Allier", Tags: []string{"prefecture", "dept:03"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{secure("www")},
	},
	{
		// HTTPS pages whose forms post to absolute http:// URLs.
		ID: "action-http", Domain: "pref-hautes-alpes.test", Input: "https://www.{D}/",
		Org: "Préfecture des Hautes-Alpes", Tags: []string{"prefecture", "dept:05"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
		Expect: expects(
			form("https://www.{D}/contact.html", 1, CheckHTTPAction),
			form("https://www.{D}/espace-agents/connexion.html", 1, CheckHTTPAction, CheckPasswordHTTP)),
	},
	{
		// An HTTPS form whose second submit button has an http:// formaction.
		ID: "formaction-http", Domain: "departement-ardeche.test", Input: "www.{D}",
		Org: "Département de l'Ardèche", Tags: []string{"departement", "dept:07"},
		Layout: "moderne", Shared: "mairie",
		Hosts:  []hostSpec{secure("www")},
		Expect: form("https://www.{D}/aides/demande-aide.html", 1, CheckHTTPAction),
	},
	{
		// A tenant space with log-in and sign-up forms over plain HTTP; the
		// log-in page also has a "forgotten password" form.
		ID: "login-http", Domain: "opac-savoie.test", Input: "http://www.{D}/",
		Org: "OPAC de la Savoie", Tags: []string{"logement-social", "dept:73"},
		Layout: "moderne",
		Hosts:  []hostSpec{plain("www")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/compte/connexion.php", 1, CheckHTTPPage, CheckPasswordHTTP),
			form("http://www.{D}/compte/connexion.php", 2, CheckHTTPPage),
			form("http://www.{D}/compte/inscription.php", 1, CheckHTTPPage, CheckPasswordHTTP)),
	},
	{
		ID: "hsts-short", Domain: "mairie-annecy.test", Input: "https://www.{D}/",
		Org: "Ville d'Annecy", Tags: []string{"commune", "dept:74"},
		Layout: "moderne", Shared: "mairie",
		Hosts:  []hostSpec{withHSTS(secure("www"), "max-age=300", "")},
		Expect: site(CheckHSTS, "https://www.{D}/"),
	},
	{
		ID: "hsts-missing", Domain: "mairie-brest.test", Input: "https://www.{D}/",
		Org: "Ville de Brest", Tags: []string{"commune", "dept:29"},
		Layout: "moderne", Shared: "mairie",
		Hosts:  []hostSpec{withHSTS(secure("www"), "", "")},
		Expect: site(CheckHSTS, "https://www.{D}/"),
	},
	{
		// HSTS sent on the HTTP redirect only, where browsers ignore it.
		ID: "hsts-http-only", Domain: "mairie-toulouse.test", Input: "https://www.{D}/",
		Org: "Mairie de Toulouse", Tags: []string{"commune", "dept:31"},
		Layout: "moderne", Shared: "mairie",
		Hosts:  []hostSpec{withHSTS(secure("www"), "", hsts2Years)},
		Expect: site(CheckHSTS, "https://www.{D}/"),
	},
	{
		ID: "hsts-subdomains", Domain: "region-bretagne.test", Input: "https://www.{D}/",
		Org: "Région Bretagne", Tags: []string{"region", "region:53"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{withHSTS(secure("www"), hsts1Year, "")},
	},
	{
		ID: "hsts-malformed", Domain: "mairie-nimes.test", Input: "www.{D}",
		Org: "Ville de Nîmes", Tags: []string{"commune", "dept:30"},
		Layout: "moderne", Shared: "mairie",
		Hosts:  []hostSpec{withHSTS(secure("www"), "max-age=deux-ans; includeSubDomains", "")},
		Expect: site(CheckHSTS, "https://www.{D}/"),
	},
	{
		// HTTPS done right but HTTP answers without redirecting; the CMS
		// writes absolute https:// links, so the crawl stays on HTTPS.
		ID: "no-redirect", Domain: "mairie-lille.test", Input: "https://www.{D}/",
		Org: "Ville de Lille", Tags: []string{"commune", "dept:59"},
		Layout: "moderne", Shared: "mairie", Base: "https://www.{D}",
		Hosts:  []hostSpec{withHTTP(secure("www"), httpServe)},
		Expect: site(CheckNoRedirect, "http://www.{D}/"),
	},
	{
		// HTTP redirects, but to another HTTP page.
		ID: "no-redirect-portal", Domain: "departement-nord.test", Input: "https://www.{D}/",
		Org: "Département du Nord", Tags: []string{"departement", "dept:59"},
		Layout: "moderne", Shared: "mairie", Base: "https://www.{D}",
		Hosts: []hostSpec{withRedirects(withHTTP(secure("www"), httpServe),
			redirect{Scheme: "http", Path: "/", Status: 302, To: "/portail/"})},
		Expect: site(CheckNoRedirect, "http://www.{D}/"),
	},
	{
		// Forms over HTTPS loading a script and an iframe over HTTP; the
		// home page loads an HTTP script but has no personal form.
		ID: "mixed-content", Domain: "mdph-gers.test", Input: "https://www.{D}/",
		Org: "MDPH du Gers", Tags: []string{"mdph", "handicap", "dept:32"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
		Expect: expects(
			site(CheckMixedContent, "https://www.{D}/contact.html"),
			site(CheckMixedContent, "https://www.{D}/demande-pch.html"),
			site(CheckScriptNoSRI, "https://www.{D}/contact.html")),
	},
	{
		// Look-alike: an HTTPS form page with only an HTTP image, a
		// protocol-relative script and an http:// hyperlink.
		ID: "mixed-lookalike", Domain: "ccas-nantes.test", Input: "https://www.{D}/",
		Org: "CCAS de Nantes", Tags: []string{"ccas", "dept:44"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
		// A browser sees the form page load the third party's script.
		Expect: expects(inBrowser(site(CheckThirdPartyOnForm, "https://www.{D}/contact.html")),
			site(CheckScriptNoSRI, "https://www.{D}/contact.html")),
	},
	{
		// A form reachable only from sitemap.xml.
		ID: "sitemap-only", Domain: "pref-correze.test", Input: "http://www.{D}/",
		Org: "Préfecture de la Corrèze", Tags: []string{"prefecture", "dept:19"},
		Layout: "moderne",
		Hosts:  []hostSpec{withSitemap(plain("www"), "/formulaires/signalement-nuisances.html")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/formulaires/signalement-nuisances.html", 1, CheckHTTPPage)),
	},
	{
		// A form three links away from the home page (depth 3).
		ID: "deep-form", Domain: "mairie-quimper.test", Input: "http://www.{D}/",
		Org: "Ville de Quimper", Tags: []string{"commune", "dept:29"},
		Layout: "moderne",
		Hosts:  []hostSpec{plain("www")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/services/etat-civil/demande-acte.html", 1, CheckHTTPPage)),
	},
	{
		// A secure main site linking to an HTTP-only subdomain (same site)
		// and to a partner's HTTP form (another site, not to be crawled).
		ID: "subdomain-form", Domain: "departement-gard.test", Input: "https://www.{D}/",
		Org: "Département du Gard", Tags: []string{"departement", "dept:30"},
		Layout: "moderne",
		Hosts: []hostSpec{
			secure("www"),
			{Label: "demarches", TLS: tlsNone, HTTP: httpServe, Server: "nginx/1.10.3"},
		},
		Expect: form("http://demarches.{D}/aide-sociale/demande-apa.html", 0, CheckHTTPPage),
	},
	{
		// The partner linked from subdomain-form: an HTTP form on another
		// registrable domain. Served, never listed.
		ID: "partner", Domain: "association-partenaire.test", Input: "http://www.{D}/",
		Org: "Association partenaire", Unlisted: true,
		Hosts: []hostSpec{{Label: "www", TLS: tlsNone, HTTP: httpServe}},
	},
	{
		// Look-alikes of personal forms on HTTP pages: search, language
		// picker, captcha with hidden fields, company directory, cookie
		// consent; and two real ones: a newsletter (e-mail only) and a
		// press form posting to HTTPS from an HTTP page.
		ID: "lookalikes", Domain: "mairie-saint-malo.test", Input: "http://www.{D}/",
		Org: "Ville de Saint-Malo", Tags: []string{"commune", "dept:35"},
		Layout: "moderne",
		Hosts:  []hostSpec{plain("www")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/lettre-information.html", 1, CheckHTTPPage),
			form("http://www.{D}/espace-presse.html", 1, CheckHTTPPage)),
	},
	{
		// Markup variety on HTTP: upper-case HTML 3.2, opaque names with
		// <label for>, wrapping labels, placeholders only, autocomplete
		// only, fields outside their form (form= attribute), empty action.
		ID: "markup", Domain: "mairie-saint-flour.test", Input: "http://www.{D}/",
		Org: "Commune de Saint-Flour", Tags: []string{"commune", "dept:15"},
		Layout: "ancien",
		Hosts:  []hostSpec{plain("www")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/contact.htm", 0, CheckHTTPPage),
			form("http://www.{D}/inscription-cantine.html", 0, CheckHTTPPage),
			form("http://www.{D}/rappel.html", 0, CheckHTTPPage),
			form("http://www.{D}/reservation-salle.html", 0, CheckHTTPPage),
			form("http://www.{D}/alerte-sms.html", 0, CheckHTTPPage),
			form("http://www.{D}/rendez-vous.html", 0, CheckHTTPPage),
			form("http://www.{D}/suivi-dossier.html", 0, CheckHTTPPage)),
	},
	{
		// An HTTPS page whose <base href> is http://, so its relative form
		// action resolves to HTTP.
		ID: "base-href", Domain: "sde-vendee.test", Input: "https://www.{D}/",
		Org: "Syndicat départemental d'eau de Vendée", Tags: []string{"syndicat", "eau", "dept:85"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
		Expect: form("https://www.{D}/abonnement/demande.html", 0, CheckHTTPAction),
	},
	{
		// Health data (GDPR art. 9) and a social security number over HTTP.
		ID: "health-http", Domain: "ch-dax.test", Input: "http://www.{D}/",
		Org: "Centre hospitalier de Dax", Tags: []string{"sante", "hopital", "dept:40"},
		Layout: "moderne",
		Hosts:  []hostSpec{plain("www")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/prendre-rendez-vous.html", 1, CheckHTTPPage)),
	},
	{
		// The registrable domain redirects to www; HSTS is on the final
		// response only, as the check reads it.
		ID: "apex-redirect", Domain: "ville-pau.test", Input: "https://{D}/",
		Org: "Ville de Pau", Tags: []string{"commune", "dept:64"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{
			{Label: "", TLS: tlsValid, HTTP: httpUpgrade,
				Redirects: []redirect{{Scheme: "https", Path: "*", Status: 301, To: "https://www.{D}"}}},
			secure("www"),
		},
	},
	{
		// Done right, given as a bare host name; log-in over HTTPS.
		ID: "bare-ok", Domain: "mairie-bourg-en-bresse.test", Input: "www.{D}",
		Org: "Ville de Bourg-en-Bresse", Tags: []string{"commune", "dept:01"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{secure("www")},
	},
	{
		// HTTPS without HSTS, HTTP not redirected, and a brochure request
		// form linked with an absolute http:// URL.
		ID: "http-link-form", Domain: "ot-biarritz.test", Input: "https://www.{D}/",
		Org: "Office de tourisme de Biarritz", Tags: []string{"tourisme", "dept:64"},
		Layout: "moderne", Base: "https://www.{D}",
		Hosts: []hostSpec{withHSTS(withHTTP(secure("www"), httpServe), "", "")},
		Expect: expects(
			site(CheckNoRedirect, "http://www.{D}/"),
			site(CheckHSTS, "https://www.{D}/"),
			form("http://www.{D}/brochure.html", 0, CheckHTTPPage)),
	},
	{
		// HTTPS answers by redirecting to HTTP: the crawl goes on over HTTP.
		ID: "https-downgrade", Domain: "grand-chalon.test", Input: "https://www.{D}/",
		Org: "Le Grand Chalon", Tags: []string{"epci", "dept:71"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{withRedirects(hostSpec{Label: "www", TLS: tlsValid, HTTP: httpServe, Canonical: "http", Filler: true, Sitemap: true},
			redirect{Scheme: "https", Path: "*", Status: 301, To: "http://www.{D}"})},
		Expect: expects(
			site(CheckNoRedirect, "http://www.{D}/"),
			form("http://www.{D}/contact.html", 1, CheckHTTPPage)),
	},
	{
		// The contact form is built by JavaScript: a static crawl sees no
		// form; a browser sees one over HTTP.
		ID: "js-form", Domain: "mairie-arles.test", Input: "http://www.{D}/",
		Org: "Ville d'Arles", Tags: []string{"commune", "dept:13", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{plain("www")},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			inBrowser(form("http://www.{D}/contact.html", 1, CheckHTTPPage))),
	},
	{
		// An HTTPS newsletter form posting to a mailing service over HTTP,
		// on another registrable domain.
		ID: "third-party-action", Domain: "cc-vallee-dordogne.test", Input: "https://www.{D}/",
		Org: "Communauté de communes de la Vallée de la Dordogne", Tags: []string{"epci", "dept:46"},
		Layout: "moderne", Shared: "mairie",
		Hosts:  []hostSpec{secure("www")},
		Expect: form("https://www.{D}/lettre-information.html", 1, CheckHTTPAction),
	},
	{
		// A form listed only in a sitemap nested in a sitemap index.
		ID: "sitemap-index", Domain: "pref-lozere.test", Input: "http://www.{D}/",
		Org: "Préfecture de la Lozère", Tags: []string{"prefecture", "dept:48"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{func() hostSpec {
			h := withSitemap(plain("www"), "/formulaires/demande-subvention.html")
			h.SitemapIndex = true
			return h
		}()},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/contact.html", 1, CheckHTTPPage),
			form("http://www.{D}/formulaires/demande-subvention.html", 1, CheckHTTPPage)),
	},
	{
		// The contact link is an old URL redirected to the form's page: the
		// finding is on the final URL.
		ID: "redirected-form", Domain: "mairie-vannes.test", Input: "http://www.{D}/",
		Org: "Ville de Vannes", Tags: []string{"commune", "dept:56"},
		Layout: "moderne",
		Hosts: []hostSpec{withRedirects(plain("www"),
			redirect{Path: "/contact.php", Status: 301, To: "/nous-contacter/"})},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/nous-contacter/", 1, CheckHTTPPage)),
	},

	// Exposure and authentication.
	{
		// The 2016 case: a party's member-tracking platform whose member
		// file and member records are reached by URL without logging in
		// (names, addresses, phones, birth dates, payment, political
		// membership); the member's own space is behind a login, an
		// administration area behind Basic authentication over HTTPS,
		// and the session cookie is well set.
		ID: "member-platform", Domain: "mouvement-citoyen-loire.test", Input: "https://www.{D}/",
		Org: "Mouvement citoyen de la Loire", Tags: []string{"parti-politique", "dept:42"},
		Layout: "ancien",
		Hosts: []hostSpec{withAuth(withCookies(withRedirects(secure("www"),
			redirect{Path: "/espace-adherents/mon-compte.php", Status: 302, To: "/espace-adherents/connexion.php"}),
			"PHPSESSID=4c1d8e2f9a7b6c5d3e2f1a0b9c8d7e6f; path=/; Secure; HttpOnly; SameSite=Lax"),
			protected{Path: "/admin/", Challenge: `Basic realm="Administration"`})},
		Expect: expects(
			site(CheckPIIExposed, "https://www.{D}/federation/adherents.php?section=toutes&page=1"),
			site(CheckPIIExposed, "https://www.{D}/federation/fiche.php?id=1042")),
	},
	{
		// An open Apache directory of exports: the index lists a CSV of
		// children and parents (birth dates, contacts, allergies), a CSV
		// of prices and a text note, all fetched.
		ID: "open-export", Domain: "cc-clunisois.test", Input: "https://www.{D}/",
		Org: "Communauté de communes du Clunisois", Tags: []string{"epci", "dept:71"},
		Layout: "ancien",
		Hosts:  []hostSpec{withServer(secure("www"), "Apache/2.4.57 (Debian)")},
		Expect: expects(
			site(CheckDirListing, "https://www.{D}/exports/"),
			site(CheckPIIExposed, "https://www.{D}/exports/inscriptions-alsh-ete-2024.csv")),
	},
	{
		// A members' association whose record pages (/adherent/1042) need
		// no log-in: the neighbouring identifiers show other members'
		// birth dates, addresses and contacts. The linked record, one
		// person with a date of birth, is an exposure by itself; only
		// --active shows that the file can be walked.
		ID: "enumerable-records", Domain: "ensemble-pays-viennois.test", Input: "https://www.{D}/",
		Org: "Ensemble pour le pays viennois", Tags: []string{"association", "dept:38"},
		Layout: "ancien",
		Hosts:  []hostSpec{secure("www")},
		Expect: expects(
			site(CheckPIIExposed, "https://www.{D}/adherent/1042"),
			activeSite(CheckEnumerable, "https://www.{D}/adherent/1042")),
	},
	{
		// A campsite whose web root holds a MySQL dump of reservations and
		// the deployment's .git folder, linked from nowhere.
		ID: "backup-sql", Domain: "camping-lac-aydat.test", Input: "https://www.{D}/",
		Org: "Commune d'Aydat", Tags: []string{"commune", "dept:63"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
		Expect: expects(
			activeSite(CheckDataFile, "https://www.{D}/backup.sql"),
			activeSite(CheckDataFile, "https://www.{D}/.git/config")),
	},
	{
		// Look-alike: a single-page application answering every path with
		// its index (200), which names one contact and KEY=VALUE-like
		// text: no export or backup path is a finding.
		ID: "spa-fallback", Domain: "associations-riom.test", Input: "https://www.{D}/",
		Org: "Ville de Riom", Tags: []string{"commune", "dept:63"},
		Layout: "moderne",
		Hosts: []hostSpec{func() hostSpec {
			h := secure("www")
			h.Fallback = "/"
			return h
		}()},
	},
	{
		// Look-alike: /export.csv exists but lists products and prices.
		ID: "price-export", Domain: "tourisme-sancy.test", Input: "https://www.{D}/",
		Org: "Office de tourisme du Sancy", Tags: []string{"epic", "dept:63"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
	},
	{
		// Look-alike: sequential article numbers (/journal/article/57) on
		// public news without personal data: nothing to probe.
		ID: "news-ids", Domain: "ville-thiers.test", Input: "https://www.{D}/",
		Org: "Ville de Thiers", Tags: []string{"commune", "dept:63"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
	},
	{
		// A Java family portal whose log-in page rewrites its links and
		// form action with the session identifier (";jsessionid=").
		ID: "session-in-url", Domain: "ville-roanne.test", Input: "https://www.{D}/",
		Org: "Ville de Roanne", Tags: []string{"commune", "dept:42"},
		Layout: "moderne",
		Hosts:  []hostSpec{secure("www")},
		Expect: site(CheckTokenInURL, "https://www.{D}/portail-famille/connexion.jsp"),
	},
	{
		// Every page sets a PHP session cookie without Secure, HttpOnly or
		// SameSite, and an analytics cookie without flags (not a finding).
		ID: "cookie-flags", Domain: "mairie-montbrison.test", Input: "https://www.{D}/",
		Org: "Ville de Montbrison", Tags: []string{"commune", "dept:42"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{withCookies(secure("www"),
			"PHPSESSID=a81f3c9e2b7d4f60915c3e2a; path=/",
			"_ga=GA1.2.1234567890.1700000000; path=/; expires=Fri, 01 Jan 2038 00:00:00 GMT")},
		Expect: expects(
			site(CheckCookieFlags, "https://www.{D}/"),
			inBrowser(site(CheckCookieConsent, "https://www.{D}/"))),
	},
	{
		// An HTTP-only site whose agents' intranet asks for a password
		// with HTTP Basic authentication.
		ID: "basic-http", Domain: "sivu-ecoles-forez.test", Input: "http://www.{D}/",
		Org: "SIVU des écoles du Forez", Tags: []string{"syndicat", "dept:42"},
		Layout: "ancien",
		Hosts:  []hostSpec{withAuth(plain("www"), protected{Path: "/intranet/", Challenge: `Basic realm="Intranet des agents"`})},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			site(CheckBasicHTTP, "http://www.{D}/intranet/")),
	},
	{
		// Look-alikes of exposure: a staff directory of the town's own
		// addresses and phones, an order-tracking page full of phone-like
		// references, a page titled "Index of products", dead links to
		// an export answered by a soft 404, a "my account" page behind a
		// log-in, an analytics cookie without flags and a well-set
		// session cookie.
		ID: "exposure-lookalikes", Domain: "mairie-firminy.test", Input: "https://www.{D}/",
		Org: "Ville de Firminy", Tags: []string{"commune", "dept:42"},
		Layout: "moderne",
		Hosts: []hostSpec{func() hostSpec {
			h := withCookies(withRedirects(secure("www"), redirect{Path: "/mon-compte/", Status: 302, To: "/connexion.html"}),
				"_ga=GA1.2.99.1700000000; path=/", "_pk_id.3.1fff=8a3c5e7f; path=/",
				"PHPSESSID=0c1d2e3f4a5b6c7d8e9f0a1b; path=/; Secure; HttpOnly; SameSite=Lax")
			h.Soft404 = true
			return h
		}()},
		// The analytics cookies are set with no consent asked.
		Expect: inBrowser(site(CheckCookieConsent, "https://www.{D}/")),
	},

	// Browser mode: what only a rendering shows. The pages' scripts come
	// from the trackers below; static mode sees none of these findings.
	{
		// A contact form whose every field is sent, as it is typed, to an
		// audience-measurement collector (in the query string of a GET),
		// and whose e-mail address, lower-cased and hashed with SHA-256,
		// goes to an advertising pixel. Both scripts are in the site's
		// template: one thirdparty.on-form-page finding per party beside
		// the contact form, each listing its page.
		ID: "typed-leak", Domain: "mairie-montlucon.test", Input: "https://www.{D}/",
		Org: "Ville de Montluçon", Tags: []string{"commune", "dept:03", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{secure("www")},
		Expect: expects(inBrowser(
			site(CheckThirdPartyOnForm, "https://www.{D}/contact.html"),
			site(CheckThirdPartyOnForm, "https://www.{D}/contact.html"),
			site(CheckFormDataLeak, "https://www.{D}/contact.html"),
			site(CheckFormDataLeak, "https://www.{D}/contact.html")),
			scriptsNoSRI("https://www.{D}/contact.html", 2)),
		Leaks: []leak{
			{"https://www.{D}/contact.html", 1, "nom", trackerStats, observation.EncodingURL},
			{"https://www.{D}/contact.html", 1, "prenom", trackerStats, observation.EncodingURL},
			{"https://www.{D}/contact.html", 1, "email", trackerStats, observation.EncodingURL},
			{"https://www.{D}/contact.html", 1, "telephone", trackerStats, observation.EncodingURL},
			{"https://www.{D}/contact.html", 1, "message", trackerStats, observation.EncodingURL},
			{"https://www.{D}/contact.html", 1, "email", trackerPub, observation.EncodingSHA256},
		},
	},
	{
		// A session-replay script recording every field, base64-encoded
		// in the JSON it posts.
		ID: "replay-leak", Domain: "oph-allier.test", Input: "https://www.{D}/",
		Org: "Office public de l'habitat de l'Allier", Tags: []string{"logement-social", "dept:03", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{secure("www")},
		Expect: expects(inBrowser(
			site(CheckThirdPartyOnForm, "https://www.{D}/contact.html"),
			site(CheckFormDataLeak, "https://www.{D}/contact.html")),
			scriptsNoSRI("https://www.{D}/contact.html", 1)),
		Leaks: []leak{
			{"https://www.{D}/contact.html", 1, "nom", trackerReplay, observation.EncodingBase64},
			{"https://www.{D}/contact.html", 1, "prenom", trackerReplay, observation.EncodingBase64},
			{"https://www.{D}/contact.html", 1, "email", trackerReplay, observation.EncodingBase64},
			{"https://www.{D}/contact.html", 1, "telephone", trackerReplay, observation.EncodingBase64},
			{"https://www.{D}/contact.html", 1, "message", trackerReplay, observation.EncodingBase64},
		},
	},
	{
		// Audience measurement on every page, page views only (URL,
		// referrer, screen size): a third party on the contact form's
		// page, no field value sent.
		ID: "pageview-only", Domain: "mairie-yzeure.test", Input: "https://www.{D}/",
		Org: "Ville d'Yzeure", Tags: []string{"commune", "dept:03", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{secure("www")},
		Expect: expects(inBrowser(site(CheckThirdPartyOnForm, "https://www.{D}/contact.html")),
			scriptsNoSRI("https://www.{D}/contact.html", 1)),
	},
	{
		// The home page shows a consent banner nobody clicked, yet its
		// audience script sets _ga and _gid and an advertising pixel sets
		// a third-party IDE cookie; both are in the template, so they
		// load again after a visitor refused (consent pass).
		ID: "cookie-consent", Domain: "ville-vichy.test", Input: "https://www.{D}/",
		Org: "Ville de Vichy", Tags: []string{"commune", "dept:03", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{secure("www")},
		Expect: inBrowser(site(CheckCookieConsent, "https://www.{D}/"),
			site(CheckConsentTrackingAfter, "https://www.{D}/")),
	},
	{
		// Look-alike: a well-set session cookie and the consent tool's own
		// cookie; the audience script loads only after consent, never
		// given.
		ID: "consent-lookalike", Domain: "ville-cusset.test", Input: "https://www.{D}/",
		Org: "Ville de Cusset", Tags: []string{"commune", "dept:03", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{withCookies(secure("www"),
			"PHPSESSID=9e8d7c6b5a4f3e2d1c0b9a8f; path=/; Secure; HttpOnly; SameSite=Lax")},
	},
	{
		// Look-alike: HTTPS with HSTS, a contact form, no third party, no
		// cookie.
		ID: "browser-clean", Domain: "mairie-gannat.test", Input: "https://www.{D}/",
		Org: "Ville de Gannat", Tags: []string{"commune", "dept:03", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{secure("www")},
	},
	{
		// An appointment form in a frame served over HTTPS by a form
		// provider (another registrable domain): a browser sees the form
		// and the third party on the embedding page.
		ID: "frame-form", Domain: "ccas-commentry.test", Input: "https://www.{D}/",
		Org: "CCAS de Commentry", Tags: []string{"ccas", "dept:03", "browser"},
		Layout: "moderne", Shared: "mairie",
		Hosts:  []hostSpec{secure("www")},
		Expect: inBrowser(site(CheckThirdPartyOnForm, "https://www.{D}/rendez-vous.html")),
	},
	{
		// A single-page application on plain HTTP: menu and pages are drawn
		// by its router, which changes the address with history.pushState;
		// the server answers every path with the application. A browser
		// reaches /contact by the menu's link and sees its form over HTTP;
		// a static crawl sees an empty shell.
		ID: "spa-route", Domain: "agglo-moulins.test", Input: "http://www.{D}/",
		Org: "Moulins Communauté", Tags: []string{"epci", "dept:03", "browser"},
		Hosts: []hostSpec{{Label: "www", TLS: tlsNone, HTTP: httpServe, Fallback: "/", Server: "nginx"}},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			inBrowser(form("http://www.{D}/contact", 0, CheckHTTPPage))),
	},

	// Third parties of the browser-mode sites: trackers and a form
	// provider, served, never listed. Their domains are in TrackerListCSV.
	{
		// Audience measurement: /a.js (data-site, data-cookie="oui" to set
		// _ga and _gid, data-champs="oui" to send field values) and its
		// collector.
		ID: "tracker-stats", Domain: trackerStats, Input: "https://cdn.{D}/a.js",
		Org: "Stats Mesure", Unlisted: true,
		Hosts: []hostSpec{thirdParty("cdn"), thirdParty("collecte", collectPoint{Path: "/c"})},
	},
	{
		// Advertising: /t.js, a conversion tag sending the hashed e-mail
		// address, and its pixels; /px.gif sets the IDE cookie.
		ID: "tracker-pub", Domain: trackerPub, Input: "https://tag.{D}/t.js",
		Org: "Pub Régie", Unlisted: true,
		Hosts: []hostSpec{thirdParty("tag"), thirdParty("ad",
			collectPoint{Path: "/conv.gif", Pixel: true},
			collectPoint{Path: "/px.gif", Pixel: true, Cookies: []string{
				"IDE=AHWqTUkq8Zb2vQ7m1XcYp4rL0sN3eT6uJ9wF5dG8hK2; Domain=pub-regie.test; Path=/; Max-Age=34128000; Secure; HttpOnly; SameSite=None"}})},
	},
	{
		// Session replay: /r.js and its ingestion endpoint.
		ID: "tracker-replay", Domain: trackerReplay, Input: "https://static.{D}/r.js",
		Org: "Replay Session", Unlisted: true,
		Hosts: []hostSpec{thirdParty("static"), thirdParty("ingest", collectPoint{Path: "/v1/rec"})},
	},
	{
		// The form provider framed by frame-form.
		ID: "form-provider", Domain: "formulaires-prestataire.test", Input: "https://www.{D}/",
		Org: "Formulaires Prestataire", Unlisted: true,
		Hosts: []hostSpec{thirdParty("www")},
	},

	// Hostile sites.
	{
		ID: "redirect-loop", Domain: "sivom-boucle.test", Input: "https://www.{D}/",
		Org: "SIVOM de la Boucle", Tags: []string{"syndicat", "hostile"}, Hostile: true,
		Hosts: []hostSpec{{Label: "www", TLS: tlsValid, HTTP: httpUpgrade, HSTS: hsts2Years,
			Redirects: []redirect{
				{Scheme: "https", Path: "/", Status: 302, To: "/a"},
				{Scheme: "https", Path: "/a", Status: 302, To: "/b"},
				{Scheme: "https", Path: "/b", Status: 302, To: "/a"},
			}}},
		Error: observation.KindRedirect,
	},
	{
		// Accepts connections and never answers, on both ports.
		ID: "hung", Domain: "silence-radio.test", Input: "http://www.{D}/",
		Org: "Communauté de communes du Haut-Silence", Tags: []string{"epci", "hostile"}, Hostile: true,
		Hosts: []hostSpec{{Label: "www", Route: routeHung}},
		Error: observation.KindTimeout,
	},
	{
		// A linked page streams 1 GiB of HTML; the contact form after it
		// must still be audited.
		ID: "huge-body", Domain: "archives-creuse.test", Input: "https://www.{D}/",
		Org: "Archives départementales de la Creuse", Tags: []string{"archives", "dept:23", "hostile"}, Hostile: true,
		Layout: "moderne",
		Hosts:  []hostSpec{withHuge(secure("www"), "/fonds/inventaire-integral.html")},
		Expect: form("https://www.{D}/contact.html", 1, CheckHTTPAction),
	},
	{
		// Tag soup; its HTTP contact form must still be found.
		ID: "malformed", Domain: "mairie-vieux-moulin.test", Input: "http://www.{D}/",
		Org: "Commune de Vieux-Moulin", Tags: []string{"commune", "dept:60", "hostile"}, Hostile: true,
		Hosts: []hostSpec{{Label: "www", TLS: tlsNone, HTTP: httpServe, Server: "Apache"}},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			form("http://www.{D}/contact.html", 0, CheckHTTPPage)),
	},
	{
		// HTTPS with an expired certificate (a failed handshake for a
		// verifying client); HTTP answers. Bare host: the crawl falls back
		// to HTTP.
		ID: "expired-cert", Domain: "smictom-vallee.test", Input: "www.{D}",
		Org: "SMICTOM de la Vallée", Tags: []string{"syndicat", "dechets", "hostile"}, Hostile: true,
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{{Label: "www", TLS: tlsExpired, HTTP: httpServe, Filler: true, Sitemap: true}},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			site(CheckTLSCertInvalid, "https://www.{D}/"),
			form("http://www.{D}/contact.html", 1, CheckHTTPPage)),
	},
	{
		// HTTPS with a certificate for another name (shared hosting).
		ID: "wrong-name", Domain: "ehpad-les-tilleuls.test", Input: "http://www.{D}/",
		Org: "EHPAD Les Tilleuls", Tags: []string{"sante", "ehpad", "hostile"}, Hostile: true,
		Layout: "moderne", Shared: "mairie",
		Hosts: []hostSpec{{Label: "www", TLS: tlsWrongName, HTTP: httpServe, Filler: true, Sitemap: true}},
		Expect: expects(
			site(CheckNoHTTPS, "https://www.{D}/"),
			site(CheckTLSCertInvalid, "https://www.{D}/"),
			form("http://www.{D}/contact.html", 1, CheckHTTPPage)),
	},
	{
		// Routed to a closed port: connections refused on both schemes.
		ID: "refused", Domain: "si-ferme.test", Input: "https://www.{D}/",
		Org: "Syndicat intercommunal des Fermes", Tags: []string{"syndicat", "hostile"}, Hostile: true,
		Hosts: []hostSpec{{Label: "www", Route: routeClosed}},
		Error: observation.KindRefused,
	},
}

// Registrable domains of the farm's trackers.
const (
	trackerStats  = "stats-mesure.test"
	trackerPub    = "pub-regie.test"
	trackerReplay = "replay-session.test"
)

// thirdParty is a host of a third party: HTTPS, HTTP redirected, no
// common pages, with the collector endpoints given.
func thirdParty(label string, c ...collectPoint) hostSpec {
	// Third-party services are embedded in their customers' pages: their
	// security headers must not forbid framing (thirdPartyHeaders).
	return hostSpec{Label: label, TLS: tlsValid, HTTP: httpUpgrade, HSTS: hsts1Year, Collect: c, Headers: thirdPartyHeaders}
}

// wrongCertName is the name on the certificate of tlsWrongName hosts.
const wrongCertName = "www.hebergement-mutualise.test"

func withCharset(h hostSpec, c charset) hostSpec { h.Charset = c; return h }

func withCookies(h hostSpec, c ...string) hostSpec {
	h.Cookies = append(h.Cookies, c...)
	return h
}

func withAuth(h hostSpec, p ...protected) hostSpec {
	h.Protected = append(h.Protected, p...)
	return h
}
func withServer(h hostSpec, s string) hostSpec  { h.Server = s; return h }
func withHTTP(h hostSpec, m httpMode) hostSpec  { h.HTTP = m; return h }
func withHuge(h hostSpec, path string) hostSpec { h.Huge = path; return h }

func withHSTS(h hostSpec, https, http string) hostSpec {
	h.HSTS, h.HSTSOnHTTP = https, http
	return h
}

func withSitemap(h hostSpec, extra ...string) hostSpec {
	h.SitemapExtra = append(h.SitemapExtra, extra...)
	return h
}

func withRedirects(h hostSpec, rs ...redirect) hostSpec {
	h.Redirects = append(h.Redirects, rs...)
	return h
}
