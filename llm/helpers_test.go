package llm

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

const testKey = "sk-test-123"

// chatRequest is what the fake endpoint reads of a request.
type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string         `json:"name"`
			Strict bool           `json:"strict"`
			Schema map[string]any `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

// received is one request the fake endpoint saw.
type received struct {
	Path          string
	Authorization string
	Body          chatRequest
}

// userDoc decodes the user message: the transcript and its extras.
func (r received) userDoc(t testing.TB) map[string]any {
	t.Helper()
	require.Len(t, r.Body.Messages, 2)
	require.Equal(t, "system", r.Body.Messages[0].Role)
	require.Equal(t, "user", r.Body.Messages[1].Role)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body.Messages[1].Content), &doc))
	return doc
}

// reply is what the fake endpoint answers: a status and a body (a chat
// completion for 200).
type reply struct {
	status int
	body   string
	header map[string]string
}

// fakeLLM plays an OpenAI-compatible /chat/completions endpoint.
type fakeLLM struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     []received
	respond func(n int, r *http.Request) reply // n counts calls from 1
}

func newFake(t *testing.T, respond func(n int, r *http.Request) reply) *fakeLLM {
	t.Helper()
	f := &fakeLLM{respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var req chatRequest
		if err := json.Unmarshal(body, &req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.got = append(f.got, received{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), Body: req})
		n := len(f.got)
		f.mu.Unlock()
		rep := f.respond(n, r)
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLLM) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.got...)
}

func (f *fakeLLM) config(models ...string) Config {
	return Config{BaseURL: f.srv.URL + "/v1", APIKey: testKey, Models: models}
}

// answer is a 200 chat completion whose content is content.
func answer(content string) reply {
	return reply{status: http.StatusOK, body: compactJSON(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content},
		}},
	})}
}

func always(r reply) func(int, *http.Request) reply {
	return func(int, *http.Request) reply { return r }
}

func failure(status int) reply {
	return reply{status: status, body: `{"error":{"message":"boom","type":"server_error","code":"boom_code"}}`,
		header: map[string]string{"Retry-After-Ms": "1"}}
}

// secret is client text that must never appear in logs or errors.
const secret = "Meu CPF é 123.456.789-00 e o voo atrasou"

func conversation() []triagem.Message {
	return []triagem.Message{
		{CaseID: "case-1", Index: 0, Role: triagem.AuthorInterviewer, Text: "Olá! Descreva o seu problema."},
		{CaseID: "case-1", Index: 1, Role: triagem.AuthorClient, Text: secret + " 10 horas em Recife."},
		{CaseID: "case-1", Index: 2, Role: triagem.AuthorInterviewer, Text: "Quando foi o voo?"},
		{CaseID: "case-1", Index: 3, Role: triagem.AuthorClient, Text: "Dia 12/03/2024, gastei R$ 850,00."},
	}
}

func input() triagem.AnalysisInput {
	return triagem.AnalysisInput{CaseID: "case-1", Messages: conversation()}
}

// validTriage is a well-formed analyzer answer.
const validTriage = `{
  "area": "consumidor",
  "subarea": "transporte_aereo",
  "urgency_h": 240,
  "summary": "  Cliente teve o voo atrasado em 10 horas e gastou R$ 850,00.  ",
  "keywords": ["voo", " atraso ", "voo", ""],
  "sentiment": "frustrado",
  "case_type": "atraso_voo",
  "complexity_factors": [],
  "urgency_reason": " prazo usual de atraso de voo ",
  "distress": false,
  "next_steps": ["Reclamar com a companhia", "Registrar no consumidor.gov.br"],
  "documents": ["Cartão de embarque"],
  "safety_notice": "",
  "entities": {"parties": ["Azul"], "dates": ["12/03/2024"], "amounts": ["R$ 850,00"], "locations": ["Recife"]}
}`

// triageWith is validTriage with fields replaced (nil deletes a field).
func triageWith(t testing.TB, changes map[string]any) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(validTriage), &m))
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return compactJSON(m)
}

// fakeInterviewer stands in for the built-in interviewer.
type fakeInterviewer struct {
	mu    sync.Mutex
	calls int
	turn  triagem.Turn
}

func (f *fakeInterviewer) Greeting(context.Context) (string, error) { return "Olá do fallback.", nil }

func (f *fakeInterviewer) Next(ctx context.Context, _ []triagem.Message) (triagem.Turn, error) {
	if err := ctx.Err(); err != nil {
		return triagem.Turn{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.turn, nil
}

func (f *fakeInterviewer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func newFallback() *fakeInterviewer {
	return &fakeInterviewer{turn: triagem.Turn{
		Reply: "Pergunta do fallback?",
		Assessment: triagem.Assessment{
			Complexity: triagem.ComplexityMedium, Strategy: triagem.StrategyFailover, Confidence: 0.4, Area: "civil",
		},
	}}
}

// lockedBuffer collects log output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
