-- Totals of ended scans, so that listing scans does not count every
-- sighting of each. Same portable conventions as 0001: TEXT and INTEGER
-- only. EndScan writes a scan's row in the transaction that sets its end;
-- RecordSite deletes it, since a late record (a redelivered job) changes
-- the totals. A scan without a row (running, ended before this migration,
-- or recorded again after its end) is counted from its sightings.
CREATE TABLE scan_counts (
    scan_id           TEXT PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
    sites             INTEGER NOT NULL,
    failed            INTEGER NOT NULL,
    seen              TEXT NOT NULL DEFAULT '{}', -- JSON object: severity name to count
    -- finding_changes of the scan by kind
    changes_new       INTEGER NOT NULL,
    changes_fixed     INTEGER NOT NULL,
    changes_regressed INTEGER NOT NULL
);
