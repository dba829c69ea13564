package triagem_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// TestEventPayloadsKeepTheWire marshals every payload next to the
// map[string]any its publisher built before the payloads were typed: the
// same keys, values and omissions, so that no client sees a change.
func TestEventPayloadsKeepTheWire(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	next := at.Add(time.Minute)
	result := &triagem.Result{CaseID: "c1", StrategyUsed: triagem.StrategySimple, CreatedAt: at}
	tests := []struct {
		name    string
		payload triagem.EventPayload
		// before is what the stream sent before the payloads were typed.
		before map[string]any
	}{
		{"initial_state", triagem.InitialState{CaseID: "c1", Status: triagem.StatusInterviewing,
			FlowType: triagem.StrategyFailover.FlowType(), Complexity: triagem.ComplexityMedium, Confidence: 0.5,
			Strategy: triagem.StrategyFailover, Questions: 2, QuestionNumber: 2, MaxQuestions: 8,
			StartedAt: at, UpdatedAt: at, LastEventID: 4},
			map[string]any{"case_id": "c1", "status": "interviewing", "flow_type": "standard_analysis",
				"complexity": "medium", "confidence": 0.5, "strategy": "failover", "questions": 2,
				"question_number": 2, "max_questions": 8, "started_at": at, "updated_at": at, "last_event_id": 4}},
		{"initial_state of a failed case", triagem.InitialState{CaseID: "c1", Status: triagem.StatusFailed,
			Area: triagem.AreaCivil, StartedAt: at, UpdatedAt: at, Error: "x"},
			map[string]any{"case_id": "c1", "status": "failed", "flow_type": "", "complexity": "", "confidence": 0,
				"strategy": "", "area": "civil", "questions": 0, "question_number": 0, "max_questions": 0,
				"started_at": at, "updated_at": at, "last_event_id": 0, "error": "x"}},
		{"triage_started", triagem.TriageStarted{Status: triagem.StatusInterviewing, Message: "Olá", MaxQuestions: 8},
			map[string]any{"status": "interviewing", "message": "Olá", "question_number": 0, "max_questions": 8}},
		{"triage_update of a turn", triagem.TriageUpdate{Status: triagem.StatusInterviewing,
			TurnUpdate: &triagem.TurnUpdate{ClientMessage: "fui demitido", Reply: "Quando?", Question: 1,
				QuestionNumber: 1, MaxQuestions: 8}},
			map[string]any{"status": "interviewing", "client_message": "fui demitido", "reply": "Quando?",
				"question": 1, "question_number": 1, "max_questions": 8}},
		{"triage_update of a turn with a safety notice", triagem.TriageUpdate{Status: triagem.StatusAnalyzing,
			TurnUpdate: &triagem.TurnUpdate{ClientMessage: "m", Reply: "", Question: 3, QuestionNumber: 3,
				MaxQuestions: 3, SafetyNotice: "ligue 190"}},
			map[string]any{"status": "analyzing", "client_message": "m", "reply": "", "question": 3,
				"question_number": 3, "max_questions": 3, "safety_notice": "ligue 190"}},
		{"triage_update of a forced end", triagem.TriageUpdate{Status: triagem.StatusAnalyzing,
			ForcedEnd: &triagem.ForcedEnd{Forced: true, Reason: "forced"}},
			map[string]any{"status": "analyzing", "forced": true, "reason": "forced"}},
		{"complexity_update", triagem.ComplexityUpdate{Complexity: triagem.ComplexityHigh, Confidence: 0.82,
			Strategy: triagem.StrategyEnsemble},
			map[string]any{"complexity": "high", "confidence": 0.82, "strategy": "ensemble", "area": ""}},
		{"task_update running", triagem.TaskUpdate{TaskID: 7, Kind: "analyze", State: triagem.TaskRunning,
			Attempt: 1, MaxAttempts: 3},
			map[string]any{"task_id": 7, "kind": "analyze", "state": "running", "attempt": 1, "max_attempts": 3}},
		{"task_update retrying", triagem.TaskUpdate{TaskID: 7, Kind: "analyze", State: triagem.TaskRetrying,
			Attempt: 1, MaxAttempts: 3, Error: "boom", NextAttemptAt: &next},
			map[string]any{"task_id": 7, "kind": "analyze", "state": "retrying", "attempt": 1, "max_attempts": 3,
				"error": "boom", "next_attempt_at": next}},
		{"triage_completed", triagem.TriageCompleted{Status: triagem.StatusCompleted, Result: result},
			map[string]any{"status": "completed", "result": result}},
		{"triage_failed", triagem.TriageFailed{Status: triagem.StatusFailed, Error: "analysis failed"},
			map[string]any{"status": "failed", "error": "analysis failed"}},
		{"resync of a case", triagem.Resync{CaseID: "c1", LastEventID: 9},
			map[string]any{"case_id": "c1", "last_event_id": 9}},
		{"resync of the inbox", triagem.Resync{LastEventID: 9}, map[string]any{"last_event_id": 9}},
		{"inbox initial_state", triagem.InboxInitialState{LastEventID: 3}, map[string]any{"last_event_id": 3}},
		{"case_erased", triagem.CaseErased{CaseID: "c1"}, map[string]any{"case_id": "c1"}},
		{"case_updated", triagem.CaseSummary{Case: triagem.Case{ID: "c1", Status: triagem.StatusCompleted,
			Area: triagem.AreaCivil, Subarea: "contratos", UrgencyH: 24, CreatedAt: at, UpdatedAt: at},
			Assignee: "ana", HasContact: true}.Updated(),
			map[string]any{"case_id": "c1", "status": "completed", "area_id": "civil", "area": "Civil",
				"subarea": "contratos", "subarea_name": triagem.SubareaName("contratos"), "urgency_h": 24,
				"urgency_level": triagem.UrgencyLevelFor(24).ID, "handling": map[string]any{"state": "new", "assignee": "ana"},
				"has_contact": true, "started_at": at, "updated_at": at}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := triagem.EventData(tt.payload)
			require.NoError(t, err)
			want, err := json.Marshal(tt.before)
			require.NoError(t, err)
			require.JSONEq(t, string(want), string(got))
		})
	}
}

// TestEventDataLineAddsTheEnvelope checks a payload on the case stream: the
// bus's case_id, seq and timestamp, then the payload's own keys.
func TestEventDataLineAddsTheEnvelope(t *testing.T) {
	t.Parallel()
	data, err := triagem.EventData(triagem.ComplexityUpdate{Complexity: triagem.ComplexityHigh,
		Confidence: 0.82, Strategy: triagem.StrategyEnsemble})
	require.NoError(t, err)
	ev := triagem.Event{CaseID: "c1", Seq: 7, Name: triagem.EventComplexityUpdate, Data: data,
		At: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)}
	line, err := ev.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, `{"case_id":"c1","seq":7,"timestamp":"2026-12-01T15:00:00Z",`+
		`"complexity":"high","confidence":0.82,"strategy":"ensemble","area":""}`, string(line))
}

func TestEventCatalogNamesEveryEvent(t *testing.T) {
	t.Parallel()
	byStream := map[string][]string{}
	for _, spec := range triagem.EventCatalog() {
		require.Equal(t, spec.Payload.EventName(), spec.Name)
		require.NotEmpty(t, spec.Doc, "%s", spec.Name)
		require.NotContains(t, byStream[spec.Stream], spec.Name, "%s listed twice on %s", spec.Name, spec.Stream)
		byStream[spec.Stream] = append(byStream[spec.Stream], spec.Name)
	}
	require.ElementsMatch(t, []string{triagem.StreamCase, triagem.StreamInbox}, slices.Collect(maps.Keys(byStream)))
	require.Equal(t, []string{triagem.EventInitialState, triagem.EventTriageStarted, triagem.EventTriageUpdate,
		triagem.EventComplexityUpdate, triagem.EventTaskUpdate, triagem.EventTriageCompleted,
		triagem.EventTriageFailed, triagem.EventResync}, byStream[triagem.StreamCase])
	require.Equal(t, []string{triagem.EventInitialState, triagem.EventCaseUpdated, triagem.EventCaseErased,
		triagem.EventResync}, byStream[triagem.StreamInbox])
	for _, name := range byStream[triagem.StreamCase] {
		require.True(t, triagem.ReservedEvent(name), "%s", name)
	}
	// A service may name its own events after the inbox's: they never
	// reach the inbox.
	require.False(t, triagem.ReservedEvent(triagem.EventCaseUpdated))
	require.False(t, triagem.ReservedEvent("documento_recebido"))
}
