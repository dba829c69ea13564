package triagem

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Event names pushed on a case's stream (DESIGN §5).
const (
	EventInitialState     = "initial_state"
	EventTriageStarted    = "triage_started"
	EventTriageUpdate     = "triage_update"
	EventComplexityUpdate = "complexity_update"
	EventTaskUpdate       = "task_update"
	EventTriageCompleted  = "triage_completed"
	EventTriageFailed     = "triage_failed"
	// EventResync tells the client that history no longer reaches back to its
	// position: it should refetch the status. It is never stored.
	EventResync = "resync"
)

// EventPayload is the data of an event Triagem itself sends: each payload
// type knows its event's name, so that a publisher cannot send a payload
// under another event's name.
type EventPayload interface {
	EventName() string
}

// The case stream's payloads. The bus adds case_id, seq and timestamp to
// every payload it carries; initial_state and resync are written by the
// stream itself and carry only their own fields.

// InitialState is sent first on every connection to a case's stream, and
// again right after a resync: the case's status snapshot with the position
// it was taken at. GET /api/v2/triage/status/{case_id} answers the same object.
type InitialState struct {
	CaseID     string     `json:"case_id"`
	Status     Status     `json:"status"`
	FlowType   FlowType   `json:"flow_type"`
	Complexity Complexity `json:"complexity"`
	Confidence float64    `json:"confidence"`
	Strategy   Strategy   `json:"strategy"`
	Area       Area       `json:"area,omitempty"`
	Questions  int        `json:"questions"`
	// QuestionNumber is Questions under the name pages use.
	QuestionNumber int       `json:"question_number"`
	MaxQuestions   int       `json:"max_questions"`
	StartedAt      time.Time `json:"started_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	LastEventID    int64     `json:"last_event_id"`
	// Error is why a failed case failed.
	Error string `json:"error,omitempty"`
}

// TriageStarted is sent once, when a case is opened: the interviewer's
// greeting and the question count so far.
type TriageStarted struct {
	Status         Status `json:"status"`
	Message        string `json:"message"`
	QuestionNumber int    `json:"question_number"`
	MaxQuestions   int    `json:"max_questions"`
}

// TriageUpdate is sent after each committed step of the interview: a
// client's turn (TurnUpdate set) or the interview ended early on request
// (ForcedEnd set). Exactly one of the two is set, and only its fields are
// on the wire.
type TriageUpdate struct {
	Status Status `json:"status"`
	*TurnUpdate
	*ForcedEnd
}

// TurnUpdate is a triage_update's client turn: the client's message and
// the interviewer's reply.
type TurnUpdate struct {
	ClientMessage string `json:"client_message"`
	Reply         string `json:"reply"`
	// Question and QuestionNumber are the same count (QuestionNumber is the
	// name pages use).
	Question       int `json:"question"`
	QuestionNumber int `json:"question_number"`
	MaxQuestions   int `json:"max_questions"`
	// SafetyNotice is the turn's notice for a person in danger now, if any.
	SafetyNotice string `json:"safety_notice,omitempty"`
}

// ForcedEnd is a triage_update's early end of the interview.
type ForcedEnd struct {
	// Forced is always true: its presence tells the two shapes apart.
	Forced bool   `json:"forced"`
	Reason string `json:"reason"`
}

// ComplexityUpdate is sent after a turn that changed the case's
// complexity, confidence, strategy or area estimate.
type ComplexityUpdate struct {
	Complexity Complexity `json:"complexity"`
	Confidence float64    `json:"confidence"`
	Strategy   Strategy   `json:"strategy"`
	Area       Area       `json:"area"`
}

// TaskState is a task's state as clients see it, in task lists and in
// task_update events.
type TaskState string

// Task states. River's states map onto them: available and pending are
// queued, scheduled is scheduled, retryable is retrying, discarded is failed;
// running, completed and cancelled keep their names. Events never carry
// scheduled (a retry is announced as retrying with next_attempt_at).
const (
	TaskQueued    TaskState = "queued"
	TaskScheduled TaskState = "scheduled"
	TaskRunning   TaskState = "running"
	TaskRetrying  TaskState = "retrying"
	TaskCompleted TaskState = "completed"
	TaskFailed    TaskState = "failed"
	TaskCancelled TaskState = "cancelled"
)

// TaskStates lists every task state.
var TaskStates = []TaskState{TaskQueued, TaskScheduled, TaskRunning, TaskRetrying, TaskCompleted, TaskFailed, TaskCancelled}

// TaskUpdate is sent when a background task of the case is queued (again),
// starts an attempt, and when the attempt ends: completed, retrying,
// failed or cancelled.
type TaskUpdate struct {
	TaskID      int64     `json:"task_id"`
	Kind        string    `json:"kind"`
	State       TaskState `json:"state"`
	Attempt     int       `json:"attempt"`
	MaxAttempts int       `json:"max_attempts"`
	// Error is why the attempt failed (retrying, failed, cancelled).
	Error string `json:"error,omitempty"`
	// NextAttemptAt is when a retrying task runs again.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
}

// TriageCompleted is sent once the analysis is stored, with its result.
type TriageCompleted struct {
	Status Status  `json:"status"`
	Result *Result `json:"result"`
}

// TriageFailed is sent when a case's analysis failed for good (out of
// attempts, cancelled or given up), with the reason.
type TriageFailed struct {
	Status Status `json:"status"`
	Error  string `json:"error"`
}

// Resync is sent when history no longer reaches back to the client's
// position: the client refetches (the case's status, or the inbox's list)
// and continues from LastEventID. An initial_state follows at once. CaseID
// is empty on the inbox, whose stream is nobody's case.
type Resync struct {
	CaseID      string `json:"case_id,omitempty"`
	LastEventID int64  `json:"last_event_id"`
}

// InboxInitialState is sent first on every connection to the firm's inbox
// and again after a resync: the position to follow the list from (a page
// fetches the list itself, from GET /api/v2/triage/cases).
type InboxInitialState struct {
	LastEventID int64 `json:"last_event_id"`
}

// CaseErased is sent on the inbox when a case was erased (by its client, an
// admin or expiry): pages drop it from their list.
type CaseErased struct {
	CaseID string `json:"case_id"`
}

// EventName implementations tie each payload to its one event name.

func (InitialState) EventName() string      { return EventInitialState }
func (TriageStarted) EventName() string     { return EventTriageStarted }
func (TriageUpdate) EventName() string      { return EventTriageUpdate }
func (ComplexityUpdate) EventName() string  { return EventComplexityUpdate }
func (TaskUpdate) EventName() string        { return EventTaskUpdate }
func (TriageCompleted) EventName() string   { return EventTriageCompleted }
func (TriageFailed) EventName() string      { return EventTriageFailed }
func (Resync) EventName() string            { return EventResync }
func (InboxInitialState) EventName() string { return EventInitialState }
func (CaseUpdated) EventName() string       { return EventCaseUpdated }
func (CaseErased) EventName() string        { return EventCaseErased }

// The streams an event is sent on.
const (
	StreamCase  = "case"
	StreamInbox = "inbox"
)

// EventSpec describes one event a stream sends.
type EventSpec struct {
	// Stream is StreamCase or StreamInbox.
	Stream string
	Name   string
	// Payload is a zero value of the payload's type.
	Payload EventPayload
	// Doc says when the event is sent; the OpenAPI document repeats it.
	Doc string
}

// EventCatalog lists every event Triagem itself sends, per stream, in the
// order a client meets them. Custom events (PublishCustom) are not in it.
func EventCatalog() []EventSpec {
	specs := []EventSpec{
		{Stream: StreamCase, Payload: InitialState{}, Doc: "First on every connection and after a resync: the status snapshot, with last_event_id."},
		{Stream: StreamCase, Payload: TriageStarted{}, Doc: "The case was opened: the interviewer's greeting."},
		{Stream: StreamCase, Payload: TriageUpdate{}, Doc: "A turn was recorded (the client's message and the reply), or the interview was ended early (forced, reason)."},
		{Stream: StreamCase, Payload: ComplexityUpdate{}, Doc: "A turn changed the complexity, confidence, strategy or area estimate."},
		{Stream: StreamCase, Payload: TaskUpdate{}, Doc: "A background task was queued, started an attempt, or ended one: completed, retrying (with next_attempt_at), failed or cancelled."},
		{Stream: StreamCase, Payload: TriageCompleted{}, Doc: "The analysis is stored: the result."},
		{Stream: StreamCase, Payload: TriageFailed{}, Doc: "The analysis failed for good: the reason."},
		{Stream: StreamCase, Payload: Resync{}, Doc: "History no longer reaches back to the client's position: refetch the status; an initial_state follows."},
		{Stream: StreamInbox, Payload: InboxInitialState{}, Doc: "First on every connection and after a resync: the position to follow the list (GET /api/v2/triage/cases) from."},
		{Stream: StreamInbox, Payload: CaseUpdated{}, Doc: "A case changed: its summary, as the list shows it."},
		{Stream: StreamInbox, Payload: CaseErased{}, Doc: "A case was erased: drop it from the list."},
		{Stream: StreamInbox, Payload: Resync{}, Doc: "History no longer reaches back to the client's position: refetch the list; an initial_state follows."},
	}
	for i := range specs {
		specs[i].Name = specs[i].Payload.EventName()
	}
	return specs
}

// ReservedEvent reports names only Triagem itself may publish on a case's
// stream, so that a stream's built-in events can be trusted.
func ReservedEvent(name string) bool {
	for _, spec := range EventCatalog() {
		if spec.Stream == StreamCase && spec.Name == name {
			return true
		}
	}
	return false
}

// EventNamePattern is what a custom event name must match.
var EventNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// MaxEventData is the largest payload a custom event may carry.
const MaxEventData = 64 << 10

// Event is one step of a case, as pushed to its stream.
type Event struct {
	CaseID string
	// Seq numbers a case's events 1, 2, 3 … with no gaps within an Epoch.
	Seq int64
	// Epoch names one unbroken history. It changes only when history was
	// lost (a Redis restart): positions from another epoch cannot resume.
	Epoch string
	Name  string
	// Data is the payload: a JSON object without case_id, seq and timestamp,
	// which MarshalJSON adds.
	Data json.RawMessage
	At   time.Time
}

// MarshalJSON renders the event as its stream data: the payload object with
// case_id, seq and timestamp added.
func (e Event) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"case_id":`)
	id, _ := json.Marshal(e.CaseID)
	b.Write(id)
	b.WriteString(`,"seq":`)
	b.WriteString(strconv.FormatInt(e.Seq, 10))
	b.WriteString(`,"timestamp":"`)
	b.WriteString(e.At.UTC().Format(time.RFC3339Nano))
	b.WriteByte('"')
	rest := bytes.TrimSpace(e.Data)
	if len(rest) > 2 {
		if rest[0] != '{' || rest[len(rest)-1] != '}' {
			return nil, fmt.Errorf("event %s: data is not a JSON object", e.Name)
		}
		inner := bytes.TrimSpace(rest[1 : len(rest)-1])
		if len(inner) > 0 {
			b.WriteByte(',')
			b.Write(inner)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// EventData marshals a payload for Publish under p.EventName(). Keys
// case_id, seq and timestamp are reserved: the bus sets them.
func EventData(p EventPayload) (json.RawMessage, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("marshal %s data: %w", p.EventName(), err)
	}
	return data, nil
}

// Reasons a subscription ends, from Subscription.Err.
var (
	// ErrSlowConsumer: the subscriber did not keep up and its buffer filled.
	ErrSlowConsumer = errors.New("subscriber too slow: buffer full")
	// ErrCaseDeleted: the case and its history were erased.
	ErrCaseDeleted = errors.New("case deleted")
	// ErrBusClosed: the bus is shutting down.
	ErrBusClosed = errors.New("bus closed")
)

// Bus carries a case's events to every subscriber on every instance and keeps
// a bounded history per case so that a client can resume.
type Bus interface {
	// Publish appends an event to the case's history, assigning the next Seq,
	// and delivers it to the case's subscribers. data must be a JSON object.
	Publish(ctx context.Context, caseID, name string, data json.RawMessage) (Event, error)
	// Subscribe delivers every event of the case with Seq > after, exactly
	// once and in order: first from history, then live. It subscribes before
	// it reads history, so nothing published in between is lost. When history
	// no longer reaches back to after (trimmed, expired or lost), or the epoch
	// changes while subscribed, it delivers an Event named EventResync (Seq is
	// then the newest seq of the new position) and continues from there.
	Subscribe(ctx context.Context, caseID string, after int64) (Subscription, error)
	// LastSeq returns the newest seq published for the case (0 if none).
	LastSeq(ctx context.Context, caseID string) (int64, error)
	// DeleteHistory erases the case's history and ends its subscriptions with
	// ErrCaseDeleted.
	DeleteHistory(ctx context.Context, caseID string) error
	// Ready reports whether the bus can deliver (for /readyz).
	Ready(ctx context.Context) error
	// Close ends every subscription with ErrBusClosed and releases resources.
	Close() error
}

// Subscription is one subscriber's view of a case's stream.
type Subscription interface {
	// Events yields the events; it is closed when the subscription ends.
	Events() <-chan Event
	// Err says why Events was closed: nil after Close, or one of
	// ErrSlowConsumer, ErrCaseDeleted, ErrBusClosed, or a transport error.
	Err() error
	// Close ends the subscription. It is safe to call more than once.
	Close()
}
