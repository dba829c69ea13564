package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/triagem/triagem/bus"
	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/internal/app"
	"github.com/triagem/triagem/jobs"
	"github.com/triagem/triagem/llm"
	"github.com/triagem/triagem/orchestrator"
	"github.com/triagem/triagem/sqlstore"
)

// flagSet binds c to a flag set. Every flag -some-name also reads
// TRIAGEM_SOME_NAME (the flag wins); -help lists each with its default,
// which is the owning package's XxxDefault.
func flagSet(c *app.Config, name string, serving bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.DatabaseURL, "database-url", sqlstore.SQLiteFileDefault, "SQLite file path, or postgres:// URL")
	fs.StringVar(&c.RedisURL, "redis-url", "", "redis:// URL; empty runs the event bus in process (one instance)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", bus.PrefixDefault, "prefix of every Redis key and channel (several deployments can share one Redis)")
	fs.IntVar(&c.StreamBuffer, "stream-buffer", bus.SubscriberBufferDefault, "events a stream may fall behind before it is cut off (the client then resumes)")
	fs.StringVar(&c.LogFormat, "log-format", app.LogFormatDefault, "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", app.LogLevelDefault, "log level: debug, info, warn, error")
	if serving {
		serveFlags(c, fs)
	}
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " (" + envName(f.Name) + ")" })
	return fs
}

func serveFlags(c *app.Config, fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", app.AddrDefault, "listen address")
	fs.StringVar(&c.JWTSecret, "jwt-secret", "", "HS256 secret for bearer tokens; empty (and no JWKS URL) is dev mode, loopback only")
	fs.StringVar(&c.JWKSURL, "jwks-url", "", "JWKS URL for RS256/ES256 bearer tokens")
	fs.StringVar(&c.WebhookURL, "webhook-url", "", "URL that receives each completed result (POST, signed)")
	fs.StringVar(&c.WebhookSecret, "webhook-secret", "", "HMAC-SHA256 key for the webhook signature")
	fs.DurationVar(&c.CaseRetention, "case-retention", jobs.RetentionDefault, "cases untouched this long are erased")
	fs.IntVar(&c.MaxMessageBytes, "max-message-bytes", orchestrator.MaxMessageBytesDefault, "longest client message in bytes")
	fs.IntVar(&c.RequestsPerMinute, "rate-limit", httpapi.RequestsPerMinuteDefault, "requests per user per minute (negative: no limit)")
	fs.IntVar(&c.StreamsPerUser, "streams-per-user", httpapi.StreamsPerUserDefault, "open event streams per user")
	fs.DurationVar(&c.Heartbeat, "heartbeat", httpapi.HeartbeatDefault, "interval of stream heartbeats")
	fs.DurationVar(&c.StreamLifetime, "stream-lifetime", httpapi.StreamLifetimeDefault, "longest a stream stays open (±10% jitter)")
	fs.IntVar(&c.AnalysisWorkers, "analysis-workers", jobs.AnalysisWorkersDefault, "concurrent analysis jobs per process")
	fs.IntVar(&c.NotifyWorkers, "notify-workers", jobs.NotificationWorkersDefault, "concurrent webhook deliveries per process")
	fs.IntVar(&c.MaxAttempts, "max-attempts", jobs.AnalyzeMaxAttemptsDefault, "attempts of a background job before it fails")
	fs.DurationVar(&c.JobTimeout, "job-timeout", jobs.JobTimeoutDefault, "a job running longer is cancelled (and retried while attempts remain)")
	fs.DurationVar(&c.RescueAfter, "rescue-after", 0, fmt.Sprintf("a job still running this long is taken for a dead worker's and run again; must exceed -job-timeout (0: job timeout + %s)", jobs.RescueMarginDefault))
	fs.BoolVar(&c.RunWorkers, "workers", true, "also run the background workers in this process")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", app.ShutdownTimeoutDefault, "grace period for in-flight work on shutdown")
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
