package httpapi

import (
	"sync"
	"time"

	"github.com/triagem/triagem"
)

// hub keeps account of open streams and drives them all from one ticker:
// a stream waits on the current tick channel, which the hub closes and
// replaces every interval, so an idle stream has no timer of its own.
type hub struct {
	mu      sync.Mutex
	perUser map[string]int
	total   int
	limit   int
	tick    chan struct{}
	done    chan struct{}
	stopped bool
	wg      sync.WaitGroup
}

func newHub(interval time.Duration, perUserLimit int) *hub {
	h := &hub{
		perUser: map[string]int{},
		limit:   perUserLimit,
		tick:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	h.wg.Go(func() { h.run(interval) })
	return h
}

func (h *hub) run(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-t.C:
			h.mu.Lock()
			close(h.tick)
			h.tick = make(chan struct{})
			h.mu.Unlock()
		}
	}
}

// ticks returns the channel closed at the next heartbeat.
func (h *hub) ticks() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tick
}

// closing is closed when the server shuts down.
func (h *hub) closing() <-chan struct{} { return h.done }

// join counts a new stream for user, refusing past the per-user limit.
func (h *hub) join(user string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return triagem.Errorf(triagem.EUNAVAILABLE, "server is shutting down")
	}
	if h.perUser[user] >= h.limit {
		return triagem.Errorf(triagem.ETOOMANYSTREAMS, "at most %d open streams per user", h.limit)
	}
	h.perUser[user]++
	h.total++
	return nil
}

func (h *hub) leave(user string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.total--
	if h.perUser[user]--; h.perUser[user] <= 0 {
		delete(h.perUser, user)
	}
}

func (h *hub) open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// spawn runs a taken-over stream's pump; close waits for it.
func (h *hub) spawn(pump func()) { h.wg.Go(pump) }

// close ends every stream and stops the ticker; it is idempotent.
func (h *hub) close() {
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		return
	}
	h.stopped = true
	close(h.done)
	h.mu.Unlock()
	h.wg.Wait()
}
