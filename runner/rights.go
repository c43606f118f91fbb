package runner

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"vigie/cases"
	"vigie/letter"
)

// RightsOpenOptions are the settings of
// `vigie case open --kind rights-request`.
type RightsOpenOptions struct {
	DB           string
	Organisation string
	Request      cases.Request
	// Now is the creation date (default: the current time).
	Now    time.Time
	Stdout io.Writer
}

// RightsOpen opens a data subject's rights-request case against an
// organisation and returns it. The organisation need not be in the
// directory, but its DPO contact comes from there.
func RightsOpen(ctx context.Context, o RightsOpenOptions) (*cases.Case, error) {
	st, cs, err := openCases(ctx, o.DB)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	now := o.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	c, err := cases.NewRightsRequest(o.Organisation, o.Request, now)
	if err != nil {
		return nil, err
	}
	if err := cs.CreateCase(ctx, &c); err != nil {
		return nil, err
	}
	if o.Stdout != nil {
		orgs, err := cs.Organisations(ctx)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(o.Stdout, "%s\t%s\t(private)\n", c.ID, c.Title)
		if org, ok := cases.NewDirectory(orgs).Lookup(c.Organisation); !ok || (org.DPOEmail == "" && org.DPOAddress == "" && org.DPOForm == "") {
			fmt.Fprintf(o.Stdout, "no DPO contact for %q in the directory: find it with vigie organisation discover SITE, or import it\n", c.Organisation)
		}
	}
	return &c, nil
}

// isRightsCase loads case id and reports whether it is a rights request.
func isRightsCase(ctx context.Context, db, id string) (bool, error) {
	st, cs, err := openCases(ctx, db)
	if err != nil {
		return false, err
	}
	defer st.Close()
	c, err := cs.Case(ctx, id)
	if err != nil {
		return false, err
	}
	return c.IsRights(), nil
}

// rightsData loads a rights-request case and its organisation.
func rightsData(ctx context.Context, o CaseLetterOptions, public bool) (*letter.RightsData, *cases.Organisation, error) {
	st, cs, err := openCases(ctx, o.DB)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	c, err := cs.Case(ctx, o.ID)
	if err != nil {
		return nil, nil, err
	}
	orgs, err := cs.Organisations(ctx)
	if err != nil {
		return nil, nil, err
	}
	org, _ := cases.NewDirectory(orgs).Lookup(c.Organisation)
	date := o.Date
	if date.IsZero() {
		date = time.Now().UTC()
	}
	lang := o.Lang
	if lang == "" {
		lang = "fr"
	}
	d, err := letter.NewRights(lang, c, org, date, public)
	if err != nil {
		return nil, nil, err
	}
	return d, &org, nil
}

// rightsLetter writes a letter of a rights-request case: the request (its
// kind is the case's right; "alert", the default kind of finding cases,
// means the request too) or the complaint once the deadline has passed.
func rightsLetter(ctx context.Context, o CaseLetterOptions) error {
	d, org, err := rightsData(ctx, o, false)
	if err != nil {
		return err
	}
	kind := o.Kind
	if kind == "" || kind == letter.Alert {
		kind = string(d.Request.Right)
	}
	if !slices.Contains(letter.RightsKinds(), kind) {
		return fmt.Errorf("case %s is a rights request: letter kind %q: want %s or %s", o.ID, kind, d.Request.Right, letter.RightsComplaint)
	}
	md, err := letter.RightsMarkdown(d, kind, o.Templates)
	if err != nil {
		return err
	}
	return deliverLetter(o, md, org.DPOEmail, d.Date, kind == letter.RightsComplaint)
}

// rightsPublish writes the chronology of a rights request, only when asked
// to (o.Public): such a case concerns one person, and stays private by
// default. The chronology names neither the person nor what the request is
// about, and shows no event text.
func rightsPublish(ctx context.Context, o CaseLetterOptions) error {
	if !o.Public {
		return fmt.Errorf("case %s is a rights request, private by default: add --public to publish its chronology (it names neither the person nor the request's details)", o.ID)
	}
	d, _, err := rightsData(ctx, o, true)
	if err != nil {
		return err
	}
	var out []byte
	switch o.Format {
	case "", "md":
		out, err = letter.RightsMarkdown(d, "chronology", o.Templates)
	case "html":
		out, err = letter.RightsHTML(d, o.Templates)
	default:
		return fmt.Errorf("chronology format %q: want md or html", o.Format)
	}
	if err != nil {
		return err
	}
	return writeOut(o.Output, o.Stdout, out)
}

// rightsNextStep says what a due rights request needs.
func rightsNextStep(c *cases.Case) string {
	switch c.State {
	case cases.Open:
		return fmt.Sprintf("send the request (vigie case letter %s --kind %s), then record request-sent", c.ID, c.Request.Right)
	case cases.RequestSent:
		d, ext, _ := c.Deadline()
		how := "one month"
		if ext {
			how = "three months, extended"
		}
		return fmt.Sprintf("no answer by %s (GDPR art. 12(3), %s): complain to the CNIL (art. 77) with vigie case letter %s --kind rights-complaint", d.Format(time.DateOnly), how, c.ID)
	case cases.ComplaintFiled:
		return "ask the authority; art. 78(2) allows going to court"
	}
	return "follow up"
}

// rightsShow prints what CaseShow adds for a rights request.
func rightsShow(w io.Writer, c *cases.Case) {
	r := c.Request
	if r == nil {
		return
	}
	fmt.Fprintf(w, "Kind: %s (private)\nRight: %s\nData subject: %s\n", c.Kind, r.Right, r.Subject)
	for _, l := range [][2]string{{"Contact", r.Contact}, {"About", r.About}, {"Reason", r.Reason}} {
		if strings.TrimSpace(l[1]) != "" {
			fmt.Fprintf(w, "%s: %s\n", l[0], l[1])
		}
	}
	if d, ext, ok := c.Deadline(); ok {
		note := "one month from receipt"
		if ext {
			note = "extended to three months"
		}
		fmt.Fprintf(w, "Deadline: %s (GDPR art. 12(3), %s)\n", d.Format(time.DateOnly), note)
	}
}
