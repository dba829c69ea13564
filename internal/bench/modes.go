package bench

import (
	"flag"
	"fmt"
	"slices"
	"strings"
)

// Mode is one scenario of the benchmark.
type Mode string

// The modes, as the performance issue names them.
const (
	ModeStream Mode = "stream" // idle streams' cost and publish → deliver latency
	ModeTurns  Mode = "turns"  // concurrent conversations on /continue: turns/s and per-turn latency
	ModeE2E    Mode = "e2e"    // final turn → triage_completed on the stream
)

// ModesDefault is every mode, in the order Run takes them.
const ModesDefault = "stream,turns,e2e"

// allModes is ModesDefault as a set.
func allModes() Modes { return Modes{ModeStream, ModeTurns, ModeE2E} }

// Modes is a set of modes; as a flag.Value it reads a comma list.
type Modes []Mode

var _ flag.Value = (*Modes)(nil)

// String is the comma list.
func (m *Modes) String() string {
	parts := make([]string, len(*m))
	for i, mode := range *m {
		parts[i] = string(mode)
	}
	return strings.Join(parts, ",")
}

// Set reads a comma list of modes, replacing what was there.
func (m *Modes) Set(list string) error {
	var out Modes
	for part := range strings.SplitSeq(list, ",") {
		mode := Mode(strings.TrimSpace(part))
		if !slices.Contains(allModes(), mode) {
			return fmt.Errorf("unknown mode %q (want a comma list of %s)", mode, ModesDefault)
		}
		if !slices.Contains(out, mode) { // Has would read an empty out as every mode
			out = append(out, mode)
		}
	}
	*m = out
	return nil
}

// Has reports whether mode is in m; an empty m stands for ModesDefault.
func (m Modes) Has(mode Mode) bool { return slices.Contains(m.orDefault(), mode) }

func (m Modes) orDefault() Modes {
	if len(m) == 0 {
		return allModes()
	}
	return m
}

// RegisterFlags defines c's knobs on fs, with the package's defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	c.Modes = allModes()
	fs.Var(&c.Modes, "mode", "comma list of modes to run: stream (idle streams, publish → deliver), turns (concurrent /continue), e2e (final turn → triage_completed)")
	fs.IntVar(&c.Streams, "streams", StreamsDefault, "stream mode: idle streams to open for the memory and CPU measurement")
	fs.IntVar(&c.Subscribers, "subscribers", SubscribersDefault, "stream mode: streams on one case for the latency measurement")
	fs.IntVar(&c.Events, "events", EventsDefault, "stream mode: events published for the latency measurement")
	fs.IntVar(&c.EventRate, "event-rate", EventRateDefault, "stream mode: events published per second (0: as fast as possible)")
	fs.DurationVar(&c.Idle, "idle", IdleDefault, "stream mode: window over which idle CPU is measured (once without, once with the streams)")
	fs.IntVar(&c.Conversations, "conversations", ConversationsDefault, "turns mode: concurrent conversations")
	fs.DurationVar(&c.TurnsFor, "turns-for", TurnsForDefault, "turns mode: how long the conversations run")
	fs.IntVar(&c.Cases, "cases", CasesDefault, "e2e mode: cases analysed (0 skips it)")
	fs.IntVar(&c.Concurrency, "concurrency", ConcurrencyDefault, "e2e mode: concurrent API clients")
	fs.StringVar(&c.ProfileDir, "profile-dir", "", "stream mode: write heap.pprof (every allocation sampled) and goroutines.txt here while the idle streams are open")
}
