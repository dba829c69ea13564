package interview

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// labelled is one labelled description of the corpus.
type labelled struct {
	ID         string          `json:"id"`
	Area       triagem.Area    `json:"area"`
	Subarea    triagem.Subarea `json:"subarea"`
	Messages   []string        `json:"messages"`
	UrgencyH   int             `json:"urgency_h"`
	Complexity string          `json:"complexity"`
}

func readLabelled(t *testing.T) []labelled {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.jsonl"))
	require.NoError(t, err)
	var out []labelled
	for _, name := range files {
		f, err := os.Open(name)
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var ex labelled
			require.NoError(t, json.Unmarshal(sc.Bytes(), &ex), name)
			out = append(out, ex)
		}
		require.NoError(t, sc.Err())
		require.NoError(t, f.Close())
	}
	return out
}

// Floors of the rules measured on the corpus labels, each description read
// in its labelled area and subarea (the area model is measured apart, by
// `triagem eval`). The rules were written from legal reasoning, not fitted
// to these labels; the floors catch a regression.
const (
	urgencyWithin24hFloor = 0.85
	complexityFloor       = 0.65
)

func TestUrgencyAndComplexityRulesOnTheCorpus(t *testing.T) {
	t.Parallel()
	var urgencyN, urgencyOK, complexityN, complexityOK int
	for _, ex := range readLabelled(t) {
		if !ex.Area.Has(ex.Subarea) {
			continue
		}
		f := readFacts(ex.Messages)
		if ex.UrgencyH > 0 {
			urgencyN++
			if d := f.urgencyOf(ex.Area, ex.Subarea).hours - ex.UrgencyH; d >= -24 && d <= 24 {
				urgencyOK++
			}
		}
		if ex.Complexity != "" {
			complexityN++
			if level, _ := f.complexity(ex.Area, ex.Subarea); string(level) == ex.Complexity {
				complexityOK++
			}
		}
	}
	require.Positive(t, urgencyN)
	require.Positive(t, complexityN)
	t.Logf("urgency within 24 h of the label: %d/%d (%.0f%%); complexity: %d/%d (%.0f%%)",
		urgencyOK, urgencyN, 100*float64(urgencyOK)/float64(urgencyN), complexityOK, complexityN, 100*float64(complexityOK)/float64(complexityN))
	require.GreaterOrEqual(t, float64(urgencyOK)/float64(urgencyN), urgencyWithin24hFloor)
	require.GreaterOrEqual(t, float64(complexityOK)/float64(complexityN), complexityFloor)
}
