package sse

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/triagem/triagem"
)

// Defaults of Follower.
const (
	RetryDefault    = 500 * time.Millisecond
	RetryMaxDefault = 10 * time.Second
)

// ErrRefused wraps an answer that reconnecting cannot fix: a 4xx other
// than 408 and 429.
var ErrRefused = errors.New("stream refused")

// Follower reads a stream as EventSource does: after a drop it reconnects
// with Last-Event-ID, so that no event is missed or seen twice.
type Follower struct {
	URL    string
	Token  string       // bearer token; empty: none
	Client *http.Client // nil: http.DefaultClient
	// LastID is the resume position, moved by every event with an id; ""
	// asks the server for events from now. The frame callback may set it
	// (it runs on Follow's goroutine).
	LastID string
	// Retry is the first wait before reconnecting, doubled after each drop
	// without an event up to RetryMax. Default RetryDefault, RetryMaxDefault.
	Retry, RetryMax time.Duration
	// OnDrop, when set, hears of each drop before the wait.
	OnDrop func(err error)
	// FromSnapshot resumes after a Triagem stream's snapshot: while LastID is
	// empty, an initial_state frame without an id sets it to the snapshot's
	// last_event_id, so that a reconnect before any event misses nothing.
	FromSnapshot bool
}

// Follow reads the stream, calling fn for each event, until ctx ends (nil),
// fn fails (its error) or the server refuses it (ErrRefused).
func (f *Follower) Follow(ctx context.Context, fn func(Frame) error) error {
	wait := cmp.Or(f.Retry, RetryDefault)
	for {
		got, err := f.once(ctx, fn)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrRefused):
			return err
		}
		var cb callbackError
		if errors.As(err, &cb) {
			return cb.err
		}
		if got {
			wait = cmp.Or(f.Retry, RetryDefault)
		}
		if f.OnDrop != nil {
			f.OnDrop(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, cmp.Or(f.RetryMax, RetryMaxDefault))
	}
}

// adoptSnapshot applies FromSnapshot to one frame.
func (f *Follower) adoptSnapshot(fr Frame) {
	if !f.FromSnapshot || fr.HasID || fr.Event != triagem.EventInitialState || f.LastID != "" {
		return
	}
	var snap struct {
		LastEventID int64 `json:"last_event_id"`
	}
	if json.Unmarshal([]byte(fr.Data), &snap) == nil {
		f.LastID = strconv.FormatInt(snap.LastEventID, 10)
	}
}

// callbackError wraps fn's error, to tell it from the connection's.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }
func (e callbackError) Unwrap() error { return e.err }

// once reads one connection; got says whether any event came.
func (f *Follower) once(ctx context.Context, fn func(Frame) error) (got bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if f.Token != "" {
		req.Header.Set("Authorization", "Bearer "+f.Token)
	}
	if f.LastID != "" {
		req.Header.Set("Last-Event-ID", f.LastID)
	}
	resp, err := cmp.Or(f.Client, http.DefaultClient).Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout {
			return false, fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return false, fmt.Errorf("%w: HTTP %d: %s", ErrRefused, resp.StatusCode, body)
	}
	err = ReadFrames(resp.Body, func(fr Frame) error {
		got = true
		if fr.HasID {
			f.LastID = fr.ID
		}
		f.adoptSnapshot(fr)
		if err := fn(fr); err != nil {
			return callbackError{err}
		}
		return nil
	})
	return got, cmp.Or(err, io.EOF)
}
