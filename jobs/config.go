package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/sqlstore"
)

// Queue names. Each kind of work has its own queue so that a slow webhook
// target can never hold back analyses.
const (
	QueueAnalysis      = "analysis"
	QueueNotifications = "notifications"
	QueueMaintenance   = "maintenance"
)

// Defaults for Config. Latency-related ones are tuned for DESIGN §2: on
// SQLite new jobs are found by polling River's notification table, and on
// both databases a retry due soon is found only by the fetch poll.
const (
	AnalysisWorkersDefault     = 4
	NotificationWorkersDefault = 4
	MaintenanceWorkersDefault  = 1

	AnalyzeMaxAttemptsDefault = 5
	AnalyzeRetryBaseDefault   = 2 * time.Second
	AnalyzeRetryMaxDefault    = 2 * time.Minute

	NotifyMaxAttemptsDefault = 10
	NotifyRetryBaseDefault   = 5 * time.Second
	NotifyRetryMaxDefault    = 30 * time.Minute

	CleanupMaxAttemptsDefault = 3
	CleanupRetryBaseDefault   = 30 * time.Second
	CleanupRetryMaxDefault    = 10 * time.Minute

	FetchCooldownDefault     = 20 * time.Millisecond
	FetchPollIntervalDefault = 200 * time.Millisecond

	JobTimeoutDefault = 5 * time.Minute
	// RescueMarginDefault is added to JobTimeout to get the default
	// RescueStuckJobsAfter: a job still "running" that long after its context
	// was cancelled belongs to a dead worker.
	RescueMarginDefault = time.Minute
	// RescuerIntervalRiver is how often River's leader looks for stuck jobs;
	// River fixes it. A dead worker's job runs again at most
	// RescueStuckJobsAfter + RescuerIntervalRiver after it started, once a
	// leader is elected.
	RescuerIntervalRiver = 30 * time.Second

	WebhookTimeoutDefault = 10 * time.Second

	RetentionDefault         = 30 * 24 * time.Hour
	CleanupIntervalDefault   = time.Hour
	ReconcileIntervalDefault = time.Minute
)

// Handler does the work the jobs stand for. The orchestrator implements it.
type Handler interface {
	// Analyze runs the case's strategy, stores the result and marks the case
	// completed. It must be idempotent: a case already completed returns its
	// stored result without redoing work (a retried or rescued job, and the
	// notify job, which reads the result this way). A case that no longer
	// exists returns an error with code triagem.ENOTFOUND.
	Analyze(ctx context.Context, caseID string) (*triagem.Result, error)
	// Fail marks the case failed with reason and publishes triage_failed.
	Fail(ctx context.Context, caseID, reason string) error
	// Abandon marks the case failed with reason only if it is still
	// analyzing: its analysis job was discarded without Fail being called.
	Abandon(ctx context.Context, caseID, reason string) error
	// ExpireCases erases cases last written before t (with messages, results
	// and event history) and returns how many.
	ExpireCases(ctx context.Context, before time.Time) (int, error)
}

// Publisher puts an event on a case's stream; triagem.Bus satisfies it.
type Publisher interface {
	Publish(ctx context.Context, caseID, name string, data json.RawMessage) (triagem.Event, error)
}

// KindConfig tunes one kind of job. Zero fields take the kind's defaults.
type KindConfig struct {
	// MaxAttempts is how many times a job runs before it fails for good.
	MaxAttempts int
	// RetryBase is the delay after the first failure; it doubles after each
	// further one (with ±20% jitter) up to RetryMax.
	RetryBase time.Duration
	RetryMax  time.Duration
}

func (k KindConfig) withDefaults(def KindConfig) KindConfig {
	return KindConfig{
		MaxAttempts: cmp.Or(k.MaxAttempts, def.MaxAttempts),
		RetryBase:   cmp.Or(k.RetryBase, def.RetryBase),
		RetryMax:    cmp.Or(k.RetryMax, def.RetryMax),
	}
}

func (k KindConfig) validate(kind string) error {
	switch {
	case k.MaxAttempts < 1:
		return fmt.Errorf("%s MaxAttempts must be at least 1", kind)
	case k.RetryBase <= 0 || k.RetryMax < k.RetryBase:
		return fmt.Errorf("%s RetryBase must be positive and at most RetryMax", kind)
	}
	return nil
}

// Config wires a Client. DB, Dialect and Publisher are required; the
// Handler that does the work is given to Start, so that the client can be
// built before the orchestrator that queues its jobs.
type Config struct {
	// DB is the database the jobs live in, shared with the store so that a
	// job can be inserted in the transaction that writes its case. On
	// SQLite it must use WAL, a busy timeout and SetMaxOpenConns(1).
	DB *sql.DB
	// Pool is the pgx pool behind DB on Postgres. When set, a working client
	// LISTENs on one of its connections, so a new job starts within a few
	// milliseconds; without it the client polls every FetchPollInterval.
	// Ignored on SQLite.
	Pool *pgxpool.Pool
	// Dialect is the store's: sqlstore.Store.Dialect.
	Dialect sqlstore.Dialect
	// Schema holds River's tables on Postgres; it must match the search_path
	// of DB and Pool, and pass sqlstore.ValidSchema. Defaults to empty (the
	// search_path decides). Must be empty on SQLite.
	Schema string

	Publisher Publisher
	// Logger defaults to slog.Default().
	Logger *slog.Logger

	// Work makes the client fetch and run jobs once started (the serve and
	// worker commands). False makes an insert and admin client only.
	Work bool

	// AnalysisWorkers, NotificationWorkers and MaintenanceWorkers bound how
	// many jobs of each queue one process runs at once. Default to 4, 4 and 1.
	AnalysisWorkers     int
	NotificationWorkers int
	MaintenanceWorkers  int

	// Analyze, Notify and Cleanup tune each kind. Default to 5 attempts
	// retried after 2 s doubling to 2 min; 10 attempts after 5 s doubling to
	// 30 min; 3 attempts after 30 s doubling to 10 min.
	Analyze KindConfig
	Notify  KindConfig
	Cleanup KindConfig

	// FetchCooldown is the least time between two fetches of one queue.
	// Defaults to 20 ms.
	FetchCooldown time.Duration
	// FetchPollInterval is how often each queue looks for due jobs without
	// being told (retries, scheduled jobs, Postgres without Pool).
	// Defaults to 200 ms.
	FetchPollInterval time.Duration

	// JobTimeout cancels the context of a job that runs longer. Defaults to
	// 5 minutes (an ensemble of LLM calls can be slow).
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before it is
	// taken for a crashed worker's and retried. Must be at least JobTimeout.
	// Defaults to JobTimeout + RescueMarginDefault. River checks for stuck
	// jobs every RescuerIntervalRiver.
	RescueStuckJobsAfter time.Duration
	// ReconcileInterval is how often discarded analyses are checked for
	// cases left analyzing (a worker that died on the last attempt).
	// Defaults to 1 minute.
	ReconcileInterval time.Duration

	// WebhookURL receives every completed result. Empty disables the notify
	// job.
	WebhookURL string
	// WebhookSecret signs webhook bodies (HMAC-SHA256). Required with
	// WebhookURL.
	WebhookSecret string
	// WebhookTimeout bounds one delivery attempt. Defaults to 10 s.
	WebhookTimeout time.Duration
	// HTTPClient sends webhooks. Defaults to a client with WebhookTimeout.
	HTTPClient *http.Client

	// Retention is how long a case is kept after its last write. Defaults
	// to 30 days; a negative value disables the cleanup job.
	Retention time.Duration
	// CleanupInterval is how often the cleanup job runs. Defaults to 1 hour.
	CleanupInterval time.Duration

	// testOnly turns off River's start-up stagger of maintenance services so
	// that tests do not wait for it.
	testOnly bool
}

// WithDefaults returns a copy of cfg with every zero field set to its default.
func (cfg Config) WithDefaults() Config {
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	cfg.AnalysisWorkers = cmp.Or(cfg.AnalysisWorkers, AnalysisWorkersDefault)
	cfg.NotificationWorkers = cmp.Or(cfg.NotificationWorkers, NotificationWorkersDefault)
	cfg.MaintenanceWorkers = cmp.Or(cfg.MaintenanceWorkers, MaintenanceWorkersDefault)
	cfg.Analyze = cfg.Analyze.withDefaults(KindConfig{AnalyzeMaxAttemptsDefault, AnalyzeRetryBaseDefault, AnalyzeRetryMaxDefault})
	cfg.Notify = cfg.Notify.withDefaults(KindConfig{NotifyMaxAttemptsDefault, NotifyRetryBaseDefault, NotifyRetryMaxDefault})
	cfg.Cleanup = cfg.Cleanup.withDefaults(KindConfig{CleanupMaxAttemptsDefault, CleanupRetryBaseDefault, CleanupRetryMaxDefault})
	cfg.FetchCooldown = cmp.Or(cfg.FetchCooldown, FetchCooldownDefault)
	cfg.FetchPollInterval = cmp.Or(cfg.FetchPollInterval, FetchPollIntervalDefault)
	cfg.JobTimeout = cmp.Or(cfg.JobTimeout, JobTimeoutDefault)
	cfg.RescueStuckJobsAfter = cmp.Or(cfg.RescueStuckJobsAfter, cfg.JobTimeout+RescueMarginDefault)
	cfg.WebhookTimeout = cmp.Or(cfg.WebhookTimeout, WebhookTimeoutDefault)
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: cfg.WebhookTimeout}
	}
	cfg.Retention = cmp.Or(cfg.Retention, RetentionDefault)
	cfg.CleanupInterval = cmp.Or(cfg.CleanupInterval, CleanupIntervalDefault)
	cfg.ReconcileInterval = cmp.Or(cfg.ReconcileInterval, ReconcileIntervalDefault)
	return cfg
}

func (cfg Config) validate() error {
	if cfg.DB == nil || cfg.Publisher == nil {
		return errors.New("DB and Publisher are required")
	}
	switch cfg.Dialect {
	case sqlstore.DialectSQLite:
		if cfg.Schema != "" {
			return errors.New("Schema must be empty on SQLite")
		}
	case sqlstore.DialectPostgres:
		if cfg.Schema != "" && !sqlstore.ValidSchema(cfg.Schema) {
			return fmt.Errorf("Schema %q must be a plain lower-case identifier of at most %d characters", cfg.Schema, sqlstore.SchemaMaxLength)
		}
	default:
		return fmt.Errorf("Dialect %q must be %q or %q", cfg.Dialect, sqlstore.DialectSQLite, sqlstore.DialectPostgres)
	}
	if cfg.AnalysisWorkers < 1 || cfg.NotificationWorkers < 1 || cfg.MaintenanceWorkers < 1 {
		return errors.New("worker counts must be at least 1")
	}
	for kind, k := range map[string]KindConfig{KindAnalyze: cfg.Analyze, KindNotify: cfg.Notify, KindCleanup: cfg.Cleanup, KindReconcile: cfg.Cleanup} {
		if err := k.validate(kind); err != nil {
			return err
		}
	}
	if cfg.FetchPollInterval < cfg.FetchCooldown {
		return errors.New("FetchPollInterval must be at least FetchCooldown")
	}
	if cfg.RescueStuckJobsAfter < cfg.JobTimeout {
		return errors.New("RescueStuckJobsAfter must be at least JobTimeout")
	}
	if cfg.WebhookURL != "" {
		u, err := url.Parse(cfg.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("WebhookURL %q must be an absolute http(s) URL", cfg.WebhookURL)
		}
		if cfg.WebhookSecret == "" {
			return errors.New("WebhookSecret is required with WebhookURL: receivers must be able to verify deliveries")
		}
	}
	if cfg.CleanupInterval < time.Second {
		return errors.New("CleanupInterval must be at least 1 second")
	}
	return nil
}
