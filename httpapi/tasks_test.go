package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/jobs"
)

// taskPage is the answer of GET /api/v2/tasks.
type taskPage struct {
	Tasks      []jobs.Task `json:"tasks"`
	NextCursor string      `json:"next_cursor"`
}

func (f *fixture) tasks(token, query string) taskPage {
	f.t.Helper()
	var page taskPage
	path := "/api/v2/tasks"
	if query != "" {
		path += "?" + query
	}
	resp := f.call(http.MethodGet, path, token, nil, &page)
	require.Equal(f.t, http.StatusOK, resp.StatusCode, "GET %s", path)
	require.NotNil(f.t, page.Tasks, "an empty list is [], not null")
	return page
}

func (f *fixture) task(token string, id int64) jobs.Task {
	f.t.Helper()
	var task jobs.Task
	resp := f.call(http.MethodGet, taskPath(id), token, nil, &task)
	require.Equal(f.t, http.StatusOK, resp.StatusCode, "GET task %d", id)
	return task
}

func taskPath(id int64) string { return "/api/v2/tasks/" + strconv.FormatInt(id, 10) }

// analyzeTask returns the one analyze task of a case, as its owner sees it.
func (f *fixture) analyzeTask(token, caseID string) jobs.Task {
	f.t.Helper()
	page := f.tasks(token, url.Values{"case_id": {caseID}, "kind": {jobs.KindAnalyze}}.Encode())
	require.Len(f.t, page.Tasks, 1, "one analyze task for case %s", caseID)
	return page.Tasks[0]
}

// waitTask polls a task until cond holds (a failure guard, not a timing
// assertion).
func (f *fixture) waitTask(token string, id int64, what string, cond func(jobs.Task) bool) jobs.Task {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		task := f.task(token, id)
		if cond(task) {
			return task
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("task %d never %s: %+v", id, what, task)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// forceAnalysis starts a case for token and sends it to analysis at once.
func (f *fixture) forceAnalysis(token string) string {
	f.t.Helper()
	s := f.start(token)
	f.say(token, s.CaseID, "Meu voo atrasou 10 horas em 12/03/2024 e gastei R$ 850,00 com hotel em São Paulo.")
	resp := f.call(http.MethodPost, "/api/v2/triage/force-complete", token, map[string]any{"case_id": s.CaseID, "reason": "teste"}, nil)
	require.Equal(f.t, http.StatusAccepted, resp.StatusCode)
	return s.CaseID
}

// queueAction pauses or resumes a queue as admin. A queue exists once its
// worker has registered it, which the fixture's Start does not wait for:
// not_found is retried until then.
func (f *fixture) queueAction(admin, queue, action string) {
	f.t.Helper()
	path := "/api/v2/tasks/queues/" + queue + "/" + action
	deadline := time.Now().Add(20 * time.Second)
	for {
		var p problem
		resp := f.call(http.MethodPost, path, admin, nil, &p)
		if resp.StatusCode == http.StatusNoContent {
			return
		}
		require.Equal(f.t, http.StatusNotFound, resp.StatusCode, "POST %s: %+v", path, p)
		require.Equal(f.t, triagem.ENOTFOUND, p.Code)
		if time.Now().After(deadline) {
			f.t.Fatalf("queue %s never registered", queue)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pausePropagation is how long a pause takes, at most, to reach the
// workers. The API's 204 means the pause is committed; River hands it to
// this process's producers at once, but a producer busy starting up learns
// of it only at its next queue poll (every 2 s), and nothing in the API
// shows when it has. Waiting past one poll is a precondition for the tests
// below, not an assertion (500 ms was seen to fall short on a loaded CI
// machine).
const pausePropagation = 2500 * time.Millisecond

// pauseAnalysis pauses the analysis queue through the API and gives the
// workers time to hear of it.
func (f *fixture) pauseAnalysis(admin string) {
	f.t.Helper()
	f.queueAction(admin, jobs.QueueAnalysis, "pause")
	require.True(f.t, f.queueStat(admin, jobs.QueueAnalysis).Paused)
	time.Sleep(pausePropagation)
}

func (f *fixture) queueStat(admin, queue string) jobs.QueueStat {
	f.t.Helper()
	var stats []jobs.QueueStat
	resp := f.call(http.MethodGet, "/api/v2/tasks/stats", admin, nil, &stats)
	require.Equal(f.t, http.StatusOK, resp.StatusCode)
	for _, s := range stats {
		if s.Queue == queue {
			return s
		}
	}
	f.t.Fatalf("no stats for queue %s: %+v", queue, stats)
	return jobs.QueueStat{}
}

func isCompleted(t jobs.Task) bool { return t.State == triagem.TaskCompleted }

// waitCompleted waits for a case to complete and then for its analyze task:
// River records a job's completion shortly after the work returns, so the
// case may be completed while its task is still running.
func (f *fixture) waitCompleted(token, caseID string) jobs.Task {
	f.t.Helper()
	f.waitStatus(token, caseID, "completed")
	return f.waitTask(token, f.analyzeTask(token, caseID).ID, "completed", isCompleted)
}

func taskIDs(tasks []jobs.Task) []int64 {
	ids := make([]int64, 0, len(tasks))
	for _, t := range tasks {
		ids = append(ids, t.ID)
	}
	return ids
}

func TestTasksAreVisibleToTheirOwnersOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.token("alice", triagem.RoleClient)
	bob := f.token("bob", triagem.RoleClient)
	admin := f.token("root", triagem.RoleAdmin)

	aliceCase := f.forceAnalysis(alice)
	bobCase := f.forceAnalysis(bob)
	f.waitCompleted(alice, aliceCase)
	f.waitCompleted(bob, bobCase)

	mine := f.tasks(alice, "")
	require.Len(t, mine.Tasks, 1)
	aliceTask := mine.Tasks[0]
	require.Equal(t, jobs.KindAnalyze, aliceTask.Kind)
	require.Equal(t, jobs.QueueAnalysis, aliceTask.Queue)
	require.Equal(t, aliceCase, aliceTask.CaseID)
	require.Equal(t, "alice", aliceTask.OwnerID)
	require.Equal(t, triagem.TaskCompleted, aliceTask.State)
	require.Equal(t, 1, aliceTask.Attempt)
	require.Empty(t, aliceTask.Errors)
	require.NotNil(t, aliceTask.FinalizedAt)
	var args map[string]any
	require.NoError(t, json.Unmarshal(aliceTask.Args, &args))
	require.Equal(t, aliceCase, args["case_id"])
	require.Equal(t, "alice", args["owner_id"])

	bobs := f.tasks(bob, "")
	require.Len(t, bobs.Tasks, 1)
	bobTask := bobs.Tasks[0]
	require.Equal(t, bobCase, bobTask.CaseID)
	require.Equal(t, "bob", bobTask.OwnerID)
	require.NotContains(t, taskIDs(bobs.Tasks), aliceTask.ID, "bob does not see alice's task")

	// Filters narrow the caller's own tasks.
	require.Equal(t, []int64{aliceTask.ID}, taskIDs(f.tasks(alice, "case_id="+aliceCase).Tasks))
	require.Equal(t, []int64{aliceTask.ID}, taskIDs(f.tasks(alice, "state=completed&kind=analyze").Tasks))
	require.Empty(t, f.tasks(alice, "state=failed").Tasks)
	require.Empty(t, f.tasks(alice, "kind=notify").Tasks)
	require.Empty(t, f.tasks(bob, "case_id="+bobCase+"&state=queued").Tasks)

	// Another user's case or task is not found, as a case is.
	f.expectProblem(http.MethodGet, "/api/v2/tasks?case_id="+aliceCase, bob, nil, http.StatusNotFound, triagem.ENOTFOUND)
	f.expectProblem(http.MethodGet, taskPath(aliceTask.ID), bob, nil, http.StatusNotFound, triagem.ENOTFOUND)
	f.expectProblem(http.MethodGet, taskPath(999999), alice, nil, http.StatusNotFound, triagem.ENOTFOUND)
	require.Equal(t, aliceTask.ID, f.task(alice, aliceTask.ID).ID)

	// Bad filters.
	f.expectProblem(http.MethodGet, "/api/v2/tasks?limit=0", alice, nil, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodGet, "/api/v2/tasks?state=exploded", alice, nil, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodGet, "/api/v2/tasks?cursor=garbage", alice, nil, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodGet, "/api/v2/tasks?case_id=not-a-uuid", alice, nil, http.StatusBadRequest, triagem.EINVALIDCASEID)
	f.expectProblem(http.MethodGet, "/api/v2/tasks/abc", alice, nil, http.StatusBadRequest, triagem.EINVALID)

	// Admin sees every task, newest first, and pages through them.
	all := f.tasks(admin, "kind=analyze")
	require.Equal(t, []int64{bobTask.ID, aliceTask.ID}, taskIDs(all.Tasks))
	require.Empty(t, all.NextCursor)
	first := f.tasks(admin, "kind=analyze&limit=1")
	require.Equal(t, []int64{bobTask.ID}, taskIDs(first.Tasks))
	require.NotEmpty(t, first.NextCursor)
	second := f.tasks(admin, url.Values{"kind": {"analyze"}, "limit": {"1"}, "cursor": {first.NextCursor}}.Encode())
	require.Equal(t, []int64{aliceTask.ID}, taskIDs(second.Tasks))
	require.Equal(t, []int64{aliceTask.ID}, taskIDs(f.tasks(admin, "case_id="+aliceCase).Tasks))
	require.Equal(t, "alice", f.task(admin, aliceTask.ID).OwnerID)
}

func TestTaskActionsAreForAdmins(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.token("alice", triagem.RoleClient)
	svc := f.token("svc", triagem.RoleService)
	caseID := f.forceAnalysis(alice)
	id := f.waitCompleted(alice, caseID).ID

	tests := []struct {
		method string
		path   string
	}{
		{http.MethodPost, taskPath(id) + "/retry"},
		{http.MethodPost, taskPath(id) + "/cancel"},
		{http.MethodPost, "/api/v2/tasks/queues/analysis/pause"},
		{http.MethodPost, "/api/v2/tasks/queues/analysis/resume"},
		{http.MethodGet, "/api/v2/tasks/stats"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			f.expectProblem(tt.method, tt.path, alice, nil, http.StatusForbidden, triagem.EFORBIDDEN)
			f.expectProblem(tt.method, tt.path, svc, nil, http.StatusForbidden, triagem.EFORBIDDEN)
			f.expectProblem(tt.method, tt.path, "", nil, http.StatusUnauthorized, triagem.EUNAUTHORIZED)
		})
	}
	t.Run("reads need a token too", func(t *testing.T) {
		f.expectProblem(http.MethodGet, "/api/v2/tasks", "", nil, http.StatusUnauthorized, triagem.EUNAUTHORIZED)
		f.expectProblem(http.MethodGet, taskPath(id), "", nil, http.StatusUnauthorized, triagem.EUNAUTHORIZED)
	})
	// Nothing the refused requests asked for happened.
	task := f.task(alice, id)
	require.Equal(t, triagem.TaskCompleted, task.State)
	require.Equal(t, 1, task.Attempt)
	require.False(t, f.queueStat(f.token("root", triagem.RoleAdmin), jobs.QueueAnalysis).Paused)
}

// rawGet sends a GET with the given headers and no Authorization unless
// they carry one; it returns the response with its body read.
func (f *fixture) rawGet(path string, header http.Header) (*http.Response, []byte) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	require.NoError(f.t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := f.srv.Client().Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return resp, body
}

func TestRiverUIIsForAdmins(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.token("alice", triagem.RoleClient)
	admin := f.token("root", triagem.RoleAdmin)
	caseID := f.forceAnalysis(alice)
	f.waitCompleted(alice, caseID)

	const page = "/admin/riverui/"
	const apiJobs = "/admin/riverui/api/jobs?state=completed"
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	for _, path := range []string{page, apiJobs, "/admin/riverui/api/queues"} {
		t.Run(path, func(t *testing.T) {
			resp, body := f.rawGet(path, nil)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s", body)
			require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			require.NotEmpty(t, resp.Header.Get("WWW-Authenticate"))
			var p problem
			require.NoError(t, json.Unmarshal(body, &p))
			require.Equal(t, triagem.EUNAUTHORIZED, p.Code)

			for _, h := range []http.Header{bearer(alice), {"Cookie": {"access_token=" + alice}}} {
				resp, body = f.rawGet(path, h)
				require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s", body)
				require.NoError(t, json.Unmarshal(body, &p))
				require.Equal(t, triagem.EFORBIDDEN, p.Code)
			}
			resp, body = f.rawGet(path+sep(path)+"access_token="+url.QueryEscape(alice), nil)
			require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s", body)
			require.Empty(t, resp.Cookies(), "no cookie for a refused token")

			resp, body = f.rawGet(path, bearer(admin))
			require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		})
	}

	t.Run("the API lists River's jobs", func(t *testing.T) {
		resp, body := f.rawGet(apiJobs, bearer(admin))
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		var list struct {
			Data []struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(body, &list), "%s", body)
		// The periodic reconcile job may be listed too; the case's analysis must.
		var analyses []int64
		for _, j := range list.Data {
			if j.Kind == jobs.KindAnalyze {
				analyses = append(analyses, j.ID)
			}
		}
		require.Equal(t, []int64{f.analyzeTask(alice, caseID).ID}, analyses)
	})

	t.Run("a token in the query becomes a dashboard cookie", func(t *testing.T) {
		resp, body := f.rawGet(page+"?access_token="+url.QueryEscape(admin), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		var cookie *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "access_token" {
				cookie = c
			}
		}
		require.NotNil(t, cookie, "Set-Cookie: %v", resp.Header.Values("Set-Cookie"))
		require.Equal(t, admin, cookie.Value)
		require.True(t, cookie.HttpOnly)
		require.Equal(t, "/admin/riverui/", cookie.Path)
		require.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
		require.False(t, cookie.Expires.IsZero(), "the cookie ends with the token")

		// The cookie alone opens the dashboard and its API: a browser's jar
		// sends it back under /admin/riverui/ only.
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		base, err := url.Parse(f.srv.URL)
		require.NoError(t, err)
		jar.SetCookies(base.JoinPath(page), resp.Cookies())
		browser := &http.Client{Jar: jar}
		for _, path := range []string{page, apiJobs} {
			resp, err := browser.Get(f.srv.URL + path)
			require.NoError(t, err)
			body, err = io.ReadAll(resp.Body)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
			require.Empty(t, resp.Header.Values("Set-Cookie"), "no new cookie without a query token")
		}
		require.Empty(t, jar.Cookies(base.JoinPath("/api/v2/tasks")), "the cookie is scoped to the dashboard")
		h := http.Header{"Cookie": {"access_token=" + cookie.Value}}
		resp, body = f.rawGet(apiJobs, h)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		// The cookie does not open the JSON API, which takes bearer tokens only.
		resp, _ = f.rawGet("/api/v2/tasks/stats", h)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// failingAnalyzer errors until it is repaired.
type failingAnalyzer struct {
	calls    atomic.Int64
	repaired atomic.Bool
}

var errAnalyzerDown = errors.New("analyzer is down")

func (*failingAnalyzer) Name() string { return "broken" }

func (a *failingAnalyzer) Analyze(context.Context, triagem.AnalysisInput) (triagem.TriageData, error) {
	a.calls.Add(1)
	if a.repaired.Load() {
		return triagem.TriageData{Area: "consumidor", Subarea: "geral", UrgencyH: 72, CaseType: "outro"}, nil
	}
	return triagem.TriageData{}, errAnalyzerDown
}

func TestAnalysisThatExhaustsItsAttemptsFailsTheCase(t *testing.T) {
	t.Parallel()
	broken := &failingAnalyzer{}
	f := newFixture(t, fixtureOpts{simple: broken, analyzers: []triagem.Analyzer{broken}, analyzeAttempts: 2})
	alice := f.token("alice", triagem.RoleClient)
	admin := f.token("root", triagem.RoleAdmin)
	caseID := f.forceAnalysis(alice)

	st := f.waitStatus(alice, caseID, "failed")
	require.Contains(t, st.Error, errAnalyzerDown.Error())
	require.Contains(t, st.Error, "2 attempts")
	f.expectProblem(http.MethodGet, "/api/v2/triage/result/"+caseID, alice, nil, http.StatusConflict, triagem.ENOTREADY)

	// River records the task's end shortly after the case is marked failed.
	task := f.waitTask(alice, f.analyzeTask(alice, caseID).ID, "failed", func(t jobs.Task) bool { return t.State == triagem.TaskFailed })
	require.Equal(t, 2, task.Attempt)
	require.Equal(t, 2, task.MaxAttempts)
	require.Len(t, task.Errors, 2)
	for i, e := range task.Errors {
		require.Equal(t, i+1, e.Attempt)
		require.Contains(t, e.Message, errAnalyzerDown.Error())
	}
	require.NotNil(t, task.FinalizedAt)
	require.GreaterOrEqual(t, broken.calls.Load(), int64(2), "the failing analyzer ran on each attempt")

	// The whole story is on the case's stream.
	c := f.openStream(alice, caseID, nil, url.Values{"last_event_id": {"0"}})
	require.Equal(t, "initial_state", c.next(t).Event)
	frames := c.until(t, "triage_failed")
	var states []triagem.TaskState
	var failedAt, triageFailedAt int
	for i, fr := range frames {
		switch fr.Event {
		case "task_update":
			var u triagem.TaskUpdate
			require.NoError(t, json.Unmarshal([]byte(fr.Data), &u))
			require.Equal(t, task.ID, u.TaskID)
			require.Equal(t, jobs.KindAnalyze, u.Kind)
			require.Equal(t, 2, u.MaxAttempts)
			switch u.State {
			case triagem.TaskRetrying:
				require.Equal(t, 1, u.Attempt)
				require.Contains(t, u.Error, errAnalyzerDown.Error())
				require.NotNil(t, u.NextAttemptAt)
			case triagem.TaskFailed:
				require.Equal(t, 2, u.Attempt)
				require.Contains(t, u.Error, errAnalyzerDown.Error())
				failedAt = i
			}
			states = append(states, u.State)
		case "triage_failed":
			triageFailedAt = i
			var data map[string]any
			require.NoError(t, json.Unmarshal([]byte(fr.Data), &data))
			require.Equal(t, "failed", data["status"])
			require.Contains(t, data["error"], errAnalyzerDown.Error())
		}
	}
	require.Contains(t, states, triagem.TaskQueued)
	var worked []triagem.TaskState
	for _, s := range states {
		if s != triagem.TaskQueued {
			worked = append(worked, s)
		}
	}
	require.Equal(t, []triagem.TaskState{triagem.TaskRunning, triagem.TaskRetrying, triagem.TaskRunning, triagem.TaskFailed}, worked, "all: %v", states)
	require.Greater(t, triageFailedAt, failedAt, "triage_failed follows the task's failure")
	require.Equal(t, "triage_failed", frames[len(frames)-1].Event)

	// An admin retries the failed task: the same job, same arguments, one
	// more attempt. The analyzer is still down, so it fails again.
	var retried jobs.Task
	resp := f.call(http.MethodPost, taskPath(task.ID)+"/retry", admin, nil, &retried)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%+v", retried)
	require.Equal(t, task.ID, retried.ID)
	require.Contains(t, []triagem.TaskState{triagem.TaskQueued, triagem.TaskRunning}, retried.State)
	require.Equal(t, caseID, retried.CaseID)
	require.Equal(t, "alice", retried.OwnerID)
	require.JSONEq(t, string(task.Args), string(retried.Args))
	require.Equal(t, 3, retried.MaxAttempts, "an exhausted task gets one more attempt")

	again := f.waitTask(alice, task.ID, "run again", func(t jobs.Task) bool {
		return t.Attempt > task.Attempt && t.State == triagem.TaskFailed
	})
	require.Equal(t, 3, again.Attempt)
	require.Len(t, again.Errors, 3)
	require.JSONEq(t, string(task.Args), string(again.Args))
	require.Equal(t, caseID, again.CaseID)
	require.Equal(t, "alice", again.OwnerID)

	// The retry is on the stream too ("queued" is published by the request
	// and may race the worker's "running").
	var after []triagem.TaskState
	for {
		fr := c.next(t)
		if fr.Event != "task_update" {
			continue
		}
		var u triagem.TaskUpdate
		require.NoError(t, json.Unmarshal([]byte(fr.Data), &u))
		require.Equal(t, task.ID, u.TaskID)
		after = append(after, u.State)
		if u.State == triagem.TaskFailed {
			require.Equal(t, 3, u.Attempt)
			break
		}
	}
	require.ElementsMatch(t, []triagem.TaskState{triagem.TaskQueued, triagem.TaskRunning, triagem.TaskFailed}, after)
	require.Equal(t, triagem.TaskFailed, after[len(after)-1])
	require.Equal(t, "failed", f.waitStatus(alice, caseID, "failed").Status)

	// Once the analyzer is back, a retry completes the case.
	broken.repaired.Store(true)
	resp = f.call(http.MethodPost, taskPath(task.ID)+"/retry", admin, nil, &retried)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%+v", retried)
	st = f.waitStatus(alice, caseID, "completed")
	require.Empty(t, st.Error)
	resp = f.call(http.MethodGet, "/api/v2/triage/result/"+caseID, alice, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestPausedQueueHoldsAnalysisUntilResumed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.token("alice", triagem.RoleClient)
	admin := f.token("root", triagem.RoleAdmin)

	f.pauseAnalysis(admin)

	s := f.start(alice)
	converse(t, f, alice, s.CaseID, []string{
		"Meu voo da Azul atrasou 10 horas no dia 12/03/2024 em São Paulo e perdi uma reunião.",
		"Tenho o cartão de embarque, os e-mails da companhia e os comprovantes de gastos.",
		"Gastei R$ 850,00 com hotel e alimentação.",
		"Já reclamei no site da companhia e não responderam.",
	})
	task := f.analyzeTask(alice, s.CaseID)

	// A modest check of absence: across several polls the task stays queued
	// and the case analyzing.
	for range 5 {
		require.Equal(t, triagem.TaskQueued, f.task(alice, task.ID).State)
		require.Equal(t, "analyzing", f.status(alice, s.CaseID).Status)
		time.Sleep(100 * time.Millisecond)
	}
	stat := f.queueStat(admin, jobs.QueueAnalysis)
	require.True(t, stat.Paused)
	require.GreaterOrEqual(t, stat.ByState[string(triagem.TaskQueued)], 1)
	require.False(t, f.queueStat(admin, jobs.QueueNotifications).Paused, "only the analysis queue is paused")

	f.queueAction(admin, jobs.QueueAnalysis, "resume")
	require.Equal(t, task.ID, f.waitCompleted(alice, s.CaseID).ID)
	stat = f.queueStat(admin, jobs.QueueAnalysis)
	require.False(t, stat.Paused)
	require.Zero(t, stat.ByState[string(triagem.TaskQueued)])
	require.GreaterOrEqual(t, stat.ByState[string(triagem.TaskCompleted)], 1)

	f.expectProblem(http.MethodPost, "/api/v2/tasks/queues/no-such-queue/pause", admin, nil, http.StatusNotFound, triagem.ENOTFOUND)
}

func TestCancelQueuedTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{})
	alice := f.token("alice", triagem.RoleClient)
	admin := f.token("root", triagem.RoleAdmin)

	f.pauseAnalysis(admin)
	caseID := f.forceAnalysis(alice)
	task := f.analyzeTask(alice, caseID)
	require.Equal(t, triagem.TaskQueued, task.State)
	c := f.openStream(alice, caseID, nil, url.Values{"last_event_id": {"0"}})

	var cancelled jobs.Task
	resp := f.call(http.MethodPost, taskPath(task.ID)+"/cancel", admin, nil, &cancelled)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%+v", cancelled)
	require.Equal(t, task.ID, cancelled.ID)
	require.Equal(t, triagem.TaskCancelled, cancelled.State)
	require.NotNil(t, cancelled.FinalizedAt)
	require.Equal(t, triagem.TaskCancelled, f.task(alice, task.ID).State)
	require.Equal(t, []int64{task.ID}, taskIDs(f.tasks(alice, "state=cancelled").Tasks))
	// With its analysis cancelled, the case does not wait for ever.
	require.Contains(t, f.waitStatus(alice, caseID, "failed").Error, "cancelled")

	for {
		fr := c.next(t)
		if fr.Event != "task_update" {
			continue
		}
		var u triagem.TaskUpdate
		require.NoError(t, json.Unmarshal([]byte(fr.Data), &u))
		if u.State == triagem.TaskCancelled {
			require.Equal(t, task.ID, u.TaskID)
			break
		}
	}

	// Cancelling again leaves it as it is; an unknown task is not found.
	resp = f.call(http.MethodPost, taskPath(task.ID)+"/cancel", admin, nil, &cancelled)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, triagem.TaskCancelled, cancelled.State)
	f.expectProblem(http.MethodPost, taskPath(999999)+"/cancel", admin, nil, http.StatusNotFound, triagem.ENOTFOUND)
	f.expectProblem(http.MethodPost, taskPath(999999)+"/retry", admin, nil, http.StatusNotFound, triagem.ENOTFOUND)
	require.Equal(t, 1, f.queueStat(admin, jobs.QueueAnalysis).ByState[string(triagem.TaskCancelled)])
}
