package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEvalCommand(t *testing.T) {
	t.Parallel()
	file := "../../interview/eval/testdata/tiny.jsonl"
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"eval", file}, &out, &errOut))
	require.Contains(t, out.String(), "area:")
	require.Contains(t, out.String(), "macro-F1")

	out.Reset()
	require.NoError(t, run(context.Background(), []string{"eval", "-json", "-cv", "2", file}, &out, &errOut))
	var rep map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	require.EqualValues(t, 2, rep["folds"])

	require.Error(t, run(context.Background(), []string{"eval"}, &out, &errOut))
	require.Error(t, run(context.Background(), []string{"eval", "no-such-file.jsonl"}, &out, &errOut))
}
