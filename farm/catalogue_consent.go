package farm

import (
	"os"
	"path/filepath"

	"vigie/internal/npm"
)

// Check IDs of the consent pass (browser mode).
const (
	CheckConsentNoRefuse      = "consent.no-refuse-first-layer"
	CheckConsentRefuseHarder  = "consent.refuse-harder"
	CheckConsentTrackingAfter = "consent.tracking-after-refusal"
)

// Sites for the consent pass: real consent managers from the npm registry
// (tarteaucitron, Klaro, vanilla-cookieconsent), served from the folder .ci/run installs them
// into (package npm), configured compliantly and not, and hand-made
// banners with their look-alikes. Each is one page (sites/consent's
// skeleton): the consent pass looks at the entry page only. The archetypes that serve a
// manager exist only when its package is installed, so the rest of the
// farm works without them; the consent tests ask for the packages
// (testtool.NodeModule), so CI fails when they are missing.
func init() {
	browserSite := func(id, domain, org string, e ...[]exp) archetype {
		return archetype{
			ID: id, Domain: domain, Input: "https://www.{D}/",
			Org: org, Tags: []string{"commune", "dept:63", "browser"},
			Layout: "moderne", Shared: "consent",
			Hosts:  []hostSpec{{Label: "www", TLS: tlsValid, HTTP: httpUpgrade, HSTS: hsts2Years}},
			Expect: inBrowser(e...),
		}
	}
	if files, ok := npmFiles("tarteaucitronjs", "/vendor/tarteaucitron/",
		"tarteaucitron.js", "tarteaucitron.services.js", "lang/tarteaucitron.fr.js", "css/tarteaucitron.css"); ok {
		compliant := browserSite("consent-tac-ok", "mairie-riom-limagne.test", "Ville de Riom")
		// tarteaucitron as its authors advise: "Tout refuser" beside
		// "Tout accepter" on the first layer, the audience script a
		// service loaded only on consent.
		compliant.Files = files
		second := browserSite("consent-tac-second", "mairie-courpiere.test", "Ville de Courpière",
			site(CheckConsentNoRefuse, "https://www.{D}/"), site(CheckConsentRefuseHarder, "https://www.{D}/"))
		// DenyAllCta off: the first layer offers "Tout accepter" and
		// "Personnaliser"; "Tout refuser" is in the panel behind it.
		second.Files = files
		catalogue = append(catalogue, compliant, second)
	}
	if files, ok := npmFiles("klaro", "/vendor/klaro/", "dist/klaro.js"); ok {
		tracker := browserSite("consent-klaro-tracker", "mairie-issoire-val.test", "Ville d'Issoire",
			site(CheckConsentTrackingAfter, "https://www.{D}/"))
		// Klaro with "Je refuse" on its notice, but the audience script
		// is also written in the template, outside Klaro: it counts page
		// views whatever the visitor chose (it sets no cookie).
		tracker.Files = files
		nodecline := browserSite("consent-klaro-nodecline", "mairie-ambert-livradois.test", "Ville d'Ambert",
			site(CheckConsentNoRefuse, "https://www.{D}/"))
		// Klaro with hideDeclineAll: "C'est bon." and a link to the
		// settings, which offer acceptance only.
		nodecline.Files = files
		catalogue = append(catalogue, tracker, nodecline)
	}
	if files, ok := npmFiles("vanilla-cookieconsent", "/vendor/cookieconsent/", "dist/cookieconsent.umd.js", "dist/cookieconsent.css"); ok {
		cc := browserSite("consent-cc-tracker", "mairie-thiers-montagne.test", "Ville de Thiers",
			site(CheckConsentTrackingAfter, "https://www.{D}/"))
		// CookieConsent v3 with "Tout refuser" on its first layer, the
		// audience script under its control, and the same script written
		// in the template as well. CookieConsent hides its banner from
		// automated browsers and robots' user agents (hideFromBots, on by
		// default): the finding needs the browser to look like a
		// visitor's.
		cc.Files = files
		catalogue = append(catalogue, cc)
	}
	catalogue = append(catalogue,
		// A hand-made banner: a large green "J'accepte" button and
		// "refuser" as a small light-grey link. The audience script loads
		// on acceptance only (as on the next two sites): the banner does
		// govern something.
		browserSite("consent-grey-link", "mairie-volvic-sources.test", "Ville de Volvic",
			site(CheckConsentRefuseHarder, "https://www.{D}/")),
		// "En poursuivant votre navigation, vous acceptez les cookies" and
		// a single "OK".
		browserSite("consent-ok-only", "mairie-billom-comte.test", "Ville de Billom",
			site(CheckConsentNoRefuse, "https://www.{D}/")),
		// Look-alikes: a newsletter dialog whose only button is "OK"
		// (no consent banner), over a compliant banner whose refusal is a
		// "Continuer sans accepter" link as large and legible as the
		// accept button.
		browserSite("consent-lookalikes", "mairie-brioude-haute-loire.test", "Ville de Brioude"),
	)
}

// npmFiles returns the files of the installed npm package pkg (paths
// relative to its folder) served under prefix, and false when the
// package is not installed.
func npmFiles(pkg, prefix string, paths ...string) ([]generatedFile, bool) {
	dir, ok := npm.Module(pkg)
	if !ok {
		return nil, false
	}
	var out []generatedFile
	for _, p := range paths {
		ctype := "text/javascript; charset=utf-8"
		if filepath.Ext(p) == ".css" {
			ctype = "text/css; charset=utf-8"
		}
		file := filepath.Join(dir, filepath.FromSlash(p))
		out = append(out, generatedFile{Label: "www", Path: prefix + p, ContentType: ctype,
			Make: func() ([]byte, []string, error) {
				b, err := os.ReadFile(file)
				return b, nil, err
			}})
	}
	return out, true
}
