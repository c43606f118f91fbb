package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"vigie/check"
	"vigie/finding"
	"vigie/store"
)

// Item is one finding in an alert, as the dashboard shows it.
type Item struct {
	ID       string `json:"id"`
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Site     string `json:"site"`
	// URL is the finding's URL, personal query values masked as stored.
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Alert is what one scan changed for one subscription.
type Alert struct {
	// Schedule and Group name what ran; Scan is the scan's ID.
	Schedule string    `json:"schedule"`
	Group    string    `json:"group"`
	Scan     string    `json:"scan"`
	At       time.Time `json:"at"`
	// New and Regressed are failures (never informational notes); Fixed
	// are failures the scan found gone.
	New       []Item `json:"new"`
	Regressed []Item `json:"regressed"`
	Fixed     []Item `json:"fixed"`
}

// Empty reports whether the alert has nothing to say.
func (a *Alert) Empty() bool { return len(a.New)+len(a.Regressed)+len(a.Fixed) == 0 }

// Store is what the dispatcher reads and writes.
type Store interface {
	Diff(ctx context.Context, scanID string) (*store.Diff, error)
	Subscriptions(ctx context.Context, user string) ([]store.Subscription, error)
	QueueAlert(ctx context.Context, a store.QueuedAlert) error
	QueuedAlerts(ctx context.Context, subscription string) ([]store.QueuedAlert, error)
	DeleteQueuedAlerts(ctx context.Context, ids []string) error
	AddDelivery(ctx context.Context, d store.Delivery) error
}

// Options configure a Dispatcher.
type Options struct {
	Store Store
	// SMTP sends the emails; a zero SMTP.Addr sends none (and logs the
	// failure of each email delivery).
	SMTP SMTP
	// HTTP posts the webhooks (default: a client with a 10 s timeout that
	// refuses private addresses unless AllowPrivate).
	HTTP         *http.Client
	AllowPrivate bool
	// Attempts bounds the tries of one delivery (default 5); the wait
	// before try n+1 is Backoff << (n-1) (default 1 s).
	Attempts int
	Backoff  time.Duration
	// Dashboard, when set, is the dashboard's base URL, for links.
	Dashboard string
	Now       func() time.Time
	Log       *slog.Logger
}

// Dispatcher builds and delivers alerts. It is safe for concurrent use.
type Dispatcher struct{ o Options }

// New returns a dispatcher.
func New(o Options) *Dispatcher {
	if o.Attempts <= 0 {
		o.Attempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.HTTP == nil {
		o.HTTP = webhookClient(o.AllowPrivate)
	}
	return &Dispatcher{o: o}
}

// threshold is a subscription's minimum severity, never below low.
func threshold(s store.Subscription) finding.Severity {
	min, err := finding.ParseThreshold(s.MinSeverity)
	if err != nil {
		return finding.Low
	}
	return min
}

func items(fs []finding.Finding, min finding.Severity) []Item {
	out := []Item{}
	for _, f := range fs {
		if !f.Severity.IsFailure(min) {
			continue
		}
		out = append(out, Item{ID: f.ID, Check: f.Check, Severity: f.Severity.String(), Site: f.Site, URL: f.URL, Title: f.Title})
	}
	return out
}

// Build returns what diff means for subscription s.
func Build(s store.Subscription, schedule, group string, diff *store.Diff, at time.Time) Alert {
	min := threshold(s)
	a := Alert{Schedule: schedule, Group: group, Scan: diff.Scan, At: at.UTC(),
		New: items(diff.New, min), Regressed: items(diff.Regressed, min), Fixed: []Item{}}
	if s.Fixes {
		a.Fixed = items(diff.Fixed, min)
	}
	return a
}

// wants reports whether s follows group.
func wants(s store.Subscription, group string) bool {
	return len(s.Groups) == 0 || slices.Contains(s.Groups, group)
}

// ScanFinished alerts the subscribers of group about what scan changed:
// immediately, or queued for their daily digest.
func (d *Dispatcher) ScanFinished(ctx context.Context, schedule, group, scanID string) error {
	diff, err := d.o.Store.Diff(ctx, scanID)
	if err != nil {
		return fmt.Errorf("alert: scan %s: %w", scanID, err)
	}
	subs, err := d.o.Store.Subscriptions(ctx, "")
	if err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	now := d.o.Now()
	var due []batch
	var errs []error
	for _, s := range subs {
		if !wants(s, group) {
			continue
		}
		a := Build(s, schedule, group, diff, now)
		if a.Empty() {
			continue
		}
		if s.Digest == store.DigestDaily {
			b, _ := json.Marshal(a) // plain data: always encodes
			if err := d.o.Store.QueueAlert(ctx, store.QueuedAlert{Subscription: s.ID, Created: now, Alert: b}); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		due = append(due, batch{sub: s, alerts: []Alert{a}})
	}
	return errors.Join(append(errs, d.deliver(ctx, due, scanID))...)
}

// FlushDigests delivers the alerts queued for daily digests and removes
// those delivered (a failed delivery keeps them for the next flush).
func (d *Dispatcher) FlushDigests(ctx context.Context) error {
	subs, err := d.o.Store.Subscriptions(ctx, "")
	if err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	var (
		due  []batch
		errs []error
	)
	for _, s := range subs {
		if s.Digest != store.DigestDaily {
			continue
		}
		q, err := d.o.Store.QueuedAlerts(ctx, s.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b := batch{sub: s}
		for _, x := range q {
			var a Alert
			if err := json.Unmarshal(x.Alert, &a); err != nil {
				errs = append(errs, fmt.Errorf("alert: queued alert %s: %w", x.ID, err))
				continue
			}
			b.alerts = append(b.alerts, a)
			b.queued = append(b.queued, x.ID)
		}
		if len(b.alerts) > 0 {
			due = append(due, b)
		}
	}
	return errors.Join(append(errs, d.deliver(ctx, due, ""))...)
}

// batch is what one subscription is to receive.
type batch struct {
	sub    store.Subscription
	alerts []Alert
	queued []string // queued alert IDs to delete once delivered
	// delivered is set per channel once delivered.
	mailed, posted bool
}

// deliver sends each batch's webhook and one email per recipient
// gathering every batch addressed to it.
func (d *Dispatcher) deliver(ctx context.Context, due []batch, scanID string) error {
	var errs []error
	byRecipient := map[string][]int{}
	var order []string
	for i := range due {
		b := &due[i]
		if b.sub.Webhook != "" {
			if err := d.postWebhook(ctx, b.sub, b.alerts, scanID); err != nil {
				errs = append(errs, err)
			} else {
				b.posted = true
			}
		} else {
			b.posted = true
		}
		if e := b.sub.Email; e != "" {
			if _, ok := byRecipient[e]; !ok {
				order = append(order, e)
			}
			byRecipient[e] = append(byRecipient[e], i)
		} else {
			b.mailed = true
		}
	}
	for _, to := range order {
		idx := byRecipient[to]
		var alerts []Alert
		for _, i := range idx {
			alerts = append(alerts, due[i].alerts...)
		}
		first := due[idx[0]].sub // the recipient's language: its first subscription's
		if err := d.sendEmail(ctx, first, to, alerts, scanID); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, i := range idx {
			due[i].mailed = true
		}
	}
	for _, b := range due {
		if b.mailed && b.posted && len(b.queued) > 0 {
			if err := d.o.Store.DeleteQueuedAlerts(ctx, b.queued); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// retry runs try up to Attempts times with exponential backoff, logging
// each attempt as a delivery.
func (d *Dispatcher) retry(ctx context.Context, sub store.Subscription, channel, target, scanID string, try func() (string, error)) error {
	var err error
	for n := 1; n <= d.o.Attempts; n++ {
		var detail string
		detail, err = try()
		del := store.Delivery{Subscription: sub.ID, Channel: channel, Target: target, Scan: scanID, At: d.o.Now(), Attempt: n, Status: "sent", Detail: detail}
		if err != nil {
			del.Status, del.Detail = "failed", err.Error()
		}
		if lerr := d.o.Store.AddDelivery(ctx, del); lerr != nil {
			d.o.Log.Warn("recording a delivery", "err", lerr)
		}
		if err == nil {
			d.o.Log.Info("alert delivered", "channel", channel, "subscription", sub.ID, "attempt", n)
			return nil
		}
		d.o.Log.Warn("alert delivery failed", "channel", channel, "subscription", sub.ID, "attempt", n, "err", err)
		if n == d.o.Attempts {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d.o.Backoff << (n - 1)):
		}
	}
	return fmt.Errorf("alert: %s to %s: %d attempts: %w", channel, target, d.o.Attempts, err)
}

// title returns the catalogue's title of a check in lang, else fallback.
func title(checkID, lang, fallback string) string {
	m, ok := check.Lookup(checkID)
	if !ok {
		return fallback
	}
	if lang == "fr" && m.Title.FR != "" {
		return m.Title.FR
	}
	if m.Title.EN != "" {
		return m.Title.EN
	}
	return fallback
}
