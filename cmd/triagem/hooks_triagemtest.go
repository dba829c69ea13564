//go:build triagemtest

package main

import (
	"context"
	"os"

	"github.com/triagem/triagem"
)

// withTestHooks makes every analyzer hang for ever, deaf to cancellation
// like a wedged or dying worker, when TRIAGEM_TEST_BLOCK_ANALYSIS=1, so a
// test can kill a worker mid-job. Only the binary the process tests build
// has it.
func withTestHooks(analyzers []triagem.Analyzer) []triagem.Analyzer {
	if os.Getenv("TRIAGEM_TEST_BLOCK_ANALYSIS") != "1" {
		return analyzers
	}
	out := make([]triagem.Analyzer, len(analyzers))
	for i, a := range analyzers {
		out[i] = blocking{a}
	}
	return out
}

type blocking struct{ triagem.Analyzer }

func (b blocking) Analyze(context.Context, triagem.AnalysisInput) (triagem.TriageData, error) {
	select {}
}
