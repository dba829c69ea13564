package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestTailResumesAfterDrops follows a case with `triagem tail` while the
// server ends every stream after about a second: tail reconnects with
// Last-Event-ID and prints every event once, in order.
func TestTailResumesAfterDrops(t *testing.T) {
	t.Parallel()
	env := []string{"TRIAGEM_DATABASE_URL=" + filepath.Join(t.TempDir(), "t.db"), "TRIAGEM_JWT_SECRET=", "TRIAGEM_JWKS_URL=",
		"TRIAGEM_STREAM_LIFETIME=1s", "TRIAGEM_HEARTBEAT=100ms"}
	p := start(t, env, "serve")
	token := devToken(t, "alice")
	var started struct {
		CaseID string `json:"case_id"`
	}
	require.Equal(t, http.StatusCreated, api(t, http.MethodPost, p.url("/api/v2/triage/start"), token, map[string]any{}, &started))

	tail := exec.Command(binary, "tail", "-url", "http://"+p.addr, "-token", token, "-from", "0", started.CaseID)
	tail.Env = os.Environ()
	stdout, err := tail.StdoutPipe()
	require.NoError(t, err)
	stderr := &lockedBuffer{}
	tail.Stderr = stderr
	require.NoError(t, tail.Start())
	t.Cleanup(func() { _ = tail.Process.Kill(); _ = tail.Wait() })
	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()

	// Talk slowly enough that the conversation spans several stream lifetimes.
	sent := make(chan error, 1)
	go func() {
		for _, msg := range []string{"Meu voo atrasou 10 horas em 12/03/2024.", "Tenho os e-mails.", "Gastei R$ 500,00.", "Reclamei no site."} {
			time.Sleep(700 * time.Millisecond)
			body := fmt.Sprintf(`{"case_id":%q,"message":%q}`, started.CaseID, msg)
			req, _ := http.NewRequest(http.MethodPost, p.url("/api/v2/triage/continue"), strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				sent <- err
				return
			}
			resp.Body.Close()
		}
		sent <- nil
	}()
	var ids []string
	deadline := time.After(60 * time.Second)
	for len(ids) < 5 {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "tail exited: %s", stderr.String())
			id, _, _ := strings.Cut(line, "\t")
			if id != "" {
				ids = append(ids, id)
			}
		case <-deadline:
			t.Fatalf("tail printed only %v; stderr: %s", ids, stderr.String())
		}
	}
	require.NoError(t, <-sent)
	for i, id := range ids {
		require.Equal(t, fmt.Sprint(i+1), id, "each event once, in order: %v", ids)
	}
	require.Contains(t, stderr.String(), "reconnecting", "the stream was dropped at least once")
}
