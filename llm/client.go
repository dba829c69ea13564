package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// Errors a call can wrap; test with errors.Is.
var (
	// ErrUnauthorized: the provider refused the credentials (HTTP 401 or
	// 403). It is a configuration error: retrying does not help.
	ErrUnauthorized = errors.New("the provider refused the credentials (HTTP 401/403): check the LLM API key, base URL and the key's access to the model; retrying will not help")
	// ErrInvalidAnswer: the model answered, but not with what was asked.
	ErrInvalidAnswer = errors.New("invalid answer")
	// ErrUnavailable: the model could not be reached or did not answer in
	// time (connection error, timeout, HTTP 408/429/5xx).
	ErrUnavailable = errors.New("model unavailable")
)

// client calls one model. It is immutable, so safe for concurrent use.
type client struct {
	model  string
	chat   openai.ChatCompletionService
	format ResponseFormat
	// err is the configuration error, when there is one: every call
	// returns it.
	err error
}

func newClient(cfg Config, model string) *client {
	cfg = cfg.WithDefaults()
	c := &client{model: strings.TrimSpace(model), format: cfg.ResponseFormat}
	errs := []error{cfg.validateEndpoint()}
	if c.model == "" {
		errs = append(errs, errors.New("empty model name"))
	}
	if err := errors.Join(errs...); err != nil {
		c.err = fmt.Errorf("llm: model %s: config: %w", c.model, err)
		return c
	}
	opts := []option.RequestOption{
		option.WithBaseURL(cfg.BaseURL),
		option.WithHTTPClient(cfg.HTTPClient),
		option.WithMaxRetries(max(cfg.MaxRetries, 0)),
	}
	if cfg.APIKey != "" {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
	}
	// The service alone, not openai.NewClient: that one also reads the
	// OPENAI_* environment variables, and our configuration is explicit.
	c.chat = openai.NewChatCompletionService(opts...)
	return c
}

// jsonSchema is one response format's name and schema.
type jsonSchema struct {
	name   string
	schema map[string]any
}

// complete sends the system prompt and the user message and returns the
// content of the first choice. timeout bounds the call, retries included.
func (c *client) complete(ctx context.Context, timeout time.Duration, system, user string, schema jsonSchema) (string, error) {
	if c.err != nil {
		return "", c.err
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("llm: model %s: %w", c.model, err)
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	params := openai.ChatCompletionNewParams{
		Model: shared.ChatModel(c.model),
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(system),
			openai.UserMessage(user),
		},
	}
	switch c.format {
	case FormatJSONObject:
		params.ResponseFormat.OfJSONObject = &shared.ResponseFormatJSONObjectParam{}
	default:
		params.ResponseFormat.OfJSONSchema = &shared.ResponseFormatJSONSchemaParam{
			JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
				Name:   schema.name,
				Strict: openai.Bool(true),
				Schema: schema.schema,
			},
		}
	}
	began := time.Now()
	res, err := c.chat.New(callCtx, params)
	if err != nil {
		return "", c.callError(ctx, err, time.Since(began), timeout)
	}
	if len(res.Choices) == 0 {
		return "", c.invalid("no choice in the answer")
	}
	choice := res.Choices[0]
	switch {
	case choice.Message.Refusal != "":
		return "", c.invalid("the model refused to answer")
	case choice.FinishReason == "length":
		return "", c.invalid("the answer was cut off at the token limit")
	case strings.TrimSpace(choice.Message.Content) == "":
		return "", c.invalid("empty answer")
	}
	return choice.Message.Content, nil
}

func (c *client) invalid(format string, args ...any) error {
	return fmt.Errorf("llm: model %s: %w: %s", c.model, ErrInvalidAnswer, fmt.Sprintf(format, args...))
}

// slug matches provider error codes safe to repeat ("model_not_found").
var slug = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)

// callError explains a failed call without quoting the request (the
// conversation) or URLs (which may carry credentials).
func (c *client) callError(ctx context.Context, err error, took, timeout time.Duration) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("llm: model %s: %w", c.model, ctxErr)
	}
	if apiErr, ok := errors.AsType[*openai.Error](err); ok {
		detail := http.StatusText(apiErr.StatusCode)
		if slug.MatchString(apiErr.Code) {
			detail += ", " + apiErr.Code
		}
		switch s := apiErr.StatusCode; {
		case s == http.StatusUnauthorized || s == http.StatusForbidden:
			return fmt.Errorf("llm: model %s: HTTP %d: %w", c.model, s, ErrUnauthorized)
		case s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500:
			return fmt.Errorf("llm: model %s: %w: HTTP %d (%s)", c.model, ErrUnavailable, s, detail)
		case s == http.StatusNotFound:
			return fmt.Errorf("llm: model %s: HTTP 404 (%s): unknown model or wrong base URL", c.model, detail)
		default:
			return fmt.Errorf("llm: model %s: HTTP %d (%s)", c.model, s, detail)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("llm: model %s: %w: no answer within %s", c.model, ErrUnavailable, timeout)
	}
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		err = urlErr.Err
	}
	return fmt.Errorf("llm: model %s: %w: request failed after %s: %v", c.model, ErrUnavailable, took.Round(time.Millisecond), err)
}
