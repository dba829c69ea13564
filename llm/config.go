package llm

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of Config.
const (
	BaseURLDefault          = "https://api.openai.com/v1"
	TimeoutDefault          = 30 * time.Second
	InterviewTimeoutDefault = 15 * time.Second
	MaxRetriesDefault       = 1
	MaxQuestionsDefault     = 10
	CooldownDefault         = 30 * time.Second
)

// ResponseFormat is how a request asks for JSON.
type ResponseFormat string

// Response formats. JSON schema (structured outputs) makes the model follow
// the exact shape; JSON object only promises valid JSON, for servers that do
// not support schemas. Either way the answer is validated.
const (
	FormatJSONSchema ResponseFormat = "json_schema"
	FormatJSONObject ResponseFormat = "json_object"
)

// Config is how to reach an OpenAI-compatible endpoint. The zero value of
// every field but Models takes its default (see WithDefaults).
type Config struct {
	// BaseURL is the API root, the part before /chat/completions.
	// Defaults to https://api.openai.com/v1.
	BaseURL string
	// APIKey is sent as a bearer token. Empty sends no Authorization header
	// (local servers). The OPENAI_* environment variables are never read.
	APIKey string
	// Models are the model names, in failover order. NewAnalyzers makes one
	// analyzer per model; NewAnalyzer, NewJudge and NewInterviewer take
	// their model as an argument.
	Models []string
	// HTTPClient sends the requests. Defaults to a client of its own (a
	// clone of http.DefaultTransport, no client-wide timeout: Timeout
	// bounds each call).
	HTTPClient *http.Client
	// Timeout bounds one analysis call, retries included. Defaults to 30s.
	// Keep Timeout × len(Models) (failover) below the analysis job timeout.
	Timeout time.Duration
	// InterviewTimeout bounds one interview turn, retries included: the
	// client is waiting for the reply. Defaults to 15s.
	InterviewTimeout time.Duration
	// MaxRetries is how often the SDK retries a call that failed with a
	// connection error, 408, 409, 429 or 5xx. 0 means the default, 1; a
	// negative value disables retries.
	MaxRetries int
	// ResponseFormat is FormatJSONSchema (the default) or FormatJSONObject.
	ResponseFormat ResponseFormat
	// MaxQuestions ends an LLM interview after this many questions, should
	// the model never mark it complete. Defaults to 10.
	MaxQuestions int
	// Cooldown is how long the interviewer answers with its fallback alone
	// after its model could not be reached (timeout, connection error, HTTP
	// error). Defaults to 30s; a negative value disables it.
	Cooldown time.Duration
	// Logger receives a warning, without message text, whenever the
	// interviewer falls back. Defaults to slog.Default().
	Logger *slog.Logger
}

// WithDefaults returns c with every unset (zero) field set to its default;
// negative MaxRetries and Cooldown stay negative (disabled). Model names are
// trimmed and empty ones dropped. It is idempotent.
func (c Config) WithDefaults() Config {
	c.BaseURL = cmp.Or(strings.TrimSpace(c.BaseURL), BaseURLDefault)
	var models []string
	for _, m := range c.Models {
		if m = strings.TrimSpace(m); m != "" {
			models = append(models, m)
		}
	}
	c.Models = models
	if c.HTTPClient == nil {
		c.HTTPClient = newHTTPClient()
	}
	c.Timeout = cmp.Or(c.Timeout, TimeoutDefault)
	c.InterviewTimeout = cmp.Or(c.InterviewTimeout, InterviewTimeoutDefault)
	if c.MaxRetries == 0 {
		c.MaxRetries = MaxRetriesDefault
	}
	c.ResponseFormat = cmp.Or(c.ResponseFormat, FormatJSONSchema)
	c.MaxQuestions = cmp.Or(c.MaxQuestions, MaxQuestionsDefault)
	c.Cooldown = cmp.Or(c.Cooldown, CooldownDefault)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate reports what is wrong with c once defaults are applied: a base
// URL that is not http(s), a negative timeout or question limit, an
// unknown response format, no model, or a model named twice. Call it at
// start-up; the constructors do not fail, but an analyzer built from an
// invalid Config answers every call with this error.
func (c Config) Validate() error {
	c = c.WithDefaults()
	errs := []error{c.validateEndpoint()}
	if len(c.Models) == 0 {
		errs = append(errs, errors.New("no model configured"))
	}
	seen := map[string]bool{}
	for _, m := range c.Models {
		if seen[m] {
			errs = append(errs, fmt.Errorf("model %q named twice", m))
		}
		seen[m] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("llm: config: %w", err)
	}
	return nil
}

// validateEndpoint checks everything but the model list (c has defaults).
func (c Config) validateEndpoint() error {
	var errs []error
	u, err := url.Parse(c.BaseURL)
	switch {
	case err != nil:
		errs = append(errs, errors.New("base URL does not parse"))
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		errs = append(errs, errors.New("base URL must be an http:// or https:// URL with a host"))
	}
	if c.Timeout < 0 || c.InterviewTimeout < 0 {
		errs = append(errs, errors.New("timeouts must not be negative"))
	}
	if c.MaxQuestions < 0 {
		errs = append(errs, errors.New("max questions must not be negative"))
	}
	if c.ResponseFormat != FormatJSONSchema && c.ResponseFormat != FormatJSONObject {
		errs = append(errs, fmt.Errorf("response format %q: want %s or %s", c.ResponseFormat, FormatJSONSchema, FormatJSONObject))
	}
	return errors.Join(errs...)
}

func newHTTPClient() *http.Client {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return &http.Client{Transport: t.Clone()}
	}
	return &http.Client{}
}
