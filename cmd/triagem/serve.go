package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/bus"
	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/interview"
	"github.com/triagem/triagem/jobs"
	"github.com/triagem/triagem/llm"
	"github.com/triagem/triagem/orchestrator"
	"github.com/triagem/triagem/sqlstore"
	"github.com/triagem/triagem/web"
)

// app is one running process: the store, the bus, the job client and,
// when serving, the HTTP server. Close releases them in reverse order.
type app struct {
	cfg      Config
	log      *slog.Logger
	registry *prometheus.Registry
	store    *sqlstore.Store
	bus      triagem.Bus
	jobs     *jobs.Client
	orch     *orchestrator.Orchestrator
	closers  []func() error
}

// runServe runs `serve` (API, streams and, unless -workers=false, the
// workers) or, with serving false, `worker` (workers only).
func runServe(ctx context.Context, args []string, stderr io.Writer, serving bool) error {
	var cfg Config
	name := "worker"
	if serving {
		name = "serve"
	}
	fs := cfg.flagSet(name, true)
	fs.SetOutput(stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if !serving {
		cfg.Addr, cfg.RunWorkers = "", true
		if cfg.RedisURL == "" {
			return errors.New("worker needs TRIAGEM_REDIS_URL: without a shared bus its task and result events would reach no stream (the embedded setup runs workers inside serve)")
		}
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.close()
	if serving {
		return a.serve(ctx)
	}
	return a.work(ctx)
}

// openApp opens every dependency the configuration names and migrates the
// database, so that a fresh machine needs no separate step.
func openApp(ctx context.Context, cfg Config, log *slog.Logger) (_ *app, err error) {
	a := &app{cfg: cfg, log: log, registry: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			a.close()
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
	if a.bus, err = openBus(ctx, cfg, log, a.registry); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.bus.Close)
	if err = a.openFlow(); err != nil {
		return nil, err
	}
	if err = a.jobs.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	return a, nil
}

// openFlow builds the orchestrator and the job client, which need each
// other: jobs run the orchestrator's analysis, and the orchestrator queues
// jobs. The handler closure breaks the cycle.
func (a *app) openFlow() error {
	handler := &flowHandler{}
	var err error
	a.jobs, err = jobs.New(jobs.Config{
		DB:                  a.store.DB(),
		Pool:                a.store.Pool(),
		Dialect:             a.store.Dialect(),
		Handler:             handler,
		Publisher:           a.bus,
		Logger:              a.log,
		Work:                a.cfg.RunWorkers,
		AnalysisWorkers:     a.cfg.AnalysisWorkers,
		NotificationWorkers: a.cfg.NotifyWorkers,
		Analyze:             jobs.KindConfig{MaxAttempts: a.cfg.MaxAttempts},
		JobTimeout:          a.cfg.JobTimeout,
		WebhookURL:          a.cfg.WebhookURL,
		WebhookSecret:       a.cfg.WebhookSecret,
		Retention:           a.cfg.CaseRetention,
	})
	if err != nil {
		return fmt.Errorf("job client: %w", err)
	}
	interviewer, simple, analyzers, judge := a.triageModels()
	a.orch, err = orchestrator.New(orchestrator.Config{
		Store:           a.store,
		Bus:             a.bus,
		Interviewer:     interviewer,
		Simple:          simple,
		Analyzers:       analyzers,
		Judge:           judge,
		Queue:           a.jobs,
		MaxMessageBytes: a.cfg.MaxMessageBytes,
		MaxQuestions:    a.maxQuestions,
		Logger:          a.log,
	})
	handler.Orchestrator = a.orch
	return err
}

// triageModels picks who interviews and analyses. Offline, the built-in
// interviewer and both built-in analyzers. With LLM models, the first model
// interviews (the built-in takes any turn it fails) and judges; every model
// analyses, in order, before the built-in rules analyzer, which stays the
// simple strategy's and the chain's last resort. The lexicon analyzer then
// leaves the ensemble, or the two built-ins would outvote a single model.
func (a *app) triageModels() (triagem.Interviewer, triagem.Analyzer, []triagem.Analyzer, triagem.Analyzer) {
	builtins := withTestHooks([]triagem.Analyzer{interview.NewRulesAnalyzer(), interview.NewLexiconAnalyzer()})
	var interviewer triagem.Interviewer = interview.New(interview.Config{})
	if !a.cfg.llmEnabled() {
		return interviewer, builtins[0], builtins, nil
	}
	lc := a.cfg.llmConfig()
	lc.Logger = a.log
	first := lc.Models[0]
	analyzers := append(llm.NewAnalyzers(lc), builtins[0])
	return llm.NewInterviewer(lc, first, interviewer), builtins[0], analyzers, llm.NewJudge(lc, first)
}

// maxQuestions is the interviewer's question limit, for the pages'
// progress: the LLM interviewer's one limit, or the built-in's per
// complexity (its default Config).
func (a *app) maxQuestions(c triagem.Complexity) int {
	if a.cfg.llmEnabled() {
		return a.cfg.llmConfig().MaxQuestions
	}
	switch c {
	case triagem.ComplexityLow:
		return interview.MaxQuestionsLowDefault
	case triagem.ComplexityHigh:
		return interview.MaxQuestionsHighDefault
	default:
		return interview.MaxQuestionsMediumDefault
	}
}

// flowHandler lets the job client be built before the orchestrator.
type flowHandler struct{ *orchestrator.Orchestrator }

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

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			a.log.Error("close", "err", err)
		}
	}
}

func (a *app) verifier(ctx context.Context) (auth.Verifier, error) {
	switch {
	case a.cfg.JWKSURL != "" && a.cfg.JWTSecret != "":
		// The identity provider's tokens, and the sessions Triagem issues.
		jwks, err := auth.NewJWKS(ctx, auth.JWKSConfig{URL: a.cfg.JWKSURL})
		if err != nil {
			return nil, err
		}
		return auth.Either{HMAC: auth.NewHMAC(a.cfg.JWTSecret), Other: jwks}, nil
	case a.cfg.JWKSURL != "":
		return auth.NewJWKS(ctx, auth.JWKSConfig{URL: a.cfg.JWKSURL})
	case a.cfg.JWTSecret != "":
		return auth.NewHMAC(a.cfg.JWTSecret), nil
	default:
		a.log.Warn("dev mode: no TRIAGEM_JWT_SECRET or TRIAGEM_JWKS_URL; tokens from `triagem token` are accepted, loopback only")
		return auth.NewHMAC(auth.DevSecret), nil
	}
}

// issuer signs the tokens Triagem gives out itself (sessions, dev
// sign-in) with the HS256 secret; nil when only a JWKS is configured.
func (a *app) issuer() *auth.Issuer {
	switch {
	case a.cfg.JWTSecret != "":
		return auth.NewIssuer(a.cfg.JWTSecret, nil)
	case a.cfg.devMode():
		return auth.NewIssuer(auth.DevSecret, nil)
	default:
		return nil
	}
}

// serve runs the HTTP server and, when configured, the workers, until ctx
// ends; then it closes streams, drains requests and stops the workers.
func (a *app) serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return a.serveOn(ctx, ln)
}

// serveOn is serve on a listener already open (the bench's, on port 0).
func (a *app) serveOn(ctx context.Context, ln net.Listener) error {
	defer ln.Close()
	verifier, err := a.verifier(ctx)
	if err != nil {
		return fmt.Errorf("token verifier: %w", err)
	}
	riverUI, err := a.jobs.RiverUI(ctx, "/admin/riverui")
	if err != nil {
		return fmt.Errorf("river ui: %w", err)
	}
	proxies, err := httpapi.ParseTrustedProxies(a.cfg.TrustedProxies)
	if err != nil {
		return err
	}
	api, err := httpapi.New(httpapi.Config{
		Issuer:            a.issuer(),
		PublicIntake:      a.cfg.publicIntake(),
		DevMode:           a.cfg.devMode(),
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
		return err
	}
	defer api.Close()
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(api.CloseStreams)
	if err := a.startWorkers(ctx); err != nil {
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
	return a.stopWorkers(shutdownCtx)
}

// work runs only the workers until ctx ends.
func (a *app) work(ctx context.Context) error {
	if err := a.startWorkers(ctx); err != nil {
		return err
	}
	a.log.Info("working", "database", a.store.Dialect())
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	return a.stopWorkers(shutdownCtx)
}

func (a *app) startWorkers(ctx context.Context) error {
	// Jobs outlive the request that queued them: the client's context is
	// not ctx (cancelled on SIGTERM) but stopped explicitly, after HTTP.
	if err := a.jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job client: %w", err)
	}
	return nil
}

func (a *app) stopWorkers(ctx context.Context) error {
	if err := a.jobs.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop job client: %w", err)
	}
	return nil
}

// runMigrate applies the store's and the job queue's migrations.
func runMigrate(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg Config
	fs := cfg.flagSet("migrate", false)
	fs.SetOutput(stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	// Migrating needs neither workers nor Redis.
	cfg.RunWorkers, cfg.RedisURL = false, ""
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	a.close()
	log.Info("migrated")
	return nil
}
