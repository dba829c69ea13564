package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/internal/sse"
	"github.com/triagem/triagem/internal/testenv"
)

// ownRedis runs a private redis-server for a test that restarts it.
type ownRedis struct {
	port string
}

func startOwnRedis(t *testing.T) *ownRedis {
	t.Helper()
	testenv.RedisURL(t) // the shared one must be up: same binary, same rules
	if _, err := exec.LookPath("redis-server"); err != nil {
		if testenv.InCI() {
			t.Fatal("redis-server not installed")
		}
		t.Skip("redis-server not installed")
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	r := &ownRedis{port: port}
	r.start(t)
	t.Cleanup(func() { r.shutdown() })
	return r
}

func (r *ownRedis) url() string { return "redis://127.0.0.1:" + r.port + "/0" }

func (r *ownRedis) start(t *testing.T) {
	t.Helper()
	out, err := exec.Command("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", r.port,
		"--save", "", "--appendonly", "no", "--dir", t.TempDir()).CombinedOutput()
	require.NoError(t, err, string(out))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if out, err := exec.Command("redis-cli", "-p", r.port, "ping").Output(); err == nil && strings.Contains(string(out), "PONG") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("own redis did not start")
}

func (r *ownRedis) shutdown() {
	_ = exec.Command("redis-cli", "-p", r.port, "shutdown", "nosave").Run()
}

func waitReady(t *testing.T, p *process, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(p.url("/readyz"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("/readyz never answered %d", want)
}

func scrapeMetrics(t *testing.T, p *process) string {
	t.Helper()
	resp, err := http.Get(p.url("/metrics"))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

// resumingClient records a stream read like EventSource: it reconnects
// after a drop with Last-Event-ID.
type resumingClient struct {
	mu     sync.Mutex
	frames []sse.Frame
}

func (c *resumingClient) run(ctx context.Context, url, token string) {
	f := &sse.Follower{URL: url, Token: token, Retry: 200 * time.Millisecond, RetryMax: 200 * time.Millisecond}
	_ = f.Follow(ctx, func(fr sse.Frame) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.frames = append(c.frames, fr)
		return nil
	})
}

func (c *resumingClient) names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, f := range c.frames {
		out = append(out, f.Event)
	}
	return out
}

func (c *resumingClient) waitFor(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, n := range c.names() {
			if n == name {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s on the stream: %v", name, c.names())
}

// TestRedisRestartMidStream restarts Redis under a live stream: the stream
// goes on, a client whose history was lost gets resync then the current
// state, no case data is lost, and /readyz goes not-ready and back.
func TestRedisRestartMidStream(t *testing.T) {
	t.Parallel()
	r := startOwnRedis(t)
	dbURL := pgSchema(t)
	env := []string{"TRIAGEM_DATABASE_URL=" + dbURL, "TRIAGEM_REDIS_URL=" + r.url(), "TRIAGEM_JWT_SECRET=" + distSecret, "TRIAGEM_JWKS_URL=",
		"TRIAGEM_HEARTBEAT=200ms"}
	runToEnd(t, env, "migrate")
	p := start(t, env, "serve")
	alice := mint(t, "alice", "client")
	var started struct {
		CaseID string `json:"case_id"`
	}
	require.Equal(t, http.StatusCreated, api(t, http.MethodPost, p.url("/api/v2/triage/start"), alice, map[string]any{}, &started))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &resumingClient{}
	go client.run(ctx, p.url("/api/v2/triage/stream/"+started.CaseID+"?last_event_id=0"), alice)
	say := func(msg string) string {
		var out struct {
			Status string `json:"status"`
		}
		require.Equal(t, http.StatusOK, api(t, http.MethodPost, p.url("/api/v2/triage/continue"), alice,
			map[string]any{"case_id": started.CaseID, "message": msg}, &out))
		return out.Status
	}
	say("Meu voo da Azul atrasou 10 horas em 12/03/2024 em São Paulo.")
	client.waitFor(t, "triage_update")

	r.shutdown()
	waitReady(t, p, http.StatusServiceUnavailable)
	require.Contains(t, scrapeMetrics(t, p), "triagem_redis_subscription_up 0")
	// The conversation goes on while Redis is down: the database has it.
	say("Tenho o cartão de embarque e os e-mails da companhia.")
	r.start(t)
	waitReady(t, p, http.StatusOK)
	require.Contains(t, scrapeMetrics(t, p), "triagem_redis_subscription_up 1")

	for _, msg := range []string{"Gastei R$ 850,00 com hotel.", "Já reclamei no site.", "Não sei.", "Nada mais.", "Só isso.", "Fim.", "Obrigado."} {
		if say(msg) != "interviewing" {
			break
		}
	}
	client.waitFor(t, "triage_completed")
	names := client.names()
	resync := -1
	for i, n := range names {
		if n == "resync" {
			resync = i
			break
		}
	}
	require.GreaterOrEqual(t, resync, 0, "history was lost: the client is told to resync: %v", names)
	require.Equal(t, "initial_state", names[resync+1], "resync is followed by the current state")

	var st struct {
		Status    string `json:"status"`
		Questions int    `json:"questions"`
	}
	api(t, http.MethodGet, p.url("/api/v2/triage/status/"+started.CaseID), alice, nil, &st)
	require.Equal(t, "completed", st.Status)
	require.GreaterOrEqual(t, st.Questions, 3, "every turn was kept")
}

// proxy forwards TCP to a target and can cut every connection, to make a
// database briefly unreachable without touching the shared server.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { _ = ln.Close(); p.cut() })
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
		go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// TestPostgresBrieflyUnreachable cuts the database away: requests answer 503
// problem+json, nothing half-written remains, and the service recovers.
func TestPostgresBrieflyUnreachable(t *testing.T) {
	t.Parallel()
	dbURL := pgSchema(t)
	px := startProxy(t, "127.0.0.1:5432")
	viaProxy := strings.Replace(dbURL, "127.0.0.1:5432", px.ln.Addr().String(), 1)
	env := []string{"TRIAGEM_DATABASE_URL=" + viaProxy, "TRIAGEM_JWT_SECRET=" + distSecret, "TRIAGEM_JWKS_URL="}
	runToEnd(t, env, "migrate")
	p := start(t, env, "serve")
	alice := mint(t, "alice", "client")
	var started struct {
		CaseID string `json:"case_id"`
	}
	require.Equal(t, http.StatusCreated, api(t, http.MethodPost, p.url("/api/v2/triage/start"), alice, map[string]any{}, &started))

	px.cut()
	var prob struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
	}
	code := api(t, http.MethodPost, p.url("/api/v2/triage/continue"), alice,
		map[string]any{"case_id": started.CaseID, "message": "Meu voo atrasou."}, &prob)
	require.Equal(t, http.StatusServiceUnavailable, code, "%+v", prob)
	require.Equal(t, "unavailable", prob.Code)
	waitReady(t, p, http.StatusServiceUnavailable)

	px.restore()
	waitReady(t, p, http.StatusOK)
	var st struct {
		Questions int    `json:"questions"`
		Status    string `json:"status"`
	}
	require.Equal(t, http.StatusOK, api(t, http.MethodGet, p.url("/api/v2/triage/status/"+started.CaseID), alice, nil, &st))
	require.Equal(t, 0, st.Questions, "the failed turn left nothing behind")
	var out struct {
		Status string `json:"status"`
	}
	require.Equal(t, http.StatusOK, api(t, http.MethodPost, p.url("/api/v2/triage/continue"), alice,
		map[string]any{"case_id": started.CaseID, "message": "Meu voo atrasou."}, &out))
	api(t, http.MethodGet, p.url("/api/v2/triage/status/"+started.CaseID), alice, nil, &st)
	require.Equal(t, 1, st.Questions)
}
