package interview

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestSafetyNotice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		text    string
		want    []string // numbers the notice must give
		notWant []string
	}{
		{"violence at home", "meu companheiro me agrediu ontem e eu estou com medo de voltar pra casa", []string{"190", "180"}, []string{"100", "188"}},
		{"threat by an ex", "meu ex disse que vai me matar se eu não voltar pra ele", []string{"190", "180"}, []string{"188"}},
		{"threat by a neighbour", "o vizinho mostrou a arma e disse que vai me pegar", []string{"190"}, []string{"180", "188"}},
		{"child at risk", "o padrasto bate no meu filho quando eu saio pra trabalhar", []string{"190", "100"}, nil},
		{"suicidal talk", "perdi tudo, não quero mais viver", []string{"188", "190"}, []string{"180"}},
		{"protective order broken", "ele descumpriu a medida protetiva e apareceu na minha porta", []string{"190", "180"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			notice := safetyNotice([]string{tt.text})
			require.NotEmpty(t, notice)
			for _, n := range tt.want {
				require.Contains(t, notice, n)
			}
			for _, n := range tt.notWant {
				require.NotContains(t, notice, n)
			}
		})
	}
}

func TestNoSafetyNoticeWithoutDanger(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"meu voo atrasou seis horas",
		"ele nunca me bateu, só não paga a pensão",
		"não fui ameaçado, mas o vizinho faz barulho",
		"quero me divorciar de forma amigável",
		"a empresa não pagou minhas férias",
		"a música dele me matou de rir, mas ele copiou minha letra",
	} {
		require.Empty(t, safetyNotice([]string{text}), text)
	}
}

func TestSafetyNoticeLeadsTheResult(t *testing.T) {
	t.Parallel()
	d := extract("meu marido me bateu e trancou as crianças no quarto, tenho medo dele")
	require.Contains(t, d.SafetyNotice, "190")
	require.Contains(t, d.SafetyNotice, "180")
	require.True(t, d.Distress)
	require.Equal(t, triagem.SentimentDistressed, d.Sentiment)
	require.Contains(t, d.NextSteps[0], "190", "the first step says where to call")
	for _, s := range d.NextSteps[1:] {
		require.NotContains(t, s, "ligar 1", "no second call step")
	}
	require.LessOrEqual(t, d.UrgencyH, urgencyDangerH)
}
