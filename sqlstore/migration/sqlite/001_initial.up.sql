-- Cases, their conversation and their result. STRICT makes SQLite enforce the
-- column types as Postgres does. Times are TEXT in the fixed-width form
-- 2006-01-02T15:04:05.000000Z (UTC, microseconds), so text order is time
-- order and they compare correctly in WHERE and ORDER BY.
CREATE TABLE cases (
    id            TEXT PRIMARY KEY NOT NULL,
    owner_id      TEXT NOT NULL,
    status        TEXT NOT NULL,
    complexity    TEXT NOT NULL DEFAULT '',
    confidence    REAL NOT NULL DEFAULT 0,
    strategy      TEXT NOT NULL DEFAULT '',
    area          TEXT NOT NULL DEFAULT '',
    questions     INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    forced_reason TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL
) STRICT;

CREATE INDEX cases_owner_id_idx ON cases (owner_id);
CREATE INDEX cases_status_idx ON cases (status);
-- (updated_at, id) serves the retention scan's ORDER BY without a sort.
CREATE INDEX cases_updated_at_idx ON cases (updated_at, id);

CREATE TABLE messages (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    role    TEXT NOT NULL,
    text    TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (case_id, idx)
) STRICT;

-- body is the JSON of triagem.Result.
CREATE TABLE results (
    case_id    TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
