package interview

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestAnalyzerNames(t *testing.T) {
	t.Parallel()
	require.Equal(t, "builtin-rules", NewRulesAnalyzer().Name())
	require.Equal(t, "builtin-lexicon", NewLexiconAnalyzer().Name())
}

func TestAnalyzersHonourCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := triagem.AnalysisInput{Messages: clientSays("Meu voo atrasou.")}
	for _, a := range []triagem.Analyzer{NewRulesAnalyzer(), NewLexiconAnalyzer()} {
		_, err := a.Analyze(ctx, in)
		require.ErrorIs(t, err, context.Canceled, a.Name())
	}
}

func TestRulesAnalyzerIsExtract(t *testing.T) {
	t.Parallel()
	in := triagem.AnalysisInput{Messages: clientSays("Fui demitido em 05/08/2024 e não recebi as verbas rescisórias.")}
	got, err := NewRulesAnalyzer().Analyze(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, Extract(in.Messages, in.Assessment), got)
}

func TestLexiconAnalyzer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		area triagem.Area
	}{
		{"Meu voo atrasou e a companhia aérea não ajudou.", triagem.AreaConsumidor},
		{"Fui demitido e o FGTS não foi depositado.", triagem.AreaTrabalhista},
		{"Quero a guarda compartilhada do meu filho.", triagem.AreaFamilia},
		{"A empresa pediu recuperação judicial e os credores cobram.", triagem.AreaEmpresarial},
		{"Levei uma multa de radar.", triagem.AreaAdministrativo},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got, err := NewLexiconAnalyzer().Analyze(context.Background(), triagem.AnalysisInput{Messages: clientSays(tt.text)})
			require.NoError(t, err)
			require.Equal(t, tt.area, got.Area)
			require.True(t, got.Area.Has(got.Subarea), got.Subarea)
			require.Positive(t, got.UrgencyH)
			require.NotNil(t, got.Keywords)
			require.NotEmpty(t, got.AreaAlternatives)
			require.Equal(t, got.Area, got.AreaAlternatives[0].Area)
			require.Equal(t, nextSteps(got.Area, got.Subarea, readFacts([]string{tt.text})), got.NextSteps, "steps follow the analyzer's own area")
		})
	}
}

func TestLexiconAnalyzerFallsBackToTheAssessment(t *testing.T) {
	t.Parallel()
	in := triagem.AnalysisInput{Messages: clientSays("Olá."), Assessment: triagem.Assessment{Area: triagem.AreaSaude, Subarea: "plano_saude"}}
	got, err := NewLexiconAnalyzer().Analyze(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, triagem.AreaSaude, got.Area)
	require.Equal(t, triagem.Subarea("plano_saude"), got.Subarea)
}

func TestCompleteFillsAnotherAnalyzersGaps(t *testing.T) {
	t.Parallel()
	text := "Minha filha está internada e o plano de saúde negou a cirurgia, disseram que é carência"
	in := triagem.AnalysisInput{Messages: clientSays(text)}
	// What a terse model might answer: an area, a foreign subarea, a pasted
	// summary, a deadline of its own invention and nothing else.
	llm := triagem.TriageData{Area: triagem.AreaSaude, Subarea: "rescisao", UrgencyH: 240, Summary: text, DeadlineWarning: "prazo de 1 ano"}
	got := NewRulesAnalyzer().Complete(context.Background(), in, llm)
	require.Equal(t, triagem.AreaSaude, got.Area)
	require.True(t, got.Area.Has(got.Subarea))
	require.GreaterOrEqual(t, len(got.NextSteps), 2)
	require.NotEmpty(t, got.Documents)
	require.NotEqual(t, "prazo de 1 ano", got.DeadlineWarning, "only the closed list warns")
	require.Equal(t, 24, got.UrgencyH, "the refused surgery is sooner")
	require.NotEmpty(t, got.UrgencyReason)
	require.NotEqual(t, text, got.Summary)
	requireSummaryShape(t, got.Summary, []string{text})
	require.Equal(t, triagem.AreaSaude, got.AreaAlternatives[0].Area)
	require.True(t, got.Sentiment.Valid())
	require.NotNil(t, got.Entities.Dates)

	kept := triagem.TriageData{Area: triagem.AreaSaude, Subarea: "plano_saude", UrgencyH: 6, UrgencyReason: "do modelo",
		NextSteps: []string{"um", "dois"}, Summary: "Resumo próprio.", Sentiment: triagem.SentimentWorried}
	got = NewRulesAnalyzer().Complete(context.Background(), in, kept)
	require.Equal(t, 6, got.UrgencyH, "a sooner urgency stays")
	require.Equal(t, "do modelo", got.UrgencyReason)
	require.Equal(t, []string{"um", "dois"}, got.NextSteps)
	require.Equal(t, "Resumo próprio.", got.Summary)
}
