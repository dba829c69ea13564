package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/orchestrator"
)

// writeTimeout bounds one write to a stream: a client whose connection
// stalls is dropped instead of holding its goroutine for ever.
const writeTimeout = 5 * time.Second

// handleStream serves GET /stream/{case_id}: initial_state, then every event
// after the client's position, exactly once and in order (DESIGN §5).
//
// Once the headers are out, an HTTP/1.1 connection is taken over (hijacked)
// and handed to a small goroutine owned by the hub, and the handler returns:
// net/http's per-request buffers and its deep handler stack are then freed,
// which is most of what an idle stream would otherwise cost. Where a
// connection cannot be taken over (HTTP/2, tests' recorders) the stream is
// served from the handler as usual.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	ctx := r.Context()
	// Cloned so that the stream does not keep the whole request line alive.
	caseID := strings.Clone(r.PathValue("case_id"))
	after, hasPosition, err := streamPosition(r)
	if err != nil {
		return err
	}
	snap, err := s.orch.Status(ctx, p, caseID)
	if err != nil {
		return err
	}
	if !hasPosition {
		after = snap.LastEventID
	}
	st := &stream{
		key: caseID, principal: p,
		snapshot: func(ctx context.Context) ([]byte, error) {
			snap, err := s.orch.Status(ctx, p, caseID)
			if err != nil {
				return nil, err
			}
			return json.Marshal(s.newStatusResponse(snap))
		},
		render: func(ev triagem.Event) ([]byte, error) { return ev.MarshalJSON() },
	}
	initial, err := json.Marshal(s.newStatusResponse(snap))
	if err != nil {
		return err
	}
	return s.serveStream(w, r, st, after, initial)
}

// serveStream subscribes st to its bus key after position after, writes
// the retry hint and the initial state, and pumps events until the stream
// has to end.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, st *stream, after int64, initial []byte) error {
	ctx := r.Context()
	p := st.principal
	if err := s.hub.join(p.Subject); err != nil {
		return err
	}
	// The subscription outlives the handler when the connection is taken
	// over (and must not keep the request's context alive); the pump
	// closes it.
	sub, err := s.cfg.Bus.Subscribe(context.Background(), st.key, after)
	if err != nil {
		s.hub.leave(p.Subject)
		return &triagem.Error{Code: triagem.EUNAVAILABLE, Message: "event bus unavailable", Err: err}
	}
	st.sub = sub
	st.deadline = s.streamDeadline(identityFrom(ctx).ExpiresAt)
	st.buf = appendRetry(st.buf, s.cfg.RetryHint.Milliseconds())
	st.buf = appendEvent(st.buf, "", triagem.EventInitialState, initial)
	if conn := takeOver(w); conn != nil {
		st.out = connOut{conn}
		st.buf = append([]byte(streamResponseHead), st.buf...)
		s.hub.spawn(func() { s.run(st, nil) })
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	st.out = &responseOut{rc: http.NewResponseController(w), w: w}
	s.run(st, ctx.Done())
	return nil
}

// streamResponseHead is the response written on a taken-over connection:
// the body runs until the connection closes.
const streamResponseHead = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/event-stream\r\n" +
	"Cache-Control: no-cache\r\n" +
	"X-Accel-Buffering: no\r\n" +
	"Connection: close\r\n\r\n"

// takeOver hijacks an HTTP/1.x connection, dropping net/http's buffers (a
// stream request has no body left to read). It returns nil where that is
// not possible.
func takeOver(w http.ResponseWriter) net.Conn {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil
	}
	if brw.Reader.Buffered() > 0 {
		// A pipelined request behind the stream: nothing sane to do with
		// it; the client will see the connection close after the stream.
		brw.Reader.Reset(nil)
	}
	return conn
}

// run pumps a stream to its end and releases it. gone is closed when the
// client goes away (nil on a taken-over connection, where a failed write
// tells instead: at the latest at the next heartbeat).
func (s *Server) run(st *stream, gone <-chan struct{}) {
	defer s.hub.leave(st.principal.Subject)
	defer st.sub.Close()
	defer st.out.Close()
	if err := st.flush(); err != nil {
		return
	}
	reason := s.pump(st, gone)
	s.log.Debug("stream closed", "stream", st.key, "user_id", st.principal.Subject, "reason", reason)
}

// streamPosition reads Last-Event-ID or ?last_event_id; absent means "from
// the snapshot".
func streamPosition(r *http.Request) (int64, bool, error) {
	raw := r.Header.Get("Last-Event-ID")
	if raw == "" {
		raw = r.URL.Query().Get("last_event_id")
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, false, triagem.Errorf(triagem.EINVALID, "last event id must be a non-negative integer")
	}
	return n, true, nil
}

// streamDeadline is when the stream must end: the token's expiry or the
// maximum lifetime with ±10% jitter, whichever comes first.
func (s *Server) streamDeadline(tokenExpiry time.Time) time.Time {
	life := s.cfg.StreamLifetime
	jitter := time.Duration((rand.Float64()*0.2 - 0.1) * float64(life))
	end := s.cfg.Now().Add(life + jitter)
	if !tokenExpiry.IsZero() && tokenExpiry.Before(end) {
		return tokenExpiry
	}
	return end
}

// pump writes events until the stream has to end and says why.
func (s *Server) pump(st *stream, gone <-chan struct{}) string {
	events := st.sub.Events()
	for {
		select {
		case <-gone:
			return "client gone"
		case <-s.hub.closing():
			return "server shutting down"
		case <-s.hub.ticks():
			if !s.cfg.Now().Before(st.deadline) {
				return "token expired or lifetime reached"
			}
			st.buf = append(st.buf, heartbeat...)
		case ev, ok := <-events:
			if !ok {
				return subscriptionEnd(st.sub.Err())
			}
			if err := s.appendBusEvent(st, ev); err != nil {
				return "encode: " + err.Error()
			}
			// Drain what is already waiting so that a burst goes out in one write.
			for drained := false; !drained; {
				select {
				case ev, ok := <-events:
					if !ok {
						_ = st.flush()
						return subscriptionEnd(st.sub.Err())
					}
					if err := s.appendBusEvent(st, ev); err != nil {
						return "encode: " + err.Error()
					}
				default:
					drained = true
				}
			}
		}
		if err := st.flush(); err != nil {
			return "write failed"
		}
	}
}

func subscriptionEnd(err error) string {
	switch {
	case err == nil:
		return "subscription closed"
	case errors.Is(err, triagem.ErrSlowConsumer):
		return "client too slow"
	case errors.Is(err, triagem.ErrCaseDeleted):
		return "case deleted"
	default:
		return err.Error()
	}
}

// appendBusEvent frames a bus event; a resync is followed by a fresh
// snapshot so that the client has the current state at once.
func (s *Server) appendBusEvent(st *stream, ev triagem.Event) error {
	if ev.Name == triagem.EventResync {
		resync := triagem.Resync{LastEventID: ev.Seq}
		if st.key != triagem.InboxChannel {
			resync.CaseID = ev.CaseID
		}
		data, err := json.Marshal(resync)
		if err != nil {
			return err
		}
		st.buf = appendEvent(st.buf, strconv.FormatInt(ev.Seq, 10), triagem.EventResync, data)
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		defer cancel()
		snap, err := st.snapshot(ctx)
		if err != nil {
			return err
		}
		st.buf = appendEvent(st.buf, "", triagem.EventInitialState, snap)
		return nil
	}
	data, err := st.render(ev)
	if err != nil {
		return err
	}
	st.buf = appendEvent(st.buf, strconv.FormatInt(ev.Seq, 10), ev.Name, data)
	return nil
}

// stream is one open event stream. Only its pump touches it.
type stream struct {
	// key is the bus key: a case id, or the inbox.
	key       string
	principal orchestrator.Principal
	// snapshot is the initial_state data at the current position, sent
	// first and again after a resync.
	snapshot func(ctx context.Context) ([]byte, error)
	// render is an event's data line.
	render   func(ev triagem.Event) ([]byte, error)
	sub      triagem.Subscription
	deadline time.Time
	out      streamOut
	buf      []byte
}

// flush writes the pending frames with one deadline.
func (st *stream) flush() error {
	if len(st.buf) == 0 {
		return nil
	}
	err := st.out.writeFrames(st.buf)
	st.buf = nil // an idle stream keeps no buffer
	return err
}

// streamOut is where frames go: a taken-over connection or a ResponseWriter.
type streamOut interface {
	writeFrames(b []byte) error
	Close() error
}

type connOut struct{ net.Conn }

func (c connOut) writeFrames(b []byte) error {
	_ = c.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := c.Write(b)
	return err
}

type responseOut struct {
	rc *http.ResponseController
	w  http.ResponseWriter
}

func (r *responseOut) writeFrames(b []byte) error {
	_ = r.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := r.w.Write(b); err != nil {
		return err
	}
	return r.rc.Flush()
}

func (r *responseOut) Close() error { return nil }
