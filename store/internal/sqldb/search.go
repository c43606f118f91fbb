package sqldb

import (
	"context"
	"fmt"

	"vigie/finding"
	"vigie/store"
)

// FillSiteTags fills site_tags and org_tags in for the sites whose latest audit was
// recorded before migration 0013 (new records keep it themselves).
func (db *Queries) FillSiteTags(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: site tags: %w", db.name, err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT site_url, organisation, tags FROM site_latest l
WHERE tags <> '[]' AND NOT EXISTS (SELECT 1 FROM site_tags t WHERE t.site_url = l.site_url)`)
	if err != nil {
		return fmt.Errorf("%s: site tags: %w", db.name, err)
	}
	type siteTags struct{ url, org, tags string }
	var todo []siteTags
	for rows.Next() {
		var s siteTags
		if err := rows.Scan(&s.url, &s.org, &s.tags); err != nil {
			rows.Close()
			return fmt.Errorf("%s: site tags: %w", db.name, err)
		}
		todo = append(todo, s)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return fmt.Errorf("%s: site tags: %w", db.name, err)
	}
	rows.Close()
	if len(todo) == 0 {
		return nil
	}
	for _, s := range todo {
		list, err := tagList(s.tags)
		if err != nil {
			return fmt.Errorf("%s: site tags of %s: %w", db.name, s.url, err)
		}
		for _, t := range list {
			if _, err := tx.ExecContext(ctx, queries.addSiteTag, s.url, t); err != nil {
				return fmt.Errorf("%s: site tags: %w", db.name, err)
			}
			if _, err := tx.ExecContext(ctx, queries.addOrgTag, t, s.org, 1); err != nil {
				return fmt.Errorf("%s: organisation tags: %w", db.name, err)
			}
		}
	}
	return tx.Commit()
}

// fillBatch is how many findings FillSearchText updates per transaction.
const fillBatch = 2000

// FillSearchText fills site_tags in (FillSiteTags), then computes the search_text (store.SearchText) of the
// findings recorded before migration 0013, a batch per transaction, and
// returns how many it filled. New records write it themselves.
func (db *Queries) FillSearchText(ctx context.Context) (int, error) {
	if err := db.FillSiteTags(ctx); err != nil {
		return 0, err
	}
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
