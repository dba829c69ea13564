package interview

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// The shipped corpus is valid: every line parses, every area has at least
// 25 descriptions, and every subarea is one of its area's.
func TestShippedCorpus(t *testing.T) {
	t.Parallel()
	exs, err := ShippedCorpus()
	require.NoError(t, err)
	perArea := map[triagem.Area]int{}
	for _, ex := range exs {
		perArea[ex.Area]++
		require.NotEmpty(t, ex.Messages, ex.ID)
		require.True(t, ex.Subarea == "" || ex.Area.Has(ex.Subarea), ex.ID)
	}
	for _, a := range triagem.Areas() {
		require.GreaterOrEqual(t, perArea[a], 25, a)
	}
}

func TestReadExamplesAcceptsTextAndDisplayNames(t *testing.T) {
	t.Parallel()
	exs, err := ReadExamples(strings.NewReader(`{"id":"a","area":"Família","subarea":"alimentos","text":"ele não paga a pensão"}

{"id":"b","group":"g","area":"penal","messages":["fui preso","ontem"],"urgency_h":12,"complexity":"high"}
`))
	require.NoError(t, err)
	require.Len(t, exs, 2)
	require.Equal(t, Example{ID: "a", Group: "a", Area: triagem.AreaFamilia, Subarea: "alimentos", Messages: []string{"ele não paga a pensão"}}, exs[0])
	require.Equal(t, triagem.AreaCriminal, exs[1].Area)
	require.Equal(t, "g", exs[1].Group)
	require.Equal(t, 12, exs[1].UrgencyH)
	require.Equal(t, triagem.ComplexityHigh, exs[1].Complexity)

	_, err = ReadExamples(strings.NewReader(`{"id":"x","area":"astrologia","text":"oi"}`))
	require.ErrorContains(t, err, "line 1")
}

// Fitting is deterministic: the same examples give the same model, to the
// byte.
func TestFitIsDeterministic(t *testing.T) {
	t.Parallel()
	exs, err := ShippedCorpus()
	require.NoError(t, err)
	exs = exs[:200]
	a, err := encodeModel(modelHeader{}, fitModel(exs))
	require.NoError(t, err)
	b, err := encodeModel(modelHeader{}, fitModel(exs))
	require.NoError(t, err)
	require.True(t, bytes.Equal(a, b), "two fits of the same examples differ")
}

func TestStemJoinsInflections(t *testing.T) {
	t.Parallel()
	for _, group := range [][]string{
		{"demitido", "demitida", "demitidos"},
		{"aposentado", "aposentada"},
		{"cobranca", "cobrancas"},
	} {
		for _, w := range group[1:] {
			require.Equal(t, stem(group[0]), stem(w), w)
		}
	}
	require.Equal(t, "voo", stem("voo"), "short words stay")
}

// BenchmarkEstimateArea is the model's share of a turn: the whole
// ten-message conversation re-read.
func BenchmarkEstimateArea(b *testing.B) {
	client := benchConversation
	m := defaultModel()
	b.ReportAllocs()
	for b.Loop() {
		m.estimateArea(client)
	}
}

// BenchmarkFitModel is what go generate (and every fold of triagem eval
// -cv) costs: fitting the model from the whole embedded corpus.
func BenchmarkFitModel(b *testing.B) {
	exs, err := ShippedCorpus()
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		fitModel(exs)
	}
}
