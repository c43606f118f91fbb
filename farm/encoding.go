package farm

import (
	"strconv"
	"unicode/utf8"
)

// charset is the character encoding a host serves its pages in, and where
// it declares it.
type charset int

const (
	// utf8Header: UTF-8, declared in the Content-Type header.
	utf8Header charset = iota
	// latin1Header: ISO-8859-1, declared in the Content-Type header only.
	latin1Header
	// cp1252Meta: windows-1252, declared only by a <meta http-equiv> tag;
	// the Content-Type header carries no charset.
	cp1252Meta
)

func (c charset) contentType() string {
	switch c {
	case latin1Header:
		return "text/html; charset=ISO-8859-1"
	case cp1252Meta:
		return "text/html"
	}
	return "text/html; charset=utf-8"
}

// meta is the charset a page declares in its <meta> tag, "" for none.
func (c charset) meta() string {
	if c == cp1252Meta {
		return "windows-1252"
	}
	return ""
}

// cp1252High maps the bytes 0x80-0x9F of windows-1252 to Unicode; the
// other bytes are the same as ISO-8859-1. Zero marks an unassigned byte.
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// encode converts UTF-8 text to the host's charset. Characters the charset
// cannot represent become numeric character references, as old content
// management systems wrote them.
func (c charset) encode(b []byte) []byte {
	if c == utf8Header {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r < 0x80:
			out = append(out, byte(r))
			continue
		case r <= 0xFF && (r >= 0xA0 || c == latin1Header):
			out = append(out, byte(r))
			continue
		case c == cp1252Meta:
			if i := cp1252Index(r); i >= 0 {
				out = append(out, byte(0x80+i))
				continue
			}
		}
		out = append(out, "&#"...)
		out = strconv.AppendInt(out, int64(r), 10)
		out = append(out, ';')
	}
	return out
}

func cp1252Index(r rune) int {
	for i, x := range cp1252High {
		if x == r && x != 0 {
			return i
		}
	}
	return -1
}
