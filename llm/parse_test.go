package llm

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestCanonicalArea(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"consumidor":              "consumidor",
		" Direito do Consumidor ": "consumidor",
		"Família":                 "familia",
		"direito de família":      "familia",
		"PREVIDENCIÁRIO":          "previdenciario",
		"Propriedade Intelectual": "propriedade_intelectual",
		"direito penal":           "penal",
		"Criminal":                "penal",
		"trabalho":                "trabalhista",
		"Trânsito":                "transito",
		"Direito Tributário":      "tributario",
	} {
		got, err := canonical(in, areas, areaAliases)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "direito", "direito_", "espacial", "consumidor e família", strings.Repeat("a", 1000)} {
		_, err := canonical(in, areas, areaAliases)
		require.Error(t, err, in)
	}
}

func TestUnfence(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"a":1}`:                      `{"a":1}`,
		"  {\"a\":1}\n":                `{"a":1}`,
		"```json\n{\"a\":1}\n```":      `{"a":1}`,
		"```\n{\"a\":1}```":            `{"a":1}`,
		"Segue:\n```json\n{}\n```\nok": `{}`,
	} {
		got, err := unfence(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"```json {}```", "```json\n{}", "```python\n{}\n```", "```json\n{}\n```\n```json\n{}\n```"} {
		_, err := unfence(in)
		require.Error(t, err, in)
	}
}

func TestParseTurnDropsSubareaWithoutArea(t *testing.T) {
	t.Parallel()
	turn, err := ParseTurn(`{"reply":"Oi?","complexity":"medium","confidence":0,"area":"","subarea":"x","missing":[" fatos ","fatos"]}`)
	require.NoError(t, err)
	require.Empty(t, turn.Assessment.Subarea)
	require.False(t, turn.Assessment.Complete)
	require.Equal(t, []string{"fatos"}, turn.Assessment.Missing)
	require.Equal(t, triagem.StrategyFailover, turn.Assessment.Strategy)
}

func TestSchemasAreStrict(t *testing.T) {
	t.Parallel()
	for _, s := range []jsonSchema{triageSchema, turnSchema} {
		checkStrict(t, s.schema)
	}
}

// checkStrict verifies the rules of strict structured outputs: every
// object lists all its properties as required and allows no other.
func checkStrict(t *testing.T, schema map[string]any) {
	t.Helper()
	if schema["type"] != "object" {
		if items, ok := schema["items"].(map[string]any); ok {
			checkStrict(t, items)
		}
		return
	}
	require.Equal(t, false, schema["additionalProperties"])
	props := schema["properties"].(map[string]any)
	required := schema["required"].([]string)
	require.Len(t, required, len(props))
	for name, p := range props {
		require.Contains(t, required, name)
		checkStrict(t, p.(map[string]any))
	}
}

// checkTriage asserts what ParseTriageData promises of accepted data.
func checkTriage(t *testing.T, d triagem.TriageData) {
	t.Helper()
	require.Contains(t, areas, d.Area)
	require.Contains(t, sentiments, string(d.Sentiment))
	require.GreaterOrEqual(t, d.UrgencyH, 1)
	require.LessOrEqual(t, d.UrgencyH, MaxUrgencyH)
	require.NotEmpty(t, d.Summary)
	require.LessOrEqual(t, utf8.RuneCountInString(d.Summary), maxSummary)
	for _, s := range []string{string(d.Subarea), d.CaseType} {
		require.NotEmpty(t, s)
		require.LessOrEqual(t, utf8.RuneCountInString(s), maxSlugRunes)
		require.Equal(t, normalize(s), s, "a slug is normalised")
	}
	for _, s := range []string{d.Summary, string(d.Subarea), d.CaseType} {
		checkClean(t, s, true)
	}
	lists := [][]string{d.Keywords, d.ComplexityFactors, d.Entities.Parties, d.Entities.Dates, d.Entities.Amounts, d.Entities.Locations}
	for _, list := range lists {
		require.NotNil(t, list)
		require.LessOrEqual(t, len(list), maxListItems)
		for i, s := range list {
			require.NotEmpty(t, s)
			require.LessOrEqual(t, utf8.RuneCountInString(s), maxItemRunes)
			require.False(t, slices.Contains(list[:i], s), "duplicate %q", s)
			checkClean(t, s, false)
		}
	}
}

func checkClean(t *testing.T, s string, multiline bool) {
	t.Helper()
	require.True(t, utf8.ValidString(s), "%q", s)
	require.Equal(t, strings.TrimSpace(s), s)
	for _, r := range s {
		if multiline && r == '\n' {
			continue
		}
		require.False(t, unicode.IsControl(r), "control character in %q", s)
	}
}
