package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/internal/procstat"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	d := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	require.Equal(t, time.Duration(1), percentile(d, 0))
	require.Equal(t, time.Duration(5), percentile(d, 50))
	require.Equal(t, time.Duration(9), percentile(d, 99))
	require.Equal(t, time.Duration(10), percentile(d, 100))
	require.Zero(t, percentile(nil, 50))
}

func validConfig() Config {
	return Config{Streams: 1, Subscribers: 1, Events: 1, Concurrency: 1, Idle: time.Second, Conversations: 1, TurnsFor: time.Second}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, validConfig().Validate())
	for name, mutate := range map[string]func(*Config){
		"no streams":          func(c *Config) { c.Streams = 0 },
		"no subscribers":      func(c *Config) { c.Subscribers = 0 },
		"no events":           func(c *Config) { c.Events = 0 },
		"no concurrency":      func(c *Config) { c.Concurrency = 0 },
		"negative cases":      func(c *Config) { c.Cases = -1 },
		"negative event rate": func(c *Config) { c.EventRate = -1 },
		"no idle window":      func(c *Config) { c.Idle = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := validConfig()
			mutate(&c)
			require.Error(t, c.Validate())
		})
	}
}

func TestRunReportsStartFailure(t *testing.T) {
	t.Parallel()
	c := validConfig()
	_, err := Run(context.Background(), c)
	require.ErrorContains(t, err, "Start and ClientCommand are required")
	c.ClientCommand = []string{"true"}
	c.Start = func(context.Context) (*Target, error) { return nil, errors.New("no database") }
	_, err = Run(context.Background(), c)
	require.ErrorContains(t, err, "start service: no database")
}

func TestRunClientNeedsItsSettings(t *testing.T) {
	t.Setenv(ClientTokenEnv, "")
	var out bytes.Buffer
	require.ErrorContains(t, RunClient(context.Background(), nil, strings.NewReader(""), &out, &out), ClientTokenEnv)
	t.Setenv(ClientTokenEnv, "tok")
	require.Error(t, RunClient(context.Background(), []string{"-addr", "127.0.0.1:1", "-case", "c"}, strings.NewReader(""), &out, &out))
	require.Equal(t, []string{"-addr", "a:1", "-case", "c", "-streams", "3"}, clientArgs("a:1", "c", 3))
}

func TestRunClientReportsDialError(t *testing.T) {
	t.Setenv(ClientTokenEnv, "tok")
	var out bytes.Buffer
	err := RunClient(context.Background(), []string{"-addr", "127.0.0.1:1", "-case", "c", "-streams", "2"}, strings.NewReader(""), &out, &out)
	require.Error(t, err)
	require.True(t, strings.HasPrefix(out.String(), "error: "), out.String())
}

// sampleReport is a report as a run on two cores might give.
func sampleReport() *Report {
	idle := &IdleReport{
		Streams: 2000, ServerOpen: 2016, OpenedIn: 812 * time.Millisecond, ClientProcess: "triagem",
		Heartbeat: 15 * time.Second, Window: 3 * time.Second,
		Before:     procstat.Memory{HeapInuse: 8 << 20, StackInuse: 1 << 20, HeapObjects: 6 << 20, RSS: 30 << 20, Goroutines: 40},
		After:      procstat.Memory{HeapInuse: 30 << 20, StackInuse: 9 << 20, HeapObjects: 20 << 20, RSS: 70 << 20, Goroutines: 2040},
		CPUNone:    procstat.CPU{Time: 3 * time.Millisecond, Wall: 3 * time.Second, Slice: procstat.SliceDefault},
		CPUStreams: procstat.CPU{Time: 4 * time.Millisecond, Wall: 3 * time.Second, Slice: procstat.SliceDefault},
		CPUTick:    procstat.CPU{Time: 9 * time.Millisecond, Wall: 500 * time.Millisecond, Slice: procstat.SliceDefault},
		ReleasedIn: 9 * time.Second, Profile: "/tmp/p/heap.pprof",
	}
	idle.Later, idle.Released = idle.After, idle.Before
	idle.PerStream = idle.perStream()
	return &Report{
		GoVersion: "go1.26", OS: "linux", Arch: "amd64", CPUs: 2, GOMAXPROCS: 2, Addr: "127.0.0.1:4000",
		Setup: "SQLite", OpenFiles: "left as is",
		Stream: &StreamReport{Idle: idle, Latency: &LatencyReport{Streams: 100, Events: 1000, Delivered: 100000, P50: time.Millisecond, P90: 2 * time.Millisecond,
			P99: 3 * time.Millisecond, Max: 9 * time.Millisecond, PublishRate: 499, TargetRate: 500, DeliveryRate: 49000}},
		Turns: &TurnsReport{Conversations: 32, Window: 3 * time.Second, Turns: 3000, Finished: 600, TurnsPerSecond: 990.5,
			P50: 25 * time.Millisecond, P99: 80 * time.Millisecond, Max: 120 * time.Millisecond},
		E2E: &E2EReport{Cases: 50, Turns: 5, Concurrency: 8, Completed: 50, Span: 2 * time.Second,
			CasesPerSecond: 25, P50: 117 * time.Millisecond, P99: 207 * time.Millisecond, Max: 210 * time.Millisecond},
	}
}

func TestIdlePerStream(t *testing.T) {
	t.Parallel()
	ps := sampleReport().Stream.Idle.PerStream
	require.InDelta(t, float64(30<<20)/2000, ps.Memory, 0.01) // (39 MiB − 9 MiB) / 2000
	require.InDelta(t, float64(8<<20)/2000, ps.Stacks, 0.01)
	require.InDelta(t, 1.0, ps.Goroutines, 0.001)
	require.Zero(t, ps.HeldAfterRelease)
	require.False(t, sampleReport().Stream.Idle.OverBudget())
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, WriteText(&out, sampleReport()))
	for _, want := range []string{
		"triagem bench: go1.26 linux/amd64, 2 CPUs, GOMAXPROCS=2, everything on loopback 127.0.0.1:4000 in this process",
		"1. stream mode, idle streams (server side only: the clients run in a child process, triagem)",
		"streams                                      2000 (server counts 2016 open), opened in 812ms",
		"memory per idle stream                       15729 B (15.36 KiB)  (within the 16 KiB budget",
		"goroutines per stream                        1.000  (40 → 2040)",
		"(same measure after the 3s CPU window)",
		"released after the clients left              9s  (noticed at the next heartbeat write; heartbeat 15s)",
		"profiles                                     /tmp/p/heap.pprof",
		"frames delivered                             100000/100000 (0 streams short)",
		"latency p50 / p90 / p99 / max                1.00ms / 2.00ms / 3.00ms / 9.00ms",
		"publish rate                                 499 events/s (target 500/s)",
		"3. turns mode (32 concurrent conversations for 3s on POST /continue, client token; finished cases analysed meanwhile)",
		"turns answered                               3000  (600 interviews finished",
		"turns per second                             990.5  (answered /continue requests over the run's wall time, new cases' /start included)",
		"per turn p50 / p99 / max                     25.00ms / 80.00ms / 120.00ms  (request sent → answer read)",
		"4. e2e mode, analysis throughput (SQLite + River, 50 cases of 5 turns, final /continue → triage_completed, 8 API clients)",
		"throughput                                   25.0 cases/s (50 cases in 2.00s, first final turn → last completion)",
		"per case p50 / p99 / max                     117.00ms / 207.00ms / 210.00ms",
	} {
		require.Contains(t, out.String(), want)
	}
}

func TestWriteTextPartialReport(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	r.Stream.Idle.StillOpen, r.Stream.Latency, r.E2E = 12, nil, nil
	var out bytes.Buffer
	require.NoError(t, WriteText(&out, r))
	require.Contains(t, out.String(), "not within 9s: 12 streams still open")
	require.NotContains(t, out.String(), "publish → deliver")
	require.NotContains(t, out.String(), "memory not returned after close")
	require.Contains(t, out.String(), "3. turns mode")
	require.NotContains(t, out.String(), "e2e mode")

	out.Reset()
	r.Stream, r.Turns = nil, &TurnsReport{Conversations: 2, Window: time.Second}
	require.NoError(t, WriteText(&out, r))
	require.Contains(t, out.String(), "turns answered                               0  (0 interviews finished")
	require.NotContains(t, out.String(), "turns per second")
	require.NotContains(t, out.String(), "stream mode")
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	raw, err := json.Marshal(sampleReport())
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, *sampleReport(), back)
	require.Contains(t, string(raw), `"p99_ns":3000000`)
	require.Contains(t, string(raw), `"stream":{"idle":{`)
	require.Contains(t, string(raw), `"turns":{"conversations":32`)
	require.Contains(t, string(raw), `"e2e":{"cases":50`)
}

func TestTurnsReport(t *testing.T) {
	t.Parallel()
	talkers := []talker{
		{lat: []time.Duration{4, 1, 3}, finished: 1},
		{lat: []time.Duration{2, 5}},
	}
	r := turnsReport(talkers, time.Second, 2*time.Second)
	require.Equal(t, &TurnsReport{Conversations: 2, Window: time.Second, Turns: 5, Finished: 1,
		TurnsPerSecond: 2.5, P50: 3, P99: 4, Max: 5}, r)
	require.Equal(t, &TurnsReport{Conversations: 1, Window: time.Second}, turnsReport([]talker{{}}, time.Second, time.Second))
}

func TestModes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		list, str string
		want      Modes
		err       bool
	}{
		{list: "turns", want: Modes{ModeTurns}, str: "turns"},
		{list: "e2e, stream,e2e", want: Modes{ModeE2E, ModeStream}, str: "e2e,stream"},
		{list: ModesDefault, want: allModes(), str: ModesDefault},
		{list: "turn", err: true},
		{list: "", err: true},
	} {
		t.Run(tc.list, func(t *testing.T) {
			t.Parallel()
			var m Modes
			err := m.Set(tc.list)
			if tc.err {
				require.ErrorContains(t, err, "unknown mode")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, m)
			require.Equal(t, tc.str, m.String())
		})
	}
	var none Modes
	require.True(t, none.Has(ModeStream) && none.Has(ModeTurns) && none.Has(ModeE2E), "empty means all")
	require.False(t, Modes{ModeTurns}.Has(ModeE2E))
}

func TestConfigValidateTurns(t *testing.T) {
	t.Parallel()
	c := validConfig()
	c.Modes, c.Conversations = Modes{ModeTurns}, 0
	require.ErrorContains(t, c.Validate(), "turns mode")
	c.Conversations, c.TurnsFor = 2, time.Second
	require.NoError(t, c.Validate())
	c.Modes, c.Conversations = Modes{ModeStream}, 0
	require.NoError(t, c.Validate(), "conversations only matter to the turns mode")
}

func TestFmtDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		1500 * time.Millisecond: "1.50s",
		2500 * time.Microsecond: "2.50ms",
		1500:                    "1.5µs",
		-690900:                 "-690.9µs",
	} {
		require.Equal(t, want, fmtDuration(d))
	}
}
