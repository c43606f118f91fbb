package detect

import "vigie/pii"

// Words and phrases of the special categories of personal data (GDPR
// art. 9), in French and English. They matter only next to data about
// people: the scanner keeps them when the same record (table row, list
// item, JSON object, CSV line) also holds a personal identifier.

// Special categories as bits.
const (
	specHealth uint8 = 1 << iota
	specPolitical
	specReligious
	specUnion
	specSexual
)

var specialCategories = []struct {
	bit uint8
	cat string
}{
	{specHealth, pii.Health}, {specPolitical, pii.Political}, {specReligious, pii.Religious},
	{specUnion, pii.Union}, {specSexual, pii.SexualLife},
}

func specialCategory(bit uint8) string {
	for _, s := range specialCategories {
		if s.bit == bit {
			return s.cat
		}
	}
	return ""
}

// specialPhrases lists the words and phrases by category, folded. Words
// common on any public page ("santé", "parti", "syndicat", "église") are
// left out; a phrase is a sequence of words.
var specialPhrases = map[uint8][]string{
	specHealth: {
		"maladie", "maladies", "pathologie", "pathologies", "handicap",
		"handicape", "handicapee", "invalidite", "diabete", "diabetique", "cancer", "vih", "sida",
		"seropositif", "seropositive", "hepatite", "allergie", "allergies", "allergique", "grossesse",
		"medicament", "medicaments", "hospitalisation", "hospitalise",
		"hospitalisee", "psychiatrique", "psychiatrie", "alzheimer", "epilepsie",
		"asthme", "antecedents", "therapie", "chimiotherapie", "dialyse", "addiction", "toxicomanie",
		"dossier medical", "medecin traitant", "groupe sanguin", "etat de sante", "affection longue duree",
		"traitement medical", "certificat medical", "taux d incapacite",
		"diagnosis", "disease", "illness", "disability", "disabled", "hiv", "pregnant",
		"pregnancy", "medication", "allergy", "diabetes", "hospitalised",
		"hospitalized", "medical record", "medical condition", "blood type", "health condition",
	},
	specPolitical: {
		"militant", "militante", "militants", "militantes", "sympathisant", "sympathisante",
		"sympathisants", "parti politique", "partis politiques", "opinion politique",
		"opinions politiques", "parti socialiste", "les republicains", "rassemblement national",
		"front national", "france insoumise", "parti communiste", "europe ecologie", "eelv",
		"lutte ouvriere", "parti radical",
		"political party", "political parties", "party member", "party members", "party membership",
		"political opinion", "political opinions",
	},
	specReligious: {
		"religion", "religions", "religieux", "religieuse", "confession", "catholique", "catholiques",
		"protestant", "protestante", "musulman", "musulmane", "musulmans", "juif", "juive", "juifs",
		"israelite", "bouddhiste", "hindou", "hindoue", "paroissien",
		"paroissienne", "paroissiens", "culte pratique",
		"religious", "catholic", "muslim", "jewish", "buddhist", "hindu",
	},
	specUnion: {
		"syndique", "syndiquee", "syndiques", "syndicale", "syndical", "syndicaux", "cgt", "cfdt",
		"cftc", "unsa", "cgc", "fsu", "delegue syndical", "section syndicale", "force ouvriere",
		"trade union", "union member", "union membership", "labour union", "labor union",
	},
	specSexual: {
		"orientation sexuelle", "vie sexuelle", "homosexuel", "homosexuelle", "bisexuel",
		"bisexuelle", "lesbienne", "transgenre", "lgbt", "lgbtq", "lgbtqia",
		"sexual orientation", "sex life", "homosexual", "bisexual", "lesbian", "transgender",
	},
}

// labelSpecial are words that name a special category in a label (a
// column header, a JSON key) though they are too common in running text.
var labelSpecial = map[string]uint8{
	"sante": specHealth, "health": specHealth, "medical": specHealth, "medicale": specHealth,
	"pathologie": specHealth, "handicap": specHealth, "allergies": specHealth,
	"parti": specPolitical, "partipolitique": specPolitical, "party": specPolitical,
	"opinion": specPolitical, "militantisme": specPolitical,
	"religion": specReligious, "confession": specReligious, "culte": specReligious,
	"syndicat": specUnion, "syndicale": specUnion, "union": specUnion,
	"orientation": specSexual, "sexualite": specSexual,
}

// phrase is a special-category entry keyed by its first word.
type phrase struct {
	bit  uint8
	rest [][]byte // the following words
	text string   // the whole phrase, as reported
}

// specialIndex maps a first word to the phrases starting with it.
var specialIndex = func() map[string][]phrase {
	m := map[string][]phrase{}
	for bit, list := range specialPhrases {
		for _, p := range list {
			var words [][]byte
			start := 0
			for i := 0; i <= len(p); i++ {
				if i == len(p) || p[i] == ' ' {
					words = append(words, []byte(p[start:i]))
					start = i + 1
				}
			}
			first := string(words[0])
			m[first] = append(m[first], phrase{bit: bit, rest: words[1:], text: p})
		}
	}
	return m
}()

// prefixSet marks the first three letters of a set of words, so that most
// words of a text cost one table read instead of a map lookup.
type prefixSet [(27*27*27 + 7) / 8]uint8

func prefixIndex(w []byte) int {
	n := 0
	for k := range 3 {
		c := 26
		if k < len(w) && w[k] >= 'a' && w[k] <= 'z' {
			c = int(w[k] - 'a')
		}
		n = n*27 + c
	}
	return n
}

func (p *prefixSet) add(w string) { i := prefixIndex([]byte(w)); p[i/8] |= 1 << (i % 8) }

func (p *prefixSet) has(w []byte) bool { i := prefixIndex(w); return p[i/8]&(1<<(i%8)) != 0 }

// lexiconPrefixes covers the special-category words and month names.
var lexiconPrefixes = func() *prefixSet {
	var p prefixSet
	for w := range specialIndex {
		p.add(w)
	}
	for w := range months {
		p.add(w)
	}
	for w := range contactRoles {
		p.add(w)
	}
	return &p
}()

// contactRoles name functions: the address or phone that follows one is
// published as a contact point ("Président : Jean Dupont, 06...").
var contactRoles = map[string]bool{
	"president": true, "presidente": true, "vicepresident": true, "vice": true, "tresorier": true,
	"tresoriere": true, "secretaire": true, "responsable": true, "responsables": true, "referent": true,
	"referente": true, "correspondant": true, "correspondante": true, "contact": true, "contacts": true,
	"interlocuteur": true, "interlocutrice": true, "coordinateur": true, "coordinatrice": true,
	"directeur": true, "directrice": true, "gerant": true, "gerante": true, "adjoint": true,
	"adjointe": true, "maire": true, "conseiller": true, "conseillere": true, "elu": true, "elue": true,
	"animateur": true, "animatrice": true, "permanence": true, "chair": true, "treasurer": true,
	"secretary": true, "manager": true, "director": true, "spokesperson": true, "porteparole": true,
}
