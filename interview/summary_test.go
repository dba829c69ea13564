package interview

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// plainWords splits text into lower-case, accent-free words, independently
// of the engine's tokenizer.
func plainWords(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// requireSummaryShape checks what every summary must be: one sentence of at
// most 240 characters, ending in a full stop (never cut, never "…"), that
// repeats no run of 6 consecutive words of the client's messages.
func requireSummaryShape(t *testing.T, summary string, client []string) {
	t.Helper()
	require.LessOrEqual(t, utf8.RuneCountInString(summary), maxSummaryRunes, summary)
	require.True(t, strings.HasSuffix(summary, "."), summary)
	require.NotContains(t, summary, "…")
	require.Equal(t, 1, strings.Count(summary, ". ")+1, "one sentence: %s", summary)
	runs := map[string]bool{}
	for _, m := range client {
		w := plainWords(m)
		for i := 0; i+6 <= len(w); i++ {
			runs[strings.Join(w[i:i+6], " ")] = true
		}
	}
	w := plainWords(summary)
	for i := 0; i+6 <= len(w); i++ {
		require.False(t, runs[strings.Join(w[i:i+6], " ")], "summary repeats the client: %q in %q", strings.Join(w[i:i+6], " "), summary)
	}
}

func TestSummaryIsComposed(t *testing.T) {
	t.Parallel()
	d := extract("Fui demitido em 03/2024 pela Transportadora Rápida Sul e não recebi as verbas rescisórias, uns R$ 3.000")
	requireSummaryShape(t, d.Summary, []string{"Fui demitido em 03/2024 pela Transportadora Rápida Sul e não recebi as verbas rescisórias, uns R$ 3.000"})
	require.True(t, strings.HasPrefix(d.Summary, "Cliente relata"), d.Summary)
	require.Contains(t, d.Summary, "Trabalhista")
	require.Contains(t, d.Summary, "Transportadora Rápida Sul")
	require.Contains(t, d.Summary, "R$ 3.000")
	require.Contains(t, d.Summary, "03/2024")
}

func TestSummaryNeverEchoesTheClient(t *testing.T) {
	t.Parallel()
	// The client's own words would echo six in a row: the summary leaves
	// that part out rather than paste it.
	text := "O problema é com a Companhia Brasileira de Transportes Aéreos do Sul de Minas Gerais Limitada."
	f := readFacts([]string{text})
	s := f.summary("consumidor", "transporte_aereo")
	requireSummaryShape(t, s, []string{text})
}

func TestSummaryOfLongConversationsFits(t *testing.T) {
	t.Parallel()
	lines := []string{
		strings.Repeat("Meu vizinho do 302 faz barulho de madrugada toda noite. ", 30),
		"O síndico Roberto Albuquerque de Figueiredo Neto, a administradora Predial Horizonte Gestão de Condomínios e a Construtora Alvorada Empreendimentos foram avisados.",
		"Gastei R$ 12.500,00 com laudos, R$ 3.200 com advogado e mais 800 reais com um perito em 12/05/2024, 14/06/2024 e 20/07/2024.",
	}
	d := extract(lines...)
	requireSummaryShape(t, d.Summary, lines)
}

// corpusConversations reads the client messages of the labelled corpus:
// hundreds of conversations of every area, to check the summary's shape on.
func corpusConversations(t *testing.T) [][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.jsonl"))
	require.NoError(t, err)
	var out [][]string
	for _, name := range files {
		f, err := os.Open(name)
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var ex struct {
				Messages []string `json:"messages"`
			}
			require.NoError(t, json.Unmarshal(sc.Bytes(), &ex), name)
			out = append(out, ex.Messages)
		}
		require.NoError(t, sc.Err())
		require.NoError(t, f.Close())
	}
	return out
}

func TestSummaryShapeOverTheCorpus(t *testing.T) {
	t.Parallel()
	convs := corpusConversations(t)
	require.Greater(t, len(convs), 500)
	for _, msgs := range convs {
		d := extract(msgs...)
		requireSummaryShape(t, d.Summary, msgs)
		require.True(t, d.Area.Has(d.Subarea))
		require.GreaterOrEqual(t, len(d.NextSteps), minSteps)
		require.LessOrEqual(t, len(d.NextSteps), maxSteps)
		if level, factors := readFacts(msgs).complexity(d.Area, d.Subarea); level != "low" {
			require.NotEmpty(t, factors, "a %s case lists its factors", level)
		}
	}
}

func TestLowerFirst(t *testing.T) {
	t.Parallel()
	require.Equal(t, "demissão e verbas rescisórias", lowerFirst("Demissão e verbas rescisórias"))
	require.Equal(t, "CNH suspensa ou cassada", lowerFirst("CNH suspensa ou cassada"))
	require.Equal(t, "Banco Central e CVM", lowerFirst("Banco Central e CVM"))
	require.Equal(t, "Anvisa", lowerFirst("Anvisa"))
	require.Equal(t, "", lowerFirst(""))
}
