// Package bus implements triagem.Bus twice: in process (Memory) for the
// single-binary mode, and on Redis (Redis) for any number of instances. Both
// pass the conformance suite in bus/bustest.
//
// # Positions
//
// As in centrifuge, a case's history is a position (Seq, Epoch). Seq grows by
// one per event with no gaps; the epoch is a random id created with the
// case's history (with the seq counter) and changes only when that history
// was lost: expired, deleted, or gone with Redis's data. A position from
// another epoch cannot resume.
//
// # Subscribing
//
// Both engines share the subscriber code (subscription.go, fanout.go). A
// subscriber is registered for live events first; then history after its
// position is read; then history and the live events buffered meanwhile are
// merged by seq (duplicates dropped, gaps detected) before it goes live,
// dropping anything at or below the last delivered seq. When history no
// longer reaches back to the position (trimmed, expired, a lost epoch, or a
// position past the newest seq), the subscriber first gets one event named
// triagem.EventResync whose Seq and Epoch are the case's current head, and
// then the events after it. A live event that does not follow on (a missed
// message, or another epoch) makes the subscriber re-read history to fill
// the gap, or resync when it cannot.
//
// Replaying history runs on Subscribe's goroutine while it fits in the
// subscriber's buffer; a longer replay continues on a goroutine that exists
// only until the subscriber has caught up. A live subscriber costs no
// goroutine: fan-out is a non-blocking channel send.
//
// # Slow subscribers
//
// A publisher never waits for a subscriber. Each subscriber may fall behind
// by SubscriberBuffer events, counting both its channel (when live) and the
// live events buffered while it replays; one more, and it is closed with
// triagem.ErrSlowConsumer. Its client resumes from its last seq.
//
// # Bounds
//
// History is bounded by count (HistorySize, exact) and by age (HistoryTTL):
// an event older than HistoryTTL is dropped, and a case with no event for
// HistoryTTL loses its history and its seq counter, so its next event starts
// a new epoch at seq 1. Memory drops expired events lazily whenever a case
// is touched, and a reaper goroutine (stopped by Close) sweeps idle cases.
//
// # Redis layout
//
// Under a configurable Prefix (default "triagem:"):
//
//	<prefix>seq:{<case>}      hash {seq, epoch}: the counter and its epoch
//	<prefix>history:{<case>}  stream, one entry per event, field "e"
//	<prefix>events            the one pub/sub channel, all cases
//
// The hash tag {<case>} keeps a case's two keys in one cluster slot. Both
// keys get PEXPIRE HistoryTTL on every event. Stream entry ids are Redis's
// own (server milliseconds), so XTRIM MINID trims by age; the seq is inside
// the entry. Trimming only ever drops the oldest entries, so the entries
// after seq n are exactly the newest head-n.
//
// Messages on the channel and stream entries share one encoding: the kind,
// then one field per line, the JSON payload last (the only field that may
// hold a newline; Publish refuses case ids and names with one):
//
//	e\n<case>\n<seq>\n<epoch>\n<name>\n<unix nanos>\n<json>   an event
//	d\n<case>                                                 case deleted
//
// One script per atomic step, embedded from lua/ and loaded once (EVALSHA,
// falling back to EVAL if Redis forgot them):
//
//   - publish.lua: create the epoch if the counter is missing (and drop a
//     stale stream), HINCRBY seq, XADD MAXLEN = HistorySize (exact, not ~:
//     HistorySize is a promise and the streams are small), XTRIM MINID by
//     age, PEXPIRE both keys, PUBLISH.
//   - history.lua: head, epoch and the events after a position, read in one
//     step so they agree (and lazy age trimming).
//   - delete.lua: DEL both keys and PUBLISH the deletion notice.
//
// LastSeq is a plain HGET.
//
// One channel rather than a pattern or a channel per case: every instance
// needs every case it might serve anyway, PUBLISH to a plain channel avoids
// pattern matching on the server, and a single ordered channel puts a
// deletion notice after the case's last event. Each instance holds exactly
// one pub/sub connection, subscribed before the constructor returns, and
// fans out in process. A listener goroutine reads it, pings it when quiet
// (HealthCheckInterval), and replaces it with backoff when it fails; Ready
// and OnReadyChange follow its state. After every re-subscription each
// subscribed case's head is read (pipelined) and any subscriber not at it
// catches up from history, or resyncs when the epoch changed. A deletion
// notice missed while disconnected therefore shows up as a resync to seq 0
// rather than triagem.ErrCaseDeleted.
package bus
