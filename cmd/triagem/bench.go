package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/triagem/triagem/httpapi"
	"github.com/triagem/triagem/internal/app"
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
	log, err := app.NewLogger(stderr, "text", f.logLevel)
	if err != nil {
		return err
	}
	cfg.Start = bench.Service{Heartbeat: f.heartbeat, SubscriberBuffer: f.subscriberBuffer, Streams: cfg.Streams + cfg.Subscribers, Logger: log}.Start
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	report, err := bench.Run(ctx, cfg)
	if report != nil {
		write := bench.WriteText
		if f.json {
			write = bench.WriteJSON
		}
		if werr := write(stdout, report); err == nil {
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
	c.RegisterFlags(fs)
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
