package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/internal/app"
	"github.com/triagem/triagem/jobs"
	"github.com/triagem/triagem/sqlstore"
)

const testSecret = "test-secret-for-httpapi"

// fixture is the whole service, assembled by internal/app as serve does,
// on an embedded SQLite file and the memory bus, behind an httptest server.
type fixture struct {
	t      *testing.T
	srv    *httptest.Server
	api    *httpapi.Server
	store  *sqlstore.Store
	bus    triagem.Bus
	jobs   *jobs.Client
	secret string // signs the fixture's tokens
}

type fixtureOpts struct {
	analyzers        []triagem.Analyzer
	heartbeat        time.Duration
	subscriberBuffer int
	analyzeAttempts  int
	requestsPerMin   int
	streamsPerUser   int
	// simple replaces the interviewer's own extraction (orchestrator
	// Config.Simple); nil keeps the rules analyzer.
	simple triagem.Analyzer
	// interviewer replaces the built-in interviewer.
	interviewer triagem.Interviewer
	// publicIntake turns anonymous sessions on; devMode runs without a key
	// (tokens signed with auth.DevSecret, as serve does).
	publicIntake, devMode bool
	// sessionsPerMin is the per-IP limit (0: no limit in tests).
	sessionsPerMin int
	trustedProxies []netip.Prefix
	frameAncestors []string
	// bus replaces the memory bus (a Redis bus).
	bus triagem.Bus
	// logs receives the service's logs at debug level; nil discards them.
	logs io.Writer
}

func newFixture(t *testing.T, opts fixtureOpts) *fixture {
	t.Helper()
	logOut := io.Writer(io.Discard)
	if opts.logs != nil {
		logOut = opts.logs
	}
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.Open(t.Context(), fixtureConfig(t, opts), log) // the River UI's services stop with the test
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	require.NoError(t, a.StartWorkers(context.Background()))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.StopWorkers(stopCtx)
	})
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		a.API().CloseStreams()
		srv.Close()
	})
	secret := testSecret
	if opts.devMode {
		secret = auth.DevSecret
	}
	return &fixture{t: t, srv: srv, api: a.API(), store: a.Store(), bus: a.Bus(), jobs: a.Jobs(), secret: secret}
}

// fixtureConfig is the app.Config of opts: fast job polling and retries, no
// cleanup job, and no limits unless opts sets them.
func fixtureConfig(t *testing.T, opts fixtureOpts) app.Config {
	models := app.BuiltinModels()
	if opts.simple != nil {
		models.Simple = opts.simple
		models.Analyzers[0] = opts.simple
	}
	if opts.analyzers != nil {
		models.Analyzers = opts.analyzers
	}
	if opts.interviewer != nil {
		models.Interviewer = opts.interviewer
	}
	cfg := app.Config{
		Addr:              "127.0.0.1:0", // builds the API; the httptest server listens
		DatabaseURL:       filepath.Join(t.TempDir(), "triagem.db"),
		StreamBuffer:      opts.subscriberBuffer,
		JWTSecret:         testSecret,
		PublicIntake:      strconv.FormatBool(opts.publicIntake),
		SessionRateLimit:  cmpInt(opts.sessionsPerMin, -1),
		TrustedProxies:    prefixList(opts.trustedProxies),
		FrameAncestors:    strings.Join(opts.frameAncestors, " "),
		Heartbeat:         cmpDuration(opts.heartbeat, time.Hour),
		RequestsPerMinute: cmpInt(opts.requestsPerMin, -1),
		StreamsPerUser:    cmpInt(opts.streamsPerUser, 64),
		MaxAttempts:       max(1, opts.analyzeAttempts),
		RunWorkers:        true,
		Models:            &models,
		Bus:               opts.bus,
		Jobs: app.JobTuning{
			RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond,
			FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond,
			NoCleanup: true,
		},
	}
	if opts.devMode {
		cfg.JWTSecret = ""
	}
	return cfg
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func cmpDuration(a, b time.Duration) time.Duration {
	if a != 0 {
		return a
	}
	return b
}

func cmpInt(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func (f *fixture) token(sub string, role triagem.Role) string {
	f.t.Helper()
	tok, err := auth.Mint(f.secret, sub, role, time.Hour, time.Now())
	require.NoError(f.t, err)
	return tok
}

// call sends a JSON request and decodes a JSON answer into out (if not nil).
func (f *fixture) call(method, path, token string, body any, out any) *http.Response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(f.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	require.NoError(f.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	return f.send(req, out)
}

// send does req and decodes a non-empty answer into out (when not nil).
func (f *fixture) send(req *http.Request, out any) *http.Response {
	f.t.Helper()
	resp, err := f.srv.Client().Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	if out != nil && len(raw) > 0 {
		require.NoError(f.t, json.Unmarshal(raw, out), "body: %s", raw)
	}
	return resp
}

type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// expectProblem checks a problem+json answer with status and code.
func (f *fixture) expectProblem(method, path, token string, body any, status int, code string) {
	f.t.Helper()
	var p problem
	resp := f.call(method, path, token, body, &p)
	require.Equal(f.t, status, resp.StatusCode, "%s %s: %+v", method, path, p)
	require.Equal(f.t, "application/problem+json", resp.Header.Get("Content-Type"))
	require.Equal(f.t, code, p.Code, "%s %s: %+v", method, path, p)
	require.Equal(f.t, status, p.Status)
	require.NotEmpty(f.t, p.Title)
}

type started struct {
	CaseID      string `json:"case_id"`
	Message     string `json:"message"`
	Status      string `json:"status"`
	LastEventID int64  `json:"last_event_id"`
	Timestamp   string `json:"timestamp"`
}

func (f *fixture) start(token string) started {
	f.t.Helper()
	var s started
	resp := f.call(http.MethodPost, "/api/v2/triage/start", token, map[string]any{}, &s)
	require.Equal(f.t, http.StatusCreated, resp.StatusCode)
	return s
}

type continued struct {
	CaseID         string          `json:"case_id"`
	Message        string          `json:"message"`
	Status         string          `json:"status"`
	ComplexityHint string          `json:"complexity_hint"`
	Confidence     float64         `json:"confidence"`
	Result         *triagem.Result `json:"result"`
	Timestamp      string          `json:"timestamp"`
}

func (f *fixture) say(token, caseID, text string) continued {
	f.t.Helper()
	var c continued
	resp := f.call(http.MethodPost, "/api/v2/triage/continue", token, map[string]any{"case_id": caseID, "message": text}, &c)
	require.Equal(f.t, http.StatusOK, resp.StatusCode, "continue: %+v", c)
	return c
}

type status struct {
	CaseID      string  `json:"case_id"`
	Status      string  `json:"status"`
	FlowType    string  `json:"flow_type"`
	Complexity  string  `json:"complexity"`
	Confidence  float64 `json:"confidence"`
	Strategy    string  `json:"strategy"`
	Questions   int     `json:"questions"`
	StartedAt   string  `json:"started_at"`
	UpdatedAt   string  `json:"updated_at"`
	LastEventID int64   `json:"last_event_id"`
	Error       string  `json:"error"`
}

func (f *fixture) status(token, caseID string) status {
	f.t.Helper()
	var s status
	resp := f.call(http.MethodGet, "/api/v2/triage/status/"+caseID, token, nil, &s)
	require.Equal(f.t, http.StatusOK, resp.StatusCode)
	return s
}

// waitStatus polls until the case reaches want (a failure guard, not a timing
// assertion).
func (f *fixture) waitStatus(token, caseID, want string) status {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := f.status(token, caseID)
		if s.Status == want {
			return s
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("case %s still %s, want %s", caseID, s.Status, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mintAt(secret, sub string, issued time.Time) (string, error) {
	return auth.Mint(secret, sub, triagem.RoleClient, time.Hour, issued)
}

func authMint(secret, sub string, ttl time.Duration) (string, error) {
	return auth.Mint(secret, sub, triagem.RoleClient, ttl, time.Now())
}
