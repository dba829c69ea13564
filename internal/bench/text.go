package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/triagem/triagem/internal/procstat"
)

// WriteText prints a report for people: one line per figure, each saying
// what it measures.
func WriteText(w io.Writer, r *Report) error {
	p := &printer{w: w}
	p.printf("triagem bench: %s %s/%s, %d CPUs, GOMAXPROCS=%d, everything on loopback %s in this process\n",
		r.GoVersion, r.OS, r.Arch, r.CPUs, r.GOMAXPROCS, r.Addr)
	p.printf("setup: %s\n", r.Setup)
	p.printf("open files: %s\n", r.OpenFiles)
	if r.Stream != nil && r.Stream.Idle != nil {
		p.idle(r.Stream.Idle)
	}
	if r.Stream != nil && r.Stream.Latency != nil {
		p.latency(r.Stream.Latency)
	}
	if r.Turns != nil {
		p.turns(r.Turns)
	}
	if r.E2E != nil {
		p.e2e(r.E2E)
	}
	return p.err
}

// printer keeps the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// row prints one figure: its name in a column, then its value.
func (p *printer) row(name, format string, args ...any) {
	p.printf("  %-44s "+format+"\n", append([]any{name}, args...)...)
}

func (p *printer) idle(r *IdleReport) {
	ps := r.PerStream
	verdict := "within"
	if r.OverBudget() {
		verdict = "OVER"
	}
	p.printf("\n1. stream mode, idle streams (server side only: the clients run in a child process, %s)\n", r.ClientProcess)
	p.row("streams", "%d (server counts %d open), opened in %s", r.Streams, r.ServerOpen, r.OpenedIn.Round(time.Millisecond))
	p.row("memory per idle stream", "%s  (%s the %d KiB budget; HeapInuse+StackInuse, after-before / streams)", fmtBytes(ps.Memory), verdict, IdleStreamBudget>>10)
	p.row("  live heap objects per stream", "%s", fmtBytes(ps.HeapObjects))
	p.row("  heap fragmentation per stream", "%s", fmtBytes(ps.HeapFragmentation))
	p.row("  goroutine stacks per stream", "%s", fmtBytes(ps.Stacks))
	p.row("  runtime total per stream", "%s  (all Go runtime memory in use, incl. metadata)", fmtBytes(ps.RuntimeTotal))
	if r.Before.RSS > 0 {
		p.row("  RSS per stream", "%s  (resident set size; kernel socket buffers are not in it)", fmtBytes(ps.RSS))
	}
	p.row("goroutines per stream", "%.3f  (%d → %d)", ps.Goroutines, r.Before.Goroutines, r.After.Goroutines)
	p.row("memory per idle stream, later", "%s  (same measure after the %s CPU window)", fmtBytes(ps.MemoryLater), r.Window)
	if r.StillOpen > 0 {
		p.row("released after the clients left", "not within %s: %d streams still open", r.ReleasedIn.Round(time.Millisecond), r.StillOpen)
	} else {
		p.row("released after the clients left", "%s  (noticed at the next heartbeat write; heartbeat %s)", r.ReleasedIn.Round(time.Millisecond), r.Heartbeat)
		p.row("memory not returned after close", "%s  (still held after release, per stream: heap objects %s, stacks %s)",
			fmtBytes(ps.HeldAfterRelease), fmtBytes(ps.HeldHeapObjects), fmtBytes(ps.HeldStacks))
	}
	p.row("CPU idle, no streams", "%s", fmtCPU(r.CPUNone))
	p.row("CPU idle, streams, between heartbeats", "%s", fmtCPU(r.CPUStreams))
	p.row("CPU idle, streams, heartbeat in mid-window", "%s", fmtCPU(r.CPUTick))
	p.row("CPU of idle streams between heartbeats", "%s per stream per second (vs. no streams; ≤0 is within the background's noise)", fmtDuration(ps.CPUBetweenHeartbeats))
	p.row("CPU of one heartbeat round", "%s ±%s for %d streams = %s per stream per heartbeat",
		fmtDuration(ps.HeartbeatRound), fmtDuration(r.CPUStreams.Noise), r.Streams, fmtDuration(ps.CPUPerHeartbeat))
	p.row("CPU of idle streams on average", "%s per stream per second (heartbeat every %s)", fmtDuration(ps.CPUAverage), r.Heartbeat)
	if r.Profile != "" {
		p.row("profiles", "%s (go tool pprof -sample_index=inuse_space -top %s), goroutines.txt", r.Profile, r.Profile)
	}
}

func (p *printer) latency(r *LatencyReport) {
	p.printf("\n2. stream mode, publish → deliver latency (%d SSE streams on one case, %d events via Bus.Publish, raw-socket clients in this process)\n", r.Streams, r.Events)
	p.row("frames delivered", "%d/%d (%d streams short)", r.Delivered, r.Streams*r.Events, r.Short)
	if r.Delivered > 0 {
		p.row("latency p50 / p90 / p99 / max", "%s / %s / %s / %s", fmtDuration(r.P50), fmtDuration(r.P90), fmtDuration(r.P99), fmtDuration(r.Max))
	}
	rate := "as fast as possible"
	if r.TargetRate > 0 {
		rate = fmt.Sprintf("target %d/s", r.TargetRate)
	}
	p.row("publish rate", "%.0f events/s (%s)", r.PublishRate, rate)
	if r.DeliveryRate > 0 {
		p.row("delivery rate", "%.0f frames/s (first publish → last frame)", r.DeliveryRate)
	}
}

func (p *printer) turns(r *TurnsReport) {
	p.printf("\n3. turns mode (%d concurrent conversations for %s on POST /continue, client token; finished cases analysed meanwhile)\n", r.Conversations, r.Window)
	p.row("turns answered", "%d  (%d interviews finished; a finished one is followed by a new case)", r.Turns, r.Finished)
	if r.Turns > 0 {
		p.row("turns per second", "%.1f  (answered /continue requests over the run's wall time, new cases' /start included)", r.TurnsPerSecond)
		p.row("per turn p50 / p99 / max", "%s / %s / %s  (request sent → answer read)", fmtDuration(r.P50), fmtDuration(r.P99), fmtDuration(r.Max))
	}
}

func (p *printer) e2e(r *E2EReport) {
	p.printf("\n4. e2e mode, analysis throughput (SQLite + River, %d cases of %d turns, final /continue → triage_completed, %d API clients)\n", r.Cases, r.Turns, r.Concurrency)
	p.row("cases completed", "%d/%d", r.Completed, r.Cases)
	if r.Completed > 0 {
		p.row("throughput", "%.1f cases/s (%d cases in %s, first final turn → last completion)", r.CasesPerSecond, r.Completed, fmtDuration(r.Span))
		p.row("per case p50 / p99 / max", "%s / %s / %s  (final turn sent → triage_completed on the bus)", fmtDuration(r.P50), fmtDuration(r.P99), fmtDuration(r.Max))
	}
}

func fmtCPU(c procstat.CPU) string {
	return fmt.Sprintf("%s CPU in %s = %s/s (%.2f%% of one core, whole process incl. workers' polling; ±%s per %s)",
		fmtDuration(c.Time), c.Wall.Round(time.Millisecond), fmtDuration(c.PerSecond()), 100*c.Time.Seconds()/c.Wall.Seconds(),
		fmtDuration(c.Noise), c.Slice)
}

func fmtBytes(v float64) string {
	return fmt.Sprintf("%.0f B (%.2f KiB)", v, v/1024)
}

func fmtDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
	}
}

// WriteJSON prints r as indented JSON (durations in ns, memory in bytes).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
