package llm

import (
	"context"
	"fmt"
	"time"

	"github.com/triagem/triagem"
)

// Analyzer reads a conversation with one model and returns its triage data.
// It keeps no state between calls and is safe for concurrent use.
type Analyzer struct {
	name    string
	prompt  string
	client  *client
	timeout time.Duration
}

var _ triagem.Analyzer = (*Analyzer)(nil)

// NewAnalyzer returns the analyzer of model, named "llm:<model>". It does
// not fail: an invalid cfg (see Config.Validate) makes every call fail.
func NewAnalyzer(cfg Config, model string) *Analyzer {
	c := newClient(cfg, model)
	return &Analyzer{name: "llm:" + c.model, prompt: analyzerPrompt, client: c, timeout: cfg.WithDefaults().Timeout}
}

// NewAnalyzers returns one analyzer per model of cfg.Models, in order: the
// failover order, and the members of an ensemble.
func NewAnalyzers(cfg Config) []triagem.Analyzer {
	cfg = cfg.WithDefaults()
	out := make([]triagem.Analyzer, 0, len(cfg.Models))
	for _, m := range cfg.Models {
		out = append(out, NewAnalyzer(cfg, m))
	}
	return out
}

// NewJudge returns the analyzer that settles an ensemble whose analyzers
// disagree on the area, named "llm-judge:<model>" (so that a model both
// analysing and judging appears twice, distinctly, in a result). Its
// prompt asks for the predominant legal area first; it answers the same
// triage data, of which the orchestrator takes the Area.
func NewJudge(cfg Config, model string) *Analyzer {
	a := NewAnalyzer(cfg, model)
	a.name, a.prompt = "llm-judge:"+a.client.model, judgePrompt
	return a
}

// Name is "llm:<model>", or "llm-judge:<model>" for a judge.
func (a *Analyzer) Name() string { return a.name }

// Analyze sends the conversation and parses the answer. Every error wraps
// the model's name; an answer that is not valid triage data wraps
// ErrInvalidAnswer.
func (a *Analyzer) Analyze(ctx context.Context, in triagem.AnalysisInput) (triagem.TriageData, error) {
	answer, err := a.client.complete(ctx, a.timeout, a.prompt, transcript(in.Messages, nil), triageSchema)
	if err != nil {
		return triagem.TriageData{}, err
	}
	data, err := ParseTriageData(answer)
	if err != nil {
		return triagem.TriageData{}, fmt.Errorf("llm: model %s: %w: %w", a.client.model, ErrInvalidAnswer, err)
	}
	return data, nil
}
