-- The dashboard at 100,000 sites and a million findings: what its pages
-- count is kept up to date by RecordSite instead of being counted from
-- every finding on each view. Same portable conventions as 0001: TEXT and
-- INTEGER only.

-- One row per site: its latest audit (greatest scan_started, then scan
-- ID, as sqldb's latestAudit) and its open findings by severity. worst is
-- the finding.Severity number (info 1 ... critical 5) of its most serious
-- open finding, 0 when it has none, so that "failing at threshold T" is
-- worst >= T through an index.
CREATE TABLE site_latest (
    site_url      TEXT PRIMARY KEY,
    scan_id       TEXT NOT NULL,
    scan_started  TEXT NOT NULL,
    organisation  TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '[]',
    started       TEXT NOT NULL,
    error         TEXT NOT NULL DEFAULT '',
    open_info     INTEGER NOT NULL DEFAULT 0,
    open_low      INTEGER NOT NULL DEFAULT 0,
    open_medium   INTEGER NOT NULL DEFAULT 0,
    open_high     INTEGER NOT NULL DEFAULT 0,
    open_critical INTEGER NOT NULL DEFAULT 0,
    worst         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX site_latest_organisation ON site_latest (organisation, site_url);
CREATE INDEX site_latest_worst ON site_latest (worst, site_url);

INSERT INTO site_latest (site_url, scan_id, scan_started, organisation, tags, started, error,
    open_info, open_low, open_medium, open_high, open_critical)
SELECT l.site_url, l.scan_id, l.scan_started, l.organisation, l.tags, l.started, l.error,
    (SELECT COUNT(*) FROM findings f WHERE f.site = l.site_url AND f.fixed_at IS NULL AND f.severity = 'info'),
    (SELECT COUNT(*) FROM findings f WHERE f.site = l.site_url AND f.fixed_at IS NULL AND f.severity = 'low'),
    (SELECT COUNT(*) FROM findings f WHERE f.site = l.site_url AND f.fixed_at IS NULL AND f.severity = 'medium'),
    (SELECT COUNT(*) FROM findings f WHERE f.site = l.site_url AND f.fixed_at IS NULL AND f.severity = 'high'),
    (SELECT COUNT(*) FROM findings f WHERE f.site = l.site_url AND f.fixed_at IS NULL AND f.severity = 'critical')
FROM scan_sites l
WHERE NOT EXISTS (SELECT 1 FROM scan_sites n WHERE n.site_url = l.site_url
    AND (n.scan_started > l.scan_started OR (n.scan_started = l.scan_started AND n.scan_id > l.scan_id)));
UPDATE site_latest SET worst = CASE
    WHEN open_critical > 0 THEN 5 WHEN open_high > 0 THEN 4 WHEN open_medium > 0 THEN 3
    WHEN open_low > 0 THEN 2 WHEN open_info > 0 THEN 1 ELSE 0 END;

-- Open findings by check and severity, in shards: a record adds its
-- site's change to the shard of its site (sqldb.shardOf), so that
-- concurrent writers (PostgreSQL workers) seldom wait on the same row.
-- The count of a (check, severity) is the sum over shards; a shard's own
-- number may be negative.
CREATE TABLE open_totals (
    shard    INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (shard, check_id, severity)
);
INSERT INTO open_totals (shard, check_id, severity, n)
SELECT 0, check_id, severity, COUNT(*) FROM findings WHERE fixed_at IS NULL GROUP BY check_id, severity;

-- The words of what the dashboard shows of a finding (its check, title,
-- site, URL, location and organisation: masked fields only), folded to
-- lower case without accents by store.SearchText; each back end indexes it
-- for full-text search (SQLite FTS5, PostgreSQL tsvector). NULL until the
-- back end fills it in for findings recorded before this migration.
ALTER TABLE findings ADD COLUMN search_text TEXT;
CREATE INDEX findings_unsearchable ON findings (id) WHERE search_text IS NULL;

-- The findings list with each filter it offers, in its order
-- (findings_order, findings_last_seen: 0004).
CREATE INDEX findings_check_list ON findings (check_id, site, location, id);
CREATE INDEX findings_organisation_list ON findings (organisation, site, check_id, location, id);
CREATE INDEX findings_fixed_list ON findings (site, check_id, location, id) WHERE fixed_at IS NOT NULL;
CREATE INDEX findings_regressed_list ON findings (site, check_id, location, id) WHERE regressed_at IS NOT NULL AND fixed_at IS NULL;

-- Organisations as of their sites' latest audits: sites counts the
-- sites, worst_N those whose most serious open finding has severity N
-- (site_latest.worst), open_* their open findings. RecordSite moves a
-- site's part from its old row to its new one.
CREATE TABLE org_totals (
    organisation  TEXT PRIMARY KEY,
    sites         INTEGER NOT NULL DEFAULT 0,
    worst_1       INTEGER NOT NULL DEFAULT 0,
    worst_2       INTEGER NOT NULL DEFAULT 0,
    worst_3       INTEGER NOT NULL DEFAULT 0,
    worst_4       INTEGER NOT NULL DEFAULT 0,
    worst_5       INTEGER NOT NULL DEFAULT 0,
    open_info     INTEGER NOT NULL DEFAULT 0,
    open_low      INTEGER NOT NULL DEFAULT 0,
    open_medium   INTEGER NOT NULL DEFAULT 0,
    open_high     INTEGER NOT NULL DEFAULT 0,
    open_critical INTEGER NOT NULL DEFAULT 0,
    open_total    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX org_totals_open ON org_totals (open_total, organisation);
INSERT INTO org_totals (organisation, sites, worst_1, worst_2, worst_3, worst_4, worst_5,
    open_info, open_low, open_medium, open_high, open_critical, open_total)
SELECT organisation, COUNT(*),
    SUM(CASE WHEN worst = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN worst = 2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN worst = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN worst = 4 THEN 1 ELSE 0 END),
    SUM(CASE WHEN worst = 5 THEN 1 ELSE 0 END),
    SUM(open_info), SUM(open_low), SUM(open_medium), SUM(open_high), SUM(open_critical),
    SUM(open_info + open_low + open_medium + open_high + open_critical)
FROM site_latest GROUP BY organisation;

-- The tags of each site's latest audit, one row each, for the tag filters
-- (site_latest.tags is a JSON array, which no index reads). The back end
-- fills it in for sites recorded before this migration.
CREATE TABLE site_tags (
    site_url TEXT NOT NULL,
    tag      TEXT NOT NULL,
    PRIMARY KEY (site_url, tag)
);
CREATE INDEX site_tags_tag ON site_tags (tag, site_url);

-- What each audit saw and changed, so that a running scan's totals are a
-- sum over its sites rather than a count of every sighting.
CREATE TABLE scan_site_counts (
    scan_id       TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    site_url      TEXT NOT NULL,
    failed        INTEGER NOT NULL DEFAULT 0,
    seen_info     INTEGER NOT NULL DEFAULT 0,
    seen_low      INTEGER NOT NULL DEFAULT 0,
    seen_medium   INTEGER NOT NULL DEFAULT 0,
    seen_high     INTEGER NOT NULL DEFAULT 0,
    seen_critical INTEGER NOT NULL DEFAULT 0,
    changes_new       INTEGER NOT NULL DEFAULT 0,
    changes_fixed     INTEGER NOT NULL DEFAULT 0,
    changes_regressed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scan_id, site_url)
);
-- Organisations of a set of sites (tag filters) read off the index.
CREATE INDEX site_latest_site_organisation ON site_latest (site_url, organisation);

-- How many sites of each organisation carry each tag in their latest
-- audit (site_tags by organisation), for the organisations' tag filter.
CREATE TABLE org_tags (
    tag          TEXT NOT NULL,
    organisation TEXT NOT NULL,
    sites        INTEGER NOT NULL,
    PRIMARY KEY (tag, organisation)
);
INSERT INTO org_tags (tag, organisation, sites)
SELECT t.tag, l.organisation, COUNT(*) FROM site_tags t JOIN site_latest l ON l.site_url = t.site_url
GROUP BY t.tag, l.organisation;
