package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"vigie/finding"
	"vigie/store"
	"vigie/store/internal/column"
)

const scanColumns = `id, started, ended, version, settings, targets`

func scanScan(r column.Scanner) (store.Scan, error) {
	var (
		s        store.Scan
		started  string
		ended    sql.NullString
		settings sql.NullString
	)
	if err := r.Scan(&s.ID, &started, &ended, &s.Version, &settings, &s.Targets); err != nil {
		return s, err
	}
	var err error
	if s.Started, err = column.ParseTime(started); err != nil {
		return s, fmt.Errorf("scan %s: %w", s.ID, err)
	}
	if e, err := column.ParseNullTime(ended); err != nil {
		return s, fmt.Errorf("scan %s: %w", s.ID, err)
	} else if e != nil {
		s.Ended = *e
	}
	if err := column.DecodeJSON(settings, &s.Settings); err != nil {
		return s, fmt.Errorf("scan %s: %w", s.ID, err)
	}
	if len(s.Settings) == 0 {
		s.Settings = nil
	}
	return s, nil
}

// Scan implements store.Store.
func (db *Queries) Scan(ctx context.Context, id string) (*store.Scan, error) {
	s, err := scanScan(db.r.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: scan %s: %w", db.name, id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: scan %s: %w", db.name, id, err)
	}
	return &s, nil
}

// Scans implements store.Store.
func (db *Queries) Scans(ctx context.Context, limit int) ([]store.Scan, error) {
	q := `SELECT ` + scanColumns + ` FROM scans ORDER BY started DESC, id DESC`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: listing scans: %w", db.name, err)
	}
	defer rows.Close()
	var out []store.Scan
	for rows.Next() {
		s, err := scanScan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: listing scans: %w", db.name, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: listing scans: %w", db.name, err)
	}
	return out, nil
}

// scanExists returns an error wrapping store.ErrNotFound for an unknown
// scan, so that asking about one is not mistaken for an empty answer.
func (db *Queries) scanExists(ctx context.Context, id string) error {
	var one int
	err := db.r.QueryRowContext(ctx, `SELECT 1 FROM scans WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("scan %s: %w", id, store.ErrNotFound)
	}
	return err
}

// Sites implements store.Store.
func (db *Queries) Sites(ctx context.Context, scanID string) ([]store.SiteResult, error) {
	if err := db.scanExists(ctx, scanID); err != nil {
		return nil, fmt.Errorf("%s: sites of scan %s: %w", db.name, scanID, err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+siteColumns+`
FROM scan_sites WHERE scan_id = ? ORDER BY site_url`, scanID)
	if err != nil {
		return nil, fmt.Errorf("%s: sites of scan %s: %w", db.name, scanID, err)
	}
	defer rows.Close()
	var out []store.SiteResult
	for rows.Next() {
		s, err := scanSite(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: sites of scan %s: %w", db.name, scanID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: sites of scan %s: %w", db.name, scanID, err)
	}
	return out, nil
}

// siteColumns are the columns of scan_sites scanSite reads, in order.
const siteColumns = `site_url, organisation, tags, pages, forms, personal_forms, error, error_kind, started, ended, http_observatory, retention, hosting`

// scanSite reads the siteColumns of one row, after the destinations in
// first (columns selected before them).
func scanSite(r column.Scanner, first ...any) (store.SiteResult, error) {
	var (
		s              store.SiteResult
		tags           sql.NullString
		retention      sql.NullString
		hosting        sql.NullString
		started, ended string
		grade          string
	)
	err := r.Scan(append(first, &s.URL, &s.Organisation, &tags, &s.Pages, &s.Forms, &s.PersonalForms,
		&s.Error, &s.ErrorKind, &started, &ended, &grade, &retention, &hosting)...)
	if grade != "" {
		s.HTTPObservatory = json.RawMessage(grade)
	}
	if err == nil {
		err = column.DecodeJSON(tags, &s.Tags)
	}
	if err == nil {
		err = column.DecodeJSON(retention, &s.Retention)
	}
	if err == nil && hosting.Valid {
		err = column.DecodeJSON(hosting, &s.Hosting)
	}
	if err == nil {
		s.Started, err = column.ParseTime(started)
	}
	if err == nil {
		s.Ended, err = column.ParseTime(ended)
	}
	if len(s.Tags) == 0 {
		s.Tags = nil
	}
	return s, err
}

// findingOrder is how lists of findings are sorted.
const findingOrder = ` ORDER BY f.site, f.check_id, f.location, f.id`

// Findings implements store.Store.
func (db *Queries) Findings(ctx context.Context, f store.Filter) ([]finding.Finding, error) {
	var (
		q    strings.Builder
		args []any
	)
	q.WriteString(`SELECT ` + column.Findings + ` FROM findings f`)
	if f.Scan != "" {
		if err := db.scanExists(ctx, f.Scan); err != nil {
			return nil, fmt.Errorf("%s: findings: %w", db.name, err)
		}
		q.WriteString(` JOIN finding_sightings s ON s.finding_id = f.id AND s.scan_id = ?`)
		args = append(args, f.Scan)
	}
	q.WriteString(` WHERE 1 = 1`)
	for _, c := range []struct{ col, v string }{
		{"f.site", f.Site}, {"f.check_id", f.Check}, {"f.organisation", f.Organisation},
	} {
		if c.v != "" {
			q.WriteString(` AND ` + c.col + ` = ?`)
			args = append(args, c.v)
		}
	}
	if f.MinSeverity > finding.Critical {
		return nil, nil
	}
	if f.MinSeverity > finding.Info {
		q.WriteString(` AND f.severity IN (`)
		for s := f.MinSeverity; s <= finding.Critical; s++ {
			if s > f.MinSeverity {
				q.WriteString(`, `)
			}
			q.WriteString(`?`)
			args = append(args, s.String())
		}
		q.WriteString(`)`)
	}
	if f.Open {
		q.WriteString(` AND f.fixed_at IS NULL`)
	}
	q.WriteString(findingOrder)
	if f.Limit > 0 {
		q.WriteString(` LIMIT ` + strconv.Itoa(f.Limit))
	}
	rows, err := db.r.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: findings: %w", db.name, err)
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		x, err := column.ScanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: findings: %w", db.name, err)
		}
		if f.Scan != "" {
			x.Scan = f.Scan
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: findings: %w", db.name, err)
	}
	return out, nil
}

// Diff implements store.Store.
func (db *Queries) Diff(ctx context.Context, scanID string) (*store.Diff, error) {
	if err := db.scanExists(ctx, scanID); err != nil {
		return nil, fmt.Errorf("%s: diff of scan %s: %w", db.name, scanID, err)
	}
	d := &store.Diff{Scan: scanID}
	err := db.r.QueryRowContext(ctx, `SELECT p.scan_id
FROM scan_sites c JOIN scan_sites p ON p.site_url = c.site_url AND p.scan_started < c.scan_started
WHERE c.scan_id = ?
ORDER BY p.scan_started DESC, p.scan_id DESC LIMIT 1`, scanID).Scan(&d.Since)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: diff of scan %s: previous scan: %w", db.name, scanID, err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT c.kind, `+column.Findings+`
FROM finding_changes c JOIN findings f ON f.id = c.finding_id
WHERE c.scan_id = ?`+findingOrder, scanID)
	if err != nil {
		return nil, fmt.Errorf("%s: diff of scan %s: %w", db.name, scanID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		f, err := column.ScanFinding(prefixScanner{rows, &kind})
		if err != nil {
			return nil, fmt.Errorf("%s: diff of scan %s: %w", db.name, scanID, err)
		}
		switch kind {
		case store.ChangeNew:
			d.New = append(d.New, f)
		case store.ChangeFixed:
			d.Fixed = append(d.Fixed, f)
		case store.ChangeRegressed:
			d.Regressed = append(d.Regressed, f)
		default:
			return nil, fmt.Errorf("%s: diff of scan %s: finding %s: unknown change %q", db.name, scanID, f.ID, kind)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: diff of scan %s: %w", db.name, scanID, err)
	}
	return d, nil
}

// prefixScanner scans a leading column into p, the rest into Scan's dest.
type prefixScanner struct {
	r column.Scanner
	p any
}

func (s prefixScanner) Scan(dest ...any) error {
	return s.r.Scan(append([]any{s.p}, dest...)...)
}
