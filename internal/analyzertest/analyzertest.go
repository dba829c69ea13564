// Package analyzertest is the contract every triagem.Analyzer must pass.
// Run it from an analyzer's tests with a factory that builds a fresh
// analyzer (and cleans up after it with t.Cleanup):
//
//	analyzertest.Run(t, func(t *testing.T) triagem.Analyzer { … })
//
// The suite checks the shape of an answer, not its legal reading: any area
// of the taxonomy passes, so an analyzer backed by a fake model that always
// gives the same answer passes too.
package analyzertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// Factory builds an analyzer for one test.
type Factory func(t *testing.T) triagem.Analyzer

// Guard is how long an analyzer may take to return once its context is
// cancelled, and how long the concurrent case may run. It is a hang guard,
// not a latency target.
const Guard = 5 * time.Second

// summaryMaxRunes is the longest summary an analyzer may give: "at most 240
// characters" (triagem.TriageData.Summary).
const summaryMaxRunes = 240

// concurrentCalls is how many Analyze calls run at once in ConcurrentUse.
const concurrentCalls = 8

// Run exercises every documented behaviour of triagem.Analyzer.
func Run(t *testing.T, newAnalyzer Factory) {
	t.Run("NameIsSetAndStable", func(t *testing.T) { testName(t, newAnalyzer) })
	t.Run("PlainConversationGivesValidData", func(t *testing.T) { testPlain(t, newAnalyzer) })
	t.Run("CancelledContextFailsPromptly", func(t *testing.T) { testCancelled(t, newAnalyzer) })
	t.Run("ConcurrentUse", func(t *testing.T) { testConcurrent(t, newAnalyzer) })
}

// conversation is one plain case: a greeting, the client's account, a
// question and the client's answer.
type conversation struct {
	Name   string
	Client [2]string
}

// conversations are the plain cases the suite analyses: each a clear account
// of an ordinary problem, with dates, amounts, places and parties.
func conversations() []conversation {
	return []conversation{
		{"dismissal", [2]string{
			"Fui demitido sem justa causa em 05/08/2024 e a empresa não pagou as verbas rescisórias nem liberou o FGTS.",
			"Trabalhei três anos com carteira assinada na Metalúrgica Souza, em São Paulo. O salário era R$ 2.500,00.",
		}},
		{"delayed flight", [2]string{
			"Meu voo da Azul atrasou 10 horas em Recife no dia 12/03/2024 e a companhia aérea não deu assistência.",
			"Gastei R$ 850,00 com hotel e alimentação e perdi uma reunião de trabalho.",
		}},
		{"child support", [2]string{
			"Quero pedir pensão alimentícia para o meu filho de 6 anos; o pai dele não paga nada desde janeiro.",
			"Moramos em Belo Horizonte. Ele tem emprego fixo e ganha cerca de R$ 4.000,00 por mês.",
		}},
	}
}

// input is c as the orchestrator hands it to an analyzer once the interview
// is over.
func (c conversation) input() triagem.AnalysisInput {
	const caseID = "00000000-0000-4000-8000-00000000a001"
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	texts := []string{
		"Olá! Sou o assistente de triagem. Conte o que aconteceu.",
		c.Client[0],
		"Entendi. Pode contar mais detalhes: onde, quando, quem está envolvido e valores?",
		c.Client[1],
	}
	in := triagem.AnalysisInput{CaseID: caseID}
	for i, text := range texts {
		role := triagem.AuthorInterviewer
		if i%2 == 1 {
			role = triagem.AuthorClient
		}
		in.Messages = append(in.Messages, triagem.Message{
			CaseID: caseID, Index: i, Role: role, Text: text, At: at.Add(time.Duration(i) * time.Minute),
		})
	}
	in.Assessment = triagem.Assessment{
		Complexity: triagem.ComplexityMedium, Confidence: 0.5, Strategy: triagem.StrategyFailover, Complete: true,
	}
	return in
}

// CheckTriageData reports what in d breaks the contract, or nil.
func CheckTriageData(d triagem.TriageData) error {
	var errs []error
	if !d.Area.Valid() {
		errs = append(errs, fmt.Errorf("area %q is not one of triagem.Areas()", d.Area))
	} else if !d.Area.Has(d.Subarea) {
		errs = append(errs, fmt.Errorf("subarea %q is not one of area %q's", d.Subarea, d.Area))
	}
	if d.UrgencyH < 1 {
		errs = append(errs, fmt.Errorf("urgency_h %d is below 1", d.UrgencyH))
	}
	if d.Summary == "" {
		errs = append(errs, errors.New("summary is empty"))
	}
	if n := utf8.RuneCountInString(d.Summary); n > summaryMaxRunes {
		errs = append(errs, fmt.Errorf("summary has %d characters, over %d", n, summaryMaxRunes))
	}
	if !d.Sentiment.Valid() {
		errs = append(errs, fmt.Errorf("sentiment %q is not one of triagem.Sentiments()", d.Sentiment))
	}
	return errors.Join(errs...)
}

func testName(t *testing.T, newAnalyzer Factory) {
	t.Parallel()
	a := newAnalyzer(t)
	name := a.Name()
	require.NotEmpty(t, name)
	_, err := a.Analyze(context.Background(), conversations()[0].input())
	require.NoError(t, err)
	require.Equal(t, name, a.Name(), "Name must not change between calls")
}

func testPlain(t *testing.T, newAnalyzer Factory) {
	t.Parallel()
	for _, c := range conversations() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			d, err := newAnalyzer(t).Analyze(context.Background(), c.input())
			require.NoError(t, err)
			require.NoError(t, CheckTriageData(d), "%+v", d)
		})
	}
}

func testCancelled(t *testing.T, newAnalyzer Factory) {
	t.Parallel()
	a := newAnalyzer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := a.Analyze(ctx, conversations()[0].input())
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled, "a cancelled analysis must say so, so that callers tell it from a failure")
	case <-time.After(Guard):
		t.Fatalf("Analyze did not return within %v of a cancelled context", Guard)
	}
}

func testConcurrent(t *testing.T, newAnalyzer Factory) {
	t.Parallel()
	a := newAnalyzer(t)
	ctx, cancel := context.WithTimeout(context.Background(), Guard)
	defer cancel()
	cases := conversations()
	errs := make([]error, concurrentCalls)
	var wg sync.WaitGroup
	for i := range concurrentCalls {
		wg.Go(func() {
			c := cases[i%len(cases)]
			d, err := a.Analyze(ctx, c.input())
			if err == nil {
				err = CheckTriageData(d)
			}
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", c.Name, err)
			}
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
}
