package bus

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func (m *Memory) caseCount() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n += len(sh.cases)
		sh.mu.Unlock()
	}
	return n
}

// TestMemoryReaperForgetsIdleCases: nobody touches the cases again, yet
// their memory is released.
func TestMemoryReaperForgetsIdleCases(t *testing.T) {
	t.Parallel()
	m := NewMemory(MemoryConfig{HistoryTTL: 50 * time.Millisecond, ReapInterval: 10 * time.Millisecond})
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	for _, caseID := range []string{"a", "b", "c"} {
		_, err := m.Publish(t.Context(), caseID, "triage_update", nil)
		require.NoError(t, err)
	}
	require.Equal(t, 3, m.caseCount())
	require.Eventually(t, func() bool { return m.caseCount() == 0 }, 30*time.Second, 10*time.Millisecond)
}

func TestMemoryHistoryKeepsHistorySize(t *testing.T) {
	t.Parallel()
	m := NewMemory(MemoryConfig{HistorySize: 3})
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	for range 10 {
		_, err := m.Publish(t.Context(), "a", "triage_update", nil)
		require.NoError(t, err)
	}
	h, err := m.readHistory(t.Context(), "a", 7)
	require.NoError(t, err)
	require.Equal(t, int64(10), h.Head)
	require.Len(t, h.Events, 3)
	require.Equal(t, int64(8), h.Events[0].Seq)
	h, err = m.readHistory(t.Context(), "a", 6)
	require.NoError(t, err)
	require.Empty(t, h.Events, "seq 7 is gone: nothing, so that the subscriber resyncs")
}
