package eml

import (
	"fmt"
	"strings"
)

// fact is one thing a check saw, rendered in the report's language: a
// template key and its arguments (domains, sentences, results, as the
// message shows them).
type fact struct {
	key  string
	args []string
}

func newFact(key string, args ...string) fact { return fact{key, args} }

// factTemplates are the facts' sentences by language; every argument
// is a %s.
var factTemplates = map[string]map[string]string{
	"en": {
		"dkim":            "d=%s s=%s: %s (%s)",
		"dmarc-fail":      "%s (p=%s): neither an aligned DKIM signature nor an aligned SPF pass",
		"dmarc-fail-dkim": "%s (p=%s): no aligned DKIM signature verifies, and SPF could not be verified",
		"unauthenticated": "%s publishes no DMARC policy, and no DKIM signature or SPF pass aligned with it was verified (SPF: %s)",
		"lookalike":       "%s %s imitates %s (%s)",
		"lookalike-shown": "the link to %s imitates %s, which its text shows (%s)",
		"http-link":       "%s",
		"link-text":       "a link shows %s but leads to %s",
		"foreign":         "%s: %s link(s)",
		"foreign-via":     "%s: %s link(s) through %s",
		"foreign-to":      "%s: %s link(s) through %s, to %s",
		"attachment":      "%s (%s): %s",
		"request":         "%s: %s",
		"art34":           "not found: %s",
		"no-from":         "no From address",
		"many-from":       "%s From addresses",
		"reply-to":        "replies go to %s, on %s, not on the From domain %s",
		"display-name":    "the display name “%s” names %s, the address is on %s",
		"not-official":    "the From domain %s is not one of the official domains (%s)",
	},
	"fr": {
		"dkim":            "d=%s s=%s : %s (%s)",
		"dmarc-fail":      "%s (p=%s) : ni signature DKIM alignée valide, ni SPF aligné réussi",
		"dmarc-fail-dkim": "%s (p=%s) : aucune signature DKIM alignée ne se vérifie, et SPF n'a pas pu être vérifié",
		"unauthenticated": "%s ne publie pas de politique DMARC, et aucune signature DKIM ni vérification SPF alignée avec lui n'a été vérifiée (SPF : %s)",
		"lookalike":       "%s %s imite %s (%s)",
		"lookalike-shown": "le lien vers %s imite %s, que son texte affiche (%s)",
		"http-link":       "%s",
		"link-text":       "un lien affiche %s mais mène à %s",
		"foreign":         "%s : %s lien(s)",
		"foreign-via":     "%s : %s lien(s) via %s",
		"foreign-to":      "%s : %s lien(s) via %s, vers %s",
		"attachment":      "%s (%s) : %s",
		"request":         "%s : %s",
		"art34":           "non trouvés : %s",
		"no-from":         "aucune adresse From",
		"many-from":       "%s adresses From",
		"reply-to":        "les réponses vont à %s, sur %s, pas sur le domaine From %s",
		"display-name":    "le nom affiché « %s » cite %s, l'adresse est sur %s",
		"not-official":    "le domaine From %s n'est pas un domaine officiel (%s)",
	},
}

// factWords translate the codes facts carry (request kinds, notice
// elements, look-alike reasons, where a domain shows).
var factWords = map[string]map[string]string{
	"fr": {
		"credentials": "identifiants", "bank": "coordonnées bancaires", "nature": "nature de la violation",
		"contact": "DPO ou point de contact", "consequences": "conséquences probables", "measures": "mesures prises ou proposées",
		"advice": "conseils aux personnes", "confusable": "caractères semblables", "edit-distance": "lettres changées",
		"suffix": "autre suffixe", "contains": "nom officiel complété", "link": "le lien", "link target": "la destination du lien",
		"From": "l'expéditeur (From)", "Reply-To": "la réponse (Reply-To)", "Return-Path": "l'adresse de retour (Return-Path)",
		"DKIM d=": "la signature DKIM d=", "redirector": "un redirecteur",
	},
	"en": {
		"nature": "nature of the breach", "contact": "DPO or contact point", "consequences": "likely consequences",
		"measures": "measures taken or proposed", "advice": "advice to the people", "redirector": "a redirector",
	},
}

// render writes f in lang; arguments that are codes are translated.
func (f fact) render(lang string) string {
	tmpl, ok := factTemplates[lang][f.key]
	if !ok {
		tmpl = factTemplates["en"][f.key]
	}
	args := make([]any, len(f.args))
	for i, a := range f.args {
		if w, ok := factWords[lang][a]; ok {
			a = w
		} else if strings.Contains(a, ", ") && f.key == "art34" {
			parts := strings.Split(a, ", ")
			for j, p := range parts {
				if w, ok := factWords[lang][p]; ok {
					parts[j] = w
				}
			}
			a = strings.Join(parts, ", ")
		}
		args[i] = a
	}
	return fmt.Sprintf(tmpl, args...)
}
