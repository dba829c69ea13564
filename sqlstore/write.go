package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/triagem/triagem"
)

// pendingWrite is a CaseWrite prepared for one transaction: copies of the
// caller's values, normalized. The caller's structs are updated (publish)
// only after commit, so a failed write leaves them as they were and the
// caller can reload and retry.
type pendingWrite struct {
	store    *Store
	c        triagem.Case
	messages []triagem.Message
	result   *triagem.Result
	hook     triagem.TxHook
}

func (s *Store) newPendingWrite(w triagem.CaseWrite, c triagem.Case, now time.Time) (*pendingWrite, error) {
	p := &pendingWrite{store: s, c: c, hook: w.Hook}
	p.messages = make([]triagem.Message, len(w.Messages))
	for i, m := range w.Messages {
		m.CaseID = c.ID
		m.At = normalizeOrNow(m.At, now)
		p.messages[i] = m
	}
	if w.Result != nil {
		if w.Result.CaseID != "" && w.Result.CaseID != c.ID {
			return nil, triagem.Errorf(triagem.EINVALID, "The result belongs to case %s, not %s.", w.Result.CaseID, c.ID)
		}
		result := *w.Result
		result.CaseID = c.ID
		result.CreatedAt = normalizeOrNow(result.CreatedAt, now)
		p.result = &result
		// The case row carries what lists show and sort on.
		p.c.Subarea = result.TriageData.Subarea
		p.c.UrgencyH = max(0, result.TriageData.UrgencyH)
		p.c.Summary = result.TriageData.Summary
	}
	return p, nil
}

// saveChildren runs after the case row is written: it appends the messages
// from firstIndex on, stores the result and runs the hook, in tx.
func (p *pendingWrite) saveChildren(ctx context.Context, tx *sql.Tx, firstIndex int) error {
	for i := range p.messages {
		p.messages[i].Index = firstIndex + i
	}
	if err := p.store.insertMessages(ctx, tx, p.messages); err != nil {
		return err
	}
	if p.result != nil {
		if err := p.store.upsertResult(ctx, tx, p.result); err != nil {
			return err
		}
	}
	if p.hook != nil {
		if err := p.hook(ctx, tx); err != nil {
			return fmt.Errorf("hook: %w", err)
		}
	}
	return nil
}

// publish copies what was stored back into the caller's write.
func (p *pendingWrite) publish(w triagem.CaseWrite) {
	*w.Case = p.c
	copy(w.Messages, p.messages)
	if w.Result != nil {
		*w.Result = *p.result
	}
}
