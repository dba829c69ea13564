package bus

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/triagem/triagem"
)

// Defaults of RedisConfig.
const (
	PrefixDefault              = "triagem:"
	ClientNameDefault          = "triagem-bus"
	HealthCheckIntervalDefault = 3 * time.Second
	ReconnectBackoffMaxDefault = 5 * time.Second
)

// reconnectBackoffMin is the first wait after the subscription fails.
const reconnectBackoffMin = 50 * time.Millisecond

// recheckBatch is how many cases one pipelined head read covers after a
// reconnect.
const recheckBatch = 256

// One script per atomic step; each names its KEYS and ARGV at the top.
var (
	//go:embed lua/publish.lua
	publishLua string
	//go:embed lua/history.lua
	historyLua string
	//go:embed lua/delete.lua
	deleteLua string
)

// RedisConfig configures the Redis bus. Only URL is required.
type RedisConfig struct {
	// URL is the Redis server, as redis://[user:password@]host:port/db.
	URL string
	// Prefix starts every key and the channel, so that tests and
	// deployments can share a Redis. Defaults to PrefixDefault ("triagem:").
	Prefix string
	// ClientName is set on every connection (CLIENT SETNAME), so that the
	// bus's connections can be told apart in CLIENT LIST. Defaults to
	// ClientNameDefault ("triagem-bus").
	ClientName string
	// HistorySize is how many events each case keeps (exactly: XADD
	// MAXLEN =). Defaults to HistorySizeDefault (1000).
	HistorySize int
	// HistoryTTL is how long an event stays in history; a case's history
	// and seq counter expire this long after its last event, and its next
	// event starts a new epoch at seq 1. At least 1ms. Defaults to
	// HistoryTTLDefault (24h).
	HistoryTTL time.Duration
	// SubscriberBuffer is how many events a subscriber may fall behind
	// before it is closed with triagem.ErrSlowConsumer. Defaults to
	// SubscriberBufferDefault.
	SubscriberBuffer int
	// HealthCheckInterval is how long the subscription may stay silent
	// before it is pinged; a ping unanswered for as long again counts as a
	// lost connection. Defaults to HealthCheckIntervalDefault (3s).
	HealthCheckInterval time.Duration
	// ReconnectBackoffMax caps the wait between attempts to restore the
	// subscription; the wait starts at 50ms and doubles. Defaults to
	// ReconnectBackoffMaxDefault (5s).
	ReconnectBackoffMax time.Duration
	// Logger receives subscription failures and recoveries. Defaults to
	// discarding them.
	Logger *slog.Logger
	// OnReadyChange, when set, is called with the new readiness each time
	// the subscription goes up or down (for a gauge). It runs on the
	// subscription goroutine and must not block.
	OnReadyChange func(ready bool)
	// Now tells the time stamped on events. Defaults to time.Now.
	Now func() time.Time
}

// WithDefaults returns the config with every zero (or negative) field set to
// its default.
func (c RedisConfig) WithDefaults() RedisConfig {
	if c.Prefix == "" {
		c.Prefix = PrefixDefault
	}
	if c.ClientName == "" {
		c.ClientName = ClientNameDefault
	}
	c.HistorySize = positiveOr(c.HistorySize, HistorySizeDefault)
	c.HistoryTTL = positiveOr(c.HistoryTTL, HistoryTTLDefault)
	c.SubscriberBuffer = positiveOr(c.SubscriberBuffer, SubscriberBufferDefault)
	c.HealthCheckInterval = positiveOr(c.HealthCheckInterval, HealthCheckIntervalDefault)
	c.ReconnectBackoffMax = positiveOr(c.ReconnectBackoffMax, ReconnectBackoffMaxDefault)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (c RedisConfig) validate() error {
	if c.URL == "" {
		return errors.New("URL is required")
	}
	if c.HistoryTTL < time.Millisecond {
		return fmt.Errorf("HistoryTTL %s is under Redis's 1ms resolution", c.HistoryTTL)
	}
	return nil
}

// Redis is the distributed triagem.Bus. Per case it keeps a hash
// <prefix>seq:{id} (fields seq, epoch) and a stream <prefix>history:{id}
// (one entry per event); every event and deletion notice goes out on the
// one channel <prefix>events. Each instance holds one pub/sub connection on
// that channel and fans events out in process.
type Redis struct {
	cfg     RedisConfig
	client  *redis.Client
	channel string
	broker  *broker

	publishScript *redis.Script
	historyScript *redis.Script
	deleteScript  *redis.Script

	// pubsubMu guards pubsub, which the listener replaces after a failure
	// and Close closes to interrupt the listener's read.
	pubsubMu sync.Mutex
	pubsub   *redis.PubSub

	ready     atomic.Bool
	closed    atomic.Bool
	closeOnce sync.Once
	stop      context.CancelFunc
}

var _ triagem.Bus = (*Redis)(nil)

// NewRedis connects, loads the scripts and subscribes; it returns once the
// subscription is confirmed, so the bus is Ready. Close releases it all.
func NewRedis(ctx context.Context, cfg RedisConfig) (*Redis, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("bus: redis config: %w", err)
	}
	opts, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("bus: redis url: %w", err)
	}
	opts.ClientName = cfg.ClientName
	r := &Redis{
		cfg:           cfg,
		client:        redis.NewClient(opts),
		channel:       cfg.Prefix + "events",
		publishScript: redis.NewScript(publishLua),
		historyScript: redis.NewScript(historyLua),
		deleteScript:  redis.NewScript(deleteLua),
	}
	r.broker = newBroker(r, cfg.SubscriberBuffer, cfg.Now)
	if err := r.start(ctx); err != nil {
		_ = r.client.Close()
		return nil, err
	}
	return r, nil
}

// start loads the scripts (later calls use EVALSHA, falling back to EVAL
// should Redis forget them), subscribes and starts the listener.
func (r *Redis) start(ctx context.Context) error {
	for _, s := range []*redis.Script{r.publishScript, r.historyScript, r.deleteScript} {
		if err := s.Load(ctx, r.client).Err(); err != nil {
			return fmt.Errorf("bus: load redis scripts: %w", err)
		}
	}
	ps := r.client.Subscribe(ctx, r.channel)
	msg, err := ps.Receive(ctx)
	if err != nil {
		_ = ps.Close()
		return fmt.Errorf("bus: subscribe to %s: %w", r.channel, err)
	}
	if _, ok := msg.(*redis.Subscription); !ok {
		_ = ps.Close()
		return fmt.Errorf("bus: subscribe to %s: unexpected first reply %T", r.channel, msg)
	}
	r.pubsub = ps
	r.setReady(true, nil)
	listenCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	r.stop = stop
	r.broker.wg.Add(1)
	go r.listen(listenCtx, ps)
	return nil
}

func (r *Redis) keys(caseID string) []string {
	// The hash tag keeps both keys of a case in one cluster slot, as a
	// script's keys must be.
	tag := "{" + caseID + "}"
	return []string{r.cfg.Prefix + "seq:" + tag, r.cfg.Prefix + "history:" + tag}
}

// Publish runs publish.lua: seq, append, trims, TTLs and PUBLISH in one step.
func (r *Redis) Publish(ctx context.Context, caseID, name string, data json.RawMessage) (triagem.Event, error) {
	if r.closed.Load() {
		return triagem.Event{}, errPublish(caseID, triagem.ErrBusClosed)
	}
	data, err := checkEvent(caseID, name, data)
	if err != nil {
		return triagem.Event{}, errPublish(caseID, err)
	}
	at := r.cfg.Now().UTC()
	res, err := r.publishScript.Run(ctx, r.client, r.keys(caseID),
		r.channel, caseID, name, at.UnixNano(), []byte(data),
		r.cfg.HistorySize, r.cfg.HistoryTTL.Milliseconds(), newEpoch(),
	).Slice()
	if err != nil {
		return triagem.Event{}, errPublish(caseID, err)
	}
	seq, epoch, err := headOf(res)
	if err != nil {
		return triagem.Event{}, errPublish(caseID, err)
	}
	return triagem.Event{CaseID: caseID, Seq: seq, Epoch: epoch, Name: name, Data: data, At: at}, nil
}

// Subscribe implements triagem.Bus. The subscription also ends when ctx
// does, with ctx.Err() as its Err. It does not wait for the shared
// subscription to be up: a subscriber registered while it is down is caught
// up from history when it comes back.
func (r *Redis) Subscribe(ctx context.Context, caseID string, after int64) (triagem.Subscription, error) {
	if r.closed.Load() {
		return nil, fmt.Errorf("bus: subscribe to case %s: %w", caseID, triagem.ErrBusClosed)
	}
	return r.broker.subscribe(ctx, caseID, after)
}

// readHistory runs history.lua for the shared subscriber code.
func (r *Redis) readHistory(ctx context.Context, caseID string, after int64) (history, error) {
	res, err := r.historyScript.Run(ctx, r.client, r.keys(caseID), after, r.cfg.HistoryTTL.Milliseconds()).Slice()
	if err != nil {
		return history{}, err
	}
	var h history
	if h.Head, h.Epoch, err = headOf(res); err != nil {
		return history{}, err
	}
	for _, raw := range res[2:] {
		payload, _ := raw.(string)
		ev, err := decodeEvent(payload)
		if err != nil {
			return history{}, err
		}
		if ev.Seq != after+1+int64(len(h.Events)) {
			return history{}, fmt.Errorf("history of case %s is not contiguous at seq %d", caseID, ev.Seq)
		}
		h.Events = append(h.Events, ev)
	}
	return h, nil
}

// LastSeq implements triagem.Bus.
func (r *Redis) LastSeq(ctx context.Context, caseID string) (int64, error) {
	seq, err := r.client.HGet(ctx, r.keys(caseID)[0], "seq").Int64()
	switch {
	case errors.Is(err, redis.Nil):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("bus: last seq of case %s: %w", caseID, err)
	}
	return seq, nil
}

// DeleteHistory runs delete.lua, which also tells every instance. Local
// subscriptions end at once, even if the subscription is down.
func (r *Redis) DeleteHistory(ctx context.Context, caseID string) error {
	if err := r.deleteScript.Run(ctx, r.client, r.keys(caseID), r.channel, caseID).Err(); err != nil {
		return fmt.Errorf("bus: delete history of case %s: %w", caseID, err)
	}
	r.broker.fanout.endCase(caseID, triagem.ErrCaseDeleted)
	return nil
}

// Ready reports whether the shared subscription is up.
func (r *Redis) Ready(context.Context) error {
	switch {
	case r.closed.Load():
		return fmt.Errorf("bus: %w", triagem.ErrBusClosed)
	case !r.ready.Load():
		return errors.New("bus: redis subscription is down")
	}
	return nil
}

// Close ends every subscription with triagem.ErrBusClosed, stops the
// listener and closes the connections. It is idempotent.
func (r *Redis) Close() error {
	var err error
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		r.stop()
		r.pubsubMu.Lock()
		err = r.pubsub.Close()
		r.pubsubMu.Unlock()
		r.broker.close()
		if cerr := r.client.Close(); err == nil {
			err = cerr
		}
		r.setReady(false, nil)
	})
	if err != nil {
		return fmt.Errorf("bus: close redis: %w", err)
	}
	return nil
}

// listen reads the subscription until Close: it dispatches events, pings
// when the line is quiet, and replaces the subscription with backoff when it
// fails. Each confirmed (re)subscription rechecks every subscriber, since
// events published meanwhile were missed.
func (r *Redis) listen(ctx context.Context, ps *redis.PubSub) {
	defer r.broker.wg.Done()
	backoff := reconnectBackoffMin
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, r.cfg.HealthCheckInterval)
		if ctx.Err() != nil {
			return
		}
		switch {
		case err == nil:
			backoff, pinged = reconnectBackoffMin, false
			r.handle(ctx, msg)
			continue
		case isTimeout(err) && !pinged:
			if err = ps.Ping(ctx); err == nil {
				pinged = true
				continue
			}
		case isTimeout(err):
			err = errors.New("ping unanswered")
		}
		r.setReady(false, err)
		if !sleep(ctx, backoff) {
			return
		}
		backoff = min(2*backoff, r.cfg.ReconnectBackoffMax)
		pinged = false
		if ps = r.resubscribe(ctx, ps); ps == nil {
			return
		}
	}
}

// resubscribe replaces a failed subscription with a new one; go-redis
// connects it on the next read. It returns nil once the bus is closing.
func (r *Redis) resubscribe(ctx context.Context, old *redis.PubSub) *redis.PubSub {
	r.pubsubMu.Lock()
	defer r.pubsubMu.Unlock()
	if r.closed.Load() {
		return nil
	}
	_ = old.Close()
	// Subscribe reports no error: a failed connection shows on the next read.
	r.pubsub = r.client.Subscribe(ctx, r.channel)
	return r.pubsub
}

func (r *Redis) handle(ctx context.Context, msg any) {
	switch m := msg.(type) {
	case *redis.Message:
		r.dispatch(m.Payload)
	case *redis.Subscription:
		// The first confirmation was read by start; any later one is a new
		// connection (ours after a failure, or go-redis's own), which may
		// have missed events.
		if m.Kind == "subscribe" {
			r.setReady(true, nil)
			r.recheckAll(ctx)
		}
	}
}

// dispatch fans one channel message out to this instance's subscribers.
func (r *Redis) dispatch(payload string) {
	kind, rest, _ := strings.Cut(payload, "\n")
	switch kind {
	case "e":
		ev, err := decodeEventBody(rest)
		if err != nil {
			r.cfg.Logger.Error("bus: undecodable event on redis channel", "channel", r.channel, "err", err)
			return
		}
		r.broker.fanout.deliver(ev)
	case "d":
		r.broker.fanout.endCase(rest, triagem.ErrCaseDeleted)
	default:
		r.cfg.Logger.Error("bus: unknown message kind on redis channel", "channel", r.channel, "kind", kind)
	}
}

// recheckAll reads where each subscribed case's history ends, pipelined in
// batches, and catches up every subscriber that is not there. A failed read
// makes its subscribers catch up anyway (they retry with backoff).
func (r *Redis) recheckAll(ctx context.Context) {
	ids := r.broker.fanout.caseIDs()
	r.cfg.Logger.Info("bus: redis subscription restored; checking subscribers for missed events", "cases", len(ids))
	for len(ids) > 0 {
		batch := ids[:min(recheckBatch, len(ids))]
		ids = ids[len(batch):]
		pipe := r.client.Pipeline()
		cmds := make([]*redis.SliceCmd, len(batch))
		for i, id := range batch {
			cmds[i] = pipe.HMGet(ctx, r.keys(id)[0], "seq", "epoch")
		}
		_, _ = pipe.Exec(ctx) // errors are per command, below
		for i, id := range batch {
			head, epoch := int64(-1), "" // unknown: forces a catch-up
			if vals, err := cmds[i].Result(); err == nil {
				head, epoch = parseHead(vals)
			}
			r.broker.fanout.recheckCase(id, head, epoch)
		}
	}
}

// setReady records readiness; a change is logged and passed to
// OnReadyChange.
func (r *Redis) setReady(ready bool, cause error) {
	if r.ready.Swap(ready) == ready {
		return
	}
	if ready {
		r.cfg.Logger.Info("bus: redis subscription up", "channel", r.channel)
	} else if cause != nil {
		r.cfg.Logger.Warn("bus: redis subscription down", "channel", r.channel, "err", cause)
	}
	if r.cfg.OnReadyChange != nil {
		r.cfg.OnReadyChange(ready)
	}
}

// headOf reads the {seq, epoch} that start a script's reply.
func headOf(res []any) (int64, string, error) {
	if len(res) < 2 {
		return 0, "", fmt.Errorf("unexpected script reply %v", res)
	}
	seq, ok1 := res[0].(int64)
	epoch, ok2 := res[1].(string)
	if !ok1 || !ok2 {
		return 0, "", fmt.Errorf("unexpected script reply %v", res)
	}
	return seq, epoch, nil
}

// parseHead reads an HMGET seq epoch reply; a missing case is (0, "").
func parseHead(vals []any) (int64, string) {
	seqText, _ := vals[0].(string)
	epoch, _ := vals[1].(string)
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil {
		return 0, ""
	}
	return seq, epoch
}

// decodeEvent parses an event as publish.lua encodes it: "e", case id,
// seq, epoch, name and Unix nanoseconds, one per line, then the JSON data.
func decodeEvent(payload string) (triagem.Event, error) {
	kind, rest, _ := strings.Cut(payload, "\n")
	if kind != "e" {
		return triagem.Event{}, fmt.Errorf("not an encoded event: kind %q", kind)
	}
	return decodeEventBody(rest)
}

func decodeEventBody(body string) (triagem.Event, error) {
	var fields [5]string
	for i := range fields {
		var ok bool
		if fields[i], body, ok = strings.Cut(body, "\n"); !ok {
			return triagem.Event{}, fmt.Errorf("encoded event has %d of 6 fields", i+1)
		}
	}
	seq, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return triagem.Event{}, fmt.Errorf("encoded event seq: %w", err)
	}
	at, err := strconv.ParseInt(fields[4], 10, 64)
	if err != nil {
		return triagem.Event{}, fmt.Errorf("encoded event time: %w", err)
	}
	return triagem.Event{
		CaseID: fields[0],
		Seq:    seq,
		Epoch:  fields[2],
		Name:   fields[3],
		Data:   json.RawMessage(body),
		At:     time.Unix(0, at).UTC(),
	}, nil
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// sleep waits d unless ctx ends first, which it reports as false.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
