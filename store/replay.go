package store

import (
	"context"

	"vigie/finding"
)

// Replayer is implemented by stores that keep what each scan reported
// (both back ends do, for sites recorded since schema version 8), so that
// a stored scan can be written again as it was: `vigie report`.
type Replayer interface {
	// Replay calls fn once per site of scan scanID, in the order the scan
	// recorded them, with the site's findings as the scan reported them,
	// in the same order: their content and dates as of that scan, not as
	// later scans left them. Each finding's Detail holds its values as
	// json.RawMessage, the recorded JSON, so that writing it again gives
	// the same bytes. A finding recorded before schema version 8 comes in
	// its current state instead. An unknown scan is an error wrapping
	// ErrNotFound; an error from fn stops the replay and is returned.
	Replay(ctx context.Context, scanID string, fn func(site SiteResult, findings []finding.Finding) error) error
}
