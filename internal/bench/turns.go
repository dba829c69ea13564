package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/triagem/triagem"
)

// TurnsReport is the turns mode: Conversations clients each hold one
// conversation at a time, sending the next /continue as soon as the last
// answered, for Window; a finished interview is followed by a new case. The
// background analysis of finished cases runs meanwhile, as in production.
type TurnsReport struct {
	Conversations int           `json:"conversations"`
	Window        time.Duration `json:"window_ns"`
	Turns         int           `json:"turns"`    // /continue requests answered
	Finished      int           `json:"finished"` // interviews that reached their last turn
	// TurnsPerSecond is Turns over the time from the first request to the
	// last answer.
	TurnsPerSecond float64 `json:"turns_per_second"`
	// Per /continue, request sent to answer read.
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

// talker is one turns-mode client's results.
type talker struct {
	lat      []time.Duration
	finished int
	err      error
}

func (s *session) turns(ctx context.Context) (*TurnsReport, error) {
	talkers := make([]talker, s.cfg.Conversations)
	start := time.Now()
	deadline := start.Add(s.cfg.TurnsFor)
	var wg sync.WaitGroup
	for i := range talkers {
		wg.Go(func() { talkers[i].talk(ctx, s, deadline) })
	}
	wg.Wait()
	r := turnsReport(talkers, s.cfg.TurnsFor, time.Since(start))
	for _, t := range talkers {
		if t.err != nil {
			return r, t.err
		}
	}
	return r, nil
}

// talk runs conversations until deadline, one turn at a time.
func (t *talker) talk(ctx context.Context, s *session, deadline time.Time) {
	for time.Now().Before(deadline) {
		id, _, err := s.startCase(ctx)
		if err != nil {
			t.err = fmt.Errorf("start case: %w", err)
			return
		}
		// A case once started gets at least its first turn, so that a
		// window shorter than a slow start still measures something.
		for turn := 0; turn < maxTurns && (turn == 0 || time.Now().Before(deadline)); turn++ {
			sent := time.Now()
			status, err := s.say(ctx, id, line(turn))
			if err != nil {
				t.err = fmt.Errorf("case %s turn %d: %w", id, turn+1, err)
				return
			}
			t.lat = append(t.lat, time.Since(sent))
			if status != string(triagem.StatusInterviewing) {
				t.finished++
				break
			}
		}
	}
}

// turnsReport sums the talkers' results; span is the wall time they ran.
func turnsReport(talkers []talker, window, span time.Duration) *TurnsReport {
	r := &TurnsReport{Conversations: len(talkers), Window: window}
	var lat []time.Duration
	for _, t := range talkers {
		lat = append(lat, t.lat...)
		r.Finished += t.finished
	}
	slices.Sort(lat)
	r.Turns = len(lat)
	if len(lat) > 0 && span > 0 {
		r.TurnsPerSecond = float64(len(lat)) / span.Seconds()
		r.P50, r.P99, r.Max = percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1]
	}
	return r
}
