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
		text                    string
		area, subarea, caseType string
	}{
		{"Meu voo atrasou e a companhia aérea não ajudou.", "consumidor", "transporte_aereo", "atraso_voo"},
		{"O voo foi cancelado.", "consumidor", "transporte_aereo", "cancelamento_voo"},
		{"Meu nome está no Serasa.", "consumidor", "negativacao", "negativacao_indevida"},
		{"Fui demitido e o FGTS não foi depositado.", "trabalhista", "rescisao", "rescisao_trabalhista"},
		{"Quero a guarda compartilhada do meu filho.", "familia", "guarda", "guarda"},
		{"A empresa pediu recuperação judicial e os credores cobram.", "empresarial", "recuperacao_judicial", "recuperacao_judicial"},
		{"Levei uma multa de radar.", "transito", "multa", "multa_transito"},
		{"Olá.", "civil", "geral", "outro"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got, err := NewLexiconAnalyzer().Analyze(context.Background(), triagem.AnalysisInput{Messages: clientSays(tt.text)})
			require.NoError(t, err)
			require.Equal(t, tt.area, got.Area)
			require.Equal(t, tt.subarea, got.Subarea)
			require.Equal(t, tt.caseType, got.CaseType)
			require.Positive(t, got.UrgencyH)
			require.NotNil(t, got.Keywords)
		})
	}
}

func TestLexiconUrgencyHalvesPerUrgentTerm(t *testing.T) {
	t.Parallel()
	analyze := func(text string) int {
		d, err := NewLexiconAnalyzer().Analyze(context.Background(), triagem.AnalysisInput{Messages: clientSays(text)})
		require.NoError(t, err)
		return d.UrgencyH
	}
	require.Equal(t, 240, analyze("Meu voo atrasou."))
	require.Equal(t, 120, analyze("Meu voo atrasou, é urgente."))
	require.Equal(t, 60, analyze("Meu voo atrasou, é urgente, preciso de uma liminar."))
	require.Equal(t, 24, analyze("Meu voo atrasou, e tenho que agir em 1 dia."))
}

// The two analyzers read differently, so an ensemble has real votes: here
// the rules find no case (no word pair) while the bag of words leans on the
// travel words.
func TestAnalyzersCanDisagree(t *testing.T) {
	t.Parallel()
	in := triagem.AnalysisInput{Messages: clientSays("Meu chefe me deu uma passagem e fui ao aeroporto pegar o voo.")}
	rules, err := NewRulesAnalyzer().Analyze(context.Background(), in)
	require.NoError(t, err)
	lexicon, err := NewLexiconAnalyzer().Analyze(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, "civil", rules.Area)
	require.Equal(t, "consumidor", lexicon.Area)
}
