package sqldb

import (
	"context"
	"fmt"
)

// ScanProgress returns how many sites scan id has recorded, how many of
// them failed and how many findings it saw: three counts over the scan's
// primary-key ranges, cheap enough to poll on a scan of 100,000 sites
// (reading the sites and findings themselves is not).
func (db *Queries) ScanProgress(ctx context.Context, id string) (sites, failed, findings int, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN error <> '' THEN 1 ELSE 0 END), 0)
FROM scan_sites WHERE scan_id = ?`, id).Scan(&sites, &failed)
	if err == nil {
		err = db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM finding_sightings WHERE scan_id = ?`, id).Scan(&findings)
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s: progress of scan %s: %w", db.name, id, err)
	}
	return sites, failed, findings, nil
}

// RecordedSites returns the URLs of the sites scan id has recorded (vigie
// scan --resume skips them).
func (db *Queries) RecordedSites(ctx context.Context, id string) (map[string]bool, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT site_url FROM scan_sites WHERE scan_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("%s: sites of scan %s: %w", db.name, id, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("%s: sites of scan %s: %w", db.name, id, err)
		}
		out[u] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: sites of scan %s: %w", db.name, id, err)
	}
	return out, nil
}
