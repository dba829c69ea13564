package bench

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/triagem/triagem/internal/procstat"
)

// The child process protocol. The idle streams' client side runs in another
// process, so that its sockets and goroutines are not charged to the
// server: the parent starts Config.ClientCommand with -addr, -case and
// -streams (the token in ClientTokenEnv, never on a command line); the child
// opens the streams, prints "ready N" (or "error: …") and holds them until
// its stdin closes, then closes them with a RST.

// ClientTokenEnv carries the bearer token to the client child process.
const ClientTokenEnv = "TRIAGEM_BENCH_CLIENT_TOKEN"

// clientDialers is how many goroutines of the child open streams at once.
const clientDialers = 32

// clientArgs are the arguments the parent appends to Config.ClientCommand.
func clientArgs(addr, caseID string, streams int) []string {
	return []string{"-addr", addr, "-case", caseID, "-streams", strconv.Itoa(streams)}
}

// RunClient is the child process: args are what the parent appended to
// Config.ClientCommand.
func RunClient(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "server host:port")
	caseID := fs.String("case", "", "case whose stream to open")
	streams := fs.Int("streams", 0, "streams to open")
	if err := fs.Parse(args); err != nil {
		return err
	}
	token := os.Getenv(ClientTokenEnv)
	if *addr == "" || *caseID == "" || *streams < 1 || token == "" {
		return errors.New("bench client needs -addr, -case, -streams and " + ClientTokenEnv)
	}
	conns, err := openStreams(ctx, *addr, *caseID, token, *streams)
	defer closeAll(conns)
	if err != nil {
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

// openStreams opens n streams on clientDialers goroutines.
func openStreams(ctx context.Context, addr, caseID, token string, n int) ([]net.Conn, error) {
	if _, err := procstat.RaiseOpenFileLimit(uint64(n + 64)); err != nil {
		return nil, err
	}
	conns := make([]net.Conn, n)
	var next atomic.Int64
	errs := make(chan error, clientDialers)
	var wg sync.WaitGroup
	for range clientDialers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(conns) {
					return
				}
				c, _, err := dialStream(ctx, addr, caseID, token)
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
	return conns, <-errs
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
	br, err := readHead(c, addr, caseID, token)
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return c, br, nil
}

func readHead(c net.Conn, addr, caseID, token string) (*bufio.Reader, error) {
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET /api/v2/triage/stream/" + caseID + " HTTP/1.1\r\nHost: " + addr +
		"\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(c, 1024)
	status, err := br.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("read status: %w", err)
	}
	if !strings.HasPrefix(status, "HTTP/1.1 200") {
		return nil, fmt.Errorf("status %q", strings.TrimSpace(status))
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("read head: %w", err)
		}
		if line == "\r\n" {
			break
		}
	}
	_ = c.SetDeadline(time.Time{})
	return br, nil
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
