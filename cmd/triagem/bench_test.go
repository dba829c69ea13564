package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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

func TestBenchPercentile(t *testing.T) {
	d := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	require.Equal(t, time.Duration(1), percentile(d, 0))
	require.Equal(t, time.Duration(5), percentile(d, 50))
	require.Equal(t, time.Duration(9), percentile(d, 99))
	require.Equal(t, time.Duration(10), percentile(d, 100))
	require.Zero(t, percentile(nil, 50))
}
