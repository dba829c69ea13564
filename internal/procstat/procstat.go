// Package procstat measures this process: its memory (Go runtime and
// resident set), its CPU time over a window, and its open-file limit. The
// bench uses it to charge a server's costs to the streams it holds.
package procstat

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Memory is the process's memory after two GCs and a scavenge, in bytes.
type Memory struct {
	HeapInuse    uint64 `json:"heap_inuse"`    // runtime.MemStats.HeapInuse
	StackInuse   uint64 `json:"stack_inuse"`   // runtime.MemStats.StackInuse
	HeapObjects  uint64 `json:"heap_objects"`  // live heap objects
	RuntimeTotal uint64 `json:"runtime_total"` // every byte the runtime holds, less free and released heap
	RSS          uint64 `json:"rss"`           // resident set size; 0 where /proc is missing
	Goroutines   int    `json:"goroutines"`
}

// HeapAndStack is what a stream is charged: heap spans and goroutine stacks in use.
func (m Memory) HeapAndStack() uint64 { return m.HeapInuse + m.StackInuse }

// ReadMemory collects garbage twice, returns freed memory to the OS and
// reads the figures, so that two readings differ only by what is live.
func ReadMemory() Memory {
	runtime.GC()
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	samples := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/sched/goroutines:goroutines"},
	}
	metrics.Read(samples)
	u := func(i int) uint64 {
		if samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return samples[i].Value.Uint64()
	}
	return Memory{
		HeapInuse:    ms.HeapInuse,
		StackInuse:   ms.StackInuse,
		HeapObjects:  u(3),
		RuntimeTotal: u(0) - u(1) - u(2),
		RSS:          RSS(),
		Goroutines:   int(u(4)),
	}
}

// RSS is the resident set size from /proc (0 where there is none).
func RSS() uint64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(raw))
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

// WriteProfiles writes the heap profile (heap.pprof: in-use bytes by
// allocation site) and the goroutines grouped by stack (goroutines.txt)
// into dir.
func WriteProfiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("profile dir: %w", err)
	}
	for _, p := range []struct {
		name, file string
		debug      int
	}{{"heap", "heap.pprof", 0}, {"goroutine", "goroutines.txt", 1}} {
		if err := writeProfile(filepath.Join(dir, p.file), p.name, p.debug); err != nil {
			return fmt.Errorf("%s profile: %w", p.name, err)
		}
	}
	return nil
}

func writeProfile(path, name string, debug int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, debug); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SliceDefault is the length of the slices a CPU window is cut into to
// estimate the background's noise.
const SliceDefault = 500 * time.Millisecond

// CPU is the process's CPU time (user+system) over a wall-clock window.
type CPU struct {
	Time time.Duration `json:"cpu_ns"`
	Wall time.Duration `json:"wall_ns"`
	// Noise is the standard deviation of the CPU time of the window's
	// slices: the background's jitter (workers polling, GC).
	Noise time.Duration `json:"noise_ns"`
	Slice time.Duration `json:"slice_ns"`
}

// PerSecond is the CPU time per second of wall time.
func (c CPU) PerSecond() time.Duration {
	if c.Wall <= 0 {
		return 0
	}
	return time.Duration(float64(c.Time) / c.Wall.Seconds())
}

// MeasureCPU measures the process's CPU time (getrusage) over window, in
// slices of slice.
func MeasureCPU(ctx context.Context, window, slice time.Duration) CPU {
	start, began := ProcessCPU(), time.Now()
	var slices []float64
	last := start
	for time.Since(began) < window && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(min(slice, window-time.Since(began))):
		}
		now := ProcessCPU()
		slices = append(slices, float64(now-last))
		last = now
	}
	return CPU{Time: last - start, Wall: time.Since(began), Noise: time.Duration(stddev(slices)), Slice: slice}
}

// stddev is the sample standard deviation (0 for fewer than two values).
func stddev(vs []float64) float64 {
	if len(vs) < 2 {
		return 0
	}
	var mean, sq float64
	for _, v := range vs {
		mean += v
	}
	mean /= float64(len(vs))
	for _, v := range vs {
		sq += (v - mean) * (v - mean)
	}
	return math.Sqrt(sq / float64(len(vs)-1))
}

// ProcessCPU is the CPU time (user+system) this process has used so far.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// RaiseOpenFileLimit lifts the soft RLIMIT_NOFILE towards need (at most to
// the hard limit) and says what it did.
func RaiseOpenFileLimit(need uint64) (string, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return "", fmt.Errorf("read open-file limit: %w", err)
	}
	if lim.Cur >= need {
		return fmt.Sprintf("limit %d, %d needed: left as is", lim.Cur, need), nil
	}
	if lim.Max < need {
		return "", fmt.Errorf("about %d open files are needed but the hard limit is %d: ask for less or raise it (ulimit -Hn)", need, lim.Max)
	}
	old := lim.Cur
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return "", fmt.Errorf("raise open-file limit from %d to %d: %w", old, lim.Max, err)
	}
	return fmt.Sprintf("soft limit raised from %d to %d (setrlimit RLIMIT_NOFILE), %d needed", old, lim.Cur, need), nil
}
