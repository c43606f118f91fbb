-- Open findings a successful audit did not report because it never looked
-- at their URL (fewer pages, another crawl order, a page that timed out):
-- such an audit neither fixes them nor counts as the audit between two
-- sightings. Same portable conventions as 0001: TEXT and INTEGER only.
-- RecordSite replaces a scan's rows for a site's findings when the site is
-- recorded again.
CREATE TABLE finding_unexamined (
    scan_id    TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (scan_id, finding_id)
);
-- For the cascade when a finding is deleted.
CREATE INDEX finding_unexamined_finding ON finding_unexamined (finding_id);
