package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/jobs"
	"github.com/triagem/triagem/orchestrator"
)

type startRequest struct {
	// Consent is true when the client accepted the data notice.
	Consent bool `json:"consent"`
}

type startResponse struct {
	CaseID         string         `json:"case_id"`
	Message        string         `json:"message"`
	Status         triagem.Status `json:"status"`
	LastEventID    int64          `json:"last_event_id"`
	QuestionNumber int            `json:"question_number"`
	MaxQuestions   int            `json:"max_questions"`
	Timestamp      time.Time      `json:"timestamp"`
}

func (s *Server) handleStart(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	var req startRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	started, err := s.orch.Start(r.Context(), p, orchestrator.StartOptions{Consent: req.Consent})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, startResponse{
		CaseID:         started.Case.ID,
		Message:        started.Greeting.Text,
		Status:         started.Case.Status,
		LastEventID:    started.LastEventID,
		QuestionNumber: started.Case.Questions,
		MaxQuestions:   s.orch.MaxQuestions(started.Case),
		Timestamp:      started.Case.CreatedAt,
	})
	return nil
}

type continueRequest struct {
	CaseID  string `json:"case_id"`
	Message string `json:"message"`
}

type continueResponse struct {
	CaseID         string             `json:"case_id"`
	Message        string             `json:"message"`
	Status         triagem.Status     `json:"status"`
	ComplexityHint triagem.Complexity `json:"complexity_hint"`
	Confidence     float64            `json:"confidence"`
	QuestionNumber int                `json:"question_number"`
	MaxQuestions   int                `json:"max_questions"`
	SafetyNotice   string             `json:"safety_notice,omitempty"`
	Result         *triagem.Result    `json:"result,omitempty"`
	Timestamp      time.Time          `json:"timestamp"`
}

func (s *Server) handleContinue(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	var req continueRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := orchestrator.CheckCaseID(req.CaseID); err != nil {
		return err
	}
	out, err := s.orch.Continue(r.Context(), p, req.CaseID, req.Message)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, continueResponse{
		CaseID:         out.Case.ID,
		Message:        out.Reply,
		Status:         out.Case.Status,
		ComplexityHint: out.Case.Complexity,
		Confidence:     out.Case.Confidence,
		QuestionNumber: out.Case.Questions,
		MaxQuestions:   s.orch.MaxQuestions(out.Case),
		SafetyNotice:   out.SafetyNotice,
		Timestamp:      out.Case.UpdatedAt,
	})
	return nil
}

// newStatusResponse is GET /status's answer, also the case stream's
// initial_state.
func (s *Server) newStatusResponse(st *orchestrator.Status) triagem.InitialState {
	c := st.Case
	return triagem.InitialState{
		CaseID:         c.ID,
		Status:         c.Status,
		FlowType:       c.Strategy.FlowType(),
		Complexity:     c.Complexity,
		Confidence:     c.Confidence,
		Strategy:       c.Strategy,
		Area:           c.Area,
		Questions:      c.Questions,
		QuestionNumber: c.Questions,
		MaxQuestions:   s.orch.MaxQuestions(c),
		StartedAt:      c.CreatedAt,
		UpdatedAt:      c.UpdatedAt,
		LastEventID:    st.LastEventID,
		Error:          c.Error,
	}
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	st, err := s.orch.Status(r.Context(), p, r.PathValue("case_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.newStatusResponse(st))
	return nil
}

func (s *Server) handleResult(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	res, err := s.orch.Result(r.Context(), p, r.PathValue("case_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

type forceCompleteRequest struct {
	CaseID string `json:"case_id"`
	Reason string `json:"reason"`
}

func (s *Server) handleForceComplete(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	var req forceCompleteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := orchestrator.CheckCaseID(req.CaseID); err != nil {
		return err
	}
	c, err := s.orch.ForceComplete(r.Context(), p, req.CaseID, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"case_id": c.ID, "status": c.Status, "strategy": c.Strategy, "timestamp": c.UpdatedAt,
	})
	return nil
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	if err := s.orch.Delete(r.Context(), p, r.PathValue("case_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type publishRequest struct {
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	var req publishRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	data := req.Data
	if len(data) == 0 || string(data) == "null" {
		data = json.RawMessage(`{}`)
	}
	if data[0] != '{' {
		return triagem.Errorf(triagem.EINVALIDEVENT, "event data must be a JSON object")
	}
	ev, err := s.orch.PublishCustom(r.Context(), p, r.PathValue("case_id"), req.Event, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"case_id": ev.CaseID, "event": ev.Name, "seq": ev.Seq})
	return nil
}

type statsResponse struct {
	Cases       map[triagem.Status]int `json:"cases"`
	OpenStreams int                    `json:"open_streams"`
	Queues      []jobs.QueueStat       `json:"queues"`
}

func (s *Server) handleStats(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	if !p.IsAdmin() {
		return triagem.Errorf(triagem.EFORBIDDEN, "stats are for admins")
	}
	out := statsResponse{Cases: map[triagem.Status]int{}, OpenStreams: s.hub.open(), Queues: []jobs.QueueStat{}}
	if s.cfg.Counts != nil {
		counts, err := s.cfg.Counts(r.Context())
		if err != nil {
			return err
		}
		out.Cases = counts
	}
	if s.cfg.Tasks != nil {
		qs, err := s.cfg.Tasks.QueueStats(r.Context())
		if err != nil {
			return err
		}
		out.Queues = qs
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
