package bus

import (
	"hash/maphash"
	"sync"

	"github.com/triagem/triagem"
)

// fanoutShardCount spreads cases over independent locks so that publishers on
// different cases rarely contend.
const fanoutShardCount = 64

// fanout is the in-process registry of live subscribers, by case, that
// delivers each event to the subscribers of its case. Both engines fan out
// through it: Memory from Publish, Redis from its one pub/sub connection.
// Lock order: engine locks, then a fanout shard, then a subscriber.
type fanout struct {
	seed   maphash.Seed
	shards [fanoutShardCount]fanoutShard
}

type fanoutShard struct {
	mu     sync.Mutex
	closed bool
	// cases holds each case's subscribers in a slice (not a map) because
	// fan-out iterates it on every event; subscriber.fanoutIndex makes removal
	// O(1) by swapping with the last element.
	cases map[string][]*subscriber
}

func newFanout() *fanout {
	return &fanout{seed: maphash.MakeSeed()}
}

func (f *fanout) shard(caseID string) *fanoutShard {
	return &f.shards[maphash.String(f.seed, caseID)%fanoutShardCount]
}

// add registers s for its case's live events; it fails once the fanout is closed.
func (f *fanout) add(s *subscriber) error {
	sh := f.shard(s.caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.closed {
		return triagem.ErrBusClosed
	}
	if sh.cases == nil {
		sh.cases = make(map[string][]*subscriber)
	}
	list := sh.cases[s.caseID]
	s.fanoutIndex = len(list)
	sh.cases[s.caseID] = append(list, s)
	return nil
}

// remove unregisters s; removing twice is harmless.
func (f *fanout) remove(s *subscriber) {
	sh := f.shard(s.caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.removeLocked(s)
}

func (sh *fanoutShard) removeLocked(s *subscriber) {
	list := sh.cases[s.caseID]
	i := s.fanoutIndex
	if i < 0 || i >= len(list) || list[i] != s {
		return
	}
	last := len(list) - 1
	list[i] = list[last]
	list[i].fanoutIndex = i
	list[last] = nil
	s.fanoutIndex = -1
	if last == 0 {
		delete(sh.cases, s.caseID)
		return
	}
	sh.cases[s.caseID] = list[:last]
}

// deliver offers ev to every subscriber of its case, dropping those that end
// (a full buffer). Callers serialise deliver per case so that events are
// offered in the order they were published.
func (f *fanout) deliver(ev triagem.Event) {
	sh := f.shard(ev.CaseID)
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
func (f *fanout) endCase(caseID string, err error) {
	sh := f.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, s := range sh.cases[caseID] {
		s.finish(err)
		s.fanoutIndex = -1
	}
	delete(sh.cases, caseID)
}

// close ends every subscription with err and refuses new ones.
func (f *fanout) close(err error) {
	for i := range f.shards {
		sh := &f.shards[i]
		sh.mu.Lock()
		sh.closed = true
		for _, list := range sh.cases {
			for _, s := range list {
				s.finish(err)
				s.fanoutIndex = -1
			}
		}
		sh.cases = nil
		sh.mu.Unlock()
	}
}

// caseIDs lists the cases that have subscribers.
func (f *fanout) caseIDs() []string {
	var ids []string
	for i := range f.shards {
		sh := &f.shards[i]
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
func (f *fanout) recheckCase(caseID string, head int64, epoch string) {
	sh := f.shard(caseID)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, s := range sh.cases[caseID] {
		s.recheck(head, epoch)
	}
}
