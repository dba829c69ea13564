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

// TestBenchSmoke runs the whole benchmark with tiny numbers: the idle
// streams' client side in a child process (the binary TestMain built), the
// latency run and the throughput run, and checks every report line.
func TestBenchSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"bench",
		"-streams", "20", "-subscribers", "5", "-events", "10", "-cases", "2",
		"-idle", "100ms", "-heartbeat", "300ms", "-client-exe", binary,
		"-profile-dir", t.TempDir(),
	}, &stdout, &stderr)
	out := stdout.String()
	require.NoError(t, err, "stdout:\n%s\nstderr:\n%s", out, stderr.String())
	for _, want := range []string{
		"1. idle streams",
		"streams                                      20 (server counts 36 open)",
		"memory per idle stream",
		"live heap objects per stream",
		"goroutine stacks per stream",
		"goroutines per stream",
		"released after the clients left",
		"CPU idle, no streams",
		"CPU of one heartbeat round",
		"CPU of idle streams on average",
		"2. publish → deliver latency",
		"frames delivered                             50/50 (0 streams short)",
		"latency p50 / p90 / p99 / max",
		"publish rate",
		"delivery rate",
		"3. analysis throughput",
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
}

// TestBenchJSON checks that -json prints the report structs.
func TestBenchJSON(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"bench", "-json",
		"-streams", "5", "-subscribers", "2", "-events", "5", "-cases", "0",
		"-idle", "50ms", "-heartbeat", "200ms", "-client-exe", binary,
	}, &stdout, &stderr)
	require.NoError(t, err, "stderr:\n%s", stderr.String())
	var report bench.Report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &report), stdout.String())
	require.Equal(t, 5, report.Idle.Streams)
	require.Equal(t, 5+bench.WarmStreams, report.Idle.ServerOpen)
	require.Equal(t, 10, report.Latency.Delivered)
	require.Nil(t, report.Throughput, "-cases 0 skips it")
}
