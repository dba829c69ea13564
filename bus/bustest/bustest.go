// Package bustest is the conformance suite every triagem.Bus must pass. Run
// it from an engine's tests with a factory that builds a fresh bus (and
// closes it, and cleans up after it, with t.Cleanup):
//
//	bustest.Run(t, func(t *testing.T, opts bustest.Options) triagem.Bus { … })
//
// Timeouts in the suite only guard against hanging; no assertion depends on
// how fast a bus is.
package bustest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// Options are the bounds a test needs; a zero field means the engine's
// default.
type Options struct {
	HistorySize      int
	HistoryTTL       time.Duration
	SubscriberBuffer int
}

// Factory builds a bus with opts for one test. It registers the bus's Close
// with t.Cleanup.
type Factory func(t *testing.T, opts Options) triagem.Bus

// PairFactory builds two buses sharing one backend (two instances of the
// service), both closed with t.Cleanup.
type PairFactory func(t *testing.T, opts Options) (triagem.Bus, triagem.Bus)

// Guard is how long the suite waits for something that must happen before
// it calls the bus broken. It is a hang guard, not a latency target.
const Guard = 30 * time.Second

// Run exercises every documented behaviour of triagem.Bus.
func Run(t *testing.T, newBus Factory) {
	t.Run("PublishAssignsSeqWithoutGaps", func(t *testing.T) { testSeqWithoutGaps(t, newBus) })
	t.Run("PublishRequiresJSONObject", func(t *testing.T) { testPublishRequiresObject(t, newBus) })
	t.Run("EventJSONCarriesCaseSeqTimestamp", func(t *testing.T) { testEventJSON(t, newBus) })
	t.Run("SubscribeReplaysHistoryThenLive", func(t *testing.T) { testReplayThenLive(t, newBus) })
	t.Run("SubscribeAfterPosition", func(t *testing.T) { testSubscribeAfter(t, newBus) })
	t.Run("SubscribeWhilePublishing", func(t *testing.T) { testSubscribeWhilePublishing(t, newBus) })
	t.Run("SubscribeToEmptyCase", func(t *testing.T) { testSubscribeEmptyCase(t, newBus) })
	t.Run("ResyncWhenHistoryTrimmed", func(t *testing.T) { testResyncTrimmed(t, newBus) })
	t.Run("ResyncWhenPositionAhead", func(t *testing.T) { testResyncAhead(t, newBus) })
	t.Run("SlowSubscriberDoesNotDelayOthers", func(t *testing.T) { testSlowSubscriber(t, newBus) })
	t.Run("SlowSubscriberDuringReplay", func(t *testing.T) { testSlowDuringReplay(t, newBus) })
	t.Run("CasesAreIndependent", func(t *testing.T) { testCasesIndependent(t, newBus) })
	t.Run("DeleteHistoryEndsSubscriptions", func(t *testing.T) { testDeleteHistory(t, newBus) })
	t.Run("SubscriptionCloseAndContext", func(t *testing.T) { testSubscriptionClose(t, newBus) })
	t.Run("CloseEndsEverything", func(t *testing.T) { testClose(t, newBus) })
	t.Run("HistoryExpiresByAge", func(t *testing.T) { testHistoryExpires(t, newBus) })
}

// RunMultiInstance checks that two instances on one backend behave as one
// bus: events published on either reach subscribers on both, once and in
// order, and deleting a case on one ends its subscriptions on the other.
func RunMultiInstance(t *testing.T, newPair PairFactory) {
	t.Run("PublishOnOneSubscribeOnOther", func(t *testing.T) {
		t.Parallel()
		a, b := newPair(t, Options{SubscriberBuffer: 1024})
		caseID := NewCaseID()
		publish(t, a, caseID, 10)
		subB := subscribe(t, b, caseID, 0)
		subA := subscribe(t, a, caseID, 5)
		publishConcurrently(t, []triagem.Bus{a, b}, caseID, 4, 50) // 400 more
		requireSeqs(t, receive(t, subB, 410), 1)
		requireSeqs(t, receive(t, subA, 405), 6)
		requireNothingPending(t, subA)
		requireNothingPending(t, subB)
	})
	t.Run("DeleteOnOneEndsSubscriptionsOnOther", func(t *testing.T) {
		t.Parallel()
		a, b := newPair(t, Options{})
		caseID := NewCaseID()
		subB := subscribe(t, b, caseID, 0)
		publish(t, a, caseID, 3)
		requireSeqs(t, receive(t, subB, 3), 1)
		require.NoError(t, a.DeleteHistory(t.Context(), caseID))
		requireEnded(t, subB, triagem.ErrCaseDeleted)
		requireLastSeq(t, b, caseID, 0)
	})
}

// NewCaseID returns a case id no other test uses.
func NewCaseID() string { return uuid.NewString() }

func testSeqWithoutGaps(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	const publishers, each = 8, 100
	events := make(chan triagem.Event, publishers*each)
	var wg sync.WaitGroup
	for range publishers {
		wg.Go(func() {
			for range each {
				ev, err := b.Publish(t.Context(), caseID, "task_update", json.RawMessage(`{"n":1}`))
				if err != nil {
					t.Error(err)
					return
				}
				events <- ev
			}
		})
	}
	wg.Wait()
	close(events)
	seen := make(map[int64]bool)
	epochs := make(map[string]bool)
	for ev := range events {
		require.False(t, seen[ev.Seq], "seq %d assigned twice", ev.Seq)
		seen[ev.Seq] = true
		epochs[ev.Epoch] = true
		require.Equal(t, caseID, ev.CaseID)
	}
	require.Len(t, seen, publishers*each)
	for seq := int64(1); seq <= publishers*each; seq++ {
		require.True(t, seen[seq], "seq %d missing", seq)
	}
	require.Len(t, epochs, 1, "one history, one epoch")
	requireLastSeq(t, b, caseID, publishers*each)
}

func testPublishRequiresObject(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	for _, data := range []string{`[1,2]`, `"text"`, `42`, `null`, `{"open":`, `{"a":1} trailing`} {
		_, err := b.Publish(t.Context(), caseID, "task_update", json.RawMessage(data))
		require.Error(t, err, "data %s", data)
		require.Equal(t, triagem.EINVALIDEVENT, triagem.ErrorCode(err), "data %s", data)
	}
	_, err := b.Publish(t.Context(), caseID, triagem.EventResync, nil)
	require.Error(t, err, "resync is never stored")
	_, err = b.Publish(t.Context(), caseID, "", nil)
	require.Error(t, err, "an event needs a name")
	requireLastSeq(t, b, caseID, 0)

	ev, err := b.Publish(t.Context(), caseID, "task_update", nil)
	require.NoError(t, err, "no payload is an empty object")
	require.JSONEq(t, `{}`, string(ev.Data))
	ev, err = b.Publish(t.Context(), caseID, "task_update", json.RawMessage(" {\"a\":[1]} \n"))
	require.NoError(t, err)
	require.Equal(t, int64(2), ev.Seq)
}

func testEventJSON(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	published, err := b.Publish(t.Context(), caseID, "complexity_update", json.RawMessage(`{"complexity":"high","confidence":0.82}`))
	require.NoError(t, err)
	require.False(t, published.At.IsZero())
	require.NotEmpty(t, published.Epoch)

	sub := subscribe(t, b, caseID, 0)
	got := receive(t, sub, 1)[0]
	require.Equal(t, published.Seq, got.Seq)
	require.Equal(t, published.Epoch, got.Epoch)
	require.Equal(t, "complexity_update", got.Name)
	require.True(t, published.At.Equal(got.At), "timestamp survives the bus: %s vs %s", published.At, got.At)

	raw, err := got.MarshalJSON()
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(raw, &fields))
	require.Equal(t, caseID, fields["case_id"])
	require.EqualValues(t, 1, fields["seq"])
	require.Equal(t, "high", fields["complexity"])
	require.EqualValues(t, 0.82, fields["confidence"])
	stamp, ok := fields["timestamp"].(string)
	require.True(t, ok, "timestamp is a string: %s", raw)
	_, err = time.Parse(time.RFC3339Nano, stamp)
	require.NoError(t, err)
}

func testReplayThenLive(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	publish(t, b, caseID, 5)
	sub := subscribe(t, b, caseID, 0)
	requireSeqs(t, receive(t, sub, 5), 1)
	publish(t, b, caseID, 3)
	requireSeqs(t, receive(t, sub, 3), 6)
	requireNothingPending(t, sub)
}

func testSubscribeAfter(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	publish(t, b, caseID, 10)
	for _, after := range []int64{3, 9, 10} {
		sub := subscribe(t, b, caseID, after)
		requireSeqs(t, receive(t, sub, int(10-after)), after+1)
		requireNothingPending(t, sub)
		sub.Close()
	}
	sub := subscribe(t, b, caseID, 7)
	publish(t, b, caseID, 2)
	requireSeqs(t, receive(t, sub, 5), 8)
}

// testSubscribeWhilePublishing stresses the subscribe/replay race: many
// subscribers join at random moments while publishers run, each from a
// random position, and each must get every later event once and in order.
// The buffer holds a whole round, so that the slow-consumer rule (tested
// on its own) cannot end a subscriber that the scheduler starved.
func testSubscribeWhilePublishing(t *testing.T, newBus Factory) {
	t.Parallel()
	const rounds, publishers, each, subscribers = 5, 4, 50, 8
	const total = publishers * each
	b := newBus(t, Options{SubscriberBuffer: 2 * total, HistorySize: 2 * total})
	for range rounds {
		caseID := NewCaseID()
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range publishers {
			wg.Go(func() {
				<-start
				for range each {
					if _, err := b.Publish(t.Context(), caseID, "task_update", json.RawMessage(`{}`)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		for range subscribers {
			wg.Go(func() {
				<-start
				time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
				last, err := b.LastSeq(t.Context(), caseID)
				if err != nil {
					t.Error(err)
					return
				}
				after := rand.Int64N(last + 1)
				sub, err := b.Subscribe(t.Context(), caseID, after)
				if err != nil {
					t.Error(err)
					return
				}
				defer sub.Close()
				if err := expectSeqs(sub, after+1, total); err != nil {
					t.Errorf("subscriber from %d: %v", after, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if t.Failed() {
			return
		}
	}
}

func testSubscribeEmptyCase(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	sub := subscribe(t, b, caseID, 0)
	requireNothingPending(t, sub)
	requireLastSeq(t, b, caseID, 0)
	publish(t, b, caseID, 2)
	requireSeqs(t, receive(t, sub, 2), 1)
}

func testResyncTrimmed(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{HistorySize: 5})
	caseID := NewCaseID()
	events := publish(t, b, caseID, 10)
	epoch := events[0].Epoch

	// Seqs 6..10 are kept: position 5 still resumes.
	sub := subscribe(t, b, caseID, 5)
	requireSeqs(t, receive(t, sub, 5), 6)

	for _, after := range []int64{0, 2, 4} {
		sub := subscribe(t, b, caseID, after)
		resync := receive(t, sub, 1)[0]
		requireResync(t, resync, caseID, 10, epoch)
		requireNothingPending(t, sub)
		sub.Close()
	}

	sub = subscribe(t, b, caseID, 1)
	requireResync(t, receive(t, sub, 1)[0], caseID, 10, epoch)
	publish(t, b, caseID, 2)
	requireSeqs(t, receive(t, sub, 2), 11)
}

func testResyncAhead(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	events := publish(t, b, caseID, 3)
	sub := subscribe(t, b, caseID, 7)
	requireResync(t, receive(t, sub, 1)[0], caseID, 3, events[0].Epoch)
	publish(t, b, caseID, 2)
	requireSeqs(t, receive(t, sub, 2), 4)

	// A position on a case with no history at all resyncs to 0.
	empty := NewCaseID()
	sub = subscribe(t, b, empty, 4)
	requireResync(t, receive(t, sub, 1)[0], empty, 0, "")
	published := publish(t, b, empty, 1)[0]
	require.Equal(t, published, receive(t, sub, 1)[0])
}

// testSlowSubscriber publishes in lockstep with a fast subscriber: each
// event reaches it before the next is published, while a subscriber that
// never reads overflows and is closed. Publish returning at all shows the
// publisher never waited on the slow one.
func testSlowSubscriber(t *testing.T, newBus Factory) {
	t.Parallel()
	const buffer = 4
	b := newBus(t, Options{SubscriberBuffer: buffer})
	caseID := NewCaseID()
	slow := subscribe(t, b, caseID, 0)
	fast := subscribe(t, b, caseID, 0)
	for seq := int64(1); seq <= 3*buffer; seq++ {
		publish(t, b, caseID, 1)
		require.Equal(t, seq, receive(t, fast, 1)[0].Seq)
	}
	var got []triagem.Event
	for ev := range eventsUntilClosed(t, slow) {
		got = append(got, ev)
	}
	require.ErrorIs(t, slow.Err(), triagem.ErrSlowConsumer)
	requireSeqs(t, got, 1)
	require.LessOrEqual(t, len(got), buffer)
	requireNothingPending(t, fast)
}

// testSlowDuringReplay: a subscriber that replays history and does not read
// cannot buffer live events without bound either.
func testSlowDuringReplay(t *testing.T, newBus Factory) {
	t.Parallel()
	const buffer = 4
	b := newBus(t, Options{SubscriberBuffer: buffer})
	caseID := NewCaseID()
	publish(t, b, caseID, 3*buffer)
	slow := subscribe(t, b, caseID, 0)
	publish(t, b, caseID, 3*buffer)
	var got []triagem.Event
	for ev := range eventsUntilClosed(t, slow) {
		got = append(got, ev)
	}
	require.ErrorIs(t, slow.Err(), triagem.ErrSlowConsumer)
	requireSeqs(t, got, 1)
}

func testCasesIndependent(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	first, second := NewCaseID(), NewCaseID()
	subFirst := subscribe(t, b, first, 0)
	subSecond := subscribe(t, b, second, 0)
	publish(t, b, first, 3)
	publish(t, b, second, 1)
	requireSeqs(t, receive(t, subFirst, 3), 1)
	got := receive(t, subSecond, 1)
	require.Equal(t, second, got[0].CaseID)
	require.Equal(t, int64(1), got[0].Seq)
	requireNothingPending(t, subFirst)
	requireLastSeq(t, b, first, 3)
	requireLastSeq(t, b, second, 1)
}

func testDeleteHistory(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID, other := NewCaseID(), NewCaseID()
	old := publish(t, b, caseID, 3)
	publish(t, b, other, 1)
	first := subscribe(t, b, caseID, 0)
	second := subscribe(t, b, caseID, 3)
	bystander := subscribe(t, b, other, 1)
	requireSeqs(t, receive(t, first, 3), 1)

	require.NoError(t, b.DeleteHistory(t.Context(), caseID))
	requireEnded(t, first, triagem.ErrCaseDeleted)
	requireEnded(t, second, triagem.ErrCaseDeleted)
	requireLastSeq(t, b, caseID, 0)

	again := publish(t, b, caseID, 1)[0]
	require.Equal(t, int64(1), again.Seq, "a deleted case starts over")
	require.NotEqual(t, old[0].Epoch, again.Epoch, "a new history is a new epoch")

	publish(t, b, other, 1)
	require.Equal(t, int64(2), receive(t, bystander, 1)[0].Seq, "other cases carry on")
	require.NoError(t, b.DeleteHistory(t.Context(), NewCaseID()), "deleting nothing is fine")
}

func testSubscriptionClose(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{})
	caseID := NewCaseID()
	sub := subscribe(t, b, caseID, 0)
	sub.Close()
	sub.Close()
	requireEnded(t, sub, nil)

	ctx, cancel := context.WithCancel(t.Context())
	sub, err := b.Subscribe(ctx, caseID, 0)
	require.NoError(t, err)
	cancel()
	requireEnded(t, sub, context.Canceled)

	publish(t, b, caseID, 1) // nobody left to deliver to
	requireLastSeq(t, b, caseID, 1)
}

func testClose(t *testing.T, newBus Factory) {
	t.Parallel()
	b := newBus(t, Options{SubscriberBuffer: 2})
	first, second := NewCaseID(), NewCaseID()
	publish(t, b, first, 10)
	replaying := subscribe(t, b, first, 0) // history larger than its buffer
	live := subscribe(t, b, second, 0)
	require.NoError(t, b.Ready(t.Context()))

	require.NoError(t, b.Close())
	requireEnded(t, replaying, triagem.ErrBusClosed)
	requireEnded(t, live, triagem.ErrBusClosed)
	require.NoError(t, b.Close(), "Close is idempotent")

	_, err := b.Publish(t.Context(), first, "task_update", nil)
	require.ErrorIs(t, err, triagem.ErrBusClosed)
	_, err = b.Subscribe(t.Context(), first, 0)
	require.ErrorIs(t, err, triagem.ErrBusClosed)
	require.Error(t, b.Ready(t.Context()))
}

func testHistoryExpires(t *testing.T, newBus Factory) {
	t.Parallel()
	const ttl = 200 * time.Millisecond
	b := newBus(t, Options{HistoryTTL: ttl})
	caseID := NewCaseID()
	old := publish(t, b, caseID, 3)
	require.Eventually(t, func() bool {
		last, err := b.LastSeq(t.Context(), caseID)
		return err == nil && last == 0
	}, Guard, ttl/4, "history outlives its TTL")

	sub := subscribe(t, b, caseID, 3)
	requireResync(t, receive(t, sub, 1)[0], caseID, 0, "")
	fresh := publish(t, b, caseID, 1)[0]
	require.Equal(t, int64(1), fresh.Seq)
	require.NotEqual(t, old[0].Epoch, fresh.Epoch)
	require.Equal(t, fresh, receive(t, sub, 1)[0])
}

// publish publishes n events on a case and returns them.
func publish(t *testing.T, b triagem.Bus, caseID string, n int) []triagem.Event {
	t.Helper()
	events := make([]triagem.Event, 0, n)
	for range n {
		ev, err := b.Publish(t.Context(), caseID, "triage_update", json.RawMessage(`{"message":"oi"}`))
		require.NoError(t, err)
		events = append(events, ev)
	}
	return events
}

// publishConcurrently runs publishers goroutines per bus, each publishing
// each events, and waits for them.
func publishConcurrently(t *testing.T, buses []triagem.Bus, caseID string, publishers, each int) {
	t.Helper()
	var wg sync.WaitGroup
	for _, b := range buses {
		for range publishers {
			wg.Go(func() {
				for range each {
					if _, err := b.Publish(t.Context(), caseID, "task_update", json.RawMessage(`{}`)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	require.False(t, t.Failed())
}

func subscribe(t *testing.T, b triagem.Bus, caseID string, after int64) triagem.Subscription {
	t.Helper()
	sub, err := b.Subscribe(t.Context(), caseID, after)
	require.NoError(t, err)
	t.Cleanup(sub.Close)
	return sub
}

// receive takes n events, failing if the subscription ends or stalls.
func receive(t *testing.T, sub triagem.Subscription, n int) []triagem.Event {
	t.Helper()
	events := make([]triagem.Event, 0, n)
	guard := time.NewTimer(Guard)
	defer guard.Stop()
	for len(events) < n {
		select {
		case ev, ok := <-sub.Events():
			require.True(t, ok, "subscription ended after %d of %d events: %v", len(events), n, sub.Err())
			events = append(events, ev)
		case <-guard.C:
			require.FailNow(t, "no event within the guard", "got %d of %d", len(events), n)
		}
	}
	return events
}

// expectSeqs checks that sub delivers exactly from..to, in order.
func expectSeqs(sub triagem.Subscription, from, to int64) error {
	guard := time.NewTimer(Guard)
	defer guard.Stop()
	for want := from; want <= to; want++ {
		select {
		case ev, ok := <-sub.Events():
			if !ok {
				return fmt.Errorf("ended before seq %d: %v", want, sub.Err())
			}
			if ev.Seq != want || ev.Name == triagem.EventResync {
				return fmt.Errorf("got %s seq %d, want seq %d", ev.Name, ev.Seq, want)
			}
		case <-guard.C:
			return fmt.Errorf("stalled before seq %d", want)
		}
	}
	return nil
}

// eventsUntilClosed yields what is left in sub until its channel closes.
func eventsUntilClosed(t *testing.T, sub triagem.Subscription) func(func(triagem.Event) bool) {
	return func(yield func(triagem.Event) bool) {
		guard := time.NewTimer(Guard)
		defer guard.Stop()
		for {
			select {
			case ev, ok := <-sub.Events():
				if !ok || !yield(ev) {
					return
				}
			case <-guard.C:
				require.FailNow(t, "subscription did not end within the guard")
			}
		}
	}
}

// requireEnded drains sub and checks why it ended (nil: closed by its owner).
func requireEnded(t *testing.T, sub triagem.Subscription, want error) {
	t.Helper()
	for range eventsUntilClosed(t, sub) {
	}
	if want == nil {
		require.NoError(t, sub.Err())
		return
	}
	require.ErrorIs(t, sub.Err(), want)
}

// requireSeqs checks that events are consecutive, real events from first.
func requireSeqs(t *testing.T, events []triagem.Event, first int64) {
	t.Helper()
	for i, ev := range events {
		require.NotEqual(t, triagem.EventResync, ev.Name, "unexpected resync at %d", i)
		require.Equal(t, first+int64(i), ev.Seq, "event %d of %d", i, len(events))
	}
}

func requireResync(t *testing.T, ev triagem.Event, caseID string, seq int64, epoch string) {
	t.Helper()
	require.Equal(t, triagem.EventResync, ev.Name, "want a resync, got %s seq %d", ev.Name, ev.Seq)
	require.Equal(t, caseID, ev.CaseID)
	require.Equal(t, seq, ev.Seq)
	require.Equal(t, epoch, ev.Epoch)
}

func requireLastSeq(t *testing.T, b triagem.Bus, caseID string, want int64) {
	t.Helper()
	got, err := b.LastSeq(t.Context(), caseID)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// requireNothingPending checks that no event is waiting right now. It cannot
// prove that none is on its way; the tests that use it publish nothing
// concurrently, and a stray event would still show up in the next receive.
func requireNothingPending(t *testing.T, sub triagem.Subscription) {
	t.Helper()
	select {
	case ev, ok := <-sub.Events():
		if ok {
			require.FailNow(t, "unexpected event", "%s seq %d", ev.Name, ev.Seq)
		}
		require.FailNow(t, "subscription ended", "%v", sub.Err())
	default:
	}
}
