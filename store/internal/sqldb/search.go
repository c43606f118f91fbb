package sqldb

import (
	"context"
	"fmt"

	"vigie/finding"
	"vigie/store"
)

// fillBatch is how many findings FillSearchText updates per transaction.
const fillBatch = 2000

// FillSearchText computes the search_text (store.SearchText) of the
// findings recorded before migration 0013, a batch per transaction, and
// returns how many it filled. New records write it themselves.
func (db *Queries) FillSearchText(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := db.fillSearchBatch(ctx)
		total += n
		if err != nil {
			return total, fmt.Errorf("%s: search index: %w", db.name, err)
		}
		if n < fillBatch {
			return total, nil
		}
	}
}

func (db *Queries) fillSearchBatch(ctx context.Context) (int, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, check_id, title, site, url, location, organisation
FROM findings WHERE search_text IS NULL LIMIT ?`, fillBatch)
	if err != nil {
		return 0, err
	}
	var fs []finding.Finding
	for rows.Next() {
		var f finding.Finding
		if err := rows.Scan(&f.ID, &f.Check, &f.Title, &f.Site, &f.URL, &f.Location, &f.Organisation); err != nil {
			rows.Close()
			return 0, err
		}
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, err
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for i := range fs {
		if _, err := tx.ExecContext(ctx, `UPDATE findings SET search_text = ? WHERE id = ?`, store.SearchText(&fs[i]), fs[i].ID); err != nil {
			return 0, err
		}
	}
	return len(fs), tx.Commit()
}
