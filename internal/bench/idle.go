package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/triagem/triagem/internal/procstat"
)

// WarmStreams are opened in process before the baseline and held, so that
// one-off allocations (pools, lazily built tables, the adaptive goroutine
// stack size) are in the baseline, not charged to streams.
const WarmStreams = 16

// IdleReport is what idle streams cost the server. Memory figures are
// bytes; "per stream" is (with − without) / streams.
type IdleReport struct {
	Streams       int           `json:"streams"`
	ServerOpen    int           `json:"server_open"` // the server's count with them open, warm-up streams included
	OpenedIn      time.Duration `json:"opened_in_ns"`
	ClientProcess string        `json:"client_process"`
	Heartbeat     time.Duration `json:"heartbeat_ns"`
	Window        time.Duration `json:"cpu_window_ns"` // of each idle CPU measurement

	Before   procstat.Memory `json:"memory_before"`        // warm-up streams only
	After    procstat.Memory `json:"memory_after"`         // every stream open
	Later    procstat.Memory `json:"memory_after_cpu"`     // after the CPU windows
	Released procstat.Memory `json:"memory_after_release"` // after the clients left
	// ReleasedIn is how long the server took to count the streams closed
	// once the clients had gone; StillOpen how many it still counted when
	// it gave up (0: all released).
	ReleasedIn time.Duration `json:"released_in_ns"`
	StillOpen  int           `json:"still_open"`

	CPUNone    procstat.CPU `json:"cpu_no_streams"`
	CPUStreams procstat.CPU `json:"cpu_between_heartbeats"`
	CPUTick    procstat.CPU `json:"cpu_heartbeat_mid_window"`

	PerStream IdlePerStream `json:"per_stream"`
	Profile   string        `json:"heap_profile,omitempty"`
}

// IdlePerStream are the idle report's figures divided by the streams.
type IdlePerStream struct {
	Memory            float64 `json:"memory_bytes"` // HeapInuse+StackInuse
	HeapObjects       float64 `json:"heap_objects_bytes"`
	HeapFragmentation float64 `json:"heap_fragmentation_bytes"`
	Stacks            float64 `json:"stacks_bytes"`
	RuntimeTotal      float64 `json:"runtime_total_bytes"`
	RSS               float64 `json:"rss_bytes"`
	Goroutines        float64 `json:"goroutines"`
	MemoryLater       float64 `json:"memory_later_bytes"`
	HeldAfterRelease  float64 `json:"held_after_release_bytes"`
	HeldHeapObjects   float64 `json:"held_heap_objects_bytes"`
	HeldStacks        float64 `json:"held_stacks_bytes"`
	// CPU: between heartbeats per second (≤0 is within the background's
	// noise), one heartbeat round, and the average per second.
	CPUBetweenHeartbeats time.Duration `json:"cpu_between_heartbeats_ns_per_s"`
	HeartbeatRound       time.Duration `json:"cpu_heartbeat_round_ns"` // all streams
	CPUPerHeartbeat      time.Duration `json:"cpu_per_heartbeat_ns"`
	CPUAverage           time.Duration `json:"cpu_average_ns_per_s"`
}

// OverBudget reports whether an idle stream costs more than IdleStreamBudget.
func (r *IdleReport) OverBudget() bool { return r.PerStream.Memory > IdleStreamBudget }

func (s *session) idleStreams(ctx context.Context) (*IdleReport, error) {
	caseID, _, err := s.startCase(ctx)
	if err != nil {
		return nil, err
	}
	warm, err := s.openInProcess(ctx, caseID, WarmStreams)
	defer closeAll(warm)
	if err != nil {
		return nil, fmt.Errorf("warm up: %w", err)
	}
	if _, err := s.waitOpenStreams(ctx, WarmStreams, 10*time.Second); err != nil {
		return nil, err
	}
	r := &IdleReport{Streams: s.cfg.Streams, Heartbeat: s.t.Heartbeat, Window: s.cfg.Idle, ClientProcess: filepath.Base(s.cfg.ClientCommand[0])}
	r.Before = procstat.ReadMemory()
	r.CPUNone = procstat.MeasureCPU(ctx, s.cfg.Idle, procstat.SliceDefault)

	child, err := s.startClients(ctx, caseID)
	if err != nil {
		return nil, err
	}
	defer child.kill()
	r.OpenedIn = child.opened
	if r.ServerOpen, err = s.waitOpenStreams(ctx, WarmStreams+s.cfg.Streams, 10*time.Second); err != nil {
		return nil, err
	}
	r.After = procstat.ReadMemory()
	if s.cfg.ProfileDir != "" {
		if err := procstat.WriteProfiles(s.cfg.ProfileDir); err != nil {
			return nil, err
		}
		r.Profile = filepath.Join(s.cfg.ProfileDir, "heap.pprof")
	}
	if err := s.measureIdleCPU(ctx, r); err != nil {
		return nil, err
	}
	// Take the memory again after the CPU windows: streams that grew (or a
	// heartbeat's buffers) would show here.
	r.Later = procstat.ReadMemory()

	// The client leaves: its connections end with a RST (SO_LINGER 0), as
	// a vanished client's would. A taken-over stream has no reader, so the
	// server notices at its next write: the next heartbeat.
	if err := child.leave(); err != nil {
		return nil, fmt.Errorf("client process: %w", err)
	}
	left := time.Now()
	open, releaseErr := s.waitOpenStreams(ctx, WarmStreams, s.t.Heartbeat+5*time.Second)
	r.ReleasedIn = time.Since(left)
	if releaseErr != nil {
		r.StillOpen = open - WarmStreams
	}
	r.Released = procstat.ReadMemory()
	r.PerStream = r.perStream()
	return r, nil
}

// measureIdleCPU measures the CPU with the streams open between heartbeats,
// then across one (a window centred on it).
func (s *session) measureIdleCPU(ctx context.Context, r *IdleReport) error {
	r.CPUStreams = procstat.MeasureCPU(ctx, s.cfg.Idle, procstat.SliceDefault)
	window := min(s.cfg.Idle, procstat.SliceDefault)
	if err := sleep(ctx, time.Until(s.nextTick(time.Now().Add(window/2)).Add(-window/2))); err != nil {
		return err
	}
	r.CPUTick = procstat.MeasureCPU(ctx, window, procstat.SliceDefault)
	return nil
}

func (r *IdleReport) perStream() IdlePerStream {
	n := float64(r.Streams)
	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / n }
	b := r.Before
	p := IdlePerStream{
		Memory:            per(r.After.HeapAndStack(), b.HeapAndStack()),
		HeapObjects:       per(r.After.HeapObjects, b.HeapObjects),
		HeapFragmentation: per(r.After.HeapInuse-r.After.HeapObjects, b.HeapInuse-b.HeapObjects),
		Stacks:            per(r.After.StackInuse, b.StackInuse),
		RuntimeTotal:      per(r.After.RuntimeTotal, b.RuntimeTotal),
		RSS:               per(r.After.RSS, b.RSS),
		Goroutines:        float64(r.After.Goroutines-b.Goroutines) / n,
		MemoryLater:       per(r.Later.HeapAndStack(), b.HeapAndStack()),
		HeldAfterRelease:  per(r.Released.HeapAndStack(), b.HeapAndStack()),
		HeldHeapObjects:   per(r.Released.HeapObjects, b.HeapObjects),
		HeldStacks:        per(r.Released.StackInuse, b.StackInuse),
	}
	// CPU beyond the background's rate, between heartbeats and in the
	// window around one.
	between := r.CPUStreams.Time - time.Duration(float64(r.CPUNone.PerSecond())*r.CPUStreams.Wall.Seconds())
	p.HeartbeatRound = r.CPUTick.Time - time.Duration(float64(r.CPUStreams.PerSecond())*r.CPUTick.Wall.Seconds())
	p.CPUBetweenHeartbeats = time.Duration(float64(between) / n / r.CPUStreams.Wall.Seconds())
	p.CPUPerHeartbeat = time.Duration(float64(p.HeartbeatRound) / n)
	between = max(between, 0)
	p.CPUAverage = time.Duration((float64(between)/r.CPUStreams.Wall.Seconds() + float64(p.HeartbeatRound)/r.Heartbeat.Seconds()) / n)
	return p
}

// nextTick is the first heartbeat after t.
func (s *session) nextTick(t time.Time) time.Time {
	k := t.Sub(s.t.HeartbeatsFrom)/s.t.Heartbeat + 1
	return s.t.HeartbeatsFrom.Add(k * s.t.Heartbeat)
}

// openInProcess opens n streams in this process and returns them.
func (s *session) openInProcess(ctx context.Context, caseID string, n int) ([]net.Conn, error) {
	var conns []net.Conn
	for range n {
		c, _, err := dialStream(ctx, s.t.Addr, caseID, s.t.ClientToken)
		if err != nil {
			return conns, err
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// clientProcess is the child holding the idle streams' client side.
type clientProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	opened time.Duration // from start to "ready"
	done   bool
}

// startClients starts the child and waits until its streams are open.
func (s *session) startClients(ctx context.Context, caseID string) (*clientProcess, error) {
	argv := append(append([]string(nil), s.cfg.ClientCommand...), clientArgs(s.t.Addr, caseID, s.cfg.Streams)...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), ClientTokenEnv+"="+s.t.ClientToken)
	cmd.Stderr = s.cfg.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start client process: %w", err)
	}
	p := &clientProcess{cmd: cmd, stdin: stdin}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		p.done = true
		return nil, fmt.Errorf("client process ended before its streams were open: %v", cmd.Wait())
	}
	if line := lines.Text(); line != "ready "+strconv.Itoa(s.cfg.Streams) {
		p.kill()
		return nil, fmt.Errorf("client process: %s", line)
	}
	p.opened = time.Since(began)
	return p, nil
}

// leave closes the child's stdin, which ends it, and waits for it.
func (p *clientProcess) leave() error {
	p.done = true
	_ = p.stdin.Close()
	return p.cmd.Wait()
}

// kill ends a child that has not left.
func (p *clientProcess) kill() {
	if p.done {
		return
	}
	p.done = true
	_ = p.stdin.Close()
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}
