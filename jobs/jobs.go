// Package jobs runs Triagem's background work on River (DESIGN §7): the
// analyze job (a case's analysis, queued in the transaction that moves the
// case to analyzing), the notify job (the result POSTed to a signed webhook)
// and the periodic cleanup job (cases past their retention). Every state
// change of a case's job is published as a task_update event on the case's
// stream, and a case whose analysis exhausts its attempts is marked failed.
// It also gives the HTTP layer task management (list, get, retry, cancel,
// queue stats, pause, resume) and the River UI handler.
//
// # One River client per process, on both databases
//
// Jobs are inserted inside the store's *sql.Tx, so the client is a
// river.Client[*sql.Tx] on both databases:
//
//   - SQLite: riversqlite over the store's *sql.DB. SQLite has no LISTEN;
//     River's driver polls its notification table (about every 50 ms), so
//     inserts still wake the producers quickly. FetchPollInterval bounds how
//     late a retry or scheduled job is found.
//   - Postgres: riverdatabasesql over the store's *sql.DB for every query
//     (inserts in the store's transaction send NOTIFY as SQL), with a pgx
//     listener on Config.Pool for LISTEN (riverdatabasesql.NewWithPgxListener).
//     One client both inserts in database/sql transactions and works with
//     millisecond pickup, so no second (riverpgxv5) client is needed: that
//     would mean two leaders' worth of state, two sets of hooks and two
//     configs to keep equal. Without Pool the client polls.
//
// A client with Work false inserts and administers only; any number of
// processes may work the queues, and River elects one leader among them for
// maintenance (retries, stuck-job rescue, periodic cleanup).
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/triagem/triagem/sqlstore"
)

// stopAndCancelTimeout bounds how long Stop waits for jobs to return once
// their contexts are cancelled.
const stopAndCancelTimeout = 5 * time.Second

// Client queues and runs Triagem's background jobs. It is safe for
// concurrent use.
type Client struct {
	cfg   settings
	log   *slog.Logger
	river *river.Client[*sql.Tx]
	retry *retryPolicy
}

// New checks cfg, fills its defaults and builds the River client. It does
// not touch the database: call Migrate once, then Start to work jobs.
func New(cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("jobs: config: %w", err)
	}
	c := &Client{cfg: settings{Config: cfg}, log: cfg.Logger, retry: newRetryPolicy(cfg)}
	rc, err := river.NewClient(c.driver(), c.riverConfig())
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	c.river = rc
	return c, nil
}

// driver picks River's driver for the dialect (see the package comment).
func (c *Client) driver() riverdriver.Driver[*sql.Tx] {
	if c.cfg.Dialect == sqlstore.DialectSQLite {
		return riversqlite.New(c.cfg.DB)
	}
	if c.cfg.Pool != nil && c.cfg.Work {
		return riverdatabasesql.NewWithPgxListener(c.cfg.DB, c.cfg.Pool)
	}
	return riverdatabasesql.New(c.cfg.DB)
}

func (c *Client) riverConfig() *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &analyzeWorker{c: c})
	river.AddWorker(workers, &notifyWorker{c: c})
	river.AddWorker(workers, &cleanupWorker{c: c})
	river.AddWorker(workers, &reconcileWorker{c: c})

	rc := &river.Config{
		FetchCooldown:        c.cfg.FetchCooldown,
		FetchPollInterval:    c.cfg.FetchPollInterval,
		JobTimeout:           c.cfg.JobTimeout,
		Logger:               c.log,
		Middleware:           []rivertype.Middleware{&taskEvents{c: c}},
		RescueStuckJobsAfter: c.cfg.RescueStuckJobsAfter,
		RetryPolicy:          c.retry,
		Schema:               c.cfg.Schema,
		TestOnly:             c.cfg.testOnly,
		// Workers are registered on insert-only clients too, so that an
		// insert of an unknown kind fails at once.
		Workers: workers,
	}
	if !c.cfg.Work {
		return rc
	}
	rc.Queues = map[string]river.QueueConfig{
		QueueAnalysis:      {MaxWorkers: c.cfg.AnalysisWorkers},
		QueueNotifications: {MaxWorkers: c.cfg.NotificationWorkers},
		QueueMaintenance:   {MaxWorkers: c.cfg.MaintenanceWorkers},
	}
	// Without a listener the client would otherwise log that it falls back
	// to polling on every start.
	rc.PollOnly = c.cfg.Dialect == sqlstore.DialectPostgres && c.cfg.Pool == nil
	rc.PeriodicJobs = []*river.PeriodicJob{c.reconcilePeriodicJob()}
	if c.cfg.Retention > 0 {
		rc.PeriodicJobs = append(rc.PeriodicJobs, c.cleanupPeriodicJob())
	}
	return rc
}

// settings is the client's Config and, once started, the Handler its
// workers call.
type settings struct {
	Config
	Handler Handler
}

// Start begins working jobs with h when Config.Work is set; otherwise it
// does nothing (an insert-only client needs no handler). The handler comes
// here rather than in Config because it is usually the orchestrator, which
// itself needs the client to queue jobs: build the client, then the
// orchestrator, then start. Cancelling ctx stops the client hard (running
// jobs' contexts are cancelled); prefer Stop.
func (c *Client) Start(ctx context.Context, h Handler) error {
	if !c.cfg.Work {
		return nil
	}
	if h == nil {
		return errors.New("jobs: start: a Handler is required to work jobs")
	}
	// Written before River starts the goroutines that read it.
	c.cfg.Handler = h
	if err := c.river.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish. If ctx ends
// first, running jobs' contexts are cancelled and Stop waits a few seconds
// more for them to return before giving up; unfinished jobs are then
// rescued by another worker after RescueStuckJobsAfter.
func (c *Client) Stop(ctx context.Context) error {
	if !c.cfg.Work {
		return nil
	}
	err := c.river.Stop(ctx)
	if err == nil {
		return nil
	}
	if ctx.Err() == nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopAndCancelTimeout)
	defer cancel()
	if hardErr := c.river.StopAndCancel(cancelCtx); hardErr != nil {
		return fmt.Errorf("jobs: stop: jobs still running after cancel: %w", errors.Join(err, hardErr))
	}
	return fmt.Errorf("jobs: stop: graceful stop cut short, running jobs cancelled: %w", err)
}

// Stopped is closed once a started client has fully stopped (at once for a
// client that does not work jobs).
func (c *Client) Stopped() <-chan struct{} {
	if !c.cfg.Work {
		done := make(chan struct{})
		close(done)
		return done
	}
	return c.river.Stopped()
}

// Migrate brings River's tables up to date for the dialect. It is
// idempotent, and safe to run while other processes use the tables.
func (c *Client) Migrate(ctx context.Context) error {
	var driver riverdriver.Driver[*sql.Tx]
	if c.cfg.Dialect == sqlstore.DialectSQLite {
		driver = riversqlite.New(c.cfg.DB)
	} else {
		driver = riverdatabasesql.New(c.cfg.DB)
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: c.log, Schema: c.cfg.Schema})
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	for _, v := range res.Versions {
		c.log.InfoContext(ctx, "river migration applied", "version", v.Version, "name", v.Name)
	}
	return nil
}
