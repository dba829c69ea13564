package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestServeWithAnLLM runs serve against a fake OpenAI-compatible endpoint:
// the model interviews and its analysis is the one in the result, with the
// built-in analyzer behind it.
func TestServeWithAnLLM(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	// One answer that is both a valid interview turn (complete at once, a
	// medium case: failover) and valid triage data.
	content, err := json.Marshal(map[string]any{
		"reply": "Obrigado, vou analisar o seu caso.", "complexity": "medium", "confidence": 0.8,
		"area": "trabalhista", "subarea": "rescisao", "complete": true, "missing": []string{},
		"urgency_h": 240, "summary": "Demissão sem pagamento das verbas rescisórias.",
		"keywords": []string{"demissão"}, "sentiment": "negativo", "case_type": "rescisao_trabalhista",
		"complexity_factors": []string{}, "entities": map[string]any{"parties": []string{"empresa"}, "dates": []string{}, "amounts": []string{}, "locations": []string{}},
	})
	require.NoError(t, err)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-test" {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "fake-model",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": string(content)}}},
		})
	}))
	t.Cleanup(fake.Close)

	env := []string{"TRIAGEM_DATABASE_URL=" + filepath.Join(t.TempDir(), "t.db"), "TRIAGEM_JWT_SECRET=", "TRIAGEM_JWKS_URL=",
		"TRIAGEM_LLM_BASE_URL=" + fake.URL + "/v1", "TRIAGEM_LLM_API_KEY=sk-test", "TRIAGEM_LLM_MODELS=fake-model"}
	p := start(t, env, "serve")
	token := devToken(t, "alice")

	var started struct {
		CaseID string `json:"case_id"`
	}
	require.Equal(t, http.StatusCreated, api(t, http.MethodPost, p.url("/api/v2/triage/start"), token, map[string]any{}, &started))
	var turn struct {
		Message string `json:"message"`
		Status  string `json:"status"`
	}
	require.Equal(t, http.StatusOK, api(t, http.MethodPost, p.url("/api/v2/triage/continue"), token,
		map[string]any{"case_id": started.CaseID, "message": "Fui demitido e não recebi nada."}, &turn))
	require.Equal(t, "Obrigado, vou analisar o seu caso.", turn.Message, "the model interviews")
	require.Equal(t, "analyzing", turn.Status)
	waitCompleted(t, p.url(""), token, started.CaseID, 30*time.Second)

	var result struct {
		StrategyUsed    string `json:"strategy_used"`
		AnalysisDetails struct {
			Analyzers []struct {
				Name string `json:"name"`
				OK   bool   `json:"ok"`
			} `json:"analyzers"`
		} `json:"analysis_details"`
		TriageData struct {
			CaseType string `json:"case_type"`
		} `json:"triage_data"`
	}
	require.Equal(t, http.StatusOK, api(t, http.MethodGet, p.url("/api/v2/triage/result/"+started.CaseID), token, nil, &result))
	require.Equal(t, "failover", result.StrategyUsed)
	require.Equal(t, "llm:fake-model", result.AnalysisDetails.Analyzers[0].Name)
	require.True(t, result.AnalysisDetails.Analyzers[0].OK)
	require.Equal(t, "rescisao_trabalhista", result.TriageData.CaseType)
	require.GreaterOrEqual(t, calls.Load(), int64(2), "one interview turn and one analysis")
	p.stop(t)
	require.NotContains(t, p.stderr.String(), "sk-test", "the key is never logged")
	require.NotContains(t, p.stderr.String(), "demitido", "message text is never logged")
}
