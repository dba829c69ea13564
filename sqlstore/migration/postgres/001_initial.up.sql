-- Cases, their conversation and their result. Ids are UUIDs kept as text so
-- that a malformed id is simply not found rather than a type error.
CREATE TABLE cases (
    id            text PRIMARY KEY,
    owner_id      text NOT NULL,
    status        text NOT NULL,
    complexity    text NOT NULL DEFAULT '',
    confidence    double precision NOT NULL DEFAULT 0,
    strategy      text NOT NULL DEFAULT '',
    area          text NOT NULL DEFAULT '',
    questions     integer NOT NULL DEFAULT 0,
    error         text NOT NULL DEFAULT '',
    forced_reason text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    version       bigint NOT NULL
);

CREATE INDEX cases_owner_id_idx ON cases (owner_id);
CREATE INDEX cases_status_idx ON cases (status);
-- (updated_at, id) serves the retention scan's ORDER BY without a sort.
CREATE INDEX cases_updated_at_idx ON cases (updated_at, id);

CREATE TABLE messages (
    case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx     integer NOT NULL,
    role    text NOT NULL,
    text    text NOT NULL,
    at      timestamptz NOT NULL,
    PRIMARY KEY (case_id, idx)
);

-- body is the JSON of triagem.Result, kept as text (not jsonb) so that it
-- reads back byte for byte as written.
CREATE TABLE results (
    case_id    text PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    body       text NOT NULL,
    created_at timestamptz NOT NULL
);
