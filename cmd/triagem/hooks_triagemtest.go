//go:build triagemtest

package main

import (
	"context"
	"os"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/app"
)

// testModels makes every built-in analyzer hang for ever, deaf to
// cancellation like a wedged or dying worker, when
// TRIAGEM_TEST_BLOCK_ANALYSIS=1, so a test can kill a worker mid-job. Only
// the binary the process tests build has it; a test in process sets
// app.Config.Models itself.
func testModels() *app.Models {
	if os.Getenv("TRIAGEM_TEST_BLOCK_ANALYSIS") != "1" {
		return nil
	}
	m := app.BuiltinModels()
	m.Simple = blocking{m.Simple}
	for i, a := range m.Analyzers {
		m.Analyzers[i] = blocking{a}
	}
	return &m
}

type blocking struct{ triagem.Analyzer }

func (b blocking) Analyze(context.Context, triagem.AnalysisInput) (triagem.TriageData, error) {
	select {}
}
