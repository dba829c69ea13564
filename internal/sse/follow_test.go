package sse_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/internal/sse"
)

// dropper serves events 1..total, two per connection, resuming after
// Last-Event-ID, and records the resume positions asked for.
type dropper struct {
	total int
	mu    sync.Mutex
	asked []string
}

func (d *dropper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer tok" {
		http.Error(w, "no", http.StatusUnauthorized)
		return
	}
	last := r.Header.Get("Last-Event-ID")
	d.mu.Lock()
	d.asked = append(d.asked, last)
	d.mu.Unlock()
	from, _ := strconv.Atoi(last)
	w.Header().Set("Content-Type", "text/event-stream")
	for id := from + 1; id <= min(from+2, d.total); id++ {
		fmt.Fprintf(w, "id: %d\nevent: e\ndata: %d\n\n", id, id)
	}
}

func TestFollowResumesAfterDrops(t *testing.T) {
	t.Parallel()
	d := &dropper{total: 5}
	srv := httptest.NewServer(d)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	drops := 0
	f := &sse.Follower{URL: srv.URL, Token: "tok", Retry: time.Millisecond, RetryMax: 2 * time.Millisecond,
		OnDrop: func(error) { drops++ }}
	err := f.Follow(ctx, func(fr sse.Frame) error {
		got = append(got, fr.ID)
		if fr.ID == "5" {
			cancel()
		}
		return nil
	})
	require.NoError(t, err, "ending by ctx is no error")
	require.Equal(t, []string{"1", "2", "3", "4", "5"}, got, "each event once, in order")
	require.Equal(t, []string{"", "2", "4"}, d.asked)
	require.Equal(t, "5", f.LastID)
	require.GreaterOrEqual(t, drops, 2)
}

func TestFollowStopsWhenRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&dropper{total: 1})
	defer srv.Close()
	f := &sse.Follower{URL: srv.URL, Token: "wrong"}
	err := f.Follow(context.Background(), func(sse.Frame) error { return nil })
	require.ErrorIs(t, err, sse.ErrRefused)
	require.ErrorContains(t, err, "HTTP 401")
}

func TestFollowRetriesServerErrors(t *testing.T) {
	t.Parallel()
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls++
		if calls < 3 {
			http.Error(w, "later", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "data: ok\n\n")
	}))
	defer srv.Close()
	stop := errors.New("stop")
	f := &sse.Follower{URL: srv.URL, Retry: time.Millisecond}
	err := f.Follow(context.Background(), func(fr sse.Frame) error {
		require.Equal(t, "ok", fr.Data)
		return stop
	})
	require.ErrorIs(t, err, stop, "the callback's error ends Follow as it is")
	require.Equal(t, 3, calls)
}
