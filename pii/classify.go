package pii

import (
	"strings"

	"vigie/observation"
)

// ClassifyField returns the personal-data category of a form field, or ""
// when it collects nothing personal.
func ClassifyField(f observation.Field) string {
	c, _ := Explain(f)
	return c
}

// Explain classifies f like ClassifyField and also returns the cue that
// decided, for finding details: "type=password", "autocomplete=email",
// "name=contact[nom]", "label: Votre nom". When the category is "" the cue
// names the negative cue that ruled the field out ("name=q",
// "type=hidden"), or is "" when nothing in the field looked personal.
//
// The field's attributes are read in this order of trust: the input type,
// the autocomplete tokens, then the words of the name, id, label,
// placeholder and aria text, then the legend of its fieldset and the
// options of a select. Special categories (GDPR art. 9) beat every other
// cue; then a strong input type (password, email, tel, file); then the
// autocomplete token; then the words, where a negative cue (search box,
// language picker, organisation name, captcha) beats a weak positive word
// ("nom", "adresse") but not a strong one ("prénom", "e-mail").
//
// A special category is claimed only from what the field asks the person
// in words they read — label, accessible name, placeholder, the legend of
// its fieldset, an option stated in the first person ("Je suis en
// situation de handicap") — never from a name or id, which are the
// developer's tokens ("firstname-disabled", "radio-disabled"): the claim
// goes into letters and must rest on the question itself. The answers of
// a choice (a radio button's label, a select's options) count only when
// nothing in the question, name or id says the choice is a topic, a
// filter or a search ("Thème", "Catégorie", name=filtre). A disabled
// field collects nothing.
func Explain(f observation.Field) (category, cue string) {
	tag := strings.ToLower(strings.TrimSpace(f.Tag))
	typ := strings.ToLower(strings.TrimSpace(f.Type))
	k := kindOf(tag, typ)
	if k == kindNever {
		if typ != "" {
			return "", "type=" + typ
		}
		return "", "tag=" + tag
	}
	if f.Disabled {
		return "", "disabled"
	}

	a := analysis{kind: k}
	a.autocomplete(f.Autocomplete)
	a.text(srcName, f.Name)
	a.text(srcID, f.ID)
	// A radio button's label is one answer among others ("Santé",
	// "Oui"): it names a special category only when it is itself a
	// question or a statement about the person.
	a.mute = typ == "radio" && !aboutPerson(f.Label)
	a.text(srcLabel, f.Label)
	a.mute = false
	a.text(srcPlaceholder, f.Placeholder)
	a.text(srcAria, f.Aria)
	if k == kindChoice || !a.visible && (a.best == nil || k == kindTextArea) {
		// The legend is the question of a group of choices, and what a
		// field without words of its own asks ("Votre état de santé"
		// over a text area named "details"); a field whose own name
		// says what it holds ("nom") keeps it.
		a.text(srcLegend, f.Legend)
	}
	if k == kindSelect && a.special == nil {
		a.answer = true
		for _, o := range f.Options {
			if aboutPerson(o) {
				a.text(srcOption, o)
			}
		}
		a.answer = false
	}
	if typ == "url" && a.soft == "" {
		a.soft = "type=url"
	}
	if a.special != nil && a.special.vetoable && a.questionNeg != "" {
		// A topic, filter or search list whose answers happen to name a
		// special category ("Thème : Santé").
		a.special = nil
	}

	if k == kindChoice {
		// A tick box or radio button says yes or no: it is personal only
		// when what it answers is itself a special category ("handicap",
		// "syndiqué"), and never when it records a consent.
		if a.consent != "" {
			return "", a.consent
		}
		if a.special != nil {
			return a.special.cat, a.special.cue
		}
		return "", a.firstNegative()
	}
	if a.special != nil {
		return a.special.cat, a.special.cue
	}
	switch typ {
	case "password":
		return Credentials, "type=password"
	case "email", "tel":
		return Contact, "type=" + typ
	case "file":
		return Upload, "type=file"
	}
	if a.acCat != "" {
		return a.acCat, a.acCue
	}
	if a.hard != "" {
		return "", a.hard
	}
	if a.best != nil && a.best.strong {
		return a.best.cat, a.best.cue
	}
	if a.soft != "" {
		return "", a.soft
	}
	if a.best != nil {
		return a.best.cat, a.best.cue
	}
	return "", ""
}

// kind is what a control can hold, which decides which cues apply.
type kind int

const (
	kindText     kind = iota // one line of text: text, email, tel, number, password, file…
	kindTextArea             // free text
	kindSelect               // a choice among given options
	kindChoice               // checkbox and radio: yes or no
	kindDate                 // date, month, week, time
	kindNever                // hidden, buttons, search, colour and range
)

func kindOf(tag, typ string) kind {
	switch tag {
	case "textarea":
		return kindTextArea
	case "select":
		return kindSelect
	case "", "input":
	default:
		return kindNever
	}
	switch typ {
	case "hidden", "submit", "button", "reset", "image", "search", "color", "range":
		return kindNever
	case "checkbox", "radio":
		return kindChoice
	case "date", "datetime-local", "datetime", "month", "week", "time":
		return kindDate
	}
	return kindText
}

// source is where a cue was read, in decreasing order of trust.
type source int

const (
	srcAutocomplete source = iota
	srcName
	srcID
	srcLabel
	srcPlaceholder
	srcAria
	srcLegend
	srcOption
)

// visibleSource reports whether s is text the person reads.
func visibleSource(s source) bool { return s >= srcLabel }

func (s source) cue(raw string) string {
	switch s {
	case srcAutocomplete:
		return "autocomplete=" + raw
	case srcName:
		return "name=" + raw
	case srcID:
		return "id=" + raw
	case srcLabel:
		return "label: " + raw
	case srcPlaceholder:
		return "placeholder: " + raw
	case srcLegend:
		return "legend: " + raw
	case srcOption:
		return "option: " + raw
	}
	return "aria: " + raw
}

// hit is a positive cue.
type hit struct {
	cat    string
	strong bool
	src    source
	rank   int
	cue    string
	// vetoable is set for a special category read in an answer (a
	// radio button's label, a tick box in a group, a select's option),
	// which a negative cue of the question, name or id overrides.
	vetoable bool
}

// analysis accumulates the cues of one field.
type analysis struct {
	kind    kind
	acCat   string // category named by the autocomplete token
	acCue   string
	special *hit // first special-category cue
	best    *hit // best other positive cue
	hard    string
	soft    string
	consent string
	hits    [2]hit // storage for special and best, to avoid allocations

	// answer is set while reading a text that is an answer, not the
	// question: special categories read there are vetoable, others
	// ignored.
	answer bool
	// mute is set while reading an answer that says nothing of the
	// person: only its negative cues count.
	mute bool
	// visible is set once a cue came from label, placeholder or aria text.
	visible bool
	// questionNeg is the first negative cue of the name, id, legend or
	// (for a select) label and aria text: it vetoes special categories
	// read in the answers.
	questionNeg string
}

func (a *analysis) firstNegative() string {
	if a.hard != "" {
		return a.hard
	}
	return a.soft
}

// autocomplete reads a WHATWG autofill detail token list:
// [section-*] [shipping|billing] [home|work|mobile|fax|pager] field [webauthn].
func (a *analysis) autocomplete(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	fields := strings.Fields(strings.ToLower(v))
	for i := len(fields) - 1; i >= 0; i-- {
		cat, known := autofill[fields[i]]
		if !known {
			continue
		}
		switch cat {
		case "":
			if a.soft == "" {
				a.soft = srcAutocomplete.cue(v)
			}
		case ignore:
		default:
			a.acCat, a.acCue = cat, srcAutocomplete.cue(v)
		}
		return
	}
}

// ignore marks autofill tokens that say nothing either way.
const ignore = "-"

// autofill maps the WHATWG autofill field names to categories; "" marks the
// names of things that are not personal (organisation, URL, language).
var autofill = map[string]string{
	"off": ignore,
	"on":  ignore,

	"name":             Identity,
	"honorific-prefix": Identity,
	"given-name":       Identity,
	"additional-name":  Identity,
	"family-name":      Identity,
	"honorific-suffix": Identity,
	"nickname":         Identity,

	"username":      Credentials,
	"one-time-code": Credentials,
	// Sites put new-password on any field to stop browsers autofilling
	// it; on a real password field the input type decides anyway.
	"new-password":     ignore,
	"current-password": ignore,

	"organization":       "",
	"organization-title": OtherPersonal,

	"street-address": Contact,
	"address-line1":  Contact,
	"address-line2":  Contact,
	"address-line3":  Contact,
	"address-level1": Contact,
	"address-level2": Contact,
	"address-level3": Contact,
	"address-level4": Contact,
	"country":        Contact,
	"country-name":   Contact,
	"postal-code":    Contact,

	"cc-name":            Financial,
	"cc-given-name":      Financial,
	"cc-additional-name": Financial,
	"cc-family-name":     Financial,
	"cc-number":          Financial,
	"cc-exp":             Financial,
	"cc-exp-month":       Financial,
	"cc-exp-year":        Financial,
	"cc-csc":             Financial,
	"cc-type":            Financial,

	"transaction-currency": "",
	"transaction-amount":   "",
	"language":             "",
	"url":                  "",

	"bday":       Birth,
	"bday-day":   Birth,
	"bday-month": Birth,
	"bday-year":  Birth,

	"sex":   OtherPersonal,
	"photo": Upload,

	"tel":              Contact,
	"tel-country-code": Contact,
	"tel-national":     Contact,
	"tel-area-code":    Contact,
	"tel-local":        Contact,
	"tel-local-prefix": Contact,
	"tel-local-suffix": Contact,
	"tel-extension":    Contact,
	"email":            Contact,
	"impp":             Contact,
}

// rank orders the non-special categories when one text names several
// ("nom de la ville", "date et lieu de naissance"): the more specific wins.
func rank(cat string, k kind) int {
	switch cat {
	case NationalID:
		return 10
	case Financial:
		return 9
	case Credentials:
		return 8
	case Birth:
		return 7
	case Location:
		return 6
	case Message:
		if k == kindTextArea {
			return 5 // a text area is free text first
		}
		return 1
	case Contact:
		return 4
	case OtherPersonal:
		return 3
	case Identity:
		return 2
	}
	return 0
}

// allowed reports whether a cue of category cat makes sense for kind k.
func allowed(cat string, e *entry, k kind) bool {
	if IsSpecial(cat) {
		return true
	}
	switch k {
	case kindChoice:
		return false
	case kindDate:
		return cat == Birth || cat == Financial || cat == NationalID
	case kindSelect:
		return cat != Message && e.flags&textArea == 0
	case kindText:
		return e.flags&textArea == 0
	}
	return true
}

// token is a normalised word of a source.
type token struct {
	w          string
	skip, poss bool
}

// text matches the lexicon against one attribute or text.
func (a *analysis) text(src source, raw string) {
	if strings.TrimSpace(raw) == "" {
		return
	}
	var buf [24]string
	ws := words(raw, buf[:0])
	attr := src == srcName || src == srcID
	if attr {
		ws = splitRunTogether(ws)
		// A lone "q" or "s" is the search box of most sites and CMSs.
		if len(ws) == 1 && (ws[0] == "q" || ws[0] == "s") {
			a.negative(negSoft, src.cue(raw))
			return
		}
	}
	var tbuf [24]token
	toks := tbuf[:0]
	for _, w := range ws {
		if a, ok := aliases[w]; ok {
			w = a
		}
		toks = append(toks, token{w: w, skip: stopWords[w] || possessives[w], poss: possessives[w]})
	}
	for i := 0; i < len(toks); {
		if toks[i].skip {
			i++
			continue
		}
		var e *entry
		end := i + 1
		n := &index.root
		for j := i; j < len(toks); j++ {
			if toks[j].skip {
				continue
			}
			n = n.next[toks[j].w]
			if n == nil {
				break
			}
			if n.e != nil {
				e, end = n.e, j+1
			}
		}
		if e == nil {
			i++
			continue
		}
		poss := i > 0 && toks[i-1].poss
		a.match(src, raw, e, attr, poss)
		i = end
	}
}

func (a *analysis) match(src source, raw string, e *entry, attr, poss bool) {
	f := e.flags
	if f&attrOnly != 0 && !attr || f&needPoss != 0 && !poss || f&neutral != 0 {
		return
	}
	if src == srcOption && !IsSpecial(e.cat) {
		return // an option only ever states a special category
	}
	if visibleSource(src) && src != srcOption {
		a.visible = true
	}
	if f&(negHard|negSoft|consent) != 0 {
		a.negative(f, src.cue(raw))
		if f&consent == 0 && a.questionNeg == "" && a.isQuestion(src) {
			a.questionNeg = src.cue(raw)
		}
		return
	}
	if a.mute || !allowed(e.cat, e, a.kind) {
		return
	}
	h := hit{cat: e.cat, strong: f&weak == 0 || poss, src: src, rank: rank(e.cat, a.kind)}
	if IsSpecial(e.cat) {
		// A developer's token never names a special category.
		if a.special == nil && visibleSource(src) {
			h.cue = src.cue(raw)
			h.vetoable = a.answer || a.kind == kindChoice && src == srcLabel
			a.hits[0] = h
			a.special = &a.hits[0]
		}
		return
	}
	if a.answer {
		return
	}
	if b := a.best; b != nil {
		switch {
		case b.strong != h.strong:
			if b.strong {
				return
			}
		case b.src != h.src:
			if b.src < h.src {
				return
			}
		case b.rank >= h.rank:
			return
		}
	}
	h.cue = src.cue(raw)
	a.hits[1] = h
	a.best = &a.hits[1]
}

// isQuestion reports whether a negative cue read in src says what the
// whole choice is about: the name, id and legend, and for a select its
// label and aria text too (its answers are its options).
func (a *analysis) isQuestion(src source) bool {
	switch src {
	case srcName, srcID, srcLegend:
		return true
	case srcLabel, srcAria, srcPlaceholder:
		return a.kind == kindSelect
	}
	return false
}

func (a *analysis) negative(f flags, cue string) {
	switch {
	case f&negHard != 0:
		if a.hard == "" {
			a.hard = cue
		}
	case f&consent != 0:
		if a.consent == "" {
			a.consent = cue
		}
	default:
		if a.soft == "" {
			a.soft = cue
		}
	}
}

// splitRunTogether splits the words of an identifier that are several
// known words run together ("datenaissance", "motdepasse", "txtnom").
func splitRunTogether(ws []string) []string {
	var out []string
	for i, w := range ws {
		parts := segment(w)
		if parts == nil {
			if out != nil {
				out = append(out, w)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(ws)+len(parts)), ws[:i]...)
		}
		out = append(out, parts...)
	}
	if out == nil {
		return ws
	}
	return out
}

// segment returns the fewest known words that w is made of, or nil when w
// is itself a known word, too short or long, or cannot be split.
func segment(w string) []string {
	const minLen, maxLen = 5, 40
	if len(w) < minLen || len(w) > maxLen || index.words[w] {
		return nil
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return nil
		}
	}
	// best[i] is the fewest pieces covering w[:i], prev[i] where the last
	// piece starts; 0 pieces means unreachable (except at i = 0).
	var best, prev [maxLen + 1]int
	for i := 1; i <= len(w); i++ {
		for j := max(0, i-index.maxSeg); j < i; j++ {
			if (j > 0 && best[j] == 0) || !index.segments[w[j:i]] {
				continue
			}
			if n := best[j] + 1; best[i] == 0 || n < best[i] {
				best[i], prev[i] = n, j
			}
		}
	}
	n := best[len(w)]
	if n < 2 {
		return nil
	}
	parts := make([]string, n)
	for i := len(w); i > 0; i = prev[i] {
		n--
		parts[n] = w[prev[i]:i]
	}
	return parts
}

// aboutPerson reports whether an answer speaks about the person who
// reads it — a statement in the first person ("Je suis en situation de
// handicap", "I have a disability") or a question ("Êtes-vous
// syndiqué ?") — rather than naming a topic ("Santé", "Handicap").
func aboutPerson(s string) bool {
	if strings.Contains(s, "?") {
		return true
	}
	var buf [24]string
	for _, w := range words(s, buf[:0]) {
		if firstPerson[w] {
			return true
		}
	}
	return false
}

// firstPerson are the words of a statement about oneself.
var firstPerson = map[string]bool{
	"je": true, "j": true, "moi": true, "mon": true, "ma": true, "mes": true,
	"suis": true, "i": true, "im": true, "am": true, "my": true, "me": true,
}
