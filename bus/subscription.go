package bus

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/triagem/triagem"
)

// history is what an engine read of a case: the events after a position, in
// seq order and contiguous, and where the case's history ends now. An engine
// returns no events when they no longer reach back to the position.
type history struct {
	Events []triagem.Event
	// Head is the newest seq (0 when the case has no history).
	Head int64
	// Epoch names the history ("" when the case has none).
	Epoch string
}

// historyReader is the one thing an engine gives the shared subscriber code.
type historyReader interface {
	readHistory(ctx context.Context, caseID string, after int64) (history, error)
}

// Catch-up retries a failed history read (Redis briefly down) before giving
// the subscription up with the error.
const (
	catchUpAttempts     = 8
	catchUpBackoffFirst = 50 * time.Millisecond
	catchUpBackoffMax   = 2 * time.Second
)

// broker is the part both engines share: the subscriber registry and the
// goroutines that catch subscribers up.
type broker struct {
	fanout     *fanout
	history    historyReader
	bufferSize int
	now        func() time.Time
	// wg counts every goroutine the bus owns; Close waits for it.
	wg sync.WaitGroup
}

func newBroker(history historyReader, bufferSize int, now func() time.Time) *broker {
	return &broker{fanout: newFanout(), history: history, bufferSize: bufferSize, now: now}
}

// subscribe registers the subscriber before it reads history, so that an
// event published in between is either in history or buffered (or both, and
// deduplicated by seq).
func (b *broker) subscribe(ctx context.Context, caseID string, after int64) (triagem.Subscription, error) {
	if caseID == "" {
		return nil, fmt.Errorf("bus: subscribe: %w", triagem.Errorf(triagem.EINVALIDCASEID, "case id is empty"))
	}
	if after < 0 {
		return nil, fmt.Errorf("bus: subscribe to case %s: %w", caseID, triagem.Errorf(triagem.EINVALID, "position must not be negative"))
	}
	s := newSubscriber(ctx, b, caseID, after)
	if err := b.fanout.add(s); err != nil {
		s.cancel()
		return nil, fmt.Errorf("bus: subscribe to case %s: %w", caseID, err)
	}
	s.watchContext(ctx)
	h, err := b.history.readHistory(s.ctx, caseID, after)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("bus: subscribe to case %s: read history: %w", caseID, err)
	}
	s.startCatchUp(s.plan(h))
	return s, nil
}

// close ends every subscription with ErrBusClosed and waits for the
// goroutines counted in wg.
func (b *broker) close() {
	b.fanout.close(triagem.ErrBusClosed)
	b.wg.Wait()
}

// subscriber is one triagem.Subscription.
//
// It is in one of two modes. Catching up: one owner (Subscribe itself, then
// a catch-up goroutine) sends history and buffered live events, possibly
// waiting for the consumer, while live events collect in pending. Live:
// offer sends each event straight into the channel without ever waiting. The
// catch-up owner is the only one that closes the channel while catching up;
// finish closes it while live.
type subscriber struct {
	caseID string
	events chan triagem.Event
	broker *broker
	// ctx ends when the subscription does; it bounds history reads.
	ctx       context.Context
	cancel    context.CancelFunc
	stopWatch func() bool

	// fanoutIndex is the subscriber's place in its case's fanout list,
	// guarded by the fanout shard's mutex.
	fanoutIndex int

	mu         sync.Mutex
	catchingUp bool
	ended      bool
	err        error
	pending    []triagem.Event
	// lastSeq and epoch are the position delivered so far ("" while
	// unknown). While catching up only the catch-up owner touches them;
	// when live, only holders of mu.
	lastSeq int64
	epoch   string
	// coveredSeq and coveredEpoch are where the catch-up's last history
	// read ended: live events up to there are in its batch, so they are
	// dropped rather than buffered (pub/sub may deliver them late).
	coveredSeq int64
	// planned is set once the first history read is in: live events that
	// arrive before it may all be in that read, so they do not count
	// against the buffer until it says which are new.
	planned      bool
	coveredEpoch string
}

var _ triagem.Subscription = (*subscriber)(nil)

func newSubscriber(ctx context.Context, b *broker, caseID string, after int64) *subscriber {
	s := &subscriber{
		caseID:      caseID,
		events:      make(chan triagem.Event, b.bufferSize),
		broker:      b,
		fanoutIndex: -1,
		catchingUp:  true,
		lastSeq:     after,
		stopWatch:   func() bool { return false },
	}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	return s
}

// watchContext ends the subscription when the caller's context ends.
func (s *subscriber) watchContext(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() { s.end(ctx.Err()) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		stop()
		return
	}
	s.stopWatch = stop
}

func (s *subscriber) Events() <-chan triagem.Event { return s.events }

func (s *subscriber) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *subscriber) Close() { s.end(nil) }

// end finishes the subscription with err and unregisters it.
func (s *subscriber) end(err error) {
	s.finish(err)
	s.broker.fanout.remove(s)
}

// finish records why the subscription ended and closes its channel unless a
// catch-up owner is sending on it (that owner closes it on its way out).
func (s *subscriber) finish(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finishLocked(err)
}

func (s *subscriber) finishLocked(err error) {
	if s.ended {
		return
	}
	s.ended = true
	s.err = err
	s.pending = nil
	s.cancel()
	s.stopWatch()
	if !s.catchingUp {
		close(s.events)
	}
}

// stopCatchUp is how the catch-up owner leaves: it ends the subscription (if
// nothing else did) and closes the channel it owned.
func (s *subscriber) stopCatchUp(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finishLocked(err)
	if s.catchingUp {
		s.catchingUp = false
		close(s.events)
	}
}

// offer hands a live event to the subscriber without ever waiting. It
// reports false when the subscription has ended (its buffer filled).
func (s *subscriber) offer(ev triagem.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return false
	}
	if s.catchingUp {
		if ev.Seq <= s.coveredSeq && ev.Epoch == s.coveredEpoch {
			return true // on its way from history
		}
		if s.planned && len(s.pending) >= cap(s.events) {
			s.finishLocked(triagem.ErrSlowConsumer)
			return false
		}
		s.pending = append(s.pending, ev)
		return true
	}
	if ev.Seq <= s.lastSeq && ev.Epoch == s.epoch {
		return true // already delivered from history
	}
	if ev.Seq != s.lastSeq+1 || (s.epoch != "" && ev.Epoch != s.epoch) {
		// A missed message or a new epoch: only history can tell which.
		s.pending = append(s.pending, ev)
		s.catchUpLocked(true, nil)
		return true
	}
	select {
	case s.events <- ev:
		s.lastSeq, s.epoch = ev.Seq, ev.Epoch
		return true
	default:
		s.finishLocked(triagem.ErrSlowConsumer)
		return false
	}
}

// recheck catches a live subscriber up when the case's history no longer
// ends where the subscriber is (events missed while the transport was down).
func (s *subscriber) recheck(head int64, epoch string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended || s.catchingUp || (head == s.lastSeq && epoch == s.epoch) {
		return
	}
	s.catchUpLocked(true, nil)
}

// catchUpLocked switches to catching up on a new goroutine, which first
// reads history when readFirst is set and otherwise sends batch. s.mu must be
// held and the subscription not ended: that is what orders wg.Add before the
// Wait in broker.close, which finishes every subscriber first.
func (s *subscriber) catchUpLocked(readFirst bool, batch []triagem.Event) {
	s.catchingUp = true
	s.broker.wg.Add(1)
	go s.catchUp(readFirst, batch)
}

// startCatchUp delivers the first batch from Subscribe's own goroutine as far
// as the buffer allows, and hands whatever is left to a catch-up goroutine:
// the common case (history fits in the buffer) needs no goroutine at all.
func (s *subscriber) startCatchUp(batch []triagem.Event) {
	batch = s.sendNow(batch)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.ended:
		s.catchingUp = false
		close(s.events)
	case len(batch) == 0 && len(s.pending) == 0:
		s.catchingUp = false
	default:
		s.catchUpLocked(false, batch)
	}
}

// catchUp sends until the subscriber has caught up with its pending live
// events, re-reading history whenever those do not follow on, then leaves it
// live.
func (s *subscriber) catchUp(readFirst bool, batch []triagem.Event) {
	defer s.broker.wg.Done()
	for {
		if readFirst {
			var err error
			if batch, err = s.readPlan(); err != nil {
				s.stopCatchUp(err)
				return
			}
		}
		if !s.send(batch) {
			s.stopCatchUp(s.ctx.Err())
			return
		}
		var done bool
		if batch, readFirst, done = s.takePending(); done {
			return
		}
	}
}

// sendNow delivers batch in order while the buffer has room and returns
// the rest.
func (s *subscriber) sendNow(batch []triagem.Event) []triagem.Event {
	for i, ev := range batch {
		select {
		case s.events <- ev:
			s.advance(ev)
		default:
			return batch[i:]
		}
	}
	return nil
}

// send delivers batch in order, waiting for the consumer; it reports false
// when the subscription ended first.
func (s *subscriber) send(batch []triagem.Event) bool {
	for _, ev := range batch {
		select {
		case s.events <- ev:
			s.advance(ev)
		case <-s.ctx.Done():
			return false
		}
	}
	return true
}

// takePending takes the live events buffered meanwhile. With none left the
// subscriber goes live (done); otherwise it returns those that follow on, or
// asks for a history read when they do not.
func (s *subscriber) takePending() (batch []triagem.Event, readHistory, done bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		s.catchingUp = false
		close(s.events)
		return nil, false, true
	}
	if len(s.pending) == 0 {
		s.catchingUp = false
		return nil, false, true
	}
	pending := s.pending
	s.pending = nil
	batch, readHistory = mergePending(pending, s.lastSeq, s.epoch)
	return batch, readHistory, false
}

// readPlan reads history after the delivered position, retrying with backoff
// while the engine fails, and returns what to deliver.
func (s *subscriber) readPlan() ([]triagem.Event, error) {
	delay := catchUpBackoffFirst
	for attempt := 1; ; attempt++ {
		h, err := s.broker.history.readHistory(s.ctx, s.caseID, s.lastSeq)
		if err == nil {
			return s.plan(h), nil
		}
		if s.ctx.Err() != nil || attempt == catchUpAttempts {
			return nil, fmt.Errorf("bus: catch up case %s after seq %d: %w", s.caseID, s.lastSeq, err)
		}
		select {
		case <-time.After(delay):
		case <-s.ctx.Done():
			return nil, s.ctx.Err()
		}
		delay = min(2*delay, catchUpBackoffMax)
	}
}

// plan turns a history read into what the subscriber must get next: the
// events after its position, or, when history no longer reaches back to it,
// one resync to the head.
func (s *subscriber) plan(h history) []triagem.Event {
	s.mu.Lock()
	s.coveredSeq, s.coveredEpoch = h.Head, h.Epoch
	s.planned = true
	// Live events this read covers come from history: they no longer
	// count as falling behind.
	s.pending = slices.DeleteFunc(s.pending, func(ev triagem.Event) bool {
		return ev.Seq <= h.Head && ev.Epoch == h.Epoch
	})
	if len(s.pending) > cap(s.events) {
		s.finishLocked(triagem.ErrSlowConsumer)
	}
	s.mu.Unlock()
	if reaches(h, s.lastSeq, s.epoch) {
		// Learn the epoch now, even with nothing to deliver, so that a
		// later event from another epoch is noticed.
		s.epoch = h.Epoch
		return h.Events
	}
	return []triagem.Event{{
		CaseID: s.caseID,
		Seq:    h.Head,
		Epoch:  h.Epoch,
		Name:   triagem.EventResync,
		Data:   []byte("{}"),
		At:     s.broker.now().UTC(),
	}}
}

// reaches reports whether h continues the position (lastSeq, epoch): the same
// epoch (an unknown epoch matches any), not past its head, and its first
// event right after lastSeq.
func reaches(h history, lastSeq int64, epoch string) bool {
	switch {
	case epoch != "" && epoch != h.Epoch:
		return false
	case lastSeq > h.Head:
		return false
	case lastSeq == h.Head:
		return true
	default:
		return len(h.Events) > 0 && h.Events[0].Seq == lastSeq+1
	}
}

func (s *subscriber) advance(ev triagem.Event) {
	s.lastSeq, s.epoch = ev.Seq, ev.Epoch
}

// mergePending orders live events buffered during a catch-up and returns
// those that follow on from (lastSeq, epoch), dropping duplicates. On a gap
// or another epoch it returns readHistory instead: history is the authority,
// and it already holds every buffered event (they were published before the
// read that follows).
func mergePending(pending []triagem.Event, lastSeq int64, epoch string) (ready []triagem.Event, readHistory bool) {
	slices.SortStableFunc(pending, func(a, b triagem.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	next := lastSeq + 1
	for _, ev := range pending {
		if epoch == "" {
			epoch = ev.Epoch
		}
		switch {
		case ev.Epoch != epoch || ev.Seq > next:
			return nil, true
		case ev.Seq < next:
			continue
		}
		ready = append(ready, ev)
		next++
	}
	return ready, false
}
