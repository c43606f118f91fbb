package evidence

import (
	"vigie/pii/detect"
	"vigie/pii/document"
)

// Mask is one stretch of captured bytes replaced before storage.
type Mask struct {
	// Kind names what was masked: a kind of identifier ("email",
	// "phone", "nir" (French social security number), "iban", "card",
	// "birth", "date", "ip", "name", "address"), the category of a
	// labelled value ("identity", "contact", "message"...), or
	// "withheld" for a whole body the redactor cannot inspect, or
	// "re-rendered" for a spreadsheet or a PDF kept as the masked text
	// of what it says.
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
const RedactorName = "vigie/pii/detect masking v2 (identifiers, dates, ip; values under personal labels; names; postal addresses; spreadsheets and PDF re-rendered as masked text; other non-text bodies withheld)"

// MaskPersonalData is the default Redactor: Vigie's one masker
// (detect.Find) replaces each stretch of personal data of a text body
// (HTML, XML, JSON, CSV, scripts, plain text; any ASCII-compatible
// charset) with "[masked:KIND]". Bodies it cannot read as text (images,
// archives, UTF-16 text, spreadsheets and PDF files that cannot be read)
// are withheld whole: what they hold cannot be checked, so it is not
// stored. A spreadsheet (.xlsx, .ods) or a PDF that can be read is stored
// as the masked re-rendering of its sheets and text (detect.MaskDocument).
func MaskPersonalData(body []byte, contentType string) ([]byte, []Mask) {
	if len(body) == 0 {
		return body, nil
	}
	spans, readable := detect.Find(body, contentType, detect.MaskOptions{})
	if readable {
		return redact(body, spans)
	}
	// A spreadsheet or a PDF is kept as the masked re-rendering of what
	// it says: its bytes (zipped, compressed) cannot be masked in place.
	if document.Sniff(contentType, "", body) != document.Unknown {
		if doc, err := document.Extract(contentType, "", body, document.Limits{}); err == nil {
			text, _ := detect.MaskDocument(doc, detect.MaskOptions{})
			return text, []Mask{{Kind: "re-rendered", Offset: 0, Length: len(body)}}
		}
	}
	return nil, []Mask{{Kind: "withheld", Offset: 0, Length: len(body)}}
}

// MaskIdentifiers masks, in the text around a body (URLs, header
// fields, error messages), what may be a person's: identifiers, names,
// values of query parameters that name personal data. Dates and IP
// addresses there are those of servers and stay.
func MaskIdentifiers(text []byte) ([]byte, []Mask) {
	return redact(text, detect.FindFormat(text, detect.FormatText, detect.MaskOptions{Surroundings: true}))
}

func redact(b []byte, spans []detect.Span) ([]byte, []Mask) {
	if len(spans) == 0 {
		return b, nil
	}
	masks := make([]Mask, len(spans))
	for i, s := range spans {
		masks[i] = Mask{Kind: s.Kind, Offset: s.Start, Length: s.End - s.Start}
	}
	return detect.Redact(b, spans), masks
}
