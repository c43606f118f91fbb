package cases

import (
	"errors"
	"testing"
	"time"
)

func TestPeriodEnd(t *testing.T) {
	tests := []struct {
		name   string
		start  string
		months int
		want   string
	}{
		{"same date next month", "2022-01-15", 1, "2022-02-15"},
		{"31 January, no 31 February", "2022-01-31", 1, "2022-02-28"},
		{"31 January of a leap year", "2024-01-31", 1, "2024-02-29"},
		{"28 February ends 28 March, not the month's end", "2022-02-28", 1, "2022-03-28"},
		{"end on a Sunday moves to Monday", "2021-01-31", 1, "2021-03-01"},
		{"end on a Saturday before a Sunday holiday", "2022-03-31", 1, "2022-05-02"},
		{"end on 14 July moves to the 15th", "2022-06-14", 1, "2022-07-15"},
		{"end on Easter Monday", "2024-03-01", 1, "2024-04-02"},
		{"end on Ascension", "2026-04-14", 1, "2026-05-15"},
		{"end on Whit Monday", "2026-04-25", 1, "2026-05-26"},
		{"end on 15 August", "2022-07-15", 1, "2022-08-16"},
		{"over the year's end", "2022-12-10", 1, "2023-01-10"},
		{"30 December ends on 30 January", "2022-12-30", 1, "2023-01-30"},
		{"three months from 31 January, added to the start", "2022-01-31", 3, "2022-05-02"},
		{"three months from 30 November", "2022-11-30", 3, "2023-02-28"},
		{"three months from 31 December, leap year", "2023-11-30", 3, "2024-02-29"},
		{"a time of day is ignored", "2022-01-15T23:59:00Z", 1, "2022-02-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, err := time.Parse(time.RFC3339, tt.start)
			if err != nil {
				start = date(tt.start)
			}
			if got := PeriodEnd(start, tt.months); !got.Equal(date(tt.want)) {
				t.Errorf("PeriodEnd(%s, %d) = %s, want %s", tt.start, tt.months, got.Format(time.DateOnly), tt.want)
			}
		})
	}
	for y, want := range map[int]string{2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2038: "2038-04-25"} {
		if got := easterSunday(y); !got.Equal(date(want)) {
			t.Errorf("easterSunday(%d) = %s, want %s", y, got.Format(time.DateOnly), want)
		}
	}
}

func rightsCase(t *testing.T, events ...Event) (*Case, error) {
	t.Helper()
	c, err := NewRightsRequest("France Travail", Request{Right: RightAccess, Subject: "Jean Exemple"}, date("2022-01-03"))
	if err != nil {
		t.Fatal(err)
	}
	c.ID = "C-9"
	for _, e := range events {
		if err := c.Apply(e); err != nil {
			return &c, err
		}
	}
	return &c, nil
}

func ev(kind, d string) Event { return Event{Kind: kind, Date: date(d)} }

// TestRightsDeadline: the controller's deadline (GDPR art. 12(3)), its
// extension, and when the case falls due for a complaint (art. 77).
func TestRightsDeadline(t *testing.T) {
	tests := []struct {
		name     string
		events   []Event
		deadline string // "" when there is none
		extended bool
		// the case is not due on the deadline, due the day after (escalate)
		escalate string
		state    State
	}{
		{name: "not sent: due at once", events: nil, escalate: "2022-01-03", state: Open},
		{name: "from the sending when the receipt is unknown", events: []Event{ev("request-sent", "2022-01-31")},
			deadline: "2022-02-28", escalate: "2022-03-01", state: RequestSent},
		{name: "from the receipt when recorded", events: []Event{ev("request-sent", "2022-01-28"), ev("request-received", "2022-01-31")},
			deadline: "2022-02-28", escalate: "2022-03-01", state: RequestSent},
		{name: "leap year", events: []Event{ev("request-sent", "2024-01-31")},
			deadline: "2024-02-29", escalate: "2024-03-01", state: RequestSent},
		{name: "deadline on a Sunday", events: []Event{ev("request-sent", "2021-01-31")},
			deadline: "2021-03-01", escalate: "2021-03-02", state: RequestSent},
		{name: "extended within the month: three months from receipt", events: []Event{ev("request-sent", "2022-01-31"), ev("extension", "2022-02-20")},
			deadline: "2022-05-02", extended: true, escalate: "2022-05-03", state: RequestSent},
		{name: "extended on the month's last day", events: []Event{ev("request-sent", "2022-01-10"), ev("extension", "2022-02-10")},
			deadline: "2022-04-11", extended: true, escalate: "2022-04-12", state: RequestSent},
		{name: "extended on the rolled-over last day", events: []Event{ev("request-sent", "2021-01-31"), ev("extension", "2021-03-01")},
			deadline: "2021-04-30", extended: true, escalate: "2021-05-01", state: RequestSent},
		{name: "answered: nothing due", events: []Event{ev("request-sent", "2022-01-31"), ev("answered", "2022-02-15")},
			deadline: "2022-02-28", state: Answered},
		{name: "complaint: the authority's three months", events: []Event{ev("request-sent", "2022-01-31"), ev("complaint-filed", "2022-03-02")},
			deadline: "2022-02-28", escalate: "2022-05-31", state: ComplaintFiled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rightsCase(t, tt.events...)
			if err != nil {
				t.Fatal(err)
			}
			if c.State != tt.state {
				t.Errorf("state = %s, want %s", c.State, tt.state)
			}
			d, ext, ok := c.Deadline()
			switch {
			case tt.deadline == "" && ok:
				t.Errorf("Deadline() = %s, want none", d.Format(time.DateOnly))
			case tt.deadline != "" && (!ok || !d.Equal(date(tt.deadline)) || ext != tt.extended):
				t.Errorf("Deadline() = %s, extended %v, %v; want %s, extended %v", d.Format(time.DateOnly), ext, ok, tt.deadline, tt.extended)
			}
			if tt.escalate == "" {
				if when, due := c.Due(date("2030-01-01"), DefaultDelays()); due || !when.IsZero() {
					t.Errorf("Due() = %s, %v; want never", when.Format(time.DateOnly), due)
				}
				return
			}
			esc := date(tt.escalate)
			if when, due := c.Due(esc, DefaultDelays()); !due || !when.Equal(esc) {
				t.Errorf("Due(%s) = %s, %v; want %s, due", tt.escalate, when.Format(time.DateOnly), due, tt.escalate)
			}
			if tt.state != Open {
				if when, due := c.Due(esc.AddDate(0, 0, -1), DefaultDelays()); due {
					t.Errorf("Due(the day before, %s) = %s, due; want not yet", esc.AddDate(0, 0, -1).Format(time.DateOnly), when.Format(time.DateOnly))
				}
			}
		})
	}
}

func TestRightsEventsRefused(t *testing.T) {
	tests := []struct {
		name   string
		events []Event
	}{
		{"extension after the first month", []Event{ev("request-sent", "2022-01-10"), ev("extension", "2022-02-11")}},
		{"extension after the rolled-over month", []Event{ev("request-sent", "2021-01-31"), ev("extension", "2021-03-02")}},
		{"second extension", []Event{ev("request-sent", "2022-01-10"), ev("extension", "2022-01-20"), ev("extension", "2022-01-25")}},
		{"extension before the request is sent", []Event{ev("extension", "2022-01-20")}},
		{"extension before the receipt", []Event{ev("request-sent", "2022-01-10"), ev("request-received", "2022-01-12"), ev("extension", "2022-01-11")}},
		{"extension of an answered request", []Event{ev("request-sent", "2022-01-10"), ev("answered", "2022-01-20"), ev("extension", "2022-01-25")}},
		{"receipt before sending", []Event{ev("request-sent", "2022-01-10"), ev("request-received", "2022-01-09")}},
		{"receipt of a request never sent", []Event{ev("request-received", "2022-01-09")}},
		{"receipt recorded after the extension", []Event{ev("request-sent", "2022-01-10"), ev("extension", "2022-01-20"), ev("request-received", "2022-01-12")}},
		{"answered before sending", []Event{ev("answered", "2022-01-09")}},
		{"a finding case's state", []Event{ev("request-sent", "2022-01-10"), ev("dpo-alerted", "2022-01-11")}},
		{"after closing", []Event{ev("request-sent", "2022-01-10"), ev("closed", "2022-01-11"), ev("complaint-filed", "2022-03-11")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rightsCase(t, tt.events...)
			if err == nil {
				t.Fatalf("accepted; state %s, events %v", c.State, c.Events)
			}
			if len(c.Events) != len(tt.events)-1 {
				t.Errorf("the refused event was recorded: %v", c.Events)
			}
			if tt.name != "a finding case's state" && !errors.Is(err, ErrTransition) {
				t.Errorf("error %v does not wrap ErrTransition", err)
			}
		})
	}
	// Rights events do not belong to cases about findings.
	c := Case{ID: "C-1", State: Open}
	if err := c.Apply(ev("request-sent", "2022-01-10")); err == nil {
		t.Error("a finding case accepted request-sent")
	}
	if _, _, ok := c.Deadline(); ok {
		t.Error("a finding case has a rights deadline")
	}
}

func TestNewRightsRequest(t *testing.T) {
	for _, tt := range []struct {
		org string
		r   Request
		ok  bool
	}{
		{"France Travail", Request{Right: RightAccess, Subject: "Jean Exemple"}, true},
		{"France Travail", Request{Right: RightObjection, Subject: " Jean Exemple "}, true},
		{"", Request{Right: RightAccess, Subject: "Jean Exemple"}, false},
		{"France Travail", Request{Right: "portability", Subject: "Jean Exemple"}, false},
		{"France Travail", Request{Right: RightErasure, Subject: "  "}, false},
	} {
		c, err := NewRightsRequest(tt.org, tt.r, date("2022-01-03"))
		if (err == nil) != tt.ok {
			t.Errorf("NewRightsRequest(%q, %+v) error %v, want ok %v", tt.org, tt.r, err, tt.ok)
			continue
		}
		if tt.ok && (c.Kind != KindRightsRequest || c.State != Open || c.Request.Subject != "Jean Exemple" || len(c.Next()) != 2) {
			t.Errorf("NewRightsRequest = %+v", c)
		}
	}
}
