package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/triagem/triagem"
)

// SQL for cases. Placeholders are $n on both dialects: modernc binds $n to
// the n-th argument (see TestSQLitePlaceholders).
const (
	caseColumns = `id, owner_id, status, complexity, confidence, strategy, area, questions,
    error, forced_reason, created_at, updated_at, version, subarea, urgency_h, summary, consent_at`

	caseInsertSQL = `INSERT INTO cases (` + caseColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`

	caseGetSQL = `SELECT ` + caseColumns + ` FROM cases WHERE id = $1`

	// The version in WHERE is the optimistic lock. owner_id, created_at
	// and consent_at never change after creation, so they are not written.
	caseUpdateSQL = `UPDATE cases
SET status = $1, complexity = $2, confidence = $3, strategy = $4, area = $5,
    questions = $6, error = $7, forced_reason = $8, updated_at = $9, version = $10,
    subarea = $13, urgency_h = $14, summary = $15
WHERE id = $11 AND version = $12`

	caseExistsSQL = `SELECT 1 FROM cases WHERE id = $1`

	caseDeleteSQL = `DELETE FROM cases WHERE id = $1`

	caseCountByStatusSQL = `SELECT status, count(*) FROM cases GROUP BY status`

	caseListUpdatedBeforeSQL = `SELECT id FROM cases
WHERE updated_at < $1
ORDER BY updated_at, id
LIMIT $2`
)

// CaseCreate inserts w.Case with Version 1, its messages (indexed from 0)
// and result, and runs w.Hook, in one transaction. An empty ID gets a new
// UUID; zero CreatedAt and UpdatedAt get the store's clock. On success the
// caller's Case, Messages and Result hold what was stored. Returns ECONFLICT
// when the ID exists.
func (s *Store) CaseCreate(ctx context.Context, w triagem.CaseWrite) (err error) {
	defer wrapError(&err, "case create %s", caseIDOf(w))
	if w.Case == nil {
		return errNilCase()
	}
	now := s.nowNormalized()
	c := *w.Case
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	c.CreatedAt = normalizeOrNow(c.CreatedAt, now)
	c.UpdatedAt = normalizeOrNow(c.UpdatedAt, now)
	if !c.ConsentAt.IsZero() {
		c.ConsentAt = normalizeTime(c.ConsentAt)
	}
	c.Version = 1

	pending, err := s.newPendingWrite(w, c, now)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertCase(ctx, tx, &pending.c); err != nil {
			return err
		}
		return pending.saveChildren(ctx, tx, 0)
	})
	if err != nil {
		return err
	}
	pending.publish(w)
	return nil
}

// CaseGet returns one case. Returns ENOTFOUND when there is none.
func (s *Store) CaseGet(ctx context.Context, id string) (_ *triagem.Case, err error) {
	defer wrapError(&err, "case get %s", id)
	var c triagem.Case
	if err := scanCase(s.db.QueryRowContext(ctx, caseGetSQL, id), &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// CaseUpdate writes w.Case if the stored version still equals
// w.Case.Version, appends w.Messages after the stored ones, stores w.Result
// and runs w.Hook, in one transaction. On success w.Case.Version is bumped,
// UpdatedAt set from the store's clock, and the caller's Messages and Result
// hold what was stored; on any error nothing is written and the caller's
// values are untouched. Returns ENOTFOUND when the case is gone and
// ECONFLICT when its version moved on.
func (s *Store) CaseUpdate(ctx context.Context, w triagem.CaseWrite) (err error) {
	defer wrapError(&err, "case update %s", caseIDOf(w))
	if w.Case == nil {
		return errNilCase()
	}
	now := s.nowNormalized()
	c := *w.Case
	c.CreatedAt = normalizeTime(c.CreatedAt)
	c.UpdatedAt = now
	c.Version = w.Case.Version + 1

	pending, err := s.newPendingWrite(w, c, now)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.updateCase(ctx, tx, &pending.c, w.Case.Version); err != nil {
			return err
		}
		firstIndex, err := nextMessageIndex(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		return pending.saveChildren(ctx, tx, firstIndex)
	})
	if err != nil {
		return err
	}
	pending.publish(w)
	return nil
}

// CaseDelete erases a case; its messages and result go with it (ON DELETE
// CASCADE). Returns ENOTFOUND when there is none.
func (s *Store) CaseDelete(ctx context.Context, id string) (err error) {
	defer wrapError(&err, "case delete %s", id)
	res, err := s.db.ExecContext(ctx, caseDeleteSQL, id)
	if err != nil {
		return err
	}
	deleted, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if deleted == 0 {
		return errNotFound(nil)
	}
	return nil
}

// CaseCountByStatus counts cases per status, with every triagem.Statuses
// key present (zero included).
func (s *Store) CaseCountByStatus(ctx context.Context) (_ map[triagem.Status]int, err error) {
	defer wrapError(&err, "case count by status")
	counts := make(map[triagem.Status]int, len(triagem.Statuses))
	for _, status := range triagem.Statuses {
		counts[status] = 0
	}
	rows, err := s.db.QueryContext(ctx, caseCountByStatusSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var status triagem.Status
		var count int
		if err := rows.Scan(&status, &count); err != nil {
			return nil, err
		}
		counts[status] = count
	}
	return counts, rows.Err()
}

// CaseListUpdatedBefore returns up to limit ids of cases last written before
// t, oldest first (ties by id). A limit below 1 returns none.
func (s *Store) CaseListUpdatedBefore(ctx context.Context, t time.Time, limit int) (_ []string, err error) {
	defer wrapError(&err, "case list updated before %s", t.Format(time.RFC3339Nano))
	ids := []string{}
	if limit < 1 {
		return ids, nil
	}
	rows, err := s.db.QueryContext(ctx, caseListUpdatedBeforeSQL, s.timeArg(normalizeTime(t)), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s *Store) insertCase(ctx context.Context, tx *sql.Tx, c *triagem.Case) error {
	_, err := tx.ExecContext(ctx, caseInsertSQL,
		c.ID, c.OwnerID, string(c.Status), string(c.Complexity), c.Confidence, string(c.Strategy),
		c.Area, c.Questions, c.Error, c.ForcedReason,
		s.timeArg(c.CreatedAt), s.timeArg(c.UpdatedAt), c.Version,
		string(c.Subarea), urgencyArg(c.UrgencyH), c.Summary, s.nullTimeArg(c.ConsentAt))
	if err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	return nil
}

// updateCase writes c if the stored version is readVersion. When no row
// matched it tells a deleted case (ENOTFOUND) from a stale one (ECONFLICT).
func (s *Store) updateCase(ctx context.Context, tx *sql.Tx, c *triagem.Case, readVersion int64) error {
	res, err := tx.ExecContext(ctx, caseUpdateSQL,
		string(c.Status), string(c.Complexity), c.Confidence, string(c.Strategy), c.Area,
		c.Questions, c.Error, c.ForcedReason, s.timeArg(c.UpdatedAt), c.Version,
		c.ID, readVersion, string(c.Subarea), urgencyArg(c.UrgencyH), c.Summary)
	if err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	updated, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	if updated == 1 {
		return nil
	}
	var one int
	if err := tx.QueryRowContext(ctx, caseExistsSQL, c.ID).Scan(&one); err != nil {
		return fmt.Errorf("check case exists: %w", err) // sql.ErrNoRows becomes ENOTFOUND
	}
	return &triagem.Error{
		Code:    triagem.ECONFLICT,
		Message: messageConflict,
		Err:     fmt.Errorf("version %d is stale", readVersion),
	}
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface{ Scan(dest ...any) error }

func scanCase(row rowScanner, c *triagem.Case, more ...any) error {
	var urgency sql.NullInt64
	dest := append([]any{&c.ID, &c.OwnerID, &c.Status, &c.Complexity, &c.Confidence, &c.Strategy,
		&c.Area, &c.Questions, &c.Error, &c.ForcedReason,
		timeColumn{&c.CreatedAt}, timeColumn{&c.UpdatedAt}, &c.Version,
		&c.Subarea, &urgency, &c.Summary, nullTimeColumn{&c.ConsentAt}}, more...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	c.UrgencyH = int(urgency.Int64)
	return nil
}

// urgencyArg stores an unknown urgency (0 or less) as NULL, so that lists
// sort it after every known one.
func urgencyArg(hours int) any {
	if hours <= 0 {
		return nil
	}
	return hours
}

// errNilCase is returned when a CaseWrite carries no case: a caller's bug.
func errNilCase() error {
	return triagem.Errorf(triagem.EINVALID, "The write has no case.")
}

// caseIDOf names the case a write is about, for error context.
func caseIDOf(w triagem.CaseWrite) string {
	if w.Case == nil {
		return "<nil>"
	}
	return w.Case.ID
}

// normalizeOrNow returns t in stored form, or now when t is zero.
func normalizeOrNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return normalizeTime(t)
}
