package procstat_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/internal/procstat"
)

func TestReadMemory(t *testing.T) {
	m := procstat.ReadMemory()
	require.NotZero(t, m.HeapInuse)
	require.NotZero(t, m.StackInuse)
	require.NotZero(t, m.HeapObjects)
	require.GreaterOrEqual(t, m.RuntimeTotal, m.HeapObjects)
	require.Positive(t, m.Goroutines)
	require.Equal(t, m.HeapInuse+m.StackInuse, m.HeapAndStack())
	if runtime.GOOS == "linux" {
		require.NotZero(t, m.RSS)
	}
}

func TestMeasureCPU(t *testing.T) {
	t.Parallel()
	c := procstat.MeasureCPU(context.Background(), 120*time.Millisecond, 40*time.Millisecond)
	require.GreaterOrEqual(t, c.Wall, 120*time.Millisecond)
	require.GreaterOrEqual(t, c.Time, time.Duration(0))
	require.Equal(t, 40*time.Millisecond, c.Slice)
	require.Zero(t, procstat.CPU{}.PerSecond())
	require.Equal(t, 500*time.Millisecond, procstat.CPU{Time: time.Second, Wall: 2 * time.Second}.PerSecond())
}

func TestMeasureCPUEndsWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := procstat.MeasureCPU(ctx, time.Hour, time.Minute)
	require.Less(t, c.Wall, time.Second)
}

func TestRaiseOpenFileLimit(t *testing.T) {
	t.Parallel()
	note, err := procstat.RaiseOpenFileLimit(16)
	require.NoError(t, err)
	require.Contains(t, note, "left as is")
	_, err = procstat.RaiseOpenFileLimit(1 << 62)
	require.ErrorContains(t, err, "hard limit")
}

func TestWriteProfiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "profiles")
	require.NoError(t, procstat.WriteProfiles(dir))
	for _, name := range []string{"heap.pprof", "goroutines.txt"} {
		st, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Positive(t, st.Size())
	}
}
