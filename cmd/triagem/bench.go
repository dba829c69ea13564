package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/internal/bench"
)

// benchFlags are the knobs of `triagem bench` beyond bench.Config's.
type benchFlags struct {
	heartbeat        time.Duration
	subscriberBuffer int
	clientExe        string
	timeout          time.Duration
	logLevel         string
	json             bool
}

// runBench measures serve's application, started in this process on a temp
// SQLite file (see the bench package for what it measures). `bench -client`
// is the child process that holds the idle streams' client side.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "-client" {
		return bench.RunClient(ctx, args[1:], os.Stdin, stdout, stderr)
	}
	cfg, f, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	exe := f.clientExe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("find own executable for the client process: %w", err)
		}
	}
	cfg.ClientCommand = []string{exe, "bench", "-client"}
	cfg.Stderr = stderr
	cfg.Start = benchService(f, cfg.Streams+cfg.Subscribers, stderr)
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	report, err := bench.Run(ctx, cfg)
	if report != nil {
		if werr := writeBenchReport(stdout, report, f.json); err == nil {
			err = werr
		}
	}
	return err
}

func parseBench(args []string, stderr io.Writer) (bench.Config, benchFlags, error) {
	var c bench.Config
	var f benchFlags
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.Streams, "streams", bench.StreamsDefault, "idle streams to open for the memory and CPU measurement")
	fs.IntVar(&c.Subscribers, "subscribers", bench.SubscribersDefault, "streams on one case for the latency measurement")
	fs.IntVar(&c.Events, "events", bench.EventsDefault, "events published for the latency measurement")
	fs.IntVar(&c.EventRate, "event-rate", bench.EventRateDefault, "events published per second (0: as fast as possible)")
	fs.IntVar(&c.Cases, "cases", bench.CasesDefault, "cases analysed for the throughput measurement (0 skips it)")
	fs.IntVar(&c.Concurrency, "concurrency", bench.ConcurrencyDefault, "concurrent API clients for the throughput measurement")
	fs.DurationVar(&c.Idle, "idle", bench.IdleDefault, "window over which idle CPU is measured (once without, once with the streams)")
	fs.StringVar(&c.ProfileDir, "profile-dir", "", "write heap.pprof (every allocation sampled) and goroutines.txt here while the idle streams are open")
	fs.DurationVar(&f.heartbeat, "heartbeat", httpapi.HeartbeatDefault, "stream heartbeat interval (the serve default)")
	fs.IntVar(&f.subscriberBuffer, "subscriber-buffer", 0, "what-if: bus subscriber buffer in events (0: the serve default, -stream-buffer)")
	fs.StringVar(&f.clientExe, "client-exe", "", "triagem binary that runs the idle streams' client side (default: this executable)")
	fs.DurationVar(&f.timeout, "timeout", 3*time.Minute, "give up after this long")
	fs.StringVar(&f.logLevel, "log-level", "warn", "server log level")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON (durations in ns, memory in bytes)")
	fs.VisitAll(func(fl *flag.Flag) { fl.Usage += " (" + envName(fl.Name) + ")" })
	if err := parse(fs, args); err != nil {
		return c, f, err
	}
	if fs.NArg() != 0 {
		return c, f, fmt.Errorf("bench takes no arguments, got %q", fs.Args())
	}
	return c, f, c.Validate()
}

func writeBenchReport(w io.Writer, r *bench.Report, asJSON bool) error {
	if !asJSON {
		return bench.WriteText(w, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// benchService starts what serve runs (openApp, serveOn) on a temp SQLite
// file and the memory bus, on 127.0.0.1:0, with workers, fresh HS256 tokens
// and room for streams streams per user.
func benchService(f benchFlags, streams int, stderr io.Writer) func(context.Context) (*bench.Target, error) {
	return func(ctx context.Context) (_ *bench.Target, err error) {
		cfg, err := benchServeConfig(f, streams)
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "triagem-bench")
		if err != nil {
			return nil, err
		}
		cfg.DatabaseURL = filepath.Join(dir, "bench.db")
		var stops []func() error
		stop := func() error {
			var errs []error
			for i := len(stops) - 1; i >= 0; i-- {
				errs = append(errs, stops[i]())
			}
			return errors.Join(errs...)
		}
		defer func() {
			if err != nil {
				_ = stop()
			}
		}()
		stops = append(stops, func() error { return os.RemoveAll(dir) })
		log, err := newLogger(stderr, "text", cfg.LogLevel)
		if err != nil {
			return nil, err
		}
		a, err := openApp(ctx, cfg, log)
		if err != nil {
			return nil, err
		}
		stops = append(stops, func() error { a.close(); return nil })
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return nil, err
		}
		serveCtx, cancel := context.WithCancel(ctx)
		served := make(chan error, 1)
		from := time.Now() // the heartbeat ticker starts in serveOn's httpapi.New
		go func() { served <- a.serveOn(serveCtx, ln) }()
		stops = append(stops, func() error { cancel(); return <-served })
		t := &bench.Target{Addr: ln.Addr().String(), Bus: a.bus, Heartbeat: cfg.Heartbeat, HeartbeatsFrom: from, Stop: stop,
			Setup: fmt.Sprintf("SQLite (temp file), in-process bus (subscriber buffer %d events), workers on, HS256 tokens, heartbeat %s; serve's wiring", cfg.StreamBuffer, cfg.Heartbeat)}
		now := time.Now()
		if t.ClientToken, err = auth.Mint(cfg.JWTSecret, "bench-user", triagem.RoleClient, time.Hour, now); err != nil {
			return nil, err
		}
		if t.AdminToken, err = auth.Mint(cfg.JWTSecret, "bench-admin", triagem.RoleAdmin, time.Hour, now); err != nil {
			return nil, err
		}
		return t, nil
	}
}

// benchServeConfig is serve's default configuration (no environment) with
// what the bench needs: a fresh secret, loopback, no limit on requests.
func benchServeConfig(f benchFlags, streams int) (Config, error) {
	var cfg Config
	if err := cfg.flagSet("serve", true).Parse(nil); err != nil {
		return cfg, err
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	cfg.JWTSecret = hex.EncodeToString(secret)
	cfg.JWKSURL, cfg.RedisURL, cfg.WebhookURL = "", "", ""
	cfg.Addr = "127.0.0.1:0"
	cfg.RunWorkers = true
	cfg.RequestsPerMinute = -1 // one user opens thousands of streams
	cfg.StreamsPerUser = streams + 64
	cfg.Heartbeat = f.heartbeat
	cfg.LogLevel = f.logLevel
	if f.subscriberBuffer > 0 {
		cfg.StreamBuffer = f.subscriberBuffer
	}
	return cfg, cfg.validate()
}
