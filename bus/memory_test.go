package bus_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/bus"
	"github.com/triagem/triagem/bus/bustest"
)

func TestMemory(t *testing.T) {
	t.Parallel()
	bustest.Run(t, func(t *testing.T, opts bustest.Options) triagem.Bus {
		b := bus.NewMemory(bus.MemoryConfig{
			HistorySize:      opts.HistorySize,
			HistoryTTL:       opts.HistoryTTL,
			SubscriberBuffer: opts.SubscriberBuffer,
		})
		t.Cleanup(func() { require.NoError(t, b.Close()) })
		return b
	})
}

func TestMemoryConfigWithDefaults(t *testing.T) {
	t.Parallel()
	cfg := bus.MemoryConfig{HistoryTTL: 10 * time.Second, SubscriberBuffer: -1}.WithDefaults()
	require.Equal(t, bus.HistorySizeDefault, cfg.HistorySize)
	require.Equal(t, 10*time.Second, cfg.HistoryTTL)
	require.Equal(t, bus.SubscriberBufferDefault, cfg.SubscriberBuffer)
	require.Equal(t, 10*time.Second, cfg.ReapInterval, "never sweep less often than events expire")
	require.NotNil(t, cfg.Now)

	cfg = bus.MemoryConfig{}.WithDefaults()
	require.Equal(t, bus.HistoryTTLDefault, cfg.HistoryTTL)
	require.Equal(t, bus.ReapIntervalDefault, cfg.ReapInterval)
}

// fakeClock is a time source the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestMemoryEventsExpireOneByOne checks age trimming inside a case that is
// still active: old events go, the seq counter and epoch stay.
func TestMemoryEventsExpireOneByOne(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)}
	b := bus.NewMemory(bus.MemoryConfig{HistoryTTL: 15 * time.Second, Now: clock.Now})
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	caseID := bustest.NewCaseID()

	first, err := b.Publish(t.Context(), caseID, "triage_update", nil)
	require.NoError(t, err)
	clock.Advance(10 * time.Second)
	second, err := b.Publish(t.Context(), caseID, "triage_update", nil)
	require.NoError(t, err)
	clock.Advance(6 * time.Second) // the first is 16s old, the second 6s

	sub, err := b.Subscribe(t.Context(), caseID, 0)
	require.NoError(t, err)
	defer sub.Close()
	resync := <-sub.Events()
	require.Equal(t, triagem.EventResync, resync.Name)
	require.Equal(t, second.Seq, resync.Seq)
	require.Equal(t, first.Epoch, resync.Epoch, "the case lives on: same epoch")

	sub2, err := b.Subscribe(t.Context(), caseID, 1)
	require.NoError(t, err)
	defer sub2.Close()
	require.Equal(t, second, <-sub2.Events())

	clock.Advance(15 * time.Second) // the whole case is idle past its TTL
	last, err := b.LastSeq(t.Context(), caseID)
	require.NoError(t, err)
	require.Zero(t, last)
}

// BenchmarkPublishDeliver measures one publish reaching every subscriber of
// a case. Publishing waits for the previous event to reach all subscribers,
// so no subscriber overflows. ns/deliver is the mean time from publish
// (Event.At) to receipt, over every delivery; ns/fanout is the wall time
// per delivery (ns/op divided by the subscribers).
func BenchmarkPublishDeliver(b *testing.B) {
	for _, subscribers := range []int{1, 100, 10_000} {
		b.Run(fmt.Sprintf("subscribers=%d", subscribers), func(b *testing.B) {
			benchmarkPublishDeliver(b, subscribers)
		})
	}
}

func benchmarkPublishDeliver(b *testing.B, subscribers int) {
	m := bus.NewMemory(bus.MemoryConfig{})
	defer m.Close()
	caseID := bustest.NewCaseID()
	var (
		latency   atomic.Int64 // sum of ns from publish to receipt
		delivered sync.WaitGroup
		readers   sync.WaitGroup
	)
	for range subscribers {
		sub, err := m.Subscribe(b.Context(), caseID, 0)
		require.NoError(b, err)
		readers.Go(func() {
			var sum int64
			for ev := range sub.Events() {
				sum += time.Since(ev.At).Nanoseconds()
				delivered.Done()
			}
			latency.Add(sum)
		})
	}
	data := json.RawMessage(`{"status":"analyzing","confidence":0.82}`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		delivered.Add(subscribers)
		if _, err := m.Publish(b.Context(), caseID, "task_update", data); err != nil {
			b.Fatal(err)
		}
		delivered.Wait()
	}
	b.StopTimer()
	require.NoError(b, m.Close())
	readers.Wait()
	b.ReportMetric(float64(latency.Load())/float64(b.N*subscribers), "ns/deliver")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*subscribers), "ns/fanout")
}

// BenchmarkSubscribeIdle shows what an idle subscription costs (B/op): the
// DESIGN budget for a whole idle stream is 16 KiB.
func BenchmarkSubscribeIdle(b *testing.B) {
	m := bus.NewMemory(bus.MemoryConfig{})
	defer m.Close()
	caseID := bustest.NewCaseID()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Subscribe(b.Context(), caseID, 0); err != nil {
			b.Fatal(err)
		}
	}
}
