package bus

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDecodeEvent(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 12, 9, 30, 0, 123456789, time.UTC)
	ev, err := decodeEvent("e\ncase-1\n42\nabcd\ntriage_update\n" + "1773307800123456789" + "\n{\"message\":\"a\\nb\",\n\"x\":1}")
	require.NoError(t, err)
	require.Equal(t, "case-1", ev.CaseID)
	require.Equal(t, int64(42), ev.Seq)
	require.Equal(t, "abcd", ev.Epoch)
	require.Equal(t, "triage_update", ev.Name)
	require.True(t, at.Equal(ev.At), "%s", ev.At)
	require.JSONEq(t, `{"message":"a\nb","x":1}`, string(ev.Data), "data may span lines")

	for _, bad := range []string{"", "d\ncase", "e\ncase\n1\nabcd", "e\ncase\nx\nabcd\nn\n1\n{}", "e\ncase\n1\nabcd\nn\nx\n{}"} {
		_, err := decodeEvent(bad)
		require.Error(t, err, "%q", bad)
	}
}
