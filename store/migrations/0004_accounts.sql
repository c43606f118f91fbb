-- Accounts of the dashboard (vigie serve) and their sessions, and indexes
-- for browsing findings. Same portable conventions as 0001: TEXT and
-- INTEGER only, timestamps as TEXT in migrations.TimeLayout.

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,            -- 'viewer' or 'editor'
    password_hash TEXT NOT NULL,            -- PHC string or bcrypt, never a password
    created       TEXT NOT NULL
);

-- A session is kept by the hash of its token, never the token.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created    TEXT NOT NULL,
    expires    TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);
CREATE INDEX sessions_user ON sessions (user_name);

-- Browsing: pages walk findings in list order (site, check, location, id)
-- and stop early; dates have their own index. Fixed findings are indexed
-- alone: an index of every fixed_at would lure SQLite, which keeps no
-- statistics, into walking all open findings for "fixed_at IS NULL".
CREATE INDEX findings_order ON findings (site, check_id, location, id);
CREATE INDEX findings_last_seen ON findings (last_seen);
CREATE INDEX findings_fixed ON findings (fixed_at) WHERE fixed_at IS NOT NULL;
