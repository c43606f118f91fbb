package store

import (
	"context"
	"time"

	"vigie/finding"
	"vigie/observation"
)

// Roles of dashboard accounts.
const (
	// RoleViewer reads everything and changes nothing.
	RoleViewer = "viewer"
	// RoleEditor also launches scans and works on cases.
	RoleEditor = "editor"
)

// User is an account of the dashboard (vigie serve).
type User struct {
	Name string
	// Role is RoleViewer or RoleEditor.
	Role string
	// PasswordHash is the encoded hash (argon2id PHC string or bcrypt);
	// the store never sees a password.
	PasswordHash string
	Created      time.Time
}

// Session is a signed-in browser of the dashboard. The store keeps a hash
// of the session token, never the token.
type Session struct {
	TokenHash string
	User      string
	// CSRF is the session's anti-forgery secret.
	CSRF             string
	Created, Expires time.Time
}

// Accounts keeps the dashboard's users and sessions. Implementations are
// safe for concurrent use.
type Accounts interface {
	// PutUser inserts the user or replaces the one of that name.
	PutUser(ctx context.Context, u User) error
	// User returns a user; an unknown name is an error wrapping
	// ErrNotFound.
	User(ctx context.Context, name string) (*User, error)
	// Users returns every user ordered by name.
	Users(ctx context.Context) ([]User, error)
	// DeleteUser removes a user and its sessions; unknown names wrap
	// ErrNotFound.
	DeleteUser(ctx context.Context, name string) error
	// CreateSession stores a session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session of that token hash if it has not
	// expired at now; otherwise an error wrapping ErrNotFound.
	Session(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	// DeleteSession removes a session (sign-out); unknown hashes are not an
	// error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes the sessions expired at now and
	// returns how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// Finding states a Query may select.
const (
	StateOpen      = "open"      // not fixed
	StateFixed     = "fixed"     // fixed
	StateRegressed = "regressed" // open again after a fix
)

// Query selects findings for browsing: Filter's fields plus the ones a
// dashboard needs. Zero fields select everything.
type Query struct {
	Filter
	// Tag keeps findings of sites that carried the tag in their latest
	// audit.
	Tag string
	// State is "", StateOpen, StateFixed or StateRegressed.
	State string
	// Text keeps findings whose URL, title or check contains it (case
	// insensitive).
	Text string
	// Since and Until bound LastSeen (inclusive) when not zero.
	Since, Until time.Time
	// Offset skips that many findings of the ordered result (with
	// Filter.Limit, a page).
	Offset int
	// After, a finding ID, keeps the findings after it in list order
	// (keyset pagination: the API's cursors).
	After string
	// NoTotal spares counting the findings selected in all: Query then
	// returns -1 as the total.
	NoTotal bool
	// Search keeps findings whose searchable words (SearchText) include
	// every word of it (SearchWords), each as a word or a word's start,
	// through the back end's full-text index; SearchChecks, when set,
	// also keeps findings of those checks (whose titles in the catalogue
	// match, which the store does not know).
	Search       string
	SearchChecks []string
	// MaxTotal, when positive, stops counting at that many findings past
	// the page's offset: the total is then at most Offset+MaxTotal, and
	// a total of exactly that means "at least".
	MaxTotal int
}

// SiteSummary is a site as of its latest audit, with its open findings.
type SiteSummary struct {
	URL          string
	Organisation string
	Tags         []string
	// LastScan and LastAudit are the latest scan that recorded the site and
	// when it audited it; Error is that audit's error ("" when it worked).
	LastScan  string
	LastAudit time.Time
	Error     string
	// Open counts the site's open findings by severity name.
	Open map[string]int
}

// SiteQuery selects sites. Zero fields select everything.
type SiteQuery struct {
	// URL, Organisation and Tag match exactly; Text is a
	// case-insensitive substring of the URL.
	URL, Organisation, Tag, Text string
	// Failing keeps sites with at least one open finding at or above
	// MinSeverity (any severity when zero): the dashboard passes its
	// failure threshold, so that informational notes make no site failing.
	Failing       bool
	MinSeverity   finding.Severity
	Limit, Offset int
	// After, a site URL, keeps the sites after it (keyset pagination);
	// NoTotal spares the count (SiteSummaries returns -1).
	After   string
	NoTotal bool
}

// OrganisationSummary is an organisation with the sites it has (as of
// their latest audits) or the directory entry it has, and their open
// findings.
type OrganisationSummary struct {
	Name string
	// DPO and Parent come from the directory (cases.Organisation).
	DPO, Parent string
	// Sites counts its sites, Failing those with an open finding at or
	// above the query's threshold.
	Sites, Failing int
	// Open counts its open findings by severity name (non-zero ones).
	Open map[string]int
	// Findings is the number of its open findings of every severity.
	Findings int
}

// OrganisationQuery selects organisations. Zero fields select everything.
type OrganisationQuery struct {
	// Text is a case-insensitive substring of the name; Tag keeps the
	// organisations labelled with it and those with a site that carries
	// it.
	Text, Tag string
	// Threshold is the failure threshold counting failing sites (zero:
	// finding.DefaultThreshold); informational notes never fail a site.
	Threshold     finding.Severity
	Limit, Offset int
}

// OpenCount is how many findings of a check and severity are open.
type OpenCount struct {
	Check    string
	Severity finding.Severity
	N        int
}

// Summaries answers the dashboard's aggregate questions from totals the
// store keeps as it records sites, never by reading every finding.
// Implementations are safe for concurrent use.
type Summaries interface {
	// OpenCounts returns the open findings by check and severity (non-zero
	// counts only), ordered by check then severity.
	OpenCounts(ctx context.Context) ([]OpenCount, error)
	// SiteCounts returns how many sites there are (as of their latest
	// audits) and how many have an open finding that is a failure at the
	// threshold (zero: finding.DefaultThreshold).
	SiteCounts(ctx context.Context, threshold finding.Severity) (sites, failing int, err error)
	// OrganisationSummaries returns one page of organisations, those
	// with the most open findings first, then by name, and how many q
	// selects in all.
	OrganisationSummaries(ctx context.Context, q OrganisationQuery) ([]OrganisationSummary, int, error)
	// OrganisationSites returns one page of an organisation's sites (as
	// of their latest audits) ordered by URL, each with the retention
	// statements of its latest successful audit, and how many sites the
	// organisation has.
	OrganisationSites(ctx context.Context, organisation string, limit, offset int) ([]OrganisationSite, int, error)
}

// OrganisationSite is a site of an organisation and what its latest
// successful audit read in its notices.
type OrganisationSite struct {
	URL string
	// Scan is the latest successful audit's scan, "" when none worked.
	Scan      string
	Retention []observation.RetentionStatement
}

// SiteAudit is one audit of a site: which scan, its outcome, and what it
// changed.
type SiteAudit struct {
	Scan   string
	Result SiteResult
	// Seen counts the findings the audit saw; New, Fixed and Regressed the
	// changes it recorded.
	Seen, New, Fixed, Regressed int
}

// ScanSummary sums up one scan for trends and lists.
type ScanSummary struct {
	Scan
	// Sites is the number of sites recorded so far, Failed those whose
	// audit failed.
	Sites, Failed int
	// Seen counts the findings the scan saw, by severity name.
	Seen map[string]int
	// New, Fixed and Regressed count the changes it recorded.
	New, Fixed, Regressed int
}

// Browser answers the dashboard's questions over the scan history.
// Implementations are safe for concurrent use.
type Browser interface {
	Summaries
	// Query returns one page of the findings q selects, ordered like
	// Store.Findings, and how many it selects in all.
	Query(ctx context.Context, q Query) ([]finding.Finding, int, error)
	// Finding returns one finding in its current state; an unknown ID is
	// an error wrapping ErrNotFound.
	Finding(ctx context.Context, id string) (*finding.Finding, error)
	// SiteSummaries returns one page of sites ordered by URL, and how many
	// q selects in all.
	SiteSummaries(ctx context.Context, q SiteQuery) ([]SiteSummary, int, error)
	// SiteHistory returns every audit of a site, newest first.
	SiteHistory(ctx context.Context, siteURL string) ([]SiteAudit, error)
	// ScanSummaries returns up to limit scans (all when limit <= 0), newest
	// first, with their counts.
	ScanSummaries(ctx context.Context, limit int) ([]ScanSummary, error)
}
