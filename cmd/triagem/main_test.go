package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/auth"
)

// binary is the triagem command built once for the process tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "triagem-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "triagem")
	build := exec.Command("go", "build", "-tags", "triagemtest", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// process is a running triagem command.
type process struct {
	cmd    *exec.Cmd
	addr   string
	stderr *lockedBuffer
	done   chan error
}

// start runs `triagem args…` with env and, for serve, waits for /healthz.
func start(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	p := &process{stderr: &lockedBuffer{}, done: make(chan error, 1)}
	if args[0] == "serve" {
		p.addr = freeAddr(t)
		args = append(args, "-addr", p.addr)
	}
	p.cmd = exec.Command(binary, args...)
	// Tests poll; the rate limit has its own test in httpapi.
	p.cmd.Env = append(append(os.Environ(), "TRIAGEM_RATE_LIMIT=-1"), env...)
	p.cmd.Stderr = p.stderr
	p.cmd.Stdout = p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("%s output:\n%s", args[0], p.stderr.String())
		}
	})
	if p.addr != "" {
		waitHTTP(t, "http://"+p.addr+"/healthz", p)
	}
	return p
}

func (p *process) url(path string) string { return "http://" + p.addr + path }

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.done:
		p.done <- err
		require.NoError(t, err, "exit after SIGTERM: %s", p.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("no exit within 30s of SIGTERM")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func waitHTTP(t *testing.T, url string, p *process) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("process exited: %v\n%s", err, p.stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("%s not up: %s", url, p.stderr.String())
}

// api calls the JSON API with a token and decodes the answer.
func api(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil && len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode
}

// converse starts a case through base and runs a flight-delay conversation
// until the case is analysing; it returns the case id.
func converse(t *testing.T, base, token string) string {
	t.Helper()
	var started struct {
		CaseID string `json:"case_id"`
	}
	require.Equal(t, http.StatusCreated, api(t, http.MethodPost, base+"/api/v2/triage/start", token, map[string]any{}, &started))
	driveInterview(t, base, token, started.CaseID)
	return started.CaseID
}

// waitCompleted polls until the case is completed, failing if it fails or
// takes longer than limit.
func waitCompleted(t *testing.T, base, token, caseID string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var st struct {
			Status string `json:"status"`
		}
		api(t, http.MethodGet, base+"/api/v2/triage/status/"+caseID, token, nil, &st)
		if st.Status == "completed" {
			return
		}
		require.NotEqual(t, "failed", st.Status)
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("case %s not completed within %s", caseID, limit)
}

func TestServeEmbeddedDevMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := start(t, []string{"TRIAGEM_DATABASE_URL=" + filepath.Join(dir, "t.db"), "TRIAGEM_JWT_SECRET=", "TRIAGEM_JWKS_URL="}, "serve")

	token := devToken(t, "alice")
	caseID := converse(t, "http://"+p.addr, token)
	waitCompleted(t, "http://"+p.addr, token, caseID, 30*time.Second)

	var result map[string]any
	require.Equal(t, http.StatusOK, api(t, http.MethodGet, p.url("/api/v2/triage/result/"+caseID), token, nil, &result))
	require.Equal(t, "simple", result["strategy_used"])

	resp, err := http.Get(p.url("/readyz"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	p.stop(t)
	require.NotContains(t, p.stderr.String(), "Azul", "logs never carry message text")
	require.NotContains(t, p.stderr.String(), token, "logs never carry tokens")
}

func TestDevModeRefusesPublicAddress(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "serve", "-addr", "0.0.0.0:0", "-database-url", filepath.Join(t.TempDir(), "t.db"))
	cmd.Env = append(os.Environ(), "TRIAGEM_JWT_SECRET=", "TRIAGEM_JWKS_URL=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "loopback only")
}

func TestServeHelpListsEveryOption(t *testing.T) {
	t.Parallel()
	out, _ := exec.Command(binary, "serve", "-help").CombinedOutput()
	for _, env := range []string{"TRIAGEM_ADDR", "TRIAGEM_DATABASE_URL", "TRIAGEM_REDIS_URL", "TRIAGEM_JWT_SECRET",
		"TRIAGEM_JWKS_URL", "TRIAGEM_WEBHOOK_URL", "TRIAGEM_WEBHOOK_SECRET", "TRIAGEM_CASE_RETENTION", "TRIAGEM_LOG_FORMAT",
		"TRIAGEM_LLM_BASE_URL", "TRIAGEM_LLM_API_KEY", "TRIAGEM_LLM_MODELS", "TRIAGEM_PUBLIC_INTAKE",
		"TRIAGEM_TRUSTED_PROXIES", "TRIAGEM_SESSION_TTL", "TRIAGEM_SESSION_RATE_LIMIT", "TRIAGEM_FRAME_ANCESTORS"} {
		require.Contains(t, string(out), env)
	}
	require.Contains(t, string(out), "127.0.0.1:8080", "defaults are shown")
}

func TestMalformedEnvironmentIsAnError(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "TRIAGEM_HEARTBEAT=soon")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "TRIAGEM_HEARTBEAT")
}

func TestTokenIsAcceptedByTheDevVerifier(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "token", "--sub", "bob", "--role", "admin", "--ttl", "5m").Output()
	require.NoError(t, err)
	id, err := auth.NewHMAC(auth.DevSecret).Verify(context.Background(), strings.TrimSpace(string(out)))
	require.NoError(t, err)
	require.Equal(t, "bob", id.Subject)
	require.EqualValues(t, "admin", id.Role)
}

// devToken mints a dev-mode token with `triagem token`, as a user would.
func devToken(t *testing.T, sub string) string {
	t.Helper()
	out, err := exec.Command(binary, "token", "--sub", sub).Output()
	require.NoError(t, err)
	return strings.TrimSpace(string(out))
}

// lockedBuffer collects a process's output safely across goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRescueMustExceedTheJobTimeout: a rescue sooner than the timeout
// would run a live worker's job twice; serve refuses it in one line.
func TestRescueMustExceedTheJobTimeout(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "-rescue-after", "1s", "-job-timeout", "2m"}, &stdout, &stderr)
	require.EqualError(t, err, "rescue after 1s must exceed the job timeout 2m0s: a job still running is only presumed dead once its timeout has passed")
	require.NotContains(t, err.Error(), "\n")
}
