// Package bench measures a running Triagem on this machine, on loopback
// only, in three modes (Config.Modes): stream, what an idle SSE stream
// costs the server (memory, goroutines, CPU) and how long an event takes
// from Publish to a client's socket; turns, how many /continue turns per
// second concurrent conversations get and how long each takes; e2e, how
// many cases per second the background analysis completes. Every mode
// fills its own report struct; WriteText prints them, and they encode as
// JSON. The service is started through Config.Start, so that the command
// measures the server it really runs.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/procstat"
)

// Defaults of Config; together they finish in well under a minute on two cores.
const (
	StreamsDefault     = 2000
	SubscribersDefault = 100
	EventsDefault      = 1000
	EventRateDefault   = 500
	CasesDefault       = 50
	ConcurrencyDefault = 8
	IdleDefault        = 3 * time.Second
	// ConversationsDefault and TurnsForDefault shape the turns mode.
	ConversationsDefault = 32
	TurnsForDefault      = 3 * time.Second
)

// IdleStreamBudget is the most service memory an idle stream may cost.
const IdleStreamBudget = 16 << 10

// Config is one run of the benchmark.
type Config struct {
	// Start starts the service and returns it; Target.Stop stops it.
	Start func(ctx context.Context) (*Target, error)
	// ClientCommand runs RunClient in a child process (for example the
	// triagem binary and "bench", "-client"); the scenario appends the
	// client's flags.
	ClientCommand []string
	Stderr        io.Writer     // the child's stderr (nil: discarded)
	Streams       int           // idle streams for the memory and CPU measurement
	Subscribers   int           // streams on one case for the latency measurement
	Events        int           // events published for the latency measurement
	EventRate     int           // events published per second (0: as fast as possible)
	Cases         int           // cases analysed for the throughput measurement (0 skips it)
	Concurrency   int           // concurrent API clients for the throughput measurement
	Idle          time.Duration // window of each idle CPU measurement
	Conversations int           // concurrent conversations of the turns mode
	TurnsFor      time.Duration // how long the turns mode drives them
	// Modes are the scenarios to run (empty: ModesDefault).
	Modes Modes
	// ProfileDir, when set, receives heap.pprof (every allocation sampled)
	// and goroutines.txt while the idle streams are open.
	ProfileDir string
}

// Validate reports figures that cannot work (Run also needs Start and
// ClientCommand).
func (c Config) Validate() error {
	if c.Streams < 1 || c.Subscribers < 1 || c.Events < 1 || c.Concurrency < 1 || c.Cases < 0 || c.EventRate < 0 || c.Idle <= 0 {
		return errors.New("bench: streams, subscribers, events, concurrency and idle must be positive; cases and event rate not negative")
	}
	if c.Modes.Has(ModeTurns) && (c.Conversations < 1 || c.TurnsFor <= 0) {
		return errors.New("bench: the turns mode needs conversations and a duration that are positive")
	}
	return nil
}

// Target is a started service, in this process (its bus is shared with the
// benchmark, which publishes and subscribes through it directly).
type Target struct {
	Addr        string // host:port on loopback
	Bus         triagem.Bus
	ClientToken string // client role; the user may open Config.Streams + Config.Subscribers streams
	AdminToken  string // admin role, for /stats
	Heartbeat   time.Duration
	// HeartbeatsFrom is when the server's heartbeat ticker started:
	// heartbeats fall at HeartbeatsFrom + k·Heartbeat.
	HeartbeatsFrom time.Time
	Setup          string // one line: store, bus, workers, tokens, heartbeat
	Stop           func() error
}

// Report is a whole run, one section per mode. Sections not run (or not
// reached) are nil.
type Report struct {
	GoVersion  string        `json:"go_version"`
	OS         string        `json:"os"`
	Arch       string        `json:"arch"`
	CPUs       int           `json:"cpus"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	Addr       string        `json:"addr"`
	Setup      string        `json:"setup"`
	OpenFiles  string        `json:"open_files"`
	Stream     *StreamReport `json:"stream,omitempty"`
	Turns      *TurnsReport  `json:"turns,omitempty"`
	E2E        *E2EReport    `json:"e2e,omitempty"`
}

// StreamReport is the stream mode: what idle streams cost, and how long an
// event takes from Publish to a client.
type StreamReport struct {
	Idle    *IdleReport    `json:"idle,omitempty"`
	Latency *LatencyReport `json:"latency,omitempty"`
}

// Run starts the service, runs every scenario in turn and stops it. On an
// error the report holds what was measured before it.
func Run(ctx context.Context, cfg Config) (_ *Report, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Start == nil || len(cfg.ClientCommand) == 0 {
		return nil, errors.New("bench: Start and ClientCommand are required")
	}
	r := &Report{GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if r.OpenFiles, err = procstat.RaiseOpenFileLimit(uint64(max(cfg.Streams, cfg.Subscribers) + 2*max(cfg.Concurrency, cfg.Conversations) + 512)); err != nil {
		return nil, err
	}
	if cfg.ProfileDir != "" {
		// Sample every allocation, so that the profile's bytes add up to
		// the measured ones (this slows the run and adds profiling memory).
		defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
		runtime.MemProfileRate = 1
	}
	t, err := cfg.Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start service: %w", err)
	}
	s := &session{cfg: cfg, t: t, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: max(cfg.Concurrency, cfg.Conversations) + 4},
	}}
	defer func() {
		s.client.CloseIdleConnections()
		if serr := t.Stop(); err == nil && serr != nil {
			err = fmt.Errorf("stop service: %w", serr)
		}
	}()
	r.Addr, r.Setup = t.Addr, t.Setup
	if err := s.awaitReady(ctx, ReadyTimeoutDefault); err != nil {
		return r, err
	}
	return r, s.run(ctx, r)
}

// ReadyTimeoutDefault is how long Run waits for the started service's /readyz.
const ReadyTimeoutDefault = 10 * time.Second

// awaitReady polls /readyz until it answers 200 (at most for limit).
func (s *session) awaitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := s.call(ctx, http.MethodGet, "/readyz", "", nil, nil)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("service not ready within %s: %w", limit, err)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// run runs the chosen modes in the order stream, turns, e2e.
func (s *session) run(ctx context.Context, r *Report) error {
	modes := s.cfg.Modes.orDefault()
	if modes.Has(ModeStream) {
		if err := s.stream(ctx, r); err != nil {
			return err
		}
	}
	var err error
	if modes.Has(ModeTurns) {
		if r.Turns, err = s.turns(ctx); err != nil {
			return fmt.Errorf("turns: %w", err)
		}
	}
	if modes.Has(ModeE2E) && s.cfg.Cases > 0 {
		if r.E2E, err = s.throughput(ctx); err != nil {
			return fmt.Errorf("e2e: %w", err)
		}
	}
	return nil
}

// stream fills r.Stream as it goes, so that an error keeps what came before.
func (s *session) stream(ctx context.Context, r *Report) error {
	r.Stream = &StreamReport{}
	var err error
	if r.Stream.Idle, err = s.idleStreams(ctx); err != nil {
		return fmt.Errorf("idle streams: %w", err)
	}
	if r.Stream.Latency, err = s.latency(ctx); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	return nil
}

// percentile is the p-th percentile of sorted (nearest rank below).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p/100)]
}
