package interview

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestSentiment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text     string
		subarea  triagem.Subarea
		want     triagem.Sentiment
		distress bool
	}{
		{"fui mandado embora sem receber a rescisão", "rescisao", triagem.SentimentWorried, false},
		{"me demitiram", "rescisao", triagem.SentimentWorried, false},
		{"estou desesperada, não sei o que fazer com as contas", "superendividamento", triagem.SentimentDistressed, true},
		{"isso é um absurdo, cobraram duas vezes a mesma fatura", "cobranca_indevida", triagem.SentimentIndignant, false},
		{"já liguei várias vezes e ninguém resolve", "telecomunicacoes", triagem.SentimentFrustrated, false},
		{"estou preocupado com a audiência", "servicos", triagem.SentimentWorried, false},
		{"quero registrar a marca da minha confeitaria", "marca", triagem.SentimentNeutral, false},
		{"não estou preocupado, só quero me informar sobre o inventário", "sucessoes", triagem.SentimentNeutral, false},
		{"meu filho foi preso agora há pouco", "prisao", triagem.SentimentDistressed, true},
		{"estou sem salário há dois meses e com medo de perder a casa", "salario", triagem.SentimentDistressed, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got, distress := readFacts([]string{tt.text}).sentimentOf(tt.subarea)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.distress, distress)
		})
	}
}

func TestSentimentOfAFiredWorkerIsNotNeutral(t *testing.T) {
	t.Parallel()
	d := extract("fui dispensado da loja sem justa causa e não me pagaram nenhuma verba")
	require.Equal(t, triagem.AreaTrabalhista, d.Area)
	require.NotEqual(t, triagem.SentimentNeutral, d.Sentiment)
}
