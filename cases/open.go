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
// parent, through the directory of cs) grouping the open findings of scan
// scanID. A finding already followed by a case that was not withdrawn
// gets no second one, so opening cases from the same scan twice opens
// nothing new: the error then wraps ErrNothingToOpen.
func OpenFromScan(ctx context.Context, h ScanHistory, cs Store, scanID string, now time.Time) ([]Case, error) {
	if _, err := h.Scan(ctx, scanID); err != nil {
		return nil, err
	}
	fs, err := h.Findings(ctx, store.Filter{Scan: scanID, Open: true})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, fmt.Errorf("scan %s has no open finding: %w", scanID, ErrNothingToOpen)
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
		if err := cs.CreateCase(ctx, &opened[i]); err != nil {
			return opened[:i], err
		}
	}
	return opened, nil
}
