package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/interview"
)

func readTiny(t *testing.T) []interview.Example {
	t.Helper()
	f, err := os.Open("testdata/tiny.jsonl")
	require.NoError(t, err)
	defer f.Close()
	exs, err := interview.ReadExamples(f)
	require.NoError(t, err)
	return exs
}

func TestEvaluateWithTheShippedModel(t *testing.T) {
	t.Parallel()
	rep, err := Evaluate(context.Background(), readTiny(t), 0)
	require.NoError(t, err)
	require.Equal(t, 0, rep.Folds)
	require.Equal(t, 4, rep.Examples)
	require.Equal(t, Score{Right: 4, Total: 4, Accuracy: 1}, rep.Area)
	require.Equal(t, 3, rep.Subarea.Total, "only labelled subareas count")
	require.Equal(t, 1, rep.Urgency.Total, "urgency_h 0 is not labelled")
	require.Equal(t, 1, rep.Complex.Total)
	require.InDelta(t, 1, rep.MacroF1, 1e-9)
	require.Len(t, rep.Confusion, len(triagem.Areas()))
	require.Empty(t, rep.Misses)

	var out bytes.Buffer
	require.NoError(t, Print(&out, rep))
	require.Contains(t, out.String(), "area:")
	require.Contains(t, out.String(), "100.0 %")
	require.Contains(t, out.String(), "confusion")

	b, err := json.Marshal(rep)
	require.NoError(t, err)
	require.Contains(t, string(b), `"area_macro_f1":1`)
}

// With cross-validation every example is scored by a model fitted without
// it; a tiny file has too few groups of each area to be read right, and
// the report says so honestly rather than fail.
func TestEvaluateCrossValidates(t *testing.T) {
	t.Parallel()
	rep, err := Evaluate(context.Background(), readTiny(t), 2)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Folds)
	require.Equal(t, 4, rep.Area.Total)
	total := 0
	for _, row := range rep.Confusion {
		for _, n := range row {
			total += n
		}
	}
	require.Equal(t, 4, total)
	require.Len(t, rep.Misses, 4-rep.Area.Right)
}

func TestEvaluateRejectsNothing(t *testing.T) {
	t.Parallel()
	_, err := Evaluate(context.Background(), nil, 0)
	require.Error(t, err)
}

func TestFoldsKeepAGroupTogether(t *testing.T) {
	t.Parallel()
	for _, g := range []string{"a", "trab-001", "x-y-z"} {
		require.Equal(t, foldOf(g, 10), foldOf(g, 10))
		require.Less(t, foldOf(g, 10), 10)
	}
}
