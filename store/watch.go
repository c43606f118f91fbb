package store

import (
	"context"
	"time"
)

// Group is a saved group of sites: a site belongs to it when its URL is
// listed, when it carries one of the tags (in its latest audit or as a
// label of the site or of its organisation), or when its organisation is
// listed.
type Group struct {
	Name                       string
	Sites, Tags, Organisations []string
	Created                    time.Time
}

// Kinds of Label.
const (
	LabelSite         = "site"
	LabelOrganisation = "organisation"
)

// Label is a tag attached on the dashboard to a site (Subject: its URL) or
// an organisation (Subject: its name).
type Label struct {
	Kind, Subject, Tag string
}

// Kinds of Schedule.
const (
	// ScheduleScan rescans a group.
	ScheduleScan = "scan"
	// ScheduleVerify re-verifies the cases awaiting verification.
	ScheduleVerify = "verify"
)

// Schedule is a recurring job of vigie serve and vigie watch.
type Schedule struct {
	Name string
	// Kind is ScheduleScan or ScheduleVerify.
	Kind string
	// Group is the group a scan schedule rescans.
	Group string
	// Every, when positive, runs the job at that interval; otherwise Cron
	// (five fields, or a descriptor such as @daily) says when.
	Every time.Duration
	Cron  string
	// Browser and Active are the scan's settings.
	Browser, Active bool
	Owner           string
	Created         time.Time
	// NextRun is when the job is due; LastRun, LastScan and LastError
	// describe its last run (zero or "" before the first).
	NextRun, LastRun    time.Time
	LastScan, LastError string
}

// Digest modes of a Subscription.
const (
	DigestImmediate = "immediate"
	DigestDaily     = "daily"
)

// Subscription says which alerts a user receives, and how.
type Subscription struct {
	ID   string
	User string
	// Email and Webhook are the channels ("" for none); Secret signs the
	// webhook's payloads.
	Email, Webhook, Secret string
	// Lang is "fr" or "en".
	Lang string
	// Groups limits the alerts to scans of those groups; empty: all.
	Groups []string
	// MinSeverity is the lowest severity (name) that alerts; never below
	// "low": informational notes are no failures.
	MinSeverity string
	// Digest is DigestImmediate or DigestDaily; Fixes also reports fixed
	// failures.
	Digest  string
	Fixes   bool
	Created time.Time
}

// QueuedAlert is an alert waiting for its subscription's daily digest;
// Alert is the alert as JSON.
type QueuedAlert struct {
	ID, Subscription string
	Created          time.Time
	Alert            []byte
}

// Delivery is one attempt to deliver an alert.
type Delivery struct {
	ID, Subscription string
	// Channel is "email" or "webhook"; Target the address or URL.
	Channel, Target string
	Scan            string
	At              time.Time
	Attempt         int
	// Status is "sent" or "failed"; Detail says why, or the answer.
	Status, Detail string
}

// APIKey is a key of the HTTP API; the store keeps the SHA-256 of the key
// (hex), never the key.
type APIKey struct {
	ID, User, Name, Hash string
	Created              time.Time
	// LastUsed and Revoked are zero when never.
	LastUsed, Revoked time.Time
}

// Watch keeps what continuous watch needs: groups, labels, schedules,
// subscriptions, queued alerts, deliveries, API keys, and sessions' last
// use. Implementations are safe for concurrent use. Unknown names or IDs
// are errors wrapping ErrNotFound; creating one that exists wraps
// ErrExists.
type Watch interface {
	CreateGroup(ctx context.Context, g Group) error
	// PutGroup replaces the selection of an existing group.
	PutGroup(ctx context.Context, g Group) error
	// RenameGroup renames a group and the schedules and subscriptions
	// that name it.
	RenameGroup(ctx context.Context, from, to string) error
	DeleteGroup(ctx context.Context, name string) error
	Group(ctx context.Context, name string) (*Group, error)
	Groups(ctx context.Context) ([]Group, error)
	// GroupSites returns the URLs of the known sites of a group (sites of
	// its list never audited included), ordered, with the latest audit's
	// organisation and tags when there is one.
	GroupSites(ctx context.Context, name string) ([]SiteSummary, error)

	// AddLabel attaches a tag (adding one present is not an error);
	// RemoveLabel detaches it.
	AddLabel(ctx context.Context, l Label) error
	RemoveLabel(ctx context.Context, l Label) error
	// Labels returns the labels of a kind ("" for both), ordered by kind,
	// subject and tag.
	Labels(ctx context.Context, kind string) ([]Label, error)

	PutSchedule(ctx context.Context, s Schedule) error
	DeleteSchedule(ctx context.Context, name string) error
	Schedules(ctx context.Context) ([]Schedule, error)
	// ClaimSchedule moves a schedule's next run from due to next if it is
	// still due; it reports whether this caller claimed the run.
	ClaimSchedule(ctx context.Context, name string, due, next time.Time) (bool, error)
	// FinishSchedule records the outcome of a run started at ran.
	FinishSchedule(ctx context.Context, name string, ran time.Time, scanID, errText string) error

	// CreateSubscription assigns s.ID when empty.
	CreateSubscription(ctx context.Context, s *Subscription) error
	DeleteSubscription(ctx context.Context, id string) error
	// Subscriptions returns the subscriptions of a user ("" for all).
	Subscriptions(ctx context.Context, user string) ([]Subscription, error)

	QueueAlert(ctx context.Context, a QueuedAlert) error
	// QueuedAlerts returns a subscription's queued alerts, oldest first.
	QueuedAlerts(ctx context.Context, subscription string) ([]QueuedAlert, error)
	DeleteQueuedAlerts(ctx context.Context, ids []string) error

	AddDelivery(ctx context.Context, d Delivery) error
	// Deliveries returns up to limit deliveries, newest first, of the
	// subscriptions of user ("" for all).
	Deliveries(ctx context.Context, user string, limit int) ([]Delivery, error)

	CreateAPIKey(ctx context.Context, k APIKey) error
	// APIKeyByHash returns the key of that hash, revoked or not.
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	APIKeys(ctx context.Context, user string) ([]APIKey, error)
	// RevokeAPIKey revokes a key of user at now.
	RevokeAPIKey(ctx context.Context, user, id string, now time.Time) error
	// TouchAPIKey records a use of a key.
	TouchAPIKey(ctx context.Context, id string, now time.Time) error

	// TouchSession records a use of a session at now and reports whether it
	// was alive: not expired, and used within idle (a session never
	// touched counts from its creation). A dead session is deleted.
	TouchSession(ctx context.Context, tokenHash string, now time.Time, idle time.Duration) (bool, error)
}
