// Package httpapi serves Triagem over HTTP: the triage API, the event
// stream (SSE), task management, health and metrics. Handlers return errors;
// one writer turns them into application/problem+json.
package httpapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/orchestrator"
)

// Defaults for Config.
const (
	MaxBodyBytesDefault      = 64 << 10
	RequestsPerMinuteDefault = 120
	StreamsPerUserDefault    = 8
	HeartbeatDefault         = 15 * time.Second
	StreamLifetimeDefault    = 30 * time.Minute
	RetryHintDefault         = 3 * time.Second
	SessionTTLDefault        = 2 * time.Hour
	SessionsPerMinuteDefault = 60
	DevTokenTTLDefault       = 12 * time.Hour
)

// ReadyCheck reports whether one dependency is usable (for /readyz).
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// Config wires a Server. Orchestrator, Bus and Verifier are required.
type Config struct {
	Orchestrator *orchestrator.Orchestrator
	Bus          triagem.Bus
	Verifier     auth.Verifier
	// Tasks serves /api/v2/tasks and the queue part of /stats; nil disables
	// both (404).
	Tasks Tasks
	// UI serves the pages: / (the client's intake), /inbox/ (the firm's
	// inbox) and their files under /intake/, /inbox/, /shared/ and
	// /vendor/; nil serves nothing there. Page headers are UI's.
	UI http.Handler
	// Issuer mints session and dev tokens; nil disables both routes.
	Issuer *auth.Issuer
	// PublicIntake serves POST /api/v2/session: anyone may get an
	// anonymous client token. Off, the route answers 404 and the intake
	// page takes a token handed over by the embedding site.
	PublicIntake bool
	// DevMode serves POST /api/v2/dev/token (staff and admin tokens for
	// the inbox's sign-in button); never set it outside dev mode.
	DevMode bool
	// SessionTTL is the life of a session token. Defaults to 2 h.
	SessionTTL time.Duration
	// SessionsPerMinute bounds unauthenticated token requests per client
	// IP. Defaults to 60; negative disables.
	SessionsPerMinute int
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client; from anywhere else the header is ignored.
	TrustedProxies []netip.Prefix
	// Retention is how long an untouched case is kept, shown by the
	// intake's data notice (through /labels).
	Retention time.Duration
	// RiverUI is the task dashboard, mounted at /admin/riverui/ for admins.
	RiverUI http.Handler
	// Counts returns cases by status for /stats.
	Counts func(ctx context.Context) (map[triagem.Status]int, error)
	Ready  []ReadyCheck
	// Registry receives the server's metrics and is served at /metrics.
	// Defaults to a new registry.
	Registry *prometheus.Registry
	// MaxBodyBytes bounds request bodies. Defaults to 64 KiB.
	MaxBodyBytes int64
	// RequestsPerMinute per user. Defaults to 120; negative disables.
	RequestsPerMinute int
	// StreamsPerUser bounds open streams per user. Defaults to 8.
	StreamsPerUser int
	// Heartbeat is how often idle streams get a comment. Defaults to 15 s.
	Heartbeat time.Duration
	// StreamLifetime is the longest a stream stays open (±10% jitter, so
	// reconnects spread out). Defaults to 30 min.
	StreamLifetime time.Duration
	// RetryHint is the reconnection delay suggested to browsers. Defaults to 3 s.
	RetryHint time.Duration
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now defaults to time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	c.MaxBodyBytes = cmp.Or(c.MaxBodyBytes, MaxBodyBytesDefault)
	c.RequestsPerMinute = cmp.Or(c.RequestsPerMinute, RequestsPerMinuteDefault)
	c.StreamsPerUser = cmp.Or(c.StreamsPerUser, StreamsPerUserDefault)
	c.Heartbeat = cmp.Or(c.Heartbeat, HeartbeatDefault)
	c.StreamLifetime = cmp.Or(c.StreamLifetime, StreamLifetimeDefault)
	c.RetryHint = cmp.Or(c.RetryHint, RetryHintDefault)
	c.SessionTTL = cmp.Or(c.SessionTTL, SessionTTLDefault)
	c.SessionsPerMinute = cmp.Or(c.SessionsPerMinute, SessionsPerMinuteDefault)
	c.Logger = cmp.Or(c.Logger, slog.Default())
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Server is the HTTP face of Triagem.
type Server struct {
	cfg     Config
	orch    *orchestrator.Orchestrator
	log     *slog.Logger
	mux     *http.ServeMux
	limiter *limiter
	// ipLimiter bounds unauthenticated requests per client IP.
	ipLimiter *limiter
	hub       *hub
	metrics   *metrics
	// patterns lists the documented routes, in registration order.
	patterns []string
}

// New returns a Server. Close it to stop its heartbeat and end its streams.
func New(cfg Config) (*Server, error) {
	if cfg.Orchestrator == nil || cfg.Bus == nil || cfg.Verifier == nil {
		return nil, errors.New("httpapi: Orchestrator, Bus and Verifier are required")
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:       cfg,
		orch:      cfg.Orchestrator,
		log:       cfg.Logger,
		mux:       http.NewServeMux(),
		limiter:   newLimiter(cfg.RequestsPerMinute, cfg.Now),
		ipLimiter: newLimiter(cfg.SessionsPerMinute, cfg.Now),
		hub:       newHub(cfg.Heartbeat, cfg.StreamsPerUser),
	}
	s.metrics = newMetrics(cfg.Registry, s.hub)
	s.routes()
	return s, nil
}

// Handler serves every route.
func (s *Server) Handler() http.Handler { return s.logRequests(s.mux) }

// CloseStreams ends every open stream cleanly; call it when shutting down
// (http.Server.RegisterOnShutdown), as streams never go idle by themselves.
func (s *Server) CloseStreams() { s.hub.close() }

// Close stops the heartbeat and ends every stream.
func (s *Server) Close() error {
	s.hub.close()
	return nil
}

func (s *Server) routes() {
	const triage = "/api/v2/triage"
	s.handle("POST "+triage+"/start", s.api(s.handleStart))
	s.handle("POST "+triage+"/continue", s.api(s.handleContinue))
	s.handle("GET "+triage+"/status/{case_id}", s.api(s.handleStatus))
	s.handle("GET "+triage+"/result/{case_id}", s.api(s.handleResult))
	s.handle("POST "+triage+"/force-complete", s.api(s.handleForceComplete))
	s.handle("GET "+triage+"/cases", s.api(s.handleCaseList))
	s.handle("GET "+triage+"/cases/{case_id}", s.api(s.handleCaseDetail))
	s.handle("PUT "+triage+"/cases/{case_id}/contact", s.api(s.handleContact))
	s.handle("PATCH "+triage+"/cases/{case_id}/handling", s.api(s.handleHandling))
	s.handle("POST "+triage+"/cases/{case_id}/notes", s.api(s.handleNote))
	s.handle("DELETE "+triage+"/cases/{case_id}", s.api(s.handleDelete))
	s.handle("GET "+triage+"/stream/{case_id}", s.stream(s.handleStream))
	s.handle("POST "+triage+"/events/{case_id}", s.api(s.handlePublish))
	s.handle("GET "+triage+"/stats", s.api(s.handleStats))
	s.handle("GET /api/v2/inbox/stream", s.stream(s.handleInboxStream))
	s.handle("GET /api/v2/labels", s.api(s.handleLabels))
	s.handle("POST /api/v2/session", http.HandlerFunc(s.handleSession))
	if s.cfg.DevMode && s.cfg.Issuer != nil {
		s.handle("POST /api/v2/dev/token", http.HandlerFunc(s.handleDevToken))
	}
	s.taskRoutes()
	s.handle("GET /api/v2/openapi.json", http.HandlerFunc(s.handleOpenAPI))
	s.handle("GET /healthz", http.HandlerFunc(s.handleHealth))
	s.handle("GET /readyz", http.HandlerFunc(s.handleReady))
	s.handle("GET /metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	if s.cfg.UI != nil {
		for _, pattern := range pagePatterns {
			s.mux.Handle(pattern, withRoute(pattern, s.cfg.UI))
		}
		s.mux.Handle("GET /inbox", http.RedirectHandler("/inbox/", http.StatusMovedPermanently))
		s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, triagem.Errorf(triagem.ENOTFOUND, "no route for %s %s", r.Method, r.URL.Path))
	})
}

// pagePatterns are where the pages and their files are served.
var pagePatterns = []string{"GET /{$}", "GET /inbox/", "GET /intake/", "GET /shared/", "GET /vendor/"}

// handle registers a documented route; the OpenAPI test compares the list
// with the document.
func (s *Server) handle(pattern string, h http.Handler) {
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, withRoute(pattern, h))
}

// handler is an authenticated endpoint: it returns an error rather than
// writing one.
type handler func(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error

// api authenticates with the Authorization header only, applies the rate
// limit and the body limit, and writes any error as problem+json.
func (s *Server) api(h handler) http.Handler {
	return s.authenticated(h, bearerToken)
}

// stream also accepts the token from the access_token cookie or query
// parameter: EventSource cannot set headers.
func (s *Server) stream(h handler) http.Handler {
	return s.authenticated(h, streamToken)
}

func (s *Server) authenticated(h handler, token func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := s.verify(r, token)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="triagem"`)
			s.writeError(w, r, err)
			return
		}
		setUser(r, id.Subject)
		if wait, ok := s.limiter.allow(id.Subject); !ok {
			s.writeError(w, r, retryAfter{triagem.Errorf(triagem.ERATELIMITED, "too many requests"), wait})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		ctx := withIdentity(r.Context(), id)
		p := orchestrator.Principal{Subject: id.Subject, Role: id.Role}
		if err := h(w, r.WithContext(ctx), p); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) verify(r *http.Request, token func(*http.Request) string) (auth.Identity, error) {
	raw := token(r)
	if raw == "" {
		return auth.Identity{}, triagem.Errorf(triagem.EUNAUTHORIZED, "a bearer token is required")
	}
	return s.cfg.Verifier.Verify(r.Context(), raw)
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

func streamToken(r *http.Request) string {
	if t := bearerToken(r); t != "" {
		return t
	}
	if c, err := r.Cookie("access_token"); err == nil && c.Value != "" {
		return c.Value
	}
	return r.URL.Query().Get("access_token")
}

// decode reads a JSON body into v, mapping each failure to its own code.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return triagem.Errorf(triagem.EBODYTOOLARGE, "request body is larger than %d bytes", err.(*http.MaxBytesError).Limit)
		}
		return triagem.Errorf(triagem.EINVALID, "could not read request body")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return triagem.Errorf(triagem.EINVALIDJSON, "request body must be a JSON object")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &triagem.Error{Code: triagem.EINVALIDJSON, Message: "request body is not valid JSON for this route: " + jsonProblem(err), Err: err}
	}
	return nil
}

func jsonProblem(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return "field " + te.Field + " must be " + te.Type.String()
	}
	return "malformed JSON"
}

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	ready := true
	for _, c := range s.cfg.Ready {
		if err := c.Check(ctx); err != nil {
			checks[c.Name] = "unavailable"
			ready = false
			s.log.WarnContext(ctx, "not ready", "check", c.Name, "err", err)
			continue
		}
		checks[c.Name] = "ok"
	}
	if !ready {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"type": "urn:triagem:problem:unavailable", "title": "Service Unavailable",
			"status": http.StatusServiceUnavailable, "code": triagem.EUNAVAILABLE, "checks": checks,
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "checks": checks})
}

// Routes lists the documented routes as "METHOD /path" patterns.
func (s *Server) Routes() []string { return append([]string(nil), s.patterns...) }
