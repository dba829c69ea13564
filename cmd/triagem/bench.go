package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/internal/sse"
)

// benchFlags are the knobs of `triagem bench`. The defaults finish in well
// under a minute on two cores.
type benchFlags struct {
	streams          int
	subscribers      int
	events           int
	eventRate        int
	cases            int
	concurrency      int
	idle             time.Duration
	heartbeat        time.Duration
	subscriberBuffer int
	profileDir       string
	clientExe        string
	timeout          time.Duration
	logLevel         string

	// The child process that holds the idle streams' client side.
	client     bool
	clientAddr string
	clientCase string
}

// benchTokenEnv carries the bearer token to the client child process, so
// that it never appears on a command line.
const benchTokenEnv = "TRIAGEM_BENCH_CLIENT_TOKEN"

// benchEvent is the name of the events the latency run publishes.
const benchEvent = "bench_ping"

// runBench measures, on this machine and on loopback only: what an idle SSE
// stream costs the server (memory, goroutines, CPU), how long an event takes
// from Publish to a client's socket, and how many cases per second the
// background analysis completes. Everything is bounded in count and time.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f benchFlags
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&f.streams, "streams", 2000, "idle streams to open for the memory and CPU measurement")
	fs.IntVar(&f.subscribers, "subscribers", 100, "streams on one case for the latency measurement")
	fs.IntVar(&f.events, "events", 1000, "events published for the latency measurement")
	fs.IntVar(&f.eventRate, "event-rate", 500, "events published per second (0: as fast as possible)")
	fs.IntVar(&f.cases, "cases", 50, "cases analysed for the throughput measurement (0 skips it)")
	fs.IntVar(&f.concurrency, "concurrency", 8, "concurrent API clients for the throughput measurement")
	fs.DurationVar(&f.idle, "idle", 3*time.Second, "window over which idle CPU is measured (once without, once with the streams)")
	fs.DurationVar(&f.heartbeat, "heartbeat", httpapi.HeartbeatDefault, "stream heartbeat interval (the serve default)")
	fs.IntVar(&f.subscriberBuffer, "subscriber-buffer", 0, "what-if: bus subscriber buffer in events (0: the serve default, -stream-buffer)")
	fs.StringVar(&f.profileDir, "profile-dir", "", "write heap.pprof (every allocation sampled) and goroutines.txt here while the idle streams are open")
	fs.StringVar(&f.clientExe, "client-exe", "", "triagem binary that runs the idle streams' client side (default: this executable)")
	fs.DurationVar(&f.timeout, "timeout", 3*time.Minute, "give up after this long")
	fs.StringVar(&f.logLevel, "log-level", "warn", "server log level")
	fs.BoolVar(&f.client, "client", false, "internal: run as the client child process")
	fs.StringVar(&f.clientAddr, "client-addr", "", "internal: server address for -client")
	fs.StringVar(&f.clientCase, "client-case", "", "internal: case id for -client")
	fs.VisitAll(func(fl *flag.Flag) { fl.Usage += " (" + envName(fl.Name) + ")" })
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("bench takes no arguments, got %q", fs.Args())
	}
	if f.client {
		return runBenchClient(ctx, f, os.Stdin, stdout)
	}
	if f.streams < 1 || f.subscribers < 1 || f.events < 1 || f.cases < 0 || f.concurrency < 1 || f.eventRate < 0 {
		return errors.New("bench: -streams, -subscribers, -events and -concurrency must be positive; -cases and -event-rate not negative")
	}
	if f.profileDir != "" {
		// Sample every allocation, so that the profile's bytes add up to
		// the measured ones (this slows the run and adds profiling memory).
		defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
		runtime.MemProfileRate = 1
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	b := &bench{f: f, out: stdout, stderr: stderr}
	return b.run(ctx)
}

// bench is one run of the benchmark against an in-process server.
type bench struct {
	f      benchFlags
	out    io.Writer
	stderr io.Writer

	a      *app
	api    *httpapi.Server
	srv    *http.Server
	addr   string
	client *http.Client
	// ticksFrom is when the server's heartbeat ticker started: heartbeats
	// fall at ticksFrom + k·heartbeat.
	ticksFrom time.Time
	user      string // the client token's subject
	token     string // client role: owns the cases
	admin     string // admin role: /stats
}

func (b *bench) printf(format string, args ...any) { fmt.Fprintf(b.out, format, args...) }

func (b *bench) run(ctx context.Context) (err error) {
	limitNote, err := raiseOpenFileLimit(uint64(max(b.f.streams, b.f.subscribers) + 2*b.f.concurrency + 512))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "triagem-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := b.start(ctx, filepath.Join(dir, "bench.db")); err != nil {
		return err
	}
	defer func() {
		if cerr := b.stop(); err == nil {
			err = cerr
		}
	}()

	b.printf("triagem bench: %s %s/%s, %d CPUs, GOMAXPROCS=%d, everything on loopback %s in this process\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), b.addr)
	b.printf("setup: SQLite (temp file), in-process bus (subscriber buffer %d events), workers on, HS256 tokens, heartbeat %s\n", b.a.cfg.StreamBuffer, b.f.heartbeat)
	b.printf("open files: %s\n", limitNote)

	if err := b.idleStreams(ctx); err != nil {
		return fmt.Errorf("idle streams: %w", err)
	}
	if err := b.latency(ctx); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	if b.f.cases > 0 {
		if err := b.throughput(ctx); err != nil {
			return fmt.Errorf("throughput: %w", err)
		}
	}
	return nil
}

// start opens the real stack as serve does (openApp), on a temp SQLite file
// and the memory bus, behind a real http.Server on 127.0.0.1:0.
func (b *bench) start(ctx context.Context, dbPath string) error {
	var cfg Config
	defaults := cfg.flagSet("serve", true)
	if err := defaults.Parse(nil); err != nil { // defaults only: no environment
		return err
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	cfg.JWTSecret = hex.EncodeToString(secret)
	cfg.JWKSURL, cfg.RedisURL, cfg.WebhookURL = "", "", ""
	cfg.DatabaseURL = dbPath
	cfg.Addr = "127.0.0.1:0"
	cfg.RunWorkers = true
	cfg.RequestsPerMinute = -1 // one user opens thousands of streams
	cfg.StreamsPerUser = b.f.streams + b.f.subscribers + 64
	cfg.Heartbeat = b.f.heartbeat
	cfg.LogLevel = b.f.logLevel
	if err := cfg.validate(); err != nil {
		return err
	}
	log, err := newLogger(b.stderr, "text", cfg.LogLevel)
	if err != nil {
		return err
	}
	if b.f.subscriberBuffer > 0 {
		cfg.StreamBuffer = b.f.subscriberBuffer
	}
	if b.a, err = openApp(ctx, cfg, log); err != nil {
		return err
	}
	verifier, err := b.a.verifier(ctx)
	if err != nil {
		return err
	}
	b.ticksFrom = time.Now() // the heartbeat ticker starts in httpapi.New
	b.api, err = httpapi.New(httpapi.Config{
		Orchestrator:      b.a.orch,
		Bus:               b.a.bus,
		Verifier:          verifier,
		Tasks:             b.a.jobs,
		Counts:            b.a.store.CaseCountByStatus,
		Registry:          b.a.registry,
		RequestsPerMinute: cfg.RequestsPerMinute,
		StreamsPerUser:    cfg.StreamsPerUser,
		Heartbeat:         cfg.Heartbeat,
		StreamLifetime:    cfg.StreamLifetime,
		Logger:            log,
	})
	if err != nil {
		b.a.close()
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		b.api.Close()
		b.a.close()
		return err
	}
	b.addr = ln.Addr().String()
	b.srv = &http.Server{
		Handler:           b.api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	b.srv.RegisterOnShutdown(b.api.CloseStreams)
	go func() { _ = b.srv.Serve(ln) }()
	if err := b.a.startWorkers(ctx); err != nil {
		_ = b.stop()
		return err
	}
	b.client = &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: b.f.concurrency + 4},
	}
	now := time.Now()
	b.user = "bench-user"
	if b.token, err = auth.Mint(cfg.JWTSecret, b.user, triagem.RoleClient, time.Hour, now); err != nil {
		return err
	}
	b.admin, err = auth.Mint(cfg.JWTSecret, "bench-admin", triagem.RoleAdmin, time.Hour, now)
	return err
}

func (b *bench) stop() error {
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var errs []error
	if b.srv != nil {
		if err := b.srv.Shutdown(shutdownCtx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
	}
	if b.api != nil {
		_ = b.api.Close()
	}
	if b.a != nil {
		if err := b.a.stopWorkers(shutdownCtx); err != nil {
			errs = append(errs, err)
		}
		b.a.close()
	}
	if b.client != nil {
		b.client.CloseIdleConnections()
	}
	return errors.Join(errs...)
}

// ---- 1. idle streams -------------------------------------------------------

func (b *bench) idleStreams(ctx context.Context) error {
	caseID, _, err := b.startCase(ctx)
	if err != nil {
		return err
	}
	// Warm up: a few streams opened in process and held until the end, so
	// that one-off allocations (pools, lazily built tables, the adaptive
	// goroutine stack size) are in the baseline, not charged to streams.
	warm, err := b.warmUp(ctx, caseID, benchWarmStreams)
	defer closeAll(warm)
	if err != nil {
		return fmt.Errorf("warm up: %w", err)
	}
	if _, err := b.waitOpenStreams(ctx, benchWarmStreams, 10*time.Second); err != nil {
		return err
	}
	before := takeMemSnapshot()
	cpuNone := idleCPU(ctx, b.f.idle)

	exe := b.f.clientExe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("find own executable for the client process: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "-client", "-client-addr", b.addr, "-client-case", caseID,
		"-streams", strconv.Itoa(b.f.streams))
	cmd.Env = append(os.Environ(), benchTokenEnv+"="+b.token)
	cmd.Stderr = b.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdoutPipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start client process: %w", err)
	}
	childDone := false
	defer func() {
		if !childDone {
			_ = stdin.Close()
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	lines := bufio.NewScanner(stdoutPipe)
	if !lines.Scan() {
		return fmt.Errorf("client process ended before its streams were open: %v", cmd.Wait())
	}
	if line := lines.Text(); line != "ready "+strconv.Itoa(b.f.streams) {
		return fmt.Errorf("client process: %s", line)
	}
	opened := time.Since(began)
	open, err := b.waitOpenStreams(ctx, benchWarmStreams+b.f.streams, 10*time.Second)
	if err != nil {
		return err
	}
	after := takeMemSnapshot()
	if b.f.profileDir != "" {
		if err := writeProfiles(b.f.profileDir); err != nil {
			return err
		}
	}
	// Between heartbeats, then across one (the window centred on it).
	cpuStreams := idleCPU(ctx, b.f.idle)
	tickWindow := min(b.f.idle, benchSlice)
	if err := b.sleepUntil(ctx, b.nextTick(time.Now().Add(tickWindow/2)).Add(-tickWindow/2)); err != nil {
		return err
	}
	cpuTick := idleCPU(ctx, tickWindow)
	// Take the memory again after the CPU window: streams that grew (or a
	// heartbeat's buffers) would show here.
	later := takeMemSnapshot()

	// The client leaves: its connections end with a RST (SO_LINGER 0), as
	// a vanished client's would. A taken-over stream has no reader, so the
	// server notices at its next write: the next heartbeat.
	_ = stdin.Close()
	childErr := cmd.Wait()
	childDone = true
	left := time.Now()
	if childErr != nil {
		return fmt.Errorf("client process: %w", childErr)
	}
	stillOpen, releaseErr := b.waitOpenStreams(ctx, benchWarmStreams, b.f.heartbeat+5*time.Second)
	releasedIn := time.Since(left)
	released := takeMemSnapshot()

	n := float64(b.f.streams)
	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / n }
	perStream := per(after.heapInuse+after.stackInuse, before.heapInuse+before.stackInuse)
	verdict := "within"
	if perStream > 16<<10 {
		verdict = "OVER"
	}
	b.printf("\n1. idle streams (server side only: the clients run in a child process, %s)\n", filepath.Base(exe))
	b.printf("  %-44s %d (server counts %d open), opened in %s\n", "streams", b.f.streams, open, opened.Round(time.Millisecond))
	b.printf("  %-44s %s  (%s the 16 KiB budget; HeapInuse+StackInuse, after-before / streams)\n", "memory per idle stream", fmtBytes(perStream), verdict)
	b.printf("  %-44s %s\n", "  live heap objects per stream", fmtBytes(per(after.heapObjects, before.heapObjects)))
	b.printf("  %-44s %s\n", "  heap fragmentation per stream", fmtBytes(per(after.heapInuse-after.heapObjects, before.heapInuse-before.heapObjects)))
	b.printf("  %-44s %s\n", "  goroutine stacks per stream", fmtBytes(per(after.stackInuse, before.stackInuse)))
	b.printf("  %-44s %s  (all Go runtime memory in use, incl. metadata)\n", "  runtime total per stream", fmtBytes(per(after.runtimeTotal, before.runtimeTotal)))
	if before.rss > 0 {
		b.printf("  %-44s %s  (resident set size; kernel socket buffers are not in it)\n", "  RSS per stream", fmtBytes(per(after.rss, before.rss)))
	}
	b.printf("  %-44s %.3f  (%d → %d)\n", "goroutines per stream", float64(after.goroutines-before.goroutines)/n, before.goroutines, after.goroutines)
	b.printf("  %-44s %s  (same measure after the %s CPU window)\n", "memory per idle stream, later", fmtBytes(per(later.heapInuse+later.stackInuse, before.heapInuse+before.stackInuse)), b.f.idle)
	if releaseErr != nil {
		b.printf("  %-44s not within %s: %d streams still open\n", "released after the clients left", releasedIn.Round(time.Millisecond), stillOpen-benchWarmStreams)
	} else {
		b.printf("  %-44s %s  (noticed at the next heartbeat write; heartbeat %s)\n", "released after the clients left", releasedIn.Round(time.Millisecond), b.f.heartbeat)
		b.printf("  %-44s %s  (still held after release, per stream: heap objects %s, stacks %s)\n", "memory not returned after close",
			fmtBytes(per(released.heapInuse+released.stackInuse, before.heapInuse+before.stackInuse)),
			fmtBytes(per(released.heapObjects, before.heapObjects)), fmtBytes(per(released.stackInuse, before.stackInuse)))
	}
	between := cpuStreams.cpu - time.Duration(float64(cpuNone.perSecond())*cpuStreams.wall.Seconds())
	round := cpuTick.cpu - time.Duration(float64(cpuStreams.perSecond())*cpuTick.wall.Seconds())
	b.printf("  %-44s %s\n", "CPU idle, no streams", cpuNone)
	b.printf("  %-44s %s\n", "CPU idle, streams, between heartbeats", cpuStreams)
	b.printf("  %-44s %s\n", "CPU idle, streams, heartbeat in mid-window", cpuTick)
	b.printf("  %-44s %s per stream per second (vs. no streams; ≤0 is within the background's noise)\n", "CPU of idle streams between heartbeats",
		fmtDuration(time.Duration(float64(between)/n/cpuStreams.wall.Seconds())))
	between = max(between, 0)
	b.printf("  %-44s %s ±%s for %d streams = %s per stream per heartbeat\n", "CPU of one heartbeat round",
		fmtDuration(round), fmtDuration(cpuStreams.noise), b.f.streams, fmtDuration(time.Duration(float64(round)/n)))
	b.printf("  %-44s %s per stream per second (heartbeat every %s)\n", "CPU of idle streams on average",
		fmtDuration(time.Duration((float64(between)/cpuStreams.wall.Seconds()+float64(round)/b.f.heartbeat.Seconds())/n)), b.f.heartbeat)
	if b.f.profileDir != "" {
		heap := filepath.Join(b.f.profileDir, "heap.pprof")
		b.printf("  %-44s %s (go tool pprof -sample_index=inuse_space -top %s), goroutines.txt\n", "profiles", heap, heap)
	}
	return nil
}

// benchWarmStreams are opened in process before the baseline and held.
const benchWarmStreams = 16

// warmUp opens n streams in process and returns them.
func (b *bench) warmUp(ctx context.Context, caseID string, n int) ([]net.Conn, error) {
	var conns []net.Conn
	for range n {
		c, _, err := dialStream(ctx, b.addr, caseID, b.token)
		if err != nil {
			return conns, err
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// closeAll closes conns with a RST (SO_LINGER 0), like a client that vanished.
func closeAll(conns []net.Conn) {
	for _, c := range conns {
		if c == nil {
			continue
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = c.Close()
	}
}

// nextTick is the first heartbeat after t.
func (b *bench) nextTick(t time.Time) time.Time {
	k := t.Sub(b.ticksFrom)/b.f.heartbeat + 1
	return b.ticksFrom.Add(k * b.f.heartbeat)
}

func (b *bench) sleepUntil(ctx context.Context, t time.Time) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(t)):
		return nil
	}
}

// waitOpenStreams waits until the server counts want open streams (at most
// for limit) and returns its count.
func (b *bench) waitOpenStreams(ctx context.Context, want int, limit time.Duration) (int, error) {
	deadline := time.Now().Add(limit)
	for {
		var st struct {
			OpenStreams int `json:"open_streams"`
		}
		if err := b.call(ctx, http.MethodGet, "/api/v2/triage/stats", b.admin, nil, &st); err != nil {
			return 0, err
		}
		if st.OpenStreams == want {
			return st.OpenStreams, nil
		}
		if time.Now().After(deadline) {
			return st.OpenStreams, fmt.Errorf("server counts %d open streams, want %d", st.OpenStreams, want)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// runBenchClient is the child process: it opens the streams with raw
// connections, reads each response head, reports "ready N" and holds them
// until its stdin closes.
func runBenchClient(ctx context.Context, f benchFlags, stdin io.Reader, stdout io.Writer) error {
	token := os.Getenv(benchTokenEnv)
	if f.clientAddr == "" || f.clientCase == "" || token == "" {
		return errors.New("bench -client needs -client-addr, -client-case and " + benchTokenEnv)
	}
	if _, err := raiseOpenFileLimit(uint64(f.streams + 64)); err != nil {
		fmt.Fprintf(stdout, "error: %v\n", err)
		return err
	}
	conns := make([]net.Conn, f.streams)
	defer closeAll(conns)
	var next atomic.Int64
	errs := make(chan error, 32)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(conns) {
					return
				}
				c, _, err := dialStream(ctx, f.clientAddr, f.clientCase, token)
				if err != nil {
					errs <- fmt.Errorf("stream %d: %w", i, err)
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		fmt.Fprintf(stdout, "error: %v\n", err)
		return err
	}
	fmt.Fprintf(stdout, "ready %d\n", len(conns))
	// Hold the streams until the parent closes stdin (or goes away).
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

// dialStream opens a stream on a raw connection and reads its response head
// (and whatever came with it), so that the client side stays small. It
// returns the connection and a reader positioned after the head.
func dialStream(ctx context.Context, addr, caseID, token string) (net.Conn, *bufio.Reader, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET /api/v2/triage/stream/" + caseID + " HTTP/1.1\r\nHost: " + addr +
		"\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		c.Close()
		return nil, nil, err
	}
	br := bufio.NewReaderSize(c, 1024)
	status, err := br.ReadString('\n')
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("read status: %w", err)
	}
	if !strings.HasPrefix(status, "HTTP/1.1 200") {
		c.Close()
		return nil, nil, fmt.Errorf("status %q", strings.TrimSpace(status))
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			c.Close()
			return nil, nil, fmt.Errorf("read head: %w", err)
		}
		if line == "\r\n" {
			break
		}
	}
	_ = c.SetDeadline(time.Time{})
	return c, br, nil
}

// memSnapshot is the process's memory after two GCs and a scavenge.
type memSnapshot struct {
	heapInuse, stackInuse uint64 // MemStats
	heapObjects           uint64 // live heap objects
	runtimeTotal          uint64 // every byte the runtime holds, less free and released heap
	rss                   uint64
	goroutines            int
}

func takeMemSnapshot() memSnapshot {
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
	return memSnapshot{
		heapInuse:    ms.HeapInuse,
		stackInuse:   ms.StackInuse,
		heapObjects:  u(3),
		runtimeTotal: u(0) - u(1) - u(2),
		rss:          readRSS(),
		goroutines:   int(u(4)),
	}
}

// readRSS is the resident set size from /proc (0 where there is none).
func readRSS() uint64 {
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

// writeProfiles writes the heap profile (in-use bytes by allocation site)
// and the goroutines grouped by stack into dir.
func writeProfiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, p := range []struct {
		name, file string
		debug      int
	}{{"heap", "heap.pprof", 0}, {"goroutine", "goroutines.txt", 1}} {
		f, err := os.Create(filepath.Join(dir, p.file))
		if err != nil {
			return err
		}
		if err := pprof.Lookup(p.name).WriteTo(f, p.debug); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// cpuUse is the process's CPU time (user+system) over a wall-clock window.
type cpuUse struct {
	cpu, wall time.Duration
	// noise is the standard deviation of the CPU time of the window's
	// benchSlice-long slices: the background's jitter (workers polling).
	noise time.Duration
}

// benchSlice is the length of the slices a CPU window is cut into, and of
// the window centred on a heartbeat.
const benchSlice = 500 * time.Millisecond

func (c cpuUse) perSecond() time.Duration {
	if c.wall <= 0 {
		return 0
	}
	return time.Duration(float64(c.cpu) / c.wall.Seconds())
}

func (c cpuUse) String() string {
	return fmt.Sprintf("%s CPU in %s = %s/s (%.2f%% of one core, whole process incl. workers' polling; ±%s per %s)",
		fmtDuration(c.cpu), c.wall.Round(time.Millisecond), fmtDuration(c.perSecond()), 100*c.cpu.Seconds()/c.wall.Seconds(),
		fmtDuration(c.noise), benchSlice)
}

// idleCPU measures the process's CPU time (getrusage) over window, in
// benchSlice slices.
func idleCPU(ctx context.Context, window time.Duration) cpuUse {
	start, began := processCPU(), time.Now()
	var slices []float64
	last := start
	for time.Since(began) < window && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(min(benchSlice, window-time.Since(began))):
		}
		now := processCPU()
		slices = append(slices, float64(now-last))
		last = now
	}
	use := cpuUse{cpu: last - start, wall: time.Since(began)}
	if len(slices) > 1 {
		var mean, sq float64
		for _, v := range slices {
			mean += v
		}
		mean /= float64(len(slices))
		for _, v := range slices {
			sq += (v - mean) * (v - mean)
		}
		use.noise = time.Duration(math.Sqrt(sq / float64(len(slices)-1)))
	}
	return use
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// raiseOpenFileLimit lifts the soft RLIMIT_NOFILE towards need (at most to
// the hard limit) and says what it did.
func raiseOpenFileLimit(need uint64) (string, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return "", fmt.Errorf("read open-file limit: %w", err)
	}
	if lim.Cur >= need {
		return fmt.Sprintf("limit %d, %d needed: left as is", lim.Cur, need), nil
	}
	if lim.Max < need {
		return "", fmt.Errorf("bench needs about %d open files but the hard limit is %d: lower -streams or raise it (ulimit -Hn)", need, lim.Max)
	}
	old := lim.Cur
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return "", fmt.Errorf("raise open-file limit from %d to %d: %w", old, lim.Max, err)
	}
	return fmt.Sprintf("soft limit raised from %d to %d (setrlimit RLIMIT_NOFILE), %d needed", old, lim.Cur, need), nil
}

// ---- 2. publish → deliver latency -------------------------------------------

func (b *bench) latency(ctx context.Context) error {
	caseID, _, err := b.startCase(ctx)
	if err != nil {
		return err
	}
	m, k := b.f.subscribers, b.f.events
	base := time.Now()
	type result struct {
		lat      []time.Duration
		lastRecv time.Duration
		err      error
	}
	results := make([]result, m)
	conns := make([]net.Conn, m)
	defer closeAll(conns)
	var ready, done sync.WaitGroup
	for i := range m {
		c, br, err := dialStream(ctx, b.addr, caseID, b.token)
		if err != nil {
			return fmt.Errorf("stream %d: %w", i, err)
		}
		conns[i] = c
		ready.Add(1)
		done.Go(func() {
			r := &results[i]
			r.lat = make([]time.Duration, 0, k)
			gotInitial := false
			r.err = sse.ReadFrames(br, func(fr sse.Frame) error {
				switch fr.Event {
				case triagem.EventInitialState:
					if !gotInitial {
						gotInitial = true
						ready.Done()
					}
				case benchEvent:
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
			if !gotInitial {
				ready.Done()
			}
		})
	}
	ready.Wait()
	// Every client has its snapshot; publish at the configured rate.
	var interval time.Duration
	if b.f.eventRate > 0 {
		interval = time.Second / time.Duration(b.f.eventRate)
	}
	firstSent := time.Since(base)
	for i := range k {
		if interval > 0 {
			due := firstSent + time.Duration(i)*interval
			if wait := due - time.Since(base); wait > 0 {
				time.Sleep(wait)
			}
		}
		data := fmt.Appendf(nil, `{"i":%d,"sent_ns":%d}`, i, time.Since(base).Nanoseconds())
		if _, err := b.a.bus.Publish(ctx, caseID, benchEvent, data); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	published := time.Since(base) - firstSent
	// Wait for the clients, at most 10 s past the last publish.
	waited := make(chan struct{})
	go func() { done.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		for _, c := range conns {
			_ = c.Close()
		}
		<-waited
	case <-ctx.Done():
		for _, c := range conns {
			_ = c.Close()
		}
		<-waited
		return ctx.Err()
	}
	var all []time.Duration
	var lastRecv time.Duration
	short := 0
	for _, r := range results {
		all = append(all, r.lat...)
		lastRecv = max(lastRecv, r.lastRecv)
		if len(r.lat) < k {
			short++
		}
	}
	slices.Sort(all)
	b.printf("\n2. publish → deliver latency (%d SSE streams on one case, %d events via Bus.Publish, raw-socket clients in this process)\n", m, k)
	b.printf("  %-44s %d/%d (%d streams short)\n", "frames delivered", len(all), m*k, short)
	if len(all) > 0 {
		b.printf("  %-44s %s / %s / %s / %s\n", "latency p50 / p90 / p99 / max",
			fmtDuration(percentile(all, 50)), fmtDuration(percentile(all, 90)), fmtDuration(percentile(all, 99)), fmtDuration(all[len(all)-1]))
	}
	rate := "as fast as possible"
	if b.f.eventRate > 0 {
		rate = fmt.Sprintf("target %d/s", b.f.eventRate)
	}
	b.printf("  %-44s %.0f events/s (%s)\n", "publish rate", float64(k)/published.Seconds(), rate)
	if span := lastRecv - firstSent; span > 0 {
		b.printf("  %-44s %.0f frames/s (first publish → last frame)\n", "delivery rate", float64(len(all))/span.Seconds())
	}
	return nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

// ---- 3. analysis throughput ---------------------------------------------------

// benchConversation is a flight-delay complaint; its last line repeats until
// the interviewer is done.
var benchConversation = []string{
	"Meu voo da Azul atrasou 10 horas em 12/03/2024 em São Paulo e perdi uma reunião.",
	"Tenho o cartão de embarque e os e-mails da companhia.",
	"Gastei R$ 850,00 com hotel.",
	"Já reclamei no site e não responderam.",
	"Não tenho mais detalhes.",
}

const benchMaxTurns = 20

func benchLine(i int) string { return benchConversation[min(i, len(benchConversation)-1)] }

func (b *bench) throughput(ctx context.Context) error {
	// A probe case learns how many turns the interview takes and warms the
	// job path up.
	probe, _, err := b.startCase(ctx)
	if err != nil {
		return err
	}
	turns := 0
	for turns < benchMaxTurns {
		status, err := b.say(ctx, probe, benchLine(turns))
		if err != nil {
			return err
		}
		turns++
		if status != string(triagem.StatusInterviewing) {
			break
		}
	}
	if turns == benchMaxTurns {
		return fmt.Errorf("interview not complete after %d turns", turns)
	}
	if err := b.waitStatus(ctx, probe, triagem.StatusCompleted); err != nil {
		return fmt.Errorf("probe case: %w", err)
	}

	// Bring every case to its last turn, subscribed to its events.
	type item struct {
		id        string
		sub       triagem.Subscription
		sent      time.Duration
		completed time.Duration
		failed    string
	}
	items := make([]*item, b.f.cases)
	defer func() {
		for _, it := range items {
			if it != nil && it.sub != nil {
				it.sub.Close()
			}
		}
	}()
	err = b.parallel(ctx, len(items), func(i int) error {
		id, last, err := b.startCase(ctx)
		if err != nil {
			return err
		}
		it := &item{id: id}
		items[i] = it
		if it.sub, err = b.a.bus.Subscribe(ctx, id, last); err != nil {
			return err
		}
		for t := range turns - 1 {
			if _, err := b.say(ctx, id, benchLine(t)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	base := time.Now()
	var collect sync.WaitGroup
	for _, it := range items {
		collect.Go(func() {
			for ev := range it.sub.Events() {
				switch ev.Name {
				case triagem.EventTriageCompleted:
					it.completed = time.Since(base)
					return
				case triagem.EventTriageFailed:
					it.failed = string(ev.Data)
					return
				}
			}
			it.failed = fmt.Sprintf("subscription ended: %v", it.sub.Err())
		})
	}
	err = b.parallel(ctx, len(items), func(i int) error {
		it := items[i]
		for t := turns - 1; t < benchMaxTurns; t++ {
			sent := time.Since(base)
			status, err := b.say(ctx, it.id, benchLine(t))
			if err != nil {
				return err
			}
			if status != string(triagem.StatusInterviewing) {
				it.sent = sent
				return nil
			}
		}
		return fmt.Errorf("case %s: interview not complete", it.id)
	})
	if err != nil {
		return err
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

	var lat []time.Duration
	var first, last time.Duration = -1, 0
	failed := 0
	for _, it := range items {
		if it.completed == 0 {
			failed++
			continue
		}
		lat = append(lat, it.completed-it.sent)
		if first < 0 || it.sent < first {
			first = it.sent
		}
		last = max(last, it.completed)
	}
	slices.Sort(lat)
	b.printf("\n3. analysis throughput (SQLite + River, %d cases of %d turns, final /continue → triage_completed, %d API clients)\n", len(items), turns, b.f.concurrency)
	b.printf("  %-44s %d/%d\n", "cases completed", len(lat), len(items))
	if len(lat) > 0 {
		b.printf("  %-44s %.1f cases/s (%d cases in %s)\n", "throughput", float64(len(lat))/(last-first).Seconds(), len(lat), fmtDuration(last-first))
		b.printf("  %-44s %s / %s / %s\n", "per case p50 / p99 / max", fmtDuration(percentile(lat, 50)), fmtDuration(percentile(lat, 99)), fmtDuration(lat[len(lat)-1]))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d cases did not complete", failed, len(items))
	}
	return nil
}

// parallel runs fn(0..n-1) on -concurrency goroutines and returns the first error.
func (b *bench) parallel(ctx context.Context, n int, fn func(i int) error) error {
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(n, b.f.concurrency) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

func (b *bench) waitStatus(ctx context.Context, caseID string, want triagem.Status) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st struct {
			Status string `json:"status"`
		}
		if err := b.call(ctx, http.MethodGet, "/api/v2/triage/status/"+caseID, b.token, nil, &st); err != nil {
			return err
		}
		switch {
		case st.Status == string(want):
			return nil
		case st.Status == string(triagem.StatusFailed):
			return fmt.Errorf("case %s failed", caseID)
		case time.Now().After(deadline):
			return fmt.Errorf("case %s still %s", caseID, st.Status)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ---- API calls -----------------------------------------------------------------

// startCase opens a case as the bench user and returns its id and last event id.
func (b *bench) startCase(ctx context.Context) (string, int64, error) {
	var out struct {
		CaseID      string `json:"case_id"`
		LastEventID int64  `json:"last_event_id"`
	}
	if err := b.call(ctx, http.MethodPost, "/api/v2/triage/start", b.token, map[string]any{}, &out); err != nil {
		return "", 0, err
	}
	return out.CaseID, out.LastEventID, nil
}

// say sends one client message and returns the case's status.
func (b *bench) say(ctx context.Context, caseID, msg string) (string, error) {
	var out struct {
		Status string `json:"status"`
	}
	err := b.call(ctx, http.MethodPost, "/api/v2/triage/continue", b.token, map[string]any{"case_id": caseID, "message": msg}, &out)
	return out.Status, err
}

func (b *bench) call(ctx context.Context, method, path, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+b.addr+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(raw))
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// ---- formatting -------------------------------------------------------------------

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
