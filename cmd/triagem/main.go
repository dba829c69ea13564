// Command triagem runs the legal-case triage service: serve (API, streams
// and workers), worker (background jobs only), migrate, token (dev tokens),
// tail (follow a case's events), bench and eval.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: triagem <command> [flags]

Commands:
  serve     run the API, the event streams and the background workers
  worker    run only the background workers (scaled-out deployments)
  migrate   apply database migrations and exit
  token     print a bearer token (dev mode, or with -secret)
  tail      print a case's events as they arrive, resuming after drops
  bench     measure idle stream memory, stream latency and analysis throughput
  eval      measure the built-in engine on labelled descriptions (JSON Lines)

Run 'triagem <command> -help' for a command's flags. Every flag -x-y can also
be set as the environment variable TRIAGEM_X_Y.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "triagem:", err)
		os.Exit(1)
	}
}

// run dispatches a subcommand; it returns when the command is done or ctx
// is cancelled (SIGINT/SIGTERM).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("a command is required")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stderr, true)
	case "worker":
		return runServe(ctx, args[1:], stderr, false)
	case "migrate":
		return runMigrate(ctx, args[1:], stderr)
	case "token":
		return runToken(args[1:], stdout, stderr)
	case "tail":
		return runTail(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
