package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/orchestrator"
)

// The case routes of the pages: one case in full, the case list, the
// client's contact details and the firm's handling and notes.

type caseMessage struct {
	Index int                 `json:"index"`
	Role  triagem.MessageRole `json:"role"`
	Text  string              `json:"text"`
	At    time.Time           `json:"at"`
}

type caseDetailResponse struct {
	Case     *triagem.CaseSummary `json:"case"`
	Messages []caseMessage        `json:"messages"`
	Result   *triagem.Result      `json:"result,omitempty"`
	Contact  *triagem.Contact     `json:"contact,omitempty"`
	Handling *triagem.Handling    `json:"handling,omitempty"`
}

func (s *Server) handleCaseDetail(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	d, err := s.orch.Detail(r.Context(), p, r.PathValue("case_id"))
	if err != nil {
		return err
	}
	out := caseDetailResponse{Case: d.Summary, Result: d.Result, Contact: d.Contact, Handling: d.Handling,
		Messages: make([]caseMessage, len(d.Messages))}
	for i, m := range d.Messages {
		out.Messages[i] = caseMessage{Index: m.Index, Role: m.Role, Text: m.Text, At: m.At}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type caseListResponse struct {
	Cases      []triagem.CaseSummary `json:"cases"`
	NextCursor *string               `json:"next_cursor"`
}

func (s *Server) handleCaseList(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	q, err := caseQuery(r)
	if err != nil {
		return err
	}
	page, err := s.orch.List(r.Context(), p, q)
	if err != nil {
		return err
	}
	out := caseListResponse{Cases: page.Cases}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// caseQuery reads the list's filters from the query string; unknown values
// are refused rather than ignored, so a typo never silently lists all.
func caseQuery(r *http.Request) (triagem.CaseQuery, error) {
	v := r.URL.Query()
	q := triagem.CaseQuery{
		Status:   triagem.Status(v.Get("status")),
		Urgency:  triagem.UrgencyLevel(v.Get("urgency")),
		Handling: triagem.HandlingState(v.Get("handling")),
		Sort:     triagem.CaseSort(v.Get("sort")),
		Cursor:   v.Get("cursor"),
	}
	if raw := v.Get("area"); raw != "" {
		area, err := triagem.ParseArea(raw)
		if err != nil {
			return q, err
		}
		q.Area = area
	}
	if raw := v.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > triagem.CaseListLimitMax {
			return q, triagem.Errorf(triagem.EINVALID, "limit must be an integer from 1 to %d", triagem.CaseListLimitMax)
		}
		q.Limit = n
	}
	return q, q.Validate()
}

type contactRequest struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

func (s *Server) handleContact(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	var req contactRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := s.orch.PutContact(r.Context(), p, r.PathValue("case_id"),
		triagem.Contact{Name: req.Name, Email: req.Email, Phone: req.Phone})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

type handlingRequest struct {
	State    *triagem.HandlingState `json:"state"`
	Assignee *string                `json:"assignee"`
}

func (s *Server) handleHandling(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	var req handlingRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	h, err := s.orch.UpdateHandling(r.Context(), p, r.PathValue("case_id"),
		triagem.HandlingChange{State: req.State, Assignee: req.Assignee})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

type noteRequest struct {
	Text string `json:"text"`
}

func (s *Server) handleNote(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	var req noteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := s.orch.AddNote(r.Context(), p, r.PathValue("case_id"), req.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

// handleInboxStream serves GET /api/v2/inbox/stream (staff and admins):
// the firm-wide channel's case_updated and case_erased events, with the
// same initial state, resume and resync as a case's stream.
func (s *Server) handleInboxStream(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	if !p.CanSeeAll() {
		return triagem.Errorf(triagem.EFORBIDDEN, "the inbox is for the firm's staff")
	}
	after, hasPosition, err := streamPosition(r)
	if err != nil {
		return err
	}
	head, err := s.cfg.Bus.LastSeq(r.Context(), triagem.InboxChannel)
	if err != nil {
		return &triagem.Error{Code: triagem.EUNAVAILABLE, Message: "event bus unavailable", Err: err}
	}
	if !hasPosition {
		after = head
	}
	st := &stream{
		key: triagem.InboxChannel, principal: p,
		snapshot: s.inboxSnapshot,
		render:   renderInboxEvent,
	}
	initial, err := inboxState(head)
	if err != nil {
		return err
	}
	return s.serveStream(w, r, st, after, initial)
}

// inboxSnapshot is the inbox's initial state at the current head: a page
// refetches the list (GET /cases) and follows the stream from there.
func (s *Server) inboxSnapshot(ctx context.Context) ([]byte, error) {
	head, err := s.cfg.Bus.LastSeq(ctx, triagem.InboxChannel)
	if err != nil {
		return nil, &triagem.Error{Code: triagem.EUNAVAILABLE, Message: "event bus unavailable", Err: err}
	}
	return inboxState(head)
}

func inboxState(head int64) ([]byte, error) {
	return json.Marshal(triagem.InboxInitialState{LastEventID: head})
}

// renderInboxEvent is the event's payload (a case summary, whose case_id
// is the case's) with seq and timestamp added. Unlike a case event it
// carries no case_id of its own: the inbox's bus key is nobody's case.
func renderInboxEvent(ev triagem.Event) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"seq":`)
	b.WriteString(strconv.FormatInt(ev.Seq, 10))
	b.WriteString(`,"timestamp":"`)
	b.WriteString(ev.At.UTC().Format(time.RFC3339Nano))
	b.WriteByte('"')
	rest := bytes.TrimSpace(ev.Data)
	if len(rest) < 2 || rest[0] != '{' || rest[len(rest)-1] != '}' {
		return nil, triagem.Errorf(triagem.EINTERNAL, "inbox event %s: data is not a JSON object", ev.Name)
	}
	if inner := bytes.TrimSpace(rest[1 : len(rest)-1]); len(inner) > 0 {
		b.WriteByte(',')
		b.Write(inner)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
