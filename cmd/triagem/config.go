package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/llm"
	"github.com/triagem/triagem/web"
)

// Config is every setting of the binary. Each has an environment variable
// TRIAGEM_<NAME> and a flag -<name>; the flag wins.
type Config struct {
	Addr              string
	DatabaseURL       string
	RedisURL          string
	RedisPrefix       string
	StreamBuffer      int
	JWTSecret         string
	JWKSURL           string
	WebhookURL        string
	WebhookSecret     string
	CaseRetention     time.Duration
	LogFormat         string
	LogLevel          string
	MaxMessageBytes   int
	RequestsPerMinute int
	StreamsPerUser    int
	Heartbeat         time.Duration
	StreamLifetime    time.Duration
	AnalysisWorkers   int
	NotifyWorkers     int
	MaxAttempts       int
	JobTimeout        time.Duration
	RescueAfter       time.Duration
	RunWorkers        bool
	ShutdownTimeout   time.Duration
	LLMBaseURL        string
	LLMAPIKey         string
	LLMModels         string
	LLMTimeout        time.Duration
	PublicIntake      string
	TrustedProxies    string
	SessionTTL        time.Duration
	SessionRateLimit  int
	FrameAncestors    string
}

// flagSet binds c to a flag set. Every flag -some-name also reads
// TRIAGEM_SOME_NAME (the flag wins); -help lists each with its default.
func (c *Config) flagSet(name string, serving bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.DatabaseURL, "database-url", "triagem.db", "SQLite file path, or postgres:// URL")
	fs.StringVar(&c.RedisURL, "redis-url", "", "redis:// URL; empty runs the event bus in process (one instance)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", "triagem:", "prefix of every Redis key and channel (several deployments can share one Redis)")
	fs.IntVar(&c.StreamBuffer, "stream-buffer", 32, "events a stream may fall behind before it is cut off (the client then resumes)")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	if serving {
		c.serveFlags(fs)
	}
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " (" + envName(f.Name) + ")" })
	return fs
}

func (c *Config) serveFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.JWTSecret, "jwt-secret", "", "HS256 secret for bearer tokens; empty (and no JWKS URL) is dev mode, loopback only")
	fs.StringVar(&c.JWKSURL, "jwks-url", "", "JWKS URL for RS256/ES256 bearer tokens")
	fs.StringVar(&c.WebhookURL, "webhook-url", "", "URL that receives each completed result (POST, signed)")
	fs.StringVar(&c.WebhookSecret, "webhook-secret", "", "HMAC-SHA256 key for the webhook signature")
	fs.DurationVar(&c.CaseRetention, "case-retention", 30*24*time.Hour, "cases untouched this long are erased")
	fs.IntVar(&c.MaxMessageBytes, "max-message-bytes", 8<<10, "longest client message in bytes")
	fs.IntVar(&c.RequestsPerMinute, "rate-limit", 120, "requests per user per minute (negative: no limit)")
	fs.IntVar(&c.StreamsPerUser, "streams-per-user", 8, "open event streams per user")
	fs.DurationVar(&c.Heartbeat, "heartbeat", 15*time.Second, "interval of stream heartbeats")
	fs.DurationVar(&c.StreamLifetime, "stream-lifetime", 30*time.Minute, "longest a stream stays open (±10% jitter)")
	fs.IntVar(&c.AnalysisWorkers, "analysis-workers", 4, "concurrent analysis jobs per process")
	fs.IntVar(&c.NotifyWorkers, "notify-workers", 2, "concurrent webhook deliveries per process")
	fs.IntVar(&c.MaxAttempts, "max-attempts", 5, "attempts of a background job before it fails")
	fs.DurationVar(&c.JobTimeout, "job-timeout", 2*time.Minute, "a running job older than this is presumed dead and run again")
	fs.DurationVar(&c.RescueAfter, "rescue-after", 0, "a job still running this long is taken for a dead worker's and run again (0: job timeout + 1m)")
	fs.BoolVar(&c.RunWorkers, "workers", true, "also run the background workers in this process")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "grace period for in-flight work on shutdown")
	fs.StringVar(&c.LLMBaseURL, "llm-base-url", llm.BaseURLDefault, "OpenAI-compatible API root (the part before /chat/completions)")
	fs.StringVar(&c.LLMAPIKey, "llm-api-key", "", "bearer key of the LLM endpoint (empty: none, for local servers)")
	fs.StringVar(&c.LLMModels, "llm-models", "", "comma-separated models; the first interviews and judges, all analyse in order before the built-in analyzer; empty: built-ins only, offline")
	fs.DurationVar(&c.LLMTimeout, "llm-timeout", llm.TimeoutDefault, "bound of one LLM analysis call, retries included")
	fs.StringVar(&c.PublicIntake, "public-intake", "", "serve anonymous client sessions (POST /api/v2/session) to anyone: true or false; empty: true in dev mode, false otherwise")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "comma-separated CIDRs of proxies whose X-Forwarded-For names the client (per-IP limits); empty: trust none")
	fs.DurationVar(&c.SessionTTL, "session-ttl", httpapi.SessionTTLDefault, "life of an anonymous session token (the page renews it while active)")
	fs.IntVar(&c.SessionRateLimit, "session-rate-limit", httpapi.SessionsPerMinuteDefault, "session and dev-token requests per client IP per minute (negative: no limit)")
	fs.StringVar(&c.FrameAncestors, "frame-ancestors", "", "space- or comma-separated origins allowed to embed the pages (CSP frame-ancestors); empty: none")
}

// publicIntake is whether anyone may get an anonymous session: as set, or
// on in dev mode and off otherwise.
func (c *Config) publicIntake() bool {
	on, err := strconv.ParseBool(c.PublicIntake)
	if err != nil {
		return c.devMode()
	}
	return on
}

// frameAncestors splits the configured list.
func (c *Config) frameAncestors() []string {
	return strings.FieldsFunc(c.FrameAncestors, func(r rune) bool { return r == ',' || r == ' ' })
}

// llmEnabled reports whether any LLM model is configured.
func (c *Config) llmEnabled() bool { return strings.TrimSpace(c.LLMModels) != "" }

func (c *Config) llmConfig() llm.Config {
	var models []string
	for m := range strings.SplitSeq(c.LLMModels, ",") {
		if m = strings.TrimSpace(m); m != "" {
			models = append(models, m)
		}
	}
	return llm.Config{BaseURL: c.LLMBaseURL, APIKey: c.LLMAPIKey, Models: models, Timeout: c.LLMTimeout}.WithDefaults()
}

// envName is the environment variable of a flag: -rate-limit → TRIAGEM_RATE_LIMIT.
func envName(flagName string) string {
	return "TRIAGEM_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse applies the environment, then the command line, so that flags win;
// a malformed value in either is an error naming it.
func parse(fs *flag.FlagSet, args []string) error {
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return fs.Parse(args)
}

// devMode is true when no key is configured: tokens are signed with the
// public dev secret, so the server must not be reachable from elsewhere.
func (c *Config) devMode() bool { return c.JWTSecret == "" && c.JWKSURL == "" }

func (c *Config) validate() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("log format %q: want text or json", c.LogFormat)
	}
	if c.Addr != "" && c.devMode() && !loopback(c.Addr) {
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
