package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/triagem/triagem/internal/app"
)

// runServe runs `serve` (API, streams and, unless -workers=false, the
// workers) or, with serving false, `worker` (workers only).
func runServe(ctx context.Context, args []string, stderr io.Writer, serving bool) error {
	var cfg app.Config
	name := "worker"
	if serving {
		name = "serve"
	}
	fs := flagSet(&cfg, name, true)
	fs.SetOutput(stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if !serving {
		cfg.Addr, cfg.RunWorkers = "", true
	}
	cfg.Models = testModels()
	if err := cfg.Validate(); err != nil {
		return err
	}
	log, err := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if !serving {
		return a.Work(ctx)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return a.Serve(ctx, ln)
}

// runMigrate applies the store's and the job queue's migrations.
func runMigrate(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg app.Config
	fs := flagSet(&cfg, "migrate", false)
	fs.SetOutput(stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := app.NewLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	// Migrating needs neither workers nor Redis nor the API.
	cfg.Addr, cfg.RunWorkers, cfg.RedisURL = "", false, ""
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := a.Close(); err != nil {
		return err
	}
	log.Info("migrated")
	return nil
}
