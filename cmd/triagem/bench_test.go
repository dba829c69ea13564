package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/internal/bench"
)

// TestBenchSmoke runs every mode with tiny numbers: the idle streams' client
// side in a child process (the binary TestMain built), the latency run, a
// short turns run and the e2e run, and checks every report line.
func TestBenchSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"bench",
		"-streams", "20", "-subscribers", "5", "-events", "10", "-cases", "2",
		"-conversations", "3", "-turns-for", "300ms", "-idle", "100ms", "-heartbeat", "300ms", "-client-exe", binary,
		"-profile-dir", t.TempDir(),
	}, &stdout, &stderr)
	out := stdout.String()
	require.NoError(t, err, "stdout:\n%s\nstderr:\n%s", out, stderr.String())
	for _, want := range []string{
		"1. stream mode, idle streams",
		"streams                                      20 (server counts 36 open)",
		"memory per idle stream",
		"live heap objects per stream",
		"goroutine stacks per stream",
		"goroutines per stream",
		"released after the clients left",
		"CPU idle, no streams",
		"CPU of one heartbeat round",
		"CPU of idle streams on average",
		"2. stream mode, publish → deliver latency",
		"frames delivered                             50/50 (0 streams short)",
		"latency p50 / p90 / p99 / max",
		"publish rate",
		"delivery rate",
		"3. turns mode (3 concurrent conversations for 300ms",
		"turns per second",
		"per turn p50 / p99 / max",
		"4. e2e mode, analysis throughput",
		"cases completed                              2/2",
		"throughput",
		"per case p50 / p99 / max",
		"heap.pprof",
	} {
		require.Contains(t, out, want)
	}
}

func TestBenchRejectsBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Error(t, run(context.Background(), []string{"bench", "-streams", "0"}, &stdout, &stderr))
	require.Error(t, run(context.Background(), []string{"bench", "extra"}, &stdout, &stderr))
	require.Error(t, run(context.Background(), []string{"bench", "-client"}, &stdout, &stderr))
	require.Error(t, run(context.Background(), []string{"bench", "-mode", "latency"}, &stdout, &stderr))
	require.Error(t, run(context.Background(), []string{"bench", "-mode", "turns", "-conversations", "0"}, &stdout, &stderr))
}

// TestBenchJSON checks that -json prints the report structs of the chosen
// modes only.
func TestBenchJSON(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"bench", "-json", "-mode", "stream,e2e",
		"-streams", "5", "-subscribers", "2", "-events", "5", "-cases", "0",
		"-idle", "50ms", "-heartbeat", "200ms", "-client-exe", binary,
	}, &stdout, &stderr)
	require.NoError(t, err, "stderr:\n%s", stderr.String())
	var report bench.Report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &report), stdout.String())
	require.Equal(t, 5, report.Stream.Idle.Streams)
	require.Equal(t, 5+bench.WarmStreams, report.Stream.Idle.ServerOpen)
	require.Equal(t, 10, report.Stream.Latency.Delivered)
	require.Nil(t, report.Turns, "not among the modes")
	require.Nil(t, report.E2E, "-cases 0 skips it")
}
