package bus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/bus"
	"github.com/triagem/triagem/bus/bustest"
	"github.com/triagem/triagem/internal/testenv"
)

func TestRedis(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	bustest.Run(t, func(t *testing.T, opts bustest.Options) triagem.Bus {
		return newRedisBus(t, redisConfig(t, url, opts))
	})
}

func TestRedisMultiInstance(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	bustest.RunMultiInstance(t, func(t *testing.T, opts bustest.Options) (triagem.Bus, triagem.Bus) {
		cfg := redisConfig(t, url, opts)
		return newRedisBus(t, cfg), newRedisBus(t, cfg)
	})
}

// TestRedisOnePubSubConnectionPerInstance: subscribers share the
// instance's one subscription instead of holding a connection each.
func TestRedisOnePubSubConnectionPerInstance(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	cfg := redisConfig(t, url, bustest.Options{})
	b := newRedisBus(t, cfg)
	cases := make([]string, 10)
	for i := range cases {
		cases[i] = bustest.NewCaseID()
	}
	subs := make([]triagem.Subscription, 100)
	for i := range subs {
		sub, err := b.Subscribe(t.Context(), cases[i%len(cases)], 0)
		require.NoError(t, err)
		t.Cleanup(sub.Close)
		subs[i] = sub
	}
	_, err := b.Publish(t.Context(), cases[0], "task_update", nil)
	require.NoError(t, err)
	for i := 0; i < len(subs); i += len(cases) {
		require.Equal(t, int64(1), (<-subs[i].Events()).Seq)
	}
	require.Len(t, pubsubClientIDs(t, adminClient(t, url), cfg.ClientName), 1)
}

// TestRedisReconnectKeepsStreams kills the bus's pub/sub connection in the
// middle of a stream: subscribers carry on with every event once and in
// order, including on a case that stayed idle while it was down.
func TestRedisReconnectKeepsStreams(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	admin := adminClient(t, url)
	var downs atomic.Int32
	cfg := redisConfig(t, url, bustest.Options{SubscriberBuffer: 256})
	cfg.OnReadyChange = func(ready bool) {
		if !ready {
			downs.Add(1)
		}
	}
	b := newRedisBus(t, cfg)
	busy, idle := bustest.NewCaseID(), bustest.NewCaseID()
	subs := []triagem.Subscription{subscribe(t, b, busy, 0), subscribe(t, b, busy, 0)}
	idleSub := subscribe(t, b, idle, 0)

	publishN(t, b, busy, 50)
	for _, sub := range subs {
		requireSeqRange(t, sub, 1, 50)
	}

	killPubSub(t, admin, cfg.ClientName)
	require.Eventually(t, func() bool { return downs.Load() > 0 }, bustest.Guard, time.Millisecond)
	// Published while the subscription is being restored: pub/sub loses
	// some of these, history does not.
	publishN(t, b, busy, 50)
	publishN(t, b, idle, 3)

	for _, sub := range subs {
		requireSeqRange(t, sub, 51, 100)
	}
	requireSeqRange(t, idleSub, 1, 3)
	require.Eventually(t, func() bool { return b.Ready(t.Context()) == nil }, bustest.Guard, 5*time.Millisecond)

	publishN(t, b, busy, 1)
	for _, sub := range subs {
		requireSeqRange(t, sub, 101, 101)
	}
}

// TestRedisLostDataResyncs deletes the bus's keys behind its back, as a
// Redis restart without persistence would: the next event starts a new
// epoch and subscribers are told to resync.
func TestRedisLostDataResyncs(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	admin := adminClient(t, url)
	cfg := redisConfig(t, url, bustest.Options{})
	b := newRedisBus(t, cfg)
	caseID := bustest.NewCaseID()
	sub := subscribe(t, b, caseID, 0)
	old := publishN(t, b, caseID, 5)
	requireSeqRange(t, sub, 1, 5)

	deletePrefix(t, admin, cfg.Prefix)
	fresh := publishN(t, b, caseID, 3)
	require.Equal(t, int64(1), fresh[0].Seq)
	require.NotEqual(t, old[0].Epoch, fresh[0].Epoch)

	resync := receiveOne(t, sub)
	require.Equal(t, triagem.EventResync, resync.Name)
	require.Equal(t, fresh[0].Epoch, resync.Epoch)
	require.GreaterOrEqual(t, resync.Seq, int64(1))
	requireSeqRange(t, sub, resync.Seq+1, 3)
}

// TestRedisLostDataWhileDisconnected: the data goes while the subscription
// is down and nothing is published after; the recheck on reconnect alone
// must tell the subscriber.
func TestRedisLostDataWhileDisconnected(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	admin := adminClient(t, url)
	cfg := redisConfig(t, url, bustest.Options{})
	b := newRedisBus(t, cfg)
	caseID := bustest.NewCaseID()
	sub := subscribe(t, b, caseID, 0)
	publishN(t, b, caseID, 5)
	requireSeqRange(t, sub, 1, 5)

	deletePrefix(t, admin, cfg.Prefix)
	killPubSub(t, admin, cfg.ClientName)
	resync := receiveOne(t, sub)
	require.Equal(t, triagem.EventResync, resync.Name)
	require.Equal(t, int64(0), resync.Seq)
}

func TestRedisConfigErrors(t *testing.T) {
	t.Parallel()
	_, err := bus.NewRedis(t.Context(), bus.RedisConfig{})
	require.ErrorContains(t, err, "URL is required")
	_, err = bus.NewRedis(t.Context(), bus.RedisConfig{URL: "http://nope"})
	require.ErrorContains(t, err, "bus: redis url")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err = bus.NewRedis(ctx, bus.RedisConfig{URL: "redis://127.0.0.1:1/0"})
	require.Error(t, err, "nothing listens on port 1")
}

func BenchmarkRedisPublish(b *testing.B) {
	url := testenv.RedisURL(b)
	prefix := "triagembench:" + uuid.NewString() + ":"
	r, err := bus.NewRedis(b.Context(), bus.RedisConfig{URL: url, Prefix: prefix, ClientName: "triagem-bench"})
	require.NoError(b, err)
	defer func() {
		require.NoError(b, r.Close())
		deletePrefix(b, adminClient(b, url), prefix)
	}()
	data := json.RawMessage(`{"status":"analyzing","confidence":0.82}`)
	b.Run("one-case", func(b *testing.B) {
		caseID := bustest.NewCaseID()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Publish(b.Context(), caseID, "task_update", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel-cases", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			caseID := bustest.NewCaseID()
			for pb.Next() {
				if _, err := r.Publish(context.Background(), caseID, "task_update", data); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// redisConfig gives a test its own key prefix and client name (both
// removed or released when it ends).
func redisConfig(t *testing.T, url string, opts bustest.Options) bus.RedisConfig {
	t.Helper()
	id := uuid.NewString()
	prefix := "triagemtest:" + id + ":"
	admin := adminClient(t, url)
	t.Cleanup(func() { deletePrefix(t, admin, prefix) })
	return bus.RedisConfig{
		URL:              url,
		Prefix:           prefix,
		ClientName:       "triagem-bustest-" + id,
		HistorySize:      opts.HistorySize,
		HistoryTTL:       opts.HistoryTTL,
		SubscriberBuffer: opts.SubscriberBuffer,
		// Short, so that a lost connection shows up fast in tests.
		HealthCheckInterval: 500 * time.Millisecond,
	}
}

func newRedisBus(t *testing.T, cfg bus.RedisConfig) *bus.Redis {
	t.Helper()
	b, err := bus.NewRedis(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	require.NoError(t, b.Ready(t.Context()))
	return b
}

func adminClient(tb testing.TB, url string) *redis.Client {
	tb.Helper()
	opts, err := redis.ParseURL(url)
	require.NoError(tb, err)
	c := redis.NewClient(opts)
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// deletePrefix removes every key under prefix. Cleanups run after the
// test's context is cancelled, hence a fresh one.
func deletePrefix(tb testing.TB, admin *redis.Client, prefix string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := admin.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		require.NoError(tb, admin.Del(ctx, iter.Val()).Err())
	}
	require.NoError(tb, iter.Err())
}

// pubsubClientIDs lists the ids of pub/sub connections named name.
func pubsubClientIDs(t *testing.T, admin *redis.Client, name string) []string {
	t.Helper()
	list, err := admin.Do(t.Context(), "CLIENT", "LIST", "TYPE", "pubsub").Text()
	require.NoError(t, err)
	var ids []string
	for line := range strings.Lines(list) {
		fields := make(map[string]string)
		for field := range strings.FieldsSeq(line) {
			k, v, _ := strings.Cut(field, "=")
			fields[k] = v
		}
		if fields["name"] == name {
			ids = append(ids, fields["id"])
		}
	}
	return ids
}

// killPubSub drops this bus's pub/sub connection, and no one else's: CLIENT
// KILL has no name filter, so it goes by id.
func killPubSub(t *testing.T, admin *redis.Client, name string) {
	t.Helper()
	ids := pubsubClientIDs(t, admin, name)
	require.Len(t, ids, 1)
	require.NoError(t, admin.Do(t.Context(), "CLIENT", "KILL", "ID", ids[0]).Err())
}

func subscribe(t *testing.T, b triagem.Bus, caseID string, after int64) triagem.Subscription {
	t.Helper()
	sub, err := b.Subscribe(t.Context(), caseID, after)
	require.NoError(t, err)
	t.Cleanup(sub.Close)
	return sub
}

func publishN(t *testing.T, b triagem.Bus, caseID string, n int) []triagem.Event {
	t.Helper()
	var events []triagem.Event
	for i := range n {
		ev, err := b.Publish(t.Context(), caseID, "task_update", json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)))
		require.NoError(t, err)
		events = append(events, ev)
	}
	return events
}

func receiveOne(t *testing.T, sub triagem.Subscription) triagem.Event {
	t.Helper()
	select {
	case ev, ok := <-sub.Events():
		require.True(t, ok, "subscription ended: %v", sub.Err())
		return ev
	case <-time.After(bustest.Guard):
		require.FailNow(t, "no event within the guard")
		return triagem.Event{}
	}
}

// requireSeqRange receives exactly from..to, in order, with no resync.
func requireSeqRange(t *testing.T, sub triagem.Subscription, from, to int64) {
	t.Helper()
	for want := from; want <= to; want++ {
		ev := receiveOne(t, sub)
		require.NotEqual(t, triagem.EventResync, ev.Name, "unexpected resync at seq %d", ev.Seq)
		require.Equal(t, want, ev.Seq)
	}
}

// TestRedisHealthCheckOnQuietLine: with nothing published, the listener
// pings; the subscription stays usable.
func TestRedisHealthCheckOnQuietLine(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	cfg := redisConfig(t, url, bustest.Options{})
	cfg.HealthCheckInterval = 20 * time.Millisecond
	b := newRedisBus(t, cfg)
	caseID := bustest.NewCaseID()
	sub := subscribe(t, b, caseID, 0)
	time.Sleep(10 * cfg.HealthCheckInterval) // several pings' worth of silence
	publishN(t, b, caseID, 1)
	requireSeqRange(t, sub, 1, 1)
	require.Eventually(t, func() bool { return b.Ready(t.Context()) == nil }, bustest.Guard, 5*time.Millisecond)
}

// TestRedisScriptsSurviveScriptFlush: scripts run by EVALSHA fall back to
// EVAL when Redis forgot them (a restart, SCRIPT FLUSH).
func TestRedisScriptsSurviveScriptFlush(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	b := newRedisBus(t, redisConfig(t, url, bustest.Options{}))
	caseID := bustest.NewCaseID()
	publishN(t, b, caseID, 2)
	require.NoError(t, adminClient(t, url).ScriptFlush(t.Context()).Err())
	publishN(t, b, caseID, 1)
	sub := subscribe(t, b, caseID, 1)
	requireSeqRange(t, sub, 2, 3)
	require.NoError(t, b.DeleteHistory(t.Context(), caseID))
}
