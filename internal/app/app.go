// Package app assembles Triagem from one Config: the store (migrated), the
// bus, the job client, the orchestrator and, when an address is set, the
// HTTP API. serve, worker, migrate and bench build through it, and so do the
// HTTP tests, so that what is tested and measured is what runs.
//
// The job client and the orchestrator need each other (jobs run the
// orchestrator's analysis; the orchestrator queues jobs). Open builds the
// client first, the orchestrator on it, and hands the orchestrator to the
// client when work starts (jobs.Client.Start).
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/bus"
	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/jobs"
	"github.com/triagem/triagem/orchestrator"
	"github.com/triagem/triagem/sqlstore"
	"github.com/triagem/triagem/web"
)

// HTTP server timeouts: a slow client cannot hold a connection open
// without sending its headers, and idle keep-alives are dropped.
const (
	ReadHeaderTimeout = 10 * time.Second
	IdleTimeout       = 2 * time.Minute
	// RiverUIPath is where the admin's River UI is mounted.
	RiverUIPath = "/admin/riverui"
)

// App is one process's Triagem. Open builds it; Serve or Work runs it;
// Close releases what Open opened, in reverse order.
type App struct {
	cfg      Config
	log      *slog.Logger
	registry *prometheus.Registry
	store    *sqlstore.Store
	bus      triagem.Bus
	jobs     *jobs.Client
	orch     *orchestrator.Orchestrator
	api      *httpapi.Server
	closers  []func() error
}

// Open checks cfg, opens every dependency it names and migrates the
// database and the job queue, so that a fresh machine needs no separate
// step. With cfg.Addr set it also builds the HTTP API (and fetches the
// JWKS, if any). ctx bounds opening, and the River UI's services.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (_ *App, err error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, registry: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			_ = a.Close()
		}
	}()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if a.store, err = sqlstore.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	a.closers = append(a.closers, a.store.Close)
	if err = a.store.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if a.bus = cfg.Bus; a.bus == nil {
		if a.bus, err = openBus(ctx, cfg, log, a.registry); err != nil {
			return nil, err
		}
		a.closers = append(a.closers, a.bus.Close)
	}
	if err = a.openFlow(); err != nil {
		return nil, err
	}
	if err = a.jobs.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	if cfg.Addr != "" {
		if err = a.openAPI(ctx); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// openFlow builds the job client, then the orchestrator that queues on it.
func (a *App) openFlow() error {
	retention := a.cfg.CaseRetention
	if a.cfg.Jobs.NoCleanup {
		retention = -1
	}
	var err error
	a.jobs, err = jobs.New(jobs.Config{
		DB:                   a.store.DB(),
		Pool:                 a.store.Pool(),
		Dialect:              a.store.Dialect(),
		Publisher:            a.bus,
		Logger:               a.log,
		Work:                 a.cfg.RunWorkers,
		AnalysisWorkers:      a.cfg.AnalysisWorkers,
		NotificationWorkers:  a.cfg.NotifyWorkers,
		Analyze:              jobs.KindConfig{MaxAttempts: a.cfg.MaxAttempts, RetryBase: a.cfg.Jobs.RetryBase, RetryMax: a.cfg.Jobs.RetryMax},
		FetchCooldown:        a.cfg.Jobs.FetchCooldown,
		FetchPollInterval:    a.cfg.Jobs.FetchPollInterval,
		JobTimeout:           a.cfg.JobTimeout,
		RescueStuckJobsAfter: a.cfg.RescueAfter,
		WebhookURL:           a.cfg.WebhookURL,
		WebhookSecret:        a.cfg.WebhookSecret,
		Retention:            retention,
	})
	if err != nil {
		return fmt.Errorf("job client: %w", err)
	}
	m := a.models()
	a.orch, err = orchestrator.New(orchestrator.Config{
		Store:           a.store,
		Bus:             a.bus,
		Interviewer:     m.Interviewer,
		Simple:          m.Simple,
		Analyzers:       m.Analyzers,
		Judge:           m.Judge,
		Queue:           a.jobs,
		MaxMessageBytes: a.cfg.MaxMessageBytes,
		MaxQuestions:    a.maxQuestions,
		Logger:          a.log,
	})
	if err != nil {
		return fmt.Errorf("orchestrator: %w", err)
	}
	return nil
}

// openBus opens the Redis bus when a URL is set, else the in-process one.
func openBus(ctx context.Context, cfg Config, log *slog.Logger, reg *prometheus.Registry) (triagem.Bus, error) {
	if cfg.RedisURL == "" {
		return bus.NewMemory(bus.MemoryConfig{SubscriberBuffer: cfg.StreamBuffer}), nil
	}
	up := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "triagem_redis_subscription_up", Help: "1 while this instance's Redis subscription is alive.",
	})
	reg.MustRegister(up)
	b, err := bus.NewRedis(ctx, bus.RedisConfig{
		URL:              cfg.RedisURL,
		Prefix:           cfg.RedisPrefix,
		SubscriberBuffer: cfg.StreamBuffer,
		Logger:           log,
		OnReadyChange: func(ready bool) {
			if ready {
				up.Set(1)
			} else {
				up.Set(0)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("open redis bus: %w", err)
	}
	return b, nil
}

// openAPI builds the HTTP API over the orchestrator, bus and job client.
func (a *App) openAPI(ctx context.Context) error {
	verifier, err := a.verifier(ctx)
	if err != nil {
		return fmt.Errorf("token verifier: %w", err)
	}
	riverUI, err := a.jobs.RiverUI(ctx, RiverUIPath)
	if err != nil {
		return fmt.Errorf("river ui: %w", err)
	}
	proxies, err := httpapi.ParseTrustedProxies(a.cfg.TrustedProxies)
	if err != nil {
		return err
	}
	a.api, err = httpapi.New(httpapi.Config{
		Issuer:            a.issuer(),
		PublicIntake:      a.cfg.publicIntake(),
		DevMode:           a.cfg.DevMode(),
		SessionTTL:        a.cfg.SessionTTL,
		SessionsPerMinute: a.cfg.SessionRateLimit,
		TrustedProxies:    proxies,
		Retention:         a.cfg.CaseRetention,
		Orchestrator:      a.orch,
		Bus:               a.bus,
		Verifier:          verifier,
		Tasks:             a.jobs,
		RiverUI:           riverUI,
		UI:                web.Handler(web.Options{FrameAncestors: a.cfg.frameAncestors()}),
		Counts:            a.store.CaseCountByStatus,
		Ready:             []httpapi.ReadyCheck{{Name: "database", Check: a.store.Ping}, {Name: "bus", Check: a.bus.Ready}},
		Registry:          a.registry,
		RequestsPerMinute: a.cfg.RequestsPerMinute,
		StreamsPerUser:    a.cfg.StreamsPerUser,
		Heartbeat:         a.cfg.Heartbeat,
		StreamLifetime:    a.cfg.StreamLifetime,
		Logger:            a.log,
	})
	if err != nil {
		return fmt.Errorf("http api: %w", err)
	}
	a.closers = append(a.closers, a.api.Close)
	return nil
}

// Serve runs the HTTP API on ln and, when configured, the workers, until
// ctx ends; then it closes streams, drains requests and stops the workers.
// It closes ln. Open must have had an address.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	defer ln.Close()
	if a.api == nil {
		return errors.New("serve: the application was opened without an address")
	}
	srv := &http.Server{
		Handler:           a.api.Handler(),
		ReadHeaderTimeout: ReadHeaderTimeout,
		IdleTimeout:       IdleTimeout,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(a.api.CloseStreams)
	if err := a.StartWorkers(ctx); err != nil {
		return err
	}
	a.log.Info("serving", "addr", ln.Addr().String(), "database", a.store.Dialect(), "distributed_bus", a.cfg.RedisURL != "", "workers", a.cfg.RunWorkers)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		a.log.Warn("http shutdown", "err", err)
	}
	<-served
	return a.StopWorkers(shutdownCtx)
}

// Work runs only the workers until ctx ends.
func (a *App) Work(ctx context.Context) error {
	if err := a.StartWorkers(ctx); err != nil {
		return err
	}
	a.log.Info("working", "database", a.store.Dialect())
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	return a.StopWorkers(shutdownCtx)
}

// StartWorkers starts the job client with the orchestrator as its handler
// (a no-op without RunWorkers). Serve and Work call it; a test serving the
// Handler itself calls it, and StopWorkers, by hand.
func (a *App) StartWorkers(ctx context.Context) error {
	// Jobs outlive the request that queued them: the client's context is
	// not ctx (cancelled on SIGTERM) but stopped explicitly, after HTTP.
	if err := a.jobs.Start(context.WithoutCancel(ctx), a.orch); err != nil {
		return fmt.Errorf("start job client: %w", err)
	}
	return nil
}

// StopWorkers waits for running jobs until ctx ends, then cancels them.
func (a *App) StopWorkers(ctx context.Context) error {
	if err := a.jobs.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop job client: %w", err)
	}
	return nil
}

// Close releases what Open opened, in reverse order: the API, the bus (unless
// Config.Bus gave it), the store.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			a.log.Error("close", "err", err)
			errs = append(errs, err)
		}
	}
	a.closers = nil
	return errors.Join(errs...)
}

// API is the HTTP API (nil without an address); Handler is its handler.
func (a *App) API() *httpapi.Server  { return a.api }
func (a *App) Handler() http.Handler { return a.api.Handler() }

// Store, Bus and Jobs are the application's store, bus and job client.
func (a *App) Store() *sqlstore.Store { return a.store }
func (a *App) Bus() triagem.Bus       { return a.bus }
func (a *App) Jobs() *jobs.Client     { return a.jobs }
