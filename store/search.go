package store

import (
	"strings"
	"unicode"

	"vigie/finding"
)

// SearchText returns the words full-text search finds f by: those of what
// the dashboard shows of it (check, title, site, URL, location,
// organisation), never its detail or evidence, folded by SearchWords.
// Findings hold personal data masked already; nothing else is indexed.
func SearchText(f *finding.Finding) string {
	return strings.Join(SearchWords(strings.Join([]string{f.Check, f.Title, f.Site, f.URL, f.Location, f.Organisation}, " ")), " ")
}

// SearchWords splits s into the words full-text search compares: runs of
// letters and digits, lower case, accents removed ("Sécurité" and
// "securite" are the same word), so that both back ends' indexes (SQLite
// FTS5, PostgreSQL tsvector with the 'simple' configuration) see the same
// plain words and a query folds the same way.
func SearchWords(s string) []string {
	var (
		out []string
		b   strings.Builder
	)
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if !unicode.Is(unicode.Mn, r) { // a combining accent stays inside its word
				flush()
			}
			continue
		}
		b.WriteString(fold(unicode.ToLower(r)))
	}
	flush()
	return out
}

// fold removes the accent of a Latin letter (the French ones and their
// neighbours in Latin-1 and Latin Extended-A) and spells out ligatures.
func fold(r rune) string {
	if r < 0xdf {
		return string(r)
	}
	if s, ok := folds[r]; ok {
		return s
	}
	return string(r)
}

var folds = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ð': "d", 'þ': "th", 'ł': "l", 'đ': "d", 'ħ': "h", 'ı': "i"}
	for base, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥ",
		"i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀ", "n": "ñńņňŉ", "o": "òóôõöōŏő",
		"r": "ŕŗř", "s": "śŝşš", "t": "ţťŧ", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
