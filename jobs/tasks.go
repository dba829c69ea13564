package jobs

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/sqlstore"
)

// Task list page sizes.
const (
	TaskListLimitDefault = 50
	TaskListLimitMax     = 500
)

// Task is one background job as the tasks API shows it.
type Task struct {
	ID          int64             `json:"task_id"`
	Kind        string            `json:"kind"`
	Queue       string            `json:"queue"`
	State       triagem.TaskState `json:"state"`
	Priority    int               `json:"priority"`
	Attempt     int               `json:"attempt"`
	MaxAttempts int               `json:"max_attempts"`
	// CaseID and OwnerID are empty for jobs without a case (cleanup). The
	// HTTP layer compares OwnerID with the caller before showing a task.
	CaseID  string          `json:"case_id,omitempty"`
	OwnerID string          `json:"owner_id,omitempty"`
	Args    json.RawMessage `json:"args"`
	// Errors holds one entry per failed attempt, oldest first.
	Errors      []TaskError `json:"errors"`
	CreatedAt   time.Time   `json:"created_at"`
	ScheduledAt time.Time   `json:"scheduled_at"`
	AttemptedAt *time.Time  `json:"attempted_at,omitempty"`
	FinalizedAt *time.Time  `json:"finalized_at,omitempty"`
}

// TaskError is one failed attempt. Panic stack traces stay in the logs.
type TaskError struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Message string    `json:"message"`
}

// TaskFilter selects tasks. Zero fields do not filter.
type TaskFilter struct {
	State   triagem.TaskState
	Kind    string
	CaseID  string
	OwnerID string
	// Limit defaults to TaskListLimitDefault and is capped at
	// TaskListLimitMax.
	Limit int
	// Cursor is a previous page's NextCursor.
	Cursor string
}

// TaskPage is one page of tasks, newest first.
type TaskPage struct {
	Tasks []Task `json:"tasks"`
	// NextCursor fetches the next page; empty on the last one.
	NextCursor string `json:"next_cursor,omitempty"`
}

// QueueStat counts one queue's tasks by state (every triagem.TaskState present).
type QueueStat struct {
	Queue   string         `json:"queue"`
	Paused  bool           `json:"paused"`
	ByState map[string]int `json:"by_state"`
}

func taskFromJob(job *rivertype.JobRow) Task {
	a := argsOf(job)
	t := Task{
		ID:          job.ID,
		Kind:        job.Kind,
		Queue:       job.Queue,
		State:       taskState(job.State),
		Priority:    job.Priority,
		Attempt:     job.Attempt,
		MaxAttempts: job.MaxAttempts,
		CaseID:      a.CaseID,
		OwnerID:     a.OwnerID,
		Args:        json.RawMessage(slices.Clone(job.EncodedArgs)),
		Errors:      make([]TaskError, 0, len(job.Errors)),
		CreatedAt:   job.CreatedAt,
		ScheduledAt: job.ScheduledAt,
		AttemptedAt: job.AttemptedAt,
		FinalizedAt: job.FinalizedAt,
	}
	for _, e := range job.Errors {
		t.Errors = append(t.Errors, TaskError{Attempt: e.Attempt, At: e.At, Message: e.Error})
	}
	return t
}

func taskState(s rivertype.JobState) triagem.TaskState {
	switch s {
	case rivertype.JobStateAvailable, rivertype.JobStatePending:
		return triagem.TaskQueued
	case rivertype.JobStateScheduled:
		return triagem.TaskScheduled
	case rivertype.JobStateRetryable:
		return triagem.TaskRetrying
	case rivertype.JobStateRunning:
		return triagem.TaskRunning
	case rivertype.JobStateCompleted:
		return triagem.TaskCompleted
	case rivertype.JobStateDiscarded:
		return triagem.TaskFailed
	case rivertype.JobStateCancelled:
		return triagem.TaskCancelled
	}
	return triagem.TaskState(s)
}

func riverStates(s triagem.TaskState) ([]rivertype.JobState, error) {
	var states []rivertype.JobState
	for _, rs := range rivertype.JobStates() {
		if taskState(rs) == s {
			states = append(states, rs)
		}
	}
	if len(states) == 0 {
		return nil, triagem.Errorf(triagem.EINVALID, "unknown task state %q", s)
	}
	return states, nil
}

// TaskList returns a page of tasks matching f, newest first.
func (c *Client) TaskList(ctx context.Context, f TaskFilter) (TaskPage, error) {
	params, limit, err := c.listParams(f)
	if err != nil {
		return TaskPage{}, err
	}
	res, err := c.river.JobList(ctx, params)
	if err != nil {
		return TaskPage{}, fmt.Errorf("jobs: list tasks: %w", err)
	}
	page := TaskPage{Tasks: make([]Task, 0, len(res.Jobs))}
	for _, job := range res.Jobs {
		page.Tasks = append(page.Tasks, taskFromJob(job))
	}
	if len(res.Jobs) == limit && res.LastCursor != nil {
		cursor, err := res.LastCursor.MarshalText()
		if err != nil {
			return TaskPage{}, fmt.Errorf("jobs: list tasks: cursor: %w", err)
		}
		page.NextCursor = string(cursor)
	}
	return page, nil
}

func (c *Client) listParams(f TaskFilter) (*river.JobListParams, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = TaskListLimitDefault
	}
	limit = min(limit, TaskListLimitMax)
	params := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit)
	if f.State != "" {
		states, err := riverStates(f.State)
		if err != nil {
			return nil, 0, err
		}
		params = params.States(states...)
	}
	if f.Kind != "" {
		params = params.Kinds(f.Kind)
	}
	if f.CaseID != "" {
		params = params.Where(c.argEquals("case_id"), river.NamedArgs{"case_id": f.CaseID})
	}
	if f.OwnerID != "" {
		params = params.Where(c.argEquals("owner_id"), river.NamedArgs{"owner_id": f.OwnerID})
	}
	if f.Cursor != "" {
		var cursor river.JobListCursor
		if err := cursor.UnmarshalText([]byte(f.Cursor)); err != nil {
			return nil, 0, triagem.Errorf(triagem.EINVALID, "invalid cursor")
		}
		params = params.After(&cursor)
	}
	return params, limit, nil
}

// argEquals compares a top-level string field of the job's args with the
// named parameter of the same name. field is one of ours, never user input.
func (c *Client) argEquals(field string) string {
	if c.cfg.Dialect == sqlstore.DialectSQLite {
		return fmt.Sprintf("args ->> '$.%s' = @%s", field, field)
	}
	return fmt.Sprintf("args ->> '%s' = @%s", field, field)
}

// TaskGet returns one task; ENOTFOUND when there is none.
func (c *Client) TaskGet(ctx context.Context, id int64) (*Task, error) {
	job, err := c.river.JobGet(ctx, id)
	if err != nil {
		return nil, taskError("get", id, err)
	}
	t := taskFromJob(job)
	return &t, nil
}

// TaskRetry makes a task run again as soon as possible, with its original
// arguments (it is the same job): a failed or cancelled task gets one more
// attempt, a scheduled or retrying one runs now. A running task is left
// alone. ENOTFOUND when there is no such task.
func (c *Client) TaskRetry(ctx context.Context, id int64) (*Task, error) {
	job, err := c.river.JobRetry(ctx, id)
	if err != nil {
		return nil, taskError("retry", id, err)
	}
	if job.State == rivertype.JobStateAvailable {
		c.publishTaskUpdate(ctx, job, triagem.TaskUpdate{State: triagem.TaskQueued})
	}
	t := taskFromJob(job)
	return &t, nil
}

// TaskCancel cancels a task that has not finished. A queued, scheduled or
// retrying task is cancelled at once; a running one has its context
// cancelled and ends cancelled when it returns (its worker publishes that).
// A finished task is left as it is. ENOTFOUND when there is no such task.
func (c *Client) TaskCancel(ctx context.Context, id int64) (*Task, error) {
	before, err := c.river.JobGet(ctx, id)
	if err != nil {
		return nil, taskError("cancel", id, err)
	}
	job, err := c.river.JobCancel(ctx, id)
	if err != nil {
		return nil, taskError("cancel", id, err)
	}
	if before.State != rivertype.JobStateRunning && before.FinalizedAt == nil && job.State == rivertype.JobStateCancelled {
		c.publishTaskUpdate(ctx, job, triagem.TaskUpdate{State: triagem.TaskCancelled, Error: "cancelled by request"})
		if job.Kind == KindAnalyze {
			c.failCase(ctx, job, "analysis cancelled by request")
		}
	}
	t := taskFromJob(job)
	return &t, nil
}

func taskError(op string, id int64, err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return &triagem.Error{Code: triagem.ENOTFOUND, Message: fmt.Sprintf("task %d not found", id), Err: err}
	}
	return fmt.Errorf("jobs: %s task %d: %w", op, id, err)
}

// QueueStats counts tasks per queue and state, for every queue that has
// tasks or workers.
func (c *Client) QueueStats(ctx context.Context) ([]QueueStat, error) {
	stats := map[string]*QueueStat{}
	stat := func(queue string) *QueueStat {
		if s, ok := stats[queue]; ok {
			return s
		}
		s := &QueueStat{Queue: queue, ByState: make(map[string]int, len(triagem.TaskStates))}
		for _, ts := range triagem.TaskStates {
			s.ByState[string(ts)] = 0
		}
		stats[queue] = s
		return s
	}
	for _, q := range []string{QueueAnalysis, QueueNotifications, QueueMaintenance} {
		stat(q)
	}
	queues, err := c.river.QueueList(ctx, river.NewQueueListParams().First(1000))
	if err != nil {
		return nil, fmt.Errorf("jobs: queue stats: %w", err)
	}
	for _, q := range queues.Queues {
		stat(q.Name).Paused = q.PausedAt != nil
	}
	if err := c.countJobs(ctx, func(queue string, state rivertype.JobState, n int) {
		stat(queue).ByState[string(taskState(state))] += n
	}); err != nil {
		return nil, err
	}
	out := make([]QueueStat, 0, len(stats))
	for _, s := range stats {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b QueueStat) int { return cmp.Compare(a.Queue, b.Queue) })
	return out, nil
}

// countJobs reads River's job table directly: River's client has no count
// by queue and state. The table and its columns are River's stable schema.
func (c *Client) countJobs(ctx context.Context, add func(queue string, state rivertype.JobState, n int)) error {
	table := "river_job"
	if c.cfg.Schema != "" {
		table = fmt.Sprintf("%q.river_job", c.cfg.Schema) // validated identifier
	}
	rows, err := c.cfg.DB.QueryContext(ctx, "SELECT queue, state, count(*) FROM "+table+" GROUP BY queue, state")
	if err != nil {
		return fmt.Errorf("jobs: count tasks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			queue, state string
			n            int
		)
		if err := rows.Scan(&queue, &state, &n); err != nil {
			return fmt.Errorf("jobs: count tasks: %w", err)
		}
		add(queue, rivertype.JobState(state), n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("jobs: count tasks: %w", err)
	}
	return nil
}

// QueuePause stops every worker process from fetching the queue's tasks;
// running ones finish. ENOTFOUND for a queue no worker has ever served.
func (c *Client) QueuePause(ctx context.Context, queue string) error {
	if err := c.river.QueuePause(ctx, queue, nil); err != nil {
		return queueError("pause", queue, err)
	}
	return nil
}

// QueueResume lets workers fetch the queue's tasks again.
func (c *Client) QueueResume(ctx context.Context, queue string) error {
	if err := c.river.QueueResume(ctx, queue, nil); err != nil {
		return queueError("resume", queue, err)
	}
	return nil
}

func queueError(op, queue string, err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return &triagem.Error{Code: triagem.ENOTFOUND, Message: fmt.Sprintf("queue %q not found", queue), Err: err}
	}
	return fmt.Errorf("jobs: %s queue %s: %w", op, queue, err)
}
