package llm

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// FuzzParseTriageData: the parser never panics, and whatever it accepts is
// valid triage data.
func FuzzParseTriageData(f *testing.F) {
	for _, seed := range []string{
		validTriage,
		"```json\n" + validTriage + "\n```",
		`{"area":"Direito do Consumidor","urgency_h":1,"summary":"x"}`,
		`{"area":"penal","urgency_h":8760,"summary":"\u0000 a \u2028","keywords":["\u0000",""," b "],"sentiment":"URGENT","entities":null}`,
		`{"area":"civil","urgency_h":1e400,"summary":"x"}`,
		`{"area":"civil","urgency_h":-0,"summary":"x"}`,
		`{"area":"civil","urgency_h":24,"summary":"x","subarea":"Á é ç!!","case_type":"` + strings.Repeat("a", 70) + `"}`,
		`{"area":"civil","urgency_h":24,"summary":"x","entities":{"parties":[1]}}`,
		`[]`, `null`, `{}`, `{"area":null}`, "```", "```json\n```", "\xff\xfe{",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, answer string) {
		d, err := ParseTriageData(answer)
		if err != nil {
			require.NotContains(t, err.Error(), "\x00")
			return
		}
		checkTriage(t, d)
	})
}

// FuzzParseTurn: the same for interview answers.
func FuzzParseTurn(f *testing.F) {
	for _, seed := range []string{
		validTurn,
		`{"reply":"Oi?","complexity":"Média","confidence":1,"area":"Direito Penal","subarea":"Prisão","complete":true,"missing":null}`,
		`{"reply":"","complexity":"low","confidence":2}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, answer string) {
		turn, err := ParseTurn(answer)
		if err != nil {
			return
		}
		a := turn.Assessment
		require.NotEmpty(t, turn.Reply)
		checkClean(t, turn.Reply, true)
		require.LessOrEqual(t, len([]rune(turn.Reply)), maxReplyRunes)
		require.Contains(t, []string{"low", "medium", "high"}, string(a.Complexity))
		require.Equal(t, a.Strategy, strategyFor(a))
		require.True(t, a.Confidence >= 0 && a.Confidence <= 1)
		if a.Area != "" {
			require.Contains(t, areas, string(a.Area))
		} else {
			require.Empty(t, a.Subarea)
		}
		require.NotNil(t, a.Missing)
		require.LessOrEqual(t, len(a.Missing), maxMissing)
	})
}

func strategyFor(a triagem.Assessment) triagem.Strategy { return triagem.StrategyFor(a.Complexity) }
