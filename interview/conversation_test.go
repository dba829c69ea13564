package interview

import (
	"context"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// Whole conversations, as a client would have them, end to end: the
// interview, then the simple extraction and both analyzers.
func TestWholeConversations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		lines      []string
		complexity triagem.Complexity
		area       triagem.Area
		subarea    triagem.Subarea
		caseType   string
		parties    []string
		dates      []string
		amounts    []string
		locations  []string
		maxUrgency int
	}{
		{
			name: "flight delay is low and simple",
			lines: []string{
				"Meu voo da Azul atrasou 10 horas no dia 12/03/2024 em São Paulo e perdi uma reunião.",
				"Tenho o cartão de embarque, os e-mails da companhia e os comprovantes de gastos.",
				"Gastei R$ 850,00 com hotel e alimentação.",
				"Já reclamei no site da companhia e não responderam.",
			},
			complexity: triagem.ComplexityLow, area: "consumidor", subarea: "transporte_aereo", caseType: "atraso_voo",
			parties: []string{"Azul", "companhia"}, dates: []string{"12/03/2024"}, amounts: []string{"R$ 850,00"},
			locations: []string{"São Paulo"}, maxUrgency: 240,
		},
		{
			name: "dismissal without pay is medium and failover",
			lines: []string{
				"Fui demitido pela empresa onde trabalhei por 3 anos e não recebi as verbas rescisórias nem as horas extras.",
				"A demissão foi em 05/08/2024, em Curitiba.",
				"Tenho a carteira de trabalho, os holerites e mensagens do meu chefe.",
				"Eles me devem cerca de R$ 12.000,00.",
				"Tentei falar com o RH mas não resolveram.",
			},
			complexity: triagem.ComplexityMedium, area: "trabalhista", subarea: "rescisao", caseType: "rescisao_trabalhista",
			parties: []string{"empresa", "chefe", "RH"}, dates: []string{"05/08/2024"}, amounts: []string{"R$ 12.000,00"},
			locations: []string{"Curitiba"}, maxUrgency: 240,
		},
		{
			name: "judicial recovery with several parties is high and ensemble",
			lines: []string{
				"Minha empresa entrou em recuperação judicial e há várias partes envolvidas: bancos, fornecedores e sócios.",
				"O pedido foi feito em 10/01/2024 em Belo Horizonte e precisamos de uma liminar urgente.",
				"Temos o contrato social, balanços e os contratos com os credores.",
				"As dívidas somam R$ 2.500.000,00.",
				"Já tentamos negociar com os credores sem sucesso.",
			},
			complexity: triagem.ComplexityHigh, area: "empresarial", subarea: "recuperacao_judicial", caseType: "recuperacao_judicial",
			parties: []string{"empresa", "bancos", "fornecedores", "sócios", "credores"}, dates: []string{"10/01/2024"},
			amounts: []string{"R$ 2.500.000,00"}, locations: []string{"Belo Horizonte"}, maxUrgency: 24,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, turns := talk(t, New(Config{}), tt.lines, "Não tenho mais detalhes.", "Não sei dizer.")
			last := turns[len(turns)-1].Assessment
			require.True(t, last.Complete)
			require.Equal(t, tt.complexity, last.Complexity)
			require.Equal(t, strategyFor(tt.complexity, last.Confidence), last.Strategy)
			require.Equal(t, tt.area, last.Area)
			require.Equal(t, tt.subarea, last.Subarea)
			require.GreaterOrEqual(t, last.Confidence, CompleteConfidenceDefault)
			require.LessOrEqual(t, len(turns)-1, New(Config{}).limit(tt.complexity))

			d := Extract(msgs, last)
			require.Equal(t, tt.area, d.Area)
			require.Equal(t, tt.subarea, d.Subarea)
			require.Equal(t, tt.caseType, d.CaseType)
			require.Positive(t, d.UrgencyH)
			require.LessOrEqual(t, d.UrgencyH, tt.maxUrgency)
			require.LessOrEqual(t, utf8.RuneCountInString(d.Summary), 240)
			require.NotEmpty(t, d.Keywords)
			require.NotEmpty(t, d.Sentiment)
			require.Equal(t, tt.parties, d.Entities.Parties)
			require.Equal(t, tt.dates, d.Entities.Dates)
			require.Equal(t, tt.amounts, d.Entities.Amounts)
			require.Equal(t, tt.locations, d.Entities.Locations)
			require.NotNil(t, d.ComplexityFactors)

			in := triagem.AnalysisInput{CaseID: "c1", Messages: msgs, Assessment: last}
			for _, a := range []triagem.Analyzer{NewRulesAnalyzer(), NewLexiconAnalyzer()} {
				got, err := a.Analyze(context.Background(), in)
				require.NoError(t, err, a.Name())
				require.Equal(t, tt.area, got.Area, a.Name())
				require.Equal(t, tt.caseType, got.CaseType, a.Name())
				require.Equal(t, tt.amounts, got.Entities.Amounts, a.Name())
			}
		})
	}
}

func TestHighConversationExplainsItsComplexity(t *testing.T) {
	t.Parallel()
	d := Extract(clientSays(
		"Minha empresa entrou em recuperação judicial e há várias partes envolvidas.",
		"Precisamos de uma liminar. As dívidas somam R$ 2.500.000,00."), triagem.Assessment{})
	for _, factor := range []string{"várias partes envolvidas", "pedido de liminar", "valor elevado"} {
		require.Contains(t, d.ComplexityFactors, factor)
	}
}
