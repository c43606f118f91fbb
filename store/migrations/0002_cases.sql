-- Organisations, cases and their timelines. Same portable conventions as
-- 0001: TEXT and INTEGER only, timestamps as TEXT in migrations.TimeLayout.

CREATE TABLE organisations (
    name          TEXT PRIMARY KEY,
    dpo_email     TEXT NOT NULL DEFAULT '',
    dpo_address   TEXT NOT NULL DEFAULT '',
    dpo_form      TEXT NOT NULL DEFAULT '',
    parent        TEXT NOT NULL DEFAULT '',   -- '' at the top
    sector        TEXT NOT NULL DEFAULT '',
    site_suffixes TEXT NOT NULL DEFAULT '[]'  -- JSON array of strings
);

-- seq orders cases and gives their public ID "C-<seq>"; the store assigns
-- it (MAX + 1 in the creating transaction), not the engine.
CREATE TABLE cases (
    seq          INTEGER PRIMARY KEY,
    organisation TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    created      TEXT NOT NULL
);
CREATE INDEX cases_organisation ON cases (organisation);

-- Findings and sites a case is about. A finding ID may not exist in this
-- database (a case imported from elsewhere), so no foreign key to findings.
CREATE TABLE case_findings (
    case_seq   INTEGER NOT NULL REFERENCES cases (seq) ON DELETE CASCADE,
    finding_id TEXT NOT NULL,
    PRIMARY KEY (case_seq, finding_id)
);

CREATE TABLE case_sites (
    case_seq INTEGER NOT NULL REFERENCES cases (seq) ON DELETE CASCADE,
    site_url TEXT NOT NULL,
    PRIMARY KEY (case_seq, site_url)
);

-- Documents attached to events, by content digest.
CREATE TABLE documents (
    sha256 TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    path   TEXT NOT NULL DEFAULT ''
);

-- Timeline; seq keeps insertion order among events of the same date.
CREATE TABLE case_events (
    case_seq        INTEGER NOT NULL REFERENCES cases (seq) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    at              TEXT NOT NULL,
    author          TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    ref             TEXT NOT NULL DEFAULT '',
    document_sha256 TEXT REFERENCES documents (sha256),
    private         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_seq, seq)
);
