package interview

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The committed model.bin was fitted from the embedded corpus with the
// current fit settings. When this fails, refit: go generate ./interview/.
func TestShippedModelIsCurrent(t *testing.T) {
	t.Parallel()
	h, err := decodeModelHeader(shippedModelFile)
	require.NoError(t, err, "interview/%s is unreadable: run go generate ./interview/", modelFileName)
	corpus, err := corpusHash()
	require.NoError(t, err)
	require.Equal(t, hex.EncodeToString(corpus[:]), hex.EncodeToString(h.CorpusHash[:]),
		"interview/%s is stale: the corpus changed since it was fitted; run go generate ./interview/", modelFileName)
	params := fitParamsHash()
	require.Equal(t, hex.EncodeToString(params[:]), hex.EncodeToString(h.ParamsHash[:]),
		"interview/%s is stale: the fit or feature settings changed since it was fitted; run go generate ./interview/", modelFileName)
	exs, err := ShippedCorpus()
	require.NoError(t, err)
	require.Equal(t, len(exs), h.Examples)
}

// The shipped model is exactly what fitting the embedded corpus gives now:
// the same bytes, and the same reading of the corpus's descriptions. This
// catches a change to the fit that the parameters hash cannot see (the
// stemmer's code, say). Fitting takes seconds (more under -race), so -short
// skips it; TestShippedModelIsCurrent still runs.
func TestShippedModelMatchesFreshFit(t *testing.T) {
	if testing.Short() {
		t.Skip("fits the whole corpus")
	}
	t.Parallel()
	fitted, fresh, err := fitShippedModel()
	require.NoError(t, err)
	require.True(t, bytes.Equal(fresh, shippedModelFile),
		"interview/%s differs from a fresh fit of the embedded corpus: run go generate ./interview/", modelFileName)

	exs, err := ShippedCorpus()
	require.NoError(t, err)
	loaded := defaultModel()
	for i := 0; i < len(exs); i += 7 {
		msgs := exs[i].Messages
		require.Equal(t, fitted.estimateArea(msgs), loaded.estimateArea(msgs), exs[i].ID)
	}
}

// A model survives encoding: the decoded one has the same weights and
// reads every text the same, scores included.
func TestModelFileRoundTrip(t *testing.T) {
	t.Parallel()
	exs, err := ShippedCorpus()
	require.NoError(t, err)
	var sample []Example
	for i := 0; i < len(exs); i += 10 {
		sample = append(sample, exs[i])
	}
	fitted := fitModel(sample)
	h := modelHeader{Examples: len(sample), Features: len(fitted.area.index)}
	b, err := encodeModel(h, fitted)
	require.NoError(t, err)
	decoded, err := decodeModel(b)
	require.NoError(t, err)
	for _, pair := range [][2]*classifier{{fitted.area, decoded.area}, {fitted.subarea, decoded.subarea}} {
		require.Equal(t, pair[0].classes, pair[1].classes)
		require.Equal(t, pair[0].bias, pair[1].bias)
		require.Equal(t, pair[0].index, pair[1].index)
		require.Equal(t, pair[0].weights, pair[1].weights)
	}
	require.Equal(t, fitted.subareasOf, decoded.subareasOf)
	for i := 0; i < len(exs); i += 13 {
		require.Equal(t, fitted.estimateArea(exs[i].Messages), decoded.estimateArea(exs[i].Messages), exs[i].ID)
	}
	got, err := decodeModelHeader(b)
	require.NoError(t, err)
	require.Equal(t, h, got)
}

func TestDecodeModelRejectsMalformedFiles(t *testing.T) {
	t.Parallel()
	good := shippedModelFile
	wrongVersion := bytes.Clone(good)
	wrongVersion[len(modelMagic)]++
	for name, b := range map[string][]byte{
		"empty":         nil,
		"not a model":   []byte("{\"area\":\"civil\"}"),
		"wrong version": wrongVersion,
		"truncated":     good[:len(good)/2],
		"one short":     good[:len(good)-1],
		"trailing":      append(bytes.Clone(good), 0),
	} {
		_, err := decodeModel(b)
		require.ErrorIs(t, err, errModelFile, name)
	}
}

// The start-up cost of the model: decoding the embedded file (what the
// first New of a process does). BenchmarkLoadShippedModel measures it.
func TestLogShippedModelLoad(t *testing.T) {
	t.Parallel()
	start := time.Now()
	m, err := decodeModel(shippedModelFile)
	require.NoError(t, err)
	t.Logf("decoded %s (%d bytes, %d features) in %v", modelFileName, len(shippedModelFile), len(m.area.index), time.Since(start))
}

func BenchmarkLoadShippedModel(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeModel(shippedModelFile); err != nil {
			b.Fatal(err)
		}
	}
}
