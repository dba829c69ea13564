package sse_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/internal/sse"
)

func read(t *testing.T, stream string) []sse.Frame {
	t.Helper()
	var got []sse.Frame
	require.NoError(t, sse.ReadFrames(strings.NewReader(stream), func(f sse.Frame) error {
		got = append(got, f)
		return nil
	}))
	return got
}

func TestReadFrames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stream string
		want   []sse.Frame
	}{
		{"one event", "id: 7\nevent: triage_update\ndata: {}\n\n",
			[]sse.Frame{{ID: "7", HasID: true, Event: "triage_update", Data: "{}"}}},
		{"no name is a message", "data: x\n\n", []sse.Frame{{Event: "message", Data: "x"}}},
		{"data lines joined by LF", "data: a\ndata: b\n\n", []sse.Frame{{Event: "message", Data: "a\nb"}}},
		{"CRLF and CR line ends", "event: x\r\ndata: a\rdata: b\r\n\r\n", []sse.Frame{{Event: "x", Data: "a\nb"}}},
		{"comments ignored", ": ping\n\n: hi\ndata: x\n\n", []sse.Frame{{Event: "message", Data: "x"}}},
		{"no data, no event", "id: 3\nevent: x\n\n", nil},
		{"no space after colon", "data:x\nretry:5\n\n", []sse.Frame{{Event: "message", Data: "x", Retry: "5"}}},
		{"only one leading space dropped", "data:  x\n\n", []sse.Frame{{Event: "message", Data: " x"}}},
		{"empty id is an id", "id:\ndata: x\n\n", []sse.Frame{{HasID: true, Event: "message", Data: "x"}}},
		{"id with NUL ignored", "id: 1\x002\ndata: x\n\n", []sse.Frame{{Event: "message", Data: "x"}}},
		{"unknown field ignored", "foo: bar\ndata: x\n\n", []sse.Frame{{Event: "message", Data: "x"}}},
		{"unfinished event not dispatched", "data: x\n\ndata: y\n", []sse.Frame{{Event: "message", Data: "x"}}},
		{"fields reset between events", "id: 1\nevent: a\ndata: x\n\ndata: y\n\n",
			[]sse.Frame{{ID: "1", HasID: true, Event: "a", Data: "x"}, {Event: "message", Data: "y"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, read(t, tt.stream))
		})
	}
}

func TestReadFramesSplitReads(t *testing.T) {
	t.Parallel()
	// One byte at a time: a CR at the end of a read must wait for the next
	// byte to tell CR from CRLF.
	var got []sse.Frame
	stream := "id: 1\r\nevent: x\r\ndata: a\r\n\r\nid: 2\rdata: b\r\r"
	require.NoError(t, sse.ReadFrames(iotest.OneByteReader(strings.NewReader(stream)), func(f sse.Frame) error {
		got = append(got, f)
		return nil
	}))
	require.Equal(t, []sse.Frame{
		{ID: "1", HasID: true, Event: "x", Data: "a"},
		{ID: "2", HasID: true, Event: "message", Data: "b"},
	}, got)
}

func TestReadFramesStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	calls := 0
	err := sse.ReadFrames(strings.NewReader("data: 1\n\ndata: 2\n\n"), func(sse.Frame) error {
		calls++
		return stop
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, calls)
}

func TestReadFramesReaderError(t *testing.T) {
	t.Parallel()
	broken := errors.New("connection reset")
	err := sse.ReadFrames(iotest.ErrReader(broken), func(sse.Frame) error { return nil })
	require.ErrorIs(t, err, broken)
}

// FuzzReadFrames feeds arbitrary bytes to the parser: it never panics, and
// what it returns is what the stream held: every data value is made of the
// stream's data lines, and no event name or id carries a line end.
func FuzzReadFrames(f *testing.F) {
	f.Add([]byte("id: 7\nevent: triage_update\ndata: {}\n\n"))
	f.Add([]byte("data: a\r\ndata: b\r\r: c\n\n"))
	f.Add([]byte("id: \x00\ndata\n\nretry\ndata:\n\n"))
	f.Add([]byte("\r"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		err := sse.ReadFrames(bytes.NewReader(stream), func(fr sse.Frame) error {
			require.NotContains(t, fr.Event, "\n")
			require.NotContains(t, fr.Event, "\r")
			require.NotContains(t, fr.ID, "\n")
			require.NotContains(t, fr.ID, "\x00")
			require.NotContains(t, fr.Data, "\r")
			require.NotEmpty(t, fr.Event)
			for line := range strings.SplitSeq(fr.Data, "\n") {
				require.True(t, bytes.Contains(stream, []byte(line)), "data line %q not in the stream", line)
			}
			return nil
		})
		if err != nil {
			require.ErrorContains(t, err, "too long") // bufio.ErrTooLong: a line over 1 MiB
		}
	})
}
