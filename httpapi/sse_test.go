package httpapi

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/internal/sse"
)

func TestAppendEventFraming(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, event, data string
		want                  string
	}{
		{"plain", "7", "complexity_update", `{"a":1}`, "id: 7\nevent: complexity_update\ndata: {\"a\":1}\n\n"},
		{"no id keeps client position", "", "initial_state", `{}`, "event: initial_state\ndata: {}\n\n"},
		{"multi-line data", "1", "x", "a\nb\r\nc\rd", "id: 1\nevent: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n"},
		{"newline in name cannot inject a field", "1", "x\ndata: evil", "{}", "id: 1\nevent: xdata: evil\ndata: {}\n\n"},
		{"newline in id", "1\n\nevent: y", "x", "{}", "id: 1event: y\nevent: x\ndata: {}\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := string(appendEvent(nil, tt.id, tt.event, []byte(tt.data)))
			require.Equal(t, tt.want, got)
		})
	}
}

// FuzzAppendEvent proves that nothing given to the encoder can break the
// framing: whatever the id, name and data, a conforming parser reads back
// exactly one event with the same fields (line ends normalised to \n,
// invalid UTF-8 and NUL replaced, CR/LF dropped from id and name).
func FuzzAppendEvent(f *testing.F) {
	f.Add("7", "triage_update", []byte(`{"case_id":"x","seq":7}`))
	f.Add("", "", []byte(""))
	f.Add("1\n", "a\r\nb", []byte("x\r\n\r\ny\rz\n"))
	f.Add("\x00", ":", []byte("\xff\xfe: not a comment\n: comment"))
	f.Add("id", "event: x", []byte("data: y\n\nid: 9\n"))
	f.Fuzz(func(t *testing.T, id, name string, data []byte) {
		frame := appendEvent(nil, id, name, data)
		require.True(t, utf8.Valid(frame), "frame must be UTF-8")
		var got []sse.Frame
		require.NoError(t, sse.ReadFrames(bytes.NewReader(frame), func(f sse.Frame) error {
			got = append(got, f)
			return nil
		}))
		require.Len(t, got, 1, "exactly one event per frame: %q", frame)
		wantName := clean(name)
		if wantName == "" {
			wantName = "message"
		}
		require.Equal(t, wantName, got[0].Event)
		require.Equal(t, clean(id), got[0].ID)
		wantData := strings.ToValidUTF8(string(data), "\uFFFD")
		wantData = strings.ReplaceAll(wantData, "\x00", "\uFFFD")
		wantData = strings.ReplaceAll(strings.ReplaceAll(wantData, "\r\n", "\n"), "\r", "\n")
		require.Equal(t, wantData, got[0].Data)
	})
}

func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return -1
		}
		return r
	}, s)
}
