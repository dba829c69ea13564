package orchestrator

import (
	"context"
	"fmt"

	"github.com/triagem/triagem"
)

// This file is the firm's side of the flow: the case detail and list, the
// client's contact details, the firm's handling and notes, and the inbox
// announcements. Contact details and note texts are never logged.

// changesCase reports the case events after which the inbox hears of the
// case (the custom, task and complexity events change nothing it shows
// that the turn's own update does not).
func changesCase(name string) bool {
	switch name {
	case triagem.EventTriageStarted, triagem.EventTriageUpdate,
		triagem.EventTriageCompleted, triagem.EventTriageFailed:
		return true
	}
	return false
}

// announce publishes the case's current summary on the inbox. It runs
// after the change was committed; a failure is logged and the inbox
// catches up at the case's next change or the page's next list.
func (o *Orchestrator) announce(ctx context.Context, caseID string) {
	ctx = context.WithoutCancel(ctx)
	sum, err := o.cfg.Store.CaseSummaryGet(ctx, caseID)
	if err != nil {
		if !triagem.IsCode(err, triagem.ENOTFOUND) {
			o.log.ErrorContext(ctx, "inbox summary not read", "case_id", caseID, "err", err)
		}
		return
	}
	o.publishInbox(ctx, sum.Updated())
}

func (o *Orchestrator) publishInbox(ctx context.Context, payload triagem.EventPayload) {
	name := payload.EventName()
	data, err := triagem.EventData(payload)
	if err == nil {
		_, err = o.cfg.Bus.Publish(context.WithoutCancel(ctx), triagem.InboxChannel, name, data)
	}
	if err != nil {
		o.log.ErrorContext(ctx, "inbox event not published", "event", name, "err", err)
	}
}

// CaseDetail is everything a page shows of one case. Handling is set only
// for staff and admins; Result and Contact when they exist.
type CaseDetail struct {
	Summary  *triagem.CaseSummary
	Messages []triagem.Message
	Result   *triagem.Result
	Contact  *triagem.Contact
	Handling *triagem.Handling
}

// Detail returns the case p may see with its conversation, result, contact
// details and, for the firm, its handling.
func (o *Orchestrator) Detail(ctx context.Context, p Principal, caseID string) (*CaseDetail, error) {
	if _, err := o.Case(ctx, p, caseID); err != nil {
		return nil, err
	}
	sum, err := o.cfg.Store.CaseSummaryGet(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: case detail: %w", err)
	}
	d := &CaseDetail{Summary: sum}
	if d.Messages, err = o.cfg.Store.MessageList(ctx, caseID); err != nil {
		return nil, fmt.Errorf("orchestrator: case detail: %w", err)
	}
	if sum.Case.Status == triagem.StatusCompleted {
		if d.Result, err = optional(o.cfg.Store.ResultGet(ctx, caseID)); err != nil {
			return nil, fmt.Errorf("orchestrator: case detail: %w", err)
		}
	}
	if sum.HasContact {
		if d.Contact, err = optional(o.cfg.Store.ContactGet(ctx, caseID)); err != nil {
			return nil, fmt.Errorf("orchestrator: case detail: %w", err)
		}
	}
	if p.CanSeeAll() {
		if d.Handling, err = o.cfg.Store.HandlingGet(ctx, caseID); err != nil {
			return nil, fmt.Errorf("orchestrator: case detail: %w", err)
		}
	}
	return d, nil
}

// optional turns ENOTFOUND into nil: the thing may simply not exist (yet).
func optional[T any](v *T, err error) (*T, error) {
	if triagem.IsCode(err, triagem.ENOTFOUND) {
		return nil, nil
	}
	return v, err
}

// List returns a page of the cases p may see: a client's own, or every case
// for staff and admins.
func (o *Orchestrator) List(ctx context.Context, p Principal, q triagem.CaseQuery) (*triagem.CasePage, error) {
	if !p.CanSeeAll() {
		q.OwnerID = p.Subject
	}
	page, err := o.cfg.Store.CaseList(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: list cases: %w", err)
	}
	return page, nil
}

// PutContact stores the client's contact details for a lawyer's call-back.
// Only the client gives them.
func (o *Orchestrator) PutContact(ctx context.Context, p Principal, caseID string, contact triagem.Contact) (*triagem.Contact, error) {
	c, err := o.Case(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	if c.OwnerID != p.Subject {
		return nil, triagem.Errorf(triagem.EFORBIDDEN, "only the client gives contact details")
	}
	contact, err = contact.Normalize()
	if err != nil {
		return nil, err
	}
	contact.At = o.now()
	if err := o.cfg.Store.ContactPut(ctx, caseID, &contact); err != nil {
		return nil, fmt.Errorf("orchestrator: save contact: %w", err)
	}
	o.log.InfoContext(ctx, "contact details saved", "case_id", caseID, "user_id", p.Subject)
	o.announce(ctx, caseID)
	return &contact, nil
}

// UpdateHandling changes the firm's state or assignee of a case (staff and
// admins).
func (o *Orchestrator) UpdateHandling(ctx context.Context, p Principal, caseID string, change triagem.HandlingChange) (*triagem.Handling, error) {
	if err := o.firmCase(ctx, p, caseID); err != nil {
		return nil, err
	}
	if err := change.Validate(); err != nil {
		return nil, err
	}
	h, err := o.cfg.Store.HandlingUpdate(ctx, caseID, change)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: update handling: %w", err)
	}
	o.log.InfoContext(ctx, "handling updated", "case_id", caseID, "user_id", p.Subject, "state", h.State)
	o.announce(ctx, caseID)
	return h, nil
}

// AddNote adds an internal note of p's to a case (staff and admins).
func (o *Orchestrator) AddNote(ctx context.Context, p Principal, caseID, text string) (*triagem.Note, error) {
	if err := o.firmCase(ctx, p, caseID); err != nil {
		return nil, err
	}
	if err := triagem.CheckNoteText(text); err != nil {
		return nil, err
	}
	n := &triagem.Note{Author: p.Subject, Text: text, At: o.now()}
	if err := o.cfg.Store.NoteAdd(ctx, caseID, n); err != nil {
		return nil, fmt.Errorf("orchestrator: add note: %w", err)
	}
	o.log.InfoContext(ctx, "note added", "case_id", caseID, "user_id", p.Subject)
	o.announce(ctx, caseID)
	return n, nil
}

// firmCase checks that p is the firm's and that the case exists. The role
// is checked first: a client learns nothing about other cases from a 403.
func (o *Orchestrator) firmCase(ctx context.Context, p Principal, caseID string) error {
	if !p.CanSeeAll() {
		return triagem.Errorf(triagem.EFORBIDDEN, "only the firm's staff handle cases")
	}
	_, err := o.Case(ctx, p, caseID)
	return err
}
