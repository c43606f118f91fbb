package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kinds of case. A case about findings has the empty kind, as every case
// had before rights requests existed.
const (
	KindFindings      = ""
	KindRightsRequest = "rights-request"
)

// Right is the data subject's right a request exercises.
type Right string

// The rights a rights-request case can exercise.
const (
	RightAccess    Right = "access"    // GDPR art. 15
	RightErasure   Right = "erasure"   // GDPR art. 17
	RightObjection Right = "objection" // GDPR art. 21
)

// Rights returns the rights a request can exercise.
func Rights() []Right { return []Right{RightAccess, RightErasure, RightObjection} }

// Request is what a rights-request case asks of the controller.
type Request struct {
	Right Right `json:"right"`
	// Subject is the data subject making the request, who signs it.
	Subject string `json:"subject"`
	// Contact is where the answer should go (email or postal address).
	Contact string `json:"contact,omitempty"`
	// About names the data or the processing concerned, with what lets the
	// controller find them (a file or customer number).
	About string `json:"about,omitempty"`
	// Reason gives the grounds of an erasure (art. 17(1)) or the particular
	// situation an objection rests on (art. 21(1)).
	Reason string `json:"reason,omitempty"`
}

// States proper to rights requests; the others (open, complaint-filed,
// authority-answered, closed, withdrawn) are shared with finding cases.
const (
	// RequestSent: the request left; art. 12(3)'s month runs from its
	// receipt.
	RequestSent State = "request-sent"
	// Answered: the controller answered. An answer found wanting may still
	// lead to a complaint.
	Answered State = "answered"
)

// Event kinds of rights requests that change no state.
const (
	// KindReceived dates the controller's receipt of the request (an
	// acknowledgement, a postal receipt); without it, the deadline runs
	// from the date the request was sent.
	KindReceived = "request-received"
	// KindExtension records the controller telling the subject, within
	// the first month, that it takes two further months (art. 12(3)).
	KindExtension = "extension"
)

// rightsTransitions is the life cycle of a rights request.
var rightsTransitions = map[State][]State{
	Open:              {RequestSent, Withdrawn},
	RequestSent:       {Answered, ComplaintFiled, Closed, Withdrawn},
	Answered:          {ComplaintFiled, Closed, Withdrawn},
	ComplaintFiled:    {ComplaintFiled, AuthorityAnswered, Answered, Closed, Withdrawn},
	AuthorityAnswered: {ComplaintFiled, Closed, Withdrawn},
	Closed:            nil,
	Withdrawn:         nil,
}

// RightsStates returns the states of a rights request, in life-cycle order.
func RightsStates() []State {
	return []State{Open, RequestSent, Answered, ComplaintFiled, AuthorityAnswered, Closed, Withdrawn}
}

// IsRights reports whether c is a data subject's rights request.
func (c *Case) IsRights() bool { return c.Kind == KindRightsRequest }

// Next returns the states the case may go to next, by its kind.
func (c *Case) Next() []State {
	if c.IsRights() {
		return slices.Clone(rightsTransitions[c.State])
	}
	return Allowed(c.State)
}

// NewRightsRequest returns an open rights-request case of subject r
// against organisation org, created at now. It is private: nothing of it
// is published unless its owner asks (see Case.Private).
func NewRightsRequest(org string, r Request, now time.Time) (Case, error) {
	r.Subject = strings.TrimSpace(r.Subject)
	if strings.TrimSpace(org) == "" {
		return Case{}, fmt.Errorf("a rights request needs an organisation")
	}
	if !slices.Contains(Rights(), r.Right) {
		return Case{}, fmt.Errorf("right %q: want access, erasure or objection", r.Right)
	}
	if r.Subject == "" {
		return Case{}, fmt.Errorf("a rights request needs the data subject's name (who signs it)")
	}
	title := map[Right]string{RightAccess: "access request (GDPR art. 15)", RightErasure: "erasure request (GDPR art. 17)", RightObjection: "objection (GDPR art. 21)"}[r.Right]
	req := r
	return Case{
		Kind: KindRightsRequest, Request: &req, Organisation: org, State: Open, Created: now,
		Title: fmt.Sprintf("%s — %s", org, title),
	}, nil
}

// applyRights is Apply for a rights request.
func (c *Case) applyRights(e Event) error {
	kinds := []string{KindNote, KindReminder, KindReceived, KindExtension}
	for _, s := range RightsStates()[1:] {
		kinds = append(kinds, string(s))
	}
	if !slices.Contains(kinds, e.Kind) {
		return fmt.Errorf("case %s: unknown event kind %q for a rights request (want one of %s)", c.ID, e.Kind, strings.Join(kinds, ", "))
	}
	if e.Date.IsZero() {
		return fmt.Errorf("case %s: event %s has no date", c.ID, e.Kind)
	}
	start, sent := c.periodStart()
	switch e.Kind {
	case KindReceived:
		if !sent {
			return fmt.Errorf("case %s: a request is received after it is sent: record request-sent first: %w", c.ID, ErrTransition)
		}
		if dateOf(e.Date).Before(dateOf(c.sentAt())) {
			return fmt.Errorf("case %s: received on %s, before it was sent on %s: %w", c.ID, e.Date.Format(time.DateOnly), c.sentAt().Format(time.DateOnly), ErrTransition)
		}
		if c.has(KindReceived) {
			return fmt.Errorf("case %s: the request's receipt is already recorded: %w", c.ID, ErrTransition)
		}
		if c.has(KindExtension) {
			return fmt.Errorf("case %s: record the receipt before the extension it dates: %w", c.ID, ErrTransition)
		}
	case KindExtension:
		if c.State != RequestSent {
			return fmt.Errorf("case %s: an extension applies to a request awaiting its answer, not in state %s: %w", c.ID, c.State, ErrTransition)
		}
		if c.has(KindExtension) {
			return fmt.Errorf("case %s: the deadline was already extended; art. 12(3) allows one extension of two months: %w", c.ID, ErrTransition)
		}
		first := PeriodEnd(start, 1)
		if dateOf(e.Date).After(first) {
			return fmt.Errorf("case %s: extension announced on %s, after the first month ended on %s: art. 12(3) requires it within one month of receipt, so the deadline stays %s: %w",
				c.ID, e.Date.Format(time.DateOnly), first.Format(time.DateOnly), first.Format(time.DateOnly), ErrTransition)
		}
		if dateOf(e.Date).Before(dateOf(start)) {
			return fmt.Errorf("case %s: extension dated %s, before the request was received on %s: %w", c.ID, e.Date.Format(time.DateOnly), start.Format(time.DateOnly), ErrTransition)
		}
	case KindNote, KindReminder:
	default:
		next := State(e.Kind)
		if !slices.Contains(rightsTransitions[c.State], next) {
			a := "none"
			if len(rightsTransitions[c.State]) > 0 {
				a = joinStates(rightsTransitions[c.State])
			}
			return fmt.Errorf("case %s: cannot go from %s to %s; allowed: %s: %w", c.ID, c.State, next, a, ErrTransition)
		}
		c.State = next
	}
	c.Events = append(c.Events, e)
	// Same order as Apply: by date, stable.
	slices.SortStableFunc(c.Events, func(a, b Event) int { return a.Date.Compare(b.Date) })
	return nil
}

// has reports whether the case has an event of kind.
func (c *Case) has(kind string) bool {
	return slices.ContainsFunc(c.Events, func(e Event) bool { return e.Kind == kind })
}

// sentAt returns the date of the first request-sent event, zero if none.
func (c *Case) sentAt() time.Time {
	for _, e := range c.Events {
		if e.Kind == string(RequestSent) {
			return e.Date
		}
	}
	return time.Time{}
}

// periodStart returns the day art. 12(3)'s period runs from: the
// recorded receipt of the request, else the day it was sent (the earliest
// it can have been received: a deadline counted from it may come a few
// days early for a letter, never late). ok is false before the request is
// sent.
func (c *Case) periodStart() (start time.Time, ok bool) {
	sent := c.sentAt()
	if sent.IsZero() {
		return time.Time{}, false
	}
	for _, e := range c.Events {
		if e.Kind == KindReceived {
			return dateOf(e.Date), true
		}
	}
	return dateOf(sent), true
}

// Deadline returns the last day the controller has to answer the request
// under GDPR art. 12(3): one month from receipt, three when it announced
// the two-month extension within the first month. ok is false for a case
// that is not a rights request or whose request was not sent yet.
func (c *Case) Deadline() (deadline time.Time, extended, ok bool) {
	if !c.IsRights() {
		return time.Time{}, false, false
	}
	start, ok := c.periodStart()
	if !ok {
		return time.Time{}, false, false
	}
	if c.has(KindExtension) {
		return PeriodEnd(start, 3), true, true
	}
	return PeriodEnd(start, 1), false, true
}

// rightsDue is Due for a rights request: an open request is to be sent at
// once; a sent one falls due the day after its deadline passes without an
// answer, when a complaint to the authority (art. 77) is in order; a
// complaint falls due after the complaint-filed delay, as for findings.
func (c *Case) rightsDue(now time.Time, delays Delays) (time.Time, bool) {
	switch c.State {
	case Open:
		return c.Created, !c.Created.After(now)
	case RequestSent:
		d, _, ok := c.Deadline()
		if !ok {
			return time.Time{}, false
		}
		escalate := d.AddDate(0, 0, 1)
		return escalate, !escalate.After(now)
	case ComplaintFiled:
		delay, ok := delays[ComplaintFiled]
		if !ok {
			return time.Time{}, false
		}
		since := c.Created
		for _, e := range c.Events {
			if e.Kind == string(ComplaintFiled) || e.Kind == KindReminder {
				since = e.Date
			}
		}
		due := since.Add(delay)
		return due, !due.After(now)
	}
	return time.Time{}, false
}

// dateOf returns the calendar day of t (UTC), at midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// PeriodEnd returns the last day of a period of n months that runs from
// the event of day start, by the rules of Regulation (EEC, Euratom) No
// 1182/71 on periods, dates and time limits, which apply to the GDPR's
// deadlines (the EDPB's guidelines 01/2022 on the right of access say so):
//
//   - art. 3(1): the day of the event (the receipt) is not counted;
//   - art. 3(2)(c): a period in months ends on the day of the last month
//     with the same date as the start — 15 January plus one month is 15
//     February — or, when that month has no such date, on its last day:
//     31 January plus one month is 28 February (29 in a leap year). The
//     months are added to the start date, never chained: three months from
//     31 January end on 30 April, not on 28 April;
//   - art. 3(4): a period ending on a Saturday, a Sunday or a public
//     holiday ends on the next working day. Public holidays are those of
//     France (Code du travail, art. L3133-1), where the CNIL sits: the
//     controller of another member state may have other holidays, so a
//     deadline there can be off by a day in its favour or against it.
//
// The result is a date at midnight UTC; the period ends at the end of that
// day.
func PeriodEnd(start time.Time, months int) time.Time {
	y, m, d := start.UTC().Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	end := time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
	for !WorkingDay(end) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

// WorkingDay reports whether day t is neither a weekend nor a French
// public holiday.
func WorkingDay(t time.Time) bool {
	switch t.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !frenchHoliday(t)
}

// frenchHoliday reports whether t is one of the eleven public holidays of
// the Code du travail, art. L3133-1 (Alsace-Moselle's two more aside).
func frenchHoliday(t time.Time) bool {
	y, m, d := t.UTC().Date()
	switch {
	case m == time.January && d == 1, m == time.May && (d == 1 || d == 8), m == time.July && d == 14,
		m == time.August && d == 15, m == time.November && (d == 1 || d == 11), m == time.December && d == 25:
		return true
	}
	easter := easterSunday(y)
	for _, offset := range []int{1, 39, 50} { // Easter Monday, Ascension, Whit Monday
		h := easter.AddDate(0, 0, offset)
		if h.Month() == m && h.Day() == d {
			return true
		}
	}
	return false
}

// easterSunday returns the date of Easter in the Gregorian calendar (the
// anonymous algorithm published in Nature, 1876, known as Meeus/Jones/
// Butcher).
func easterSunday(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	dd := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), dd, 0, 0, 0, 0, time.UTC)
}
