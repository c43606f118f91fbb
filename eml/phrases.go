package eml

import (
	"strings"
	"unicode/utf8"

	"vigie/pii"
)

// Phrase lists, normalised as pii.Normalise writes them (lower case, no
// accents, words separated by one space). They are matched on whole
// words.

// secretWords name what a phishing message asks for: credentials or bank
// details (the kind is the value).
var secretWords = map[string]string{
	"mot de passe": "credentials", "mots de passe": "credentials", "identifiant de connexion": "credentials",
	"identifiants de connexion": "credentials", "identifiants": "credentials", "code confidentiel": "credentials",
	"code secret": "credentials", "code pin": "credentials", "code d acces": "credentials", "code de securite": "bank",
	"password": "credentials", "passwords": "credentials", "passcode": "credentials", "pin": "credentials",
	"login details": "credentials", "login credentials": "credentials", "credentials": "credentials",
	"one time code": "credentials", "code de verification": "credentials", "verification code": "credentials",
	"iban": "bank", "rib": "bank", "releve d identite bancaire": "bank", "coordonnees bancaires": "bank",
	"numero de carte": "bank", "carte bancaire": "bank", "cryptogramme": "bank", "bank details": "bank",
	"bank account": "bank", "account number": "bank", "card number": "bank", "credit card": "bank",
	"cvv": "bank", "cvc": "bank", "security code": "bank", "sort code": "bank",
}

// provideWords are what the reader is asked to do with them: type, send,
// confirm. Changing a password is advice, not a request for it.
var provideWords = []string{
	"saisir", "saisissez", "saisissant", "entrer", "entrez", "renseigner", "renseignez", "communiquer",
	"communiquez", "transmettre", "transmettez", "fournir", "fournissez", "indiquer", "indiquez", "confirmer",
	"confirmez", "confirmant", "verifier", "verifiez", "mettre a jour", "mettez a jour", "valider", "validez",
	"envoyer", "envoyez", "renvoyer", "renvoyez", "repondre avec", "repondez avec", "nous faire parvenir",
	"enter", "provide", "confirm", "verify", "update", "send", "submit", "type in", "reply with", "validate",
	"re enter", "give us",
}

// notRequestWords mark a sentence that warns against giving them, or
// describes what fraudsters may ask: "nous ne vous demanderons jamais
// votre mot de passe", "never share your password", "des escrocs
// pourraient vous demander votre IBAN".
var notRequestWords = []string{
	"jamais", "never", "en aucun cas", "under no circumstances", "ne communiquez", "ne transmettez",
	"ne donnez", "ne divulguez", "ne saisissez", "ne repondez", "ne demande", "ne demandera", "ne demanderons",
	"ne vous demand", "do not share", "don t share", "do not give", "don t give", "do not disclose",
	"do not enter", "don t enter", "do not reply", "will not ask", "won t ask", "not ask", "not request",
	"fraudeur", "fraudeurs", "escroc", "escrocs", "malveillant", "malveillants", "malveillantes",
	"tiers", "quelqu un", "se faisant passer", "usurpant", "fraudster", "fraudsters", "scammer", "scammers",
	"attacker", "attackers", "criminals", "third parties", "someone", "pretending", "posing as",
}

// SecretRequest is a sentence that asks for credentials or bank details.
type SecretRequest struct {
	// Kind is "credentials" or "bank".
	Kind     string `json:"kind"`
	Sentence string `json:"sentence"`
}

// secretRequests returns the sentences of text that ask the reader to
// give credentials or bank details.
func secretRequests(text string) []SecretRequest {
	var out []SecretRequest
	for _, s := range sentences(text) {
		n := " " + pii.Normalise(s) + " "
		kind := ""
		for w, k := range secretWords {
			if strings.Contains(n, " "+w+" ") && (kind == "" || k == "bank") {
				kind = k
			}
		}
		if kind == "" || !containsAny(n, provideWords) || containsAny(n, notRequestWords) {
			continue
		}
		out = append(out, SecretRequest{Kind: kind, Sentence: excerpt(s)})
	}
	return out
}

// Breach notice wording.
var (
	breachWords = []string{
		"violation de donnees", "violation de vos donnees", "violation des donnees", "fuite de donnees",
		"fuite de vos donnees", "incident de securite", "incident de cybersecurite", "cyberattaque", "cyber attaque",
		"acces non autorise", "acces illegitime", "acces frauduleux", "intrusion", "data breach", "personal data breach",
		"security incident", "unauthorised access", "unauthorized access", "cyberattack", "cyber attack",
	}
	dataWords = []string{
		"nom", "noms", "prenom", "prenoms", "adresse", "adresses", "courriel", "e mail", "email", "telephone",
		"date de naissance", "numero de securite sociale", "nir", "identifiant", "identifiants", "iban",
		"coordonnees", "name", "names", "address", "addresses", "phone", "date of birth", "social security",
		"contact details",
	}
	contactWords = []string{
		"delegue a la protection des donnees", "deleguee a la protection des donnees", "delegue e a la protection des donnees",
		"dpo", "dpd", "data protection officer", "point de contact", "contact point",
	}
	contactVerbs      = []string{"contacter", "contactez", "ecrire", "ecrivez", "joindre", "contact", "write to", "reach", "questions"}
	consequenceWords  = []string{"consequence", "consequences", "risque", "risques", "susceptible", "susceptibles", "hameconnage", "usurpation", "pourraient etre utilisees", "pourraient etre utilisees", "risk", "risks", "identity theft", "could be used", "may be used", "phishing"}
	measureWords      = []string{"mesure", "mesures", "avons pris", "avons mis", "avons renforce", "avons corrige", "avons bloque", "avons ferme", "avons desactive", "avons depose plainte", "depose plainte", "avons notifie", "notifie la cnil", "informe la cnil", "measures", "we have taken", "we took", "we have reset", "we have blocked", "we have fixed", "we have closed", "we have notified", "we notified", "filed a complaint", "steps"}
	adviceWords       = []string{"nous vous recommandons", "nous vous conseillons", "nous vous invitons", "soyez vigilant", "soyez vigilante", "soyez vigilants", "restez vigilant", "restez vigilants", "vigilance", "mefiez vous", "we recommend", "we advise", "be vigilant", "remain vigilant", "stay vigilant", "be careful", "be wary"}
	noticeElementKeys = []string{"nature", "contact", "consequences", "measures", "advice"}
)

// Notice is what a breach notification says of the elements GDPR art.
// 34(2) requires (those of art. 33(3)(b) to (d)).
type Notice struct {
	// Elements maps each element found to a sentence that shows it.
	Elements map[string]string `json:"elements"`
	// Missing lists the elements not found: "nature" (what happened
	// and to which data), "contact" (the DPO or another contact point),
	// "consequences" (likely consequences), "measures" (taken or
	// proposed), "advice" (what people should do).
	Missing []string `json:"missing"`
}

// breachNotice reads text as a breach notification; ok is false when its
// wording does not announce a breach of personal data.
func breachNotice(text string) (Notice, bool) {
	sents := sentences(text)
	norm := make([]string, len(sents))
	breach := false
	for i, s := range sents {
		norm[i] = " " + pii.Normalise(s) + " "
		if containsAny(norm[i], breachWords) {
			breach = true
		}
	}
	if !breach {
		return Notice{}, false
	}
	n := Notice{Elements: map[string]string{}}
	set := func(key string, i int) {
		if _, ok := n.Elements[key]; !ok {
			n.Elements[key] = excerpt(sents[i])
		}
	}
	for i, s := range norm {
		if containsAny(s, dataWords) && (containsAny(s, breachWords) || containsAny(s, []string{"donnees", "informations", "data", "information"})) {
			set("nature", i)
		}
		if containsAny(s, contactWords) || (containsAny(s, contactVerbs) && (strings.Contains(sents[i], "@") || strings.Contains(sents[i], "http") || hasPhone(sents[i]))) {
			set("contact", i)
		}
		if containsAny(s, consequenceWords) {
			set("consequences", i)
		}
		if containsAny(s, measureWords) {
			set("measures", i)
		}
		if containsAny(s, adviceWords) {
			set("advice", i)
		}
	}
	for _, k := range noticeElementKeys {
		if _, ok := n.Elements[k]; !ok {
			n.Missing = append(n.Missing, k)
		}
	}
	return n, true
}

// hasPhone reports whether s shows a run of at least nine digits, spaces
// and dots aside (a phone number).
func hasPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			if digits >= 9 {
				return true
			}
		case r == ' ' || r == '.' || r == '-' || r == '+':
		default:
			digits = 0
		}
	}
	return false
}

// containsAny reports whether the normalised, space-padded n contains
// one of the phrases as whole words.
func containsAny(n string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(n, " "+p+" ") {
			return true
		}
	}
	return false
}

// sentences splits text at sentence ends and line breaks.
func sentences(text string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if s := strings.Join(strings.Fields(text[start:end]), " "); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\n':
			flush(i + 1)
		case '.', '!', '?':
			// A dot inside a word (a domain, "n°1.2") does not end
			// a sentence.
			if i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\r' {
				flush(i + 1)
			}
		}
	}
	flush(len(text))
	return out
}

// excerpt shortens a sentence for the report.
func excerpt(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
