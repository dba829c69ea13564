package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// converse sends the client's lines, then plain follow-ups, until the
// interviewer ends the interview; it returns the number of turns.
func converse(t *testing.T, f *fixture, token, caseID string, lines []string) int {
	t.Helper()
	filler := []string{"Não tenho mais detalhes.", "Não sei dizer.", "Foi isso que aconteceu.", "Nada mais a acrescentar."}
	for turn := 0; turn < 15; turn++ {
		text := filler[turn%len(filler)]
		if turn < len(lines) {
			text = lines[turn]
		}
		c := f.say(token, caseID, text)
		require.NotEmpty(t, c.Message)
		if c.Status != string(triagem.StatusInterviewing) {
			require.Equal(t, string(triagem.StatusAnalyzing), c.Status, "the last /continue answers analyzing at once")
			return turn + 1
		}
	}
	t.Fatalf("interview of %s never completed", caseID)
	return 0
}

func TestConversationPerStrategy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		lines      []string
		complexity triagem.Complexity
		strategy   triagem.Strategy
		flow       triagem.FlowType
		area       string
	}{
		{
			name: "flight delay is low and simple",
			lines: []string{
				"Meu voo da Azul atrasou 10 horas no dia 12/03/2024 em São Paulo e perdi uma reunião.",
				"Tenho o cartão de embarque, os e-mails da companhia e os comprovantes de gastos.",
				"Gastei R$ 850,00 com hotel e alimentação.",
				"Já reclamei no site da companhia e não responderam.",
			},
			complexity: triagem.ComplexityLow, strategy: triagem.StrategySimple, flow: triagem.FlowDirectSimple, area: "consumidor",
		},
		{
			name: "dismissal without pay is medium and failover",
			lines: []string{
				"Fui demitido pela empresa onde trabalhei por 3 anos e não recebi as verbas rescisórias nem as horas extras.",
				"A demissão foi em 05/08/2024, em Curitiba.",
				"Tenho a carteira de trabalho, os holerites e mensagens do meu chefe.",
				"Eles me devem cerca de R$ 12.000,00.",
				"Tentei falar com o RH mas não resolveram.",
			},
			complexity: triagem.ComplexityMedium, strategy: triagem.StrategyFailover, flow: triagem.FlowStandardAnalysis, area: "trabalhista",
		},
		{
			name: "judicial recovery with several parties is high and ensemble",
			lines: []string{
				"Minha empresa entrou em recuperação judicial e há várias partes envolvidas: bancos, fornecedores e sócios.",
				"O pedido foi feito em 10/01/2024 em Belo Horizonte e precisamos de uma liminar urgente.",
				"Temos o contrato social, balanços e os contratos com os credores.",
				"As dívidas somam R$ 2.500.000,00.",
				"Já tentamos negociar com os credores sem sucesso.",
			},
			complexity: triagem.ComplexityHigh, strategy: triagem.StrategyEnsemble, flow: triagem.FlowEnsembleAnalysis, area: "empresarial",
		},
	}
	f := newFixture(t, fixtureOpts{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := f.token("user-"+strings.ReplaceAll(tt.name, " ", "-"), triagem.RoleClient)
			s := f.start(tok)
			require.Equal(t, "interviewing", s.Status)
			require.NotEmpty(t, s.Message)
			require.Positive(t, s.LastEventID)
			_, err := time.Parse(time.RFC3339Nano, s.Timestamp)
			require.NoError(t, err)

			converse(t, f, tok, s.CaseID, tt.lines)
			f.expectProblemOrResult(tok, s.CaseID)
			st := f.waitStatus(tok, s.CaseID, "completed")
			require.Equal(t, string(tt.complexity), st.Complexity)
			require.Equal(t, string(tt.strategy), st.Strategy)
			require.Equal(t, string(tt.flow), st.FlowType)

			var res triagem.Result
			resp := f.call(http.MethodGet, "/api/v2/triage/result/"+s.CaseID, tok, nil, &res)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			requireCompleteResult(t, res, s.CaseID, tt.complexity, tt.strategy, tt.flow, tt.area)
		})
	}
}

// expectProblemOrResult checks that, while the analysis runs, /result
// answers 409 not_ready or (if it was quick) the result.
func (f *fixture) expectProblemOrResult(token, caseID string) {
	f.t.Helper()
	var p problem
	resp := f.call(http.MethodGet, "/api/v2/triage/result/"+caseID, token, nil, &p)
	if resp.StatusCode == http.StatusOK {
		return
	}
	require.Equal(f.t, http.StatusConflict, resp.StatusCode)
	require.Equal(f.t, triagem.ENOTREADY, p.Code)
}

func requireCompleteResult(t *testing.T, res triagem.Result, caseID string, cx triagem.Complexity, st triagem.Strategy, flow triagem.FlowType, area string) {
	t.Helper()
	require.Equal(t, caseID, res.CaseID)
	require.Equal(t, st, res.StrategyUsed)
	require.Equal(t, cx, res.ComplexityLevel)
	require.Equal(t, flow, res.FlowType)
	require.Greater(t, res.ConfidenceScore, 0.0)
	require.LessOrEqual(t, res.ConfidenceScore, 1.0)
	d := res.TriageData
	require.Equal(t, area, string(d.Area))
	require.NotEmpty(t, d.Subarea)
	require.Positive(t, d.UrgencyH)
	require.NotEmpty(t, d.Summary)
	require.NotEmpty(t, d.Keywords)
	require.NotEmpty(t, d.Sentiment)
	require.NotEmpty(t, d.CaseType)
	require.NotEqual(t, "outro", d.CaseType)
	require.NotNil(t, d.ComplexityFactors)
	require.NotEmpty(t, d.Entities.Dates)
	require.NotEmpty(t, d.Entities.Amounts)
	require.NotNil(t, d.Entities.Parties)
	require.NotNil(t, d.Entities.Locations)
	require.NotEmpty(t, res.ConversationSummary)
	require.GreaterOrEqual(t, res.ProcessingTimeMS, int64(0))
	require.NotEmpty(t, res.AnalysisDetails.Analyzers)
	require.Greater(t, res.AnalysisDetails.Agreement, 0.0)
	if st == triagem.StrategyEnsemble {
		require.GreaterOrEqual(t, len(res.AnalysisDetails.Analyzers), 2, "an ensemble runs several analyzers")
	}
	// The result must survive a round trip through JSON (the old system's
	// results could not be read back).
	raw, err := json.Marshal(res)
	require.NoError(t, err)
	var back triagem.Result
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, res, back)
}

func TestForceCompleteAnalysesWhatWasSaid(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	tok := f.token("alice", triagem.RoleClient)
	s := f.start(tok)
	f.say(tok, s.CaseID, "Recebi uma multa de trânsito injusta em 02/02/2024 no valor de R$ 293,47 em Recife.")
	var out map[string]any
	resp := f.call(http.MethodPost, "/api/v2/triage/force-complete", tok, map[string]any{"case_id": s.CaseID, "reason": "cliente com pressa"}, &out)
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	require.Equal(t, "analyzing", out["status"])
	f.waitStatus(tok, s.CaseID, "completed")
	var res triagem.Result
	f.call(http.MethodGet, "/api/v2/triage/result/"+s.CaseID, tok, nil, &res)
	require.True(t, res.AnalysisDetails.Forced)
	require.Equal(t, "cliente com pressa", res.AnalysisDetails.ForcedReason)
	// The built-in engine still names this area by its pre-taxonomy slug
	// on this branch; the engine team's branch moves it to administrativo.
	require.Contains(t, []string{"administrativo", "transito"}, string(res.TriageData.Area))
}

func TestDeleteErasesTheCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	tok := f.token("alice", triagem.RoleClient)
	s := f.start(tok)
	f.say(tok, s.CaseID, "Meu nome está sujo por uma cobrança indevida.")
	resp := f.call(http.MethodDelete, "/api/v2/triage/cases/"+s.CaseID, tok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	f.expectProblem(http.MethodGet, "/api/v2/triage/status/"+s.CaseID, tok, nil, http.StatusNotFound, triagem.ENOTFOUND)
	seq, err := f.bus.LastSeq(t.Context(), s.CaseID)
	require.NoError(t, err)
	require.Zero(t, seq, "event history is erased with the case")
	f.expectProblem(http.MethodDelete, "/api/v2/triage/cases/"+s.CaseID, tok, nil, http.StatusNotFound, triagem.ENOTFOUND)
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.token("alice", triagem.RoleClient)
	bob := f.token("bob", triagem.RoleClient)
	s := f.start(alice)
	f.say(alice, s.CaseID, "Tive um problema com uma cobrança indevida do banco.")
	before := f.status(alice, s.CaseID)

	expired, err := mintAt(testSecret, "alice", time.Now().Add(-2*time.Hour))
	require.NoError(t, err)
	wrongKey, err := mintAt("another-secret", "alice", time.Now())
	require.NoError(t, err)
	cont := "/api/v2/triage/continue"
	okBody := map[string]any{"case_id": s.CaseID, "message": "mais detalhes"}
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		status int
		code   string
	}{
		{"missing token", http.MethodPost, cont, "", okBody, 401, triagem.EUNAUTHORIZED},
		{"malformed token", http.MethodPost, cont, "not.a.jwt", okBody, 401, triagem.EUNAUTHORIZED},
		{"expired token", http.MethodPost, cont, expired, okBody, 401, triagem.ETOKENEXPIRED},
		{"wrongly signed token", http.MethodPost, cont, wrongKey, okBody, 401, triagem.EUNAUTHORIZED},
		{"malformed JSON", http.MethodPost, cont, alice, `{"case_id": "` + s.CaseID + `", "message": `, 400, triagem.EINVALIDJSON},
		{"wrong JSON type", http.MethodPost, cont, alice, `{"case_id": "` + s.CaseID + `", "message": 42}`, 400, triagem.EINVALIDJSON},
		{"empty body", http.MethodPost, cont, alice, "", 400, triagem.EINVALIDJSON},
		{"empty message", http.MethodPost, cont, alice, map[string]any{"case_id": s.CaseID, "message": "   "}, 400, triagem.EEMPTYMESSAGE},
		{"message over 8 KiB", http.MethodPost, cont, alice, map[string]any{"case_id": s.CaseID, "message": strings.Repeat("a", 8<<10+1)}, 413, triagem.EMESSAGETOOLONG},
		{"body over 64 KiB", http.MethodPost, cont, alice, map[string]any{"case_id": s.CaseID, "message": strings.Repeat("a", 70<<10)}, 413, triagem.EBODYTOOLARGE},
		{"non-UUID case id in body", http.MethodPost, cont, alice, map[string]any{"case_id": "123", "message": "oi"}, 400, triagem.EINVALIDCASEID},
		{"non-UUID case id in path", http.MethodGet, "/api/v2/triage/status/not-a-uuid", alice, nil, 400, triagem.EINVALIDCASEID},
		{"unknown case", http.MethodPost, cont, alice, map[string]any{"case_id": "6f1c1f9e-3d5b-4f7e-9a51-2f4c7a1b9d00", "message": "oi"}, 404, triagem.ENOTFOUND},
		{"another user's case: continue", http.MethodPost, cont, bob, okBody, 404, triagem.ENOTFOUND},
		{"another user's case: status", http.MethodGet, "/api/v2/triage/status/" + s.CaseID, bob, nil, 404, triagem.ENOTFOUND},
		{"another user's case: result", http.MethodGet, "/api/v2/triage/result/" + s.CaseID, bob, nil, 404, triagem.ENOTFOUND},
		{"another user's case: delete", http.MethodDelete, "/api/v2/triage/cases/" + s.CaseID, bob, nil, 404, triagem.ENOTFOUND},
		{"another user's case: force-complete", http.MethodPost, "/api/v2/triage/force-complete", bob, map[string]any{"case_id": s.CaseID}, 404, triagem.ENOTFOUND},
		{"another user's case: stream", http.MethodGet, "/api/v2/triage/stream/" + s.CaseID, bob, nil, 404, triagem.ENOTFOUND},
		{"result while interviewing", http.MethodGet, "/api/v2/triage/result/" + s.CaseID, alice, nil, 409, triagem.ENOTREADY},
		{"client publishing an event", http.MethodPost, "/api/v2/triage/events/" + s.CaseID, alice, map[string]any{"event": "note", "data": map[string]any{}}, 403, triagem.EFORBIDDEN},
		{"stats as a client", http.MethodGet, "/api/v2/triage/stats", alice, nil, 403, triagem.EFORBIDDEN},
		{"doubled prefix of the old system", http.MethodPost, "/api/api/v2/triage/start", alice, map[string]any{}, 404, triagem.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.expectProblem(tt.method, tt.path, tt.token, tt.body, tt.status, tt.code)
		})
	}
	after := f.status(alice, s.CaseID)
	require.Equal(t, before, after, "no bad request changed the case")
	msgs, err := f.store.MessageList(t.Context(), s.CaseID)
	require.NoError(t, err)
	require.Len(t, msgs, 3, "greeting, one client message, one reply")

	t.Run("no longer interviewing", func(t *testing.T) {
		resp := f.call(http.MethodPost, "/api/v2/triage/force-complete", alice, map[string]any{"case_id": s.CaseID}, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
		f.expectProblem(http.MethodPost, cont, alice, okBody, 409, triagem.ENOTINTERVIEW)
		f.expectProblem(http.MethodPost, "/api/v2/triage/force-complete", alice, map[string]any{"case_id": s.CaseID}, 409, triagem.ENOTINTERVIEW)
	})
}

func TestStatsRouteIsNotACaseID(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	admin := f.token("root", triagem.RoleAdmin)
	var stats struct {
		Cases       map[string]int `json:"cases"`
		OpenStreams int            `json:"open_streams"`
		Queues      []any          `json:"queues"`
	}
	f.start(f.token("alice", triagem.RoleClient))
	resp := f.call(http.MethodGet, "/api/v2/triage/stats", admin, nil, &stats)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, 1, stats.Cases["interviewing"])
	require.Contains(t, stats.Cases, "completed")
	require.NotEmpty(t, stats.Queues)
	// A path parameter must not capture the literal segment, nor the reverse.
	f.expectProblem(http.MethodGet, "/api/v2/triage/status/stats", admin, nil, 400, triagem.EINVALIDCASEID)
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{requestsPerMin: 10})
	tok := f.token("alice", triagem.RoleClient)
	var last *http.Response
	for range 5 {
		last = f.call(http.MethodPost, "/api/v2/triage/start", tok, map[string]any{}, nil)
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	require.Equal(t, http.StatusTooManyRequests, last.StatusCode)
	require.NotEmpty(t, last.Header.Get("Retry-After"))
	// Another user is not limited by alice's requests.
	f.start(f.token("bob", triagem.RoleClient))
}

func TestHealthAndReady(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	require.Equal(t, http.StatusOK, f.call(http.MethodGet, "/healthz", "", nil, nil).StatusCode)
	var ready map[string]any
	require.Equal(t, http.StatusOK, f.call(http.MethodGet, "/readyz", "", nil, &ready).StatusCode)
	require.Equal(t, "ready", ready["status"])
	resp := f.call(http.MethodGet, "/metrics", "", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
}
