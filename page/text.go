package page

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxText is the length in runes kept of a label, an aria text or a
// placeholder.
const maxText = 200

// maxTitle is the length in runes kept of the page title.
const maxTitle = 1000

// textSink accumulates the text of an element with its white space
// collapsed, up to a number of runes; what comes after is dropped cheaply.
type textSink struct {
	b     []byte
	runes int
	limit int
	space bool // a space is pending before the next visible rune
	// gen is the select element the sink was opened in (0: none): text
	// inside a select (option labels) only reaches sinks opened there.
	gen int
}

func (s *textSink) full() bool { return s.runes >= s.limit }

func (s *textSink) write(t []byte) {
	for i := 0; i < len(t) && s.runes < s.limit; {
		r, n := rune(t[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(t[i:])
		}
		i += n
		if isSpace(r) {
			s.space = len(s.b) > 0
			continue
		}
		if s.space {
			s.b = append(s.b, ' ')
			s.runes++
			s.space = false
			if s.runes >= s.limit {
				break
			}
		}
		if r == utf8.RuneError && n == 1 {
			s.b = append(s.b, "\uFFFD"...)
		} else {
			s.b = append(s.b, t[i-n:i]...)
		}
		s.runes++
	}
}

// writeString writes an attribute value or another sink's text.
func (s *textSink) writeString(t string) { s.write([]byte(t)) }

func (s *textSink) String() string { return strings.TrimRight(string(s.b), " ") }

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || '\t' <= r && r <= '\r' // \t \n \v \f \r
	}
	return unicode.IsSpace(r)
}

// clean collapses the white space of an attribute value and caps it.
func clean(v string, limit int) string {
	if v == "" {
		return ""
	}
	s := textSink{limit: limit}
	s.writeString(v)
	return s.String()
}

// valid returns v with invalid UTF-8 replaced, so that JSON records round-trip.
func valid(v string) string {
	if utf8.ValidString(v) {
		return v
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

// lowerASCII lower-cases the ASCII letters of v, as HTML does for
// enumerated attribute values.
func lowerASCII(v string) string {
	for i := 0; i < len(v); i++ {
		if c := v[i]; 'A' <= c && c <= 'Z' {
			b := []byte(v)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return v
}
