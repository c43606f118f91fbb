package letter

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"text/template"
	"time"

	"vigie/cases"
)

// Kinds of letter of a rights request: the request itself, by right, and
// the complaint to the supervisory authority when it goes unanswered.
const (
	RightsAccess    = "access"
	RightsErasure   = "erasure"
	RightsObjection = "objection"
	RightsComplaint = "rights-complaint"
)

// RightsKinds returns the kinds of letter of a rights request.
func RightsKinds() []string {
	return []string{RightsAccess, RightsErasure, RightsObjection, RightsComplaint}
}

// RightsData is what the templates of a rights request see.
type RightsData struct {
	Lang         string
	Case         *cases.Case
	Organisation cases.Organisation
	Request      cases.Request
	Date         time.Time // of the letter or page
	// SentAt and ReceivedAt date the request's sending and receipt, zero
	// when not recorded; AnsweredAt the controller's answer.
	SentAt, ReceivedAt, AnsweredAt time.Time
	// Deadline is the last day of art. 12(3)'s period, zero before the
	// request is sent; Extended says the controller took two more months,
	// on ExtendedAt.
	Deadline   time.Time
	Extended   bool
	ExtendedAt time.Time
	// Events are the case's events (public renderings: none marked
	// private); Refs its complaint references.
	Events []cases.Event
	Refs   []string
	// Public drops what would name the data subject.
	Public bool
}

// ErrPremature is returned, wrapped, for a complaint about a request whose
// deadline has not passed and that was not answered.
var ErrPremature = errors.New("too early")

// NewRights assembles the template data of a rights-request case. A
// public rendering (the chronology) has no private event, and nothing
// that names the data subject: neither the request's subject, contact nor
// what it is about.
func NewRights(lang string, c *cases.Case, org cases.Organisation, date time.Time, public bool) (*RightsData, error) {
	if lang != "fr" && lang != "en" {
		return nil, fmt.Errorf("letter: language %q: want fr or en", lang)
	}
	if !c.IsRights() || c.Request == nil {
		return nil, fmt.Errorf("letter: case %s is not a rights request", c.ID)
	}
	d := &RightsData{Lang: lang, Case: c, Organisation: org, Request: *c.Request, Date: date, Public: public}
	if d.Organisation.Name == "" {
		d.Organisation.Name = c.Organisation
	}
	if public {
		d.Request = cases.Request{Right: c.Request.Right}
	}
	d.Deadline, d.Extended, _ = c.Deadline()
	for _, e := range c.Events {
		switch e.Kind {
		case string(cases.RequestSent):
			if d.SentAt.IsZero() {
				d.SentAt = e.Date
			}
		case cases.KindReceived:
			d.ReceivedAt = e.Date
		case cases.KindExtension:
			d.ExtendedAt = e.Date
		case string(cases.Answered):
			if d.AnsweredAt.IsZero() {
				d.AnsweredAt = e.Date
			}
		case string(cases.ComplaintFiled):
			if e.Ref != "" {
				d.Refs = append(d.Refs, e.Ref)
			}
		}
		if public {
			if e.Private {
				continue
			}
			// Free text and document names may name the subject.
			e.Text, e.Document = "", nil
		}
		if lang == "fr" {
			e.Text = French(e.Text)
		}
		d.Events = append(d.Events, e)
	}
	if lang == "fr" {
		d.Organisation.Name = French(d.Organisation.Name)
		r := &d.Request
		r.Subject, r.Contact, r.About, r.Reason = French(r.Subject), French(r.Contact), French(r.About), French(r.Reason)
	}
	return d, nil
}

var rightsEventNames = map[string][2]string{
	"request-sent":     {"Demande envoyée", "Request sent"},
	"request-received": {"Demande reçue par l’organisme", "Request received by the organisation"},
	"extension":        {"Prolongation du délai annoncée (article 12, paragraphe 3, du RGPD)", "Extension announced (GDPR art. 12(3))"},
	"answered":         {"Réponse de l’organisme", "Organisation’s answer"},
	"open":             {"Ouverture", "Opened"},
}

var rightNames = map[string][2]string{
	"access":    {"droit d’accès (article 15 du RGPD)", "right of access (GDPR art. 15)"},
	"erasure":   {"droit à l’effacement (article 17 du RGPD)", "right to erasure (GDPR art. 17)"},
	"objection": {"droit d’opposition (article 21 du RGPD)", "right to object (GDPR art. 21)"},
}

func rightsFuncs(lang string) map[string]any {
	f := funcs(lang)
	f["event"] = func(kind string) string {
		if _, ok := rightsEventNames[kind]; ok {
			return pick(lang, rightsEventNames, kind)
		}
		return eventName(lang, kind)
	}
	f["right"] = func(r cases.Right) string { return pick(lang, rightNames, string(r)) }
	return f
}

// RightsMarkdown renders a letter of a rights request (RightsAccess,
// RightsErasure, RightsObjection, RightsComplaint) or its "chronology" as
// Markdown, from the template rights-<kind>.<lang>.md.tmpl of dir or the
// embedded one. A letter's first line is its subject. The request letter
// must match the case's right; the complaint is refused with ErrPremature
// while the controller still has time to answer.
func RightsMarkdown(d *RightsData, kind, dir string) ([]byte, error) {
	switch kind {
	case RightsAccess, RightsErasure, RightsObjection:
		if string(d.Case.Request.Right) != kind {
			return nil, fmt.Errorf("letter: case %s requests %s, not %s", d.Case.ID, d.Case.Request.Right, kind)
		}
	case RightsComplaint:
		if d.Deadline.IsZero() {
			return nil, fmt.Errorf("letter: case %s: the request was not sent (record request-sent): a complaint comes after it: %w", d.Case.ID, ErrPremature)
		}
		if d.AnsweredAt.IsZero() && !d.Date.After(d.Deadline) {
			return nil, fmt.Errorf("letter: case %s: %s still has until %s to answer (GDPR art. 12(3)): %w",
				d.Case.ID, d.Case.Organisation, d.Deadline.Format(time.DateOnly), ErrPremature)
		}
	case "chronology":
	default:
		return nil, fmt.Errorf("letter: kind %q of a rights request: want access, erasure, objection or rights-complaint", kind)
	}
	if kind != "chronology" && d.Public {
		return nil, fmt.Errorf("letter: a %s letter needs the data subject's details, which a public rendering drops", kind)
	}
	name := "rights-" + kind + "." + d.Lang + ".md.tmpl"
	if kind == RightsComplaint {
		name = kind + "." + d.Lang + ".md.tmpl"
	}
	t := template.New(name).Funcs(rightsFuncs(d.Lang))
	for _, n := range []string{"rights-common." + d.Lang + ".md.tmpl", name} {
		src, err := source(dir, n)
		if err != nil {
			return nil, err
		}
		if _, err := t.New(n).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("letter: %s: %w", n, err)
		}
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, d); err != nil {
		return nil, fmt.Errorf("letter: %s: %w", name, err)
	}
	if d.Lang == "fr" {
		// The templates are written with plain spaces and apostrophes.
		return []byte(French(b.String())), nil
	}
	return b.Bytes(), nil
}

// RightsHTML renders the chronology of a rights request as an HTML page,
// from the template rights-chronology.<lang>.html.tmpl of dir or the
// embedded one.
func RightsHTML(d *RightsData, dir string) ([]byte, error) {
	name := "rights-chronology." + d.Lang + ".html.tmpl"
	src, err := source(dir, name)
	if err != nil {
		return nil, err
	}
	t, err := htmltemplate.New(name).Funcs(rightsFuncs(d.Lang)).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("letter: %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("letter: %s: %w", name, err)
	}
	return b.Bytes(), nil
}
