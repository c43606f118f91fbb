-- Scan history. Portable SQL shared by the SQLite and PostgreSQL back ends:
-- TEXT and INTEGER columns only, JSON as TEXT, timestamps as TEXT in
-- migrations.TimeLayout (UTC, fixed width, so they compare as strings).

CREATE TABLE scans (
    id       TEXT PRIMARY KEY,
    started  TEXT NOT NULL,
    ended    TEXT,                          -- NULL while the scan runs
    version  TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{}',    -- JSON object of strings
    targets  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX scans_started ON scans (started);

-- One row per audited site of a scan. scan_started copies scans.started so
-- that a site's audits can be walked in time order through one index.
CREATE TABLE scan_sites (
    scan_id        TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    site_url       TEXT NOT NULL,
    scan_started   TEXT NOT NULL,
    organisation   TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    pages          INTEGER NOT NULL DEFAULT 0,
    forms          INTEGER NOT NULL DEFAULT 0,
    personal_forms INTEGER NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',   -- '' when audited successfully
    error_kind     TEXT NOT NULL DEFAULT '',
    started        TEXT NOT NULL,
    ended          TEXT NOT NULL,
    PRIMARY KEY (scan_id, site_url)
);
CREATE INDEX scan_sites_site ON scan_sites (site_url, scan_started);

-- Current state of every finding ever seen. The dates are derived from
-- finding_sightings and scan_sites each time the finding's site is recorded.
CREATE TABLE findings (
    id           TEXT PRIMARY KEY,
    check_id     TEXT NOT NULL,
    severity     TEXT NOT NULL,             -- finding.Severity name
    confidence   TEXT NOT NULL DEFAULT '',
    site         TEXT NOT NULL,
    url          TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    detail       TEXT,                      -- JSON object
    legal        TEXT,                      -- JSON array of strings
    evidence     TEXT,                      -- JSON array of strings
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    fixed_at     TEXT,                      -- NULL while open
    regressed_at TEXT,
    first_scan   TEXT NOT NULL,
    last_scan    TEXT NOT NULL
);
CREATE INDEX findings_site ON findings (site);
CREATE INDEX findings_check ON findings (check_id);
CREATE INDEX findings_organisation ON findings (organisation);

-- Which scan saw which finding; seen_at copies scans.started.
CREATE TABLE finding_sightings (
    scan_id    TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (scan_id, finding_id)
);
CREATE INDEX finding_sightings_finding ON finding_sightings (finding_id, seen_at);

-- The transitions each scan made: kind is 'new', 'fixed' or 'regressed';
-- at copies scans.started.
CREATE TABLE finding_changes (
    scan_id    TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (scan_id, finding_id)
);
CREATE INDEX finding_changes_finding ON finding_changes (finding_id, at);
