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

// where builds a WHERE clause of ANDed conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ``
	}
	return ` WHERE ` + strings.Join(w.conds, ` AND `)
}

// likeEscape is the escape character of the LIKE patterns built by
// containsPattern; not a backslash, whose reading in a literal depends on
// PostgreSQL's standard_conforming_strings.
const likeEscape = `!`

// containsPattern returns the LIKE pattern (with ESCAPE likeEscape) matching
// any text containing s literally.
func containsPattern(s string) string {
	s = strings.NewReplacer(likeEscape, likeEscape+likeEscape, `%`, likeEscape+`%`, `_`, likeEscape+`_`).Replace(s)
	return `%` + s + `%`
}

// textMatch is the condition that one of cols contains text, ignoring case
// (one argument per column). LOWER() on both sides makes SQLite (whose
// LIKE ignores ASCII case) and PostgreSQL (whose LIKE does not) agree on
// ASCII; beyond it, SQLite's LOWER folds nothing where PostgreSQL's folds
// by locale.
func textMatch(w *where, text string, cols ...string) {
	p := containsPattern(text)
	var ors []string
	for _, c := range cols {
		ors = append(ors, `LOWER(`+c+`) LIKE LOWER(?) ESCAPE '`+likeEscape+`'`)
		w.args = append(w.args, p)
	}
	w.conds = append(w.conds, `(`+strings.Join(ors, ` OR `)+`)`)
}

// tagMatch is the condition that the JSON array of strings in column col
// holds tag. Stored arrays are encoding/json's compact output, so an
// element is `"<encoded tag>"` preceded by '[' or ','; inside a string a
// quote is always escaped, so `,"tag"` can only start at an element and
// end with it. The leading '[' is turned into ',' to test one substring.
// REPLACE rather than LIKE: it has no wildcards and is case-sensitive on
// both engines, where SQLite's LIKE ignores ASCII case.
func tagMatch(w *where, col, tag string) error {
	enc, err := json.Marshal(tag)
	if err != nil {
		return err
	}
	norm := `(',' || SUBSTR(` + col + `, 2))`
	w.add(norm+` <> REPLACE(`+norm+`, ?, '')`, ","+string(enc))
	return nil
}

// siteTagMatch is the condition that the site of scan_sites row l carries
// tag: in that audit's input tags, or as a label of the site or of its
// organisation.
func siteTagMatch(w *where, tag string) error {
	var t where
	if err := tagMatch(&t, "l.tags", tag); err != nil {
		return err
	}
	w.add(`(`+t.conds[0]+` OR EXISTS (SELECT 1 FROM labels x WHERE x.tag = ?
	AND ((x.kind = 'site' AND x.subject = l.site_url) OR (x.kind = 'organisation' AND x.subject = l.organisation))))`,
		append(t.args, tag)...)
	return nil
}

// latestAudit is the condition that scan_sites row l is the latest audit of
// its site (greatest scan_started, then scan ID), walked through the
// (site_url, scan_started) index.
const latestAudit = `NOT EXISTS (SELECT 1 FROM scan_sites n WHERE n.site_url = l.site_url
	AND (n.scan_started > l.scan_started OR (n.scan_started = l.scan_started AND n.scan_id > l.scan_id)))`

// page renders LIMIT and OFFSET. An offset without limit needs a LIMIT
// both engines read: SQLite has no OFFSET alone, PostgreSQL no LIMIT -1.
func page(limit, offset int) string {
	var s string
	if limit > 0 {
		s = ` LIMIT ` + strconv.Itoa(limit)
	} else if offset > 0 {
		s = ` LIMIT 9223372036854775807`
	}
	if offset > 0 {
		s += ` OFFSET ` + strconv.Itoa(offset)
	}
	return s
}

// total returns how many rows a paged query selects in all, counting them
// with countQuery only when the page does not tell: a page that is
// neither empty nor full ends the result.
func (db *Queries) total(ctx context.Context, got, limit, offset int, countQuery string, args []any) (int, error) {
	if offset < 0 {
		offset = 0
	}
	if got > 0 && (limit <= 0 || got < limit) {
		return offset + got, nil
	}
	if got == 0 && offset == 0 {
		return 0, nil
	}
	var n int
	if err := db.r.QueryRowContext(ctx, countQuery, args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// Query implements store.Browser.
func (db *Queries) Query(ctx context.Context, q store.Query) ([]finding.Finding, int, error) {
	from := ` FROM findings f`
	var w where
	if q.Scan != "" {
		if err := db.scanExists(ctx, q.Scan); err != nil {
			return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
		}
		from += ` JOIN finding_sightings s ON s.finding_id = f.id AND s.scan_id = ?`
		w.args = append(w.args, q.Scan)
	}
	for _, c := range []struct{ col, v string }{
		{"f.site", q.Site}, {"f.check_id", q.Check}, {"f.organisation", q.Organisation},
	} {
		if c.v != "" {
			w.add(c.col+` = ?`, c.v)
		}
	}
	if q.MinSeverity > finding.Critical {
		return nil, 0, nil
	}
	if q.MinSeverity > finding.Info {
		var marks []string
		var sevs []any
		for s := q.MinSeverity; s <= finding.Critical; s++ {
			marks = append(marks, `?`)
			sevs = append(sevs, s.String())
		}
		w.add(`f.severity IN (`+strings.Join(marks, `, `)+`)`, sevs...)
	}
	switch q.State {
	case "":
		if q.Open {
			w.add(`f.fixed_at IS NULL`)
		}
	case store.StateOpen:
		w.add(`f.fixed_at IS NULL`)
	case store.StateFixed:
		w.add(`f.fixed_at IS NOT NULL`)
		if q.Open {
			return nil, 0, nil // open and fixed: nothing
		}
	case store.StateRegressed:
		w.add(`f.regressed_at IS NOT NULL AND f.fixed_at IS NULL`)
	default:
		return nil, 0, fmt.Errorf("%s: query: unknown state %q", db.name, q.State)
	}
	if q.Tag != "" {
		var t where
		if err := siteTagMatch(&t, q.Tag); err != nil {
			return nil, 0, fmt.Errorf("%s: query: tag %q: %w", db.name, q.Tag, err)
		}
		w.add(`f.site IN (SELECT l.site_url FROM scan_sites l WHERE `+t.conds[0]+` AND `+latestAudit+`)`, t.args...)
	}
	if q.After != "" {
		// Keyset pagination: the rows after the finding of that ID in list
		// order (site, check, location, ID).
		w.add(`(f.site, f.check_id, f.location, f.id) > (SELECT a.site, a.check_id, a.location, a.id FROM findings a WHERE a.id = ?)`, q.After)
	}
	if q.Text != "" {
		textMatch(&w, q.Text, "f.url", "f.title", "f.check_id")
	}
	if !q.Since.IsZero() {
		w.add(`f.last_seen >= ?`, column.Time(q.Since))
	}
	if !q.Until.IsZero() {
		w.add(`f.last_seen <= ?`, column.Time(q.Until))
	}
	offset := max(q.Offset, 0)

	rows, err := db.r.QueryContext(ctx, `SELECT `+column.Findings+from+w.String()+findingOrder+page(q.Limit, offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		x, err := column.ScanFinding(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
		}
		if q.Scan != "" {
			x.Scan = q.Scan
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: query: %w", db.name, err)
	}
	rows.Close()
	if q.NoTotal {
		return out, -1, nil
	}
	n, err := db.total(ctx, len(out), q.Limit, offset, `SELECT COUNT(*)`+from+w.String(), w.args)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: query: counting: %w", db.name, err)
	}
	return out, n, nil
}

// Finding implements store.Browser.
func (db *Queries) Finding(ctx context.Context, id string) (*finding.Finding, error) {
	f, err := column.ScanFinding(db.r.QueryRowContext(ctx, queries.findingByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: finding %s: %w", db.name, id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: finding %s: %w", db.name, id, err)
	}
	return &f, nil
}

// SiteSummaries implements store.Browser. Each summary's Open map is
// non-nil, empty for a site without open findings.
func (db *Queries) SiteSummaries(ctx context.Context, q store.SiteQuery) ([]store.SiteSummary, int, error) {
	var w where
	w.add(latestAudit)
	if q.Organisation != "" {
		w.add(`l.organisation = ?`, q.Organisation)
	}
	if q.Tag != "" {
		if err := siteTagMatch(&w, q.Tag); err != nil {
			return nil, 0, fmt.Errorf("%s: sites: tag %q: %w", db.name, q.Tag, err)
		}
	}
	if q.After != "" {
		w.add(`l.site_url > ?`, q.After)
	}
	if q.Text != "" {
		textMatch(&w, q.Text, "l.site_url")
	}
	if q.Failing {
		cond := `EXISTS (SELECT 1 FROM findings f WHERE f.site = l.site_url AND f.fixed_at IS NULL`
		var sevs []any
		if q.MinSeverity > finding.Info {
			var marks []string
			for s := q.MinSeverity; s <= finding.Critical; s++ {
				marks = append(marks, `?`)
				sevs = append(sevs, s.String())
			}
			cond += ` AND f.severity IN (` + strings.Join(marks, `, `) + `)`
		}
		w.add(cond+`)`, sevs...)
	}
	offset := max(q.Offset, 0)
	rows, err := db.r.QueryContext(ctx, `SELECT l.site_url, l.organisation, l.tags, l.scan_id, l.started, l.error
FROM scan_sites l`+w.String()+` ORDER BY l.site_url`+page(q.Limit, offset), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: sites: %w", db.name, err)
	}
	defer rows.Close()
	var (
		out   []store.SiteSummary
		index = map[string]int{}
	)
	for rows.Next() {
		var (
			s       store.SiteSummary
			tags    sql.NullString
			started string
		)
		err := rows.Scan(&s.URL, &s.Organisation, &tags, &s.LastScan, &started, &s.Error)
		if err == nil {
			err = column.DecodeJSON(tags, &s.Tags)
		}
		if err == nil {
			s.LastAudit, err = column.ParseTime(started)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: sites: %w", db.name, err)
		}
		if len(s.Tags) == 0 {
			s.Tags = nil
		}
		s.Open = map[string]int{}
		index[s.URL] = len(out)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: sites: %w", db.name, err)
	}
	rows.Close()
	count, countArgs := `SELECT COUNT(*) FROM scan_sites l`+w.String(), w.args
	if len(w.conds) == 1 {
		// Only latestAudit: one row a site, counted off the index.
		count, countArgs = `SELECT COUNT(DISTINCT site_url) FROM scan_sites`, nil
	}
	n := -1
	if !q.NoTotal {
		if n, err = db.total(ctx, len(out), q.Limit, offset, count, countArgs); err != nil {
			return nil, 0, fmt.Errorf("%s: sites: counting: %w", db.name, err)
		}
	}
	// Open findings of the page's sites, a bounded IN list at a time.
	const chunk = 500
	for i := 0; i < len(out); i += chunk {
		var (
			marks []string
			args  []any
		)
		for _, s := range out[i:min(i+chunk, len(out))] {
			marks = append(marks, `?`)
			args = append(args, s.URL)
		}
		err := db.counts(ctx, `SELECT site, severity, COUNT(*) FROM findings
WHERE fixed_at IS NULL AND site IN (`+strings.Join(marks, `, `)+`) GROUP BY site, severity`, args,
			func(site, severity string, n int) {
				if j, ok := index[site]; ok {
					out[j].Open[severity] = n
				}
			})
		if err != nil {
			return nil, 0, fmt.Errorf("%s: sites: open findings: %w", db.name, err)
		}
	}
	return out, n, nil
}

// querier runs reads on a pool or in a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// counts runs a query of (key, subkey, count) rows and hands each to add.
func (db *Queries) counts(ctx context.Context, query string, args []any, add func(key, sub string, n int)) error {
	return countRows(ctx, db.r, query, args, add)
}

// countRows runs a query of (key, subkey, count) rows on q and hands each
// to add.
func countRows(ctx context.Context, q querier, query string, args []any, add func(key, sub string, n int)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key, sub string
			n        int
		)
		if err := rows.Scan(&key, &sub, &n); err != nil {
			return err
		}
		add(key, sub, n)
	}
	return rows.Err()
}

// addChange adds n changes of kind to the counter of that kind.
func addChange(kind string, n int, newC, fixed, regressed *int) error {
	switch kind {
	case store.ChangeNew:
		*newC += n
	case store.ChangeFixed:
		*fixed += n
	case store.ChangeRegressed:
		*regressed += n
	default:
		return fmt.Errorf("unknown change %q", kind)
	}
	return nil
}

// SiteHistory implements store.Browser. An unknown site has no audits. The
// counts go from the site's findings (by index) to their sightings and
// changes, never through a whole scan's.
func (db *Queries) SiteHistory(ctx context.Context, siteURL string) ([]store.SiteAudit, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT scan_id, `+siteColumns+`
FROM scan_sites WHERE site_url = ? ORDER BY scan_started DESC, scan_id DESC`, siteURL)
	if err != nil {
		return nil, fmt.Errorf("%s: history of %s: %w", db.name, siteURL, err)
	}
	defer rows.Close()
	var (
		out   []store.SiteAudit
		index = map[string]int{}
	)
	for rows.Next() {
		var a store.SiteAudit
		var err error
		a.Result, err = scanSite(rows, &a.Scan)
		if err != nil {
			return nil, fmt.Errorf("%s: history of %s: %w", db.name, siteURL, err)
		}
		index[a.Scan] = len(out)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: history of %s: %w", db.name, siteURL, err)
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	err = db.counts(ctx, `SELECT s.scan_id, '', COUNT(*) FROM findings f JOIN finding_sightings s ON s.finding_id = f.id
WHERE f.site = ? GROUP BY s.scan_id`, []any{siteURL}, func(scan, _ string, n int) {
		if i, ok := index[scan]; ok {
			out[i].Seen = n
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: history of %s: sightings: %w", db.name, siteURL, err)
	}
	var bad error
	err = db.counts(ctx, `SELECT c.scan_id, c.kind, COUNT(*) FROM findings f JOIN finding_changes c ON c.finding_id = f.id
WHERE f.site = ? GROUP BY c.scan_id, c.kind`, []any{siteURL}, func(scan, kind string, n int) {
		if i, ok := index[scan]; ok {
			a := &out[i]
			bad = errors.Join(bad, addChange(kind, n, &a.New, &a.Fixed, &a.Regressed))
		}
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, fmt.Errorf("%s: history of %s: changes: %w", db.name, siteURL, err)
	}
	return out, nil
}

// ScanSummaries implements store.Browser. Each summary's Seen map is
// non-nil. An ended scan's totals are those EndScan stored; a scan without
// them (running, ended before they were kept, or recorded again after its
// end) is counted live, reading each of its sightings once. Kept totals
// count each finding at the severity it had when the scan ended, where live
// counts use its current one: a finding whose severity a later scan
// changed (same ID) is not counted again.
func (db *Queries) ScanSummaries(ctx context.Context, limit int) ([]store.ScanSummary, error) {
	scans, err := db.Scans(ctx, limit)
	if err != nil {
		return nil, err
	}
	var ended []any
	for _, sc := range scans {
		if !sc.Ended.IsZero() {
			ended = append(ended, sc.ID)
		}
	}
	stored, err := db.storedCounts(ctx, ended)
	if err != nil {
		return nil, fmt.Errorf("%s: scan summaries: stored counts: %w", db.name, err)
	}
	out := make([]store.ScanSummary, len(scans))
	for i, sc := range scans {
		if c, ok := stored[sc.ID]; ok {
			out[i] = c
			out[i].Scan = sc
			continue
		}
		out[i].Scan = sc
		if err := countScan(ctx, db.r, &out[i]); err != nil {
			return nil, fmt.Errorf("%s: summary of scan %s: %w", db.name, sc.ID, err)
		}
	}
	return out, nil
}

// storedCounts returns the totals scan_counts holds for the scans ids, by
// scan ID, reading a bounded IN list at a time.
func (db *Queries) storedCounts(ctx context.Context, ids []any) (map[string]store.ScanSummary, error) {
	out := make(map[string]store.ScanSummary, len(ids))
	const chunk = 500
	for i := 0; i < len(ids); i += chunk {
		part := ids[i:min(i+chunk, len(ids))]
		marks := strings.TrimSuffix(strings.Repeat(`?, `, len(part)), `, `)
		err := db.storedChunk(ctx, `SELECT scan_id, sites, failed, seen, changes_new, changes_fixed, changes_regressed
FROM scan_counts WHERE scan_id IN (`+marks+`)`, part, out)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *Queries) storedChunk(ctx context.Context, query string, args []any, out map[string]store.ScanSummary) error {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c    store.ScanSummary
			seen sql.NullString
		)
		if err := rows.Scan(&c.ID, &c.Sites, &c.Failed, &seen, &c.New, &c.Fixed, &c.Regressed); err != nil {
			return err
		}
		if err := column.DecodeJSON(seen, &c.Seen); err != nil {
			return fmt.Errorf("scan %s: %w", c.ID, err)
		}
		if c.Seen == nil {
			c.Seen = map[string]int{}
		}
		out[c.ID] = c
	}
	return rows.Err()
}

// countScan counts the sites, sightings and changes s.ID recorded into s,
// on q: the pool, or EndScan's transaction.
func countScan(ctx context.Context, q querier, s *store.ScanSummary) error {
	s.Seen = map[string]int{}
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN error <> '' THEN 1 ELSE 0 END), 0)
FROM scan_sites WHERE scan_id = ?`, s.ID).Scan(&s.Sites, &s.Failed)
	if err != nil {
		return fmt.Errorf("sites: %w", err)
	}
	err = countRows(ctx, q, `SELECT f.severity, '', COUNT(*) FROM finding_sightings s JOIN findings f ON f.id = s.finding_id
WHERE s.scan_id = ? GROUP BY f.severity`, []any{s.ID}, func(severity, _ string, n int) {
		s.Seen[severity] = n
	})
	if err != nil {
		return fmt.Errorf("sightings: %w", err)
	}
	var bad error
	err = countRows(ctx, q, `SELECT kind, '', COUNT(*) FROM finding_changes WHERE scan_id = ? GROUP BY kind`,
		[]any{s.ID}, func(kind, _ string, n int) {
			bad = errors.Join(bad, addChange(kind, n, &s.New, &s.Fixed, &s.Regressed))
		})
	if err == nil {
		err = bad
	}
	if err != nil {
		return fmt.Errorf("changes: %w", err)
	}
	return nil
}
