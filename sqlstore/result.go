package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/triagem/triagem"
)

// SQL for results. ON CONFLICT … DO UPDATE runs on both Postgres and SQLite.
const (
	resultUpsertSQL = `INSERT INTO results (case_id, body, created_at) VALUES ($1, $2, $3)
ON CONFLICT (case_id) DO UPDATE SET body = excluded.body, created_at = excluded.created_at`

	resultGetSQL = `SELECT body FROM results WHERE case_id = $1`
)

// ResultGet returns a case's result. Returns ENOTFOUND when the case has no
// result or does not exist.
func (s *Store) ResultGet(ctx context.Context, caseID string) (_ *triagem.Result, err error) {
	defer wrapError(&err, "result get %s", caseID)
	var body string
	if err := s.db.QueryRowContext(ctx, resultGetSQL, caseID).Scan(&body); err != nil {
		return nil, err
	}
	var result triagem.Result
	if err := json.Unmarshal([]byte(body), &result); err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	return &result, nil
}

// upsertResult stores r as JSON, the whole of it: the body is the source of
// truth on read, so every field, nested or new, round-trips. created_at is
// a column too, for operators' queries.
func (s *Store) upsertResult(ctx context.Context, tx *sql.Tx, r *triagem.Result) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	if _, err := tx.ExecContext(ctx, resultUpsertSQL, r.CaseID, string(body), s.timeArg(r.CreatedAt)); err != nil {
		return fmt.Errorf("store result: %w", err)
	}
	return nil
}
