package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"vigie/cases"
	"vigie/finding"
	"vigie/letter"
	"vigie/scan"
	"vigie/store"
	"vigie/target"
)

// openCases opens the store named by db as a case store.
func openCases(ctx context.Context, db string) (store.Store, cases.Store, error) {
	if db == "none" {
		return nil, nil, errors.New("cases need a database; --db none keeps none")
	}
	st, err := OpenStore(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	cs, ok := st.(cases.Store)
	if !ok {
		st.Close()
		return nil, nil, fmt.Errorf("the %T store does not keep cases", st)
	}
	return st, cs, nil
}

// CaseOpenOptions are the settings of `vigie case open`.
type CaseOpenOptions struct {
	DB     string
	ScanID string
	// MinSeverity is the cases' failure threshold (zero:
	// finding.DefaultThreshold); notes below it stay out of the cases.
	MinSeverity finding.Severity
	// Now is the creation date of the cases (default: the current time).
	Now    time.Time
	Stdout io.Writer
}

// CaseOpen opens one case per organisation (or topmost parent in the
// organisation directory) from the open findings a scan saw, and returns
// the cases created.
func CaseOpen(ctx context.Context, o CaseOpenOptions) ([]cases.Case, error) {
	st, cs, err := openCases(ctx, o.DB)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	now := o.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	opened, err := cases.OpenFromScan(ctx, st, cs, o.ScanID, now, o.MinSeverity)
	if err != nil {
		return nil, err
	}
	for i := range opened {
		if o.Stdout != nil {
			fmt.Fprintf(o.Stdout, "%s\t%s\t%d findings\n", opened[i].ID, opened[i].Title, len(opened[i].Findings))
		}
	}
	return opened, nil
}

// CaseList prints every case: ID, state, organisation and title.
func CaseList(ctx context.Context, db string, w io.Writer) error {
	st, cs, err := openCases(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := cs.Cases(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tCREATED\tSITES\tFINDINGS\tTITLE")
	for _, c := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", c.ID, c.State, c.Created.Format(time.DateOnly), len(c.Sites), len(c.Findings), c.Title)
	}
	return tw.Flush()
}

// CaseShow prints a case with its sites, findings and timeline.
func CaseShow(ctx context.Context, db, id string, w io.Writer) error {
	st, cs, err := openCases(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := cs.Case(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s  %s\nOrganisation: %s\nState: %s (next: %s)\nCreated: %s\n", c.ID, c.Title, c.Organisation, c.State, allowedText(c), c.Created.Format(time.DateOnly))
	if !c.IsRights() {
		fmt.Fprintf(w, "Failures: severity %s and above\n", c.Threshold())
	}
	rightsShow(w, c)
	fmt.Fprintf(w, "Sites (%d):\n", len(c.Sites))
	for _, s := range c.Sites {
		fmt.Fprintf(w, "  %s\n", s)
	}
	fmt.Fprintf(w, "Findings (%d): %s\n", len(c.Findings), strings.Join(c.Findings, " "))
	if n := c.Notified(); len(n) > 0 {
		fmt.Fprintf(w, "Notified (%d):", len(n))
		for _, r := range n {
			fmt.Fprintf(w, " %s", r.ID)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Events:")
	for _, e := range c.Events {
		fmt.Fprintf(w, "  %s  %s", e.Date.Format(time.DateOnly), e.Kind)
		if e.Ref != "" {
			fmt.Fprintf(w, "  ref %s", e.Ref)
		}
		if e.Author != "" {
			fmt.Fprintf(w, "  by %s", e.Author)
		}
		if e.Private {
			fmt.Fprint(w, "  (private)")
		}
		if e.Text != "" {
			fmt.Fprintf(w, "  %s", e.Text)
		}
		if e.Document != nil {
			fmt.Fprintf(w, "  [%s sha256:%s]", e.Document.Name, e.Document.SHA256)
		}
		if len(e.Findings) > 0 {
			fmt.Fprintf(w, "  (%d findings)", len(e.Findings))
		}
		fmt.Fprintln(w)
	}
	return nil
}

func allowedText(c *cases.Case) string {
	a := c.Next()
	if len(a) == 0 {
		return "none"
	}
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}

// CaseEventOptions are the settings of `vigie case event`.
type CaseEventOptions struct {
	DB, ID string
	Event  cases.Event
	// Attach is a file to attach to the event: its name, absolute path and
	// SHA-256 digest are recorded.
	Attach string
	Stdout io.Writer
}

// CaseEvent records an event on a case, refusing transitions its state does
// not allow. A dpo-alerted event records the case's open failures as the
// findings notified.
func CaseEvent(ctx context.Context, o CaseEventOptions) (*cases.Case, error) {
	st, cs, err := openCases(ctx, o.DB)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	e := o.Event
	if o.Attach != "" {
		doc, err := document(o.Attach)
		if err != nil {
			return nil, err
		}
		e.Document = doc
	}
	c, err := cases.RecordAlert(ctx, cs, st, o.ID, e)
	if err != nil {
		return nil, err
	}
	if o.Stdout != nil {
		fmt.Fprintf(o.Stdout, "%s: %s on %s; state %s\n", c.ID, e.Kind, e.Date.Format(time.DateOnly), c.State)
		if last := c.Events[len(c.Events)-1]; e.Kind == string(cases.DPOAlerted) {
			fmt.Fprintf(o.Stdout, "%s: notified %d failures on %d sites\n", c.ID, len(last.Findings), len(refSites(last.Findings)))
		}
	}
	return c, nil
}

func document(path string) (*cases.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("attaching %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("attaching %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	return &cases.Document{Name: filepath.Base(path), Path: abs, SHA256: hex.EncodeToString(sum[:])}, nil
}

// refSites returns the sites of refs, sorted, without duplicates.
func refSites(refs []cases.FindingRef) []string {
	var out []string
	for _, r := range refs {
		if !slices.Contains(out, r.Site) {
			out = append(out, r.Site)
		}
	}
	slices.Sort(out)
	return out
}

// CaseLetterOptions are the settings of `vigie case letter` and
// `vigie case publish`.
type CaseLetterOptions struct {
	DB, ID string
	// Kind is letter.Alert, letter.Reminder or letter.Complaint; ignored by
	// CasePublish.
	Kind string
	Lang string // fr or en
	// Format is md or eml for letters, md or html for the chronology.
	Format string
	// Templates is a directory whose templates override the embedded ones.
	Templates string
	// Date is the date of the letter (default: today).
	Date time.Time
	// From is the sender, as a name and/or address ("Vigie <a@b.fr>").
	From string
	// SMTP, when set, is the host:port of a relay the .eml is sent through
	// (eml format only), besides being written to Output.
	SMTP   string
	Output string // "" = Stdout
	Stdout io.Writer
	// Public allows publishing the chronology of a rights request, which
	// is private by default.
	Public bool
}

func caseData(ctx context.Context, o CaseLetterOptions, public bool) (*letter.Data, *cases.Organisation, error) {
	st, cs, err := openCases(ctx, o.DB)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	c, err := cs.Case(ctx, o.ID)
	if err != nil {
		return nil, nil, err
	}
	fs, err := cases.AtIssue(ctx, st, c)
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
	sender := o.From
	if name, _, ok := strings.Cut(o.From, "<"); ok && strings.TrimSpace(name) != "" {
		sender = strings.Trim(strings.TrimSpace(name), `"`) // the name signs the letter
	}
	lang := o.Lang
	if lang == "" {
		lang = "fr"
	}
	d, err := letter.New(letter.Input{Lang: lang, Case: c, Organisation: org, Findings: fs, Date: date, Sender: sender, Public: public})
	if err != nil {
		return nil, nil, err
	}
	return d, &org, nil
}

// CaseLetter writes a letter of a case as Markdown or .eml.
func CaseLetter(ctx context.Context, o CaseLetterOptions) error {
	if rights, err := isRightsCase(ctx, o.DB, o.ID); err != nil {
		return err
	} else if rights {
		return rightsLetter(ctx, o)
	}
	d, org, err := caseData(ctx, o, false)
	if err != nil {
		return err
	}
	md, err := letter.Markdown(d, o.Kind, o.Templates)
	if err != nil {
		return err
	}
	return deliverLetter(o, md, org.DPOEmail, d.Date, o.Kind == letter.Complaint)
}

// deliverLetter writes a Markdown letter as is, or as an .eml to the DPO
// address to (sent through o.SMTP when set). A complaint goes through the
// authority's web form, never as an .eml.
func deliverLetter(o CaseLetterOptions, md []byte, to string, date time.Time, complaint bool) error {
	out := md
	switch o.Format {
	case "", "md":
	case "eml":
		if complaint || to == "" {
			return errors.New("an .eml needs a recipient: the organisation's DPO email (vigie organisation import or discover) for a letter to the DPO; complaints go through the authority's web form, use --format md")
		}
		if o.From == "" {
			return errors.New("an .eml needs --from")
		}
		msg := letter.Message{From: o.From, To: to, Date: date}
		var err error
		if out, err = letter.EML(md, msg); err != nil {
			return err
		}
		if o.SMTP != "" {
			if err := letter.Send(o.SMTP, msg, out); err != nil {
				return err
			}
			if o.Output == "" {
				return nil // sent; no copy asked for
			}
		}
	default:
		return fmt.Errorf("letter format %q: want md or eml", o.Format)
	}
	if o.SMTP != "" && o.Format != "eml" {
		return errors.New("--smtp sends .eml letters: add --format eml")
	}
	return writeOut(o.Output, o.Stdout, out)
}

// CasePublish writes the public chronology of a case as Markdown or HTML:
// no private events, no personal data of individuals (findings' captured
// values are not used, only categories).
func CasePublish(ctx context.Context, o CaseLetterOptions) error {
	if rights, err := isRightsCase(ctx, o.DB, o.ID); err != nil {
		return err
	} else if rights {
		return rightsPublish(ctx, o)
	}
	d, _, err := caseData(ctx, o, true)
	if err != nil {
		return err
	}
	var out []byte
	switch o.Format {
	case "", "md":
		out, err = letter.Markdown(d, "chronology", o.Templates)
	case "html":
		out, err = letter.HTML(d, o.Templates)
	default:
		return fmt.Errorf("chronology format %q: want md or html", o.Format)
	}
	if err != nil {
		return err
	}
	return writeOut(o.Output, o.Stdout, out)
}

func writeOut(path string, stdout io.Writer, b []byte) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("writing %w", err)
	}
	return nil
}

// CaseDue lists the cases whose follow-up date is at or before now, with
// what to do, and returns them.
func CaseDue(ctx context.Context, db string, now time.Time, delays cases.Delays, w io.Writer) ([]cases.Case, error) {
	st, cs, err := openCases(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	all, err := cs.Cases(ctx)
	if err != nil {
		return nil, err
	}
	var due []cases.Case
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range all {
		when, ok := c.Due(now, delays)
		if !ok {
			continue
		}
		due = append(due, c)
		step := nextStep(c.State)
		if c.IsRights() {
			step = rightsNextStep(&c)
		}
		fmt.Fprintf(tw, "%s\t%s\tdue %s\t%s\t%s\n", c.ID, c.State, when.Format(time.DateOnly), step, c.Title)
	}
	return due, tw.Flush()
}

func nextStep(s cases.State) string {
	switch s {
	case cases.Open:
		return "alert the DPO (vigie case letter --kind alert)"
	case cases.DPOAlerted:
		return "remind the DPO or file a complaint"
	case cases.ComplaintFiled:
		return "ask the authority; art. 78(2) allows going to court"
	case cases.Regressed:
		return "alert the DPO again"
	}
	return "follow up"
}

// OrganisationImport reads organisations from a CSV file into the store.
func OrganisationImport(ctx context.Context, db, path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	orgs, err := cases.ReadOrganisations(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st, cs, err := openCases(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, o := range orgs {
		if err := cs.PutOrganisation(ctx, o); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "imported %d organisations\n", len(orgs))
	return nil
}

// OrganisationExport writes the organisation directory as CSV to path ("" or
// "-" for w).
func OrganisationExport(ctx context.Context, db, path string, w io.Writer) error {
	st, cs, err := openCases(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	orgs, err := cs.Organisations(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := cases.WriteOrganisations(&b, orgs); err != nil {
		return err
	}
	return writeOut(path, w, []byte(b.String()))
}

// CaseVerifyOptions are the settings of `vigie case verify`.
type CaseVerifyOptions struct {
	ID string
	// Scan holds the network settings and the database; its targets are
	// replaced by the case's sites.
	Scan ScanOptions
	// Author signs the recorded event.
	Author string
	// Date is the date recorded for the event (default: the scan's start).
	Date time.Time
	// Lang is the language of the event's text: "fr" or "en" (default).
	Lang string
}

// CaseVerify re-scans the sites of the failures a case notified and
// judges those failures, site by site: verified-fixed when every one is
// gone, partially-fixed when some are, regressed when one the case had
// seen fixed is back; a note when nothing changed or the case's state
// does not allow the transition (a case never sent to the DPO cannot be
// "verified fixed"). A failure counts as fixed only where the re-scan
// examined its page again; one whose page it did not examine is "not
// verified". Failures the re-scan saw for the first time on those sites
// are recorded as a new-findings event (private: nobody was told yet),
// offered as a follow-up case, and do not block the fix. A case never
// alerted is judged on its open failures. It returns the case as stored
// afterwards.
func CaseVerify(ctx context.Context, o CaseVerifyOptions) (*cases.Case, error) {
	st, cs, err := openCases(ctx, o.Scan.DB)
	if err != nil {
		return nil, err
	}
	c, err := cs.Case(ctx, o.ID)
	if err != nil {
		st.Close()
		return nil, err
	}
	if c.IsRights() {
		st.Close()
		return nil, fmt.Errorf("case %s is a rights request: it has no site to verify", c.ID)
	}
	before, err := cases.Current(ctx, st, c)
	st.Close()
	if err != nil {
		return nil, err
	}
	judged := c.Notified()
	if len(judged) == 0 {
		for _, f := range before {
			if f.FixedAt == nil && f.Severity.IsFailure(c.Threshold()) {
				judged = append(judged, cases.FindingRef{ID: f.ID, Site: f.Site})
			}
		}
		cases.SortRefs(judged)
	}
	sites := refSites(judged)
	if len(sites) == 0 {
		sites = c.Sites
	}
	orgOf := map[string]string{}
	for _, f := range before {
		orgOf[f.Site] = f.Organisation
	}
	var targets []target.Target
	for _, s := range sites {
		t, err := target.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("case %s: site %s: %w", c.ID, s, err)
		}
		t.Organisation = orgOf[s]
		t.Source = "case " + c.ID
		targets = append(targets, t)
	}
	so := o.Scan
	so.Targets = TargetSources{Extra: targets}
	so.Format = ""
	var scanID string
	var started time.Time
	so.onSummary = func(s *scan.Summary) { scanID, started = s.Scan.ID, s.Scan.Started }
	if code, err := Scan(ctx, so); err != nil {
		return nil, fmt.Errorf("case %s: re-scan: %w", c.ID, err)
	} else if code == ExitError {
		return nil, fmt.Errorf("case %s: re-scan failed", c.ID)
	}

	st, cs, err = openCases(ctx, o.Scan.DB)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	seen, err := st.Findings(ctx, store.Filter{Scan: scanID})
	if err != nil {
		return nil, err
	}
	after, err := cases.Current(ctx, st, c)
	if err != nil {
		return nil, err
	}
	v := judge(c, judged, after, seen)
	if !o.Date.IsZero() {
		started = o.Date
	}
	if started.IsZero() {
		started = time.Now().UTC()
	}
	text := verifyTexts[0]
	if o.Lang == "fr" {
		text = verifyTexts[1]
	}
	ref := "scan " + scanID
	if len(v.news) > 0 {
		e := cases.Event{Date: started, Author: o.Author, Ref: ref, Kind: cases.KindNewFindings, Private: true, Findings: v.news,
			Text: fmt.Sprintf(text.news, len(v.news), len(refSites(v.news)), strings.Join(refSites(v.news), ", "), scanID)}
		if _, err := cases.Record(ctx, cs, c.ID, e); err != nil {
			return nil, err
		}
	}
	return cases.Record(ctx, cs, c.ID, v.event(c, text, cases.Event{Date: started, Author: o.Author, Ref: ref}))
}

// verdict is what a verification concluded about the failures it judged.
type verdict struct {
	sites                             int      // sites judged
	fixedSites, remaining, unverified []string // sites all fixed; with a failure seen; not examined again
	fixed, regressed, news            []cases.FindingRef
}

// judge compares the judged failures of c, in their current state (after:
// the store fixes a finding only where an audit examined its page), with
// the findings a verification scan saw.
func judge(c *cases.Case, judged []cases.FindingRef, after, seen []finding.Finding) verdict {
	seenBy := map[string]bool{}
	for _, f := range seen {
		seenBy[f.ID] = true
	}
	fixedNow := map[string]bool{}
	for _, f := range after {
		fixedNow[f.ID] = f.FixedAt != nil
	}
	// Findings the case already saw fixed, since their last regression.
	wasFixed := map[string]bool{}
	for _, e := range c.Events {
		for _, f := range e.Findings {
			switch e.Kind {
			case string(cases.VerifiedFixed), cases.KindPartiallyFixed:
				wasFixed[f.ID] = true
			case string(cases.Regressed):
				delete(wasFixed, f.ID)
			}
		}
	}
	afterFix := c.State == cases.VerifiedFixed || c.State == cases.Closed
	reported := map[string]bool{} // judged, or already reported as new
	for _, r := range judged {
		reported[r.ID] = true
	}
	for _, e := range c.Events {
		if e.Kind == cases.KindNewFindings {
			for _, f := range e.Findings {
				reported[f.ID] = true
			}
		}
	}
	var v verdict
	bySite := map[string][]cases.FindingRef{}
	for _, r := range judged {
		bySite[r.Site] = append(bySite[r.Site], r)
	}
	for _, site := range refSites(judged) {
		v.sites++
		present, unexamined := false, false
		for _, r := range bySite[site] {
			switch {
			case seenBy[r.ID]:
				present = true
				if wasFixed[r.ID] || afterFix {
					v.regressed = append(v.regressed, r)
				}
			case fixedNow[r.ID]:
				v.fixed = append(v.fixed, r)
			default: // open, not seen: its page was not examined again
				unexamined = true
			}
		}
		switch {
		case present:
			v.remaining = append(v.remaining, site)
		case unexamined:
			v.unverified = append(v.unverified, site)
		default:
			v.fixedSites = append(v.fixedSites, site)
		}
	}
	for _, f := range seen {
		if f.Severity.IsFailure(c.Threshold()) && !reported[f.ID] && len(bySite[f.Site]) > 0 {
			v.news = append(v.news, cases.FindingRef{ID: f.ID, Site: f.Site})
		}
	}
	cases.SortRefs(v.news)
	return v
}

// event returns the verification event of v: its kind, text and findings.
func (v verdict) event(c *cases.Case, text verifyText, e cases.Event) cases.Event {
	progress := fmt.Sprintf(text.progress, len(v.fixedSites), v.sites)
	if len(v.remaining) > 0 {
		progress += fmt.Sprintf(text.remaining, strings.Join(v.remaining, ", "))
	}
	if len(v.unverified) > 0 {
		progress += fmt.Sprintf(text.unverified, strings.Join(v.unverified, ", "))
	}
	switch {
	case len(v.regressed) > 0:
		e.Kind, e.Findings = string(cases.Regressed), v.regressed
		e.Text = fmt.Sprintf(text.regressed, len(refSites(v.regressed)), strings.Join(refSites(v.regressed), ", ")) + "; " + progress
	case len(v.remaining) == 0 && len(v.unverified) == 0:
		e.Kind, e.Findings, e.Text = string(cases.VerifiedFixed), v.fixed, progress
	case len(v.fixed) > 0:
		e.Kind, e.Findings, e.Text = cases.KindPartiallyFixed, v.fixed, progress
	default:
		e.Kind, e.Text = cases.KindNote, text.verification+progress
	}
	if cases.IsTransition(e.Kind) && !slices.Contains(cases.Allowed(c.State), cases.State(e.Kind)) {
		e.Text = fmt.Sprintf(text.notTransition, e.Kind, c.State, e.Text)
		e.Kind, e.Findings = cases.KindNote, nil
	}
	return e
}

// verifyText holds the texts of verification events in one language.
type verifyText struct {
	progress, remaining, unverified, regressed, verification, news, notTransition string
}

// verifyTexts are the texts of verification events, in English and French.
var verifyTexts = [2]verifyText{
	{
		progress:      "%d of %d sites fixed",
		remaining:     "; remaining: %s",
		unverified:    "; not verified (pages not examined again): %s",
		regressed:     "failures back on %d sites: %s",
		verification:  "verification: ",
		news:          "%d failures first seen during verification on %d sites (%s), not notified: a follow-up case can be opened with vigie case open --from-scan %s",
		notTransition: "verification (%s, not a transition from %s): %s",
	},
	{
		progress:      "%d sites corrigés sur %d",
		remaining:     " ; restent en défaut : %s",
		unverified:    " ; non vérifiés (pages non réexaminées) : %s",
		regressed:     "manquements de nouveau constatés sur %d sites : %s",
		verification:  "vérification : ",
		news:          "%d manquements constatés pour la première fois lors de la vérification sur %d sites (%s), non notifiés : un dossier de suite peut être ouvert avec vigie case open --from-scan %s",
		notTransition: "vérification (%s, transition impossible depuis %s) : %s",
	},
}

// VerifyAllOptions are the settings of the scheduled mode of
// `vigie case verify --all`.
type VerifyAllOptions struct {
	CaseVerifyOptions
	// Every repeats the round at this interval until ctx ends; 0 runs one
	// round.
	Every time.Duration
	// Out receives one line per verified case.
	Out io.Writer
}

// awaitsVerification reports whether a case in state s is worth
// re-verifying: its organisation was told (fix expected) or it was fixed
// (regression watch). Open, closed and withdrawn cases are left alone.
func awaitsVerification(s cases.State) bool {
	switch s {
	case cases.DPOAlerted, cases.ComplaintFiled, cases.AuthorityAnswered, cases.VerifiedFixed, cases.Regressed:
		return true
	}
	return false
}

// CaseVerifyAll re-verifies every case awaiting verification, one after
// the other, and with Every > 0 starts a new round at that interval until
// ctx ends. A case whose re-scan fails is reported and the round goes on.
func CaseVerifyAll(ctx context.Context, o VerifyAllOptions) error {
	for {
		if ctx.Err() != nil {
			return nil // interrupted: the scheduled mode's normal end
		}
		st, cs, err := openCases(ctx, o.Scan.DB)
		if err != nil {
			return err
		}
		all, err := cs.Cases(ctx)
		st.Close()
		if err != nil {
			return err
		}
		failed := 0
		for _, c := range all {
			if c.IsRights() || !awaitsVerification(c.State) {
				continue
			}
			co := o.CaseVerifyOptions
			co.ID = c.ID
			got, err := CaseVerify(ctx, co)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				failed++
				fmt.Fprintf(o.Out, "%s: verification failed: %v\n", c.ID, err)
				continue
			}
			e := got.Events[len(got.Events)-1]
			fmt.Fprintf(o.Out, "%s: %s (%s); state %s\n", got.ID, e.Kind, e.Text, got.State)
		}
		if o.Every <= 0 {
			if failed > 0 {
				return fmt.Errorf("%d case verifications failed", failed)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Every):
		}
	}
}
