//go:build !triagemtest

package main

import "github.com/triagem/triagem"

// withTestHooks returns the analyzers unchanged; the triagemtest build (used
// by the process tests) can make them block, to kill a worker mid-job.
func withTestHooks(analyzers []triagem.Analyzer) []triagem.Analyzer { return analyzers }
