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

func TestParseArea(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]triagem.Area{
		"consumidor":              triagem.AreaConsumidor,
		" Direito do Consumidor ": triagem.AreaConsumidor,
		"Família":                 triagem.AreaFamilia,
		"direito de família":      triagem.AreaFamilia,
		"PREVIDENCIÁRIO":          triagem.AreaPrevidenciario,
		"Propriedade Intelectual": triagem.AreaPropriedadeIntelectual,
		"direito penal":           triagem.AreaCriminal,
		"Criminal":                triagem.AreaCriminal,
		"trabalho":                triagem.AreaTrabalhista,
		"Trânsito":                triagem.AreaAdministrativo,
		"Direito Tributário":      triagem.AreaTributario,
		"Saúde":                   triagem.AreaSaude,
		"direito bancário":        triagem.AreaBancario,
		"Regulatório":             triagem.AreaRegulatorio,
	} {
		got, err := parseArea(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "direito", "direito_", "espacial", "consumidor e família", strings.Repeat("a", 1000)} {
		_, err := parseArea(in)
		require.Error(t, err, in)
	}
}

func TestParseTriageDataValidatesTheNewFields(t *testing.T) {
	t.Parallel()
	d, err := ParseTriageData(`{"area":"Saúde","subarea":"rescisao","urgency_h":24,"summary":"x","sentiment":"urgente",
		"next_steps":["a","b","c","d","e","f"],"safety_notice":"procure ajuda","distress":true}`)
	require.NoError(t, err)
	require.Equal(t, triagem.AreaSaude, d.Area)
	require.Equal(t, triagem.AreaSaude.GeneralSubarea(), d.Subarea, "a subarea of another area reads the general one")
	require.Equal(t, string(d.Subarea), d.CaseType)
	require.Equal(t, triagem.SentimentDistressed, d.Sentiment)
	require.Len(t, d.NextSteps, 5)
	require.Empty(t, d.SafetyNotice, "a notice without an emergency number is dropped")
	require.True(t, d.Distress)

	d, err = ParseTriageData(`{"area":"criminal","subarea":"violencia_domestica","urgency_h":12,"summary":"x","safety_notice":" Ligue 190 ou 180. "}`)
	require.NoError(t, err)
	require.Equal(t, "Ligue 190 ou 180.", d.SafetyNotice)
	require.Equal(t, triagem.Subarea("violencia_domestica"), d.Subarea)

	_, err = ParseTriageData(`{"area":"civil","urgency_h":1,"summary":"x","urgency_reason":"` + strings.Repeat("a", 400) + `"}`)
	require.Error(t, err)
}

func TestPromptsListTheTaxonomy(t *testing.T) {
	t.Parallel()
	for _, a := range triagem.Taxonomy() {
		require.Contains(t, analyzerPrompt, string(a.ID))
		require.Contains(t, interviewerSystem(5), string(a.ID))
		for _, s := range a.Subareas {
			require.Contains(t, analyzerPrompt, string(s.ID))
		}
	}
	for _, s := range triagem.Sentiments() {
		require.Contains(t, analyzerPrompt, string(s.ID))
	}
	require.NotContains(t, judgePrompt, "transito para")
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
	require.Contains(t, areas, string(d.Area))
	require.True(t, d.Area.Has(d.Subarea), "%s/%s", d.Area, d.Subarea)
	require.True(t, d.Sentiment.Valid(), d.Sentiment)
	require.LessOrEqual(t, len(d.NextSteps), maxSteps)
	if d.SafetyNotice != "" {
		require.Regexp(t, `190|180|100|188`, d.SafetyNotice)
	}
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
	lists := [][]string{d.Keywords, d.ComplexityFactors, d.NextSteps, d.Documents, d.Entities.Parties, d.Entities.Dates, d.Entities.Amounts, d.Entities.Locations}
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
