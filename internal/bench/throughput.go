package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/triagem/triagem"
)

// conversation is a flight-delay complaint; its last line repeats until the
// interviewer is done.
var conversation = []string{
	"Meu voo da Azul atrasou 10 horas em 12/03/2024 em São Paulo e perdi uma reunião.",
	"Tenho o cartão de embarque e os e-mails da companhia.",
	"Gastei R$ 850,00 com hotel.",
	"Já reclamei no site e não responderam.",
	"Não tenho mais detalhes.",
}

// maxTurns bounds an interview that never ends.
const maxTurns = 20

func line(i int) string { return conversation[min(i, len(conversation)-1)] }

// E2EReport is the e2e mode, the background analysis end to end: Cases cases are
// brought to their last turn, then each final /continue is timed to the
// triage_completed event on the bus.
type E2EReport struct {
	Cases       int `json:"cases"`
	Turns       int `json:"turns"` // per case, the final one included
	Concurrency int `json:"concurrency"`
	Completed   int `json:"completed"`
	// Span is from the first final turn sent to the last completion.
	Span           time.Duration `json:"span_ns"`
	CasesPerSecond float64       `json:"cases_per_second"`
	P50            time.Duration `json:"p50_ns"` // final turn → triage_completed
	P99            time.Duration `json:"p99_ns"`
	Max            time.Duration `json:"max_ns"`
}

// tracked is one throughput case.
type tracked struct {
	id        string
	sub       triagem.Subscription
	sent      time.Duration // its final turn, since the measurement began
	completed time.Duration // its triage_completed, likewise; 0: never
}

func (s *session) throughput(ctx context.Context) (*E2EReport, error) {
	turns, err := s.probeTurns(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]*tracked, s.cfg.Cases)
	defer func() {
		for _, it := range items {
			if it != nil && it.sub != nil {
				it.sub.Close()
			}
		}
	}()
	if err := s.parallel(ctx, len(items), func(i int) (err error) {
		items[i], err = s.bringToLastTurn(ctx, turns)
		return err
	}); err != nil {
		return nil, err
	}
	base := time.Now()
	var collect sync.WaitGroup
	for _, it := range items {
		collect.Go(func() { it.await(base) })
	}
	if err := s.parallel(ctx, len(items), func(i int) error { return s.finish(ctx, items[i], turns, base) }); err != nil {
		return nil, err
	}
	waited := make(chan struct{})
	go func() { collect.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(60 * time.Second):
	case <-ctx.Done():
	}
	for _, it := range items {
		it.sub.Close() // ends collectors still waiting
	}
	<-waited
	r := s.throughputReport(items, turns)
	if r.Completed < r.Cases {
		return r, fmt.Errorf("%d of %d cases did not complete", r.Cases-r.Completed, r.Cases)
	}
	return r, nil
}

// probeTurns runs one case to completion, learning how many turns the
// interview takes and warming the job path up.
func (s *session) probeTurns(ctx context.Context) (int, error) {
	probe, _, err := s.startCase(ctx)
	if err != nil {
		return 0, err
	}
	turns := 0
	for turns < maxTurns {
		status, err := s.say(ctx, probe, line(turns))
		if err != nil {
			return 0, err
		}
		turns++
		if status != string(triagem.StatusInterviewing) {
			break
		}
	}
	if turns == maxTurns {
		return 0, fmt.Errorf("interview not complete after %d turns", turns)
	}
	if err := s.waitStatus(ctx, probe, triagem.StatusCompleted); err != nil {
		return 0, fmt.Errorf("probe case: %w", err)
	}
	return turns, nil
}

// bringToLastTurn opens a case, subscribes to its events and says all but
// its last line.
func (s *session) bringToLastTurn(ctx context.Context, turns int) (*tracked, error) {
	id, last, err := s.startCase(ctx)
	if err != nil {
		return nil, err
	}
	it := &tracked{id: id}
	if it.sub, err = s.t.Bus.Subscribe(ctx, id, last); err != nil {
		return it, err
	}
	for t := range turns - 1 {
		if _, err := s.say(ctx, id, line(t)); err != nil {
			return it, err
		}
	}
	return it, nil
}

// finish sends the final turn, noting when.
func (s *session) finish(ctx context.Context, it *tracked, turns int, base time.Time) error {
	for t := turns - 1; t < maxTurns; t++ {
		sent := time.Since(base)
		status, err := s.say(ctx, it.id, line(t))
		if err != nil {
			return err
		}
		if status != string(triagem.StatusInterviewing) {
			it.sent = sent
			return nil
		}
	}
	return fmt.Errorf("case %s: interview not complete", it.id)
}

// await notes when the case's triage_completed arrives; a failure or the
// subscription's end leaves completed at 0.
func (it *tracked) await(base time.Time) {
	for ev := range it.sub.Events() {
		switch ev.Name {
		case triagem.EventTriageCompleted:
			it.completed = time.Since(base)
			return
		case triagem.EventTriageFailed:
			return
		}
	}
}

func (s *session) throughputReport(items []*tracked, turns int) *E2EReport {
	r := &E2EReport{Cases: len(items), Turns: turns, Concurrency: s.cfg.Concurrency}
	var lat []time.Duration
	var first, last time.Duration = -1, 0
	for _, it := range items {
		if it.completed == 0 {
			continue
		}
		lat = append(lat, it.completed-it.sent)
		if first < 0 || it.sent < first {
			first = it.sent
		}
		last = max(last, it.completed)
	}
	slices.Sort(lat)
	r.Completed = len(lat)
	if len(lat) > 0 {
		r.Span = last - first
		r.CasesPerSecond = float64(len(lat)) / r.Span.Seconds()
		r.P50, r.P99, r.Max = percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1]
	}
	return r
}
