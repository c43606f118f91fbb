package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// findingColumns are the columns scanFinding reads, in its order.
const findingColumns = `f.id, f.check_id, f.severity, f.confidence, f.site, f.url, f.organisation,
	f.title, f.location, f.detail, f.legal, f.evidence,
	f.first_seen, f.last_seen, f.fixed_at, f.regressed_at, f.last_scan`

// statements are RecordSite's queries, prepared once on the writer
// connection and bound to each transaction with Tx.StmtContext, which reuses
// the connection's prepared statement instead of compiling it again.
type statements struct {
	scanStarted     *sql.Stmt
	upsertSite      *sql.Stmt
	siteFindings    *sql.Stmt
	deleteSighting  *sql.Stmt
	upsertFinding   *sql.Stmt
	insertSighting  *sql.Stmt
	prevSighting    *sql.Stmt
	auditBetween    *sql.Stmt
	upsertChange    *sql.Stmt
	deleteChange    *sql.Stmt
	firstSighting   *sql.Stmt
	lastSighting    *sql.Stmt
	firstAuditAfter *sql.Stmt
	lastRegression  *sql.Stmt
	updateState     *sql.Stmt
	deleteFinding   *sql.Stmt
	findingByID     *sql.Stmt

	all []*sql.Stmt
}

func prepare(ctx context.Context, db *sql.DB) (*statements, error) {
	st := &statements{}
	for _, q := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.scanStarted, `SELECT started FROM scans WHERE id = ?`},
		{&st.upsertSite, `INSERT INTO scan_sites (scan_id, site_url, scan_started, organisation, tags,
	pages, forms, personal_forms, error, error_kind, started, ended)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (scan_id, site_url) DO UPDATE SET
	organisation = excluded.organisation, tags = excluded.tags,
	pages = excluded.pages, forms = excluded.forms, personal_forms = excluded.personal_forms,
	error = excluded.error, error_kind = excluded.error_kind,
	started = excluded.started, ended = excluded.ended`},
		// The site's findings this record may change: the open ones, and
		// those an earlier delivery of the same scan saw or changed.
		{&st.siteFindings, `SELECT f.id,
	EXISTS (SELECT 1 FROM finding_sightings s WHERE s.scan_id = ? AND s.finding_id = f.id)
FROM findings f
WHERE f.site = ? AND (f.fixed_at IS NULL
	OR EXISTS (SELECT 1 FROM finding_sightings s WHERE s.scan_id = ? AND s.finding_id = f.id)
	OR EXISTS (SELECT 1 FROM finding_changes c WHERE c.scan_id = ? AND c.finding_id = f.id))
ORDER BY f.id`},
		{&st.deleteSighting, `DELETE FROM finding_sightings WHERE scan_id = ? AND finding_id = ?`},
		{&st.upsertFinding, `INSERT INTO findings (id, check_id, severity, confidence, site, url,
	organisation, title, location, detail, legal, evidence,
	first_seen, last_seen, first_scan, last_scan)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	check_id = excluded.check_id, severity = excluded.severity,
	confidence = excluded.confidence, site = excluded.site, url = excluded.url,
	organisation = excluded.organisation, title = excluded.title,
	location = excluded.location, detail = excluded.detail,
	legal = excluded.legal, evidence = excluded.evidence`},
		{&st.insertSighting, `INSERT INTO finding_sightings (scan_id, finding_id, seen_at) VALUES (?, ?, ?)
ON CONFLICT (scan_id, finding_id) DO NOTHING`},
		{&st.prevSighting, `SELECT seen_at FROM finding_sightings
WHERE finding_id = ? AND seen_at < ? ORDER BY seen_at DESC LIMIT 1`},
		{&st.auditBetween, `SELECT 1 FROM scan_sites
WHERE site_url = ? AND error = '' AND scan_started > ? AND scan_started < ? LIMIT 1`},
		{&st.upsertChange, `INSERT INTO finding_changes (scan_id, finding_id, kind, at) VALUES (?, ?, ?, ?)
ON CONFLICT (scan_id, finding_id) DO UPDATE SET kind = excluded.kind, at = excluded.at`},
		{&st.deleteChange, `DELETE FROM finding_changes WHERE scan_id = ? AND finding_id = ?`},
		{&st.firstSighting, `SELECT seen_at, scan_id FROM finding_sightings
WHERE finding_id = ? ORDER BY seen_at, scan_id LIMIT 1`},
		{&st.lastSighting, `SELECT seen_at, scan_id FROM finding_sightings
WHERE finding_id = ? ORDER BY seen_at DESC, scan_id DESC LIMIT 1`},
		{&st.firstAuditAfter, `SELECT scan_started FROM scan_sites
WHERE site_url = ? AND error = '' AND scan_started > ? ORDER BY scan_started LIMIT 1`},
		{&st.lastRegression, `SELECT at FROM finding_changes
WHERE finding_id = ? AND kind = 'regressed' ORDER BY at DESC LIMIT 1`},
		{&st.updateState, `UPDATE findings SET first_seen = ?, first_scan = ?, last_seen = ?, last_scan = ?,
	fixed_at = ?, regressed_at = ?
WHERE id = ?`},
		{&st.deleteFinding, `DELETE FROM findings WHERE id = ?`},
		{&st.findingByID, `SELECT ` + findingColumns + ` FROM findings f WHERE f.id = ?`},
	} {
		s, err := db.PrepareContext(ctx, q.sql)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("preparing %q: %w", q.sql, err)
		}
		*q.dst = s
		st.all = append(st.all, s)
	}
	return st, nil
}

func (st *statements) close() error {
	var err error
	for _, s := range st.all {
		err = errors.Join(err, s.Close())
	}
	return err
}
