package evidence

import (
	"bytes"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"vigie/fetch"
)

// Mask is one stretch of captured bytes replaced before storage.
type Mask struct {
	// Kind names what was masked: "email", "phone", "nir" (French social
	// security number), "iban", "card", or "withheld" for a whole body the
	// redactor cannot inspect.
	Kind string `json:"kind"`
	// Offset and Length locate the masked bytes in the original.
	Offset int `json:"offset"`
	Length int `json:"length"`
}

// Redactor returns body with the personal data it finds masked, and where
// it masked. contentType is the Content-Type header value of the body. It
// must not modify body.
type Redactor func(body []byte, contentType string) (masked []byte, masks []Mask)

// RedactorName identifies MaskPersonalData in evidence metadata.
const RedactorName = "vigie/evidence pattern masking v1 (email, phone, nir, iban, card, date, ipv4; non-text bodies withheld)"

// MaskPersonalData is the default Redactor. In text bodies (HTML, XML,
// JSON, JavaScript, CSV, plain text; any ASCII-compatible charset) it
// masks what MaskIdentifiers masks, and also day-first dates (14/02/2016,
// 14.02.2016: birth dates cannot be told from others without context)
// and IPv4 addresses (those of visitors are personal data), each replaced
// by "[masked:KIND]". Bodies it cannot read as text (images, PDF, office
// documents, archives, UTF-16 text) are withheld whole: what they hold
// cannot be checked, so it is not stored.
func MaskPersonalData(body []byte, contentType string) ([]byte, []Mask) {
	if len(body) == 0 {
		return body, nil
	}
	if !readableText(body, contentType) {
		return nil, []Mask{{Kind: "withheld", Offset: 0, Length: len(body)}}
	}
	masks := findPersonalData(body, true)
	if len(masks) == 0 {
		return body, nil
	}
	return applyMasks(body, masks), masks
}

// MaskIdentifiers masks, in any text, the identifiers of people: e-mail
// addresses (also with the "@" written &#64; or %40), French and
// international phone numbers, French social security numbers (NIR),
// IBANs and payment card numbers. Archives apply it to what is not a
// body (URLs, header fields, error messages), where dates and IP
// addresses are those of servers.
func MaskIdentifiers(text []byte) ([]byte, []Mask) {
	masks := findPersonalData(text, false)
	if len(masks) == 0 {
		return text, nil
	}
	return applyMasks(text, masks), masks
}

// readableText reports whether body is text the patterns can scan.
func readableText(body []byte, contentType string) bool {
	typ, params, err := mime.ParseMediaType(contentType)
	if err != nil || typ == "" {
		typ, params, _ = mime.ParseMediaType(http.DetectContentType(body))
	}
	if cs := strings.ToLower(params["charset"]); strings.HasPrefix(cs, "utf-16") || strings.HasPrefix(cs, "utf-32") {
		return false
	}
	if bytes.HasPrefix(body, []byte{0xFE, 0xFF}) || bytes.HasPrefix(body, []byte{0xFF, 0xFE}) {
		return false
	}
	return fetch.IsText(strings.ToLower(typ))
}

var (
	// The "@" may be written as an HTML character reference or
	// percent-encoded, as pages do to hide addresses from harvesters.
	emailPattern = regexp.MustCompile(`(?i)[a-z0-9][a-z0-9._%+\-]*(?:@|&#0*64;|&#x0*40;|%40)[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,24}`)
	// Separators between digit groups: space, dot, hyphen, no-break
	// spaces (raw or as references).
	phonePattern     = regexp.MustCompile(`(?:(?:\+|00)33[ .\-\x{00A0}\x{202F}]?(?:\(0\)[ .\-\x{00A0}\x{202F}]?)?[1-9]|\b0[1-9])(?:(?:[ .\-\x{00A0}\x{202F}]|&nbsp;|&#160;)?[0-9]{2}){4}`)
	intlPhonePattern = regexp.MustCompile(`\+[1-9][0-9]{0,2}(?:(?:[ .\-\x{00A0}]|&nbsp;)?\(?[0-9]{1,4}\)?){2,6}`)
	nirPattern       = regexp.MustCompile(`(?i)\b[1-478][ .]?[0-9]{2}[ .]?[0-9]{2}[ .]?(?:[0-9]{2}|2[ab])[ .]?[0-9]{3}[ .]?[0-9]{3}(?:[ .]?[0-9]{2})?`)
	ibanPattern      = regexp.MustCompile(`(?i)\b[a-z]{2}[0-9]{2}(?:[ ]?[a-z0-9]{4}){2,7}(?:[ ]?[a-z0-9]{1,4})?`)
	cardPattern      = regexp.MustCompile(`\b[0-9]{4}(?:[ \-]?[0-9]{4}){2,3}[0-9]{0,3}`)
	datePattern      = regexp.MustCompile(`[0-3]?[0-9](?:/[01]?[0-9]/|\.[01]?[0-9]\.|-[01]?[0-9]-)(?:19|20)[0-9]{2}`)
	ipv4Pattern      = regexp.MustCompile(`(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}`)
)

// Bytes the identifiers are made of, and "_" so that \b means within a
// run what it means in the body. A match never contains any other byte,
// so the patterns need only run over the maximal runs of these bytes that
// can hold one: a single pass over the body instead of one per pattern,
// which keeps masking cheap next to fetching.
var (
	emailBytes  = byteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-@&#;")
	numberBytes = byteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .-+()&#;\xc2\xa0\xe2\x80\xaf")
	dateIPBytes = byteSet("0123456789./-")
)

func byteSet(s string) *[256]bool {
	var set [256]bool
	for i := 0; i < len(s); i++ {
		set[s[i]] = true
	}
	return &set
}

// runs calls fn with the bounds of each maximal run of bytes of set.
func runs(b []byte, set *[256]bool, fn func(lo, hi int)) {
	for i := 0; i < len(b); {
		if !set[b[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(b) && set[b[j]] {
			j++
		}
		fn(i, j)
		i = j
	}
}

// findPersonalData returns the non-overlapping identifiers of body, with
// dates and IPv4 addresses when datesAndIPs, sorted by offset.
func findPersonalData(body []byte, datesAndIPs bool) []Mask {
	var found []Mask
	add := func(kind string, re *regexp.Regexp, keep func(m []byte) bool, lo, hi int) {
		for _, loc := range re.FindAllIndex(body[lo:hi], -1) {
			start, end := lo+loc[0], lo+loc[1]
			if start > 0 && isDigit(body[start-1]) || end < len(body) && isDigit(body[end]) {
				continue // part of a longer number
			}
			if keep == nil || keep(body[start:end]) {
				found = append(found, Mask{Kind: kind, Offset: start, Length: end - start})
			}
		}
	}
	runs(body, emailBytes, func(lo, hi int) {
		if hasAt(body[lo:hi]) {
			add("email", emailPattern, nil, lo, hi)
		}
	})
	runs(body, numberBytes, func(lo, hi int) {
		if countDigits(body[lo:hi]) < 8 { // the shortest identifier
			return
		}
		add("nir", nirPattern, plausibleNIR, lo, hi)
		add("iban", ibanPattern, plausibleIBAN, lo, hi)
		add("card", cardPattern, luhnValid, lo, hi)
		add("phone", phonePattern, nil, lo, hi)
		add("phone", intlPhonePattern, func(m []byte) bool { n := countDigits(m); return n >= 8 && n <= 15 }, lo, hi)
	})
	if datesAndIPs {
		runs(body, dateIPBytes, func(lo, hi int) {
			if countDigits(body[lo:hi]) < 4 {
				return
			}
			add("date", datePattern, plausibleDate, lo, hi)
			add("ipv4", ipv4Pattern, nil, lo, hi)
		})
	}
	if len(found) == 0 {
		return nil
	}
	// Earliest first; at the same offset, the longest.
	sort.Slice(found, func(i, j int) bool {
		if found[i].Offset != found[j].Offset {
			return found[i].Offset < found[j].Offset
		}
		return found[i].Length > found[j].Length
	})
	out := found[:0]
	end := -1
	for _, m := range found {
		if m.Offset < end {
			continue
		}
		out = append(out, m)
		end = m.Offset + m.Length
	}
	return out
}

func hasAt(b []byte) bool {
	return bytes.IndexByte(b, '@') >= 0 || bytes.Contains(b, []byte("%40")) || bytes.Contains(b, []byte("&#"))
}

// applyMasks replaces each mask's bytes with "[masked:KIND]".
func applyMasks(body []byte, masks []Mask) []byte {
	out := make([]byte, 0, len(body))
	last := 0
	for _, m := range masks {
		out = append(out, body[last:m.Offset]...)
		out = append(out, "[masked:"+m.Kind+"]"...)
		last = m.Offset + m.Length
	}
	return append(out, body[last:]...)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func countDigits(b []byte) int {
	n := 0
	for _, c := range b {
		if isDigit(c) {
			n++
		}
	}
	return n
}

// compact returns the letters and digits of b, upper-cased.
func compact(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case isDigit(c), c >= 'A' && c <= 'Z':
			out = append(out, c)
		case c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
		}
	}
	return out
}

// plausibleNIR accepts a NIR with its key (15 characters) when the key
// checks out or the number is written in groups, and one without key (13
// characters) only when written in groups, so that bare 13-digit numbers
// (timestamps in milliseconds) are left alone.
func plausibleNIR(m []byte) bool {
	c := compact(m)
	grouped := len(c) != len(m)
	month := int(c[3]-'0')*10 + int(c[4]-'0')
	if month == 0 || month > 12 && month < 20 || month > 42 && month < 50 {
		return false
	}
	switch len(c) {
	case 13:
		return grouped
	case 15:
		return grouped || nirKeyValid(c)
	}
	return false
}

// nirKeyValid checks the key of a 15-character NIR: 97 minus the number
// modulo 97, Corsican departments 2A and 2B counting as 19 and 18.
func nirKeyValid(c []byte) bool {
	num := string(c[:13])
	num = strings.Replace(strings.Replace(num, "2A", "19", 1), "2B", "18", 1)
	var n uint64
	for i := 0; i < len(num); i++ {
		if !isDigit(num[i]) {
			return false
		}
		n = n*10 + uint64(num[i]-'0')
	}
	key := int(c[13]-'0')*10 + int(c[14]-'0')
	return key == int(97-n%97)
}

// ibanLengths are the IBAN lengths of the countries Vigie's users meet
// most, to accept an IBAN whose check digits were garbled.
var ibanLengths = map[string]int{
	"FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20,
	"CH": 21, "NL": 18, "GB": 22, "PT": 25, "AT": 20, "IE": 22,
}

func plausibleIBAN(m []byte) bool {
	c := compact(m)
	if len(c) < 15 || len(c) > 34 || countDigits(c) < 8 {
		return false
	}
	if n, ok := ibanLengths[string(c[:2])]; ok && n == len(c) {
		return true
	}
	// ISO 13616 check: the rearranged number modulo 97 is 1.
	r := append(append([]byte{}, c[4:]...), c[:4]...)
	mod := 0
	for _, ch := range r {
		if isDigit(ch) {
			mod = (mod*10 + int(ch-'0')) % 97
		} else {
			mod = (mod*100 + int(ch-'A'+10)) % 97
		}
	}
	return mod == 1
}

// plausibleDate accepts a day from 1 to 31 and a month from 1 to 12.
func plausibleDate(m []byte) bool {
	parts := bytes.Split(m, m[bytes.IndexAny(m, "/.-"):][:1])
	d, mo := atoi(parts[0]), atoi(parts[1])
	return d >= 1 && d <= 31 && mo >= 1 && mo <= 12
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

func luhnValid(m []byte) bool {
	c := compact(m)
	if len(c) < 13 || len(c) > 19 {
		return false
	}
	sum := 0
	for i := len(c) - 1; i >= 0; i-- {
		d := int(c[i] - '0')
		if (len(c)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
