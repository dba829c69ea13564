package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/sqlstore"
)

// webhookTarget answers with statuses in turn (the last one repeats) and
// records every request.
type webhookTarget struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	requests []webhookRequest
}

type webhookRequest struct {
	header http.Header
	body   []byte
}

func newWebhookTarget(t *testing.T, statuses ...int) *webhookTarget {
	t.Helper()
	w := &webhookTarget{statuses: statuses}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.requests = append(w.requests, webhookRequest{header: r.Header.Clone(), body: body})
		status := w.statuses[min(len(w.requests), len(w.statuses))-1]
		w.mu.Unlock()
		rw.WriteHeader(status)
		_, _ = io.WriteString(rw, "target says "+http.StatusText(status))
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *webhookTarget) received() []webhookRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]webhookRequest(nil), w.requests...)
}

func TestAnalyzeExhaustsAttemptsAndFailsCase(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		h, p := newFakeHandler(), &fakePublisher{}
		h.analyzeFunc = func(context.Context, string, int) error { return errAnalyzer }
		c := startClient(t, testConfig(d, p), h)
		id := caseID(t, 1)

		enqueue(t, c, id, "alice", true)

		task := waitTaskState(t, c, id, KindAnalyze, triagem.TaskFailed)
		require.Equal(t, 3, task.Attempt)
		require.Len(t, task.Errors, 3)
		require.Contains(t, task.Errors[2].Message, errAnalyzer.Error())
		require.Equal(t, 3, h.callsOf(id))

		require.Eventually(t, func() bool { return len(h.failCalls()) == 1 }, waitFor, 10*time.Millisecond)
		fail := h.failCalls()[0]
		require.Equal(t, id, fail.caseID)
		require.Contains(t, fail.reason, errAnalyzer.Error())

		updates := p.taskUpdates(t, id, KindAnalyze)
		require.Equal(t, []triagem.TaskState{
			triagem.TaskQueued, triagem.TaskRunning, triagem.TaskRetrying, triagem.TaskRunning, triagem.TaskRetrying, triagem.TaskRunning, triagem.TaskFailed,
		}, states(updates))
		for i, u := range updates {
			require.Equal(t, task.ID, u.TaskID)
			require.Equal(t, 3, u.MaxAttempts)
			if u.State == triagem.TaskRetrying {
				require.NotNil(t, u.NextAttemptAt, "update %d", i)
				require.Contains(t, u.Error, errAnalyzer.Error())
			}
		}
		require.Contains(t, updates[len(updates)-1].Error, errAnalyzer.Error())
		require.Equal(t, 3, updates[len(updates)-1].Attempt)
		require.Len(t, h.failCalls(), 1)
	})
}

func TestAnalyzeOfDeletedCaseIsCancelled(t *testing.T) {
	t.Parallel()

	d := openSQLite(t)
	h, p := newFakeHandler(), &fakePublisher{}
	h.analyzeFunc = func(_ context.Context, caseID string, _ int) error {
		return triagem.Errorf(triagem.ENOTFOUND, "case %s not found", caseID)
	}
	c := startClient(t, testConfig(d, p), h)
	id := caseID(t, 1)

	enqueue(t, c, id, "alice", true)

	task := waitTaskState(t, c, id, KindAnalyze, triagem.TaskCancelled)
	require.Equal(t, 1, task.Attempt)
	require.Equal(t, []triagem.TaskState{triagem.TaskQueued, triagem.TaskRunning, triagem.TaskCancelled}, states(p.taskUpdates(t, id, KindAnalyze)))
	require.Empty(t, h.failCalls(), "nothing left to mark failed")
}

func TestCleanupRunsPeriodically(t *testing.T) {
	t.Parallel()

	d := openSQLite(t)
	h := newFakeHandler()
	cfg := testConfig(d, &fakePublisher{})
	cfg.Retention = 48 * time.Hour
	cfg.CleanupInterval = time.Second
	startClient(t, cfg, h)

	require.Eventually(t, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.expiredAt) > 0
	}, waitFor, 10*time.Millisecond)
	h.mu.Lock()
	before := h.expiredAt[0]
	h.mu.Unlock()
	require.WithinDuration(t, time.Now().Add(-48*time.Hour), before, time.Minute)
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()

	d := openSQLite(t)
	valid := testConfig(d, &fakePublisher{})

	for name, mutate := range map[string]func(*Config){
		"no db":                  func(c *Config) { c.DB = nil },
		"unknown dialect":        func(c *Config) { c.Dialect = "mysql" },
		"schema on sqlite":       func(c *Config) { c.Schema = "x" },
		"webhook without secret": func(c *Config) { c.WebhookURL = "https://example.com/hook" },
		"relative webhook":       func(c *Config) { c.WebhookURL, c.WebhookSecret = "/hook", "s" },
		"rescue before timeout":  func(c *Config) { c.JobTimeout, c.RescueStuckJobsAfter = time.Minute, time.Second },
		"retry max below base":   func(c *Config) { c.Analyze.RetryMax = time.Millisecond },
	} {
		cfg := valid
		mutate(&cfg)
		_, err := New(cfg)
		require.Error(t, err, name)
	}

	c, err := New(Config{DB: d.db, Dialect: sqlstore.DialectSQLite, Publisher: &fakePublisher{}})
	require.NoError(t, err)
	require.Equal(t, AnalyzeMaxAttemptsDefault, c.cfg.Analyze.MaxAttempts)
	require.Equal(t, JobTimeoutDefault+RescueMarginDefault, c.cfg.RescueStuckJobsAfter)
	require.Equal(t, FetchPollIntervalDefault, c.cfg.FetchPollInterval)
	require.Equal(t, RetentionDefault, c.cfg.Retention)
}

func TestConfigSchemaFollowsTheStoresRule(t *testing.T) {
	t.Parallel()

	d := openSQLite(t)
	valid := testConfig(d, &fakePublisher{})
	valid.Dialect = sqlstore.DialectPostgres
	for schema, ok := range map[string]bool{
		"":             true,
		"triagem_jobs": true,
		"_x9":          true,
		strings.Repeat("s", sqlstore.SchemaMaxLength):   true,
		strings.Repeat("s", sqlstore.SchemaMaxLength+1): false,
		"Jobs":      false, // search_path would fold it to jobs
		"9jobs":     false,
		"jobs;drop": false,
		`"jobs"`:    false,
	} {
		require.Equal(t, ok, sqlstore.ValidSchema(schema) || schema == "", "ValidSchema(%q)", schema)
		cfg := valid
		cfg.Schema = schema
		_, err := New(cfg)
		if ok {
			require.NoError(t, err, "schema %q", schema)
		} else {
			require.Error(t, err, "schema %q", schema)
		}
	}
}

func TestEnqueueAnalyzeIsUniquePerCase(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		p := &fakePublisher{}
		cfg := testConfig(d, p)
		cfg.Work = false
		c := startClient(t, cfg, newFakeHandler())
		id := caseID(t, 1)

		enqueue(t, c, id, "alice", true)
		enqueue(t, c, id, "alice", true) // a double click

		task := onlyTask(t, c, id, KindAnalyze)
		require.Equal(t, triagem.TaskQueued, task.State)
		require.Equal(t, []triagem.TaskState{triagem.TaskQueued}, states(p.taskUpdates(t, id, KindAnalyze)))
	})
}

func TestEnqueueRollsBackWithTransaction(t *testing.T) {
	t.Parallel()

	d := openSQLite(t)
	cfg := testConfig(d, &fakePublisher{})
	cfg.Work = false
	c := startClient(t, cfg, newFakeHandler())
	ctx := context.Background()
	id := caseID(t, 1)

	tx, err := d.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = c.EnqueueAnalyzeTx(ctx, tx, &triagem.Case{ID: id, OwnerID: "alice"}, true)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())

	page, err := c.TaskList(ctx, TaskFilter{CaseID: id})
	require.NoError(t, err)
	require.Empty(t, page.Tasks)
}

func TestPostgresInsertThroughSQLTxIsPickedUpByListener(t *testing.T) {
	t.Parallel()

	d := openPostgres(t)
	var (
		mu        sync.Mutex
		startedAt = map[string]time.Time{}
	)
	started := func(caseID string) (time.Time, bool) {
		mu.Lock()
		defer mu.Unlock()
		at, ok := startedAt[caseID]
		return at, ok
	}
	h := newFakeHandler()
	h.analyzeFunc = func(_ context.Context, caseID string, _ int) error {
		mu.Lock()
		defer mu.Unlock()
		startedAt[caseID] = time.Now()
		return nil
	}
	cfg := testConfig(d, &fakePublisher{})
	// A poll interval far longer than any deadline below: only LISTEN/NOTIFY
	// can start the jobs in time.
	cfg.FetchPollInterval = time.Hour
	c := startClient(t, cfg, h)

	// The listener connects in the background after Start; a first job that
	// runs proves it is up before measuring.
	listening := func() bool {
		id := caseID(t, 0)
		enqueue(t, c, id, "warmup", true)
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if _, ok := started(id); ok {
				return true
			}
		}
		return false
	}
	for attempt := 0; !listening(); attempt++ {
		require.Less(t, attempt, 30, "listener never delivered an insert notification")
	}

	// River sends at most one insert NOTIFY per queue per FetchCooldown:
	// let the warm-up's window pass, or this insert would send none.
	time.Sleep(2 * c.cfg.FetchCooldown)
	id := caseID(t, 1)
	inserted := time.Now()
	enqueue(t, c, id, "alice", true)
	require.Eventually(t, func() bool {
		_, ok := started(id)
		return ok
	}, waitFor, time.Millisecond, "job inserted through database/sql was not picked up")
	at, _ := started(id)
	t.Logf("job started %s after the database/sql commit", at.Sub(inserted))
	waitTaskState(t, c, id, KindAnalyze, triagem.TaskCompleted)
}

func TestPriorityUrgentRunsFirst(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		h := newFakeHandler()
		cfg := testConfig(d, &fakePublisher{})
		cfg.AnalysisWorkers = 1
		c, err := New(cfg)
		require.NoError(t, err)
		require.NoError(t, c.Migrate(context.Background()))

		// Workers are held back by inserting before the client starts:
		// pausing a live queue reaches its producer only asynchronously.
		var batch []string
		for i := range 5 {
			id := caseID(t, i)
			batch = append(batch, id)
			enqueue(t, c, id, "alice", false)
		}
		urgent := caseID(t, 99)
		enqueue(t, c, urgent, "bob", true)
		startStarted(t, c, h)

		require.Eventually(t, func() bool { return len(h.analyzeOrder()) == 6 }, waitFor, 10*time.Millisecond)
		order := h.analyzeOrder()
		require.Equal(t, urgent, order[0])
		require.ElementsMatch(t, batch, order[1:])
		require.Equal(t, PriorityUrgent, onlyTask(t, c, urgent, KindAnalyze).Priority)
		require.Equal(t, PriorityBatch, onlyTask(t, c, batch[0], KindAnalyze).Priority)
	})
}

// pauseQueue pauses a queue once the started client has registered it.
func pauseQueue(t *testing.T, c *Client, queue string) {
	t.Helper()
	require.Eventually(t, func() bool {
		return c.QueuePause(context.Background(), queue) == nil
	}, waitFor, 10*time.Millisecond)
	// The pause reaches the producer through a notification: wait until the
	// queue shows paused before relying on it.
	require.Eventually(t, func() bool {
		stats, err := c.QueueStats(context.Background())
		return err == nil && statOf(stats, queue).Paused
	}, waitFor, 10*time.Millisecond)
}

func statOf(stats []QueueStat, queue string) QueueStat {
	for _, s := range stats {
		if s.Queue == queue {
			return s
		}
	}
	return QueueStat{}
}

func TestQueuePauseStopsPickupAndResumeRestarts(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		ctx := context.Background()
		h := newFakeHandler()
		c := startClient(t, testConfig(d, &fakePublisher{}), h)
		pauseQueue(t, c, QueueAnalysis)
		// The producer learns of the pause asynchronously (a notification
		// polled every 50 ms on SQLite); give it ample time to settle.
		time.Sleep(time.Second)

		id := caseID(t, 1)
		enqueue(t, c, id, "alice", true)
		// Many fetch polls and notifications pass; a paused queue takes none.
		time.Sleep(500 * time.Millisecond)
		require.Zero(t, h.callsOf(id))
		stats, err := c.QueueStats(ctx)
		require.NoError(t, err)
		analysis := statOf(stats, QueueAnalysis)
		require.True(t, analysis.Paused)
		require.Equal(t, 1, analysis.ByState[string(triagem.TaskQueued)])
		require.Len(t, analysis.ByState, len(triagem.TaskStates))

		require.NoError(t, c.QueueResume(ctx, QueueAnalysis))
		waitTaskState(t, c, id, KindAnalyze, triagem.TaskCompleted)

		err = c.QueuePause(ctx, "no-such-queue")
		require.True(t, triagem.IsCode(err, triagem.ENOTFOUND), "got %v", err)
	})
}

func TestRetryPolicyBacksOffWithJitter(t *testing.T) {
	t.Parallel()

	p := newRetryPolicy(Config{
		Analyze: KindConfig{MaxAttempts: 10, RetryBase: time.Second, RetryMax: 10 * time.Second},
	})
	row := rowWithErrors(KindAnalyze, 42, 0)
	require.InDelta(t, float64(time.Second), float64(p.delay(row)), 0.2*float64(time.Second))
	row = rowWithErrors(KindAnalyze, 42, 2)
	require.InDelta(t, float64(4*time.Second), float64(p.delay(row)), 0.2*float64(4*time.Second))
	require.Equal(t, p.delay(row), p.delay(row), "jitter is stable for a job and attempt")
	row = rowWithErrors(KindAnalyze, 42, 40)
	require.LessOrEqual(t, p.delay(row), 10*time.Second)
	require.GreaterOrEqual(t, p.delay(row), 8*time.Second)

	next := p.NextRetry(rowWithErrors(KindAnalyze, 7, 0))
	require.WithinDuration(t, time.Now().Add(time.Second), next, 300*time.Millisecond)
}

func TestRiverUIServesIndexAndAPIUnderPrefix(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		cfg := testConfig(d, &fakePublisher{})
		cfg.Work = false
		c := startClient(t, cfg, newFakeHandler())
		enqueue(t, c, caseID(t, 1), "alice", true)

		ui, err := c.RiverUI(ctx, RiverUIPrefixDefault)
		require.NoError(t, err)
		mux := http.NewServeMux()
		mux.Handle(RiverUIPrefixDefault, ui)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)

		status, body := get(t, srv.URL+RiverUIPrefixDefault)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, strings.ToLower(body), "<html")

		status, body = get(t, srv.URL+RiverUIPrefixDefault+"api/jobs?state=available&limit=10")
		require.Equal(t, http.StatusOK, status, body)
		var jobs struct {
			Data []struct {
				Kind string `json:"kind"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &jobs))
		require.Len(t, jobs.Data, 1)
		require.Equal(t, KindAnalyze, jobs.Data[0].Kind)

		status, body = get(t, srv.URL+RiverUIPrefixDefault+"api/queues")
		require.Equal(t, http.StatusOK, status, body)
	})
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestStuckJobIsRescuedByAnotherClient(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		entered := make(chan struct{})
		release := make(chan struct{})
		h := newFakeHandler()
		h.analyzeFunc = func(_ context.Context, _ string, call int) error {
			if call == 1 {
				close(entered)
				<-release // a worker that hangs, deaf to its context
			}
			return nil
		}
		cfg := testConfig(d, &fakePublisher{})
		cfg.JobTimeout = 200 * time.Millisecond
		cfg.RescueStuckJobsAfter = time.Second

		first, err := New(cfg)
		require.NoError(t, err)
		require.NoError(t, first.Migrate(context.Background()))
		firstCtx, crash := context.WithCancel(context.Background())
		require.NoError(t, first.Start(firstCtx, h))
		t.Cleanup(func() {
			close(release)
			select {
			case <-first.Stopped():
			case <-time.After(waitFor):
				t.Error("crashed client never stopped")
			}
		})

		id := caseID(t, 1)
		enqueue(t, first, id, "alice", true)
		<-entered
		stuckSince := time.Now()
		crash() // hard stop, without waiting: the job stays "running"

		// The rescuer runs when a leader starts and then only every 30 s, so
		// start the second client once the job is old enough to be rescued.
		time.Sleep(time.Until(stuckSince.Add(cfg.RescueStuckJobsAfter + 200*time.Millisecond)))
		second := startClient(t, cfg, h)

		task := waitTaskState(t, second, id, KindAnalyze, triagem.TaskCompleted)
		require.Equal(t, 2, task.Attempt)
		require.Equal(t, 2, h.callsOf(id))
		require.Equal(t, 1, h.storedOf(id))
	})
}

func TestTaskCancelStopsScheduledTask(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		ctx := context.Background()
		h, p := newFakeHandler(), &fakePublisher{}
		c := startClient(t, testConfig(d, p), h)
		id := caseID(t, 1)

		res, err := c.river.Insert(ctx, AnalyzeArgs{CaseID: id, OwnerID: "alice"},
			&river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)})
		require.NoError(t, err)
		require.Equal(t, triagem.TaskScheduled, onlyTask(t, c, id, KindAnalyze).State)

		task, err := c.TaskCancel(ctx, res.Job.ID)
		require.NoError(t, err)
		require.Equal(t, triagem.TaskCancelled, task.State)
		require.NotNil(t, task.FinalizedAt)
		require.Equal(t, []triagem.TaskState{triagem.TaskCancelled}, states(p.taskUpdates(t, id, KindAnalyze)))

		got, err := c.TaskGet(ctx, res.Job.ID)
		require.NoError(t, err)
		require.Equal(t, triagem.TaskCancelled, got.State)
		require.Zero(t, h.callsOf(id))

		_, err = c.TaskCancel(ctx, 987654321)
		require.True(t, triagem.IsCode(err, triagem.ENOTFOUND), "got %v", err)
		_, err = c.TaskGet(ctx, 987654321)
		require.True(t, triagem.IsCode(err, triagem.ENOTFOUND), "got %v", err)
		_, err = c.TaskRetry(ctx, 987654321)
		require.True(t, triagem.IsCode(err, triagem.ENOTFOUND), "got %v", err)
	})
}

func TestTaskListFiltersByOwnerCaseKindAndState(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		ctx := context.Background()
		cfg := testConfig(d, &fakePublisher{})
		cfg.Work = false
		c := startClient(t, cfg, newFakeHandler())
		alice1, alice2, bob := caseID(t, 1), caseID(t, 2), caseID(t, 3)
		enqueue(t, c, alice1, "alice", true)
		enqueue(t, c, alice2, "alice", false)
		enqueue(t, c, bob, "bob", true)

		page, err := c.TaskList(ctx, TaskFilter{OwnerID: "alice"})
		require.NoError(t, err)
		require.Len(t, page.Tasks, 2)
		require.Equal(t, alice2, page.Tasks[0].CaseID, "newest first")
		require.Equal(t, alice1, page.Tasks[1].CaseID)
		for _, task := range page.Tasks {
			require.Equal(t, "alice", task.OwnerID)
		}

		page, err = c.TaskList(ctx, TaskFilter{OwnerID: "bob", CaseID: bob, Kind: KindAnalyze, State: triagem.TaskQueued})
		require.NoError(t, err)
		require.Len(t, page.Tasks, 1)
		require.JSONEq(t, `{"case_id":"`+bob+`","owner_id":"bob"}`, string(page.Tasks[0].Args))

		page, err = c.TaskList(ctx, TaskFilter{OwnerID: "bob", CaseID: alice1})
		require.NoError(t, err)
		require.Empty(t, page.Tasks)
		page, err = c.TaskList(ctx, TaskFilter{OwnerID: "mallory"})
		require.NoError(t, err)
		require.Empty(t, page.Tasks)
		page, err = c.TaskList(ctx, TaskFilter{State: triagem.TaskCompleted})
		require.NoError(t, err)
		require.Empty(t, page.Tasks)
		page, err = c.TaskList(ctx, TaskFilter{Kind: KindNotify})
		require.NoError(t, err)
		require.Empty(t, page.Tasks)

		first, err := c.TaskList(ctx, TaskFilter{OwnerID: "alice", Limit: 1})
		require.NoError(t, err)
		require.Len(t, first.Tasks, 1)
		require.NotEmpty(t, first.NextCursor)
		second, err := c.TaskList(ctx, TaskFilter{OwnerID: "alice", Limit: 1, Cursor: first.NextCursor})
		require.NoError(t, err)
		require.Len(t, second.Tasks, 1)
		require.Equal(t, alice1, second.Tasks[0].CaseID)

		_, err = c.TaskList(ctx, TaskFilter{State: "sleeping"})
		require.True(t, triagem.IsCode(err, triagem.EINVALID))
		_, err = c.TaskList(ctx, TaskFilter{Cursor: "garbage"})
		require.True(t, triagem.IsCode(err, triagem.EINVALID))
	})
}

func TestTaskRetryRerunsWithOriginalArguments(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		ctx := context.Background()
		var failing atomic.Bool
		failing.Store(true)
		var seen sync.Map
		h, p := newFakeHandler(), &fakePublisher{}
		h.analyzeFunc = func(_ context.Context, caseID string, call int) error {
			seen.Store(call, caseID)
			if failing.Load() {
				return errAnalyzer
			}
			return nil
		}
		cfg := testConfig(d, p)
		cfg.Analyze.MaxAttempts = 1
		c := startClient(t, cfg, h)
		id := caseID(t, 1)

		enqueue(t, c, id, "alice", true)
		failed := waitTaskState(t, c, id, KindAnalyze, triagem.TaskFailed)

		failing.Store(false)
		retried, err := c.TaskRetry(ctx, failed.ID)
		require.NoError(t, err)
		require.Equal(t, failed.ID, retried.ID)
		require.JSONEq(t, string(failed.Args), string(retried.Args))

		done := waitTaskState(t, c, id, KindAnalyze, triagem.TaskCompleted)
		require.JSONEq(t, `{"case_id":"`+id+`","owner_id":"alice"}`, string(done.Args))
		require.Equal(t, 2, done.Attempt)
		second, ok := seen.Load(2)
		require.True(t, ok)
		require.Equal(t, id, second, "the retried run analysed the same case")
		require.Equal(t, 1, h.storedOf(id))
		require.Equal(t, []triagem.TaskState{triagem.TaskQueued, triagem.TaskRunning, triagem.TaskFailed, triagem.TaskQueued, triagem.TaskRunning, triagem.TaskCompleted},
			states(p.taskUpdates(t, id, KindAnalyze)))
	})
}

func TestWebhookClientErrorIsNotRetried(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		target := newWebhookTarget(t, http.StatusBadRequest)
		h, p := newFakeHandler(), &fakePublisher{}
		cfg := testConfig(d, p)
		cfg.WebhookURL, cfg.WebhookSecret = target.URL, "s3cret"
		c := startClient(t, cfg, h)
		id := caseID(t, 1)

		enqueue(t, c, id, "alice", true)

		task := waitTaskState(t, c, id, KindNotify, triagem.TaskCancelled)
		require.Len(t, target.received(), 1)
		require.Equal(t, 1, task.Attempt)
		require.Len(t, task.Errors, 1)
		require.Contains(t, task.Errors[0].Message, "400")
		updates := p.taskUpdates(t, id, KindNotify)
		require.Equal(t, []triagem.TaskState{triagem.TaskQueued, triagem.TaskRunning, triagem.TaskCancelled}, states(updates))
		require.Contains(t, updates[2].Error, "400")
		require.Empty(t, h.failCalls(), "a failed delivery does not fail the case")
	})
}

func TestWebhookRetriesServerErrorsThenDeliversOnce(t *testing.T) {
	t.Parallel()

	dialects(t, func(t *testing.T, d database) {
		const secret = "s3cret"
		target := newWebhookTarget(t, http.StatusInternalServerError, http.StatusInternalServerError, http.StatusOK)
		h, p := newFakeHandler(), &fakePublisher{}
		cfg := testConfig(d, p)
		cfg.WebhookURL, cfg.WebhookSecret = target.URL, secret
		c := startClient(t, cfg, h)
		id := caseID(t, 1)

		enqueue(t, c, id, "alice", true)

		task := waitTaskState(t, c, id, KindNotify, triagem.TaskCompleted)
		require.Equal(t, 3, task.Attempt)
		requests := target.received()
		require.Len(t, requests, 3)
		result, err := h.Analyze(context.Background(), id) // the stored result
		require.NoError(t, err)
		want, err := json.Marshal(result)
		require.NoError(t, err)
		for _, r := range requests {
			require.Equal(t, id+":completed", r.header.Get(HeaderIdempotencyKey))
			require.True(t, VerifySignature(secret, r.body, r.header.Get(HeaderSignature)))
			require.False(t, VerifySignature("wrong", r.body, r.header.Get(HeaderSignature)))
			require.NotEmpty(t, r.header.Get(HeaderTimestamp))
			require.JSONEq(t, string(want), string(r.body))
		}
		require.Equal(t, []triagem.TaskState{
			triagem.TaskQueued, triagem.TaskRunning, triagem.TaskRetrying, triagem.TaskRunning, triagem.TaskRetrying, triagem.TaskRunning, triagem.TaskCompleted,
		}, states(p.taskUpdates(t, id, KindNotify)))
		require.Equal(t, triagem.TaskCompleted, onlyTask(t, c, id, KindAnalyze).State)
	})
}

// Compile-time checks: the fakes fit the interfaces, and Client fits the
// orchestrator's Queue (repeated here: jobs does not import orchestrator).
var (
	_ Handler   = (*fakeHandler)(nil)
	_ Publisher = (*fakePublisher)(nil)
	_ interface {
		EnqueueAnalyzeTx(ctx context.Context, tx *sql.Tx, c *triagem.Case, urgent bool) (afterCommit func(context.Context), err error)
	} = (*Client)(nil)
)

func rowWithErrors(kind string, id int64, errs int) *rivertype.JobRow {
	return &rivertype.JobRow{ID: id, Kind: kind, Errors: make([]rivertype.AttemptError, errs)}
}

// TestReconcileAbandonsCasesOfDiscardedAnalyses covers a worker that died on
// its last attempt: River's rescuer discards the job without our middleware,
// and the reconcile job hands the case to Handler.Abandon.
func TestReconcileAbandonsCasesOfDiscardedAnalyses(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, d database) {
		h := newFakeHandler()
		cfg := testConfig(d, &fakePublisher{})
		cfg.Work = false // nothing runs the job: it is discarded by hand below
		c, err := New(cfg)
		require.NoError(t, err)
		c.cfg.Handler = h // what Start would do; reconcile is called by hand
		require.NoError(t, c.Migrate(context.Background()))
		id := caseID(t, 0)
		enqueue(t, c, id, "alice", true)
		task := onlyTask(t, c, id, KindAnalyze)
		// What the rescuer does to a stuck job that has no attempt left.
		_, err = d.db.Exec(`UPDATE river_job SET state = 'discarded', attempt = max_attempts, finalized_at = CURRENT_TIMESTAMP WHERE id = $1`, task.ID)
		require.NoError(t, err)

		require.NoError(t, c.reconcile(context.Background()))
		h.mu.Lock()
		defer h.mu.Unlock()
		require.Len(t, h.abandoned, 1)
		require.Equal(t, id, h.abandoned[0].caseID)
		require.Contains(t, h.abandoned[0].reason, "abandoned")
		require.Empty(t, h.fails, "Fail is for the ordinary path")
	})
}

// TestStartNeedsAHandler: a working client is given its handler at Start;
// an insert-only client needs none.
func TestStartNeedsAHandler(t *testing.T) {
	t.Parallel()
	d := openSQLite(t)
	c, err := New(testConfig(d, &fakePublisher{}))
	require.NoError(t, err)
	require.ErrorContains(t, c.Start(context.Background(), nil), "Handler is required")

	cfg := testConfig(d, &fakePublisher{})
	cfg.Work = false
	insertOnly, err := New(cfg)
	require.NoError(t, err)
	require.NoError(t, insertOnly.Start(context.Background(), nil))
}
