-- The pages and the firm's inbox. A case keeps its subarea, urgency and
-- summary beside the result (copied from it when it is stored) so that the
-- inbox lists, filters and sorts without reading result bodies; urgency_h is
-- NULL until there is one. consent_at is when the client accepted the data
-- notice (NULL: started without it). The client's contact details, the
-- firm's handling and its notes live in their own tables and go with the
-- case (ON DELETE CASCADE).
ALTER TABLE cases ADD COLUMN subarea text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN urgency_h integer;
ALTER TABLE cases ADD COLUMN summary text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN consent_at timestamptz;

UPDATE cases SET
    subarea = coalesce(r.body::jsonb #>> '{triage_data,subarea}', ''),
    urgency_h = CASE WHEN (r.body::jsonb #>> '{triage_data,urgency_h}')::integer > 0
        THEN (r.body::jsonb #>> '{triage_data,urgency_h}')::integer END,
    summary = coalesce(r.body::jsonb #>> '{triage_data,summary}', '')
    FROM results r
    WHERE r.case_id = cases.id;

-- Newest first, and most urgent first then newest, without a sort.
CREATE INDEX cases_created_at_idx ON cases (created_at, id);
CREATE INDEX cases_urgency_idx ON cases (urgency_h, created_at, id);

CREATE TABLE case_contacts (
    case_id text PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    name    text NOT NULL,
    email   text NOT NULL,
    phone   text NOT NULL,
    at      timestamptz NOT NULL
);

-- A case without a row is new and unassigned.
CREATE TABLE case_handling (
    case_id    text PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    state      text NOT NULL,
    assignee   text NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX case_handling_state_idx ON case_handling (state);

CREATE TABLE case_notes (
    id      text PRIMARY KEY,
    case_id text NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author  text NOT NULL,
    text    text NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX case_notes_case_idx ON case_notes (case_id, at);
