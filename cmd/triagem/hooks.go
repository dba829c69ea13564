//go:build !triagemtest

package main

import "github.com/triagem/triagem/internal/app"

// testModels is nil: serve and worker pick their models from the settings.
// The triagemtest build (used by the process tests) can make them block, to
// kill a worker mid-job.
func testModels() *app.Models { return nil }
