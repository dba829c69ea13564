-- The pages and the firm's inbox. A case keeps its subarea, urgency and
-- summary beside the result (copied from it when it is stored) so that the
-- inbox lists, filters and sorts without reading result bodies; urgency_h is
-- NULL until there is one. consent_at is when the client accepted the data
-- notice (NULL: started without it). The client's contact details, the
-- firm's handling and its notes live in their own tables and go with the
-- case (ON DELETE CASCADE).
ALTER TABLE cases ADD COLUMN subarea TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN urgency_h INTEGER;
ALTER TABLE cases ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN consent_at TEXT;

UPDATE cases SET
    subarea = coalesce(json_extract(r.body, '$.triage_data.subarea'), ''),
    urgency_h = CASE WHEN json_extract(r.body, '$.triage_data.urgency_h') > 0
        THEN json_extract(r.body, '$.triage_data.urgency_h') END,
    summary = coalesce(json_extract(r.body, '$.triage_data.summary'), '')
    FROM results r
    WHERE r.case_id = cases.id;

-- Newest first, and most urgent first then newest, without a sort.
CREATE INDEX cases_created_at_idx ON cases (created_at, id);
CREATE INDEX cases_urgency_idx ON cases (urgency_h, created_at, id);

CREATE TABLE case_contacts (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    email   TEXT NOT NULL,
    phone   TEXT NOT NULL,
    at      TEXT NOT NULL
) STRICT;

-- A case without a row is new and unassigned.
CREATE TABLE case_handling (
    case_id    TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    assignee   TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_handling_state_idx ON case_handling (state);

CREATE TABLE case_notes (
    id      TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author  TEXT NOT NULL,
    text    TEXT NOT NULL,
    at      TEXT NOT NULL
) STRICT;
CREATE INDEX case_notes_case_idx ON case_notes (case_id, at);
