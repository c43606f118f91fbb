-- What a case is about: its failure threshold (findings below it, and
-- informational ones always, are notes and stay out of the case), and the
-- findings each event concerns (for a DPO alert, the findings notified;
-- for a verification, those seen fixed or back; failures first seen).
-- Same portable conventions as 0001: TEXT and INTEGER only. A finding ID
-- may not exist in this database, so no foreign key to findings.
ALTER TABLE cases ADD COLUMN min_severity TEXT NOT NULL DEFAULT 'low';

CREATE TABLE case_event_findings (
    case_seq   INTEGER NOT NULL,
    event_seq  INTEGER NOT NULL,
    finding_id TEXT NOT NULL,
    site_url   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_seq, event_seq, finding_id),
    FOREIGN KEY (case_seq, event_seq) REFERENCES case_events (case_seq, seq) ON DELETE CASCADE
);
