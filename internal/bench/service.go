package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/bus"
	"github.com/triagem/triagem/internal/app"
)

// Service is the application the benchmark starts: serve's, with every
// setting at its default but these.
type Service struct {
	Heartbeat time.Duration
	// SubscriberBuffer is the bus's per-stream buffer (0: serve's default).
	SubscriberBuffer int
	// Streams is how many streams the bench user must be allowed.
	Streams int
	Logger  *slog.Logger
}

// Start opens the application (app.Open) on a temp SQLite file and the
// memory bus with workers and fresh HS256 tokens, and serves it (App.Serve)
// on 127.0.0.1:0. It is Config.Start.
func (s Service) Start(ctx context.Context) (_ *Target, err error) {
	dir, err := os.MkdirTemp("", "triagem-bench")
	if err != nil {
		return nil, err
	}
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
	cfg := s.config(filepath.Join(dir, "bench.db"))
	from := time.Now() // the heartbeat ticker starts in Open's httpapi.New
	a, err := app.Open(ctx, cfg, s.Logger)
	if err != nil {
		return nil, err
	}
	stops = append(stops, a.Close)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	serveCtx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.Serve(serveCtx, ln) }()
	stops = append(stops, func() error { cancel(); return <-served })
	t := &Target{Addr: ln.Addr().String(), Bus: a.Bus(), Heartbeat: cfg.Heartbeat, HeartbeatsFrom: from, Stop: stop,
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

// config is serve's default configuration (zero fields take the packages'
// defaults, as serve's flags do) with what the bench needs: a fresh
// secret, loopback, workers, no limit on requests.
func (s Service) config(databaseURL string) app.Config {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	cfg := app.Config{
		Addr:              "127.0.0.1:0",
		DatabaseURL:       databaseURL,
		JWTSecret:         hex.EncodeToString(secret),
		RunWorkers:        true,
		RequestsPerMinute: -1, // one user opens thousands of streams
		StreamsPerUser:    s.Streams + 64,
		Heartbeat:         s.Heartbeat,
		StreamBuffer:      s.SubscriberBuffer,
	}
	if cfg.StreamBuffer == 0 {
		cfg.StreamBuffer = bus.SubscriberBufferDefault // for the Setup line
	}
	return cfg.WithDefaults()
}
