package detect

import (
	"bytes"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"vigie/observation"
	"vigie/pii"
)

// Kinds of values the detectors find. Special-category keywords have the
// kind of their category (pii.Health, pii.Political...).
const (
	KindEmail   = "email"
	KindPhone   = "phone"
	KindNIR     = "nir"
	KindIBAN    = "iban"
	KindCard    = "card"
	KindBirth   = "birth"
	KindAddress = "address"
	KindIP      = "ip"
	// SIREN and SIRET identify organisations; they are counted in
	// PersonalData.Organisation, never as personal data.
	KindSIREN = "siren"
	KindSIRET = "siret"
)

// Category returns the personal-data category of a kind.
func Category(kind string) string {
	switch kind {
	case KindEmail, KindPhone, KindAddress:
		return pii.Contact
	case KindNIR:
		return pii.NationalID
	case KindIBAN, KindCard:
		return pii.Financial
	case KindBirth, KindDate:
		return pii.Birth
	case KindName:
		return pii.Identity
	case KindIP:
		return pii.OtherPersonal
	case KindSIREN, KindSIRET:
		return CategoryOrganisation
	}
	return kind
}

// CategoryOrganisation is the category of organisation identifiers.
const CategoryOrganisation = "organisation"

// DefaultMaxSamples bounds PersonalData.Samples when Options.MaxSamples
// is 0.
const DefaultMaxSamples = 20

// maxSamplesPerKind keeps one kind from crowding the others out.
const maxSamplesPerKind = 5

// Options configure Scan.
type Options struct {
	// Salt is mixed into every hash; give one per scan and keep it out of
	// the results. Without a salt, matches carry no hash.
	Salt []byte
	// OwnDomains are the organisation's registrable domains (e.g.
	// "mairie-x.fr"): addresses there are its contact points.
	OwnDomains []string
	// MaxSamples bounds the masked samples kept (default 20).
	MaxSamples int
}

// Format is how a body is read.
type Format int

// Formats of bodies.
const (
	FormatNone Format = iota // not text: nothing to scan
	FormatText
	FormatHTML
	FormatXML
	FormatJSON
	FormatCSV
)

// FormatOf returns how to read a body of the given media type (parameters
// allowed); an empty, unknown or generic binary type is sniffed from the
// body.
func FormatOf(contentType string, body []byte) Format {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(ct[:i])
	}
	switch {
	case ct == "text/html" || ct == "application/xhtml+xml":
		return FormatHTML
	case ct == "application/json" || ct == "text/json" || strings.HasSuffix(ct, "+json") || ct == "application/x-ndjson":
		return FormatJSON
	case ct == "text/csv" || ct == "application/csv" || ct == "text/comma-separated-values" ||
		ct == "text/tab-separated-values" || ct == "application/vnd.ms-excel" && looksText(body):
		return FormatCSV
	case ct == "text/xml" || ct == "application/xml" || strings.HasSuffix(ct, "+xml"):
		return FormatXML
	case ct == "text/css" || strings.Contains(ct, "javascript") || strings.Contains(ct, "ecmascript"):
		return FormatNone // code: numbers galore, no one's data
	case strings.HasPrefix(ct, "text/"), ct == "application/sql", ct == "application/x-sql":
		return FormatText
	case strings.HasPrefix(ct, "image/"), strings.HasPrefix(ct, "audio/"), strings.HasPrefix(ct, "video/"),
		strings.HasPrefix(ct, "font/"), ct == "application/pdf", ct == "application/zip":
		return FormatNone
	}
	if !looksText(body) {
		return FormatNone
	}
	b := bytes.TrimLeft(body[:min(len(body), 512)], " \t\r\n\ufeff")
	switch {
	case len(b) == 0:
		return FormatText
	case b[0] == '{' || b[0] == '[':
		return FormatJSON
	case bytes.HasPrefix(b, []byte("<?xml")):
		return FormatXML
	case b[0] == '<':
		return FormatHTML
	}
	return FormatText
}

// looksText reports whether the start of body is text: valid UTF-8 (but
// for a character cut at the end) without NUL bytes.
func looksText(body []byte) bool {
	b := body[:min(len(body), 1024)]
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 && len(b) > 3 {
			return false
		}
		b = b[n:]
	}
	return true
}

var scanners = sync.Pool{New: func() any { return newScanner() }}

// Scan summarises the personal data that body, of the given media type,
// shows. HTML is read for its visible text (and mailto: and tel: links),
// JSON, CSV and XML for their values. The result is nil when the body is
// not text or shows nothing the detectors know; a body showing only the
// organisation's own data (its SIRET, contact@ addresses, service lines)
// gives a summary whose Has method reports false.
func Scan(body []byte, contentType string, o Options) *observation.PersonalData {
	return ScanFormat(body, FormatOf(contentType, body), o)
}

// ScanFormat is Scan for a body whose format is known.
func ScanFormat(body []byte, f Format, o Options) *observation.PersonalData {
	if f == FormatNone || len(body) == 0 {
		return nil
	}
	s := scanners.Get().(*scanner)
	defer scanners.Put(s)
	for i, d := range o.OwnDomains {
		if d != strings.ToLower(d) {
			o.OwnDomains = append([]string(nil), o.OwnDomains...)
			o.OwnDomains[i] = strings.ToLower(d)
		}
	}
	if o.MaxSamples <= 0 {
		o.MaxSamples = DefaultMaxSamples
	}
	s.reset(&o)
	fl := flatPool.Get().(*flat)
	defer flatPool.Put(fl)
	fl.reset()
	fl.read(body, f)
	s.text, s.labels = fl.text, fl.labels
	if f == FormatText {
		s.text = body // lines are records already
	}
	s.run()
	out := s.personalData()
	s.text, s.labels = nil, nil
	return out
}

var thisYear = time.Now().Year()

// read reduces a body of a format to text; a text body is its own text.
func (fl *flat) read(body []byte, f Format) {
	switch f {
	case FormatHTML:
		fl.html(body, false)
	case FormatXML:
		fl.html(body, true)
	case FormatJSON:
		fl.json(body)
	case FormatCSV:
		fl.csv(body)
	}
}
