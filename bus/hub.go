package bus

import (
	"hash/maphash"
	"sync"

	"github.com/triagem/triagem"
)

// hubShardCount spreads cases over independent locks so that publishers on
// different cases rarely contend.
const hubShardCount = 64

// hub is the in-process registry of live subscribers, by case. Both engines
// fan out through it: Memory from Publish, Redis from its one pub/sub
// connection. Lock order: engine locks, then a hub shard, then a subscriber.
type hub struct {
	seed   maphash.Seed
	shards [hubShardCount]hubShard
}

type hubShard struct {
	mu     sync.Mutex
	closed bool
	// cases holds each case's subscribers in a slice (not a map) because
	// fan-out iterates it on every event; subscriber.hubIndex makes removal
	// O(1) by swapping with the last element.
	cases map[string][]*subscriber
}

func newHub() *hub {
	return &hub{seed: maphash.MakeSeed()}
}

func (h *hub) shard(caseID string) *hubShard {
	return &h.shards[maphash.String(h.seed, caseID)%hubShardCount]
}

// add registers s for its case's live events; it fails once the hub is closed.
func (h *hub) add(s *subscriber) error {
	sh := h.shard(s.caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.closed {
		return triagem.ErrBusClosed
	}
	if sh.cases == nil {
		sh.cases = make(map[string][]*subscriber)
	}
	list := sh.cases[s.caseID]
	s.hubIndex = len(list)
	sh.cases[s.caseID] = append(list, s)
	return nil
}

// remove unregisters s; removing twice is harmless.
func (h *hub) remove(s *subscriber) {
	sh := h.shard(s.caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.removeLocked(s)
}

func (sh *hubShard) removeLocked(s *subscriber) {
	list := sh.cases[s.caseID]
	i := s.hubIndex
	if i < 0 || i >= len(list) || list[i] != s {
		return
	}
	last := len(list) - 1
	list[i] = list[last]
	list[i].hubIndex = i
	list[last] = nil
	s.hubIndex = -1
	if last == 0 {
		delete(sh.cases, s.caseID)
		return
	}
	sh.cases[s.caseID] = list[:last]
}

// fanOut offers ev to every subscriber of its case, dropping those that end
// (a full buffer). Callers serialise fanOut per case so that events are
// offered in the order they were published.
func (h *hub) fanOut(ev triagem.Event) {
	sh := h.shard(ev.CaseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	list := sh.cases[ev.CaseID]
	// Backwards, so that removing (swapping in the last, already offered,
	// subscriber) never skips one.
	for i := len(list) - 1; i >= 0; i-- {
		if s := list[i]; !s.offer(ev) {
			sh.removeLocked(s)
		}
	}
}

// endCase ends every subscription of a case with err.
func (h *hub) endCase(caseID string, err error) {
	sh := h.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, s := range sh.cases[caseID] {
		s.finish(err)
		s.hubIndex = -1
	}
	delete(sh.cases, caseID)
}

// close ends every subscription with err and refuses new ones.
func (h *hub) close(err error) {
	for i := range h.shards {
		sh := &h.shards[i]
		sh.mu.Lock()
		sh.closed = true
		for _, list := range sh.cases {
			for _, s := range list {
				s.finish(err)
				s.hubIndex = -1
			}
		}
		sh.cases = nil
		sh.mu.Unlock()
	}
}

// caseIDs lists the cases that have subscribers.
func (h *hub) caseIDs() []string {
	var ids []string
	for i := range h.shards {
		sh := &h.shards[i]
		sh.mu.Lock()
		for id := range sh.cases {
			ids = append(ids, id)
		}
		sh.mu.Unlock()
	}
	return ids
}

// recheckCase tells a case's subscribers where its history now ends, so that
// those that missed events (a dropped connection) catch up.
func (h *hub) recheckCase(caseID string, head int64, epoch string) {
	sh := h.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, s := range sh.cases[caseID] {
		s.recheck(head, epoch)
	}
}
