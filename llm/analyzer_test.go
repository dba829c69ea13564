package llm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestAnalyzerValidAnswer(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTriage)))
	a := NewAnalyzer(f.config(), "gpt-test")
	require.Equal(t, "llm:gpt-test", a.Name())

	data, err := a.Analyze(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, triagem.TriageData{
		Area:              triagem.AreaConsumidor,
		Subarea:           "transporte_aereo",
		UrgencyH:          240,
		UrgencyReason:     "prazo usual de atraso de voo",
		Summary:           "Cliente teve o voo atrasado em 10 horas e gastou R$ 850,00.",
		Keywords:          []string{"voo", "atraso"},
		Sentiment:         triagem.SentimentFrustrated,
		CaseType:          "atraso_voo",
		ComplexityFactors: []string{},
		NextSteps:         []string{"Reclamar com a companhia", "Registrar no consumidor.gov.br"},
		Documents:         []string{"Cartão de embarque"},
		Entities: triagem.Entities{
			Parties: []string{"Azul"}, Dates: []string{"12/03/2024"}, Amounts: []string{"R$ 850,00"}, Locations: []string{"Recife"},
		},
	}, data)

	got := f.requests()
	require.Len(t, got, 1)
	req := got[0]
	require.Equal(t, "/v1/chat/completions", req.Path)
	require.Equal(t, "Bearer "+testKey, req.Authorization)
	require.Equal(t, "gpt-test", req.Body.Model)
	require.Contains(t, req.Body.Messages[0].Content, "urgency_h")
	require.Contains(t, req.Body.Messages[0].Content, "propriedade_intelectual")
	doc := req.userDoc(t)
	lines := doc["conversa"].([]any)
	require.Len(t, lines, 4)
	for i, m := range conversation() {
		line := lines[i].(map[string]any)
		require.Equal(t, m.Text, line["texto"])
		require.Equal(t, map[triagem.MessageRole]string{triagem.AuthorClient: "cliente", triagem.AuthorInterviewer: "entrevistador"}[m.Role], line["autor"])
	}
	require.Equal(t, "json_schema", req.Body.ResponseFormat.Type)
	require.NotNil(t, req.Body.ResponseFormat.JSONSchema)
	require.True(t, req.Body.ResponseFormat.JSONSchema.Strict)
	require.Equal(t, "triagem_juridica", req.Body.ResponseFormat.JSONSchema.Name)
	schema := req.Body.ResponseFormat.JSONSchema.Schema
	require.Equal(t, false, schema["additionalProperties"])
	require.Len(t, schema["required"], 14)
}

func TestAnalyzerFencedAnswer(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"json fence":  "```json\n" + validTriage + "\n```",
		"bare fence":  "```\n" + validTriage + "\n```\n",
		"prose+fence": "Aqui está a análise:\n```JSON\n" + validTriage + "\n```",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, always(answer(content)))
			data, err := NewAnalyzer(f.config(), "m").Analyze(context.Background(), input())
			require.NoError(t, err)
			require.Equal(t, triagem.AreaConsumidor, data.Area)
		})
	}
}

func TestAnalyzerNormalisesAnswer(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(`{"area":"Direito do Consumidor","subarea":"Transporte Aéreo","urgency_h":48.0,
		"summary":"Resumo.\u0000","keywords":null,"sentiment":"Negative","case_type":"","entities":null,"extra":1}`)))
	data, err := NewAnalyzer(f.config(), "m").Analyze(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, triagem.TriageData{
		Area: triagem.AreaConsumidor, Subarea: "transporte_aereo", UrgencyH: 48, Summary: "Resumo.",
		Keywords: []string{}, Sentiment: triagem.SentimentFrustrated, CaseType: "transporte_aereo", ComplexityFactors: []string{},
		NextSteps: []string{}, Documents: []string{},
		Entities: triagem.Entities{Parties: []string{}, Dates: []string{}, Amounts: []string{}, Locations: []string{}},
	}, data)
}

func TestAnalyzerInvalidAnswers(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"not json":            "O caso é de direito do consumidor.",
		"truncated json":      `{"area": "consumidor", "urgency_h": 2`,
		"array":               `[` + validTriage + `]`,
		"two objects":         validTriage + validTriage,
		"trailing text":       validTriage + " espero ter ajudado",
		"missing area":        triageWith(t, map[string]any{"area": nil}),
		"empty area":          triageWith(t, map[string]any{"area": "  "}),
		"unknown area":        triageWith(t, map[string]any{"area": secret}),
		"area not a string":   triageWith(t, map[string]any{"area": 3}),
		"urgency missing":     triageWith(t, map[string]any{"urgency_h": nil}),
		"urgency zero":        triageWith(t, map[string]any{"urgency_h": 0}),
		"urgency negative":    triageWith(t, map[string]any{"urgency_h": -5}),
		"urgency over a year": triageWith(t, map[string]any{"urgency_h": 8761}),
		"urgency fraction":    triageWith(t, map[string]any{"urgency_h": 24.5}),
		"urgency as string":   triageWith(t, map[string]any{"urgency_h": "24"}),
		"summary missing":     triageWith(t, map[string]any{"summary": nil}),
		"summary too long":    triageWith(t, map[string]any{"summary": strings.Repeat("a", maxSummary+1)}),
		"keywords a string":   triageWith(t, map[string]any{"keywords": "voo, atraso"}),
		"keyword a number":    triageWith(t, map[string]any{"keywords": []any{"voo", 3}}),
		"too many keywords":   triageWith(t, map[string]any{"keywords": make([]string, maxListItems+1)}),
		"keyword too long":    triageWith(t, map[string]any{"keywords": []string{strings.Repeat("x", maxItemRunes+1)}}),
		"unknown sentiment":   triageWith(t, map[string]any{"sentiment": "furioso"}),
		"entities a list":     triageWith(t, map[string]any{"entities": []string{"Azul"}}),
		"parties a string":    triageWith(t, map[string]any{"entities": map[string]any{"parties": "Azul"}}),
		"case type too long":  triageWith(t, map[string]any{"case_type": strings.Repeat("x", maxSlugRunes+1)}),
		"empty":               "   ",
		"fence of go":         "```go\n" + validTriage + "\n```",
		"unterminated fence":  "```json\n" + validTriage,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, always(answer(content)))
			_, err := NewAnalyzer(f.config(), "gpt-x").Analyze(context.Background(), input())
			require.Error(t, err)
			require.ErrorIs(t, err, ErrInvalidAnswer)
			require.Contains(t, err.Error(), "llm: model gpt-x: ")
			require.NotContains(t, err.Error(), "CPF")
			require.NotContains(t, err.Error(), "Recife")
		})
	}
}

func TestAnalyzerBadCompletions(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"no choices": `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[]}`,
		"cut off": `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"length",
			"message":{"role":"assistant","content":"{\"area\":"}}]}`,
		"refusal": `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop",
			"message":{"role":"assistant","content":null,"refusal":"não posso"}}]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, always(reply{status: http.StatusOK, body: body}))
			_, err := NewAnalyzer(f.config(), "m").Analyze(context.Background(), input())
			require.ErrorIs(t, err, ErrInvalidAnswer)
		})
	}
}

func TestAnalyzerRetriesServerError(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(n int, _ *http.Request) reply {
		if n == 1 {
			return failure(http.StatusInternalServerError)
		}
		return answer(validTriage)
	})
	cfg := f.config()
	cfg.MaxRetries = 1
	data, err := NewAnalyzer(cfg, "m").Analyze(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, triagem.AreaConsumidor, data.Area)
	require.Len(t, f.requests(), 2)
}

func TestAnalyzerServerErrorWithoutRetries(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(failure(http.StatusServiceUnavailable)))
	cfg := f.config()
	cfg.MaxRetries = -1
	_, err := NewAnalyzer(cfg, "m").Analyze(context.Background(), input())
	require.ErrorIs(t, err, ErrUnavailable)
	require.Contains(t, err.Error(), "llm: model m: ")
	require.Contains(t, err.Error(), "HTTP 503")
	require.Contains(t, err.Error(), "boom_code")
	require.NotContains(t, err.Error(), "CPF")
	require.Len(t, f.requests(), 1)
}

func TestAnalyzerUnauthorizedIsPermanent(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, always(failure(status)))
			cfg := f.config()
			cfg.MaxRetries = 3
			_, err := NewAnalyzer(cfg, "m").Analyze(context.Background(), input())
			require.ErrorIs(t, err, ErrUnauthorized)
			require.NotErrorIs(t, err, ErrUnavailable)
			require.NotContains(t, err.Error(), testKey)
			require.Len(t, f.requests(), 1, "a refused key is not retried")
		})
	}
}

func TestAnalyzerTimeout(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(_ int, r *http.Request) reply {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return answer(validTriage)
	})
	cfg := f.config()
	cfg.Timeout = 100 * time.Millisecond
	cfg.MaxRetries = -1
	began := time.Now()
	_, err := NewAnalyzer(cfg, "m").Analyze(context.Background(), input())
	require.ErrorIs(t, err, ErrUnavailable)
	require.Contains(t, err.Error(), "no answer within 100ms")
	require.Less(t, time.Since(began), 3*time.Second)
}

func TestAnalyzerRespectsContext(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTriage)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewAnalyzer(f.config(), "m").Analyze(ctx, input())
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, f.requests())

	slow := newFake(t, func(_ int, r *http.Request) reply {
		<-r.Context().Done()
		return answer(validTriage)
	})
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = NewAnalyzer(slow.config(), "m").Analyze(ctx, input())
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestAnalyzerJSONObjectFormatAndNoKey(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTriage)))
	cfg := f.config()
	cfg.APIKey = ""
	cfg.ResponseFormat = FormatJSONObject
	_, err := NewAnalyzer(cfg, "m").Analyze(context.Background(), input())
	require.NoError(t, err)
	req := f.requests()[0]
	require.Equal(t, "json_object", req.Body.ResponseFormat.Type)
	require.Nil(t, req.Body.ResponseFormat.JSONSchema)
	require.Empty(t, req.Authorization)
}

func TestAnalyzerIgnoresOpenAIEnvironment(t *testing.T) {
	// Not parallel: it sets the environment.
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/nowhere")
	f := newFake(t, always(answer(validTriage)))
	cfg := f.config()
	cfg.APIKey = ""
	_, err := NewAnalyzer(cfg, "m").Analyze(context.Background(), input())
	require.NoError(t, err)
	require.Empty(t, f.requests()[0].Authorization)
}

func TestNewAnalyzersInOrder(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTriage)))
	analyzers := NewAnalyzers(f.config(" a ", "", "b"))
	require.Len(t, analyzers, 2)
	require.Equal(t, "llm:a", analyzers[0].Name())
	require.Equal(t, "llm:b", analyzers[1].Name())
	for _, a := range analyzers {
		_, err := a.Analyze(context.Background(), input())
		require.NoError(t, err)
	}
	got := f.requests()
	require.Equal(t, "a", got[0].Body.Model)
	require.Equal(t, "b", got[1].Body.Model)
}

func TestJudge(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(triageWith(t, map[string]any{"area": "transito", "subarea": "multa_transito", "case_type": "multa_transito"}))))
	judge := NewJudge(f.config(), "juiz")
	require.Equal(t, "llm-judge:juiz", judge.Name())
	var _ triagem.Analyzer = judge

	data, err := judge.Analyze(context.Background(), input())
	require.NoError(t, err)
	require.Equal(t, triagem.AreaAdministrativo, data.Area, "a legacy slug reads its area now")
	req := f.requests()[0]
	require.Equal(t, "juiz", req.Body.Model)
	require.Contains(t, req.Body.Messages[0].Content, "Analistas discordaram")
	require.NotContains(t, req.Body.Messages[0].Content, "Você é analista")
	require.Len(t, req.userDoc(t)["conversa"], 4)
}

func TestInvalidConfig(t *testing.T) {
	t.Parallel()
	require.NoError(t, Config{Models: []string{"m"}}.Validate())
	for name, cfg := range map[string]Config{
		"no model":        {},
		"blank models":    {Models: []string{" ", ""}},
		"duplicate model": {Models: []string{"m", " m"}},
		"ftp URL":         {BaseURL: "ftp://host/v1", Models: []string{"m"}},
		"no host":         {BaseURL: "http:///v1", Models: []string{"m"}},
		"bad URL":         {BaseURL: "http://a b:x/%zz", Models: []string{"m"}},
		"negative":        {Timeout: -time.Second, Models: []string{"m"}},
		"format":          {ResponseFormat: "xml", Models: []string{"m"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Error(t, cfg.Validate())
		})
	}
	a := NewAnalyzer(Config{BaseURL: "ftp://host"}, "m")
	_, err := a.Analyze(context.Background(), input())
	require.ErrorContains(t, err, "llm: model m: config: base URL")
	_, err = NewAnalyzer(Config{}, " ").Analyze(context.Background(), input())
	require.ErrorContains(t, err, "empty model name")
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := Config{}.WithDefaults()
	require.Equal(t, BaseURLDefault, c.BaseURL)
	require.Equal(t, 30*time.Second, c.Timeout)
	require.Equal(t, 15*time.Second, c.InterviewTimeout)
	require.Equal(t, 1, c.MaxRetries)
	require.Equal(t, FormatJSONSchema, c.ResponseFormat)
	require.Equal(t, 10, c.MaxQuestions)
	require.Equal(t, 30*time.Second, c.Cooldown)
	require.NotNil(t, c.HTTPClient)
	require.NotNil(t, c.Logger)
	require.Equal(t, c, c.WithDefaults(), "idempotent")
	c = Config{MaxRetries: -1, Cooldown: -1}.WithDefaults()
	require.Equal(t, -1, c.MaxRetries)
	require.Equal(t, time.Duration(-1), c.Cooldown)
	require.Equal(t, c, c.WithDefaults(), "idempotent")
}

func TestLongConversationIsBounded(t *testing.T) {
	t.Parallel()
	var msgs []triagem.Message
	for i := range 300 {
		msgs = append(msgs, triagem.Message{Index: i, Role: triagem.AuthorClient, Text: strings.Repeat("é", 9000)})
	}
	f := newFake(t, always(answer(validTriage)))
	_, err := NewAnalyzer(f.config(), "m").Analyze(context.Background(), triagem.AnalysisInput{Messages: msgs})
	require.NoError(t, err)
	lines := f.requests()[0].userDoc(t)["conversa"].([]any)
	require.Len(t, lines, maxSentMessages)
	text := lines[0].(map[string]any)["texto"].(string)
	require.Equal(t, maxMessageRunes+1, len([]rune(text)))
	require.True(t, strings.HasSuffix(text, "…"))
	require.False(t, errors.Is(err, ErrInvalidAnswer))
}
