package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"vigie/finding"
	"vigie/store"
	"vigie/store/internal/column"
)

// BeginScan implements store.Store.
func (db *Queries) BeginScan(ctx context.Context, s *store.Scan) error {
	if s.Started.IsZero() {
		s.Started = time.Now()
	}
	s.Started = s.Started.UTC()
	if s.ID == "" {
		s.ID = store.NewScanID(s.Started)
	}
	settings, err := json.Marshal(s.Settings)
	if err != nil {
		return fmt.Errorf("%s: begin scan %s: settings: %w", db.name, s.ID, err)
	}
	if s.Settings == nil {
		settings = []byte("{}")
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO scans (id, started, ended, version, settings, targets)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		s.ID, column.Time(s.Started), column.NullTime(s.Ended), s.Version, string(settings), s.Targets)
	if err != nil {
		return fmt.Errorf("%s: begin scan %s: %w", db.name, s.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: begin scan %s: %w", db.name, s.ID, err)
	} else if n == 0 {
		return fmt.Errorf("%s: begin scan %s: %w", db.name, s.ID, store.ErrExists)
	}
	return nil
}

// EndScan implements store.Store. In the transaction that sets the end, it
// counts what the scan recorded and keeps the totals in scan_counts, which
// ScanSummaries reads instead of counting every sighting again; a zero
// ended time (the scan running again) drops them.
func (db *Queries) EndScan(ctx context.Context, scanID string, ended time.Time) error {
	if err := db.endScan(ctx, scanID, ended); err != nil {
		return fmt.Errorf("%s: end scan %s: %w", db.name, scanID, err)
	}
	return nil
}

func (db *Queries) endScan(ctx context.Context, scanID string, ended time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// First, so that records of the scan still running wait until the
	// totals are stored, and those already waiting to commit are counted.
	res, err := tx.ExecContext(ctx, `UPDATE scans SET ended = ? WHERE id = ?`, column.NullTime(ended), scanID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("scan %w", store.ErrNotFound)
	}
	if ended.IsZero() {
		if _, err := tx.ExecContext(ctx, queries.dropCounts, scanID); err != nil {
			return fmt.Errorf("dropping the counts: %w", err)
		}
		return tx.Commit()
	}
	s := store.ScanSummary{Scan: store.Scan{ID: scanID}}
	if err := countScan(ctx, tx, &s); err != nil {
		return err
	}
	seen, err := json.Marshal(s.Seen)
	if err != nil {
		return fmt.Errorf("counts: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO scan_counts (scan_id, sites, failed, seen,
	changes_new, changes_fixed, changes_regressed)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (scan_id) DO UPDATE SET
	sites = excluded.sites, failed = excluded.failed, seen = excluded.seen,
	changes_new = excluded.changes_new, changes_fixed = excluded.changes_fixed,
	changes_regressed = excluded.changes_regressed`,
		scanID, s.Sites, s.Failed, string(seen), s.New, s.Fixed, s.Regressed)
	if err != nil {
		return fmt.Errorf("storing the counts: %w", err)
	}
	return tx.Commit()
}

// RecordSite implements store.Store: a batch of one site.
//
// Rather than patching each finding's dates from their previous values, it
// recomputes them from the sightings and the site's audits, with a few
// indexed look-ups per finding. That makes a redelivered site (the same
// scan recorded again, perhaps with other findings) replace the earlier
// record exactly.
func (db *Queries) RecordSite(ctx context.Context, scanID string, site store.SiteResult, fs []finding.Finding) ([]finding.Finding, []store.Change, error) {
	rec, err := db.RecordSites(ctx, scanID, []store.SiteRecord{{Site: site, Findings: fs}})
	if err != nil {
		return nil, nil, err
	}
	return rec[0].Findings, rec[0].Changes, nil
}

// RecordSites implements store.BatchRecorder. A transaction that fails in
// a way the back end says is transient (a deadlock) runs again, up to five
// times in all.
func (db *Queries) RecordSites(ctx context.Context, scanID string, sites []store.SiteRecord) ([]store.Recorded, error) {
	if len(sites) == 0 {
		return nil, nil
	}
	batch := make([]store.SiteRecord, len(sites))
	for i, s := range sites {
		fs, err := store.PrepareFindings(s.Site, s.Findings)
		if err != nil {
			return nil, fmt.Errorf("%s: record site %s in scan %s: %w", db.name, s.Site.URL, scanID, err)
		}
		batch[i] = store.SiteRecord{Site: s.Site, Findings: fs}
	}
	var (
		out []store.Recorded
		err error
	)
	for attempt := 0; ; attempt++ {
		out, err = db.recordOnce(ctx, scanID, batch)
		if err == nil || attempt == 4 || db.retry == nil || !db.retry(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", db.name, err)
	}
	return out, nil
}

// recordOnce records batch in one transaction. Its errors name the site
// that failed, or the batch.
func (db *Queries) recordOnce(ctx context.Context, scanID string, batch []store.SiteRecord) ([]store.Recorded, error) {
	what := fmt.Sprintf("record site %s in scan %s", batch[0].Site.URL, scanID)
	if len(batch) > 1 {
		what = fmt.Sprintf("record %d sites in scan %s", len(batch), scanID)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if db.lockSite != "" {
		// All the batch's sites at once, in one order for every writer,
		// so that two batches never wait for each other's locks.
		urls := make([]string, len(batch))
		for i, s := range batch {
			urls[i] = s.Site.URL
		}
		slices.Sort(urls)
		for _, u := range slices.Compact(urls) {
			if _, err := tx.ExecContext(ctx, db.lockSite, u); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
		}
	}
	r := &recorder{ctx: ctx, tx: tx, db: db, st: &queries, scan: scanID}
	if err := r.begin(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := make([]store.Recorded, len(batch))
	for i, s := range batch {
		r.site = s.Site
		fs, changes, err := r.record(s.Findings)
		if err != nil {
			return nil, fmt.Errorf("record site %s in scan %s: %w", s.Site.URL, scanID, err)
		}
		out[i] = store.Recorded{Findings: fs, Changes: changes}
	}
	if err := r.invalidate(); err != nil {
		return nil, fmt.Errorf("%s: dropping the scan's counts: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// recorder is one RecordSites transaction; site is the site being
// recorded.
type recorder struct {
	ctx   context.Context
	tx    txn
	db    *Queries
	st    *statements
	bound map[string]*sql.Stmt

	scan string
	site store.SiteResult
	at   string // the scan's start, formatted
}

// prepared returns the statement prepared for q bound to the transaction,
// nil when the back end does not prepare.
func (r *recorder) prepared(q string) *sql.Stmt {
	s, ok := r.db.prepared[q]
	if !ok {
		return nil
	}
	if b, ok := r.bound[q]; ok {
		return b
	}
	if r.bound == nil {
		r.bound = make(map[string]*sql.Stmt)
	}
	b := r.tx.StmtContext(r.ctx, s)
	r.bound[q] = b
	return b
}

func (r *recorder) exec(q string, args ...any) error {
	var err error
	if s := r.prepared(q); s != nil {
		_, err = s.ExecContext(r.ctx, args...)
	} else {
		_, err = r.tx.ExecContext(r.ctx, q, args...)
	}
	return err
}

func (r *recorder) queryRow(q string, args ...any) *sql.Row {
	if s := r.prepared(q); s != nil {
		return s.QueryRowContext(r.ctx, args...)
	}
	return r.tx.QueryRowContext(r.ctx, q, args...)
}

func (r *recorder) query(q string, args ...any) (*sql.Rows, error) {
	if s := r.prepared(q); s != nil {
		return s.QueryContext(r.ctx, args...)
	}
	return r.tx.QueryContext(r.ctx, q, args...)
}

// state is a finding's history.
type state struct {
	firstSeen, lastSeen  string
	firstScan, lastScan  string
	fixedAt, regressedAt sql.NullString
}

// begin reads the scan's start, the time of the batch's sightings.
func (r *recorder) begin() error {
	err := r.queryRow(r.st.scanStarted, r.scan).Scan(&r.at)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("scan %w", store.ErrNotFound)
	}
	return err
}

// record records r.site with its findings fs (see store.Store.RecordSite).
func (r *recorder) record(fs []finding.Finding) ([]finding.Finding, []store.Change, error) {
	before, err := r.openCounts()
	if err != nil {
		return nil, nil, fmt.Errorf("counting open findings: %w", err)
	}
	if err := r.saveSite(); err != nil {
		return nil, nil, fmt.Errorf("saving site: %w", err)
	}
	if err := r.numberSite(); err != nil {
		return nil, nil, fmt.Errorf("numbering site: %w", err)
	}

	// Which findings to revisit: the ones seen now, in input order, then the
	// site's other open findings and those an earlier delivery touched.
	present := make(map[string]bool, len(fs))
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		present[f.ID] = true
		ids = append(ids, f.ID)
	}
	var stale []string // seen by an earlier delivery, not by this one
	// Absent findings whose URL this successful audit did not fetch: it
	// neither fixes them nor counts as an audit between two sightings.
	// Without a coverage (an older caller), every URL counts as fetched.
	unexamined := make(map[string]bool)
	var covered coverage
	if r.site.OK() {
		covered = newCoverage(r.site.Covered)
	}
	rows, err := r.query(r.st.siteFindings, r.scan, r.site.URL, r.scan, r.scan)
	if err != nil {
		return nil, nil, fmt.Errorf("listing the site's findings: %w", err)
	}
	for rows.Next() {
		var id, u string
		var detail sql.NullString
		var sighted bool
		if err := rows.Scan(&id, &u, &detail, &sighted); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("listing the site's findings: %w", err)
		}
		if present[id] {
			continue
		}
		ids = append(ids, id)
		if sighted {
			stale = append(stale, id)
		}
		if u == "" {
			u = r.site.URL
		}
		if covered != nil && !covered.coversAny(u, pagesOf(detail)) {
			unexamined[id] = true
		}
	}
	if err := rows.Close(); err != nil {
		return nil, nil, fmt.Errorf("listing the site's findings: %w", err)
	}
	for _, id := range stale {
		if err := r.exec(r.st.deleteSighting, r.scan, id); err != nil {
			return nil, nil, fmt.Errorf("finding %s: %w", id, err)
		}
	}
	// Like sightings, an earlier delivery's rows give way to this one's.
	if err := r.exec(r.st.clearUnexamined, r.scan, r.site.URL); err != nil {
		return nil, nil, fmt.Errorf("clearing unexamined findings: %w", err)
	}
	for _, id := range ids {
		if !unexamined[id] {
			continue
		}
		if err := r.exec(r.st.markUnexamined, r.scan, id); err != nil {
			return nil, nil, fmt.Errorf("finding %s: %w", id, err)
		}
	}
	for _, f := range fs {
		if err := r.saveFinding(&f); err != nil {
			return nil, nil, fmt.Errorf("finding %s: %w", f.ID, err)
		}
	}

	states := make(map[string]state, len(ids))
	var changes []store.Change
	for _, id := range ids {
		kind, err := r.change(id, present[id], unexamined[id])
		if err != nil {
			return nil, nil, fmt.Errorf("finding %s: %w", id, err)
		}
		s, err := r.history(id)
		if err != nil {
			return nil, nil, fmt.Errorf("finding %s: %w", id, err)
		}
		states[id] = s
		if kind == "" {
			continue
		}
		c := store.Change{Kind: kind}
		if present[id] {
			// Filled in below, from the input.
			c.Finding.ID = id
		} else if c.Finding, err = column.ScanFinding(r.queryRow(r.st.findingByID, id)); err != nil {
			return nil, nil, fmt.Errorf("finding %s: %w", id, err)
		}
		changes = append(changes, c)
	}

	out := make([]finding.Finding, len(fs))
	byID := make(map[string]finding.Finding, len(fs))
	for i, f := range fs {
		s := states[f.ID]
		var err error
		if f.FirstSeen, err = column.ParseTime(s.firstSeen); err != nil {
			return nil, nil, err
		}
		if f.LastSeen, err = column.ParseTime(s.lastSeen); err != nil {
			return nil, nil, err
		}
		if f.FixedAt, err = column.ParseNullTime(s.fixedAt); err != nil {
			return nil, nil, err
		}
		if f.RegressedAt, err = column.ParseNullTime(s.regressedAt); err != nil {
			return nil, nil, err
		}
		f.Scan = r.scan
		out[i] = f
		byID[f.ID] = f
	}
	for i, c := range changes {
		if present[c.Finding.ID] {
			changes[i].Finding = byID[c.Finding.ID]
		}
	}
	if err := r.keepReported(out); err != nil {
		return nil, nil, fmt.Errorf("keeping the reported findings: %w", err)
	}
	if err := r.rollUp(before); err != nil {
		return nil, nil, fmt.Errorf("dashboard totals: %w", err)
	}
	if err := r.countAudit(out, changes); err != nil {
		return nil, nil, fmt.Errorf("audit counts: %w", err)
	}
	return out, changes, nil
}

// invalidate drops the totals EndScan stored for the scan: a site recorded
// after the end (a job redelivered late) changes them, and the scan is
// counted live from then on, never stored again unless EndScan runs again.
// Recounting here instead would read every sighting of the scan on each
// late record; late records are rare, reads of the scan list are not.
//
// It runs last, after every write of the batch, and first writes the
// scan's row, which EndScan updates first. Under PostgreSQL's read
// committed, where neither side sees the other's uncommitted rows, that
// row lock orders the two: a record that touched the row first commits
// before EndScan counts; one that comes second waits for EndScan to commit,
// then deletes the totals it stored. Records of one scan queue on that lock
// only for the end of their transactions. With SQLite, writes are
// serialised anyway.
func (r *recorder) invalidate() error {
	if r.db.lockScan != "" {
		if err := r.exec(r.db.lockScan, r.scan); err != nil {
			return err
		}
	} else if err := r.exec(r.st.touchScan, r.scan); err != nil {
		return err
	}
	return r.exec(r.st.dropCounts, r.scan)
}

func (r *recorder) saveSite() error {
	s := r.site
	tags, err := json.Marshal(s.Tags)
	if err != nil {
		return err
	}
	if s.Tags == nil {
		tags = []byte("[]")
	}
	retention, err := column.NullJSON(s.Retention, len(s.Retention) == 0)
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	hosting, err := column.NullJSON(s.Hosting, s.Hosting == nil)
	if err != nil {
		return fmt.Errorf("hosting: %w", err)
	}
	return r.exec(r.st.upsertSite, r.scan, s.URL, r.at, s.Organisation, string(tags),
		s.Pages, s.Forms, s.PersonalForms, s.Error, s.ErrorKind,
		column.Time(s.Started), column.Time(s.Ended), string(s.HTTPObservatory), retention, hosting)
}

// saveFinding stores f's content and its sighting by the scan; its dates
// are placeholders until history sets them.
func (r *recorder) saveFinding(f *finding.Finding) error {
	detail, err := column.NullJSON(f.Detail, len(f.Detail) == 0)
	if err != nil {
		return fmt.Errorf("detail: %w", err)
	}
	legal, err := column.NullJSON(f.Legal, len(f.Legal) == 0)
	if err != nil {
		return err
	}
	evidence, err := column.NullJSON(f.Evidence, len(f.Evidence) == 0)
	if err != nil {
		return err
	}
	err = r.exec(r.st.upsertFinding, f.ID, f.Check, f.Severity.String(), f.Confidence, f.Site, f.URL,
		f.Organisation, f.Title, f.Location, detail, legal, evidence,
		r.at, r.at, r.scan, r.scan, store.SearchText(f))
	if err != nil {
		return err
	}
	return r.exec(r.st.insertSighting, r.scan, f.ID, r.at)
}

// change works out and stores the change this scan makes to finding id:
// new when first seen now; regressed when seen now after a successful
// audit that re-examined it and did not see it; fixed when this successful
// audit re-examined it (see unexamined) without seeing it and no
// successful audit since its last sighting already had.
func (r *recorder) change(id string, present, unexamined bool) (string, error) {
	var prev sql.NullString
	err := r.queryRow(r.st.prevSighting, id, r.at).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	kind := ""
	if present && !prev.Valid {
		kind = store.ChangeNew
	} else if prev.Valid && (present || (r.site.OK() && !unexamined)) {
		var one int
		err := r.queryRow(r.st.auditBetween, r.site.URL, prev.String, r.at, id).Scan(&one)
		switch {
		case err == nil: // fixed in between
			if present {
				kind = store.ChangeRegressed
			}
		case errors.Is(err, sql.ErrNoRows): // open since
			if !present {
				kind = store.ChangeFixed
			}
		default:
			return "", err
		}
	}
	if kind == "" {
		return "", r.exec(r.st.deleteChange, r.scan, id)
	}
	return kind, r.exec(r.st.upsertChange, r.scan, id, kind, r.at)
}

// history recomputes and stores the dates of finding id: first and last
// sightings; fixed at the first successful audit of the site after the last
// sighting that re-examined it; regressed at its latest regression. A
// finding left with no sighting (seen only by an earlier delivery of this
// scan) is deleted.
func (r *recorder) history(id string) (state, error) {
	var s state
	err := r.queryRow(r.st.firstSighting, id).Scan(&s.firstSeen, &s.firstScan)
	if errors.Is(err, sql.ErrNoRows) {
		// Deleting it deletes its changes in later scans too (a fix
		// recorded after the sighting this delivery withdrew): their
		// stored totals no longer hold.
		if err := r.exec(r.st.dropChangedCounts, id); err != nil {
			return s, err
		}
		return s, r.exec(r.st.deleteFinding, id)
	}
	if err != nil {
		return s, err
	}
	if err := r.queryRow(r.st.lastSighting, id).Scan(&s.lastSeen, &s.lastScan); err != nil {
		return s, err
	}
	err = r.queryRow(r.st.firstAuditAfter, r.site.URL, s.lastSeen, id).Scan(&s.fixedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, err
	}
	err = r.queryRow(r.st.lastRegression, id).Scan(&s.regressedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, err
	}
	return s, r.exec(r.st.updateState, s.firstSeen, s.firstScan, s.lastSeen, s.lastScan, s.fixedAt, s.regressedAt, id)
}
