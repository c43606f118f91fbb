package detect

import (
	"bytes"
	"strconv"
)

// Numbers: phones, NIR, IBAN, cards, SIREN and SIRET, dates, IP addresses
// and postcodes. A number token is a run of digit groups joined by one
// kind of separator ("06 12 34 56 78", "12/03/1985", "81.2.3.4"); its
// shape says what it may be, its checksum and the words before it what
// it is.

// numTok is a run of digit groups joined by one kind of separator.
type numTok struct {
	start, end int
	d          [24]byte
	nd         int
	g          [10]uint8
	ng         int
	sep        byte // ' ', '.', '-', '/'; 0 for a single group
	letter     bool // "2A"/"2B" of a Corsican NIR
	overflow   bool
}

func (tk *numTok) digits() []byte { return tk.d[:tk.nd] }

func (tk *numTok) groups() []uint8 { return tk.g[:tk.ng] }

// sepAt returns the separator at j (a no-break space reads as a space)
// and its width, 0 when there is none.
func sepAt(t []byte, j int) (byte, int) {
	switch c := t[j]; c {
	case ' ', '.', '-', '/':
		return c, 1
	case 0xC2:
		if j+1 < len(t) && t[j+1] == 0xA0 {
			return ' ', 2
		}
	case 0xE2:
		if j+2 < len(t) && t[j+1] == 0x80 && (t[j+2] == 0xAF || t[j+2] == 0x89) {
			return ' ', 3
		}
	}
	return 0, 0
}

func (s *scanner) readNumber(i int, tk *numTok) {
	t := s.text
	n := len(t)
	tk.start = i
	j := i
	for {
		gl := 0
		for j < n {
			c := t[j]
			if isDigit(c) {
				if tk.nd < len(tk.d) {
					tk.d[tk.nd] = c
					tk.nd++
				} else {
					tk.overflow = true
				}
				j++
				gl++
				continue
			}
			if (c == 'A' || c == 'B' || c == 'a' || c == 'b') && !tk.letter && tk.nd == 6 && tk.d[5] == '2' && gl > 0 &&
				j+1 < n && (isDigit(t[j+1]) || t[j+1] == ' ') {
				tk.d[tk.nd] = c &^ 0x20
				tk.nd++
				tk.letter = true
				j++
				gl++
				continue
			}
			break
		}
		if tk.ng < len(tk.g) {
			tk.g[tk.ng] = uint8(min(gl, 255))
			tk.ng++
		} else {
			tk.overflow = true
		}
		if j >= n {
			break
		}
		sc, w := sepAt(t, j)
		if w == 0 || j+w >= n || !isDigit(t[j+w]) || tk.sep != 0 && sc != tk.sep {
			break
		}
		tk.sep = sc
		j += w
	}
	tk.end = j
}

// number reads the number at i and classifies it.
func (s *scanner) number(i int) int {
	t := s.text
	var tk numTok
	s.readNumber(i, &tk)
	if !s.boundaryBefore(i) {
		return skipAlnum(t, tk.end)
	}
	if s.masking && tk.ng == 1 && tk.nd <= 4 && !tk.overflow {
		if k := s.streetAddress(i, tk.end); k > 0 {
			return k
		}
	}
	if tk.ng == 1 && tk.nd <= 2 {
		if k, ok := s.textDate(&tk); ok {
			return k
		}
	}
	if !boundaryAfter(t, tk.end) {
		return skipAlnum(t, tk.end)
	}
	if !tk.overflow && !amount(t, tk.end) {
		s.classify(&tk)
	}
	return tk.end
}

func (s *scanner) classify(tk *numTok) {
	d := tk.digits()
	switch tk.sep {
	case '/':
		s.date(tk)
		return
	case '.':
		switch tk.ng {
		case 4:
			s.ip(tk)
		case 3:
			s.date(tk)
		case 5:
			s.phoneFR(tk)
		}
		return
	case '-':
		switch tk.ng {
		case 3:
			s.date(tk)
		case 5:
			s.phoneFR(tk)
		}
		return
	}
	if tk.letter {
		s.nir(tk)
		return
	}
	if tk.nd >= 11 && tk.nd <= 17 && d[0] == '0' && d[1] == '0' {
		s.international(tk, d[2:])
		return
	}
	switch tk.nd {
	case 5:
		if tk.ng == 1 {
			s.postcode(tk)
		}
	case 9:
		s.siren(tk)
	case 10:
		s.phoneFR(tk)
	case 14:
		if !s.siret(tk) {
			s.card(tk)
		}
	case 15:
		if !s.nir(tk) {
			s.card(tk)
		}
	case 13:
		if !s.masking || !s.nir(tk) {
			s.card(tk)
		}
	case 16, 17, 18, 19:
		s.card(tk)
	case 20:
		s.phonePairs(tk)
	}
}

// qualifies reports whether the words just before pos, or its label, let
// a number of some kind stand: a reference word ("commande n°", "dossier")
// makes it an order or file number unless a word of the kind (want) says
// otherwise.
func (s *scanner) qualifies(pos int, want uint16) (ctx uint16, ok bool) {
	ctx = s.beforeNear(pos) | s.labelCtx(pos)
	return ctx, ctx&want != 0 || ctx&(cRef|cSIREN) == 0
}

func (s *scanner) phoneFR(tk *numTok) {
	d := tk.digits()
	if len(d) != 10 || d[0] != '0' || d[1] == '0' {
		return
	}
	for _, g := range tk.groups() {
		if g > 4 && tk.ng > 1 {
			return
		}
	}
	s.at, s.to = tk.start, tk.end
	s.addPhone(tk.start, "33", d[1:])
}

// addPhone adds the phone +cc nat found at pos (cc "" when nat holds the
// country code).
func (s *scanner) addPhone(pos int, cc string, nat []byte) {
	ctx, ok := s.qualifies(pos, cPhone)
	if !ok && !s.masking {
		return
	}
	fr := cc == "33"
	org := ctx&cService != 0 || fr && nat[0] == '8'
	mobile := fr && (nat[0] == '6' || nat[0] == '7')
	off := s.begin(KindPhone)
	s.arena = append(append(append(s.arena, '+'), cc...), nat...)
	s.keep(off, KindPhone, org, mobile && !org)
}

// phonePairs reads two French numbers written one after the other.
func (s *scanner) phonePairs(tk *numTok) {
	if tk.ng != 10 {
		return
	}
	for _, g := range tk.groups() {
		if g != 2 {
			return
		}
	}
	d := tk.digits()
	if d[0] != '0' || d[10] != '0' || d[1] == '0' || d[11] == '0' {
		return
	}
	s.at, s.to = tk.start, tk.end
	s.addPhone(tk.start, "33", d[1:10])
	s.addPhone(tk.start, "33", d[11:20])
}

// plus reads an international number: "+33 6 12 34 56 78",
// "+33 (0)6 12 34 56 78", "+44 20 7946 0958".
func (s *scanner) plus(i int) int {
	t := s.text
	if i+1 >= len(t) || !isDigit(t[i+1]) || i > 0 && (isAlnum(t[i-1]) || t[i-1] == '+') {
		return i + 1
	}
	var tk numTok
	s.readNumber(i+1, &tk)
	if tk.ng == 1 && tk.nd <= 3 && !tk.overflow {
		// "+33 (0)6..." and "+33(0)6..."
		k := tk.end
		if k < len(t) && t[k] == ' ' {
			k++
		}
		if k+3 < len(t) && string(t[k:k+3]) == "(0)" {
			k += 3
			if k < len(t) && t[k] == ' ' {
				k++
			}
			if k < len(t) && isDigit(t[k]) {
				var rest numTok
				s.readNumber(k, &rest)
				for _, c := range rest.digits() {
					if tk.nd < len(tk.d) {
						tk.d[tk.nd] = c
						tk.nd++
					}
				}
				tk.overflow = tk.overflow || rest.overflow
				tk.end = rest.end
			}
		}
	}
	if tk.overflow || tk.sep == '/' || !boundaryAfter(t, tk.end) {
		return skipAlnum(t, tk.end)
	}
	tk.start = i
	s.international(&tk, tk.digits())
	return tk.end
}

// international adds the number whose digits after "+" or "00" are d.
func (s *scanner) international(tk *numTok, d []byte) {
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return
	}
	s.at, s.to = tk.start, tk.end
	if d[0] == '3' && d[1] == '3' {
		nat := d[2:]
		if len(nat) == 10 && nat[0] == '0' {
			nat = nat[1:]
		}
		if len(nat) != 9 || nat[0] == '0' {
			return
		}
		s.addPhone(tk.start, "33", nat)
		return
	}
	s.addPhone(tk.start, "", d)
}

func (s *scanner) nir(tk *numTok) bool {
	d := tk.digits()
	if !validNIR(d) {
		if s.masking && nirShape(tk) {
			s.at, s.to = tk.start, tk.end
			s.addValue(KindNIR, d, false, true)
			return true
		}
		return false
	}
	if _, ok := s.qualifies(tk.start, cNIR); ok || s.masking {
		s.at, s.to = tk.start, tk.end
		s.addValue(KindNIR, d, false, true)
	}
	return true
}

// nirShape reports whether a number is written as a NIR is, in groups of
// 1, 2, 2, 2, 3, 3 digits and maybe a key of 2: a NIR whose key is wrong
// or missing is still someone's.
func nirShape(tk *numTok) bool {
	g := tk.groups()
	if tk.sep != ' ' && tk.sep != '.' || len(g) != 6 && len(g) != 7 {
		return false
	}
	for k, want := range []uint8{1, 2, 2, 2, 3, 3, 2}[:len(g)] {
		if g[k] != want {
			return false
		}
	}
	d := tk.digits()
	month := num2(d[3:5])
	return (d[0] == '1' || d[0] == '2') && (month >= 1 && month <= 12 || month >= 20 && month <= 42 || month >= 50)
}

func (s *scanner) siren(tk *numTok) {
	d := tk.digits()
	if !validSIREN(d) || tk.ng != 1 && !(tk.ng == 3 && tk.g[0] == 3 && tk.g[1] == 3) {
		return
	}
	if (s.before(tk.start, far)|s.labelCtx(tk.start))&cSIREN != 0 {
		s.at, s.to = tk.start, tk.end
		s.addValue(KindSIREN, d, true, false)
	}
}

func (s *scanner) siret(tk *numTok) bool {
	d := tk.digits()
	if !validSIRET(d) {
		return false
	}
	g := tk.groups()
	grouped := len(g) == 4 && g[0] == 3 && g[1] == 3 && g[2] == 3 && g[3] == 5 || len(g) == 2 && g[0] == 9 && g[1] == 5
	if !grouped && (s.before(tk.start, far)|s.labelCtx(tk.start))&cSIREN == 0 {
		return false
	}
	s.at, s.to = tk.start, tk.end
	s.addValue(KindSIRET, d, true, false)
	return true
}

func (s *scanner) card(tk *numTok) {
	d := tk.digits()
	if d[0] == '0' || !luhn(d) || cardIssuer(d) == "" || (testCards[string(d)] || repetitive(d)) && !s.masking {
		return
	}
	g := tk.groups()
	switch {
	case len(g) == 1:
	case len(g) == 3 && g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4):
	default:
		for k, l := range g {
			if l != 4 && (k < len(g)-1 || l > 4) {
				return
			}
		}
	}
	ctx, ok := s.qualifies(tk.start, cCard)
	if !s.masking && (!ok || len(d) == 14 && !(len(g) == 3 && g[1] == 6) && ctx&cCard == 0) {
		return // 14 digits are a SIRET more often than a Diners card
	}
	s.at, s.to = tk.start, tk.end
	s.addValue(KindCard, d, false, true)
}

// iban reads an IBAN starting at i (two capital letters, two digits) and
// returns its end, or i when there is none.
func (s *scanner) iban(i int) int {
	t := s.text
	want := ibanLengths[string(t[i:i+2])]
	if want == 0 {
		return i
	}
	b := s.buf[:0]
	j := i
	for j < len(t) && len(b) < want {
		c := t[j]
		if isDigit(c) || isUpper(c) {
			b = append(b, c)
			j++
			continue
		}
		if sc, w := sepAt(t, j); sc == ' ' && len(b) >= 4 && j+w < len(t) && (isDigit(t[j+w]) || isUpper(t[j+w])) {
			j += w
			continue
		}
		break
	}
	s.buf = b
	if len(b) != want || j < len(t) && isAlnum(t[j]) || !validIBAN(b) || exampleIBANs[string(b)] && !s.masking {
		return i
	}
	s.at, s.to = i, j
	s.addValue(KindIBAN, b, false, true)
	return j
}

// birthContext reports whether the date at pos is introduced as a date
// of birth, by its label or the words before it.
func (s *scanner) birthContext(pos int) bool {
	return (s.labelCtx(pos)|s.before(pos, far))&cBirth != 0
}

// addBirth adds the date at [pos, end) when it is a date of birth; when
// masking, any date of the last hundred and twenty years is one, or may
// be.
func (s *scanner) addBirth(pos, end, year, month, day int) {
	if month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > s.year+1 {
		return
	}
	kind := KindBirth
	if year > s.year || !s.birthContext(pos) {
		if !s.masking {
			return
		}
		kind = KindDate
	}
	s.at, s.to = pos, end
	off := s.begin(kind)
	s.arena = strconv.AppendInt(s.arena, int64(year*10000+month*100+day), 10)
	s.keep(off, kind, false, true)
}

// date reads dd/mm/yyyy, yyyy-mm-dd, dd.mm.yy and the like.
func (s *scanner) date(tk *numTok) {
	if tk.ng != 3 {
		return
	}
	d := tk.digits()
	g := tk.groups()
	atoi := func(b []byte) int {
		n := 0
		for _, c := range b {
			n = n*10 + int(c-'0')
		}
		return n
	}
	a, b, c := atoi(d[:g[0]]), atoi(d[g[0]:g[0]+g[1]]), atoi(d[g[0]+g[1]:])
	var day, month, year int
	switch {
	case g[0] <= 2 && g[1] <= 2 && g[2] == 4:
		day, month, year = a, b, c
	case g[0] == 4 && g[1] <= 2 && g[2] <= 2:
		year, month, day = a, b, c
	case g[0] <= 2 && g[1] <= 2 && g[2] == 2:
		day, month, year = a, b, 2000+c
		if year > s.year {
			year -= 100
		}
	default:
		return
	}
	if month > 12 && day <= 12 {
		day, month = month, day // month first, as in the United States
	}
	s.addBirth(tk.start, tk.end, year, month, day)
}

// textDate reads "12 mars 1985", "1er janvier 1990" or "12th March 1985"
// from the day number in tk; ok is false when there is no such date.
func (s *scanner) textDate(tk *numTok) (int, bool) {
	t := s.text
	k := tk.end
	if k+2 < len(t) {
		switch string(t[k : k+2]) {
		case "er", "st", "nd", "rd", "th":
			k += 2
		}
	}
	if k >= len(t) {
		return 0, false
	}
	sc, w := sepAt(t, k)
	if sc != ' ' {
		return 0, false
	}
	k += w
	e := wordEnd(t, k)
	if e == k || e-k > 12 {
		return 0, false
	}
	s.buf = foldWord(s.buf[:0], t[k:e])
	month := months[string(s.buf)]
	if month == 0 {
		return 0, false
	}
	if e < len(t) && t[e] == '.' {
		e++
	}
	year, end, ok := s.year4(e)
	if !ok {
		return 0, false
	}
	day := int(tk.d[0] - '0')
	if tk.nd == 2 {
		day = day*10 + int(tk.d[1]-'0')
	}
	s.addBirth(tk.start, end, year, month, day)
	return end, true
}

// year4 reads a space and a four-digit year at k.
func (s *scanner) year4(k int) (year, end int, ok bool) {
	t := s.text
	if k >= len(t) {
		return 0, 0, false
	}
	_, w := sepAt(t, k)
	if w == 0 || t[k] != ' ' && w == 1 {
		return 0, 0, false
	}
	k += w
	if k+4 > len(t) || !isDigit(t[k]) || !isDigit(t[k+1]) || !isDigit(t[k+2]) || !isDigit(t[k+3]) || k+4 < len(t) && isAlnum(t[k+4]) {
		return 0, 0, false
	}
	y := int(t[k]-'0')*1000 + int(t[k+1]-'0')*100 + int(t[k+2]-'0')*10 + int(t[k+3]-'0')
	return y, k + 4, true
}

// monthFirst reads "March 12, 1985" from the month name at [i, j).
func (s *scanner) monthFirst(i, j, month int) {
	t := s.text
	k := j
	if k < len(t) && t[k] == '.' {
		k++
	}
	if k >= len(t) || t[k] != ' ' {
		return
	}
	k++
	day := 0
	for n := 0; k < len(t) && isDigit(t[k]) && n < 2; n++ {
		day = day*10 + int(t[k]-'0')
		k++
	}
	if day == 0 || k < len(t) && isDigit(t[k]) {
		return
	}
	if k+2 <= len(t) {
		switch string(t[k : k+2]) {
		case "st", "nd", "rd", "th":
			k += 2
		}
	}
	if k < len(t) && t[k] == ',' {
		k++
	}
	year, end, ok := s.year4(k)
	if !ok {
		return
	}
	s.addBirth(i, end, year, month, day)
}

// ip reads an IPv4 address, kept only when introduced as one.
func (s *scanner) ip(tk *numTok) {
	d := tk.digits()
	var parts [4]int
	off := 0
	for k, g := range tk.groups() {
		if g > 3 {
			return
		}
		for _, c := range d[off : off+int(g)] {
			parts[k] = parts[k]*10 + int(c-'0')
		}
		if parts[k] > 255 {
			return
		}
		off += int(g)
	}
	switch a, b := parts[0], parts[1]; {
	case a == 0 || a == 127 || a > 223, a == 10, a == 172 && b >= 16 && b < 32, a == 192 && b == 168, a == 169 && b == 254:
		return // unroutable or private: no one on the Internet
	}
	if !s.masking && (s.before(tk.start, far)|s.labelCtx(tk.start))&cIP == 0 {
		return
	}
	s.at, s.to = tk.start, tk.end
	off = s.begin(KindIP)
	for k, p := range parts {
		if k > 0 {
			s.arena = append(s.arena, '.')
		}
		s.arena = strconv.AppendInt(s.arena, int64(p), 10)
	}
	s.keep(off, KindIP, false, false)
}

// postcode reads a French postcode, kept only in an address: after a
// street word or under an address label.
func (s *scanner) postcode(tk *numTok) {
	d := tk.digits()
	dept := num2(d)
	if dept == 0 || dept == 96 || dept == 99 {
		return
	}
	start := s.windowStart(tk.start, far, true)
	if (s.classes(start, tk.start)&cStreet | s.labelCtx(tk.start)&(cAddress|cStreet)) == 0 {
		return
	}
	// The value is the street, the postcode and the town, folded.
	t := s.text
	e := tk.end
	if e < len(t) && t[e] == ' ' {
		e = wordEnd(t, e+1)
	}
	s.fold = foldText(s.fold[:0], t[start:tk.start])
	s.at, s.to = start, e
	off := s.begin(KindAddress)
	s.arena = append(append(append(s.arena, bytes.TrimSpace(s.fold)...), ' '), d...)
	s.arena = foldText(s.arena, t[tk.end:e])
	s.keep(off, KindAddress, false, false)
}
