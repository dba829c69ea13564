package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/internal/app"
	"github.com/triagem/triagem/internal/sse"
)

// runTail follows a case's stream, printing one line per event, and
// reconnects with Last-Event-ID after a dropped connection so that no event
// is missed or printed twice.
func runTail(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", cmp.Or(os.Getenv("TRIAGEM_URL"), "http://"+app.AddrDefault), "server base URL (TRIAGEM_URL)")
	token := fs.String("token", os.Getenv("TRIAGEM_TOKEN"), "bearer token (TRIAGEM_TOKEN)")
	sub := fs.String("sub", "", "dev mode: mint a token for this user instead of -token")
	from := fs.Int64("from", -1, "start after this event id (0: whole history; default: from now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: triagem tail [flags] CASE_ID")
	}
	if *token == "" && *sub != "" {
		t, err := auth.Mint(auth.DevSecret, *sub, "client", time.Hour, time.Now())
		if err != nil {
			return err
		}
		*token = t
	}
	f := &sse.Follower{URL: *base + "/api/v2/triage/stream/" + fs.Arg(0), Token: *token, FromSnapshot: true}
	if *from >= 0 {
		f.LastID = strconv.FormatInt(*from, 10)
	}
	f.OnDrop = func(err error) {
		fmt.Fprintf(stderr, "tail: stream ended (%v); reconnecting after id %q\n", err, f.LastID)
	}
	return f.Follow(ctx, func(fr sse.Frame) error {
		_, err := fmt.Fprintf(stdout, "%s\t%s\t%s\n", fr.ID, fr.Event, fr.Data)
		return err
	})
}
