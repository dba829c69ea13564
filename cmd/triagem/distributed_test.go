package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/internal/sse"
	"github.com/triagem/triagem/internal/testenv"
)

const distSecret = "distributed-test-secret"

// pgSchema creates an empty schema for one test and returns a database URL
// whose connections use it.
func pgSchema(t *testing.T) string {
	t.Helper()
	base := testenv.PostgresURL(t)
	db, err := sql.Open("pgx", base)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	schema := "triagem_cmd_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	_, err = db.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// redisDB returns a Redis URL for one test with a clean key prefix.
func redisPrefix(t *testing.T) (string, string) {
	t.Helper()
	u := testenv.RedisURL(t)
	prefix := "triagem-cmd-" + uuid.NewString()[:8] + ":"
	t.Cleanup(func() {
		opts, err := redis.ParseURL(u)
		if err != nil {
			return
		}
		c := redis.NewClient(opts)
		defer c.Close()
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return u, prefix
}

func mint(t *testing.T, sub, role string) string {
	t.Helper()
	tok, err := auth.Mint(distSecret, sub, "client", time.Hour, time.Now())
	if role != "client" {
		tok, err = auth.Mint(distSecret, sub, "admin", time.Hour, time.Now())
	}
	require.NoError(t, err)
	return tok
}

// readUntilCompleted reads a stream's "id event" pairs until
// triage_completed.
func readUntilCompleted(t *testing.T, url, token string) []string {
	t.Helper()
	return readUntil(t, url, token, func(_, name string) bool { return name == "triage_completed" })
}

// readUntil reads a stream's "id event" pairs until stop says so.
func readUntil(t *testing.T, url, token string, stop func(id, name string) bool) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var events []string
	stopped := errors.New("stopped")
	err = sse.ReadFrames(resp.Body, func(f sse.Frame) error {
		if f.HasID {
			events = append(events, f.ID+" "+f.Event)
		}
		if stop(f.ID, f.Event) {
			return stopped
		}
		return nil
	})
	if errors.Is(err, stopped) {
		return events
	}
	t.Fatalf("stream ended early: %v (%v)", events, err)
	return nil
}

// TestTwoServersAndAWorker runs the distributed shape: a conversation driven
// through instance A, its stream read from instance B, its analysis done by
// a separate worker process. B sees every event once and in order.
func TestTwoServersAndAWorker(t *testing.T) {
	t.Parallel()
	dbURL := pgSchema(t)
	redisURL, prefix := redisPrefix(t)
	env := []string{
		"TRIAGEM_DATABASE_URL=" + dbURL, "TRIAGEM_REDIS_URL=" + redisURL, "TRIAGEM_REDIS_PREFIX=" + prefix,
		"TRIAGEM_JWT_SECRET=" + distSecret, "TRIAGEM_JWKS_URL=",
	}
	runToEnd(t, env, "migrate")
	a := start(t, env, "serve", "-workers=false")
	b := start(t, env, "serve", "-workers=false")
	start(t, env, "worker")

	alice := mint(t, "alice", "client")
	var started struct {
		CaseID      string `json:"case_id"`
		LastEventID int64  `json:"last_event_id"`
	}
	require.Equal(t, http.StatusCreated, api(t, http.MethodPost, a.url("/api/v2/triage/start"), alice, map[string]any{}, &started))
	streamed := make(chan []string, 1)
	go func() {
		streamed <- readUntilCompleted(t, b.url(fmt.Sprintf("/api/v2/triage/stream/%s?last_event_id=0", started.CaseID)), alice)
	}()
	driveInterview(t, a.url(""), alice, started.CaseID)
	var events []string
	select {
	case events = <-streamed:
	case <-time.After(90 * time.Second):
		t.Fatal("instance B never saw triage_completed")
	}
	var names []string
	for i, e := range events {
		id, name, _ := strings.Cut(e, " ")
		require.Equal(t, fmt.Sprint(i+1), id, "every event once and in order: %v", events)
		names = append(names, name)
	}
	require.Equal(t, "triage_started", names[0])
	require.Contains(t, names, "triage_update")
	require.Contains(t, names, "task_update")
	require.Equal(t, "triage_completed", names[len(names)-1])
}

// runToEnd runs a command that exits by itself (migrate) and checks it
// succeeded.
func runToEnd(t *testing.T, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s: %s", args[0], out)
}

// driveInterview answers until the case is analysing.
func driveInterview(t *testing.T, base, token, caseID string) {
	t.Helper()
	lines := []string{
		"Meu voo da Azul atrasou 10 horas em 12/03/2024 em São Paulo e perdi uma reunião.",
		"Tenho o cartão de embarque e os e-mails da companhia.",
		"Gastei R$ 850,00 com hotel.",
		"Já reclamei no site e não responderam.",
	}
	for i := range 15 {
		msg := "Não tenho mais detalhes."
		if i < len(lines) {
			msg = lines[i]
		}
		var out struct {
			Status string `json:"status"`
		}
		require.Equal(t, http.StatusOK, api(t, http.MethodPost, base+"/api/v2/triage/continue", token,
			map[string]any{"case_id": caseID, "message": msg}, &out))
		if out.Status != "interviewing" {
			return
		}
	}
	t.Fatal("interview never completed")
}

// TestKilledWorkerJobRunsAgain kills a worker in the middle of an analysis;
// another worker picks the job up once it is presumed dead, and the result
// is stored once.
func TestKilledWorkerJobRunsAgain(t *testing.T) {
	t.Parallel()
	dbURL := pgSchema(t)
	redisURL, prefix := redisPrefix(t)
	const jobTimeout, rescueAfter = time.Second, 2 * time.Second
	env := []string{
		"TRIAGEM_DATABASE_URL=" + dbURL, "TRIAGEM_JWT_SECRET=" + distSecret, "TRIAGEM_JWKS_URL=",
		"TRIAGEM_REDIS_URL=" + redisURL, "TRIAGEM_REDIS_PREFIX=" + prefix,
		"TRIAGEM_JOB_TIMEOUT=" + jobTimeout.String(), "TRIAGEM_RESCUE_AFTER=" + rescueAfter.String(),
	}
	runToEnd(t, env, "migrate")
	api1 := start(t, env, "serve", "-workers=false")
	stuck := start(t, append(env, "TRIAGEM_TEST_BLOCK_ANALYSIS=1"), "worker")

	alice := mint(t, "alice", "client")
	admin := mint(t, "root", "admin")
	var started struct {
		CaseID string `json:"case_id"`
	}
	require.Equal(t, http.StatusCreated, api(t, http.MethodPost, api1.url("/api/v2/triage/start"), alice, map[string]any{}, &started))
	driveInterview(t, api1.url(""), alice, started.CaseID)

	// Wait until the blocking worker holds the job, then kill it hard.
	taskURL := api1.url("/api/v2/tasks?kind=analyze&case_id=" + started.CaseID)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var page struct {
			Tasks []struct {
				State string `json:"state"`
			} `json:"tasks"`
		}
		api(t, http.MethodGet, taskURL, admin, nil, &page)
		if len(page.Tasks) == 1 && page.Tasks[0].State == "running" {
			break
		}
		require.True(t, time.Now().Before(deadline), "job never ran on the blocking worker")
		time.Sleep(50 * time.Millisecond)
	}
	require.NoError(t, stuck.cmd.Process.Kill())

	start(t, env, "worker")
	waitCompleted(t, api1.url(""), alice, started.CaseID, rescueWait(rescueAfter))

	// The job row is marked completed just after the case (River completes
	// jobs in batches): poll for it.
	var page struct {
		Tasks []struct {
			State   string `json:"state"`
			Attempt int    `json:"attempt"`
		} `json:"tasks"`
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		api(t, http.MethodGet, taskURL, admin, nil, &page)
		require.Len(t, page.Tasks, 1, "one analyze job")
		if page.Tasks[0].State == "completed" {
			break
		}
		require.True(t, time.Now().Before(deadline), "task still %s", page.Tasks[0].State)
		time.Sleep(50 * time.Millisecond)
	}
	require.GreaterOrEqual(t, page.Tasks[0].Attempt, 2, "run again after the kill")
	var st struct {
		LastEventID int64 `json:"last_event_id"`
	}
	api(t, http.MethodGet, api1.url("/api/v2/triage/status/"+started.CaseID), alice, nil, &st)
	events := readUntil(t, api1.url("/api/v2/triage/stream/"+started.CaseID+"?last_event_id=0"), alice,
		func(id, _ string) bool { return id == fmt.Sprint(st.LastEventID) })
	completed := 0
	for _, e := range events {
		if strings.HasSuffix(e, " triage_completed") {
			completed++
		}
	}
	require.Equal(t, 1, completed, "the result is announced once: %v", events)
}

// River's fixed intervals (v0.51), which bound how soon a killed worker's job
// runs again.
const (
	// leaderHandover: the killed worker led (the API instance works no
	// jobs); its lease lapses 5 s + 10 s after its last renewal, and the new
	// worker claims it within one 5 s ± 1 s election interval.
	leaderHandover = 21 * time.Second
	// rescuerFirstPass: a new leader's rescuer runs at once after a start-up
	// stagger of at most 1 s, then every jobs.RescuerIntervalRiver; the job
	// has been running longer than the rescue setting by then, so the first
	// pass takes it.
	rescuerFirstPass = time.Second
	// retryThenSchedule: the rescued job waits its first retry delay (2 s
	// ±20%) and the scheduler's 5 s pass before a worker may fetch it.
	retryThenSchedule = 3*time.Second + 5*time.Second
	// processSlack covers starting the new worker under -race.
	processSlack = 10 * time.Second
)

// rescueWait is the longest a killed worker's job may take to complete
// elsewhere. It stays below the unwired default (job timeout +
// jobs.RescueMarginDefault, then up to a rescuer cycle), so the test fails
// if -rescue-after stops reaching River.
func rescueWait(rescueAfter time.Duration) time.Duration {
	return rescueAfter + leaderHandover + rescuerFirstPass + retryThenSchedule + processSlack
}
