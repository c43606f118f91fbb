package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalise turns an attribute value or label text into lower-case,
// accent-free words separated by single spaces: camelCase, snake_case,
// kebab-case, brackets, punctuation and letter/digit boundaries all split
// words. Normalise("txtNomUsager") is "txt nom usager",
// Normalise("tx_powermail_pi1[field][prénom]") is "tx powermail pi 1 field prenom".
func Normalise(s string) string {
	return strings.Join(words(s, nil), " ")
}

// words appends the normalised words of s to dst.
func words(s string, dst []string) []string {
	var (
		cur  []byte // current word, already folded
		prev = runeSep
	)
	flush := func() {
		if len(cur) > 0 {
			dst = append(dst, string(cur))
			cur = cur[:0]
		}
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		k := runeKind(r)
		switch k {
		case runeMark:
			continue // combining accent of a decomposed letter
		case runeSep:
			flush()
			prev = runeSep
			continue
		case runeUpper:
			switch prev {
			case runeLower, runeDigit:
				flush()
			case runeUpper:
				// End of an acronym: "HTMLParser" splits before "P".
				if i < len(s) {
					next, _ := utf8.DecodeRuneInString(s[i:])
					if runeKind(next) == runeLower {
						flush()
					}
				}
			}
		case runeLower:
			if prev == runeDigit {
				flush()
			}
		case runeDigit:
			if prev == runeUpper || prev == runeLower {
				flush()
			}
		}
		prev = k
		cur = appendFolded(cur, r)
	}
	flush()
	return dst
}

const (
	runeSep = iota
	runeUpper
	runeLower // or a letter without case
	runeDigit
	runeMark
)

func runeKind(r rune) int {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z':
			return runeLower
		case 'A' <= r && r <= 'Z':
			return runeUpper
		case '0' <= r && r <= '9':
			return runeDigit
		}
		return runeSep
	case unicode.Is(unicode.Mn, r):
		return runeMark
	case unicode.Is(unicode.Lm, r):
		return runeSep // e.g. U+02BC, an apostrophe
	case unicode.IsUpper(r) || unicode.IsTitle(r):
		return runeUpper
	case unicode.IsLetter(r):
		return runeLower
	case unicode.IsDigit(r):
		return runeDigit
	}
	return runeSep
}

// appendFolded appends r lower-cased and without its accent.
func appendFolded(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	}
	r = unicode.ToLower(r)
	switch r {
	case 'ß':
		return append(b, "ss"...)
	case 'º': // "nº"
		return append(b, 'o')
	case 'ª':
		return append(b, 'a')
	}
	if r >= foldFirst && int(r-foldFirst) < len(foldTable) {
		if f := foldTable[r-foldFirst]; f != "" {
			return append(b, f...)
		}
	}
	return utf8.AppendRune(b, r)
}

// foldTable maps the lower-case letters of Latin-1 and Latin Extended-A
// (U+00E0 to U+017F) to their unaccented spelling; "" keeps the letter.
const foldFirst = 0xE0

var foldTable = [...]string{
	// U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	// U+00F0 ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	// U+0100 Āā Ăă Ąą Ćć Ĉĉ Ċċ Čč Ďď
	"a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	// U+0110 Đđ Ēē Ĕĕ Ėė Ęę Ěě Ĝĝ Ğğ
	"d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	// U+0120 Ġġ Ģģ Ĥĥ Ħħ Ĩĩ Īī Ĭĭ Įį
	"g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	// U+0130 İı Ĳĳ Ĵĵ Ķķ ĸ Ĺĺ Ļļ Ľľ Ŀ
	"i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	// U+0140 ŀ Łł Ńń Ņņ Ňň ŉ Ŋŋ Ōō Ŏŏ
	"l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	// U+0150 Őő Œœ Ŕŕ Ŗŗ Řř Śś Ŝŝ Şş
	"o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	// U+0160 Šš Ţţ Ťť Ŧŧ Ũũ Ūū Ŭŭ Ůů
	"s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	// U+0170 Űű Ųų Ŵŵ Ŷŷ Ÿ Źź Żż Žž ſ
	"u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
}
