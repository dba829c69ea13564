package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/sse"
)

// streamClient reads one SSE connection in the background.
type streamClient struct {
	resp   *http.Response
	frames chan sse.Frame
	cancel context.CancelFunc
}

// openStream connects to a case's stream; header or query may carry the
// position.
func (f *fixture) openStream(token, caseID string, header http.Header, query url.Values) *streamClient {
	f.t.Helper()
	return f.openSSE(token, "/api/v2/triage/stream/"+caseID, header, query)
}

// openSSE connects to the stream at path.
func (f *fixture) openSSE(token, path string, header http.Header, query url.Values) *streamClient {
	f.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	u := f.srv.URL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	require.NoError(f.t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := f.srv.Client().Do(req)
	require.NoError(f.t, err)
	require.Equal(f.t, http.StatusOK, resp.StatusCode)
	require.Equal(f.t, "text/event-stream", resp.Header.Get("Content-Type"))
	require.Equal(f.t, "no", resp.Header.Get("X-Accel-Buffering"))
	c := &streamClient{resp: resp, frames: make(chan sse.Frame, 1024), cancel: cancel}
	go func() {
		defer close(c.frames)
		_ = sse.ReadFrames(resp.Body, func(fr sse.Frame) error {
			c.frames <- fr
			return nil
		})
	}()
	f.t.Cleanup(c.close)
	return c
}

func (c *streamClient) close() {
	c.cancel()
	_ = c.resp.Body.Close()
}

// next returns the next frame, failing after a generous guard.
func (c *streamClient) next(t *testing.T) sse.Frame {
	t.Helper()
	select {
	case fr, ok := <-c.frames:
		require.True(t, ok, "stream ended")
		return fr
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
		return sse.Frame{}
	}
}

// until reads frames until one named name arrives, returning all read.
func (c *streamClient) until(t *testing.T, name string) []sse.Frame {
	t.Helper()
	var got []sse.Frame
	for {
		fr := c.next(t)
		got = append(got, fr)
		if fr.Event == name {
			return got
		}
	}
}

// ended waits until the server closes the stream.
func (c *streamClient) ended(t *testing.T) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case _, ok := <-c.frames:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("stream still open")
		}
	}
}

func seqs(t *testing.T, frames []sse.Frame) []int64 {
	t.Helper()
	var out []int64
	for _, fr := range frames {
		if !fr.HasID {
			continue
		}
		n, err := strconv.ParseInt(fr.ID, 10, 64)
		require.NoError(t, err)
		var data struct {
			CaseID string `json:"case_id"`
			Seq    int64  `json:"seq"`
		}
		require.NoError(t, json.Unmarshal([]byte(fr.Data), &data), fr.Data)
		require.Equal(t, n, data.Seq, "id and data seq agree")
		require.NotEmpty(t, data.CaseID)
		out = append(out, n)
	}
	return out
}

func TestStreamStartsWithInitialStateAndReplaysHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	tok := f.token("alice", triagem.RoleClient)
	s := f.start(tok)
	f.say(tok, s.CaseID, "Meu voo foi cancelado pela companhia aérea ontem.")
	f.say(tok, s.CaseID, "Tenho os e-mails da companhia.")

	c := f.openStream(tok, s.CaseID, nil, url.Values{"last_event_id": {"0"}})
	first := c.next(t)
	require.Equal(t, "initial_state", first.Event)
	require.False(t, first.HasID, "initial_state leaves the client's position alone")
	var snap map[string]any
	require.NoError(t, json.Unmarshal([]byte(first.Data), &snap))
	require.Equal(t, s.CaseID, snap["case_id"])
	last := int64(snap["last_event_id"].(float64))

	var names []string
	var frames []sse.Frame
	for int64(len(frames)) < last {
		fr := c.next(t)
		frames = append(frames, fr)
		names = append(names, fr.Event)
	}
	require.Equal(t, "triage_started", names[0], "the whole history, from the first event")
	require.Contains(t, names, "triage_update")
	require.Contains(t, names, "complexity_update")
	got := seqs(t, frames)
	for i, n := range got {
		require.Equal(t, int64(i+1), n, "seq 1, 2, 3 … without gaps")
	}
}

func TestStreamResumeExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, via := range []string{"header", "query"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOpts{})
			tok := f.token("alice", triagem.RoleClient)
			s := f.start(tok)
			c := f.openStream(tok, s.CaseID, nil, url.Values{"last_event_id": {strconv.FormatInt(s.LastEventID, 10)}})
			require.Equal(t, "initial_state", c.next(t).Event)
			f.say(tok, s.CaseID, "Fui demitido sem receber as verbas rescisórias.")
			seen := seqs(t, c.until(t, "triage_update"))
			c.close()

			// Events published while disconnected.
			f.say(tok, s.CaseID, "Foi em 05/08/2024, na empresa XPTO.")
			f.say(tok, s.CaseID, "Tenho os holerites.")
			last := seen[len(seen)-1]
			var c2 *streamClient
			pos := strconv.FormatInt(last, 10)
			if via == "header" {
				c2 = f.openStream(tok, s.CaseID, http.Header{"Last-Event-Id": {pos}}, nil)
			} else {
				c2 = f.openStream(tok, s.CaseID, nil, url.Values{"last_event_id": {pos}})
			}
			require.Equal(t, "initial_state", c2.next(t).Event)
			c.close()
			f.say(tok, s.CaseID, "Eles me devem R$ 5.000,00.")
			want := f.status(tok, s.CaseID).LastEventID
			var more []sse.Frame
			for {
				fr := c2.next(t)
				more = append(more, fr)
				if fr.ID == strconv.FormatInt(want, 10) {
					break
				}
			}
			all := append(seen, seqs(t, more)...)
			for i, n := range all {
				require.Equal(t, s.LastEventID+int64(i)+1, n, "every event once, in order: %v", all)
			}
		})
	}
}

func TestSlowClientDoesNotDelayOthers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{subscriberBuffer: 16})
	tok := f.token("alice", triagem.RoleClient)
	svc := f.token("svc", triagem.RoleService)
	s := f.start(tok)

	// The slow client connects and never reads a byte.
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/v2/triage/stream/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", s.CaseID, tok)
	status, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, status, "200")

	fast := f.openStream(tok, s.CaseID, nil, nil)
	require.Equal(t, "initial_state", fast.next(t).Event)

	big := strings.Repeat("x", 60<<10)
	const n = 400 // ~24 MB: more than the socket buffers hold
	for i := range n {
		body := map[string]any{"event": "bulk", "data": map[string]any{"i": i, "pad": big}}
		resp := f.call(http.MethodPost, "/api/v2/triage/events/"+s.CaseID, svc, body, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
		fr := fast.next(t)
		require.Equal(t, "bulk", fr.Event, "the fast client gets each event as it is published")
	}
	// The slow client was cut off: only the fast stream is still open.
	deadline := time.Now().Add(10 * time.Second)
	for f.openStreams(t) != 1 {
		require.True(t, time.Now().Before(deadline), "slow stream not closed")
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *fixture) openStreams(t *testing.T) int {
	t.Helper()
	var stats struct {
		OpenStreams int `json:"open_streams"`
	}
	f.call(http.MethodGet, "/api/v2/triage/stats", f.token("root", triagem.RoleAdmin), nil, &stats)
	return stats.OpenStreams
}

func TestStreamEnds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{heartbeat: 50 * time.Millisecond})
	alice := f.token("alice", triagem.RoleClient)
	s := f.start(alice)

	t.Run("heartbeat on an idle stream", func(t *testing.T) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
		require.NoError(t, err)
		defer conn.Close()
		fmt.Fprintf(conn, "GET /api/v2/triage/stream/%s HTTP/1.1\r\nHost: x\r\nCookie: access_token=%s\r\n\r\n", s.CaseID, alice)
		rd := bufio.NewReader(conn)
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			line, err := rd.ReadString('\n')
			require.NoError(t, err)
			if strings.HasPrefix(line, ": ping") {
				return
			}
		}
	})

	t.Run("token expiry", func(t *testing.T) {
		short, err := authMint(testSecret, "alice", 1500*time.Millisecond)
		require.NoError(t, err)
		c := f.openStream("", s.CaseID, nil, url.Values{"access_token": {short}})
		require.Equal(t, "initial_state", c.next(t).Event)
		c.ended(t)
	})

	t.Run("case deleted", func(t *testing.T) {
		s2 := f.start(alice)
		c := f.openStream(alice, s2.CaseID, nil, nil)
		require.Equal(t, "initial_state", c.next(t).Event)
		resp := f.call(http.MethodDelete, "/api/v2/triage/cases/"+s2.CaseID, alice, nil, nil)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
		c.ended(t)
	})

	t.Run("server shutdown", func(t *testing.T) {
		c := f.openStream(alice, s.CaseID, nil, nil)
		require.Equal(t, "initial_state", c.next(t).Event)
		f.api.CloseStreams()
		c.ended(t)
	})
}

func TestCustomEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.token("alice", triagem.RoleClient)
	svc := f.token("billing-service", triagem.RoleService)
	s := f.start(alice)
	path := "/api/v2/triage/events/" + s.CaseID

	c := f.openStream(alice, s.CaseID, nil, nil)
	require.Equal(t, "initial_state", c.next(t).Event)
	var out map[string]any
	resp := f.call(http.MethodPost, path, svc, map[string]any{"event": "payment_received", "data": map[string]any{"amount": "R$ 100,00"}}, &out)
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	fr := c.next(t)
	require.Equal(t, "payment_received", fr.Event)
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(fr.Data), &data))
	require.Equal(t, s.CaseID, data["case_id"])
	require.Equal(t, "R$ 100,00", data["amount"])
	require.EqualValues(t, out["seq"], data["seq"])

	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"uppercase name", map[string]any{"event": "Payment"}, 400, triagem.EINVALIDEVENT},
		{"name with a newline", map[string]any{"event": "a\nevent: x"}, 400, triagem.EINVALIDEVENT},
		{"name too long", map[string]any{"event": "a" + strings.Repeat("b", 64)}, 400, triagem.EINVALIDEVENT},
		{"built-in name", map[string]any{"event": "triage_completed", "data": map[string]any{}}, 400, triagem.EINVALIDEVENT},
		{"data not an object", map[string]any{"event": "note", "data": []int{1, 2}}, 400, triagem.EINVALIDEVENT},
		{"body over 64 KiB", map[string]any{"event": "note", "data": map[string]any{"pad": strings.Repeat("x", 65<<10)}}, 413, triagem.EBODYTOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.expectProblem(http.MethodPost, path, svc, tt.body, tt.status, tt.code)
		})
	}
	f.expectProblem(http.MethodPost, "/api/v2/triage/events/6f1c1f9e-3d5b-4f7e-9a51-2f4c7a1b9d00", svc,
		map[string]any{"event": "note"}, 404, triagem.ENOTFOUND)
}

func TestStreamsPerUserLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{streamsPerUser: 2})
	alice := f.token("alice", triagem.RoleClient)
	s := f.start(alice)
	for range 2 {
		c := f.openStream(alice, s.CaseID, nil, nil)
		require.Equal(t, "initial_state", c.next(t).Event)
	}
	f.expectProblem(http.MethodGet, "/api/v2/triage/stream/"+s.CaseID, alice, nil, http.StatusTooManyRequests, triagem.ETOOMANYSTREAMS)
	// Another user has streams of their own.
	bob := f.token("bob", triagem.RoleClient)
	s2 := f.start(bob)
	c := f.openStream(bob, s2.CaseID, nil, nil)
	require.Equal(t, "initial_state", c.next(t).Event)
}
