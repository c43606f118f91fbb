package farm

// Sites for the headers.*, wellknown.* and thirdparty.script-no-sri
// checks, and the postures the MDN HTTP Observatory comparison grades
// (observatory's peer test). Every other archetype keeps the well-run
// default of posture.go.

// Check IDs of the header checks.
const (
	CheckCSPMissing      = "headers.csp-missing"
	CheckFrameMissing    = "headers.frame-missing"
	CheckReferrerUnsafe  = "headers.referrer-unsafe"
	CheckCORSAnyOrigin   = "headers.cors-credentials-any-origin"
	CheckNosniffMissing  = "headers.nosniff-missing"
	CheckSecTxtMissing   = "wellknown.security-txt-missing"
	CheckSecTxtInvalid   = "wellknown.security-txt-invalid"
	CheckScriptNoSRI     = "thirdparty.script-no-sri"
	hstsHalfYear         = "max-age=15552000"
	strictCSPStylesOnly  = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
	strictCSPDefaultNone = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

// scriptsNoSRI expects n third-party scripts without integrity on the
// personal-data form page url.
func scriptsNoSRI(url string, n int) []exp {
	var out []exp
	for range n {
		out = append(out, site(CheckScriptNoSRI, url)...)
	}
	return out
}

// withHeaders gives h the security headers hs instead of the default.
func withHeaders(h hostSpec, hs ...[2]string) hostSpec {
	h.Headers = append([][2]string{}, hs...)
	return h
}

func withSecurityTxt(h hostSpec, body string) hostSpec {
	h.SecurityTxt = body
	return h
}

func init() {
	mairie := func(a archetype) archetype {
		a.Layout, a.Shared = "moderne", "mairie"
		if a.Input == "" {
			a.Input = "https://www.{D}/"
		}
		return a
	}
	catalogue = append(catalogue,
		// No security header and no security.txt: the contact form can
		// be framed and runs without a policy. Observatory: F.
		mairie(archetype{
			ID: "hdr-none", Domain: "mairie-gex.test", Org: "Ville de Gex", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withSecurityTxt(withHeaders(secure("www")), noSecurityTxt)},
			Expect: expects(
				site(CheckCSPMissing, "https://www.{D}/contact.html"),
				site(CheckFrameMissing, "https://www.{D}/contact.html"),
				site(CheckNosniffMissing, "https://www.{D}/"),
				site(CheckSecTxtMissing, "https://www.{D}/.well-known/security.txt")),
		}),
		// X-Frame-Options and nosniff but no policy: csp-missing only.
		mairie(archetype{
			ID: "hdr-xfo-only", Domain: "mairie-divonne.test", Org: "Ville de Divonne-les-Bains", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"X-Frame-Options", "DENY"}, [2]string{"X-Content-Type-Options", "nosniff"})},
			Expect: site(CheckCSPMissing, "https://www.{D}/contact.html"),
		}),
		// Look-alike: a strict policy that allows 'unsafe-inline' for
		// styles only, with a strict referrer policy and CORP. No finding.
		mairie(archetype{
			ID: "hdr-strict-styles", Domain: "mairie-ferney.test", Org: "Ville de Ferney-Voltaire", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", strictCSPStylesOnly},
				[2]string{"X-Content-Type-Options", "nosniff"},
				[2]string{"Referrer-Policy", "no-referrer"},
				[2]string{"Cross-Origin-Resource-Policy", "same-origin"})},
		}),
		// Look-alike: the policy is in a meta element (it counts for
		// csp-missing) and X-Frame-Options forbids framing. No finding.
		archetype{
			ID: "hdr-csp-meta", Domain: "mairie-thoiry.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Ville de Thoiry", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"X-Frame-Options", "SAMEORIGIN"}, [2]string{"X-Content-Type-Options", "nosniff"})},
		},
		// frame-ancestors only in a meta element, which browsers ignore,
		// and no X-Frame-Options: the form page can be framed.
		archetype{
			ID: "hdr-meta-frame", Domain: "mairie-prevessin.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Ville de Prévessin-Moëns", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"X-Content-Type-Options", "nosniff"})},
			Expect: site(CheckFrameMissing, "https://www.{D}/contact.html"),
		},
		// Referrer-Policy: unsafe-url on a site whose follow-up page
		// carries the applicant's email address in its URL.
		archetype{
			ID: "hdr-referrer-unsafe", Domain: "mairie-nantua.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Ville de Nantua", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'"},
				[2]string{"X-Content-Type-Options", "nosniff"},
				[2]string{"Referrer-Policy", "unsafe-url"})},
			Expect: site(CheckReferrerUnsafe, "https://www.{D}/suivi.html?ref=D-2026-0412&email=[masked:email]"),
		},
		// Look-alike: the same URL, no Referrer-Policy header but a
		// strict <meta name="referrer">. No finding.
		archetype{
			ID: "hdr-referrer-meta", Domain: "mairie-oyonnax.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Ville d'Oyonnax", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'"},
				[2]string{"X-Content-Type-Options", "nosniff"})},
		},
		// Look-alike: unsafe-url, but no URL of the site carries personal
		// data or a token. No finding.
		mairie(archetype{
			ID: "hdr-referrer-harmless", Domain: "mairie-bellegarde.test", Org: "Ville de Valserhône", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'"},
				[2]string{"X-Content-Type-Options", "nosniff"},
				[2]string{"Referrer-Policy", "no-referrer-when-downgrade"})},
		}),
		// An API that echoes any Origin with credentials (on every
		// response of the host, the home page included).
		archetype{
			ID: "hdr-cors-credentials", Domain: "portail-ain.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Département de l'Ain", Tags: []string{"departement", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'"},
				[2]string{"X-Content-Type-Options", "nosniff"},
				[2]string{"Access-Control-Allow-Origin", echoOrigin},
				[2]string{"Access-Control-Allow-Credentials", "true"})},
			Expect: expects(
				site(CheckCORSAnyOrigin, "https://www.{D}/"),
				site(CheckCORSAnyOrigin, "https://www.{D}/api/dossiers.json")),
		},
		// Look-alike: the Origin is echoed without credentials. No finding.
		archetype{
			ID: "hdr-cors-public", Domain: "opendata-ain.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Données ouvertes de l'Ain", Tags: []string{"departement", "dept:01"},
			Shared: "hdr-cors-credentials",
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'"},
				[2]string{"X-Content-Type-Options", "nosniff"},
				[2]string{"Access-Control-Allow-Origin", echoOrigin})},
		},
		// Look-alike: "*" with credentials, a combination browsers refuse
		// to honour: nobody can read the answers with credentials. No
		// finding.
		archetype{
			ID: "hdr-cors-star", Domain: "tourisme-ain.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Agence de tourisme de l'Ain", Tags: []string{"tourisme", "dept:01"},
			Shared: "hdr-cors-credentials",
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'"},
				[2]string{"X-Content-Type-Options", "nosniff"},
				[2]string{"Access-Control-Allow-Origin", "*"},
				[2]string{"Access-Control-Allow-Credentials", "true"})},
		},
		// A third-party script without integrity on the contact form's
		// page; the first-party script beside it is not reported.
		archetype{
			ID: "hdr-sri-missing", Domain: "mairie-miribel.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Ville de Miribel", Tags: []string{"commune", "dept:01"},
			Hosts:  []hostSpec{secure("www")},
			Expect: site(CheckScriptNoSRI, "https://www.{D}/contact.html"),
		},
		// Look-alike: the third-party script has integrity, the site's
		// own does not (irrelevant). No finding.
		archetype{
			ID: "hdr-sri-ok", Domain: "mairie-trevoux.test", Input: "https://www.{D}/", Layout: "moderne",
			Org: "Ville de Trévoux", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withHeaders(secure("www"),
				[2]string{"Content-Security-Policy", strictCSPDefaultNone},
				[2]string{"X-Content-Type-Options", "nosniff"},
				[2]string{"Referrer-Policy", "strict-origin-when-cross-origin"},
				[2]string{"Cross-Origin-Resource-Policy", "same-site"})},
		},
		// An expired security.txt.
		mairie(archetype{
			ID: "hdr-sectxt-expired", Domain: "mairie-lagnieu.test", Org: "Ville de Lagnieu", Tags: []string{"commune", "dept:01"},
			Hosts:  []hostSpec{withSecurityTxt(secure("www"), "Contact: mailto:securite@{D}\nExpires: 2024-12-31T23:00:00.000Z\n")},
			Expect: site(CheckSecTxtInvalid, "https://www.{D}/.well-known/security.txt"),
		}),
		// Look-alike: a valid, OpenPGP-signed security.txt with a
		// Canonical naming it. No finding.
		mairie(archetype{
			ID: "hdr-sectxt-signed", Domain: "mairie-meximieux.test", Org: "Ville de Meximieux", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withSecurityTxt(secure("www"), signedSecurityTxt)},
		}),
		// security.txt only at the legacy /security.txt location.
		mairie(archetype{
			ID: "hdr-sectxt-legacy", Domain: "mairie-montluel.test", Org: "Ville de Montluel", Tags: []string{"commune", "dept:01"},
			Hosts:  []hostSpec{withSecurityTxt(secure("www"), noSecurityTxt)},
			Expect: site(CheckSecTxtInvalid, "https://www.{D}/security.txt"),
		}),
		// HTTPS with a six-month HSTS but no header else, and session
		// cookies done right: an Observatory posture (D).
		mairie(archetype{
			ID: "hdr-hsts-only", Domain: "mairie-pont-de-vaux.test", Org: "Ville de Pont-de-Vaux", Tags: []string{"commune", "dept:01"},
			Hosts: []hostSpec{withCookies(withHeaders(secureHSTS("www", hstsHalfYear),
				[2]string{"Content-Security-Policy", "frame-ancestors 'self'; object-src 'none'"},
				[2]string{"X-Content-Type-Options", "nosniff"}),
				"SESSIONID=5e1a9c; path=/; Secure; HttpOnly; SameSite=Lax")},
		}),
	)
}

func secureHSTS(label, hsts string) hostSpec {
	h := secure(label)
	h.HSTS = hsts
	return h
}

const signedSecurityTxt = `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

Contact: mailto:securite@{D}
Expires: 2099-12-31T23:00:00.000Z
Canonical: https://www.{D}/.well-known/security.txt
Preferred-Languages: fr
-----BEGIN PGP SIGNATURE-----

iHUEARYKAB0WIQTmZ0vJ3cRmCAJp1QpL6gQyQ0pHTwUCZ3vIAAAKCRBL6gQyQ0pH
T8XhAP9Vv2m0mC6N0GZx1yJc9eF0y7oQ3b5r2C1Ue2eYk0lT1wEA0b8Cw7m1qz3K
=Zx9k
-----END PGP SIGNATURE-----
`
