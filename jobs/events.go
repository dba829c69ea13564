package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/triagem/triagem"
)

// publishTimeout bounds publishing one event, which may happen after the
// job's own context has expired.
const publishTimeout = 5 * time.Second

// TaskState is a task's state as clients see it, in task lists and in
// task_update events.
type TaskState string

// Task states. River's states map onto them: available and pending are
// queued, scheduled is scheduled, retryable is retrying, discarded is failed;
// running, completed and cancelled keep their names. Events never carry
// scheduled (a retry is announced as retrying with next_attempt_at).
const (
	TaskQueued    TaskState = "queued"
	TaskScheduled TaskState = "scheduled"
	TaskRunning   TaskState = "running"
	TaskRetrying  TaskState = "retrying"
	TaskCompleted TaskState = "completed"
	TaskFailed    TaskState = "failed"
	TaskCancelled TaskState = "cancelled"
)

// TaskStates lists every task state.
var TaskStates = []TaskState{TaskQueued, TaskScheduled, TaskRunning, TaskRetrying, TaskCompleted, TaskFailed, TaskCancelled}

// TaskUpdate is the payload of a task_update event (the bus adds case_id,
// seq and timestamp).
type TaskUpdate struct {
	TaskID      int64     `json:"task_id"`
	Kind        string    `json:"kind"`
	State       TaskState `json:"state"`
	Attempt     int       `json:"attempt"`
	MaxAttempts int       `json:"max_attempts"`
	// Error is why the attempt failed (retrying, failed, cancelled).
	Error string `json:"error,omitempty"`
	// NextAttemptAt is when a retrying task runs again.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
}

// taskEvents is worker middleware: it runs in the process that works the
// job, so every attempt's start and outcome are published exactly where they
// happen, whichever instance that is. It also turns a panic into an error so
// that the outcome is always published, and marks a case failed when its
// analysis runs out of attempts.
type taskEvents struct {
	river.MiddlewareDefaults
	c *Client
}

func (m *taskEvents) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	m.c.publishTaskUpdate(ctx, job, TaskUpdate{State: TaskRunning})
	err := m.workRecovering(ctx, job, doInner)
	outcome := m.c.outcome(ctx, job, err)
	m.c.publishTaskUpdate(ctx, job, outcome)
	if job.Kind == KindAnalyze {
		switch outcome.State {
		case TaskFailed:
			m.c.failCase(ctx, job, fmt.Sprintf("analysis failed after %d attempts: %s", job.Attempt, outcome.Error))
		case TaskCancelled:
			// A job cancelled because its case is gone has nothing to mark.
			if !triagem.IsCode(err, triagem.ENOTFOUND) {
				m.c.failCase(ctx, job, "analysis cancelled: "+outcome.Error)
			}
		}
	}
	return err
}

func (m *taskEvents) workRecovering(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			m.c.log.ErrorContext(ctx, "job panicked", "task_id", job.ID, "kind", job.Kind,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return doInner(ctx)
}

// outcome is the state River will give the job for this result, mirroring
// River's executor: cancel errors and remote cancellation cancel, the last
// attempt's error discards, any other error retries.
func (c *Client) outcome(ctx context.Context, job *rivertype.JobRow, err error) TaskUpdate {
	if err == nil {
		return TaskUpdate{State: TaskCompleted}
	}
	if snooze, ok := errors.AsType[*rivertype.JobSnoozeError](err); ok {
		next := time.Now().UTC().Add(snooze.Duration)
		return TaskUpdate{State: TaskScheduled, NextAttemptAt: &next}
	}
	if cancel, ok := errors.AsType[*rivertype.JobCancelError](err); ok {
		return TaskUpdate{State: TaskCancelled, Error: errorText(cancel.Unwrap())}
	}
	if errors.Is(context.Cause(ctx), rivertype.ErrJobCancelledRemotely) {
		return TaskUpdate{State: TaskCancelled, Error: err.Error()}
	}
	if job.Attempt >= job.MaxAttempts {
		return TaskUpdate{State: TaskFailed, Error: err.Error()}
	}
	next := time.Now().UTC().Add(c.retry.delay(job))
	return TaskUpdate{State: TaskRetrying, Error: err.Error(), NextAttemptAt: &next}
}

func errorText(err error) string {
	if err == nil {
		return "cancelled"
	}
	return err.Error()
}

// failCase marks the case failed once its analysis has no attempt left or
// was cancelled, so that it never stays "analyzing" with nothing to finish
// it. It runs on a fresh context: the job's may have timed out.
func (c *Client) failCase(ctx context.Context, job *rivertype.JobRow, reason string) {
	caseID := caseIDOf(job)
	if caseID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if err := c.cfg.Handler.Fail(ctx, caseID, reason); err != nil {
		c.log.ErrorContext(ctx, "case not marked failed", "case_id", caseID, "task_id", job.ID, "err", err)
	}
}

// publishTaskUpdate completes u from the job row and publishes it on the
// job's case stream. Jobs without a case (cleanup) publish nothing. A bus
// failure is logged: the job's state in the database is what counts.
func (c *Client) publishTaskUpdate(ctx context.Context, job *rivertype.JobRow, u TaskUpdate) {
	caseID := caseIDOf(job)
	if caseID == "" {
		return
	}
	u.TaskID, u.Kind, u.Attempt, u.MaxAttempts = job.ID, job.Kind, job.Attempt, job.MaxAttempts
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	data, err := triagem.EventData(u)
	if err == nil {
		_, err = c.cfg.Publisher.Publish(ctx, caseID, triagem.EventTaskUpdate, data)
	}
	if err != nil {
		c.log.ErrorContext(ctx, "task_update not published", "case_id", caseID, "task_id", job.ID,
			"state", u.State, "err", err)
	}
}

// caseArgs reads the fields every case job carries.
type caseArgs struct {
	CaseID  string `json:"case_id"`
	OwnerID string `json:"owner_id"`
}

func argsOf(job *rivertype.JobRow) caseArgs {
	var a caseArgs
	_ = json.Unmarshal(job.EncodedArgs, &a) // jobs without these fields have none
	return a
}

func caseIDOf(job *rivertype.JobRow) string { return argsOf(job).CaseID }
