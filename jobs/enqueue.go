package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/triagem/triagem"
)

// EnqueueAnalyzeTx queues the analysis of c inside tx, the transaction that
// moves the case to analyzing, so that both commit or neither does. urgent
// (a client waiting on the stream) runs before batch work. A second call for
// a case whose analysis is still pending or running queues nothing.
//
// The returned func publishes the task's "queued" event; call it right after
// the commit, never before (the job does not exist until then). It
// satisfies orchestrator.Queue.
func (c *Client) EnqueueAnalyzeTx(ctx context.Context, tx *sql.Tx, cs *triagem.Case, urgent bool) (afterCommit func(context.Context), err error) {
	priority := PriorityBatch
	if urgent {
		priority = PriorityUrgent
	}
	opts := &river.InsertOpts{MaxAttempts: c.cfg.Analyze.MaxAttempts, Priority: priority}
	res, err := c.river.InsertTx(ctx, tx, AnalyzeArgs{CaseID: cs.ID, OwnerID: cs.OwnerID}, opts)
	if err != nil {
		return nil, fmt.Errorf("jobs: queue analysis of case %s: %w", cs.ID, err)
	}
	return func(ctx context.Context) { c.publishQueued(ctx, res) }, nil
}

// publishQueued announces a committed insert. It reads nothing back: a
// worker needs at least a notification round trip and a fetch before it
// publishes "running", while this publishes at once, so "queued" comes
// first. A duplicate insert (unique skip) announces nothing.
func (c *Client) publishQueued(ctx context.Context, res *rivertype.JobInsertResult) {
	if res.UniqueSkippedAsDuplicate {
		return
	}
	c.publishTaskUpdate(ctx, res.Job, triagem.TaskUpdate{State: triagem.TaskQueued})
}

// insertNotify queues the webhook delivery of a completed case.
func (c *Client) insertNotify(ctx context.Context, caseID, ownerID string) error {
	opts := &river.InsertOpts{MaxAttempts: c.cfg.Notify.MaxAttempts}
	res, err := c.river.Insert(ctx, NotifyArgs{CaseID: caseID, OwnerID: ownerID}, opts)
	if err != nil {
		return fmt.Errorf("queue notification of case %s: %w", caseID, err)
	}
	c.publishQueued(ctx, res)
	return nil
}
