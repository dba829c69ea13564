package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/triagem/triagem"
)

// SQL for the firm's side of a case: contact details, handling, notes and
// the inbox list.
const (
	contactUpsertSQL = `INSERT INTO case_contacts (case_id, name, email, phone, at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (case_id) DO UPDATE SET name = excluded.name, email = excluded.email,
    phone = excluded.phone, at = excluded.at`

	contactGetSQL = `SELECT name, email, phone, at FROM case_contacts WHERE case_id = $1`

	// A case without a handling row is new and unassigned.
	handlingGetSQL = `SELECT coalesce(h.state, 'new'), coalesce(h.assignee, ''), h.updated_at
FROM cases c LEFT JOIN case_handling h ON h.case_id = c.id WHERE c.id = $1`

	handlingUpsertSQL = `INSERT INTO case_handling (case_id, state, assignee, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (case_id) DO UPDATE SET state = excluded.state, assignee = excluded.assignee,
    updated_at = excluded.updated_at`

	noteInsertSQL = `INSERT INTO case_notes (id, case_id, author, text, at) VALUES ($1, $2, $3, $4, $5)`

	noteListSQL = `SELECT id, author, text, at FROM case_notes WHERE case_id = $1 ORDER BY at, id`

	// The firm's writes count as activity on the case (list order,
	// retention) without taking its version: an interview turn running at
	// the same time must not fail for a note.
	caseTouchSQL = `UPDATE cases SET updated_at = $1 WHERE id = $2`

	summaryFromSQL = ` FROM cases c
LEFT JOIN case_handling h ON h.case_id = c.id
LEFT JOIN case_contacts ct ON ct.case_id = c.id`

	// Sort keys: a case with no urgency ranks after every other.
	urgencyRankSQL = `(CASE WHEN c.urgency_h IS NULL THEN 1 ELSE 0 END)`
	urgencyKeySQL  = `coalesce(c.urgency_h, 0)`
)

// summaryColumns are caseColumns under the alias c, then the handling and
// contact columns of a CaseSummary.
var summaryColumns = aliased("c", caseColumns) + `, coalesce(h.state, 'new'), coalesce(h.assignee, ''),
    (ct.case_id IS NOT NULL)`

func aliased(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// ContactPut stores the client's contact details, replacing earlier ones; a
// zero At gets the store's clock. Returns ENOTFOUND when the case is gone.
func (s *Store) ContactPut(ctx context.Context, caseID string, c *triagem.Contact) (err error) {
	defer wrapError(&err, "contact put %s", caseID)
	now := s.nowNormalized()
	stored := *c
	stored.At = normalizeOrNow(stored.At, now)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.touchCase(ctx, tx, caseID, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, contactUpsertSQL, caseID, stored.Name, stored.Email, stored.Phone, s.timeArg(stored.At))
		return err
	})
	if err != nil {
		return err
	}
	*c = stored
	return nil
}

// ContactGet returns the contact details; ENOTFOUND when none were given or
// the case does not exist.
func (s *Store) ContactGet(ctx context.Context, caseID string) (_ *triagem.Contact, err error) {
	defer wrapError(&err, "contact get %s", caseID)
	var c triagem.Contact
	if err := s.db.QueryRowContext(ctx, contactGetSQL, caseID).Scan(&c.Name, &c.Email, &c.Phone, timeColumn{&c.At}); err != nil {
		return nil, err
	}
	return &c, nil
}

// HandlingGet returns the firm's handling with its notes. Returns ENOTFOUND
// when the case does not exist.
func (s *Store) HandlingGet(ctx context.Context, caseID string) (_ *triagem.Handling, err error) {
	defer wrapError(&err, "handling get %s", caseID)
	return s.readHandling(ctx, s.db, caseID)
}

// querier is what *sql.DB and *sql.Tx have in common for reads.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// HandlingUpdate applies change and returns the handling as stored. Returns
// EINVALID for a bad change and ENOTFOUND when the case does not exist.
func (s *Store) HandlingUpdate(ctx context.Context, caseID string, change triagem.HandlingChange) (_ *triagem.Handling, err error) {
	defer wrapError(&err, "handling update %s", caseID)
	if err := change.Validate(); err != nil {
		return nil, err
	}
	now := s.nowNormalized()
	var h *triagem.Handling
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.touchCase(ctx, tx, caseID, now); err != nil {
			return err
		}
		if h, err = s.readHandling(ctx, tx, caseID); err != nil {
			return err
		}
		if change.State != nil {
			h.State = *change.State
		}
		if change.Assignee != nil {
			h.Assignee = *change.Assignee
		}
		h.UpdatedAt = now
		_, err := tx.ExecContext(ctx, handlingUpsertSQL, caseID, string(h.State), h.Assignee, s.timeArg(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// NoteAdd appends a note to the case; an empty ID gets a UUID and a zero At
// the store's clock. Returns ENOTFOUND when the case does not exist.
func (s *Store) NoteAdd(ctx context.Context, caseID string, n *triagem.Note) (err error) {
	defer wrapError(&err, "note add %s", caseID)
	if err := triagem.CheckNoteText(n.Text); err != nil {
		return err
	}
	now := s.nowNormalized()
	stored := *n
	if stored.ID == "" {
		stored.ID = uuid.NewString()
	}
	stored.At = normalizeOrNow(stored.At, now)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.touchCase(ctx, tx, caseID, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, noteInsertSQL, stored.ID, caseID, stored.Author, stored.Text, s.timeArg(stored.At))
		return err
	})
	if err != nil {
		return err
	}
	*n = stored
	return nil
}

func (s *Store) readHandling(ctx context.Context, tx querier, caseID string) (*triagem.Handling, error) {
	h := &triagem.Handling{Notes: []triagem.Note{}}
	if err := tx.QueryRowContext(ctx, handlingGetSQL, caseID).Scan(&h.State, &h.Assignee, nullTimeColumn{&h.UpdatedAt}); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, noteListSQL, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n triagem.Note
		if err := rows.Scan(&n.ID, &n.Author, &n.Text, timeColumn{&n.At}); err != nil {
			return nil, err
		}
		h.Notes = append(h.Notes, n)
	}
	return h, rows.Err()
}

// touchCase sets the case's updated_at; ENOTFOUND when it does not exist.
func (s *Store) touchCase(ctx context.Context, tx *sql.Tx, caseID string, now time.Time) error {
	res, err := tx.ExecContext(ctx, caseTouchSQL, s.timeArg(now), caseID)
	if err != nil {
		return fmt.Errorf("touch case: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("touch case: %w", err)
	} else if n == 0 {
		return errNotFound(nil)
	}
	return nil
}

// CaseSummaryGet returns one case's summary; ENOTFOUND when there is none.
func (s *Store) CaseSummaryGet(ctx context.Context, id string) (_ *triagem.CaseSummary, err error) {
	defer wrapError(&err, "case summary get %s", id)
	row := s.db.QueryRowContext(ctx, `SELECT `+summaryColumns+summaryFromSQL+` WHERE c.id = $1`, id)
	var sum triagem.CaseSummary
	if err := scanSummary(row, &sum); err != nil {
		return nil, err
	}
	return &sum, nil
}

func scanSummary(row rowScanner, sum *triagem.CaseSummary) error {
	return scanCase(row, &sum.Case, &sum.Handling, &sum.Assignee, &sum.HasContact)
}

// listCursor is where a page ended, in the terms of its sort. It travels
// as base64url JSON: opaque to clients, and checked on the way back.
type listCursor struct {
	Sort triagem.CaseSort `json:"s"`
	// Rank and Urgency are the urgency sort's keys (Rank 1: no urgency).
	Rank    int       `json:"r,omitempty"`
	Urgency int       `json:"u,omitempty"`
	At      time.Time `json:"t"`
	ID      string    `json:"i"`
}

func (c listCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(raw string, sort triagem.CaseSort) (listCursor, error) {
	var c listCursor
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Sort != sort || c.ID == "" {
		return c, triagem.Errorf(triagem.EINVALID, "cursor is not one this list returned")
	}
	return c, nil
}

// CaseList returns one page of summaries matching q, in q's sort (urgency
// by default: most urgent first, no urgency last, then newest first; or
// last update, newest first). Pages are keyset pages: a case written while
// a client pages may move, but no page repeats or skips a case that stayed.
func (s *Store) CaseList(ctx context.Context, q triagem.CaseQuery) (_ *triagem.CasePage, err error) {
	defer wrapError(&err, "case list")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.Sort == "" {
		q.Sort = triagem.SortUrgency
	}
	limit := q.Limit
	if limit == 0 {
		limit = triagem.CaseListLimitDefault
	}
	limit = min(limit, triagem.CaseListLimitMax)
	query, args, err := s.caseListSQL(q, limit+1)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	page := &triagem.CasePage{Cases: []triagem.CaseSummary{}}
	for rows.Next() {
		var sum triagem.CaseSummary
		if err := scanSummary(rows, &sum); err != nil {
			return nil, err
		}
		page.Cases = append(page.Cases, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Cases) > limit {
		page.Cases = page.Cases[:limit]
		page.NextCursor = cursorAfter(q.Sort, page.Cases[limit-1].Case).encode()
	}
	return page, nil
}

func cursorAfter(sort triagem.CaseSort, c triagem.Case) listCursor {
	if sort == triagem.SortUpdated {
		return listCursor{Sort: sort, At: c.UpdatedAt, ID: c.ID}
	}
	rank := 0
	if c.UrgencyH <= 0 {
		rank = 1
	}
	return listCursor{Sort: sort, Rank: rank, Urgency: c.UrgencyH, At: c.CreatedAt, ID: c.ID}
}

// caseListSQL builds the list query with its arguments.
func (s *Store) caseListSQL(q triagem.CaseQuery, limit int) (string, []any, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.OwnerID != "" {
		where = append(where, "c.owner_id = "+arg(q.OwnerID))
	}
	if q.Status != "" {
		where = append(where, "c.status = "+arg(string(q.Status)))
	}
	if q.Area != "" {
		where = append(where, "c.area = "+arg(string(q.Area)))
	}
	if q.Urgency != "" {
		low, high := q.Urgency.HourRange()
		where = append(where, "c.urgency_h >= "+arg(low))
		if high > 0 {
			where = append(where, "c.urgency_h <= "+arg(high))
		}
	}
	if q.Handling != "" {
		where = append(where, "coalesce(h.state, 'new') = "+arg(string(q.Handling)))
	}
	order := urgencyRankSQL + ", " + urgencyKeySQL + ", c.created_at DESC, c.id DESC"
	if q.Sort == triagem.SortUpdated {
		order = "c.updated_at DESC, c.id DESC"
	}
	if q.Cursor != "" {
		cur, err := decodeCursor(q.Cursor, q.Sort)
		if err != nil {
			return "", nil, err
		}
		where = append(where, s.afterCursorSQL(cur, arg))
	}
	query := `SELECT ` + summaryColumns + summaryFromSQL
	if len(where) > 0 {
		query += "\nWHERE " + strings.Join(where, " AND ")
	}
	query += "\nORDER BY " + order + "\nLIMIT " + arg(limit)
	return query, args, nil
}

// afterCursorSQL is the keyset condition "comes after cur" in cur's sort.
func (s *Store) afterCursorSQL(cur listCursor, arg func(any) string) string {
	at, id := arg(s.timeArg(normalizeTime(cur.At))), arg(cur.ID)
	if cur.Sort == triagem.SortUpdated {
		return fmt.Sprintf("(c.updated_at < %[1]s OR (c.updated_at = %[1]s AND c.id < %[2]s))", at, id)
	}
	rank, urgency := arg(cur.Rank), arg(cur.Urgency)
	return fmt.Sprintf(`(%[1]s > %[3]s OR (%[1]s = %[3]s AND (%[2]s > %[4]s OR (%[2]s = %[4]s AND
    (c.created_at < %[5]s OR (c.created_at = %[5]s AND c.id < %[6]s))))))`,
		urgencyRankSQL, urgencyKeySQL, rank, urgency, at, id)
}
