package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triagem/triagem"
)

// session is one run's connection to its target.
type session struct {
	cfg    Config
	t      *Target
	client *http.Client
}

// startCase opens a case as the bench user and returns its id and last event id.
func (s *session) startCase(ctx context.Context) (string, int64, error) {
	var out struct {
		CaseID      string `json:"case_id"`
		LastEventID int64  `json:"last_event_id"`
	}
	if err := s.call(ctx, http.MethodPost, "/api/v2/triage/start", s.t.ClientToken, map[string]any{}, &out); err != nil {
		return "", 0, err
	}
	return out.CaseID, out.LastEventID, nil
}

// say sends one client message and returns the case's status.
func (s *session) say(ctx context.Context, caseID, msg string) (string, error) {
	var out struct {
		Status string `json:"status"`
	}
	err := s.call(ctx, http.MethodPost, "/api/v2/triage/continue", s.t.ClientToken, map[string]any{"case_id": caseID, "message": msg}, &out)
	return out.Status, err
}

// waitStatus polls a case until it has status want (at most 30 s).
func (s *session) waitStatus(ctx context.Context, caseID string, want triagem.Status) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st struct {
			Status string `json:"status"`
		}
		if err := s.call(ctx, http.MethodGet, "/api/v2/triage/status/"+caseID, s.t.ClientToken, nil, &st); err != nil {
			return err
		}
		switch {
		case st.Status == string(want):
			return nil
		case st.Status == string(triagem.StatusFailed):
			return fmt.Errorf("case %s failed", caseID)
		case time.Now().After(deadline):
			return fmt.Errorf("case %s still %s", caseID, st.Status)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// waitOpenStreams waits until the server counts want open streams (at most
// for limit) and returns its count.
func (s *session) waitOpenStreams(ctx context.Context, want int, limit time.Duration) (int, error) {
	deadline := time.Now().Add(limit)
	for {
		var st struct {
			OpenStreams int `json:"open_streams"`
		}
		if err := s.call(ctx, http.MethodGet, "/api/v2/triage/stats", s.t.AdminToken, nil, &st); err != nil {
			return 0, err
		}
		if st.OpenStreams == want {
			return st.OpenStreams, nil
		}
		if time.Now().After(deadline) {
			return st.OpenStreams, fmt.Errorf("server counts %d open streams, want %d", st.OpenStreams, want)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return 0, err
		}
	}
}

func (s *session) call(ctx context.Context, method, path, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+s.t.Addr+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(raw))
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// parallel runs fn(0..n-1) on Config.Concurrency goroutines and returns the
// first error.
func (s *session) parallel(ctx context.Context, n int, fn func(i int) error) error {
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(n, s.cfg.Concurrency) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
