package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/jobs"
	"github.com/triagem/triagem/llm"
	"github.com/triagem/triagem/web"
)

// Defaults of the settings that belong to no other package. The others are
// the packages' own (jobs.JobTimeoutDefault, httpapi.HeartbeatDefault,
// bus.SubscriberBufferDefault…), which the command's flags reference.
const (
	AddrDefault            = "127.0.0.1:8080"
	LogFormatDefault       = "text"
	LogLevelDefault        = "info"
	ShutdownTimeoutDefault = 20 * time.Second
)

// Config is every setting of the binary (the command binds each to a flag
// -some-name and an environment variable TRIAGEM_SOME_NAME), and the few
// hooks tests and the bench use. A zero field takes its package's default,
// except where a comment says otherwise.
type Config struct {
	// Addr is where Serve's caller listens (serve); empty builds no HTTP
	// API (worker, migrate).
	Addr        string
	DatabaseURL string // SQLite file path, or postgres:// URL
	RedisURL    string // empty runs the bus in process (one instance)
	RedisPrefix string
	// StreamBuffer is how many events a stream may fall behind before it is
	// cut off (bus.SubscriberBufferDefault).
	StreamBuffer int
	JWTSecret    string
	JWKSURL      string
	// WebhookURL receives each completed result, signed with WebhookSecret.
	WebhookURL    string
	WebhookSecret string
	// CaseRetention is how long an untouched case is kept
	// (jobs.RetentionDefault); negative keeps cases for ever.
	CaseRetention time.Duration
	LogFormat     string // text or json; the command builds the logger
	LogLevel      string
	// MaxMessageBytes bounds a client message (orchestrator.MaxMessageBytesDefault).
	MaxMessageBytes int
	// RequestsPerMinute, StreamsPerUser, Heartbeat, StreamLifetime,
	// SessionTTL and SessionRateLimit: httpapi's RequestsPerMinuteDefault,
	// StreamsPerUserDefault, HeartbeatDefault, StreamLifetimeDefault,
	// SessionTTLDefault and SessionsPerMinuteDefault; a negative rate means
	// no limit.
	RequestsPerMinute int
	StreamsPerUser    int
	Heartbeat         time.Duration
	StreamLifetime    time.Duration
	// AnalysisWorkers, NotifyWorkers, MaxAttempts and JobTimeout: jobs'
	// AnalysisWorkersDefault, NotificationWorkersDefault,
	// AnalyzeMaxAttemptsDefault and JobTimeoutDefault.
	AnalysisWorkers int
	NotifyWorkers   int
	MaxAttempts     int
	JobTimeout      time.Duration
	// RescueAfter is how long a job may stay running before it is taken for
	// a dead worker's and run again. It must exceed JobTimeout; zero is
	// JobTimeout + jobs.RescueMarginDefault.
	RescueAfter time.Duration
	// RunWorkers works the job queues in this process (serve, worker).
	RunWorkers bool
	// ShutdownTimeout is the grace period for in-flight work
	// (ShutdownTimeoutDefault).
	ShutdownTimeout time.Duration
	LLMBaseURL      string
	LLMAPIKey       string
	// LLMModels is a comma-separated list; empty runs the built-ins only.
	LLMModels  string
	LLMTimeout time.Duration
	// PublicIntake is "true", "false" or empty (on in dev mode only).
	PublicIntake string
	// TrustedProxies and FrameAncestors are comma- or space-separated lists.
	TrustedProxies   string
	SessionTTL       time.Duration
	SessionRateLimit int
	FrameAncestors   string

	// Models replaces who interviews and analyses; nil picks the built-ins,
	// or the LLM models when LLMModels is set. For tests.
	Models *Models
	// Bus replaces the bus RedisURL would open; Close leaves it open.
	Bus triagem.Bus
	// Jobs tunes the job client beyond the settings above (poll intervals,
	// retry delays): zero fields keep jobs' defaults. For tests.
	Jobs JobTuning
}

// JobTuning holds job-client knobs the binary does not expose.
type JobTuning struct {
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	RetryBase         time.Duration
	RetryMax          time.Duration
	// NoCleanup leaves out the periodic cleanup job while CaseRetention
	// still tells the pages how long cases are kept.
	NoCleanup bool
}

// WithDefaults returns a copy of c with the zero settings Validate needs
// filled: those no package defaults for it.
func (c Config) WithDefaults() Config {
	if c.LogFormat == "" {
		c.LogFormat = LogFormatDefault
	}
	if c.LogLevel == "" {
		c.LogLevel = LogLevelDefault
	}
	if c.CaseRetention == 0 {
		c.CaseRetention = jobs.RetentionDefault
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = httpapi.SessionTTLDefault
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = jobs.AnalyzeMaxAttemptsDefault
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = jobs.JobTimeoutDefault
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = ShutdownTimeoutDefault
	}
	if c.LLMBaseURL == "" {
		c.LLMBaseURL = llm.BaseURLDefault
	}
	if c.LLMTimeout == 0 {
		c.LLMTimeout = llm.TimeoutDefault
	}
	return c
}

// Validate reports the first setting that cannot work, in words an operator
// can act on.
func (c Config) Validate() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("log format %q: want text or json", c.LogFormat)
	}
	if c.Addr == "" && c.RunWorkers && c.RedisURL == "" && c.Bus == nil {
		return errors.New("worker needs TRIAGEM_REDIS_URL: without a shared bus its task and result events would reach no stream (the embedded setup runs workers inside serve)")
	}
	if c.Addr != "" && c.DevMode() && !loopback(c.Addr) {
		return errors.New("dev mode (no TRIAGEM_JWT_SECRET or TRIAGEM_JWKS_URL) listens on loopback only: set a key, or use an address like 127.0.0.1:8080")
	}
	if c.PublicIntake != "" {
		if _, err := strconv.ParseBool(c.PublicIntake); err != nil {
			return fmt.Errorf("public intake %q: want true or false", c.PublicIntake)
		}
	}
	if c.publicIntake() && c.JWTSecret == "" && c.JWKSURL != "" {
		return errors.New("public intake signs its own session tokens: set TRIAGEM_JWT_SECRET beside TRIAGEM_JWKS_URL, or TRIAGEM_PUBLIC_INTAKE=false")
	}
	if _, err := httpapi.ParseTrustedProxies(c.TrustedProxies); err != nil {
		return fmt.Errorf("trusted proxies: %w", err)
	}
	if err := web.CheckFrameAncestors(c.frameAncestors()); err != nil {
		return fmt.Errorf("frame ancestors: %w", err)
	}
	if c.SessionTTL <= 0 {
		return errors.New("session ttl must be positive")
	}
	if c.MaxAttempts < 1 {
		return errors.New("max attempts must be at least 1")
	}
	if c.JobTimeout <= 0 {
		return errors.New("job timeout must be positive")
	}
	if c.RescueAfter < 0 || (c.RescueAfter > 0 && c.RescueAfter <= c.JobTimeout) {
		return fmt.Errorf("rescue after %s must exceed the job timeout %s: a job still running is only presumed dead once its timeout has passed", c.RescueAfter, c.JobTimeout)
	}
	if c.llmEnabled() {
		lc := c.llmConfig()
		if err := lc.Validate(); err != nil {
			return fmt.Errorf("llm: %w", err)
		}
		// Failover may call every model in turn within one job.
		if time.Duration(len(lc.Models))*lc.Timeout >= c.JobTimeout {
			return fmt.Errorf("llm timeout × %d models must stay below the job timeout %s", len(lc.Models), c.JobTimeout)
		}
	}
	return nil
}

// DevMode is true when no key is configured: tokens are signed with the
// public dev secret, so the server must not be reachable from elsewhere.
func (c Config) DevMode() bool { return c.JWTSecret == "" && c.JWKSURL == "" }

// publicIntake is whether anyone may get an anonymous session: as set, or
// on in dev mode and off otherwise.
func (c Config) publicIntake() bool {
	on, err := strconv.ParseBool(c.PublicIntake)
	if err != nil {
		return c.DevMode()
	}
	return on
}

// frameAncestors splits the configured list.
func (c Config) frameAncestors() []string {
	return strings.FieldsFunc(c.FrameAncestors, func(r rune) bool { return r == ',' || r == ' ' })
}

// llmEnabled reports whether any LLM model is configured.
func (c Config) llmEnabled() bool { return strings.TrimSpace(c.LLMModels) != "" }

func (c Config) llmConfig() llm.Config {
	var models []string
	for m := range strings.SplitSeq(c.LLMModels, ",") {
		if m = strings.TrimSpace(m); m != "" {
			models = append(models, m)
		}
	}
	return llm.Config{BaseURL: c.LLMBaseURL, APIKey: c.LLMAPIKey, Models: models, Timeout: c.LLMTimeout}.WithDefaults()
}

// loopback reports whether addr can only be reached from this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NewLogger is the logger the settings ask for, writing to w.
func NewLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}
