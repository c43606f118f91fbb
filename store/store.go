// Package store keeps Vigie's scan history: scans, the sites each one
// audited, and every finding with its life cycle (first seen, last seen,
// fixed, regressed). It defines the Store interface and the types shared by
// its back ends (store/sqlite, store/postgres); it imports no driver.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"vigie/finding"
	"vigie/observation"
)

// ErrNotFound is returned, wrapped, when a scan asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrExists is returned, wrapped, by BeginScan when the scan ID is taken.
var ErrExists = errors.New("already exists")

// Kinds of Change.
const (
	ChangeNew       = "new"
	ChangeFixed     = "fixed"
	ChangeRegressed = "regressed"
)

// Scan is one run over a set of sites.
type Scan struct {
	// ID is time-sortable and unique; see NewScanID.
	ID string
	// Started is the scan's reference time: findings seen by the scan are
	// stamped with it. Ended is zero while the scan runs.
	Started, Ended time.Time
	// Version is the version of Vigie that ran the scan.
	Version string
	// Settings records the options the scan ran with (profile, limits...).
	Settings map[string]string
	// Targets is the number of sites in the scan.
	Targets int
}

// SiteResult is the outcome of auditing one site within a scan.
type SiteResult struct {
	// URL identifies the site; findings of the site carry it as Site.
	URL          string
	Organisation string
	Tags         []string

	Pages, Forms, PersonalForms int

	// Error is set when the site could not be audited; ErrorKind classifies
	// it (see observation.Kind*). A failed audit fixes nothing.
	Error, ErrorKind string

	// Covered lists the URLs the audit examined, normalised with
	// finding.NormaliseURL: the root probes and pages that answered (first
	// and final URL) and the active probes sent. An open finding of the
	// site that this successful audit did not report is fixed only when
	// its URL is covered; otherwise the audit did not look at it and the
	// finding stays open, its last sighting unchanged. Nil means unknown
	// (an older caller): every finding counts as covered. A finding that
	// lists the pages where it showed (finding.DetailPages: a form in every
	// page's header) is covered when its URL or any of those pages is.
	// It is not stored: Sites returns it nil.
	Covered []string

	// Retention are the retention statements the site's information
	// notices make (see package notice), personal data masked.
	Retention []observation.RetentionStatement

	Started, Ended time.Time

	// HTTPObservatory is the site's grade on the MDN HTTP Observatory's
	// scale as JSON (package observatory's Result), nil when none.
	HTTPObservatory json.RawMessage

	// Hosting is where the site's pages are served from, nil when it was
	// not looked up.
	Hosting *observation.Hosting
}

// OK reports whether the site was audited successfully.
func (s *SiteResult) OK() bool { return s.Error == "" }

// Change is a transition of a finding recorded by a scan.
type Change struct {
	// Kind is ChangeNew, ChangeFixed or ChangeRegressed.
	Kind    string
	Finding finding.Finding
}

// Diff lists the changes a scan recorded.
type Diff struct {
	Scan string
	// Since is the previous scan that audited any of this scan's sites, ""
	// if there is none.
	Since                 string
	New, Fixed, Regressed []finding.Finding
}

// Filter selects findings. Zero fields select everything.
type Filter struct {
	// Site, Check and Organisation match exactly.
	Site, Check, Organisation string
	// MinSeverity keeps findings at or above it.
	MinSeverity finding.Severity
	// Open keeps findings that are not fixed.
	Open bool
	// Scan keeps findings seen in that scan.
	Scan string
	// Limit caps the number of findings returned when positive.
	Limit int
}

// SiteRecord is one site of a batch given to RecordSites: the site and
// its findings, as RecordSite takes them.
type SiteRecord struct {
	Site     SiteResult
	Findings []finding.Finding
}

// Recorded is what RecordSite returns for one site of a batch: the
// findings with their history filled in, and the changes the scan made.
type Recorded struct {
	Findings []finding.Finding
	Changes  []Change
}

// BatchRecorder is a Store that records several sites of a scan in one
// transaction, which costs much less than one transaction per site (a
// SQLite commit writes the WAL, PostgreSQL's waits for its flush). Both back
// ends implement it.
type BatchRecorder interface {
	// RecordSites records sites in scan scanID in order, each as RecordSite
	// would, all in one transaction: on error nothing of the batch is
	// stored. It returns one Recorded per site, in order.
	RecordSites(ctx context.Context, scanID string, sites []SiteRecord) ([]Recorded, error)
}

// Store is the scan history. Implementations are safe for concurrent use.
//
// Times are stored in UTC with nanosecond precision. A scan's sites are
// expected to be recorded in scan order (an older scan recorded after a
// newer one of the same site still yields correct finding dates, but the
// changes it assigns to the newer scan are not revised).
type Store interface {
	// BeginScan records the start of a scan. It assigns s.ID with NewScanID
	// when empty and s.Started with the current time when zero. A taken ID
	// is an error wrapping ErrExists.
	BeginScan(ctx context.Context, s *Scan) error

	// RecordSite stores one audited site of a scan with its findings, in one
	// transaction, and updates finding history. At the scan's start time T:
	//   - a finding never seen is inserted, first seen = last seen = T;
	//     change "new";
	//   - a finding seen before and open gets last seen = T;
	//   - a finding seen before but fixed gets regressed at = T and its
	//     fixed date cleared; change "regressed";
	//   - open findings of the site (same URL) absent now get fixed at = T;
	//     change "fixed" — only when the site was audited successfully
	//     (site.Error == "") and the audit examined the finding's URL
	//     (site.Covered; nil covers everything; for a grouped finding, one
	//     of the pages it lists): a failed audit fixes
	//     nothing, and a finding whose page was not examined stays open,
	//     neither seen nor fixed.
	// Findings with an empty ID, Site or Organisation get them from
	// finding.MakeID and site; a finding of another site is an error.
	// It returns the findings (deduplicated by ID, in input order) with
	// FirstSeen, LastSeen, FixedAt, RegressedAt and Scan filled in from
	// history, and the changes the scan made to the site's findings.
	//
	// Recording a site again for the same scan replaces the earlier record
	// (a worker may redeliver): the state and the return values are those
	// of recording the last delivery only.
	RecordSite(ctx context.Context, scanID string, site SiteResult, findings []finding.Finding) ([]finding.Finding, []Change, error)

	// EndScan records the end of a scan.
	EndScan(ctx context.Context, scanID string, ended time.Time) error

	// Scan returns a scan; an unknown ID is an error wrapping ErrNotFound.
	Scan(ctx context.Context, id string) (*Scan, error)

	// Scans returns up to limit scans (all when limit <= 0), newest first.
	Scans(ctx context.Context, limit int) ([]Scan, error)

	// Sites returns the sites recorded for a scan, ordered by URL.
	Sites(ctx context.Context, scanID string) ([]SiteResult, error)

	// Findings returns the current state of the findings f selects, ordered
	// by site, check, location and ID. Each finding's Scan is the last scan
	// that saw it, or f.Scan when set.
	Findings(ctx context.Context, f Filter) ([]finding.Finding, error)

	// Diff returns the changes recorded by a scan, each finding in its
	// current state, ordered as Findings orders them.
	Diff(ctx context.Context, scanID string) (*Diff, error)

	Close() error
}
