// Package orchestrator runs the triage flow: it starts a case, passes each
// client message to the interviewer, hands a finished interview to the
// analysis queue, runs the chosen strategy, and publishes every step as an
// event on the case's stream. It talks only to the root interfaces, so it
// runs the same on the embedded and the distributed configuration.
package orchestrator

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/triagem/triagem"
)

// MaxMessageBytesDefault is the longest client message accepted.
const MaxMessageBytesDefault = 8 << 10

// MaxQuestionsDefault is the question limit reported when Config has no
// MaxQuestions (the built-in interviewer's limit for a medium case).
const MaxQuestionsDefault = 8

// Queue hands a case to background analysis. EnqueueAnalyzeTx runs inside
// the transaction that moves the case to analyzing, so the two commit
// together; the returned func runs after the commit (to announce the job).
type Queue interface {
	EnqueueAnalyzeTx(ctx context.Context, tx *sql.Tx, c *triagem.Case, urgent bool) (afterCommit func(context.Context), err error)
}

// Principal is who is asking: the token's subject and role.
type Principal struct {
	Subject string
	Role    triagem.Role
}

// CanSeeAll reports whether p may read every case (staff and admins).
func (p Principal) CanSeeAll() bool { return p.Role.ReadsAllCases() }

// IsAdmin reports whether p may manage queues, tasks and erase any case.
func (p Principal) IsAdmin() bool { return p.Role == triagem.RoleAdmin }

// Config wires an Orchestrator. Store, Bus, Interviewer, Simple and Queue are
// required.
type Config struct {
	Store       triagem.Store
	Bus         triagem.Bus
	Interviewer triagem.Interviewer
	// Simple is the interviewer's own extraction, used by the simple
	// strategy and as the last resort of every other.
	Simple triagem.Analyzer
	// Analyzers run in this order under failover, and together under
	// ensemble. Simple is appended when absent, so the chain never ends empty.
	Analyzers []triagem.Analyzer
	// Judge settles an ensemble whose analyzers disagree on the area.
	// Optional: without one, the vote (then the first analyzer) decides.
	Judge triagem.Analyzer
	Queue Queue
	// MaxMessageBytes bounds a client message. Defaults to 8 KiB.
	MaxMessageBytes int
	// MaxQuestions is the interviewer's question limit for a complexity,
	// reported to pages ("pergunta 3 de até 8"). Defaults to
	// MaxQuestionsDefault for every complexity.
	MaxQuestions func(triagem.Complexity) int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now defaults to time.Now.
	Now func() time.Time
}

// Orchestrator is the triage flow. It is safe for concurrent use.
type Orchestrator struct {
	cfg Config
	log *slog.Logger
}

// New checks cfg and returns an Orchestrator.
func New(cfg Config) (*Orchestrator, error) {
	if cfg.Store == nil || cfg.Bus == nil || cfg.Interviewer == nil || cfg.Simple == nil || cfg.Queue == nil {
		return nil, errors.New("orchestrator: Store, Bus, Interviewer, Simple and Queue are required")
	}
	cfg.MaxMessageBytes = cmp.Or(cfg.MaxMessageBytes, MaxMessageBytesDefault)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	if cfg.MaxQuestions == nil {
		cfg.MaxQuestions = func(triagem.Complexity) int { return MaxQuestionsDefault }
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if !containsAnalyzer(cfg.Analyzers, cfg.Simple) {
		cfg.Analyzers = append(append([]triagem.Analyzer(nil), cfg.Analyzers...), cfg.Simple)
	}
	return &Orchestrator{cfg: cfg, log: cfg.Logger}, nil
}

func containsAnalyzer(list []triagem.Analyzer, a triagem.Analyzer) bool {
	for _, x := range list {
		if x.Name() == a.Name() {
			return true
		}
	}
	return false
}

func (o *Orchestrator) now() time.Time { return o.cfg.Now().UTC() }

// MaxQuestions is the question limit of a case at its current complexity.
func (o *Orchestrator) MaxQuestions(c *triagem.Case) int { return o.cfg.MaxQuestions(c.Complexity) }

// StartOptions are the client's choices when opening a case.
type StartOptions struct {
	// Consent records that the client accepted the data notice now.
	Consent bool
}

// Started is the answer to Start.
type Started struct {
	Case        *triagem.Case
	Greeting    triagem.Message
	LastEventID int64
}

// Start opens a new case for p with the interviewer's greeting.
func (o *Orchestrator) Start(ctx context.Context, p Principal, opts StartOptions) (*Started, error) {
	greeting, err := o.cfg.Interviewer.Greeting(ctx)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: greeting: %w", err)
	}
	now := o.now()
	c := &triagem.Case{
		ID:         uuid.NewString(),
		OwnerID:    p.Subject,
		Status:     triagem.StatusInterviewing,
		Complexity: triagem.ComplexityMedium,
		Strategy:   triagem.StrategyFor(triagem.ComplexityMedium),
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	if opts.Consent {
		c.ConsentAt = now
	}
	msg := triagem.Message{CaseID: c.ID, Role: triagem.AuthorInterviewer, Text: greeting, At: now}
	if err := o.cfg.Store.CaseCreate(ctx, triagem.CaseWrite{Case: c, Messages: []triagem.Message{msg}}); err != nil {
		return nil, fmt.Errorf("orchestrator: start: %w", err)
	}
	o.log.InfoContext(ctx, "case started", "case_id", c.ID, "user_id", p.Subject)
	ev := o.publish(ctx, c.ID, triagem.TriageStarted{
		Status:         c.Status,
		Message:        greeting,
		QuestionNumber: c.Questions,
		MaxQuestions:   o.MaxQuestions(c),
	})
	return &Started{Case: c, Greeting: msg, LastEventID: ev.Seq}, nil
}

// Continued is the answer to Continue.
type Continued struct {
	Case  *triagem.Case
	Reply string
	// SafetyNotice is the turn's notice for a person in danger now, if any.
	SafetyNotice string
}

// Continue records the client's message, asks the interviewer for the next
// question and, when the interview is complete, queues the analysis.
func (o *Orchestrator) Continue(ctx context.Context, p Principal, caseID, text string) (*Continued, error) {
	if err := o.checkMessage(text); err != nil {
		return nil, err
	}
	c, err := o.interviewing(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	history, err := o.cfg.Store.MessageList(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: continue: %w", err)
	}
	now := o.now()
	clientMsg := triagem.Message{CaseID: caseID, Role: triagem.AuthorClient, Text: text, At: now}
	turn, err := o.cfg.Interviewer.Next(ctx, append(history, clientMsg))
	if err != nil {
		return nil, fmt.Errorf("orchestrator: interviewer: %w", err)
	}
	before := *c
	applyAssessment(c, turn.Assessment)
	c.Questions++
	write := triagem.CaseWrite{
		Case: c,
		Messages: []triagem.Message{clientMsg,
			{CaseID: caseID, Role: triagem.AuthorInterviewer, Text: turn.Reply, At: now}},
	}
	after, err := o.commit(ctx, write, turn.Assessment.Complete, true)
	if err != nil {
		return nil, err
	}
	o.log.InfoContext(ctx, "turn recorded", "case_id", caseID, "user_id", p.Subject,
		"status", c.Status, "complexity", c.Complexity, "question", c.Questions)
	o.publish(ctx, caseID, triagem.TriageUpdate{Status: c.Status, TurnUpdate: &triagem.TurnUpdate{
		ClientMessage:  text,
		Reply:          turn.Reply,
		Question:       c.Questions,
		QuestionNumber: c.Questions,
		MaxQuestions:   o.MaxQuestions(c),
		SafetyNotice:   turn.Assessment.SafetyNotice,
	}})
	o.publishComplexityIfChanged(ctx, &before, c)
	after(ctx)
	return &Continued{Case: c, Reply: turn.Reply, SafetyNotice: turn.Assessment.SafetyNotice}, nil
}

// ForceComplete ends the interview early and queues the analysis of what was
// said so far.
func (o *Orchestrator) ForceComplete(ctx context.Context, p Principal, caseID, reason string) (*triagem.Case, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 500 || !utf8.ValidString(reason) {
		return nil, triagem.Errorf(triagem.EINVALID, "reason must be valid UTF-8 of at most 500 characters")
	}
	c, err := o.interviewing(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	c.ForcedReason = cmp.Or(reason, "forced")
	// The client forcing its own case is waiting on the stream; a service or
	// admin closing interviews in bulk is batch work, analysed after them.
	after, err := o.commit(ctx, triagem.CaseWrite{Case: c}, true, p.Subject == c.OwnerID)
	if err != nil {
		return nil, err
	}
	o.log.InfoContext(ctx, "case force-completed", "case_id", caseID, "user_id", p.Subject)
	o.publish(ctx, caseID, triagem.TriageUpdate{Status: c.Status,
		ForcedEnd: &triagem.ForcedEnd{Forced: true, Reason: c.ForcedReason}})
	after(ctx)
	return c, nil
}

// commit writes the case; when complete, it moves the case to analyzing and
// queues the analysis in the same transaction, ahead of batch work when
// urgent (a client is waiting for it).
func (o *Orchestrator) commit(ctx context.Context, w triagem.CaseWrite, complete, urgent bool) (func(context.Context), error) {
	after := func(context.Context) {}
	if complete {
		w.Case.Status = triagem.StatusAnalyzing
		w.Hook = func(ctx context.Context, tx *sql.Tx) error {
			var err error
			after, err = o.cfg.Queue.EnqueueAnalyzeTx(ctx, tx, w.Case, urgent)
			return err
		}
	}
	if err := o.cfg.Store.CaseUpdate(ctx, w); err != nil {
		return nil, fmt.Errorf("orchestrator: save case %s: %w", w.Case.ID, err)
	}
	return after, nil
}

func applyAssessment(c *triagem.Case, a triagem.Assessment) {
	c.Complexity = cmp.Or(a.Complexity, c.Complexity)
	c.Strategy = cmp.Or(a.Strategy, triagem.StrategyFor(c.Complexity))
	c.Confidence = a.Confidence
	c.Area = cmp.Or(a.Area, c.Area)
	if a.Subarea != "" && c.Area.Has(a.Subarea) {
		c.Subarea = a.Subarea
	} else if !c.Area.Has(c.Subarea) {
		c.Subarea = ""
	}
}

func (o *Orchestrator) publishComplexityIfChanged(ctx context.Context, before, after *triagem.Case) {
	if before.Complexity == after.Complexity && before.Confidence == after.Confidence &&
		before.Strategy == after.Strategy && before.Area == after.Area {
		return
	}
	o.publish(ctx, after.ID, triagem.ComplexityUpdate{
		Complexity: after.Complexity,
		Confidence: after.Confidence,
		Strategy:   after.Strategy,
		Area:       after.Area,
	})
}

func (o *Orchestrator) checkMessage(text string) error {
	if !utf8.ValidString(text) {
		return triagem.Errorf(triagem.EINVALID, "message must be valid UTF-8")
	}
	if strings.TrimSpace(text) == "" {
		return triagem.Errorf(triagem.EEMPTYMESSAGE, "message must not be empty")
	}
	if len(text) > o.cfg.MaxMessageBytes {
		return triagem.Errorf(triagem.EMESSAGETOOLONG, "message is longer than %d bytes", o.cfg.MaxMessageBytes)
	}
	return nil
}

// Case returns a case p may see; another user's case is ENOTFOUND, so that
// existence is not leaked.
func (o *Orchestrator) Case(ctx context.Context, p Principal, caseID string) (*triagem.Case, error) {
	if err := CheckCaseID(caseID); err != nil {
		return nil, err
	}
	c, err := o.cfg.Store.CaseGet(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: get case: %w", err)
	}
	if c.OwnerID != p.Subject && !p.CanSeeAll() {
		return nil, triagem.Errorf(triagem.ENOTFOUND, "case %s not found", caseID)
	}
	return c, nil
}

func (o *Orchestrator) interviewing(ctx context.Context, p Principal, caseID string) (*triagem.Case, error) {
	c, err := o.Case(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	if c.Status != triagem.StatusInterviewing {
		return nil, triagem.Errorf(triagem.ENOTINTERVIEW, "case %s is %s, no longer interviewing", caseID, c.Status)
	}
	return c, nil
}

// CheckCaseID refuses ids that are not canonical UUIDs before any lookup.
func CheckCaseID(id string) error {
	if len(id) != 36 {
		return triagem.Errorf(triagem.EINVALIDCASEID, "case id must be a UUID")
	}
	if _, err := uuid.Parse(id); err != nil {
		return triagem.Errorf(triagem.EINVALIDCASEID, "case id must be a UUID")
	}
	return nil
}

// Status is a case with its stream position.
type Status struct {
	Case        *triagem.Case
	LastEventID int64
}

// Status returns the case snapshot and the seq of the newest event, so that
// a page can open the stream exactly where the snapshot was taken. The seq
// is read first: an event racing the snapshot is then replayed, not lost.
func (o *Orchestrator) Status(ctx context.Context, p Principal, caseID string) (*Status, error) {
	if err := CheckCaseID(caseID); err != nil {
		return nil, err
	}
	seq, err := o.cfg.Bus.LastSeq(ctx, caseID)
	if err != nil {
		return nil, unavailable("event bus", err)
	}
	// The access check comes with the snapshot: the seq read above is not
	// shown to anyone who may not see the case.
	c, err := o.Case(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	return &Status{Case: c, LastEventID: seq}, nil
}

// Result returns a completed case's result; ENOTREADY before that.
func (o *Orchestrator) Result(ctx context.Context, p Principal, caseID string) (*triagem.Result, error) {
	c, err := o.Case(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	switch c.Status {
	case triagem.StatusCompleted:
	case triagem.StatusFailed:
		return nil, triagem.Errorf(triagem.ENOTREADY, "case %s failed: no result", caseID)
	default:
		return nil, triagem.Errorf(triagem.ENOTREADY, "case %s is %s: result not ready", caseID, c.Status)
	}
	r, err := o.cfg.Store.ResultGet(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: result: %w", err)
	}
	return r, nil
}

// Delete erases a case, its messages, result, contact details, handling,
// notes and event history; open streams of the case end. Only the client
// and admins erase: staff read every case but do not erase them.
func (o *Orchestrator) Delete(ctx context.Context, p Principal, caseID string) error {
	c, err := o.Case(ctx, p, caseID)
	if err != nil {
		return err
	}
	if c.OwnerID != p.Subject && !p.IsAdmin() {
		return triagem.Errorf(triagem.EFORBIDDEN, "only the client or an admin may erase a case")
	}
	if err := o.erase(ctx, caseID); err != nil {
		return err
	}
	o.log.InfoContext(ctx, "case deleted", "case_id", caseID, "user_id", p.Subject)
	return nil
}

func (o *Orchestrator) erase(ctx context.Context, caseID string) error {
	if err := o.cfg.Store.CaseDelete(ctx, caseID); err != nil && !triagem.IsCode(err, triagem.ENOTFOUND) {
		return fmt.Errorf("orchestrator: delete case: %w", err)
	}
	if err := o.cfg.Bus.DeleteHistory(ctx, caseID); err != nil {
		return unavailable("event bus", err)
	}
	o.publishInbox(ctx, triagem.CaseErased{CaseID: caseID})
	return nil
}

// ExpireCases erases every case last written before t; it returns how many.
func (o *Orchestrator) ExpireCases(ctx context.Context, before time.Time) (int, error) {
	const batch = 200
	erased := 0
	for {
		ids, err := o.cfg.Store.CaseListUpdatedBefore(ctx, before, batch)
		if err != nil {
			return erased, fmt.Errorf("orchestrator: expire: %w", err)
		}
		for _, id := range ids {
			if err := o.erase(ctx, id); err != nil {
				return erased, err
			}
			erased++
		}
		if len(ids) < batch {
			return erased, nil
		}
	}
}

// PublishCustom publishes a service's own event on a case's stream.
func (o *Orchestrator) PublishCustom(ctx context.Context, p Principal, caseID, name string, data []byte) (triagem.Event, error) {
	if p.Role != triagem.RoleService && p.Role != triagem.RoleAdmin {
		return triagem.Event{}, triagem.Errorf(triagem.EFORBIDDEN, "only service or admin tokens may publish events")
	}
	if !triagem.EventNamePattern.MatchString(name) {
		return triagem.Event{}, triagem.Errorf(triagem.EINVALIDEVENT, "event name must match %s", triagem.EventNamePattern)
	}
	if triagem.ReservedEvent(name) {
		return triagem.Event{}, triagem.Errorf(triagem.EINVALIDEVENT, "event name %q is reserved", name)
	}
	if len(data) > triagem.MaxEventData {
		return triagem.Event{}, triagem.Errorf(triagem.EINVALIDEVENT, "event data is larger than %d bytes", triagem.MaxEventData)
	}
	// A service publishes on behalf of the system, on any existing case.
	if _, err := o.Case(ctx, Principal{Subject: p.Subject, Role: triagem.RoleAdmin}, caseID); err != nil {
		return triagem.Event{}, err
	}
	ev, err := o.cfg.Bus.Publish(ctx, caseID, name, data)
	if err != nil {
		return triagem.Event{}, unavailable("event bus", err)
	}
	return ev, nil
}

// publish sends an event after the state it describes has been committed. A
// bus failure does not undo the committed step: it is logged, and a client
// recovers the state from /status.
//
// Every step that changes the case (start, a turn, completion, failure)
// is also announced on the firm's inbox.
func (o *Orchestrator) publish(ctx context.Context, caseID string, payload triagem.EventPayload) triagem.Event {
	name := payload.EventName()
	if changesCase(name) {
		defer o.announce(ctx, caseID)
	}
	data, err := triagem.EventData(payload)
	if err == nil {
		var ev triagem.Event
		ev, err = o.cfg.Bus.Publish(ctx, caseID, name, data)
		if err == nil {
			return ev
		}
	}
	o.log.ErrorContext(ctx, "event not published", "case_id", caseID, "event", name, "err", err)
	return triagem.Event{}
}

func unavailable(what string, err error) error {
	if _, ok := errors.AsType[*triagem.Error](err); ok {
		return err
	}
	return &triagem.Error{Code: triagem.EUNAVAILABLE, Message: what + " unavailable", Err: err}
}
