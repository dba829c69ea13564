package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/triagem/triagem"
)

// SQL for messages.
const (
	messageInsertSQL = `INSERT INTO messages (case_id, idx, role, text, at) VALUES ($1, $2, $3, $4, $5)`

	// Safe from races: it runs after the case row's UPDATE, whose row lock
	// (Postgres) or write lock (SQLite) keeps other writers of the case out
	// until commit. The primary key (case_id, idx) is the backstop.
	messageNextIndexSQL = `SELECT coalesce(max(idx) + 1, 0) FROM messages WHERE case_id = $1`

	messageListSQL = `SELECT case_id, idx, role, text, at FROM messages WHERE case_id = $1 ORDER BY idx`
)

// MessageList returns a case's messages in order. Returns ENOTFOUND when the
// case does not exist.
func (s *Store) MessageList(ctx context.Context, caseID string) (_ []triagem.Message, err error) {
	defer wrapError(&err, "message list %s", caseID)
	messages, err := s.listMessages(ctx, caseID)
	if err != nil {
		return nil, err
	}
	// Every case has at least its greeting, so an empty list almost always
	// means no case; the extra query settles it.
	if len(messages) == 0 {
		var one int
		if err := s.db.QueryRowContext(ctx, caseExistsSQL, caseID).Scan(&one); err != nil {
			return nil, fmt.Errorf("check case exists: %w", err)
		}
	}
	return messages, nil
}

func (s *Store) listMessages(ctx context.Context, caseID string) ([]triagem.Message, error) {
	rows, err := s.db.QueryContext(ctx, messageListSQL, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	messages := []triagem.Message{}
	for rows.Next() {
		var m triagem.Message
		if err := rows.Scan(&m.CaseID, &m.Index, &m.Role, &m.Text, timeColumn{&m.At}); err != nil {
			return nil, err
		}
		messages = append(messages, m)
	}
	return messages, rows.Err()
}

func (s *Store) insertMessages(ctx context.Context, tx *sql.Tx, messages []triagem.Message) error {
	for _, m := range messages {
		_, err := tx.ExecContext(ctx, messageInsertSQL, m.CaseID, m.Index, string(m.Role), m.Text, s.timeArg(m.At))
		if err != nil {
			return fmt.Errorf("insert message %d: %w", m.Index, err)
		}
	}
	return nil
}

func nextMessageIndex(ctx context.Context, tx *sql.Tx, caseID string) (int, error) {
	var next int
	if err := tx.QueryRowContext(ctx, messageNextIndexSQL, caseID).Scan(&next); err != nil {
		return 0, fmt.Errorf("next message index: %w", err)
	}
	return next, nil
}
