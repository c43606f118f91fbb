package sqldb

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"vigie/finding"
	"vigie/store"
	"vigie/store/internal/column"
)

// Statements of the record each scan keeps of its sites and findings
// (migration 0008), for Replay.
const (
	// The site takes the next number of its scan when first recorded; a
	// redelivered site keeps its place, where the results already written
	// (a fleet scan's --wait output) may have put it.
	numberSite = `UPDATE scan_sites SET seq = (SELECT COALESCE(MAX(s.seq), 0) + 1 FROM scan_sites s WHERE s.scan_id = ?)
WHERE scan_id = ? AND site_url = ? AND seq = 0`
	keepSighting = `UPDATE finding_sightings SET seq = ?, record = ? WHERE scan_id = ? AND finding_id = ?`
)

// numberSite gives the site being recorded its place in the scan.
func (r *recorder) numberSite() error {
	return r.exec(numberSite, r.scan, r.scan, r.site.URL)
}

// keepReported stores, with each sighting, the finding as RecordSite
// returns it to the scan (the JSONL record) and its place among the
// site's findings.
func (r *recorder) keepReported(out []finding.Finding) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as report writers encode it
	for i := range out {
		b.Reset()
		if err := enc.Encode(&out[i]); err != nil {
			return fmt.Errorf("finding %s: %w", out[i].ID, err)
		}
		if err := r.exec(keepSighting, i+1, string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), r.scan, out[i].ID); err != nil {
			return fmt.Errorf("finding %s: %w", out[i].ID, err)
		}
	}
	return nil
}

// Replay implements store.Replayer.
func (db *Queries) Replay(ctx context.Context, scanID string, fn func(store.SiteResult, []finding.Finding) error) error {
	if err := db.scanExists(ctx, scanID); err != nil {
		return fmt.Errorf("%s: scan %s: %w", db.name, scanID, err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+siteColumns+`
FROM scan_sites WHERE scan_id = ? ORDER BY seq, site_url`, scanID)
	if err != nil {
		return fmt.Errorf("%s: sites of scan %s: %w", db.name, scanID, err)
	}
	var sites []store.SiteResult
	for rows.Next() {
		s, err := scanSite(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("%s: sites of scan %s: %w", db.name, scanID, err)
		}
		sites = append(sites, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: sites of scan %s: %w", db.name, scanID, err)
	}
	for _, s := range sites {
		fs, err := db.reported(ctx, scanID, s.URL)
		if err != nil {
			return fmt.Errorf("%s: findings of %s in scan %s: %w", db.name, s.URL, scanID, err)
		}
		if err := fn(s, fs); err != nil {
			return err
		}
	}
	return nil
}

// reported returns the findings scan scanID reported for site, in its
// order.
func (db *Queries) reported(ctx context.Context, scanID, site string) ([]finding.Finding, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT fs.record, `+column.Findings+`
FROM finding_sightings fs JOIN findings f ON f.id = fs.finding_id
WHERE fs.scan_id = ? AND f.site = ?
ORDER BY fs.seq, f.check_id, f.location, f.id`, scanID, site)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		var record sql.NullString
		cur, err := column.ScanFinding(prefixed{rows, &record})
		if err != nil {
			return nil, err
		}
		if !record.Valid {
			cur.Scan = scanID // recorded before schema version 8
			out = append(out, cur)
			continue
		}
		f, err := decodeReported(record.String)
		if err != nil {
			return nil, fmt.Errorf("finding %s: %w", cur.ID, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// decodeReported reads a recorded finding, keeping each detail value as
// the JSON it was recorded as.
func decodeReported(s string) (finding.Finding, error) {
	var f finding.Finding
	var raw struct {
		Detail map[string]json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return f, err
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return f, err
	}
	if raw.Detail != nil {
		f.Detail = make(map[string]any, len(raw.Detail))
		for k, v := range raw.Detail {
			f.Detail[k] = v
		}
	}
	return f, nil
}

// prefixed scans one column into first, then the rest with r.
type prefixed struct {
	r     column.Scanner
	first any
}

func (p prefixed) Scan(dest ...any) error { return p.r.Scan(append([]any{p.first}, dest...)...) }
