-- People's rights requests as cases, and scans that can be rendered again.
-- Same portable conventions as 0001: TEXT and INTEGER only.

-- A case's kind: '' for a case about findings (the default), or
-- 'rights-request' for a data subject's request under GDPR art. 15, 17 or
-- 21; request holds the request itself as a JSON object (right, data
-- subject, what it is about).
ALTER TABLE cases ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN request TEXT NOT NULL DEFAULT '{}';

-- The order in which a scan recorded its sites (a redelivered site takes
-- the next number), so that `vigie report` writes them in the order the
-- scan did. 0 for sites recorded before this migration.
ALTER TABLE scan_sites ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX scan_sites_seq ON scan_sites (scan_id, seq);

-- Each sighting keeps the finding as that scan reported it (JSON, the
-- JSONL record) and its place among the site's findings: the findings
-- table holds only the latest content and dates. NULL before this
-- migration.
ALTER TABLE finding_sightings ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE finding_sightings ADD COLUMN record TEXT;
