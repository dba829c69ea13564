package llm

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/interview"
)

const validTurn = `{"reply":"Entendi. Qual companhia aérea operava o voo?","complexity":"low","confidence":0.55,
	"area":"consumidor","subarea":"transporte_aereo","complete":false,"missing":["partes","documentos"]}`

// newTestInterviewer returns an interviewer on the fake endpoint whose
// warnings go to the returned buffer.
func newTestInterviewer(f *fakeLLM, fb triagem.Interviewer, tweak func(*Config)) (*Interviewer, *lockedBuffer) {
	logs := &lockedBuffer{}
	cfg := f.config()
	cfg.MaxRetries = -1
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if tweak != nil {
		tweak(&cfg)
	}
	return NewInterviewer(cfg, "chat-m", fb), logs
}

func TestInterviewerHappyPath(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTurn)))
	fb := newFallback()
	iv, logs := newTestInterviewer(f, fb, nil)

	turn, err := iv.Next(context.Background(), conversation())
	require.NoError(t, err)
	require.Equal(t, triagem.Turn{
		Reply: "Entendi. Qual companhia aérea operava o voo?",
		Assessment: triagem.Assessment{
			Complexity: triagem.ComplexityLow,
			Confidence: 0.55,
			Strategy:   triagem.StrategySimple,
			Area:       "consumidor",
			Subarea:    "transporte_aereo",
			Missing:    []string{"partes", "documentos"},
		},
	}, turn)
	require.Zero(t, fb.count())
	require.Empty(t, logs.String())

	req := f.requests()[0]
	require.Equal(t, "chat-m", req.Body.Model)
	require.Equal(t, "Bearer "+testKey, req.Authorization)
	require.Equal(t, "turno_entrevista", req.Body.ResponseFormat.JSONSchema.Name)
	require.Contains(t, req.Body.Messages[0].Content, `"complete": true`)
	doc := req.userDoc(t)
	require.Len(t, doc["conversa"], 4)
	require.Equal(t, secret+" 10 horas em Recife.", doc["conversa"].([]any)[1].(map[string]any)["texto"])
	require.EqualValues(t, 1, doc["perguntas_feitas"])
	require.EqualValues(t, 10, doc["limite_de_perguntas"])
	require.Equal(t, false, doc["encerrar_agora"])
}

func TestInterviewerStrategyFollowsComplexity(t *testing.T) {
	t.Parallel()
	for c, s := range map[string]triagem.Strategy{"low": "simple", "medium": "failover", "high": "ensemble", "Alta": "ensemble"} {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, always(answer(`{"reply":"Certo.","complexity":"`+c+`","confidence":1,"area":"","subarea":"","complete":true,"missing":[]}`)))
			iv, _ := newTestInterviewer(f, newFallback(), nil)
			turn, err := iv.Next(context.Background(), conversation())
			require.NoError(t, err)
			require.Equal(t, s, turn.Assessment.Strategy)
			require.True(t, turn.Assessment.Complete)
			require.Empty(t, turn.Assessment.Area)
		})
	}
}

func TestInterviewerGreetingComesFromFallback(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTurn)))
	iv, _ := newTestInterviewer(f, newFallback(), nil)
	g, err := iv.Greeting(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Olá do fallback.", g)
	require.Empty(t, f.requests())
}

func TestInterviewerFallsBackOnInvalidAnswers(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"garbage":            "não sei responder em JSON",
		"missing reply":      `{"complexity":"low","confidence":0.5,"area":"","subarea":"","complete":false,"missing":[]}`,
		"blank reply":        `{"reply":"  ","complexity":"low","confidence":0.5,"area":"","subarea":"","complete":false,"missing":[]}`,
		"reply too long":     `{"reply":"` + strings.Repeat("a", maxReplyRunes+1) + `","complexity":"low","confidence":0.5,"area":"","subarea":"","complete":false,"missing":[]}`,
		"unknown complexity": `{"reply":"Oi?","complexity":"extreme","confidence":0.5,"area":"","subarea":"","complete":false,"missing":[]}`,
		"confidence > 1":     `{"reply":"Oi?","complexity":"low","confidence":1.5,"area":"","subarea":"","complete":false,"missing":[]}`,
		"confidence < 0":     `{"reply":"Oi?","complexity":"low","confidence":-0.1,"area":"","subarea":"","complete":false,"missing":[]}`,
		"confidence string":  `{"reply":"Oi?","complexity":"low","confidence":"0.5","area":"","subarea":"","complete":false,"missing":[]}`,
		"unknown area":       `{"reply":"Oi?","complexity":"low","confidence":0.5,"area":"espacial","subarea":"","complete":false,"missing":[]}`,
		"complete a string":  `{"reply":"Oi?","complexity":"low","confidence":0.5,"area":"","subarea":"","complete":"sim","missing":[]}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, always(answer(content)))
			fb := newFallback()
			iv, logs := newTestInterviewer(f, fb, nil)
			for range 2 {
				turn, err := iv.Next(context.Background(), conversation())
				require.NoError(t, err)
				require.Equal(t, fb.turn, turn)
			}
			require.Equal(t, 2, fb.count())
			require.Len(t, f.requests(), 2, "an invalid answer does not cool the model down")
			require.Contains(t, logs.String(), "case_id=case-1")
			require.Contains(t, logs.String(), "invalid answer")
			require.NotContains(t, logs.String(), "CPF")
			require.NotContains(t, logs.String(), "Recife")
		})
	}
}

func TestInterviewerFallsBackOnServerErrorAndCoolsDown(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(failure(http.StatusInternalServerError)))
	fb := newFallback()
	iv, logs := newTestInterviewer(f, fb, nil)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	iv.now = func() time.Time { return now }

	for range 3 {
		turn, err := iv.Next(context.Background(), conversation())
		require.NoError(t, err)
		require.Equal(t, "Pergunta do fallback?", turn.Reply)
	}
	require.Equal(t, 3, fb.count())
	require.Len(t, f.requests(), 1, "during the cooldown the model is not asked")
	require.Equal(t, 1, strings.Count(logs.String(), "level=WARN"))
	require.Contains(t, logs.String(), "HTTP 500")
	require.NotContains(t, logs.String(), "CPF")

	now = now.Add(CooldownDefault)
	_, err := iv.Next(context.Background(), conversation())
	require.NoError(t, err)
	require.Len(t, f.requests(), 2, "after the cooldown the model is asked again")
}

func TestInterviewerWithoutCooldownAsksEveryTurn(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(failure(http.StatusUnauthorized)))
	fb := newFallback()
	iv, logs := newTestInterviewer(f, fb, func(c *Config) { c.Cooldown = -1 })
	for range 2 {
		_, err := iv.Next(context.Background(), conversation())
		require.NoError(t, err)
	}
	require.Len(t, f.requests(), 2)
	require.Equal(t, 2, fb.count())
	require.Contains(t, logs.String(), "refused the credentials")
}

func TestInterviewerFallsBackOnTimeout(t *testing.T) {
	t.Parallel()
	f := newFake(t, func(_ int, r *http.Request) reply {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return answer(validTurn)
	})
	fb := newFallback()
	iv, _ := newTestInterviewer(f, fb, func(c *Config) { c.InterviewTimeout = 100 * time.Millisecond })
	began := time.Now()
	turn, err := iv.Next(context.Background(), conversation())
	require.NoError(t, err)
	require.Equal(t, fb.turn, turn)
	require.Less(t, time.Since(began), 3*time.Second)
}

func TestInterviewerCancelledContextIsAnError(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTurn)))
	fb := newFallback()
	iv, _ := newTestInterviewer(f, fb, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := iv.Next(ctx, conversation())
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, f.requests())
	require.Zero(t, fb.count())
}

func TestInterviewerClosesAtQuestionLimit(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer(validTurn)))
	iv, _ := newTestInterviewer(f, newFallback(), func(c *Config) { c.MaxQuestions = 1 })
	turn, err := iv.Next(context.Background(), conversation()) // one question asked already
	require.NoError(t, err)
	require.True(t, turn.Assessment.Complete)
	require.Equal(t, closingReply, turn.Reply)
	require.Equal(t, triagem.AreaConsumidor, turn.Assessment.Area, "the model's assessment is kept")
	require.Equal(t, true, f.requests()[0].userDoc(t)["encerrar_agora"])

	// The fallback's turns are closed at the limit too.
	bad := newFake(t, always(answer("lixo")))
	iv, _ = newTestInterviewer(bad, newFallback(), func(c *Config) { c.MaxQuestions = 1 })
	turn, err = iv.Next(context.Background(), conversation())
	require.NoError(t, err)
	require.True(t, turn.Assessment.Complete)
	require.Equal(t, closingReply, turn.Reply)
}

func TestNewInterviewerNeedsFallback(t *testing.T) {
	t.Parallel()
	require.Panics(t, func() { NewInterviewer(Config{}, "m", nil) })
}

func TestCountQuestions(t *testing.T) {
	t.Parallel()
	require.Zero(t, countQuestions(nil))
	require.Zero(t, countQuestions(conversation()[:2]))
	require.Equal(t, 1, countQuestions(conversation()))
}

func TestInterviewerFallsBackToTheBuiltIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, always(answer("{")))
	iv, _ := newTestInterviewer(f, interview.New(interview.Config{}), nil)
	greeting, err := iv.Greeting(context.Background())
	require.NoError(t, err)
	msgs := []triagem.Message{
		{Role: triagem.AuthorInterviewer, Text: greeting},
		{Role: triagem.AuthorClient, Text: "Meu voo atrasou 10 horas."},
	}
	turn, err := iv.Next(context.Background(), msgs)
	require.NoError(t, err)
	require.NotEmpty(t, turn.Reply)
	require.Equal(t, triagem.AreaConsumidor, turn.Assessment.Area)
	builtin, err := interview.New(interview.Config{}).Next(context.Background(), msgs)
	require.NoError(t, err)
	require.Equal(t, builtin.Assessment, turn.Assessment, "the built-in interviewer's own assessment")
}
