package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"vigie/finding"
)

// State is where a case stands in its life cycle.
type State string

// States of a case. A case starts Open; the others are entered by events
// of the same name.
const (
	Open              State = "open"
	DPOAlerted        State = "dpo-alerted"
	ComplaintFiled    State = "complaint-filed"
	AuthorityAnswered State = "authority-answered"
	VerifiedFixed     State = "verified-fixed"
	Closed            State = "closed"
	Regressed         State = "regressed"
	Withdrawn         State = "withdrawn"
)

// transitions lists, for each state, the states a case may go to next.
// A second complaint follows the authority's answer to the first; a
// verification may find the failure fixed at any active stage.
var transitions = map[State][]State{
	Open:              {DPOAlerted, Withdrawn},
	DPOAlerted:        {ComplaintFiled, VerifiedFixed, Regressed, Withdrawn},
	ComplaintFiled:    {ComplaintFiled, AuthorityAnswered, VerifiedFixed, Withdrawn},
	AuthorityAnswered: {ComplaintFiled, VerifiedFixed, Closed, Withdrawn},
	VerifiedFixed:     {Closed, Regressed},
	Regressed:         {DPOAlerted, ComplaintFiled, VerifiedFixed, Withdrawn},
	Closed:            {Regressed},
	Withdrawn:         nil,
}

// States returns every state, in life-cycle order.
func States() []State {
	return []State{Open, DPOAlerted, ComplaintFiled, AuthorityAnswered, VerifiedFixed, Closed, Regressed, Withdrawn}
}

// Allowed returns the states a case in state s may go to.
func Allowed(s State) []State { return slices.Clone(transitions[s]) }

// Event kinds that record something without changing the state.
const (
	KindNote     = "note"
	KindReminder = "reminder"
	KindAnswer   = "answer-received"
	// KindPartiallyFixed records a verification that found some, not all,
	// of the notified failures fixed.
	KindPartiallyFixed = "partially-fixed"
	// KindNewFindings records failures a verification saw for the first
	// time on the case's sites: not notified, so offered as a follow-up.
	KindNewFindings = "new-findings"
)

// recordKinds are the event kinds that change no state.
var recordKinds = []string{KindNote, KindReminder, KindAnswer, KindPartiallyFixed, KindNewFindings}

// ErrTransition is returned, wrapped, for an event the case's state does
// not allow.
var ErrTransition = errors.New("invalid transition")

// Document is a file attached to an event: a letter sent, an answer
// received. The store keeps its name, where it was and its digest.
type Document struct {
	Name   string
	Path   string
	SHA256 string // hex
}

// FindingRef names one finding an event concerns, with its site.
type FindingRef struct {
	ID, Site string
}

// Event is one dated step of a case's timeline. Its Kind is a State for a
// transition, or KindNote, KindReminder or KindAnswer.
type Event struct {
	Date   time.Time
	Author string
	Kind   string
	Text   string
	// Ref is an outside reference, such as a complaint number ("28-6912").
	Ref      string
	Document *Document
	// Private events stay out of the public chronology.
	Private bool
	// Findings are the findings the event is about: for dpo-alerted, the
	// failures notified (what the case is then about); for verified-fixed
	// and partially-fixed, the notified failures seen fixed; for
	// regressed, those seen again; for new-findings, the failures first
	// seen. Sorted by site, then ID.
	Findings []FindingRef
}

// Case is an action against one organisation about a set of findings, or
// a data subject's rights request to it (Kind KindRightsRequest).
type Case struct {
	ID           string // "C-1"
	Organisation string
	Title        string
	State        State
	Findings     []string // finding IDs
	Sites        []string
	Created      time.Time
	Events       []Event // in date order
	// MinSeverity is the case's failure threshold: findings below it (and
	// informational ones, always) are notes, never part of the case. Zero
	// means finding.DefaultThreshold.
	MinSeverity finding.Severity
	// Kind is KindFindings ("") or KindRightsRequest.
	Kind string
	// Request is the request of a rights-request case, nil otherwise.
	Request *Request
}

// Threshold returns the case's failure threshold.
func (c *Case) Threshold() finding.Severity {
	if c.MinSeverity == 0 {
		return finding.DefaultThreshold
	}
	return c.MinSeverity
}

// Notified returns the findings the case notified to the organisation:
// those of its dpo-alerted events, sorted by site then ID. The case is
// verified against them.
func (c *Case) Notified() []FindingRef {
	seen := map[string]bool{}
	var out []FindingRef
	for _, e := range c.Events {
		if e.Kind != string(DPOAlerted) {
			continue
		}
		for _, f := range e.Findings {
			if !seen[f.ID] {
				seen[f.ID] = true
				out = append(out, f)
			}
		}
	}
	SortRefs(out)
	return out
}

// SortRefs sorts finding references by site, then ID.
func SortRefs(refs []FindingRef) {
	slices.SortFunc(refs, func(a, b FindingRef) int {
		if c := strings.Compare(a.Site, b.Site); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// SiteFixes returns, for each notified site whose notified failures were
// all seen fixed by a verification, the date of the verification that
// first saw them all fixed; a later regression of the site removes it.
func (c *Case) SiteFixes() map[string]time.Time {
	notified := map[string][]string{} // site -> finding IDs
	for _, f := range c.Notified() {
		notified[f.Site] = append(notified[f.Site], f.ID)
	}
	out := map[string]time.Time{}
	fixed := map[string]bool{} // finding IDs seen fixed, since their last regression
	for _, e := range c.Events {
		switch e.Kind {
		case string(VerifiedFixed), KindPartiallyFixed:
			for _, f := range e.Findings {
				fixed[f.ID] = true
			}
			for site, ids := range notified {
				if _, done := out[site]; done {
					continue
				}
				all := true
				for _, id := range ids {
					all = all && fixed[id]
				}
				if all {
					out[site] = e.Date
				}
			}
		case string(Regressed):
			for _, f := range e.Findings {
				delete(fixed, f.ID)
				delete(out, f.Site)
			}
		}
	}
	return out
}

// IsTransition reports whether kind names a state.
func IsTransition(kind string) bool {
	return slices.Contains(States(), State(kind)) && State(kind) != Open
}

// ValidKind reports whether kind may be the kind of an event.
func ValidKind(kind string) bool {
	return IsTransition(kind) || slices.Contains(recordKinds, kind)
}

// Apply checks e against the case's state and, when allowed, appends it and
// moves the case to its new state.
func (c *Case) Apply(e Event) error {
	if c.IsRights() {
		return c.applyRights(e)
	}
	if !ValidKind(e.Kind) {
		return fmt.Errorf("case %s: unknown event kind %q (want one of %s, %s)", c.ID, e.Kind, joinStates(States()[1:]), strings.Join(recordKinds, ", "))
	}
	if e.Date.IsZero() {
		return fmt.Errorf("case %s: event %s has no date", c.ID, e.Kind)
	}
	if IsTransition(e.Kind) {
		next := State(e.Kind)
		allowed := transitions[c.State]
		if !slices.Contains(allowed, next) {
			a := "none"
			if len(allowed) > 0 {
				a = joinStates(allowed)
			}
			return fmt.Errorf("case %s: cannot go from %s to %s; allowed: %s: %w", c.ID, c.State, next, a, ErrTransition)
		}
		c.State = next
	}
	c.Events = append(c.Events, e)
	sort.SliceStable(c.Events, func(i, j int) bool { return c.Events[i].Date.Before(c.Events[j].Date) })
	return nil
}

func joinStates(ss []State) string {
	s := make([]string, len(ss))
	for i, x := range ss {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// Delays gives, for each state, how long after entering it (or after the
// last reminder) the case needs action again. States absent never fall due.
type Delays map[State]time.Duration

const day = 24 * time.Hour

// DefaultDelays: an open case needs its alert at once; 30 days for a DPO
// to answer; three months for the authority to handle a complaint (GDPR
// art. 78(2)); 30 days after a regression.
func DefaultDelays() Delays {
	return Delays{Open: 0, DPOAlerted: 30 * day, ComplaintFiled: 90 * day, Regressed: 30 * day}
}

// ParseDelays reads "state=days" pairs separated by commas
// ("dpo-alerted=30,complaint-filed=90") over the defaults.
func ParseDelays(s string) (Delays, error) {
	d := DefaultDelays()
	for _, kv := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' }) {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || !slices.Contains(States(), State(k)) {
			return nil, fmt.Errorf("delay %q: want state=days, e.g. dpo-alerted=30", kv)
		}
		d[State(k)] = time.Duration(n) * day
	}
	return d, nil
}

// Due returns when the case next needs action under delays, and whether
// that date is at or before now. A case whose state has no delay is never
// due.
func (c *Case) Due(now time.Time, delays Delays) (time.Time, bool) {
	if c.IsRights() {
		return c.rightsDue(now, delays)
	}
	d, ok := delays[c.State]
	if !ok {
		return time.Time{}, false
	}
	since := c.Created
	for _, e := range c.Events {
		if e.Kind == string(c.State) || e.Kind == KindReminder {
			since = e.Date
		}
	}
	due := since.Add(d)
	return due, !due.After(now)
}

// Group builds one case per organisation from findings: a finding's
// organisation is its Organisation field, else the directory's match for
// its site; organisations are then replaced by their topmost parent in the
// directory, so a ministry's case covers all its prefectures. Findings of
// no known organisation are grouped under their site's host. Cases come
// back in organisation order, with findings and sites sorted.
func Group(findings []finding.Finding, dir *Directory, now time.Time) []Case {
	if dir == nil {
		dir = NewDirectory(nil)
	}
	byOrg := map[string]*Case{}
	siteSeen := map[string]map[string]bool{}
	for _, f := range findings {
		org := f.Organisation
		if org == "" {
			org = dir.ForSite(f.Site)
		}
		if org == "" {
			org = f.Site
		}
		org = dir.Top(org)
		c := byOrg[org]
		if c == nil {
			c = &Case{Organisation: org, State: Open, Created: now}
			byOrg[org] = c
			siteSeen[org] = map[string]bool{}
		}
		if !slices.Contains(c.Findings, f.ID) {
			c.Findings = append(c.Findings, f.ID)
		}
		if !siteSeen[org][f.Site] {
			siteSeen[org][f.Site] = true
			c.Sites = append(c.Sites, f.Site)
		}
	}
	var out []Case
	for _, c := range byOrg {
		sort.Strings(c.Findings)
		sort.Strings(c.Sites)
		n := len(c.Sites)
		if n == 1 {
			c.Title = fmt.Sprintf("%s — 1 site", c.Organisation)
		} else {
			c.Title = fmt.Sprintf("%s — %d sites", c.Organisation, n)
		}
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Organisation < out[j].Organisation })
	return out
}

// ErrNotFound is returned, wrapped, for an unknown case or organisation.
var ErrNotFound = errors.New("not found")

// Store keeps organisations and cases. Implementations are safe for
// concurrent use.
type Store interface {
	// PutOrganisation inserts or replaces the organisation of that name.
	PutOrganisation(ctx context.Context, o Organisation) error
	// Organisations returns all organisations ordered by name.
	Organisations(ctx context.Context) ([]Organisation, error)
	// CreateCase stores c with its findings, sites and events, and sets its
	// ID ("C-1", "C-2"...).
	CreateCase(ctx context.Context, c *Case) error
	// Case returns a case with its events in date order; an unknown ID is an
	// error wrapping ErrNotFound.
	Case(ctx context.Context, id string) (*Case, error)
	// Cases returns every case (events included) in creation order.
	Cases(ctx context.Context) ([]Case, error)
	// AddEvent appends e to the case and sets its state to state, in one
	// transaction. Callers validate with Case.Apply first (see Record).
	AddEvent(ctx context.Context, id string, e Event, state State) error
}

// Record loads case id, applies e and stores it.
func Record(ctx context.Context, s Store, id string, e Event) (*Case, error) {
	c, err := s.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.Apply(e); err != nil {
		return nil, err
	}
	if err := s.AddEvent(ctx, id, e, c.State); err != nil {
		return nil, err
	}
	return c, nil
}
