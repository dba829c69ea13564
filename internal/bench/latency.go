package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/sse"
)

// Event is the name of the events the latency scenario publishes.
const Event = "bench_ping"

// LatencyReport is publish → deliver: Subscribers streams on one case, each
// receiving Events events published through the bus at EventRate.
type LatencyReport struct {
	Streams   int `json:"streams"`
	Events    int `json:"events"`
	Delivered int `json:"delivered"` // frames received, of Streams × Events
	Short     int `json:"short"`     // streams that missed at least one
	// From Bus.Publish to the frame's arrival at a client.
	P50 time.Duration `json:"p50_ns"`
	P90 time.Duration `json:"p90_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
	// PublishRate is what the publisher achieved against TargetRate (0: as
	// fast as possible); DeliveryRate is frames per second from the first
	// publish to the last frame.
	PublishRate  float64 `json:"publish_rate"`
	TargetRate   int     `json:"target_rate"`
	DeliveryRate float64 `json:"delivery_rate"`
}

// subscriber is one latency stream's results.
type subscriber struct {
	lat      []time.Duration
	lastRecv time.Duration
}

func (s *session) latency(ctx context.Context) (*LatencyReport, error) {
	caseID, _, err := s.startCase(ctx)
	if err != nil {
		return nil, err
	}
	m, k := s.cfg.Subscribers, s.cfg.Events
	base := time.Now()
	results := make([]subscriber, m)
	conns := make([]net.Conn, m)
	defer closeAll(conns)
	var ready, done sync.WaitGroup
	for i := range m {
		c, br, err := dialStream(ctx, s.t.Addr, caseID, s.t.ClientToken)
		if err != nil {
			return nil, fmt.Errorf("stream %d: %w", i, err)
		}
		conns[i] = c
		ready.Add(1)
		done.Go(func() { results[i].receive(br, base, k, ready.Done) })
	}
	ready.Wait()
	// Every client has its snapshot; publish at the configured rate.
	firstSent := time.Since(base)
	if err := s.publish(ctx, caseID, base, firstSent); err != nil {
		return nil, err
	}
	published := time.Since(base) - firstSent
	if err := awaitOrClose(ctx, &done, conns, 10*time.Second); err != nil {
		return nil, err
	}
	return s.latencyReport(results, firstSent, published), nil
}

// receive reads one stream until k bench events arrived, calling ready once
// the snapshot is in (or the stream ended before it).
func (r *subscriber) receive(br *bufio.Reader, base time.Time, k int, ready func()) {
	r.lat = make([]time.Duration, 0, k)
	var once sync.Once
	defer once.Do(ready)
	_ = sse.ReadFrames(br, func(fr sse.Frame) error {
		switch fr.Event {
		case triagem.EventInitialState:
			once.Do(ready)
		case Event:
			now := time.Since(base)
			var p struct {
				Sent int64 `json:"sent_ns"`
			}
			if err := json.Unmarshal([]byte(fr.Data), &p); err != nil {
				return err
			}
			r.lat = append(r.lat, now-time.Duration(p.Sent))
			r.lastRecv = now
			if len(r.lat) == k {
				return io.EOF
			}
		}
		return nil
	})
}

// publish sends Events events through the bus, each due at firstSent + i/EventRate.
func (s *session) publish(ctx context.Context, caseID string, base time.Time, firstSent time.Duration) error {
	var interval time.Duration
	if s.cfg.EventRate > 0 {
		interval = time.Second / time.Duration(s.cfg.EventRate)
	}
	for i := range s.cfg.Events {
		if interval > 0 {
			due := firstSent + time.Duration(i)*interval
			if wait := due - time.Since(base); wait > 0 {
				time.Sleep(wait)
			}
		}
		data := fmt.Appendf(nil, `{"i":%d,"sent_ns":%d}`, i, time.Since(base).Nanoseconds())
		if _, err := s.t.Bus.Publish(ctx, caseID, Event, data); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	return nil
}

// awaitOrClose waits for wg, closing conns (which ends their readers) after
// limit or when ctx ends.
func awaitOrClose(ctx context.Context, wg *sync.WaitGroup, conns []net.Conn, limit time.Duration) error {
	waited := make(chan struct{})
	go func() { wg.Wait(); close(waited) }()
	select {
	case <-waited:
		return nil
	case <-time.After(limit):
	case <-ctx.Done():
	}
	for _, c := range conns {
		_ = c.Close()
	}
	<-waited
	return ctx.Err()
}

func (s *session) latencyReport(results []subscriber, firstSent, published time.Duration) *LatencyReport {
	r := &LatencyReport{Streams: s.cfg.Subscribers, Events: s.cfg.Events, TargetRate: s.cfg.EventRate,
		PublishRate: float64(s.cfg.Events) / published.Seconds()}
	var all []time.Duration
	var lastRecv time.Duration
	for _, sub := range results {
		all = append(all, sub.lat...)
		lastRecv = max(lastRecv, sub.lastRecv)
		if len(sub.lat) < s.cfg.Events {
			r.Short++
		}
	}
	slices.Sort(all)
	r.Delivered = len(all)
	if len(all) > 0 {
		r.P50, r.P90, r.P99, r.Max = percentile(all, 50), percentile(all, 90), percentile(all, 99), all[len(all)-1]
	}
	if span := lastRecv - firstSent; span > 0 {
		r.DeliveryRate = float64(len(all)) / span.Seconds()
	}
	return r
}
