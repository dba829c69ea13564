package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/testenv"
	"github.com/triagem/triagem/sqlstore"
)

// waitFor is the deadline of every poll in these tests: generous, because a
// loaded CI machine is slow, and a passing test never waits for it.
const waitFor = 20 * time.Second

// database is one test's own database, SQLite or a fresh Postgres schema.
type database struct {
	dialect sqlstore.Dialect
	db      *sql.DB
	pool    *pgxpool.Pool
	schema  string
}

// dialects runs a test body once per database, each as a parallel subtest.
func dialects(t *testing.T, body func(t *testing.T, d database)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		body(t, openSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		body(t, openPostgres(t))
	})
}

func openSQLite(t *testing.T) database {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "x.db") +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(on)"
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return database{dialect: sqlstore.DialectSQLite, db: db}
}

func openPostgres(t *testing.T) database {
	t.Helper()
	url := testenv.PostgresURL(t)
	ctx := context.Background()

	admin, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(admin.Close)
	schema := "tj_" + randomHex(t, 6)
	_, err = admin.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		require.NoError(t, err)
	})

	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	db := stdlib.OpenDBFromPool(pool)
	t.Cleanup(func() { _ = db.Close() })
	return database{dialect: sqlstore.DialectPostgres, db: db, pool: pool, schema: schema}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

func testLogger() *slog.Logger {
	if os.Getenv("TRIAGEM_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// testConfig is a Config with short delays, for d and p. Work is on.
func testConfig(d database, p *fakePublisher) Config {
	fast := KindConfig{MaxAttempts: 3, RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond}
	return Config{
		DB:                d.db,
		Pool:              d.pool,
		Dialect:           d.dialect,
		Schema:            d.schema,
		Publisher:         p,
		Logger:            testLogger(),
		Work:              true,
		Analyze:           fast,
		Notify:            fast,
		Cleanup:           fast,
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond,
		Retention:         -1,
		testOnly:          true,
	}
}

// startClient builds, migrates and (if cfg.Work) starts a client working
// with h, and stops it when the test ends.
func startClient(t *testing.T, cfg Config, h Handler) *Client {
	t.Helper()
	ctx := context.Background()
	c, err := New(cfg)
	require.NoError(t, err)
	require.NoError(t, c.Migrate(ctx))
	startStarted(t, c, h)
	return c
}

// startStarted starts a built client with h and stops it when the test ends.
func startStarted(t *testing.T, c *Client, h Handler) {
	t.Helper()
	require.NoError(t, c.Start(context.Background(), h))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, c.Stop(stopCtx))
	})
}

// enqueue queues the analysis of a case in a transaction of its own, as the
// store's TxHook would, and publishes "queued" after the commit.
func enqueue(t *testing.T, c *Client, caseID, ownerID string, urgent bool) {
	t.Helper()
	ctx := context.Background()
	tx, err := c.cfg.DB.BeginTx(ctx, nil)
	require.NoError(t, err)
	after, err := c.EnqueueAnalyzeTx(ctx, tx, &triagem.Case{ID: caseID, OwnerID: ownerID}, urgent)
	if err != nil {
		_ = tx.Rollback()
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
	after(ctx)
}

// onlyTask returns the one task of a kind for a case.
func onlyTask(t *testing.T, c *Client, caseID, kind string) Task {
	t.Helper()
	page, err := c.TaskList(context.Background(), TaskFilter{CaseID: caseID, Kind: kind})
	require.NoError(t, err)
	require.Len(t, page.Tasks, 1)
	return page.Tasks[0]
}

// waitTaskState polls until the case's task of kind is in state.
func waitTaskState(t *testing.T, c *Client, caseID, kind string, state triagem.TaskState) Task {
	t.Helper()
	var last Task
	require.Eventually(t, func() bool {
		page, err := c.TaskList(context.Background(), TaskFilter{CaseID: caseID, Kind: kind})
		if err != nil || len(page.Tasks) != 1 {
			return false
		}
		last = page.Tasks[0]
		return last.State == state
	}, waitFor, 10*time.Millisecond, "task %s of case %s never reached %s (last %+v)", kind, caseID, state, last)
	return last
}

// fakeHandler stands in for the orchestrator. Analyze is idempotent like
// the real one: a completed case returns its stored result.
type fakeHandler struct {
	// analyzeFunc decides a call's outcome; call counts from 1 per case.
	// Nil always succeeds.
	analyzeFunc func(ctx context.Context, caseID string, call int) error

	mu        sync.Mutex
	calls     map[string]int
	order     []string
	results   map[string]*triagem.Result
	stored    map[string]int // how many times a result was stored, per case
	fails     []failCall
	abandoned []failCall
	expiredAt []time.Time
}

type failCall struct{ caseID, reason string }

func newFakeHandler() *fakeHandler {
	return &fakeHandler{calls: map[string]int{}, results: map[string]*triagem.Result{}, stored: map[string]int{}}
}

func (h *fakeHandler) Analyze(ctx context.Context, caseID string) (*triagem.Result, error) {
	h.mu.Lock()
	if r, ok := h.results[caseID]; ok {
		h.mu.Unlock()
		return r, nil
	}
	h.calls[caseID]++
	call := h.calls[caseID]
	h.order = append(h.order, caseID)
	h.mu.Unlock()

	if h.analyzeFunc != nil {
		if err := h.analyzeFunc(ctx, caseID, call); err != nil {
			return nil, err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if r, ok := h.results[caseID]; ok { // finished meanwhile by another worker
		return r, nil
	}
	r := &triagem.Result{
		CaseID:          caseID,
		StrategyUsed:    triagem.StrategySimple,
		ComplexityLevel: triagem.ComplexityLow,
		ConfidenceScore: 0.9,
		FlowType:        triagem.FlowDirectSimple,
		TriageData:      triagem.TriageData{Area: "consumidor", Summary: "resumo"},
		CreatedAt:       time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	h.results[caseID] = r
	h.stored[caseID]++
	return r, nil
}

func (h *fakeHandler) Fail(_ context.Context, caseID, reason string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fails = append(h.fails, failCall{caseID, reason})
	return nil
}

func (h *fakeHandler) Abandon(_ context.Context, caseID, reason string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.abandoned = append(h.abandoned, failCall{caseID, reason})
	return nil
}

func (h *fakeHandler) ExpireCases(_ context.Context, before time.Time) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expiredAt = append(h.expiredAt, before)
	return 0, nil
}

func (h *fakeHandler) callsOf(caseID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls[caseID]
}

func (h *fakeHandler) storedOf(caseID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stored[caseID]
}

func (h *fakeHandler) failCalls() []failCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.fails)
}

func (h *fakeHandler) analyzeOrder() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.order)
}

// fakePublisher records every event.
type fakePublisher struct {
	mu     sync.Mutex
	events []triagem.Event
}

func (p *fakePublisher) Publish(_ context.Context, caseID, name string, data json.RawMessage) (triagem.Event, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ev := triagem.Event{CaseID: caseID, Seq: int64(len(p.events) + 1), Name: name, Data: data, At: time.Now()}
	p.events = append(p.events, ev)
	return ev, nil
}

// taskUpdates returns the case's task_update payloads for one kind, in
// publication order.
func (p *fakePublisher) taskUpdates(t *testing.T, caseID, kind string) []triagem.TaskUpdate {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []triagem.TaskUpdate
	for _, ev := range p.events {
		if ev.CaseID != caseID || ev.Name != triagem.EventTaskUpdate {
			continue
		}
		var u triagem.TaskUpdate
		require.NoError(t, json.Unmarshal(ev.Data, &u))
		if u.Kind == kind {
			out = append(out, u)
		}
	}
	return out
}

// states lists the updates' states. "queued" is published by the inserting
// process after its commit, and everything else by the worker, which may
// start (and, under load, even retry) before that publish lands; so the
// first "queued" is moved to the front (the only race there is: every later
// update comes from the worker alone, in order).
func states(updates []triagem.TaskUpdate) []triagem.TaskState {
	out := make([]triagem.TaskState, len(updates))
	for i, u := range updates {
		out[i] = u.State
	}
	if i := slices.Index(out, triagem.TaskQueued); i > 0 {
		copy(out[1:i+1], out[:i])
		out[0] = triagem.TaskQueued
	}
	return out
}

var errAnalyzer = errors.New("analyzer exploded")

func caseID(t *testing.T, n int) string {
	t.Helper()
	return fmt.Sprintf("case-%s-%d", randomHex(t, 4), n)
}
