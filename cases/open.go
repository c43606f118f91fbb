package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"vigie/finding"
	"vigie/store"
)

// ErrNothingToOpen is returned, wrapped, by OpenFromScan when the scan
// has no open finding that no case follows yet.
var ErrNothingToOpen = errors.New("no case to open")

// ScanHistory is what opening cases reads of the scan history
// (store.Store has it).
type ScanHistory interface {
	Scan(ctx context.Context, id string) (*store.Scan, error)
	Findings(ctx context.Context, f store.Filter) ([]finding.Finding, error)
	Sites(ctx context.Context, scanID string) ([]store.SiteResult, error)
}

// OpenFromScan opens and stores one case per organisation (or its topmost
// parent, through the directory of cs) grouping the open failures of scan
// scanID: findings at or above min (zero: finding.DefaultThreshold), never
// informational notes; each case keeps min as its threshold. A finding
// already followed by a case that was not withdrawn gets no second one, so
// opening cases from the same scan twice opens nothing new: the error then
// wraps ErrNothingToOpen.
func OpenFromScan(ctx context.Context, h ScanHistory, cs Store, scanID string, now time.Time, min finding.Severity) ([]Case, error) {
	if min == 0 {
		min = finding.DefaultThreshold
	}
	if _, err := h.Scan(ctx, scanID); err != nil {
		return nil, err
	}
	fs, err := h.Findings(ctx, store.Filter{Scan: scanID, Open: true})
	if err != nil {
		return nil, err
	}
	notes := len(fs)
	fs = slices.DeleteFunc(fs, func(f finding.Finding) bool { return !f.Severity.IsFailure(min) })
	notes -= len(fs)
	if len(fs) == 0 {
		return nil, fmt.Errorf("scan %s has no open failure at or above %s (%d notes below it): %w", scanID, min, notes, ErrNothingToOpen)
	}
	existing, err := cs.Cases(ctx)
	if err != nil {
		return nil, err
	}
	followed := map[string]bool{}
	for _, c := range existing {
		if c.State != Withdrawn {
			for _, id := range c.Findings {
				followed[id] = true
			}
		}
	}
	fs = slices.DeleteFunc(fs, func(f finding.Finding) bool { return followed[f.ID] })
	if len(fs) == 0 {
		return nil, fmt.Errorf("every open finding of scan %s is already followed by a case: %w", scanID, ErrNothingToOpen)
	}
	orgs, err := cs.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	sites, err := h.Sites(ctx, scanID)
	if err != nil {
		return nil, err
	}
	tags := make(map[string][]string, len(sites))
	for _, s := range sites {
		tags[s.URL] = s.Tags
	}
	opened := Group(fs, NewDirectory(orgs).WithSiteTags(tags), now)
	for i := range opened {
		opened[i].MinSeverity = min
		if err := cs.CreateCase(ctx, &opened[i]); err != nil {
			return opened[:i], err
		}
	}
	return opened, nil
}

// FindingSource reads the current state of findings (store.Store has it).
type FindingSource interface {
	Findings(ctx context.Context, f store.Filter) ([]finding.Finding, error)
}

// Current returns the current state of the findings of c (its Findings
// IDs, on its Sites), ordered by site.
func Current(ctx context.Context, h FindingSource, c *Case) ([]finding.Finding, error) {
	ids := make(map[string]bool, len(c.Findings))
	for _, id := range c.Findings {
		ids[id] = true
	}
	var out []finding.Finding
	for _, site := range c.Sites {
		fs, err := h.Findings(ctx, store.Filter{Site: site})
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if ids[f.ID] {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// AtIssue returns the findings letters and the chronology of c are about,
// in their current state: once the organisation was alerted, the findings
// notified; before, the case's open failures (never a note).
func AtIssue(ctx context.Context, h FindingSource, c *Case) ([]finding.Finding, error) {
	fs, err := Current(ctx, h, c)
	if err != nil {
		return nil, err
	}
	if notified := c.Notified(); len(notified) > 0 {
		keep := make(map[string]bool, len(notified))
		for _, r := range notified {
			keep[r.ID] = true
		}
		return slices.DeleteFunc(fs, func(f finding.Finding) bool { return !keep[f.ID] }), nil
	}
	min := c.Threshold()
	return slices.DeleteFunc(fs, func(f finding.Finding) bool { return f.FixedAt != nil || !f.Severity.IsFailure(min) }), nil
}

// RecordAlert records e like Record; a dpo-alerted event that names no
// findings gets the case's open failures as the findings it notified, so
// that the case is then about what the organisation was told.
func RecordAlert(ctx context.Context, s Store, h FindingSource, id string, e Event) (*Case, error) {
	if e.Kind == string(DPOAlerted) && len(e.Findings) == 0 {
		c, err := s.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		fs, err := Current(ctx, h, c)
		if err != nil {
			return nil, err
		}
		min := c.Threshold()
		for _, f := range fs {
			if f.FixedAt == nil && f.Severity.IsFailure(min) {
				e.Findings = append(e.Findings, FindingRef{ID: f.ID, Site: f.Site})
			}
		}
		SortRefs(e.Findings)
	}
	return Record(ctx, s, id, e)
}
