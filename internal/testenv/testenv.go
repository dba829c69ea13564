// Package testenv finds the real Postgres and Redis that integration tests
// run against. A test that needs one and cannot reach it is skipped on a
// developer's machine, but fails under CI=true: CI must never pass by
// silently testing less.
package testenv

import (
	"context"
	"net"
	"net/url"
	"os"
	"testing"
	"time"
)

// Defaults match the services CI starts (see .ci/run).
const (
	PostgresURLDefault = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	RedisURLDefault    = "redis://127.0.0.1:6379/0"
)

// PostgresURL returns TRIAGEM_TEST_DATABASE_URL (or the default) once the
// server answers on its port.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	return require(tb, "TRIAGEM_TEST_DATABASE_URL", PostgresURLDefault, "5432")
}

// RedisURL returns TRIAGEM_TEST_REDIS_URL (or the default) once the server
// answers on its port.
func RedisURL(tb testing.TB) string {
	tb.Helper()
	return require(tb, "TRIAGEM_TEST_REDIS_URL", RedisURLDefault, "6379")
}

// InCI reports whether the tests run under CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

func require(tb testing.TB, env, fallback, defaultPort string) string {
	tb.Helper()
	raw := os.Getenv(env)
	if raw == "" {
		raw = fallback
	}
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatalf("%s=%q: %v", env, raw, err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), defaultPort)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", host)
	if err != nil {
		if InCI() {
			tb.Fatalf("integration service %s unreachable under CI=true (set %s): %v", host, env, err)
		}
		tb.Skipf("integration service %s unreachable (set %s to run): %v", host, env, err)
	}
	_ = conn.Close()
	return raw
}
