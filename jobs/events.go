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
	m.c.publishTaskUpdate(ctx, job, triagem.TaskUpdate{State: triagem.TaskRunning})
	err := m.workRecovering(ctx, job, doInner)
	outcome := m.c.outcome(ctx, job, err)
	m.c.publishTaskUpdate(ctx, job, outcome)
	if job.Kind == KindAnalyze {
		switch outcome.State {
		case triagem.TaskFailed:
			m.c.failCase(ctx, job, fmt.Sprintf("analysis failed after %d attempts: %s", job.Attempt, outcome.Error))
		case triagem.TaskCancelled:
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
func (c *Client) outcome(ctx context.Context, job *rivertype.JobRow, err error) triagem.TaskUpdate {
	if err == nil {
		return triagem.TaskUpdate{State: triagem.TaskCompleted}
	}
	if snooze, ok := errors.AsType[*rivertype.JobSnoozeError](err); ok {
		next := time.Now().UTC().Add(snooze.Duration)
		return triagem.TaskUpdate{State: triagem.TaskScheduled, NextAttemptAt: &next}
	}
	if cancel, ok := errors.AsType[*rivertype.JobCancelError](err); ok {
		return triagem.TaskUpdate{State: triagem.TaskCancelled, Error: errorText(cancel.Unwrap())}
	}
	if errors.Is(context.Cause(ctx), rivertype.ErrJobCancelledRemotely) {
		return triagem.TaskUpdate{State: triagem.TaskCancelled, Error: err.Error()}
	}
	if job.Attempt >= job.MaxAttempts {
		return triagem.TaskUpdate{State: triagem.TaskFailed, Error: err.Error()}
	}
	next := time.Now().UTC().Add(c.retry.delay(job))
	return triagem.TaskUpdate{State: triagem.TaskRetrying, Error: err.Error(), NextAttemptAt: &next}
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
func (c *Client) publishTaskUpdate(ctx context.Context, job *rivertype.JobRow, u triagem.TaskUpdate) {
	caseID := caseIDOf(job)
	if caseID == "" {
		return
	}
	u.TaskID, u.Kind, u.Attempt, u.MaxAttempts = job.ID, job.Kind, job.Attempt, job.MaxAttempts
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	data, err := triagem.EventData(u)
	if err == nil {
		_, err = c.cfg.Publisher.Publish(ctx, caseID, u.EventName(), data)
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
