package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
)

type tokenOut struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Subject   string    `json:"subject"`
	Role      string    `json:"role"`
}

// post sends a POST with extra headers and decodes the answer into out.
func (f *fixture) post(path, token string, header http.Header, body string, out any) *http.Response {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(body))
	require.NoError(f.t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return f.send(req, out)
}

// TestIntakeOff is a deployment with public intake off, not in dev mode,
// embedded by the firm's site.
func TestIntakeOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{frameAncestors: []string{"https://escritorio.example", "'self'"}})
	f.expectProblem(http.MethodPost, "/api/v2/session", "", map[string]any{}, http.StatusNotFound, triagem.ENOTFOUND)
	f.expectProblem(http.MethodPost, "/api/v2/dev/token", "", map[string]any{"role": "staff"}, http.StatusNotFound, triagem.ENOTFOUND)
	resp, _ := f.rawGet("/", nil)
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors https://escritorio.example 'self'")
	require.Empty(t, resp.Header.Get("X-Frame-Options"))
	var labels struct {
		PublicIntake bool `json:"public_intake"`
		DevMode      bool `json:"dev_mode"`
	}
	f.call(http.MethodGet, "/api/v2/labels", f.token("alice", triagem.RoleClient), nil, &labels)
	require.False(t, labels.PublicIntake)
	require.False(t, labels.DevMode)
}

// TestPagesAPI runs the pages' routes on one shared service (public intake
// and dev mode on): each part uses its own subjects and cases.
func TestPagesAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{publicIntake: true, devMode: true})
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"SessionMintsAndRenewsAnonymousClients", testSessionMintsAndRenewsAnonymousClients},
		{"DevToken", testDevToken},
		{"LabelsComeFromTheRootVocabulary", testLabelsComeFromTheRootVocabulary},
		{"StartConsentAndQuestionProgress", testStartConsentAndQuestionProgress},
		{"PagesAreServedWithStrictHeaders", testPagesAreServedWithStrictHeaders},
		{"CaseDetail", testCaseDetail},
		{"Contact", testContact},
		{"HandlingAndNotes", testHandlingAndNotes},
		{"InboxStreamIsForTheFirm", testInboxStreamIsForTheFirm},
		{"OpenAPIMatchesRoutes", testOpenAPIMatchesRoutes},
		{"OpenAPIEnumsFollowTheRoot", testOpenAPIEnumsFollowTheRoot},
		{"OpenAPIDocumentsEveryField", testOpenAPIDocumentsEveryField},
	} {
		f.t = t
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			tt.run(t, f)
		})
	}
}

func testSessionMintsAndRenewsAnonymousClients(t *testing.T, f *fixture) {
	var s tokenOut
	resp := f.call(http.MethodPost, "/api/v2/session", "", map[string]any{}, &s)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, "client", s.Role)
	require.True(t, strings.HasPrefix(s.Subject, "anon-"), s.Subject)
	require.WithinDuration(t, time.Now().Add(2*time.Hour), s.ExpiresAt, time.Minute)

	// The token works, and an empty body is accepted too.
	started := f.start(s.Token)
	var other tokenOut
	require.Equal(t, http.StatusCreated, f.post("/api/v2/session", "", nil, "", &other).StatusCode)
	require.NotEqual(t, s.Subject, other.Subject, "each session is a new subject")

	var renewed tokenOut
	require.Equal(t, http.StatusCreated, f.post("/api/v2/session", s.Token, nil, "{}", &renewed).StatusCode)
	require.Equal(t, s.Subject, renewed.Subject, "renewal keeps the subject")
	f.status(renewed.Token, started.CaseID)

	// Only anonymous client sessions are renewed; bad tokens and bodies are refused.
	f.expectProblem(http.MethodPost, "/api/v2/session", f.token("ana", triagem.RoleStaff), map[string]any{}, http.StatusForbidden, triagem.EFORBIDDEN)
	f.expectProblem(http.MethodPost, "/api/v2/session", f.token("alice", triagem.RoleClient), map[string]any{}, http.StatusForbidden, triagem.EFORBIDDEN)
	f.expectProblem(http.MethodPost, "/api/v2/session", "garbage", map[string]any{}, http.StatusUnauthorized, triagem.EUNAUTHORIZED)
	f.expectProblem(http.MethodPost, "/api/v2/session", "", "[1,2", http.StatusBadRequest, triagem.EINVALIDJSON)
}

func TestSessionIsLimitedPerClientIP(t *testing.T) {
	t.Parallel()
	// 4 a minute: a burst of one, then one every 15 s.
	direct := newFixture(t, fixtureOpts{publicIntake: true, sessionsPerMin: 4})
	require.Equal(t, http.StatusCreated, direct.post("/api/v2/session", "", nil, "{}", nil).StatusCode)
	var p problem
	resp := direct.post("/api/v2/session", "", nil, "{}", &p)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Equal(t, triagem.ERATELIMITED, p.Code)
	require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	require.NotEmpty(t, resp.Header.Get("Retry-After"))

	// Without trusted proxies, X-Forwarded-For is the client's to write: ignored.
	spoofed := http.Header{"X-Forwarded-For": {"203.0.113.9"}}
	require.Equal(t, http.StatusTooManyRequests, direct.post("/api/v2/session", "", spoofed, "{}", nil).StatusCode)

	// Behind a trusted proxy (the test's loopback), the header names the client.
	proxied := newFixture(t, fixtureOpts{publicIntake: true, sessionsPerMin: 4,
		trustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	first := http.Header{"X-Forwarded-For": {"203.0.113.1"}}
	second := http.Header{"X-Forwarded-For": {"203.0.113.2, 127.0.0.1"}}
	require.Equal(t, http.StatusCreated, proxied.post("/api/v2/session", "", first, "{}", nil).StatusCode)
	require.Equal(t, http.StatusTooManyRequests, proxied.post("/api/v2/session", "", first, "{}", nil).StatusCode)
	require.Equal(t, http.StatusCreated, proxied.post("/api/v2/session", "", second, "{}", nil).StatusCode,
		"another client behind the same proxy has its own budget")
}

func testDevToken(t *testing.T, f *fixture) {
	var staff tokenOut
	require.Equal(t, http.StatusCreated, f.call(http.MethodPost, "/api/v2/dev/token", "", map[string]any{"role": "staff"}, &staff).StatusCode)
	require.Equal(t, "staff", staff.Role)
	require.Equal(t, "dev-staff", staff.Subject)
	require.Equal(t, http.StatusOK, f.call(http.MethodGet, "/api/v2/triage/cases", staff.Token, nil, nil).StatusCode)
	f.expectProblem(http.MethodPost, "/api/v2/dev/token", "", map[string]any{"role": "client"}, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodPost, "/api/v2/dev/token", "", map[string]any{"role": "root"}, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodPost, "/api/v2/dev/token", "", "{", http.StatusBadRequest, triagem.EINVALIDJSON)
}

func testLabelsComeFromTheRootVocabulary(t *testing.T, f *fixture) {
	f.expectProblem(http.MethodGet, "/api/v2/labels", "", nil, http.StatusUnauthorized, triagem.EUNAUTHORIZED)
	var got struct {
		Areas          []triagem.AreaInfo          `json:"areas"`
		UrgencyLevels  []triagem.UrgencyLevelInfo  `json:"urgency_levels"`
		Statuses       []triagem.StatusInfo        `json:"statuses"`
		HandlingStates []triagem.HandlingStateInfo `json:"handling_states"`
		Sentiments     []triagem.SentimentInfo     `json:"sentiments"`
		RetentionDays  int                         `json:"retention_days"`
		PublicIntake   bool                        `json:"public_intake"`
		DevMode        bool                        `json:"dev_mode"`
	}
	resp := f.call(http.MethodGet, "/api/v2/labels", f.token("alice", triagem.RoleClient), nil, &got)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, triagem.Taxonomy(), got.Areas)
	require.Len(t, got.Areas, 17)
	require.Equal(t, triagem.UrgencyLevels(), got.UrgencyLevels)
	require.Equal(t, triagem.Sentiments(), got.Sentiments)
	require.Equal(t, []triagem.StatusInfo{
		{ID: "interviewing", Name: "Em conversa"}, {ID: "analyzing", Name: "Em análise"},
		{ID: "completed", Name: "Concluído"}, {ID: "failed", Name: "Falhou"},
	}, got.Statuses)
	require.Equal(t, []triagem.HandlingStateInfo{
		{ID: "new", Name: "Novo"}, {ID: "contacted", Name: "Contatado"}, {ID: "closed", Name: "Encerrado"},
	}, got.HandlingStates)
	require.Equal(t, 30, got.RetentionDays)
	require.True(t, got.PublicIntake)
	require.True(t, got.DevMode)
}

// safetyInterviewer answers every turn with a safety notice, as the engine
// does for a person in danger now.
type safetyInterviewer struct{}

func (safetyInterviewer) Greeting(context.Context) (string, error) {
	return "Olá, conte o que houve.", nil
}

func (safetyInterviewer) Next(context.Context, []triagem.Message) (triagem.Turn, error) {
	return triagem.Turn{Reply: "Você está em segurança agora?", Assessment: triagem.Assessment{
		Complexity: triagem.ComplexityHigh, Confidence: 0.5, Area: triagem.AreaCriminal,
		SafetyNotice: "Se você corre perigo agora, ligue 190.",
	}}, nil
}

func testStartConsentAndQuestionProgress(t *testing.T, f *fixture) {
	tok := f.token("alice", triagem.RoleClient)

	var s struct {
		started
		QuestionNumber int `json:"question_number"`
		MaxQuestions   int `json:"max_questions"`
	}
	resp := f.call(http.MethodPost, "/api/v2/triage/start", tok, map[string]any{"consent": true}, &s)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, 0, s.QuestionNumber)
	require.Equal(t, 8, s.MaxQuestions)
	d := f.detail(tok, s.CaseID)
	require.NotEmpty(t, d.Case["consent_at"], "consent time is stored with the case")

	plain := f.start(tok)
	require.NotContains(t, f.detail(tok, plain.CaseID).Case, "consent_at")
	f.expectProblem(http.MethodPost, "/api/v2/triage/start", tok, map[string]any{"consent": "yes"}, http.StatusBadRequest, triagem.EINVALIDJSON)

	var c struct {
		QuestionNumber int    `json:"question_number"`
		MaxQuestions   int    `json:"max_questions"`
		SafetyNotice   string `json:"safety_notice"`
	}
	f.call(http.MethodPost, "/api/v2/triage/continue", tok, map[string]any{"case_id": s.CaseID, "message": "Fui demitido sem receber nada."}, &c)
	require.Equal(t, 1, c.QuestionNumber)
	require.Positive(t, c.MaxQuestions)
	require.Empty(t, c.SafetyNotice)
	var st struct {
		QuestionNumber int `json:"question_number"`
		MaxQuestions   int `json:"max_questions"`
	}
	f.call(http.MethodGet, "/api/v2/triage/status/"+s.CaseID, tok, nil, &st)
	require.Equal(t, 1, st.QuestionNumber)
	require.Equal(t, c.MaxQuestions, st.MaxQuestions)
}

func TestContinueCarriesTheSafetyNotice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{interviewer: safetyInterviewer{}})
	tok := f.token("alice", triagem.RoleClient)
	s := f.start(tok)
	c := f.openStream(tok, s.CaseID, nil, nil)
	require.Equal(t, "initial_state", c.next(t).Event)
	var out struct {
		SafetyNotice   string `json:"safety_notice"`
		QuestionNumber int    `json:"question_number"`
		MaxQuestions   int    `json:"max_questions"`
	}
	f.call(http.MethodPost, "/api/v2/triage/continue", tok, map[string]any{"case_id": s.CaseID, "message": "Meu marido me ameaçou."}, &out)
	require.Equal(t, "Se você corre perigo agora, ligue 190.", out.SafetyNotice)
	frames := c.until(t, "triage_update")
	var update map[string]any
	require.NoError(t, json.Unmarshal([]byte(frames[len(frames)-1].Data), &update))
	require.Equal(t, "Se você corre perigo agora, ligue 190.", update["safety_notice"])
	require.EqualValues(t, 1, update["question_number"])
	require.EqualValues(t, out.MaxQuestions, update["max_questions"])
}

func testPagesAreServedWithStrictHeaders(t *testing.T, f *fixture) {
	for _, path := range []string{"/", "/inbox/"} {
		resp, body := f.rawGet(path, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
		require.Contains(t, string(body), "<html")
		csp := resp.Header.Get("Content-Security-Policy")
		require.Contains(t, csp, "script-src 'self';")
		require.Contains(t, csp, "style-src 'self';")
		require.Contains(t, csp, "frame-ancestors 'none'")
		require.NotContains(t, csp, "unsafe-inline")
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		require.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
	}
	resp, _ := f.rawGet("/intake/main.js", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "javascript")
	require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))

	for _, path := range []string{"/web.go", "/shared/../web.go", "/intake/nope.js", "/shared/"} {
		resp, _ := f.rawGet(path, nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(f.srv.URL + "/inbox")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	require.Equal(t, "/inbox/", resp.Header.Get("Location"))
}

func TestSessionTokenFromTheIssuerVerifies(t *testing.T) {
	t.Parallel()
	iss := auth.NewIssuer(testSecret, nil)
	tok, exp, err := iss.Issue("anon-x", triagem.RoleClient, time.Hour)
	require.NoError(t, err)
	id, err := auth.NewHMAC(testSecret).Verify(t.Context(), tok)
	require.NoError(t, err)
	require.Equal(t, "anon-x", id.Subject)
	require.True(t, exp.Equal(id.ExpiresAt), "expires_at is what the token says")
}
