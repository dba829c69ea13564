package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/internal/sse"
)

// runTail follows a case's stream, printing one line per event, and
// reconnects with Last-Event-ID after a dropped connection so that no event
// is missed or printed twice.
func runTail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", envOr("TRIAGEM_URL", "http://127.0.0.1:8080"), "server base URL (TRIAGEM_URL)")
	token := fs.String("token", os.Getenv("TRIAGEM_TOKEN"), "bearer token (TRIAGEM_TOKEN)")
	sub := fs.String("sub", "", "dev mode: mint a token for this user instead of -token")
	from := fs.Int64("from", -1, "start after this event id (0: whole history; default: from now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: triagem tail [flags] CASE_ID")
	}
	if *token == "" && *sub != "" {
		t, err := auth.Mint(auth.DevSecret, *sub, "client", time.Hour, time.Now())
		if err != nil {
			return err
		}
		*token = t
	}
	t := &tailer{url: *base + "/api/v2/triage/stream/" + fs.Arg(0), token: *token, out: stdout, last: *from}
	return t.run(ctx, stderr)
}

type tailer struct {
	url   string
	token string
	out   io.Writer
	last  int64
}

// errFinal marks an answer that reconnecting cannot fix.
var errFinal = errors.New("final")

func (t *tailer) run(ctx context.Context, stderr io.Writer) error {
	backoff := 500 * time.Millisecond
	for {
		err := t.once(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errFinal) {
			return err
		}
		fmt.Fprintf(stderr, "tail: stream ended (%v); reconnecting after id %d\n", err, t.last)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (t *tailer) once(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return fmt.Errorf("%w: %v", errFinal, err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+t.token)
	if t.last >= 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(t.last, 10))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return fmt.Errorf("%w: HTTP %d: %s", errFinal, resp.StatusCode, body)
	}
	err = sse.ReadFrames(resp.Body, func(f sse.Frame) error {
		t.advance(f)
		_, err := fmt.Fprintf(t.out, "%s\t%s\t%s\n", f.ID, f.Event, f.Data)
		return err
	})
	if err == nil {
		err = io.EOF
	}
	return err
}

// advance moves the resume position: to an event's id, or, before any
// event, to the snapshot's last_event_id so a reconnect misses nothing.
func (t *tailer) advance(f sse.Frame) {
	if f.HasID {
		if n, err := strconv.ParseInt(f.ID, 10, 64); err == nil {
			t.last = n
		}
		return
	}
	if f.Event == "initial_state" && t.last < 0 {
		var snap struct {
			LastEventID int64 `json:"last_event_id"`
		}
		if json.Unmarshal([]byte(f.Data), &snap) == nil {
			t.last = snap.LastEventID
		}
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
