// Package notice reads the information notices of web sites (GDPR
// art. 13): whether a page, or the text next to a form, tells people how
// their personal data are processed, which of the elements of art. 13 it
// states, and how long it says the data are kept. It reads French and
// English with phrase-based classifiers over accent-free, lower-case words
// (pii.Normalise), sentence by sentence, and never fetches anything.
package notice

import (
	"slices"
	"strings"

	"vigie/dpocontact"
	"vigie/internal/litre"
	"vigie/observation"
	"vigie/pii"
	"vigie/pii/detect"
)

// Elements of an information notice (GDPR art. 13(1) and (2)).
const (
	Controller = "controller" // identity of the controller, art. 13(1)(a)
	DPO        = "dpo-contact"
	Purposes   = "purposes"    // art. 13(1)(c)
	LegalBasis = "legal-basis" // art. 13(1)(c)
	Recipients = "recipients"  // art. 13(1)(e)
	Retention  = "retention"   // period or criteria, art. 13(2)(a)
	Rights     = "rights"      // art. 13(2)(b), with how to exercise them
	Complaint  = "complaint"   // right to complain to the CNIL, art. 13(2)(d)
)

// Elements lists every element, in the order of art. 13.
var Elements = []string{Controller, DPO, Purposes, LegalBasis, Recipients, Retention, Rights, Complaint}

var labels = map[string][2]string{
	Controller: {"identité du responsable du traitement", "identity of the controller"},
	DPO:        {"coordonnées du délégué à la protection des données", "contact details of the data protection officer"},
	Purposes:   {"finalités du traitement", "purposes of the processing"},
	LegalBasis: {"base juridique du traitement", "legal basis of the processing"},
	Recipients: {"destinataires des données", "recipients of the data"},
	Retention:  {"durée de conservation ou ses critères", "retention period or its criteria"},
	Rights:     {"droits des personnes et comment les exercer", "data subject rights and how to exercise them"},
	Complaint:  {"droit d'introduire une réclamation auprès de la CNIL", "right to lodge a complaint with the CNIL (supervisory authority)"},
}

// Label returns an element's name in French (lang "fr") or English.
func Label(element, lang string) string {
	l, ok := labels[element]
	if !ok {
		return element
	}
	if lang == "fr" {
		return l[0]
	}
	return l[1]
}

// Patterns match normalised text: lower case, no accents, words separated
// by one space (pii.Normalise), padded with a space at both ends. Most
// sentences hold none of a pattern's words: litre skips them without
// running the pattern.
func re(s string) *litre.Regexp { return litre.MustCompile(s) }

var (
	// personal says the text is about people's data.
	personal = re(` (donnees|informations) (a caractere )?(personnelles|nominatives) | (vos|ces|les|des|leurs) (donnees|informations) (recueillies|collectees|saisies|transmises|fournies|personnelles)| vos donnees | rgpd | informatique et libertes | protection des donnees | personal (data|information) | your (data|information) | gdpr | privacy | data protection | vie privee `)
	// cookie sentences speak of cookies and trackers: a cookie policy
	// informs about trackers (art. 82 of the loi Informatique et
	// Libertés), not about what a form collects.
	cookie = re(` (cookies?|traceurs?|temoins? de connexion|trackers?|mesure d audience|local storage) `)

	controllerRe = re(` responsables? (du|des|de) (ce |ces |le |les )?traitements? | (sont|seront|est|font l objet d un traitement) (personnelles |recueillies |collectees |traitees? |traites? |enregistrees? |enregistres? |collectees? |recueillies? |utilisees? |utilises? )?(informatise |automatise )?par (la |le |l |les )?[a-z]+ | traitements? (est |sont )?(mis|mise|mises) en (oeuvre|place) par | (data )?controller | (processed|collected|handled|held) by (the )?[a-z]+ | responsible for (the )?processing `)
	purposesRe   = re(` finalites? | (afin|pour|en vue) (de |d )?(vous )?(l |les |la |lui |leur )?(repondre|traiter|gerer|instruire|envoyer|adresser|recontacter|contacter|informer|permettre|assurer|suivre|realiser|etablir) | (ont|a) pour (objet|but|finalite) | (servent|sert|utilisees?s?|traitees?s?|necessaires?) (a|au|aux|pour|afin) | (destinee|destinees|destines) a (repondre|traiter|gerer|instruire|permettre|vous) | (pour|afin de) (la |l |le )?(gestion|traitement|instruction|suivi|envoi) | purposes? | (used|processed|needed|necessary) (to|for|in order to) | (use|uses|process|processes|collect|collects) (your |the |this )?(personal )?(data|information|details) (to|for) | in order to | so that we can | (to|for) (answer|answering|respond|responding|reply|replying|handle|handling|process|processing|deal with|dealing with|manage|managing|send|sending) (to )?(your|you) `)
	legalBasisRe = re(` bases? (legale|juridique|de liceite)s? | fondements? (juridiques?|legal|legaux)? | (sur la base|sur le fondement|en application) (de|du|des) | consentement | interets? legitimes? | mission d interet public | missions? de service public | exercice de l autorite publique | obligations? legales? | execution (d un|du) contrat | article 6 | art 6 | (legal|lawful) basis | consent | legitimate interests? | public (task|interest) | legal obligation | performance of a contract `)
	recipientsRe = re(` destinataires? | (destinee|destinees|destines|reservee|reservees|reserves) (exclusivement |uniquement |seulement )?(au seul|a la seule|aux seuls|aux seules|au service|aux services|a l usage|au secretariat|aux agents) | (sont|seront|peuvent etre) (transmises|communiquees|accessibles|partagees) (a|au|aux|uniquement|seulement|exclusivement) | ne (sont|seront) (ni )?(jamais )?(transmises|communiquees|cedees|vendues|partagees) | (seuls?|seules?|uniquement) .{0,60}(ont|a|auront|aura) acces | sous traitants? | recipients? | (shared|disclosed|transferred|passed on|communicated) (with|to) | (not|never) (be )?(shared|sold|disclosed|transferred) | have access to `)
	rightRe      = re(` droits? (d |de |a l |a la |au )?(acces|rectification|effacement|opposition|limitation|portabilite|oubli|retrait|retirer) | droits? (informatique et libertes|sur (vos|ces|les|leurs) donnees|rgpd|que vous tenez) | exercer (vos|ces|ses|leurs|les|l un de ces) droits | exercice (de vos|des|de ces) droits | right (of|to) (access|rectif|erasure|object|restrict|data portability|portability|be forgotten|withdraw) | exercise (your|these|any of these|those) rights | your rights `)
	// exerciseRe says how to exercise them: whom to write to.
	exerciseRe  = re(` aupres (de|du|des) | en (ecrivant|vous adressant|contactant|adressant) | (ecrivez|ecrire|adressez|contactez|contacter|adresser|ecrivant) | par (courriel|courrier|mail|e mail|email|voie postale|le formulaire) | formulaire | a l adresse | (contact|write to|email|e mail|writing to|contacting) | by (email|post|mail) | at the address | @ `)
	complaintRe = re(` (reclamation|plainte|recours|saisine) .{0,80}(cnil|autorite de controle|commission nationale de l informatique) | (saisir|saisissez|saisine de|contacter|adresser a|aupres de) la (cnil|commission nationale de l informatique et des libertes) | autorite de controle | (lodge|file|make) a complaint | complaint .{0,80}(supervisory authority|data protection authority|cnil|ico) | supervisory authority `)

	// retentionWords say data are kept.
	retentionWords = re(` conserv(ee|ees|e|es|ons|ation|er|era|eront|ent|e)? | (garde(e|es|s)?|stocke(e|es|s)?|archive(e|es|s)?|detruite?s?|supprime(e|es|s)?|efface(e|es|s)?|purge(e|es|s)?) | duree de (conservation|stockage|retention) | (kept|stored|retained|retain|keep|store|deleted|erased|archived) | retention (period|time)? `)
	// durationRe is a number and a unit of time.
	durationRe = re(` (\d{1,3}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|cinquante|cent|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|hundred) (ans?|annees?|mois|semaines?|jours?|years?|months?|weeks?|days?) `)
	// unlimitedRe says the data are kept without end.
	unlimitedRe = re(` sans (aucune )?(limitation|limite) (de duree|dans le temps|de temps)? | (duree|periode|delai) (illimitee?|indeterminee?|indefinie?) | indefiniment | (de (maniere|facon) )?(permanente|perpetuelle|definitive)s? (conservation|archivage)? | a (titre )?(permanent|perpetuel|perpetuite) | indefinitely | (unlimited|indefinite) (period|time|duration)? | without (any )?(time )?limit | (kept|stored|retained) (permanently|forever) | for ever | forever `)
	// deletion phrases ("supprimées définitivement") are not keeping.
	deletionRe = re(` (supprime(e|es|s)?|efface(e|es|s)?|detruite?s?|deleted|erased|destroyed) (de (maniere|facon) )?(definitive|definitivement|permanently) | (definitivement|permanently) (supprime(e|es|s)?|efface(e|es|s)?|detruite?s?|deleted|erased) `)
	negationRe = re(` (ne|n|aucune?|jamais|nullement|not|never|no) `)
	// vagueRe says "as long as necessary": no period, no criterion
	// (EDPB-endorsed WP29 guidelines on transparency, WP260 rev.01,
	// annex: a generic statement is not enough).
	vagueRe = re(` (aussi longtemps|le temps|la duree|pendant la duree|pour la duree|pendant le temps) (que|qu il est|qui est|strictement|necessaire|requis|juge) | (duree|temps|periode) (strictement )?(necessaire|requise|utile|proportionnee|adaptee) | (as long as|no longer than|for as long as|for the time) (is |it is )?(necessary|needed|required|strictly necessary) | (period|time) (strictly )?(necessary|required|needed) `)
	// criterionRe fixes the period by an event (art. 13(2)(a): "or, if
	// that is not possible, the criteria used to determine that period").
	criterionRe = re(` jusqu (a|au|aux|a ce que) | a compter (de|du|des) | (pendant|pour) (toute )?la duree (de|du|des) (votre|vos|l|la|le|leur|son|sa) | le temps (de|du|d) (leur|votre|la|l|son|sa|traiter|instruire|repondre) | (apres|des) (la|le|l) (cloture|fin|dernier|derniere|traitement|reponse|instruction|suppression|desinscription|desabonnement) | until | for the (duration|life|lifetime) of | after (the |your )?(closure|end|last|deletion|termination|unsubscrib) `)

	// Purposes of forms, by words (see Purpose).
	recruitmentRe = re(` (candidatures?|candidats?|postuler|recrutement|curriculum|cv|emploi|offre d emploi|stage|job|apply|application|career|careers|recruitment|resume) `)
	newsletterRe  = re(` (newsletter|newsletters|lettre d information|lettre d informations|infolettre|lettre d actualite|abonnement|abonner|abonnez|desabonnement|desinscription|liste de diffusion|subscribe|subscription|mailing list) `)
	contactRe     = re(` (contact|contacts|contacter|contactez|nous ecrire|ecrivez|formulaire de contact|demande de contact|prise de contact|vos demandes|votre demande|vos messages|votre message|vos questions|votre question|enquiries|enquiry|inquiry|message|messages|questions?) `)
)

// norm returns text as the patterns read it.
func norm(s string) string { return " " + pii.Normalise(s) + " " }

// sentences splits text into sentences ("art. 6" splits too, harmlessly:
// each piece is read on its own and with its block).
func sentences(text string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			add(text[start:i])
			start = i + 1
		case '.', '!', '?', ';':
			// The end of a sentence: the text's end or a space after.
			if i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t' || text[i+1] == '\n' {
				add(text[start:i])
				start = i + 1
			}
		}
	}
	add(text[start:])
	return out
}

// Reading is what a text says as a notice.
type Reading struct {
	// Personal is set when its text, cookies aside, speaks of personal
	// data; CookieOnly when only its cookie sentences do.
	Personal, CookieOnly bool
	Elements             []string
	Retention            []observation.RetentionStatement
}

// IsNotice reports whether the reading is an information notice: a text
// about people's personal data (cookies aside) stating at least two
// elements of art. 13. A privacy link alone, or a sentence "vos données
// personnelles sont protégées", is not.
func (r *Reading) IsNotice() bool { return r.Personal && len(r.Elements) >= 2 }

// text is a piece of a page read as a notice: its blocks of text.
type text struct {
	blocks []dpocontact.Block
	url    string
}

// read reads blocks as a notice.
func (t text) read() Reading { return t.readAll(true) }

// sentence is a sentence of a block, normalised, with what the first pass
// learnt of it.
type sentence struct {
	raw, n string
	block  int
	cookie bool // about cookies and trackers: set aside
}

// readAll reads the blocks as a notice. Without all, a text that is not
// about personal data (most pages) stops after the first pass, which
// costs two patterns a sentence: its elements and retention statements
// would serve nothing (a page counts as a notice only when it speaks of
// personal data), and the text next to a form is read with all.
func (t text) readAll(all bool) Reading {
	var r Reading
	cookieTalk := false
	var ss []sentence
	unders := make([]string, len(t.blocks))
	for i, b := range t.blocks {
		underNorm := norm(b.Under)
		unders[i] = underNorm
		underCookie := cookie.MatchString(underNorm)
		underPersonal := personal.MatchString(underNorm)
		for _, s := range sentences(b.Text) {
			n := norm(s)
			p := personal.MatchString(n)
			if cookie.MatchString(n) || (underCookie && !p) {
				if p || underPersonal {
					cookieTalk = true
				}
				ss = append(ss, sentence{raw: s, n: n, block: i, cookie: true})
				continue
			}
			r.Personal = r.Personal || p
			ss = append(ss, sentence{raw: s, n: n, block: i})
		}
		if underPersonal && !underCookie {
			r.Personal = true
		}
	}
	r.CookieOnly = cookieTalk && !r.Personal
	if !r.Personal && !all {
		return r
	}
	has := map[string]bool{}
	blockNorm := make([]string, len(t.blocks))
	for _, s := range ss {
		b := t.blocks[s.block]
		if s.cookie || b.Heading {
			continue // a heading names a topic; it states nothing
		}
		if blockNorm[s.block] == "" {
			blockNorm[s.block] = norm(b.Text)
		}
		bn := blockNorm[s.block]
		for _, e := range elementPatterns {
			if e.p.MatchString(s.n) {
				has[e.element] = true
			}
		}
		if rightRe.MatchString(s.n) && (exerciseRe.MatchString(s.n) || hasMailto(b) || exerciseRe.MatchString(bn)) {
			has[Rights] = true
		}
		if dpocontact.NamesDPO(s.raw) && (hasMailto(b) || strings.Contains(b.Text, "@") || exerciseRe.MatchString(bn)) {
			has[DPO] = true
		}
		underRetention := retentionWords.MatchString(unders[s.block]) && !cookie.MatchString(unders[s.block])
		if st, ok := retention(s.raw, s.n, underRetention, b.Under, t.url); ok {
			r.Retention = append(r.Retention, st)
			if !st.Vague {
				has[Retention] = true
			}
		}
	}
	for _, el := range Elements {
		if has[el] {
			r.Elements = append(r.Elements, el)
		}
	}
	return r
}

// elementPatterns are the elements read from one sentence alone.
var elementPatterns = []struct {
	element string
	p       *litre.Regexp
}{{Controller, controllerRe}, {Purposes, purposesRe}, {LegalBasis, legalBasisRe}, {Recipients, recipientsRe}, {Complaint, complaintRe}}

func hasMailto(b dpocontact.Block) bool {
	return slices.ContainsFunc(b.Links, func(l dpocontact.Link) bool { return strings.HasPrefix(l.Href, "mailto:") })
}

// retention reads a sentence n (normalised) as a retention statement: it
// must speak of keeping data (or sit under a heading that does) and state
// a duration, a criterion, no limit, or only "as long as necessary". A
// heading "Durée de conservation" with nothing under it states nothing.
func retention(raw, n string, underRetention bool, under, pageURL string) (observation.RetentionStatement, bool) {
	if !retentionWords.MatchString(n) && !underRetention {
		return observation.RetentionStatement{}, false
	}
	st := observation.RetentionStatement{Sentence: shorten(detect.MaskText(raw)), URL: pageURL}
	switch {
	case unlimitedRe.MatchString(n) && !deletionRe.MatchString(n) && !negatedBefore(n, unlimitedRe):
		st.Unlimited = true
	case durationRe.MatchString(n):
		st.Days = days(durationRe.FindStringSubmatch(n))
	case criterionRe.MatchString(n):
		st.Criterion = true
	case vagueRe.MatchString(n):
		st.Vague = true
	default:
		return observation.RetentionStatement{}, false
	}
	st.Topic = Topic(n + " " + norm(under))
	return st, true
}

// negatedBefore reports whether p's first match in n follows a negation
// in the same clause: "aucune donnée n'est conservée sans limitation de
// durée" states a limit.
func negatedBefore(n string, p *litre.Regexp) bool {
	loc := p.FindStringIndex(n)
	if loc == nil {
		return false
	}
	return negationRe.MatchString(n[:loc[0]+1])
}

var numbers = map[string]int{
	"un": 1, "une": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4, "four": 4, "cinq": 5, "five": 5,
	"six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8, "neuf": 9, "nine": 9, "dix": 10, "ten": 10, "onze": 11,
	"douze": 12, "twelve": 12, "quinze": 15, "fifteen": 15, "vingt": 20, "twenty": 20, "trente": 30, "thirty": 30,
	"cinquante": 50, "fifty": 50, "cent": 100, "hundred": 100,
}

// days converts a durationRe match to days.
func days(m []string) int {
	n, ok := numbers[m[1]]
	if !ok {
		for _, c := range m[1] {
			n = n*10 + int(c-'0')
		}
	}
	switch {
	case strings.HasPrefix(m[2], "an"), strings.HasPrefix(m[2], "year"):
		return n * 365
	case m[2] == "mois", strings.HasPrefix(m[2], "month"):
		return n * 30
	case strings.HasPrefix(m[2], "semaine"), strings.HasPrefix(m[2], "week"):
		return n * 7
	}
	return n
}

// Purposes of forms that retention limits are known for.
const (
	PurposeContact     = "contact"
	PurposeNewsletter  = "newsletter"
	PurposeRecruitment = "recruitment"
)

// Topic returns the purpose normalised text n speaks of: recruitment,
// newsletter, contact, or "" for none of them.
func Topic(n string) string {
	switch {
	case recruitmentRe.MatchString(n):
		return PurposeRecruitment
	case newsletterRe.MatchString(n):
		return PurposeNewsletter
	case contactRe.MatchString(n):
		return PurposeContact
	}
	return ""
}

// FormPurpose returns what a form collecting personal data is for, from
// its page's URL, its accessible name, buttons and fields: recruitment,
// newsletter (an address and nothing to write), contact (a message to
// write, or contact words), "" otherwise.
func FormPurpose(pageURL string, f *observation.Form) string {
	var b strings.Builder
	b.WriteString(pageURL + " " + f.Label + " " + f.Action + " " + strings.Join(f.Buttons, " "))
	message := false
	for _, fl := range f.Fields {
		b.WriteString(" " + fl.Name + " " + fl.Label + " " + fl.Legend + " " + fl.Placeholder)
		if fl.Category == "message" && !fl.Disabled {
			message = true
		}
	}
	n := norm(b.String())
	switch {
	case recruitmentRe.MatchString(n):
		return PurposeRecruitment
	case newsletterRe.MatchString(n) && !message:
		return PurposeNewsletter
	case message || contactRe.MatchString(n):
		return PurposeContact
	}
	return ""
}

// shorten keeps a statement readable: at most 400 runes.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 400 {
		return string(r[:399]) + "…"
	}
	return s
}
