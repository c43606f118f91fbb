package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"vigie/finding"
	"vigie/store/migrations"
)

// formatTime renders t as the schema stores timestamps.
func formatTime(t time.Time) string { return t.UTC().Format(migrations.TimeLayout) }

// nullTime is formatTime, or NULL for the zero time.
func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad timestamp %q in database: %w", s, err)
	}
	return t.UTC(), nil
}

func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	return &t, err
}

// nullJSON encodes v, or NULL when v is empty.
func nullJSON[T any](v T, empty bool) (sql.NullString, error) {
	if empty {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

func decodeJSON(s sql.NullString, v any) error {
	if !s.Valid || s.String == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s.String), v); err != nil {
		return fmt.Errorf("bad JSON %q in database: %w", s.String, err)
	}
	return nil
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanFinding reads the findingColumns of one row.
func scanFinding(r rowScanner) (finding.Finding, error) {
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
		if err := decodeJSON(d.s, d.v); err != nil {
			return f, fmt.Errorf("finding %s: %w", f.ID, err)
		}
	}
	if f.FirstSeen, err = parseTime(firstSeen); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	if f.LastSeen, err = parseTime(lastSeen); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	if f.FixedAt, err = parseNullTime(fixedAt); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	if f.RegressedAt, err = parseNullTime(regressedAt); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.ID, err)
	}
	return f, nil
}
