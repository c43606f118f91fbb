package detect

import (
	"bytes"
	_ "embed"
	"mime"
	"slices"
	"strings"
	"sync"

	"vigie/observation"
	"vigie/pii"
)

// Masking. Scan reports what a body shows; Find says where, so that what
// Vigie keeps or shows (evidence, finding details, reports, letters, the
// dashboard) hides it. Find reads more than Scan and with less context,
// since a value left in clear is worse than a value masked for nothing:
//
//   - every identifier the detectors know, whatever the words around it
//     (an order number that may be a phone is masked), every numeric date
//     and every public IPv4 address;
//   - by structure, whatever the value looks like: table cells under a
//     column or row header, definitions under their term, CSV and TSV
//     columns, JSON values, XML elements, form values under their field's
//     name, query-string values under their parameter, and "Label : value"
//     text, when the label names a person or their data ("Nom", "Prénom",
//     "Adresse", "Ville", "Date de naissance", "Commentaire", "email"...);
//   - in running text, people's names (a first name from firstnames/ next
//     to a capitalised word, or a civility and a capitalised word) and
//     French postal addresses by their grammar (number, bis or ter, street
//     type, name, postcode, town);
//   - in HTML, what a visitor does not see but the source holds: attribute
//     values, scripts, comments.
//
// The organisation's own contact points stay in clear (an address on its
// own domain or naming a function, a phone next to them or introduced as
// a service's), unless a label says they are a person's data.

// Span is a stretch of a body that holds personal data.
type Span struct {
	// Start and End are byte offsets in the body, End excluded.
	Start, End int
	// Kind is what was found: "email", "phone", "nir", "iban", "card",
	// "birth", "date", "ip", "name", "address", or, for a value masked
	// because of its label, the label's category ("identity", "contact",
	// "message"...).
	Kind string
	// Category is the personal-data category (pii).
	Category string
}

// More kinds found when masking.
const (
	// KindDate is a date that may be a date of birth.
	KindDate = "date"
	// KindName is a person's name found in running text.
	KindName = "name"
)

// MaskOptions configure Find.
type MaskOptions struct {
	// OwnDomains are the organisation's registrable domains: addresses
	// there are its contact points.
	OwnDomains []string
	// Surroundings reads the text around a body, not a body: a URL,
	// header fields, an error message. Dates and IP addresses there are
	// the servers', and stay.
	Surroundings bool
}

// textSpan is a span of the scanner's text: a kind of value, or, when
// labelled, the category of its label. It holds one pointer, so that
// sorting and copying many costs little.
type textSpan struct {
	at, to   int32
	labelled bool
	kind     string
}

// category returns the span's personal-data category.
func (t *textSpan) category() string {
	if t.labelled {
		return t.kind
	}
	return Category(t.kind)
}

// Find returns where body, of the given media type, holds personal data:
// spans in order, not overlapping. readable is false when the body cannot
// be read as text (images, PDF, office files, archives, UTF-16): what it
// holds cannot be checked, so it must not be kept.
func Find(body []byte, contentType string, o MaskOptions) (spans []Span, readable bool) {
	if len(body) == 0 {
		return nil, true
	}
	f, ok := maskFormat(body, contentType)
	if !ok {
		return nil, false
	}
	return FindFormat(body, f, o), true
}

// maskFormat is how Find reads a body: as Scan does, and code (scripts,
// styles) as text, since it may carry data too.
func maskFormat(body []byte, contentType string) (Format, bool) {
	typ, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		typ = strings.ToLower(strings.TrimSpace(contentType))
		if i := strings.IndexByte(typ, ';'); i >= 0 {
			typ = strings.TrimSpace(typ[:i])
		}
	}
	if cs := strings.ToLower(params["charset"]); strings.HasPrefix(cs, "utf-16") || strings.HasPrefix(cs, "utf-32") {
		return FormatNone, false
	}
	if bytes.HasPrefix(body, []byte{0xFE, 0xFF}) || bytes.HasPrefix(body, []byte{0xFF, 0xFE}) {
		return FormatNone, false
	}
	if bytes.HasPrefix(body, []byte("%PDF-")) || bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		return FormatNone, false // a PDF file or a zip archive, however it is labelled
	}
	f := FormatOf(typ, body)
	if f == FormatNone {
		if (typ == "text/css" || strings.Contains(typ, "javascript") || strings.Contains(typ, "ecmascript")) && looksText(body) {
			return FormatText, true
		}
		return FormatNone, false
	}
	return f, true
}

// FindFormat is Find for a readable body whose format is known.
func FindFormat(body []byte, f Format, o MaskOptions) []Span {
	if f == FormatNone || len(body) == 0 {
		return nil
	}
	s := scanners.Get().(*scanner)
	defer scanners.Put(s)
	opts := Options{MaxSamples: 1}
	for _, d := range o.OwnDomains {
		opts.OwnDomains = append(opts.OwnDomains, strings.ToLower(d))
	}
	s.reset(&opts)
	s.masking, s.surround = true, o.Surroundings
	fl := flatPool.Get().(*flat)
	defer flatPool.Put(fl)
	fl.reset()
	fl.track, fl.all = true, true
	fl.read(body, f)
	s.text, s.labels = fl.text, fl.labels
	if f == FormatText {
		s.text = body
	}
	s.run()
	s.labelledFields()
	var out []Span
	if f == FormatText {
		out = s.identitySpans()
	} else {
		out = s.bodySpans(fl, body)
	}
	s.text, s.labels = nil, nil
	return out
}

// maskMatches keeps the spans of a record's matches that may be a
// person's.
func (s *scanner) maskMatches(orgRecord bool) {
	// In a record about a person, a phone is theirs whatever the words
	// around it.
	person := s.rec.personEmail || s.rec.personName
	for k := range s.rec.matches {
		if m := &s.rec.matches[k]; m.person && !m.org {
			person = true
		}
	}
	for k := range s.rec.matches {
		m := &s.rec.matches[k]
		if person && m.kind == KindPhone {
			m.org = false
			orgRecord = false
		}
		switch {
		case m.kind == KindSIREN || m.kind == KindSIRET:
			continue // organisations
		case m.kind == KindAddress:
			continue // streetAddress and labels find addresses
		case m.org || orgRecord && m.kind == KindPhone:
			continue // the organisation's contact points
		case s.surround && (m.kind == KindDate || m.kind == KindIP):
			continue
		case s.labelPersonal(m.at):
			continue // its field is masked whole
		}
		s.addSpan(m.at, m.to, m.kind, false)
	}
}

func (s *scanner) addSpan(at, to int, kind string, labelled bool) {
	if to > at && (labelled || !s.labelPersonal(at)) { // else its field is masked whole
		s.spans = append(s.spans, textSpan{int32(at), int32(to), labelled, kind})
	}
}

// labelPersonal reports whether the text at pos is under a label that
// names personal data.
func (s *scanner) labelPersonal(pos int) bool {
	l := s.labelAt(pos)
	if l == "" {
		return false
	}
	if l != s.lastMaskLabel {
		s.lastMaskLabel, s.lastMaskCat = l, s.maskCategory(l)
	}
	return s.lastMaskCat != ""
}

// maskCategory returns the personal-data category of the values under a
// label, "" when it names nothing personal.
func (s *scanner) maskCategory(l string) string {
	if c, ok := s.maskCats[l]; ok {
		return c
	}
	if s.maskCats == nil || len(s.maskCats) > 4096 {
		s.maskCats = map[string]string{}
	}
	c := labelCategory(l)
	s.maskCats[l] = c
	return c
}

// labelCategory classifies a label as a form field's label is classified,
// with a few more words that name people in records.
func labelCategory(l string) string {
	folded := foldText(nil, splitCamel(l))
	for w := range strings.FieldsSeq(string(folded)) {
		if c := personLabels[w]; c != "" {
			return c
		}
	}
	c, _ := pii.Explain(observation.Field{Tag: "input", Type: "text", Label: l})
	return c
}

// personLabels are label words naming a person or their data that form
// fields seldom use.
var personLabels = map[string]string{
	"responsable": pii.Identity, "parent": pii.Identity, "parents": pii.Identity,
	"titulaire": pii.Identity, "representant": pii.Identity, "adherent": pii.Identity,
	"adherente": pii.Identity, "beneficiaire": pii.Identity, "membre": pii.Identity,
	"eleve": pii.Identity, "enfant": pii.Identity, "signataire": pii.Identity,
	"auteur": pii.Identity, "author": pii.Identity, "pseudo": pii.Identity,
	"patient": pii.Health, "patiente": pii.Health, "conjoint": pii.Identity,
	"ip": pii.OtherPersonal, "ipv4": pii.OtherPersonal, "ipv6": pii.OtherPersonal,
	"iban": pii.Financial, "rib": pii.Financial, "bic": pii.Financial,
	"nir": pii.NationalID, "domicile": pii.Contact,
	"soins": pii.Health, "soin": pii.Health, "traitement": pii.Health, "traitements": pii.Health,
	"ordonnance": pii.Health, "prescription": pii.Health, "diagnostic": pii.Health,
	"pathologie": pii.Health, "pathologies": pii.Health, "antecedents": pii.Health,
	"handicap": pii.Health, "care": pii.Health, "treatment": pii.Health, "diagnosis": pii.Health,
}

// labelledFields masks the values under labels that name personal data.
func (s *scanner) labelledFields() {
	ls := s.labels
	// A table's or a file's columns come back on every row: their
	// categories are kept at hand (labels are interned, so comparing
	// them is cheap).
	var recent [32]struct{ label, cat string }
	n := 0
	for k, l := range ls {
		if l.label == "" {
			continue
		}
		cat, found := "", false
		for r := range recent[:n] {
			if recent[r].label == l.label {
				cat, found = recent[r].cat, true
				break
			}
		}
		if !found {
			cat = s.maskCategory(l.label)
			recent[n%len(recent)] = struct{ label, cat string }{l.label, cat}
			n = min(n+1, len(recent))
		}
		if cat == "" {
			continue
		}
		end := len(s.text)
		if k+1 < len(ls) {
			end = ls[k+1].start
		}
		if end > l.start {
			s.lspans = append(s.lspans, textSpan{int32(l.start), int32(end), true, cat})
		}
	}
}

// colonLabel masks the value after "Label :" when the label, the text
// of its field up to the colon at i, names personal data.
func (s *scanner) colonLabel(i int) {
	t := s.text
	if i == 0 || isDigit(t[i-1]) || i+1 < len(t) && (t[i+1] == '/' || isDigit(t[i+1])) {
		return // a time, a URL's scheme
	}
	start := i
	for start > 0 && i-start <= 48 && !labelStop(t[start-1]) {
		start--
	}
	if i-start > 48 {
		return
	}
	label := bytes.Trim(t[start:i], " \"'")
	if len(label) == 0 || len(label) > 40 {
		return
	}
	cat := s.maskCategory(string(label))
	if cat == "" {
		return
	}
	// The value: a quoted string (JSON in a script), or the rest of the
	// field.
	k := i + 1
	for k < len(t) && t[k] == ' ' {
		k++
	}
	if k < len(t) && (t[k] == '"' || t[k] == '\'') {
		if e := bytes.IndexByte(t[k+1:], t[k]); e >= 0 {
			s.addSpan(k+1, k+1+e, cat, true)
			return
		}
	}
	end := k
	for end < len(t) && t[end] != '\t' && t[end] != '\n' && t[end] != '\r' {
		end++
	}
	s.addSpan(k, end, cat, true)
}

// labelStop reports whether c ends the text before a label.
func labelStop(c byte) bool {
	return c == '\t' || c == '\n' || c == '\r' || c == '{' || c == ',' || c == ';'
}

// queryValue masks the value of a name=value pair of a query string or
// a form body at i ("="), when the name names personal data, and returns
// where to go on.
func (s *scanner) queryValue(i int) int {
	t := s.text
	start := i
	for start > 0 && i-start <= 40 && isParamByte(t[start-1]) {
		start--
	}
	if start == i || i-start > 40 {
		return i + 1
	}
	switch {
	case start > 0:
		switch t[start-1] {
		case '?', '&', ';':
		case '\t', '\n', '\r':
			if s.surround {
				return i + 1
			}
		default:
			return i + 1
		}
	case s.surround:
		return i + 1 // around a body, pairs are a URL's: after "?" or "&"
	}
	end := i + 1
	for end < len(t) {
		c := t[end]
		if c == '&' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' {
			break
		}
		end++
	}
	if end == i+1 {
		return end
	}
	name := string(t[start:i])
	if strings.ContainsAny(name, "%+") {
		name = paramUnescaper.Replace(name)
	}
	if cat := s.maskCategory(name); cat != "" {
		s.addSpan(i+1, end, cat, true)
	}
	return i + 1 // the value may hold more: an e-mail address, a phone
}

var paramUnescaper = strings.NewReplacer("%5B", "[", "%5D", "]", "%5b", "[", "%5d", "]", "+", " ", "%20", " ")

func isParamByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '%' || c == '+'
}

//go:embed firstnames/firstnames.txt
var firstNamesText string

// Name words: first names, and civilities that introduce a surname.
const (
	nameFirst uint8 = 1 + iota
	nameCivility
)

var nameWordsOnce = sync.OnceValue(func() map[string]uint8 {
	m := map[string]uint8{}
	for line := range strings.Lines(firstNamesText) {
		line = strings.TrimSpace(line)
		if line == "" || strings.ContainsAny(line, "-'") {
			continue
		}
		m[string(foldWord(nil, []byte(line)))] = nameFirst
	}
	for _, c := range []string{"m", "mme", "mmes", "mlle", "mlles", "monsieur", "madame", "mademoiselle", "mr", "mrs", "ms", "miss", "dr", "docteur", "me", "maitre", "messieurs"} {
		m[c] = nameCivility
	}
	return m
})

// isCapital reports whether the word at i starts with a capital letter.
func isCapital(t []byte, i int) bool {
	c := t[i]
	return c >= 'A' && c <= 'Z' || c == 0xC3 && i+1 < len(t) && t[i+1] >= 0x80 && t[i+1] <= 0x9E
}

// placeWords name places that bear a person's name ("rue Victor Hugo",
// "lycée Jean Moulin"): a name after one is the place's.
var placeWords = map[string]bool{
	"rue": true, "avenue": true, "av": true, "boulevard": true, "bd": true, "chemin": true, "allee": true,
	"impasse": true, "place": true, "route": true, "quai": true, "cours": true, "square": true,
	"passage": true, "esplanade": true, "promenade": true, "parvis": true, "pont": true, "parc": true,
	"saint": true, "sainte": true, "st": true, "ste": true, "ecole": true, "college": true, "lycee": true,
	"groupe": true, "centre": true, "espace": true, "salle": true, "stade": true, "gymnase": true,
	"complexe": true, "fondation": true, "institut": true, "hopital": true, "musee": true, "prix": true,
	"universite": true, "residence": true, "cite": true, "maison": true, "theatre": true,
	"mediatheque": true, "bibliotheque": true, "gare": true, "aeroport": true, "station": true,
	"hotel": true, "clinique": true, "ehpad": true, "piscine": true, "halle": true, "foyer": true,
	"cinema": true, "association": true, "amicale": true, "club": true, "fort": true, "pole": true,
}

// nameParticles may stand between the parts of a name.
var nameParticles = map[string]bool{
	"de": true, "du": true, "des": true, "d": true, "le": true, "la": true, "van": true, "von": true,
	"der": true, "den": true, "di": true, "da": true, "dos": true, "el": true, "al": true, "ben": true, "ibn": true,
}

// prevWord returns the start of the word ending just before i, through
// one space or hyphen, within the field, or -1.
func prevWord(t []byte, i int) int {
	if i < 2 || t[i-1] != ' ' && t[i-1] != '-' {
		return -1
	}
	k := i - 1
	for k > 0 && (isAlnum(t[k-1]) || t[k-1] >= 0x80) {
		k--
	}
	if k == i-1 {
		return -1
	}
	return k
}

// nextWord returns the bounds of the word after j, through one space or
// hyphen (or an apostrophe, for "d'"), within the field, or -1.
func nextWord(t []byte, j int) (int, int) {
	if j+1 >= len(t) || t[j] != ' ' && t[j] != '-' && t[j] != '\'' {
		return -1, -1
	}
	k := j + 1
	if !isWordStart(t[k]) {
		return -1, -1
	}
	return k, wordEnd(t, k)
}

// name masks the person's name around the name word at [i, j) and
// returns its end, or j when there is none.
func (s *scanner) name(i, j int) int {
	t := s.text
	nw := nameWordsOnce()
	civility := nw[string(s.fold)] == nameCivility
	start, end, words := i, j, 1
	if civility {
		start = -1
		if j < len(t) && t[j] == '.' {
			j++
		}
		end = j
		words = 0
	} else if p := prevWord(t, i); p >= 0 && isCapital(t, p) {
		s.buf = foldWord(s.buf[:0], t[p:i-1])
		if placeWords[string(s.buf)] {
			return j
		}
		start, words = p, 2
	}
	// Capitalised words and particles after.
	for n := 0; n < 4; n++ {
		a, b := nextWord(t, end)
		if a < 0 {
			break
		}
		if isCapital(t, a) {
			if start < 0 {
				start = a
			}
			end, words = b, words+1
			continue
		}
		s.buf = foldWord(s.buf[:0], t[a:b])
		if !nameParticles[string(s.buf)] || start < 0 {
			break // "M. le Maire" names a function
		}
		if c, d := nextWord(t, b); c >= 0 && isCapital(t, c) {
			if start < 0 {
				start = a
			}
			end, words = d, words+1
			n++
			continue
		}
		break
	}
	if start < 0 || words < 2 && !civility || civility && words < 1 {
		return j
	}
	if p := prevWord(t, start); p >= 0 {
		s.buf = foldWord(s.buf[:0], t[p:start-1])
		if placeWords[string(s.buf)] {
			return end
		}
	}
	s.addSpan(start, end, KindName, false)
	s.rec.personName = true
	return end
}

// streetTypes are the words of French (and English) street types.
var streetTypes = map[string]bool{
	"rue": true, "avenue": true, "av": true, "ave": true, "bd": true, "bld": true, "boulevard": true,
	"chemin": true, "ch": true, "allee": true, "allees": true, "impasse": true, "imp": true, "place": true,
	"pl": true, "route": true, "rte": true, "quai": true, "cours": true, "square": true, "chaussee": true,
	"cite": true, "passage": true, "voie": true, "sentier": true, "faubourg": true, "fg": true,
	"lieudit": true, "lieu": true, "hameau": true, "residence": true, "lotissement": true, "lot": true,
	"promenade": true, "esplanade": true, "parvis": true, "montee": true, "rond": true, "clos": true,
	"mail": true, "venelle": true, "ruelle": true, "traverse": true, "villa": true, "cour": true,
	"carrefour": true, "grande": true, "grand": true, "domaine": true, "street": true, "road": true,
	"lane": true, "drive": true, "way": true, "ancienne": true, "vieille": true, "petite": true,
}

// streetParticles may stand in a street's name in lower case.
var streetParticles = map[string]bool{
	"de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "l": true, "d": true,
	"aux": true, "au": true, "sur": true, "en": true, "et": true, "of": true, "the": true,
}

// streetAddress masks a postal address starting with the house number
// at [i, j) and returns its end, or 0 when none starts there: "12 bis rue
// des Lilas 42000 Saint-Étienne", "3, place du Marché".
func (s *scanner) streetAddress(i, j int) int {
	t := s.text
	n := len(t)
	k := j
	// bis, ter, a letter.
	if k < n && (t[k] == ' ' || isLetter(t[k])) {
		a := k
		if t[k] == ' ' {
			a++
		}
		if a < n && isWordStart(t[a]) {
			b := wordEnd(t, a)
			s.buf = foldWord(s.buf[:0], t[a:b])
			switch string(s.buf) {
			case "bis", "ter", "quater", "b", "t", "a", "c":
				k = b
			}
		}
	}
	if k < n && t[k] == ',' {
		k++
	}
	if k >= n || t[k] != ' ' {
		return 0
	}
	k++
	if k >= n || !isWordStart(t[k]) {
		return 0
	}
	e := wordEnd(t, k)
	s.buf = foldWord(s.buf[:0], t[k:e])
	if !streetTypes[string(s.buf)] {
		return 0
	}
	// The street's name: words, short numbers, hyphens, apostrophes.
	end, words := e, 0
	for k = e; k < n && k-e < 80 && words < 8; {
		c := t[k]
		switch {
		case c == ' ' || c == '-' || c == '\'' || c == '.':
			k++
			continue
		case c == 0xE2 && k+2 < n && t[k+1] == 0x80 && t[k+2] == 0x99: // ’
			k += 3
			continue
		case isDigit(c):
			d := k
			for d < n && isDigit(t[d]) {
				d++
			}
			if d-k >= 5 || d-k == 2 && d+4 <= n && t[d] == ' ' && isDigit(t[d+1]) && isDigit(t[d+2]) && isDigit(t[d+3]) {
				goto postcode // "42000", "42 000"
			}
			k, end = d, d
			words++
			continue
		case isWordStart(c):
			b := wordEnd(t, k)
			if !isCapital(t, k) {
				s.buf = foldWord(s.buf[:0], t[k:b])
				if !streetParticles[string(s.buf)] {
					break // the sentence goes on
				}
			}
			k, end = b, b
			words++
			continue
		}
		break
	}
	if words == 0 {
		return 0
	}
	k = end
	if k < n && t[k] == ',' {
		k++
	}
	for k < n && (t[k] == ' ' || t[k] == '-') {
		k++
	}
	if k >= n || !isDigit(t[k]) {
		s.addSpan(i, end, KindAddress, false)
		return end
	}
postcode:
	d := k
	for d < n && (isDigit(t[d]) || t[d] == ' ' && d-k == 2) {
		d++
	}
	if digits := bytes.Count(t[k:d], []byte(" ")); d-k-digits != 5 {
		s.addSpan(i, end, KindAddress, false)
		return end
	}
	end = d
	// The town: capitalised words, hyphens, particles, "Cedex 9".
	for k = d; k < n && k-d < 60; {
		for k < n && (t[k] == ' ' || t[k] == '-' || t[k] == '\'') {
			k++
		}
		if k >= n || !(isWordStart(t[k]) || isDigit(t[k]) && end > d) {
			break
		}
		b := k
		if isDigit(t[k]) {
			for b < n && isDigit(t[b]) {
				b++
			}
		} else {
			b = wordEnd(t, k)
		}
		if !isCapital(t, k) && !isDigit(t[k]) {
			s.buf = foldWord(s.buf[:0], t[k:b])
			if !nameParticles[string(s.buf)] && string(s.buf) != "sur" && string(s.buf) != "sous" && string(s.buf) != "en" && string(s.buf) != "les" && string(s.buf) != "lès" {
				break
			}
		}
		k, end = b, b
	}
	s.addSpan(i, end, KindAddress, false)
	return end
}

// bodySpans maps the text spans to the body through the flat text's
// segments, trims separators, sorts and merges them.
func (s *scanner) bodySpans(fl *flat, body []byte) []Span {
	if len(s.spans)+len(s.lspans) == 0 {
		return nil
	}
	found := s.mapSpans(fl, body, s.spans, make([]Span, 0, len(s.spans)))
	labelled := s.mapSpans(fl, body, s.lspans, make([]Span, 0, len(s.lspans)))
	return mergeSpans(mergeSorted(found, labelled))
}

// mergeSorted merges two lists sorted by start.
func mergeSorted(a, b []Span) []Span {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]Span, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].Start < a[0].Start {
			out = append(out, b[0])
			b = b[1:]
		} else {
			out = append(out, a[0])
			a = a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// mapSpans appends the body spans of text spans to out.
func (s *scanner) mapSpans(fl *flat, body []byte, spans []textSpan, out []Span) []Span {
	if !slices.IsSortedFunc(spans, func(a, b textSpan) int { return int(a.at - b.at) }) {
		slices.SortFunc(spans, func(a, b textSpan) int { return int(a.at - b.at) })
	}
	segs := fl.segs
	t := s.text
	cursor := 0
	for _, sp := range spans {
		first := len(out)
		at, to := int(sp.at), int(sp.to)
		for at < to && t[at] <= ' ' {
			at++
		}
		for to > at && t[to-1] <= ' ' {
			to--
		}
		for cursor < len(segs) && segs[cursor].f1 <= at {
			cursor++
		}
		for k := cursor; k < len(segs) && segs[k].f0 < to; k++ {
			g := segs[k]
			a, b := max(at, g.f0), min(to, g.f1)
			if a >= b {
				continue
			}
			bs, be := g.b0, g.b1
			if g.f1-g.f0 == g.b1-g.b0 {
				bs, be = g.b0+(a-g.f0), g.b0+(b-g.f0)
			}
			if onlySpace(body[bs:be]) {
				continue // white space between two tags of the value
			}
			// Pieces of one value apart only by white space or a
			// character reference are one mask.
			if n := len(out); n > first && onlySpace(body[out[n-1].End:max(bs, out[n-1].End)]) {
				out[n-1].End = max(out[n-1].End, be)
				continue
			}
			out = append(out, Span{bs, be, sp.kind, sp.category()})
		}
	}
	return out
}

func onlySpace(b []byte) bool {
	for _, c := range b {
		if c > ' ' {
			return false
		}
	}
	return true
}

// identitySpans is bodySpans for a text that is the body.
func (s *scanner) identitySpans() []Span {
	out := make([]Span, 0, len(s.spans)+len(s.lspans))
	t := s.text
	for _, sp := range append(s.spans, s.lspans...) {
		a, b := int(sp.at), int(sp.to)
		for a < b && t[a] <= ' ' {
			a++
		}
		for b > a && t[b-1] <= ' ' {
			b--
		}
		if a < b {
			out = append(out, Span{a, b, sp.kind, sp.category()})
		}
	}
	return mergeSpans(out)
}

// mergeSpans sorts spans and merges those that overlap; the earliest,
// then the longest, names the merged span.
func mergeSpans(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	if !slices.IsSortedFunc(spans, func(a, b Span) int { return a.Start - b.Start }) {
		slices.SortStableFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	}
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.Start < last.End {
			// What the value is says more than the label it is under.
			if sp.Start == last.Start && sp.End >= last.End && (label(last) == 1 && label(&sp) == 0 || sp.End > last.End) {
				last.Kind, last.Category = sp.Kind, sp.Category
			}
			last.End = max(last.End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}

func label(s *Span) int {
	if s.Kind == s.Category {
		return 1
	}
	return 0
}

// Redact returns body with each span replaced by "[masked:KIND]"; spans
// must be in order and not overlap, as Find returns them.
func Redact(body []byte, spans []Span) []byte {
	if len(spans) == 0 {
		return body
	}
	out := make([]byte, 0, len(body))
	last := 0
	for _, sp := range spans {
		out = append(out, body[last:sp.Start]...)
		out = append(out, "[masked:"...)
		out = append(out, sp.Kind...)
		out = append(out, ']')
		last = sp.End
	}
	return append(out, body[last:]...)
}

// MaskText returns s with the personal data it holds masked: for the
// strings that findings, reports and letters carry (URLs, file names,
// excerpts). Dates and IP addresses, those of servers in such strings,
// stay.
func MaskText(s string) string {
	if s == "" {
		return s
	}
	spans := FindFormat([]byte(s), FormatText, MaskOptions{Surroundings: true})
	if len(spans) == 0 {
		return s
	}
	return string(Redact([]byte(s), spans))
}
