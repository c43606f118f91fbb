package detect

import (
	"sort"

	"vigie/observation"
)

// The scanner walks a flat text once. The text is either a plain-text
// body or what flatten made of a structured one: records (table rows, list
// items, JSON objects, CSV lines, text lines) end with '\n', paragraphs
// (records whose context may come from the paragraph before) with '\r',
// fields (cells, values) with '\t', and labels name the column or key of a
// stretch of text. A match is kept pending until its record ends, since whether a
// phone is a person's or a service's may depend on what else the record
// holds.

// pending is a match waiting for the end of its record. Its kind, a NUL
// and its normalised value are in the scanner's arena, so that a match
// costs no allocation until it is known to be new.
type pending struct {
	kind     string
	off, end int
	// org marks the organisation's own data or contact points.
	org bool
	// person marks values that stand for one person each (personal
	// e-mail addresses, NIR, IBAN, cards, mobile numbers, birth dates).
	person  bool
	special bool
	// at, to: where the value is in the text.
	at, to int
}

type specialHit struct {
	bit  uint8
	text string
}

type record struct {
	matches []pending
	// orgContact: the record holds an organisation's e-mail address or
	// SIREN/SIRET; personEmail: a personal address; role: a word naming
	// a function ("président", "contact", "responsable").
	orgContact, personEmail, role bool
	// personName: a person's name is in the record (masking).
	personName bool
	special    []specialHit
}

type labelSpan struct {
	start int
	label string
}

// labelClass is what a label says about the values under it.
type labelClass struct {
	ctx     uint16
	special []specialHit
}

type scanner struct {
	o      *Options
	year   int
	text   []byte
	labels []labelSpan
	li     int // labels[li] is in force at the last position asked
	ri     int // next label to read at the end of a record
	rec    record
	fold   []byte
	buf    []byte
	arena  []byte
	// index maps kind, NUL and value to the entries' index.
	index   map[string]int
	entries []pending
	// labelClasses caches the classes of labels, which repeat on every
	// row of a table.
	labelClasses map[string]labelClass
	lastLabel    string
	lastCtx      uint16
	// trace, when not nil, receives every distinct value (for tests).
	trace func(kind, value string, org bool)

	// masking finds what to mask rather than what to report: it reads
	// every value that may be personal, however little context says so,
	// and keeps where each is in spans.
	masking bool
	// surround: masking the text around a body (see MaskOptions).
	surround bool
	// at, to: where the value being read is, for keep.
	at, to int
	spans  []textSpan
	// lspans are the spans of labelled values, kept apart: each list is
	// in order.
	lspans []textSpan
	// maskCats caches the category of labels ("" for none).
	maskCats map[string]string
	// lastMaskLabel and lastMaskCat: the last label looked up.
	lastMaskLabel, lastMaskCat string
}

func newScanner() *scanner {
	return &scanner{labelClasses: map[string]labelClass{}, index: map[string]int{}}
}

func (s *scanner) reset(o *Options) {
	s.o = o
	s.year = thisYear
	s.li, s.ri = 0, 0
	s.lastLabel, s.lastCtx = "", 0
	s.rec.matches = s.rec.matches[:0]
	s.rec.special = s.rec.special[:0]
	s.rec.orgContact, s.rec.personEmail, s.rec.role = false, false, false
	if cap(s.arena) > 1<<20 {
		s.arena = nil
	}
	s.arena = s.arena[:0]
	if len(s.index) > 1<<14 {
		s.index = map[string]int{} // let a huge map go
	}
	clear(s.index)
	s.entries = s.entries[:0]
	s.masking = false
	s.spans = s.spans[:0]
	s.lspans = s.lspans[:0]
	s.lastMaskLabel, s.lastMaskCat = "", ""
}

// begin starts a value of a kind in the arena: append its bytes to
// s.arena, then call keep with the offset begin returned.
func (s *scanner) begin(kind string) int {
	off := len(s.arena)
	s.arena = append(s.arena, kind...)
	s.arena = append(s.arena, 0)
	return off
}

func (s *scanner) keep(off int, kind string, org, person bool) {
	s.add(pending{kind: kind, off: off, end: len(s.arena), org: org, person: person, at: s.at, to: s.to})
}

// addValue adds a value of a kind in one call.
func (s *scanner) addValue(kind string, v []byte, org, person bool) {
	off := s.begin(kind)
	s.arena = append(s.arena, v...)
	s.keep(off, kind, org, person)
}

func (s *scanner) value(p *pending) []byte { return s.arena[p.off+len(p.kind)+1 : p.end] }

func (s *scanner) add(p pending) {
	switch p.kind {
	case KindEmail:
		if p.org {
			s.rec.orgContact = true
		} else {
			s.rec.personEmail = true
		}
	case KindSIREN, KindSIRET:
		s.rec.orgContact = true
		p.org = true
	}
	s.rec.matches = append(s.rec.matches, p)
}

// put settles a match: a value seen once as the organisation's (a phone
// next to its address) is the organisation's wherever else it shows.
func (s *scanner) put(p pending) {
	if k, ok := s.index[string(s.arena[p.off:p.end])]; ok {
		if p.org {
			s.entries[k].org = true
		}
		return
	}
	s.index[string(s.arena[p.off:p.end])] = len(s.entries)
	s.entries = append(s.entries, p)
}

// personalData summarises the settled matches, nil when there are none.
func (s *scanner) personalData() *observation.PersonalData {
	if len(s.entries) == 0 {
		return nil
	}
	p := &observation.PersonalData{}
	var person, perKind map[string]int
	for k := range s.entries {
		e := &s.entries[k]
		v := s.value(e)
		if s.trace != nil {
			s.trace(e.kind, string(v), e.org)
		}
		if e.org {
			if p.Organisation == nil {
				p.Organisation = map[string]int{}
			}
			p.Organisation[e.kind]++
			continue
		}
		if p.Distinct == nil {
			p.Counts, p.Distinct = map[string]int{}, map[string]int{}
			person, perKind = map[string]int{}, map[string]int{}
		}
		if p.Distinct[e.kind] == 0 {
			p.Kinds = append(p.Kinds, e.kind)
		}
		p.Counts[Category(e.kind)]++
		p.Distinct[e.kind]++
		if e.person {
			person[e.kind]++
		}
		if len(p.Samples) < s.o.MaxSamples && perKind[e.kind] < maxSamplesPerKind {
			perKind[e.kind]++
			hash := ""
			if !e.special {
				hash = hashValue(s.o.Salt, e.kind, v)
			}
			p.Samples = append(p.Samples, observation.PersonalMatch{Kind: e.kind, Category: Category(e.kind), Masked: mask(e.kind, v), Hash: hash})
		}
	}
	sort.Strings(p.Kinds)
	for _, n := range person {
		p.People = max(p.People, n)
	}
	return p
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// run scans the whole text.
func (s *scanner) run() {
	t := s.text
	n := len(t)
	for i := 0; i < n; {
		c := t[i]
		switch {
		case isDigit(c):
			i = s.number(i)
		case isUpper(c) && i+3 < n && isUpper(t[i+1]) && isDigit(t[i+2]) && isDigit(t[i+3]) && s.boundaryBefore(i):
			if j := s.iban(i); j > i {
				i = j
			} else {
				i = s.word(i)
			}
		case isWordStart(c):
			i = s.word(i)
		case c == '@':
			i = s.email(i)
		case c == '+':
			i = s.plus(i)
		case !s.masking:
			if c == '\n' || c == '\r' {
				s.endRecord(i)
			}
			i++
		case c == '%' && i+2 < n && t[i+1] == '4' && t[i+2] == '0':
			i = s.emailW(i, 3)
		case c == ':':
			s.colonLabel(i)
			i++
		case c == '=':
			i = s.queryValue(i)
		case c == '\n' || c == '\r':
			s.endRecord(i)
			i++
		default:
			i++
		}
	}
	s.endRecord(n)
}

// endRecord settles the pending matches of the record ending at end.
func (s *scanner) endRecord(end int) {
	r := &s.rec
	special := r.special
	for s.ri < len(s.labels) && s.labels[s.ri].start < end {
		if l := s.labels[s.ri].label; l != "" {
			special = append(special, s.labelClass(l).special...)
		}
		s.ri++
	}
	if len(r.matches) == 0 {
		r.special = r.special[:0]
		r.role, r.personName = false, false
		return
	}
	// Phones and addresses next to the organisation's own address or
	// company number, with no personal address, are the organisation's.
	orgRecord := r.orgContact && !r.personEmail
	if s.masking {
		s.maskMatches(orgRecord)
		r.matches = r.matches[:0]
		r.special = r.special[:0]
		r.orgContact, r.personEmail, r.role, r.personName = false, false, false, false
		return
	}
	// Addresses and phones next to a function ("Président : ...",
	// "Contact : ...") are contact points published as such, unless the
	// record also holds what no contact point needs (a birth date, a NIR,
	// a bank account).
	roleRecord := r.role
	for k := range r.matches {
		switch r.matches[k].kind {
		case KindBirth, KindNIR, KindIBAN, KindCard:
			roleRecord = false
		}
	}
	// An address is a person's only next to something that identifies a
	// person; alone, it is most often the organisation's own.
	person := false
	for k := range r.matches {
		if m := &r.matches[k]; m.person && !m.org && !(orgRecord && m.kind == KindPhone) {
			person = true
		}
	}
	personal := false
	for k := range r.matches {
		m := &r.matches[k]
		if orgRecord && (m.kind == KindPhone || m.kind == KindAddress) || m.kind == KindAddress && !person ||
			roleRecord && (m.kind == KindEmail || m.kind == KindPhone || m.kind == KindAddress) {
			m.org = true
		}
		if !m.org {
			personal = true
		}
		s.put(*m)
	}
	if personal {
		for _, h := range special {
			cat := specialCategory(h.bit)
			off := s.begin(cat)
			s.arena = append(s.arena, h.text...)
			s.put(pending{kind: cat, off: off, end: len(s.arena), special: true})
		}
	}
	r.matches = r.matches[:0]
	r.special = r.special[:0]
	r.orgContact, r.personEmail, r.role = false, false, false
}

// word reads a word: a special-category keyword or phrase, or a month
// name starting an English date.
func (s *scanner) word(i int) int {
	t := s.text
	j := wordEnd(t, i)
	if j == i {
		return i + 1
	}
	if j-i > 40 {
		return j
	}
	f := foldWord(s.fold[:0], t[i:j])
	s.fold = f
	if s.masking && isCapital(t, i) && nameWordsOnce()[string(f)] != 0 {
		if k := s.name(i, j); k > j {
			return k
		}
		f = s.fold
	}
	if len(f) < 3 || !lexiconPrefixes.has(f) {
		return j
	}
	if ps, ok := specialIndex[string(f)]; ok {
		s.special(j, ps)
	}
	if m, ok := months[string(s.fold)]; ok {
		s.monthFirst(i, j, m)
	}
	if contactRoles[string(s.fold)] {
		s.rec.role = true
	}
	return j
}

// special records the phrases of ps whose following words match the
// text after j.
func (s *scanner) special(j int, ps []phrase) {
next:
	for _, p := range ps {
		k := j
		for _, w := range p.rest {
			k = s.skipSeparators(k)
			e := wordEnd(s.text, k)
			if e == k {
				continue next
			}
			s.buf = foldWord(s.buf[:0], s.text[k:e])
			if string(s.buf) != string(w) {
				continue next
			}
			k = e
		}
		for _, h := range s.rec.special {
			if h.text == p.text {
				continue next
			}
		}
		s.rec.special = append(s.rec.special, specialHit{p.bit, p.text})
	}
}

// skipSeparators skips the spaces, apostrophes and hyphens between two
// words of a phrase.
func (s *scanner) skipSeparators(k int) int {
	t := s.text
	for n := 0; k < len(t) && n < 4; n++ {
		switch c := t[k]; {
		case c == ' ' || c == '\'' || c == '-':
			k++
		case c == 0xC2 && k+1 < len(t) && t[k+1] == 0xA0:
			k += 2
		case c == 0xE2 && k+2 < len(t) && t[k+1] == 0x80 && t[k+2] == 0x99: // ’
			k += 3
		default:
			return k
		}
	}
	return k
}

// labelAt returns the label in force at pos.
func (s *scanner) labelAt(pos int) string {
	ls := s.labels
	if len(ls) == 0 {
		return ""
	}
	if s.li >= len(ls) || ls[s.li].start > pos {
		s.li = sort.Search(len(ls), func(k int) bool { return ls[k].start > pos }) - 1
		if s.li < 0 {
			s.li = 0
			return ""
		}
	}
	for s.li+1 < len(ls) && ls[s.li+1].start <= pos {
		s.li++
	}
	if ls[s.li].start > pos {
		return ""
	}
	return ls[s.li].label
}

func (s *scanner) labelCtx(pos int) uint16 {
	l := s.labelAt(pos)
	switch {
	case l == "":
		return 0
	case l == s.lastLabel:
		return s.lastCtx
	}
	s.lastLabel, s.lastCtx = l, s.labelClass(l).ctx
	return s.lastCtx
}

// labelClass classifies a label's words, splitting camelCase and
// snake_case: "dateNaissance", "date_de_naissance" and "DOB" all name a
// birth date.
func (s *scanner) labelClass(l string) labelClass {
	if c, ok := s.labelClasses[l]; ok {
		return c
	}
	if len(s.labelClasses) > 4096 {
		clear(s.labelClasses)
	}
	f := foldText(nil, splitCamel(l))
	c := labelClass{ctx: contextOf(f)}
	joined := make([]byte, 0, len(f))
	for len(f) > 0 {
		k := 0
		for k < len(f) && f[k] != ' ' {
			k++
		}
		w := string(f[:k])
		joined = append(joined, w...)
		if bit := labelSpecial[w]; bit != 0 {
			c.special = append(c.special, specialHit{bit, w})
		}
		for _, p := range specialIndex[w] {
			if len(p.rest) == 0 && labelSpecial[w] == 0 {
				c.special = append(c.special, specialHit{p.bit, w})
			}
		}
		if k < len(f) {
			k++
		}
		f = f[k:]
	}
	c.ctx |= contextWords[string(joined)]
	s.labelClasses[l] = c
	return c
}

// splitCamel returns l with a space before each capital that follows a
// small letter: "dateNaissance" reads "date Naissance".
func splitCamel(l string) []byte {
	split := make([]byte, 0, len(l)+8)
	for i := 0; i < len(l); i++ {
		if i > 0 && l[i] >= 'A' && l[i] <= 'Z' && l[i-1] >= 'a' && l[i-1] <= 'z' {
			split = append(split, ' ')
		}
		split = append(split, l[i])
	}
	return split
}

// windowStart returns where the context before i starts: at most max
// bytes back, within the record, and after the last digit when digits is
// set (context belongs to the nearest value).
func (s *scanner) windowStart(i, max int, digits bool) int {
	t := s.text
	start := i
	for start > 0 && i-start < max {
		c := t[start-1]
		if c == '\n' || digits && isDigit(c) {
			break
		}
		start--
	}
	if start > 0 && (isAlnum(t[start-1]) || t[start-1] >= 0x80) {
		for start < i && (isAlnum(t[start]) || t[start] >= 0x80) {
			start++ // a cut word does not count
		}
	}
	return start
}

// before returns the classes of the words in the max bytes before i,
// after the last digit.
func (s *scanner) before(i, max int) uint16 { return s.classes(s.windowStart(i, max, true), i) }

// beforeNear is before over the near window, digits included: "colis
// 6A123 ou 0712345678" is a parcel number still.
func (s *scanner) beforeNear(i int) uint16 { return s.classes(s.windowStart(i, near, false), i) }

// classes classifies the words of t[start:i] (see contextOf).
func (s *scanner) classes(start, i int) uint16 {
	t := s.text
	var cls, prev uint16
	for k := start; k < i; {
		c := t[k]
		if !isWordStart(c) {
			if isDigit(c) {
				prev = 0
			}
			k++
			continue
		}
		e := min(wordEnd(t, k), i)
		w := foldWord(s.fold[:0], t[k:e])
		s.fold = w
		k = e
		var wc uint16
		switch {
		case len(w) == 1:
			if w[0] == 'n' {
				wc = cRef
			}
		case len(w) <= 16 && ctxPrefixes.has(w):
			wc = contextWords[string(w)]
		}
		if prev&cNe != 0 && string(w) == "le" {
			cls |= cBirth
		}
		if string(w) != "e" { // "né(e) le"
			prev = wc
		}
		cls |= wc
	}
	return cls &^ cNe
}

// Lookback distances: near for words that qualify a number ("commande
// n°", "tél."), far for those that introduce it ("date de naissance :").
const (
	near = 32
	far  = 56
)

func (s *scanner) boundaryBefore(i int) bool {
	if i == 0 {
		return true
	}
	t := s.text
	p := t[i-1]
	switch {
	case isAlnum(p):
		return false
	case p == '=' && s.masking: // a query's value: "tel=0612345678"
	case p == '@' || p == '=' || p == '#' || p == '_' || p == '/' || p == '\\' || p == '&' || p == '?' || p == '+' || p == '%':
		return false
	case p == '-' && i >= 2 && (isAlnum(t[i-2]) || t[i-2] >= 0x80):
		return false
	case p == '.' && i >= 2 && isDigit(t[i-2]):
		return false
	case p >= 0x80 && p < 0xC0 && i >= 2 && !(t[i-2] == 0xC2 || t[i-2] == 0xE2 || i >= 3 && t[i-3] == 0xE2):
		return false // the end of a letter outside ASCII
	}
	return true
}

func boundaryAfter(t []byte, j int) bool {
	if j >= len(t) {
		return true
	}
	c := t[j]
	switch {
	case isAlnum(c), c == '@', isWordStart(c):
		return false
	case c == '-' || c == '_' || c == '.' || c == '/':
		return j+1 >= len(t) || !isAlnum(t[j+1])
	}
	return true
}

// amount reports whether a currency or percent sign follows j: the
// number is a sum or a rate.
func amount(t []byte, j int) bool {
	if j < len(t) && t[j] == ' ' {
		j++
	} else if j+1 < len(t) && t[j] == 0xC2 && t[j+1] == 0xA0 {
		j += 2
	}
	if j >= len(t) {
		return false
	}
	switch t[j] {
	case '%', '$':
		return true
	case 0xE2: // €
		return j+2 < len(t) && t[j+1] == 0x82 && t[j+2] == 0xAC
	case 0xC2: // £
		return j+1 < len(t) && t[j+1] == 0xA3
	case 'E':
		return j+2 < len(t) && t[j+1] == 'U' && t[j+2] == 'R'
	}
	return false
}

func skipAlnum(t []byte, j int) int {
	for j < len(t) && (isAlnum(t[j]) || t[j] == '_') {
		j++
	}
	return j
}
