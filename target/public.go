package target

import (
	"strings"

	"vigie/pii"
)

// publicTags are the tags and sectors that name a public authority or
// body (GDPR art. 37(1)(a)): the State's services, local authorities and
// their groupings, public establishments. Courts are left out (art.
// 37(1)(a) excepts them acting in their judicial capacity), and so are
// words that may name a private body too ("syndicat" is also a trade
// union, "hopital" and "universite" may be private): a directory entry
// or a more precise tag says those.
var publicTags = map[string]bool{
	"public": true, "public body": true, "public authority": true, "public sector": true, "secteur public": true,
	"service public": true, "administration": true, "etablissement public": true, "ministere": true, "ministry": true,
	"prefecture": true, "sous prefecture": true, "rectorat": true,
	"commune": true, "mairie": true, "departement": true, "conseil departemental": true, "region": true, "conseil regional": true,
	"collectivite": true, "collectivite territoriale": true, "epci": true, "intercommunalite": true, "communaute de communes": true,
	"communaute d agglomeration": true, "communaute urbaine": true, "metropole": true,
	"syndicat intercommunal": true, "syndicat mixte": true, "ccas": true, "sdis": true, "chu": true, "centre hospitalier": true,
}

// PublicTag reports whether a tag of the scan input or an organisation's
// sector names a public body ("prefecture", "commune", "epci",
// "secteur-public"...), case, accents and separators aside. Tags with a
// value ("dept:01") never do.
func PublicTag(tag string) bool {
	if strings.Contains(tag, ":") {
		return false
	}
	return publicTags[pii.Normalise(tag)]
}

// PublicTags reports whether any of tags names a public body.
func PublicTags(tags []string) bool {
	for _, t := range tags {
		if PublicTag(t) {
			return true
		}
	}
	return false
}
