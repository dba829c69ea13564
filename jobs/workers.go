package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/triagem/triagem"
)

// analyzeWorker runs a case's analysis through the Handler and, when a
// webhook is configured, queues its delivery.
type analyzeWorker struct {
	river.WorkerDefaults[AnalyzeArgs]
	c *Client
}

func (w *analyzeWorker) Work(ctx context.Context, job *river.Job[AnalyzeArgs]) error {
	caseID := job.Args.CaseID
	if _, err := w.c.cfg.Handler.Analyze(ctx, caseID); err != nil {
		if triagem.IsCode(err, triagem.ENOTFOUND) {
			// The case was deleted meanwhile: nothing left to analyse or fail.
			return river.JobCancel(fmt.Errorf("case %s no longer exists: %w", caseID, err))
		}
		return fmt.Errorf("analyze: %w", err)
	}
	if w.c.cfg.WebhookURL == "" {
		return nil
	}
	// An error here retries the job; Analyze is idempotent and notify is
	// unique per case, so the retry only queues the delivery.
	return w.c.insertNotify(ctx, caseID, job.Args.OwnerID)
}

// notifyWorker delivers a completed case's result to the webhook.
type notifyWorker struct {
	river.WorkerDefaults[NotifyArgs]
	c *Client
}

// Timeout leaves the HTTP client's own timeout the first word.
func (w *notifyWorker) Timeout(*river.Job[NotifyArgs]) time.Duration {
	return w.c.cfg.WebhookTimeout + 5*time.Second
}

func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	caseID := job.Args.CaseID
	// Analyze of a completed case only reads its stored result.
	result, err := w.c.cfg.Handler.Analyze(ctx, caseID)
	if err != nil {
		if triagem.IsCode(err, triagem.ENOTFOUND) {
			return river.JobCancel(fmt.Errorf("case %s no longer exists: %w", caseID, err))
		}
		return fmt.Errorf("read result: %w", err)
	}
	return w.c.deliver(ctx, caseID, result)
}

// cleanupWorker erases the cases past their retention.
type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	c *Client
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	before := time.Now().UTC().Add(-w.c.cfg.Retention)
	n, err := w.c.cfg.Handler.ExpireCases(ctx, before)
	if err != nil {
		return fmt.Errorf("expire cases before %s (%d erased): %w", before.Format(time.RFC3339), n, err)
	}
	if n > 0 {
		w.c.log.InfoContext(ctx, "expired cases erased", "count", n, "before", before)
	}
	return nil
}

// cleanupPeriodicJob runs cleanup every CleanupInterval, and once when a
// leader is elected so that a frequently restarted deployment still cleans.
// Unique by period: two leaders in quick succession do not both run it.
func (c *Client) cleanupPeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(
		river.PeriodicInterval(c.cfg.CleanupInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			return CleanupArgs{}, &river.InsertOpts{
				MaxAttempts: c.cfg.Cleanup.MaxAttempts,
				UniqueOpts:  river.UniqueOpts{ByPeriod: c.cfg.CleanupInterval},
			}
		},
		&river.PeriodicJobOpts{ID: KindCleanup, RunOnStart: true},
	)
}

// reconcileBatch bounds one reconcile run: the newest discarded analyses
// are the ones that can still have a case waiting.
const reconcileBatch = 100

// reconcileWorker fails cases left analyzing by a discarded analysis.
type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	c *Client
}

func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	return w.c.reconcile(ctx)
}

// reconcile calls Handler.Abandon for the newest discarded analyze jobs; it
// changes nothing for cases that are no longer analyzing.
func (c *Client) reconcile(ctx context.Context) error {
	params := river.NewJobListParams().Kinds(KindAnalyze).States(rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByFinalizedAt, river.SortOrderDesc).First(reconcileBatch)
	res, err := c.river.JobList(ctx, params)
	if err != nil {
		return fmt.Errorf("list discarded analyses: %w", err)
	}
	for _, job := range res.Jobs {
		caseID := caseIDOf(job)
		if caseID == "" {
			continue
		}
		reason := fmt.Sprintf("analysis abandoned after %d attempts: its worker stopped (task %d)", job.Attempt, job.ID)
		if err := c.cfg.Handler.Abandon(ctx, caseID, reason); err != nil && !triagem.IsCode(err, triagem.ENOTFOUND) {
			return fmt.Errorf("abandon case %s: %w", caseID, err)
		}
	}
	return nil
}

// reconcilePeriodicJob runs reconcile every ReconcileInterval.
func (c *Client) reconcilePeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(
		river.PeriodicInterval(c.cfg.ReconcileInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			return ReconcileArgs{}, &river.InsertOpts{
				MaxAttempts: c.cfg.Cleanup.MaxAttempts,
				UniqueOpts:  river.UniqueOpts{ByPeriod: c.cfg.ReconcileInterval},
			}
		},
		&river.PeriodicJobOpts{ID: KindReconcile, RunOnStart: true},
	)
}
