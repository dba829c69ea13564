package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triagem/triagem"
)

// ReapIntervalDefault is the longest the memory bus waits between sweeps of
// expired history.
const ReapIntervalDefault = time.Minute

// MemoryConfig configures the in-process bus. Its zero value works.
type MemoryConfig struct {
	// HistorySize is how many events each case keeps. Defaults to
	// HistorySizeDefault (1000).
	HistorySize int
	// HistoryTTL is how long an event stays in history; a case whose last
	// event is older loses its history and seq counter, and its next event
	// starts a new epoch at seq 1 (as a Redis key expiring would). Defaults
	// to HistoryTTLDefault (24h).
	HistoryTTL time.Duration
	// SubscriberBuffer is how many events a subscriber may fall behind
	// before it is closed with triagem.ErrSlowConsumer. Defaults to
	// SubscriberBufferDefault.
	SubscriberBuffer int
	// ReapInterval is how often expired history is swept away; it is also
	// dropped lazily whenever a case is touched. Defaults to the smaller of
	// HistoryTTL and ReapIntervalDefault (1 minute).
	ReapInterval time.Duration
	// Now tells the time, so that tests can move it. Defaults to time.Now.
	Now func() time.Time
}

// WithDefaults returns the config with every zero (or negative) field set to
// its default.
func (c MemoryConfig) WithDefaults() MemoryConfig {
	c.HistorySize = positiveOr(c.HistorySize, HistorySizeDefault)
	c.HistoryTTL = positiveOr(c.HistoryTTL, HistoryTTLDefault)
	c.SubscriberBuffer = positiveOr(c.SubscriberBuffer, SubscriberBufferDefault)
	c.ReapInterval = positiveOr(c.ReapInterval, min(c.HistoryTTL, ReapIntervalDefault))
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// memoryShardCount spreads cases over independent locks.
const memoryShardCount = 64

// Memory is the in-process triagem.Bus: history in memory, fan-out by
// function call. It serves one instance only.
type Memory struct {
	cfg    MemoryConfig
	broker *broker
	seed   maphash.Seed
	shards [memoryShardCount]memoryShard

	closed    atomic.Bool
	closeOnce sync.Once
	stop      chan struct{}
}

var _ triagem.Bus = (*Memory)(nil)

type memoryShard struct {
	mu    sync.Mutex
	cases map[string]*memoryCase
}

// memoryCase is one case's history. Seqs in events are contiguous and end
// at head: trimming only ever drops the oldest.
type memoryCase struct {
	epoch  string
	head   int64
	events []triagem.Event
	// touched is when the last event was published: the case expires
	// HistoryTTL later.
	touched time.Time
}

// NewMemory returns an in-process bus and starts its reaper, which Close
// stops.
func NewMemory(cfg MemoryConfig) *Memory {
	m := &Memory{cfg: cfg.WithDefaults(), seed: maphash.MakeSeed(), stop: make(chan struct{})}
	m.broker = newBroker(m, m.cfg.SubscriberBuffer, m.cfg.Now)
	for i := range m.shards {
		m.shards[i].cases = make(map[string]*memoryCase)
	}
	m.broker.wg.Add(1)
	go m.reap()
	return m
}

func (m *Memory) shard(caseID string) *memoryShard {
	return &m.shards[maphash.String(m.seed, caseID)%memoryShardCount]
}

// Publish appends the event and offers it to the case's subscribers while
// still holding the case's lock, so that they see events in seq order.
func (m *Memory) Publish(_ context.Context, caseID, name string, data json.RawMessage) (triagem.Event, error) {
	if m.closed.Load() {
		return triagem.Event{}, errPublish(caseID, triagem.ErrBusClosed)
	}
	data, err := checkEvent(caseID, name, data)
	if err != nil {
		return triagem.Event{}, errPublish(caseID, err)
	}
	now := m.cfg.Now()
	sh := m.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	c := m.liveCase(sh, caseID, now)
	if c == nil {
		c = &memoryCase{epoch: newEpoch()}
		sh.cases[caseID] = c
	}
	c.head++
	ev := triagem.Event{CaseID: caseID, Seq: c.head, Epoch: c.epoch, Name: name, Data: data, At: now.UTC()}
	c.events = append(c.events, ev)
	c.touched = now
	c.trim(now, m.cfg.HistorySize, m.cfg.HistoryTTL)
	m.broker.fanout.deliver(ev)
	return ev, nil
}

// Subscribe implements triagem.Bus. The subscription also ends when ctx
// does, with ctx.Err() as its Err.
func (m *Memory) Subscribe(ctx context.Context, caseID string, after int64) (triagem.Subscription, error) {
	if m.closed.Load() {
		return nil, fmt.Errorf("bus: subscribe to case %s: %w", caseID, triagem.ErrBusClosed)
	}
	return m.broker.subscribe(ctx, caseID, after)
}

// readHistory copies the events after a position; the shared subscriber code
// calls it after registering the subscriber.
func (m *Memory) readHistory(_ context.Context, caseID string, after int64) (history, error) {
	now := m.cfg.Now()
	sh := m.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	c := m.liveCase(sh, caseID, now)
	if c == nil {
		return history{}, nil
	}
	h := history{Head: c.head, Epoch: c.epoch}
	if len(c.events) == 0 || after >= c.head {
		return h, nil
	}
	first := c.events[0].Seq
	if after+1 < first {
		return h, nil // trimmed past the position: the subscriber resyncs
	}
	h.Events = append([]triagem.Event(nil), c.events[after+1-first:]...)
	return h, nil
}

// LastSeq implements triagem.Bus.
func (m *Memory) LastSeq(_ context.Context, caseID string) (int64, error) {
	sh := m.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if c := m.liveCase(sh, caseID, m.cfg.Now()); c != nil {
		return c.head, nil
	}
	return 0, nil
}

// DeleteHistory implements triagem.Bus.
func (m *Memory) DeleteHistory(_ context.Context, caseID string) error {
	sh := m.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	delete(sh.cases, caseID)
	m.broker.fanout.endCase(caseID, triagem.ErrCaseDeleted)
	return nil
}

// Ready implements triagem.Bus: an open memory bus can always deliver.
func (m *Memory) Ready(context.Context) error {
	if m.closed.Load() {
		return fmt.Errorf("bus: %w", triagem.ErrBusClosed)
	}
	return nil
}

// Close ends every subscription with triagem.ErrBusClosed and stops the
// reaper. It is idempotent.
func (m *Memory) Close() error {
	m.closeOnce.Do(func() {
		m.closed.Store(true)
		close(m.stop)
		m.broker.close()
	})
	return nil
}

// liveCase returns the case's history with expired events dropped, or nil
// (forgetting the case) when all of it has expired. sh.mu must be held.
func (m *Memory) liveCase(sh *memoryShard, caseID string, now time.Time) *memoryCase {
	c := sh.cases[caseID]
	if c == nil {
		return nil
	}
	if c.expired(now, m.cfg.HistoryTTL) {
		delete(sh.cases, caseID)
		return nil
	}
	c.trim(now, m.cfg.HistorySize, m.cfg.HistoryTTL)
	return c
}

func (c *memoryCase) expired(now time.Time, ttl time.Duration) bool {
	return now.Sub(c.touched) >= ttl
}

// trim drops the oldest events beyond size or older than ttl. Reslicing
// keeps the backing array until append outgrows it and copies only the
// live part, so memory stays bounded by about twice size.
func (c *memoryCase) trim(now time.Time, size int, ttl time.Duration) {
	drop := max(len(c.events)-size, 0)
	for drop < len(c.events) && now.Sub(c.events[drop].At) >= ttl {
		drop++
	}
	if drop > 0 {
		clear(c.events[:drop]) // let the payloads be collected
		c.events = c.events[drop:]
	}
}

// reap sweeps expired history on a ticker, so that idle cases do not hold
// memory until someone touches them again.
func (m *Memory) reap() {
	defer m.broker.wg.Done()
	ticker := time.NewTicker(m.cfg.ReapInterval)
	defer ticker.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-ticker.C:
			m.sweep()
		}
	}
}

func (m *Memory) sweep() {
	now := m.cfg.Now()
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		for caseID := range sh.cases {
			m.liveCase(sh, caseID, now)
		}
		sh.mu.Unlock()
	}
}
