// Package canary hands out the unmistakable values typed into a rendered
// page's personal fields and finds them again, plain, escaped, encoded or
// hashed, in the requests the page sends.
package canary

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"

	"vigie/pii"
)

// Value is one canary value handed out by a Set.
type Value struct {
	// Key identifies the field the value was typed into; Category is the
	// field's personal-data category (see package pii).
	Key      string `json:"key"`
	Category string `json:"category"`
	// Text is the value as typed.
	Text string `json:"text"`
	// Unique is the part of Text no other value of the Set shares (Text
	// itself for names, numbers and phones; the token of an e-mail
	// address, a phrase or a password). Search also looks for it alone,
	// so a value cut short by a script is still recognised. It may be
	// empty for values built by hand.
	Unique string `json:"unique,omitempty"`
}

// Set hands out the canary values of one page. Every value is distinct,
// plausible enough to pass the usual client-side validation, and made of
// data no real person has: e-mail addresses under the reserved .invalid
// top-level domain, telephone numbers in the ranges the French numbering
// plan keeps for fiction, invented surnames, random tokens. A Set is safe
// for concurrent use.
type Set struct {
	mu     sync.Mutex
	rng    *rand.Rand
	values []Value
	byKey  map[string]int
	used   map[string]bool // lower-cased texts and unique parts handed out
}

// NewSet returns a Set whose values derive from seed alone: the same seed
// gives the same values for the same calls. Vigie seeds it from
// crypto/rand for each page, so values never repeat from page to page.
func NewSet(seed []byte) *Set {
	return &Set{
		rng:   rand.New(rand.NewChaCha8(sha256.Sum256(seed))),
		byKey: map[string]int{},
		used:  map[string]bool{},
	}
}

// Values returns the values handed out so far, in the order they were.
func (s *Set) Values() []Value {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Value(nil), s.values...)
}

// For returns the value to type into the field identified by key, whose
// personal-data category is category (see package pii) and whose input
// type is inputType (the HTML type attribute, or an autocomplete token
// such as "postal-code" or "bday"). Asking again for a key returns the
// value already handed out for it.
//
// The category chooses the kind of value and the input type refines it:
// type email gives an address such as vigie-k2m7qxpa@canary.invalid, tel a
// French number in a fiction range (01 99 00 xx xx, 06 39 98 xx xx), date
// an ISO date, number a run of digits, password a token with letters,
// digits and a dash. A text field of an identity gets an invented surname,
// a message a short phrase carrying a token. Words of the field's name,
// read from the last part of key (after its last '/', '#' or '|'),
// refine text fields further: "code postal" gives a postcode, "ville" a
// town, "adresse" a street address, "courriel" an e-mail address.
//
// Postcodes are 5 digits, too short to be unmistakable in clear: Search
// looks for them only hashed (advertising pixels hash postcodes).
func (s *Set) For(key, category, inputType string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.byKey[key]; ok {
		return s.values[i].Text
	}
	k := kindFor(category, inputType, fieldWords(key, inputType))
	var text, unique string
	for attempt := 0; ; attempt++ {
		text, unique = s.generate(k, attempt)
		if s.fresh(text, unique) {
			break
		}
	}
	s.used[strings.ToLower(text)] = true
	s.used[strings.ToLower(unique)] = true
	s.byKey[key] = len(s.values)
	s.values = append(s.values, Value{Key: key, Category: category, Text: text, Unique: unique})
	return text
}

// fresh reports whether a candidate value shares nothing with the values
// already handed out: neither its text nor its unique part repeats, and
// neither unique part contains the other value's.
func (s *Set) fresh(text, unique string) bool {
	lt, lu := strings.ToLower(text), strings.ToLower(unique)
	if s.used[lt] || s.used[lu] {
		return false
	}
	for _, v := range s.values {
		ou := strings.ToLower(v.Unique)
		if (len(ou) >= minClear && strings.Contains(lt, ou)) ||
			(len(lu) >= minClear && strings.Contains(strings.ToLower(v.Text), lu)) {
			return false
		}
	}
	return true
}

// kind is the shape of a canary value.
type kind int

const (
	kindName kind = iota
	kindEmail
	kindPhone
	kindPostcode
	kindTown
	kindAddress
	kindISODate
	kindFrenchDate
	kindMonth
	kindDateTime
	kindDigits
	kindPassword
	kindPhrase
	kindURL
)

// fieldWords returns the normalised words of the field's name (the last
// part of key) and of inputType.
func fieldWords(key, inputType string) map[string]bool {
	name := key
	if i := strings.LastIndexAny(key, "/#|"); i >= 0 {
		name = key[i+1:]
	}
	w := map[string]bool{}
	for _, x := range strings.Fields(pii.Normalise(name + " " + inputType)) {
		w[x] = true
	}
	return w
}

func hasAny(w map[string]bool, words ...string) bool {
	for _, x := range words {
		if w[x] {
			return true
		}
	}
	return false
}

// kindFor chooses the shape of the value for a field.
func kindFor(category, inputType string, w map[string]bool) kind {
	switch strings.ToLower(strings.TrimSpace(inputType)) {
	case "email":
		return kindEmail
	case "tel":
		return kindPhone
	case "date":
		return kindISODate
	case "month":
		return kindMonth
	case "datetime-local":
		return kindDateTime
	case "number":
		if hasAny(w, "postal", "postcode", "zip", "zipcode", "cp") {
			return kindPostcode
		}
		return kindDigits
	case "password":
		return kindPassword
	case "url":
		return kindURL
	case "textarea":
		return kindPhrase
	}
	switch {
	case hasAny(w, "email", "mail", "courriel", "mel"):
		return kindEmail
	case hasAny(w, "tel", "telephone", "phone", "mobile", "portable", "gsm", "fax"):
		return kindPhone
	case hasAny(w, "postal", "postcode", "zip", "zipcode", "cp"):
		return kindPostcode
	case hasAny(w, "bday", "dob") || (category == pii.Birth && !hasAny(w, "lieu", "place", "ville", "commune", "city", "pays", "country")):
		return kindFrenchDate
	case hasAny(w, "ville", "city", "commune", "localite", "town", "lieu", "place", "level"):
		return kindTown
	case hasAny(w, "adresse", "address", "rue", "street", "voie", "line"):
		return kindAddress
	}
	switch category {
	case pii.Identity:
		return kindName
	case pii.Contact:
		return kindAddress
	case pii.Location:
		return kindTown
	case pii.NationalID, pii.Financial:
		return kindDigits
	case pii.Credentials:
		return kindPassword
	}
	return kindPhrase
}

const (
	base32Lower = "abcdefghijklmnopqrstuvwxyz234567"
	consonants  = "bdfgklmnprstvz"
	vowels      = "aeiou"
)

// generate draws a candidate value of kind k and its unique part. attempt
// counts the candidates already refused, so that a kind with few values
// (telephone numbers) moves on to a wider shape instead of looping.
func (s *Set) generate(k kind, attempt int) (text, unique string) {
	r := s.rng
	switch k {
	case kindEmail:
		tok := s.token(base32Lower, 8)
		return "vigie-" + tok + "@canary.invalid", tok
	case kindPhone:
		if attempt < 64 {
			// ARCEP keeps these blocks for fiction: never assigned.
			prefix := [...]string{"0199", "0639"}[r.IntN(2)]
			block := map[string]string{"0199": "00", "0639": "98"}[prefix]
			t := fmt.Sprintf("%s%s%04d", prefix, block, r.IntN(10000))
			return t, t
		}
		// Both fiction ranges are crowded: a clearly fake number whose
		// last eight digits are random.
		t := fmt.Sprintf("+3369%09d", r.IntN(1_000_000_000))
		return t, t
	case kindPostcode:
		// A plausible metropolitan département (01-95) and three digits.
		t := fmt.Sprintf("%02d%03d", 1+r.IntN(95), r.IntN(1000))
		if attempt >= 64 {
			t = fmt.Sprintf("%05d", r.IntN(100000))
		}
		return t, t
	case kindName, kindTown:
		t := s.surname(4 + attempt/32)
		return t, t
	case kindAddress:
		name := s.surname(4 + attempt/32)
		return fmt.Sprintf("%d rue %s", 1+r.IntN(98), name), name
	case kindISODate, kindFrenchDate, kindMonth, kindDateTime:
		y, m, d := 1930+r.IntN(70), 1+r.IntN(12), 1+r.IntN(28)
		if attempt >= 64 {
			y = 1000 + r.IntN(9000) // the usual years are crowded
		}
		var t string
		switch k {
		case kindISODate:
			t = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		case kindFrenchDate:
			t = fmt.Sprintf("%02d/%02d/%04d", d, m, y)
		case kindMonth:
			y = 1000 + r.IntN(9000) // a month alone has too few values to be unique otherwise
			t = fmt.Sprintf("%04d-%02d", y, m)
		default:
			t = fmt.Sprintf("%04d-%02d-%02dT%02d:%02d", y, m, d, r.IntN(24), r.IntN(60))
		}
		return t, t
	case kindDigits:
		t := fmt.Sprintf("%d%s", 1+r.IntN(9), s.token("0123456789", 9+attempt/32))
		return t, t
	case kindPassword:
		tok := s.token(base32Lower, 10)
		return "Vigie-" + tok + "-7Q", tok
	case kindURL:
		tok := s.token(base32Lower, 8)
		return "https://vigie-" + tok + ".invalid/", tok
	}
	tok := s.token(base32Lower, 8)
	return "Test Vigie " + tok + " - merci d'ignorer ce message.", tok
}

// token draws n characters of alphabet.
func (s *Set) token(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// surname invents a capitalised name of syllables consonant-vowel,
// pronounceable so that name validators accept it, and found in no
// directory of real names by construction of its length and randomness.
func (s *Set) surname(syllables int) string {
	b := make([]byte, 0, 2*syllables)
	for range syllables {
		b = append(b, consonants[s.rng.IntN(len(consonants))], vowels[s.rng.IntN(len(vowels))])
	}
	b[0] -= 'a' - 'A'
	return string(b)
}
