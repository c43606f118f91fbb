-- Continuous watch: saved groups of sites, labels, schedules, alert
-- subscriptions with their queue and delivery log, API keys, and the last
-- use of each session (idle expiry that survives a restart). Same portable
-- conventions as 0001: TEXT and INTEGER only, timestamps as TEXT in
-- migrations.TimeLayout, '' for "never".

ALTER TABLE sessions ADD COLUMN last_seen TEXT NOT NULL DEFAULT '';

-- A saved group selects sites by URL, by tag (scan input or label) and by
-- organisation; a site matching any of them belongs to the group.
CREATE TABLE site_groups (
    name          TEXT PRIMARY KEY,
    sites         TEXT NOT NULL DEFAULT '[]', -- JSON array of site URLs
    tags          TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    organisations TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    created       TEXT NOT NULL
);

-- Tags attached on the dashboard: kind is 'site' (subject: site URL) or
-- 'organisation' (subject: organisation name).
CREATE TABLE labels (
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    tag     TEXT NOT NULL,
    PRIMARY KEY (kind, subject, tag)
);
CREATE INDEX labels_tag ON labels (tag, kind, subject);

-- kind 'scan' rescans group_name; kind 'verify' re-verifies the cases.
-- Either every_seconds > 0 or cron is set. next_run is claimed (moved
-- forward) before a run starts, so a run is never started twice.
CREATE TABLE schedules (
    name          TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    group_name    TEXT NOT NULL DEFAULT '',
    every_seconds INTEGER NOT NULL DEFAULT 0,
    cron          TEXT NOT NULL DEFAULT '',
    browser       INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 0,
    owner         TEXT NOT NULL DEFAULT '',
    created       TEXT NOT NULL,
    next_run      TEXT NOT NULL DEFAULT '',
    last_run      TEXT NOT NULL DEFAULT '',
    last_scan     TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT ''
);

-- An alert subscription of a user: by email, by webhook or both.
CREATE TABLE subscriptions (
    id           TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    email        TEXT NOT NULL DEFAULT '',
    webhook      TEXT NOT NULL DEFAULT '',
    secret       TEXT NOT NULL DEFAULT '',  -- HMAC key of the webhook
    lang         TEXT NOT NULL DEFAULT 'en',
    group_names  TEXT NOT NULL DEFAULT '[]', -- JSON array; empty: every group
    min_severity TEXT NOT NULL DEFAULT 'low',
    digest       TEXT NOT NULL DEFAULT 'immediate', -- or 'daily'
    fixes        INTEGER NOT NULL DEFAULT 1,
    created      TEXT NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions (user_name);

-- Alerts waiting for a subscription's daily digest (JSON).
CREATE TABLE alert_queue (
    id           TEXT PRIMARY KEY,
    subscription TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    created      TEXT NOT NULL,
    alert        TEXT NOT NULL
);
CREATE INDEX alert_queue_subscription ON alert_queue (subscription, created);

-- Every attempt to deliver an alert.
CREATE TABLE deliveries (
    id           TEXT PRIMARY KEY,
    subscription TEXT NOT NULL,
    channel      TEXT NOT NULL,            -- 'email' or 'webhook'
    target       TEXT NOT NULL,
    scan_id      TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    status       TEXT NOT NULL,            -- 'sent' or 'failed'
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_at ON deliveries (at);

-- API keys are kept by the SHA-256 of the key, never the key.
CREATE TABLE api_keys (
    id        TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    name      TEXT NOT NULL DEFAULT '',
    hash      TEXT NOT NULL UNIQUE,
    created   TEXT NOT NULL,
    last_used TEXT NOT NULL DEFAULT '',
    revoked   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_keys_user ON api_keys (user_name);
