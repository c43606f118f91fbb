// Package column converts between Go values and the columns of the
// portable schema (store/migrations) that store/sqlite and store/postgres
// share: timestamps as text in migrations.TimeLayout, JSON as text.
package column

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"vigie/finding"
	"vigie/store/migrations"
)

// Time renders t as the schema stores timestamps.
func Time(t time.Time) string { return t.UTC().Format(migrations.TimeLayout) }

// NullTime is Time, or NULL for the zero time.
func NullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: Time(t), Valid: true}
}

// ParseTime reads a timestamp column.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad timestamp %q in database: %w", s, err)
	}
	return t.UTC(), nil
}

// ParseNullTime reads a nullable timestamp column; NULL is nil.
func ParseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := ParseTime(s.String)
	return &t, err
}

// NullJSON encodes v, or NULL when v is empty.
func NullJSON[T any](v T, empty bool) (sql.NullString, error) {
	if empty {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// DecodeJSON decodes a JSON column into v; NULL or empty leaves v alone.
func DecodeJSON(s sql.NullString, v any) error {
	if !s.Valid || s.String == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s.String), v); err != nil {
		return fmt.Errorf("bad JSON %q in database: %w", s.String, err)
	}
	return nil
}

// Findings lists the columns of table findings (as f) that ScanFinding
// reads, in its order.
const Findings = `f.id, f.check_id, f.severity, f.confidence, f.site, f.url, f.organisation,
	f.title, f.location, f.detail, f.legal, f.evidence,
	f.first_seen, f.last_seen, f.fixed_at, f.regressed_at, f.last_scan`

// Scanner is *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// ScanFinding reads the findingColumns of one row.
func ScanFinding(r Scanner) (finding.Finding, error) {
	var (
		f                       finding.Finding
		severity                string
		detail, legal, evidence sql.NullString
		firstSeen, lastSeen     string
		fixedAt, regressedAt    sql.NullString
	)
	err := r.Scan(&f.ID, &f.Check, &severity, &f.Confidence, &f.Site, &f.URL, &f.Organisation,
		&f.Title, &f.Location, &detail, &legal, &evidence,
		&firstSeen, &lastSeen, &fixedAt, &regressedAt, &f.Scan)
	if err != nil {
		return f, err
	}
	if f.Severity, err = finding.ParseSeverity(severity); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	for _, d := range []struct {
		s sql.NullString
		v any
	}{{detail, &f.Detail}, {legal, &f.Legal}, {evidence, &f.Evidence}} {
		if err := DecodeJSON(d.s, d.v); err != nil {
			return f, fmt.Errorf("finding %s: %w", f.ID, err)
		}
	}
	if f.FirstSeen, err = ParseTime(firstSeen); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	if f.LastSeen, err = ParseTime(lastSeen); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	if f.FixedAt, err = ParseNullTime(fixedAt); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	if f.RegressedAt, err = ParseNullTime(regressedAt); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	return f, nil
}
