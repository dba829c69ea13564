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

// EventData marshals a payload for Publish. Keys case_id, seq and timestamp
// are reserved: the bus sets them.
func EventData(v any) (json.RawMessage, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal event data: %w", err)
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
