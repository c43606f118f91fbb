package sqldb

import "vigie/store/internal/column"

// statements are RecordSite's queries. A back end that asks for it
// (Options.Prepare) has them prepared once on the writer and bound to each
// transaction with Tx.StmtContext, which reuses the connection's prepared
// statement instead of compiling it again.
type statements struct {
	scanStarted     string
	upsertSite      string
	siteFindings    string
	deleteSighting  string
	upsertFinding   string
	insertSighting  string
	prevSighting    string
	auditBetween    string
	upsertChange    string
	deleteChange    string
	firstSighting   string
	lastSighting    string
	firstAuditAfter string
	lastRegression  string
	updateState     string
	deleteFinding   string
	findingByID     string
	touchScan       string
	dropCounts      string
	// clearUnexamined and markUnexamined keep finding_unexamined: the
	// open findings this audit did not re-examine.
	clearUnexamined string
	markUnexamined  string
	// dropChangedCounts drops the totals of the scans that changed a
	// finding, before it is deleted with its changes.
	dropChangedCounts string
	// siteOpen ... upsertAuditCounts keep the dashboard's running totals
	// (rollUp, countAudit).
	siteOpen          string
	addOpenTotal      string
	latestAuditOf     string
	upsertSiteLatest  string
	siteLatestRow     string
	addOrgTotal       string
	clearSiteTags     string
	addSiteTag        string
	upsertAuditCounts string
	addOrgTag         string
}

var queries = statements{
	scanStarted: `SELECT started FROM scans WHERE id = ?`,
	upsertSite: `INSERT INTO scan_sites (scan_id, site_url, scan_started, organisation, tags,
	pages, forms, personal_forms, error, error_kind, started, ended, http_observatory, retention, hosting)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (scan_id, site_url) DO UPDATE SET
	organisation = excluded.organisation, tags = excluded.tags,
	pages = excluded.pages, forms = excluded.forms, personal_forms = excluded.personal_forms,
	error = excluded.error, error_kind = excluded.error_kind,
	started = excluded.started, ended = excluded.ended, http_observatory = excluded.http_observatory, retention = excluded.retention,
	hosting = excluded.hosting`,
	// The site's findings this record may change: the open ones, and
	// those an earlier delivery of the same scan saw or changed.
	siteFindings: `SELECT f.id, f.url, f.detail,
	EXISTS (SELECT 1 FROM finding_sightings s WHERE s.scan_id = ? AND s.finding_id = f.id)
FROM findings f
WHERE f.site = ? AND (f.fixed_at IS NULL
	OR EXISTS (SELECT 1 FROM finding_sightings s WHERE s.scan_id = ? AND s.finding_id = f.id)
	OR EXISTS (SELECT 1 FROM finding_changes c WHERE c.scan_id = ? AND c.finding_id = f.id))
ORDER BY f.id`,
	deleteSighting: `DELETE FROM finding_sightings WHERE scan_id = ? AND finding_id = ?`,
	upsertFinding: `INSERT INTO findings (id, check_id, severity, confidence, site, url,
	organisation, title, location, detail, legal, evidence,
	first_seen, last_seen, first_scan, last_scan, search_text)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	check_id = excluded.check_id, severity = excluded.severity,
	confidence = excluded.confidence, site = excluded.site, url = excluded.url,
	organisation = excluded.organisation, title = excluded.title,
	location = excluded.location, detail = excluded.detail,
	legal = excluded.legal, evidence = excluded.evidence, search_text = excluded.search_text`,
	insertSighting: `INSERT INTO finding_sightings (scan_id, finding_id, seen_at) VALUES (?, ?, ?)
ON CONFLICT (scan_id, finding_id) DO NOTHING`,
	prevSighting: `SELECT seen_at FROM finding_sightings
WHERE finding_id = ? AND seen_at < ? ORDER BY seen_at DESC LIMIT 1`,
	// A successful audit of the site between two times that re-examined
	// finding ? (see reexamined).
	auditBetween: `SELECT 1 FROM scan_sites a
WHERE a.site_url = ? AND a.error = '' AND a.scan_started > ? AND a.scan_started < ?` + reexamined + ` LIMIT 1`,
	upsertChange: `INSERT INTO finding_changes (scan_id, finding_id, kind, at) VALUES (?, ?, ?, ?)
ON CONFLICT (scan_id, finding_id) DO UPDATE SET kind = excluded.kind, at = excluded.at`,
	deleteChange: `DELETE FROM finding_changes WHERE scan_id = ? AND finding_id = ?`,
	firstSighting: `SELECT seen_at, scan_id FROM finding_sightings
WHERE finding_id = ? ORDER BY seen_at, scan_id LIMIT 1`,
	lastSighting: `SELECT seen_at, scan_id FROM finding_sightings
WHERE finding_id = ? ORDER BY seen_at DESC, scan_id DESC LIMIT 1`,
	firstAuditAfter: `SELECT a.scan_started FROM scan_sites a
WHERE a.site_url = ? AND a.error = '' AND a.scan_started > ?` + reexamined + `
ORDER BY a.scan_started LIMIT 1`,
	lastRegression: `SELECT at FROM finding_changes
WHERE finding_id = ? AND kind = 'regressed' ORDER BY at DESC LIMIT 1`,
	updateState: `UPDATE findings SET first_seen = ?, first_scan = ?, last_seen = ?, last_scan = ?,
	fixed_at = ?, regressed_at = ?
WHERE id = ?`,
	deleteFinding: `DELETE FROM findings WHERE id = ?`,
	findingByID:   `SELECT ` + column.Findings + ` FROM findings f WHERE f.id = ?`,
	// A write to the scan's row, so that a record and EndScan, which
	// updates that row too, wait for each other; see recorder.invalidate.
	touchScan:  `UPDATE scans SET ended = ended WHERE id = ?`,
	dropCounts: `DELETE FROM scan_counts WHERE scan_id = ?`,
	dropChangedCounts: `DELETE FROM scan_counts
WHERE scan_id IN (SELECT scan_id FROM finding_changes WHERE finding_id = ?)`,
	clearUnexamined: `DELETE FROM finding_unexamined
WHERE scan_id = ? AND finding_id IN (SELECT id FROM findings WHERE site = ?)`,
	markUnexamined: `INSERT INTO finding_unexamined (scan_id, finding_id) VALUES (?, ?)
ON CONFLICT (scan_id, finding_id) DO NOTHING`,
	siteOpen: `SELECT check_id, severity, COUNT(*) FROM findings
WHERE site = ? AND fixed_at IS NULL GROUP BY check_id, severity`,
	addOpenTotal: `INSERT INTO open_totals (shard, check_id, severity, n) VALUES (?, ?, ?, ?)
ON CONFLICT (shard, check_id, severity) DO UPDATE SET n = open_totals.n + excluded.n`,
	latestAuditOf: `SELECT scan_id, scan_started, organisation, tags, started, error FROM scan_sites
WHERE site_url = ? ORDER BY scan_started DESC, scan_id DESC LIMIT 1`,
	upsertSiteLatest: `INSERT INTO site_latest (site_url, scan_id, scan_started, organisation, tags, started, error,
	open_info, open_low, open_medium, open_high, open_critical, worst)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (site_url) DO UPDATE SET
	scan_id = excluded.scan_id, scan_started = excluded.scan_started,
	organisation = excluded.organisation, tags = excluded.tags, started = excluded.started,
	error = excluded.error, open_info = excluded.open_info, open_low = excluded.open_low,
	open_medium = excluded.open_medium, open_high = excluded.open_high,
	open_critical = excluded.open_critical, worst = excluded.worst`,
	siteLatestRow: `SELECT organisation, tags, worst, open_info, open_low, open_medium, open_high, open_critical
FROM site_latest WHERE site_url = ?`,
	addOrgTotal: `INSERT INTO org_totals (organisation, sites, worst_1, worst_2, worst_3, worst_4, worst_5,
	open_info, open_low, open_medium, open_high, open_critical, open_total)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (organisation) DO UPDATE SET sites = org_totals.sites + excluded.sites,
	worst_1 = org_totals.worst_1 + excluded.worst_1, worst_2 = org_totals.worst_2 + excluded.worst_2,
	worst_3 = org_totals.worst_3 + excluded.worst_3, worst_4 = org_totals.worst_4 + excluded.worst_4,
	worst_5 = org_totals.worst_5 + excluded.worst_5,
	open_info = org_totals.open_info + excluded.open_info, open_low = org_totals.open_low + excluded.open_low,
	open_medium = org_totals.open_medium + excluded.open_medium, open_high = org_totals.open_high + excluded.open_high,
	open_critical = org_totals.open_critical + excluded.open_critical, open_total = org_totals.open_total + excluded.open_total`,
	clearSiteTags: `DELETE FROM site_tags WHERE site_url = ?`,
	addOrgTag: `INSERT INTO org_tags (tag, organisation, sites) VALUES (?, ?, ?)
ON CONFLICT (tag, organisation) DO UPDATE SET sites = org_tags.sites + excluded.sites`,
	addSiteTag: `INSERT INTO site_tags (site_url, tag) VALUES (?, ?) ON CONFLICT (site_url, tag) DO NOTHING`,
	upsertAuditCounts: `INSERT INTO scan_site_counts (scan_id, site_url, failed, seen_info, seen_low, seen_medium,
	seen_high, seen_critical, changes_new, changes_fixed, changes_regressed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (scan_id, site_url) DO UPDATE SET failed = excluded.failed, seen_info = excluded.seen_info,
	seen_low = excluded.seen_low, seen_medium = excluded.seen_medium, seen_high = excluded.seen_high,
	seen_critical = excluded.seen_critical, changes_new = excluded.changes_new,
	changes_fixed = excluded.changes_fixed, changes_regressed = excluded.changes_regressed`,
}

// reexamined keeps the audits a of scan_sites that looked at the finding
// whose ID is its one parameter: those that did not are in
// finding_unexamined.
const reexamined = `
	AND NOT EXISTS (SELECT 1 FROM finding_unexamined u WHERE u.scan_id = a.scan_id AND u.finding_id = ?)`

// all returns every statement's SQL.
func (st *statements) all() []string {
	return []string{st.scanStarted, st.upsertSite, st.siteFindings, st.deleteSighting,
		st.upsertFinding, st.insertSighting, st.prevSighting, st.auditBetween,
		st.upsertChange, st.deleteChange, st.firstSighting, st.lastSighting,
		st.firstAuditAfter, st.lastRegression, st.updateState, st.deleteFinding,
		st.findingByID, st.touchScan, st.dropCounts, st.dropChangedCounts,
		st.clearUnexamined, st.markUnexamined,
		st.siteOpen, st.addOpenTotal, st.latestAuditOf, st.upsertSiteLatest,
		st.siteLatestRow, st.addOrgTotal, st.clearSiteTags, st.addSiteTag, st.upsertAuditCounts, st.addOrgTag,
		numberSite, keepSighting} // the last two: replay.go's
}
