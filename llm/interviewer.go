package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/triagem/triagem"
)

// closingReply ends an interview the model would not end at the question
// limit.
const closingReply = "Obrigado pelas informações, já tenho o que preciso. Vou iniciar agora a análise do seu caso " +
	"e em instantes você receberá o resultado, com a área, a urgência e os próximos passos."

// Interviewer conducts the interview with one model, and answers any turn
// the model fails with its fallback. It keeps no per-case state and is safe
// for concurrent use.
type Interviewer struct {
	client       *client
	fallback     triagem.Interviewer
	timeout      time.Duration
	maxQuestions int
	cooldown     time.Duration
	log          *slog.Logger
	system       string
	// skipUntil (Unix nanoseconds) is when the model may be asked again
	// after it could not be reached.
	skipUntil atomic.Int64
	now       func() time.Time
}

var _ triagem.Interviewer = (*Interviewer)(nil)

// NewInterviewer returns an interviewer on model that falls back to
// fallback (the built-in interviewer) for any turn the model fails, and
// takes its greeting from fallback. It panics when fallback is nil.
func NewInterviewer(cfg Config, model string, fallback triagem.Interviewer) *Interviewer {
	if fallback == nil {
		panic("llm: NewInterviewer needs a fallback interviewer")
	}
	cfg = cfg.WithDefaults()
	return &Interviewer{
		client:       newClient(cfg, model),
		fallback:     fallback,
		timeout:      cfg.InterviewTimeout,
		maxQuestions: cfg.MaxQuestions,
		cooldown:     max(cfg.Cooldown, 0),
		log:          cfg.Logger,
		system:       interviewerSystem(cfg.MaxQuestions),
		now:          time.Now,
	}
}

// Greeting is the fallback's greeting.
func (iv *Interviewer) Greeting(ctx context.Context) (string, error) {
	return iv.fallback.Greeting(ctx)
}

// Next asks the model for the reply and the assessment. When the model
// fails (an error, a timeout, an invalid answer), or is cooling down after
// it could not be reached, the fallback answers this turn instead; only a
// cancelled ctx or the fallback's own failure is an error. At the question
// limit the turn is complete whoever answers it.
func (iv *Interviewer) Next(ctx context.Context, messages []triagem.Message) (triagem.Turn, error) {
	if err := ctx.Err(); err != nil {
		return triagem.Turn{}, err
	}
	questions := countQuestions(messages)
	last := questions >= iv.maxQuestions
	if iv.now().UnixNano() >= iv.skipUntil.Load() {
		turn, err := iv.ask(ctx, messages, questions, last)
		if err == nil {
			return closeAtLimit(turn, last), nil
		}
		if ctx.Err() != nil {
			return triagem.Turn{}, err
		}
		if !errors.Is(err, ErrInvalidAnswer) && iv.cooldown > 0 {
			iv.skipUntil.Store(iv.now().Add(iv.cooldown).UnixNano())
		}
		iv.log.WarnContext(ctx, "llm interviewer failed; the built-in interviewer answers this turn",
			"case_id", caseID(messages), "model", iv.client.model, "err", err)
	}
	turn, err := iv.fallback.Next(ctx, messages)
	if err != nil {
		return triagem.Turn{}, err
	}
	return closeAtLimit(turn, last), nil
}

func (iv *Interviewer) ask(ctx context.Context, messages []triagem.Message, questions int, last bool) (triagem.Turn, error) {
	user := transcript(messages, map[string]any{
		"perguntas_feitas":    questions,
		"limite_de_perguntas": iv.maxQuestions,
		"encerrar_agora":      last,
	})
	answer, err := iv.client.complete(ctx, iv.timeout, iv.system, user, turnSchema)
	if err != nil {
		return triagem.Turn{}, err
	}
	turn, err := ParseTurn(answer)
	if err != nil {
		return triagem.Turn{}, fmt.Errorf("llm: model %s: %w: %w", iv.client.model, ErrInvalidAnswer, err)
	}
	return turn, nil
}

// closeAtLimit completes a turn at the question limit, with a closing reply
// in place of a question.
func closeAtLimit(turn triagem.Turn, last bool) triagem.Turn {
	if last && !turn.Assessment.Complete {
		turn.Assessment.Complete = true
		turn.Reply = closingReply
	}
	return turn
}

// countQuestions counts the interviewer's messages after the client's
// first one (the greeting is not a question), as the built-in does.
func countQuestions(messages []triagem.Message) int {
	n, clientSpoke := 0, false
	for _, m := range messages {
		switch {
		case m.Role == triagem.AuthorClient:
			clientSpoke = true
		case clientSpoke:
			n++
		}
	}
	return n
}

func caseID(messages []triagem.Message) string {
	for _, m := range messages {
		if m.CaseID != "" {
			return m.CaseID
		}
	}
	return ""
}
