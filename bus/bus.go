package bus

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/triagem/triagem"
)

// Defaults shared by both engines.
const (
	// HistorySizeDefault is how many events a case's history keeps.
	HistorySizeDefault = 1000
	// HistoryTTLDefault is how long an event stays in history, and how long
	// a case's history (and its seq counter) outlives its last event.
	HistoryTTLDefault = 24 * time.Hour
	// SubscriberBufferDefault is how many events a subscriber may fall
	// behind before it is closed with triagem.ErrSlowConsumer. Each slot
	// costs about 100 bytes (one triagem.Event), allocated up front: 64
	// slots made an idle stream cost 14.2 KiB against a 16 KiB budget, 32
	// cost 10.9 KiB (`triagem bench`, docs/DECISIONS.md), and a turn
	// publishes a handful of events, so 32 still absorbs several turns.
	SubscriberBufferDefault = 32
)

// positiveOr returns v, or def when v is zero or negative: a zero-value
// config works, and a negative one cannot disable a bound.
func positiveOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// checkEvent validates what Publish received and returns the payload to
// store: a private, trimmed copy of a JSON object ("{}" when empty).
func checkEvent(caseID, name string, data json.RawMessage) (json.RawMessage, error) {
	if caseID == "" || strings.ContainsAny(caseID, "\n\r") {
		return nil, triagem.Errorf(triagem.EINVALIDCASEID, "case id must be non-empty and on one line")
	}
	if !triagem.EventNamePattern.MatchString(name) {
		return nil, triagem.Errorf(triagem.EINVALIDEVENT, "event name must match %s", triagem.EventNamePattern)
	}
	if name == triagem.EventResync {
		// A resync is a statement about a subscriber's position, never history.
		return nil, triagem.Errorf(triagem.EINVALIDEVENT, "event name %q is reserved for the bus", name)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return json.RawMessage("{}"), nil
	}
	if data[0] != '{' || !json.Valid(data) {
		return nil, triagem.Errorf(triagem.EINVALIDEVENT, "event data must be a JSON object")
	}
	return bytes.Clone(data), nil
}

// newEpoch names a new history: 64 random bits, so that an epoch lost with
// Redis's data is never reused.
func newEpoch() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return hex.EncodeToString(b[:])
}

// errPublish wraps a Publish failure with the case it was for.
func errPublish(caseID string, err error) error {
	return fmt.Errorf("bus: publish to case %s: %w", caseID, err)
}
