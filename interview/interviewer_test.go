package interview

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestAssessment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text       string
		complexity triagem.Complexity
		area       string
		subarea    string
	}{
		// Low: the simple, repetitive cases.
		{"Recebi uma multa de trânsito injusta.", triagem.ComplexityLow, "transito", "multa"},
		{"Tive um atraso de voo de 8 horas.", triagem.ComplexityLow, "consumidor", "transporte_aereo"},
		{"Meu voo atrasou e perdi a conexão.", triagem.ComplexityLow, "consumidor", "transporte_aereo"},
		{"Recebi uma cobrança indevida no cartão.", triagem.ComplexityLow, "consumidor", "cobranca_indevida"},
		{"Estou com o nome sujo por uma dívida que não é minha.", triagem.ComplexityLow, "consumidor", "negativacao"},
		{"Voo cancelado pela companhia", triagem.ComplexityLow, "consumidor", "transporte_aereo"},
		// High: any high signal.
		{"A empresa entrou com pedido de recuperação judicial.", triagem.ComplexityHigh, "empresarial", "recuperacao_judicial"},
		{"Meu fornecedor teve a falência decretada.", triagem.ComplexityHigh, "empresarial", "falencia"},
		{"Copiaram a minha invenção, que tem patente.", triagem.ComplexityHigh, "propriedade_intelectual", "patente"},
		{"Um concorrente está usando a nossa marca.", triagem.ComplexityHigh, "propriedade_intelectual", "marca"},
		{"Tenho uma disputa societária com meu sócio.", triagem.ComplexityHigh, "empresarial", "societario"},
		{"Assinei um contrato internacional com uma empresa chinesa.", triagem.ComplexityHigh, "empresarial", "contratos_internacionais"},
		{"Meu caso tem várias partes.", triagem.ComplexityHigh, "", ""},
		{"Preciso de uma liminar.", triagem.ComplexityHigh, "", ""},
		// High wins over low.
		{"Levei uma multa de trânsito e preciso de uma liminar.", triagem.ComplexityHigh, "transito", "multa"},
		{"Meu nome está sujo e a empresa credora pediu falência.", triagem.ComplexityHigh, "empresarial", "falencia"},
		// Otherwise medium.
		{"Fui demitido e não recebi nada.", triagem.ComplexityMedium, "trabalhista", "rescisao"},
		{"Quero me divorciar do meu marido.", triagem.ComplexityMedium, "familia", "divorcio"},
		{"O INSS negou a minha aposentadoria.", triagem.ComplexityMedium, "previdenciario", "aposentadoria"},
		{"Meu vizinho faz barulho toda noite.", triagem.ComplexityMedium, "civil", "vizinhanca"},
		{"Recebi uma ordem de despejo do locador.", triagem.ComplexityMedium, "imobiliario", "locacao"},
		{"Meu irmão foi preso ontem.", triagem.ComplexityMedium, "penal", "prisao"},
		{"Caí em um golpe do Pix.", triagem.ComplexityMedium, "penal", "estelionato"},
		{"Caí na malha fina do imposto de renda.", triagem.ComplexityMedium, "tributario", "imposto_de_renda"},
		{"Olá, tenho um problema.", triagem.ComplexityMedium, "", ""},
		// Accents and case do not matter.
		{"FALÊNCIA", triagem.ComplexityHigh, "empresarial", "falencia"},
		{"falencia", triagem.ComplexityHigh, "empresarial", "falencia"},
		{"MULTA DE TRANSITO", triagem.ComplexityLow, "transito", "multa"},
		{"Recuperacao Judicial", triagem.ComplexityHigh, "empresarial", "recuperacao_judicial"},
		// Whole words only.
		{"Preciso de marcação de consulta no hospital.", triagem.ComplexityMedium, "", ""},
		{"Meu celular da marca X veio com defeito.", triagem.ComplexityMedium, "consumidor", "produto"},
		{"Desmarcaram minha cirurgia.", triagem.ComplexityMedium, "", ""},
		// Listed inflections count: "patenteado" is a patent case.
		{"Meu produto patenteado foi copiado.", triagem.ComplexityHigh, "propriedade_intelectual", "patente"},
		// Unlisted derivations do not: "patenteamento" is not "patente".
		{"Quero saber sobre patenteamento.", triagem.ComplexityMedium, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			a := assess(t, tt.text)
			require.Equal(t, tt.complexity, a.Complexity)
			require.Equal(t, triagem.StrategyFor(tt.complexity), a.Strategy)
			require.Equal(t, tt.area, a.Area)
			require.Equal(t, tt.subarea, a.Subarea)
			require.GreaterOrEqual(t, a.Confidence, 0.0)
			require.LessOrEqual(t, a.Confidence, 1.0)
		})
	}
}

// The old system mapped this to a wrong case type because "pela" contains
// "pe" (and Pernambuco is "PE").
func TestFlightCancelledPelaIsNotPE(t *testing.T) {
	t.Parallel()
	msgs := clientSays("Voo cancelado pela companhia")
	a := assess(t, "Voo cancelado pela companhia")
	require.Equal(t, "consumidor", a.Area)
	d := Extract(msgs, a)
	require.Equal(t, "cancelamento_voo", d.CaseType)
	require.Equal(t, "transporte_aereo", d.Subarea)
	require.Empty(t, d.Entities.Locations)
	require.Equal(t, []string{"companhia"}, d.Entities.Parties)
}

func TestGreetingAsksToDescribeTheProblem(t *testing.T) {
	t.Parallel()
	g, err := New(Config{}).Greeting(context.Background())
	require.NoError(t, err)
	require.Contains(t, g, "Olá")
	require.Contains(t, g, "descreva")
}

func TestNextAsksOneTopicAtATimeInOrderOfImportance(t *testing.T) {
	t.Parallel()
	// Nothing in these words covers a topic, so the interviewer walks the
	// whole list, and each "não sei" answers the question asked.
	_, turns := talk(t, New(Config{}), []string{"Olá, tenho um problema."}, "Não sei.", "Não tenho.", "Não lembro.")
	require.Equal(t, []string{"fatos", "datas", "partes", "documentos", "valores", "tentativas", "prazos", "objetivo", ""}, questionTopics(turns))
	for _, turn := range turns[:len(turns)-1] {
		require.Equal(t, 1, strings.Count(turn.Reply, "?"), "one question at a time: %q", turn.Reply)
	}
}

func TestNextSkipsTopicsTheClientAlreadyCovered(t *testing.T) {
	t.Parallel()
	_, turns := talk(t, New(Config{}), []string{
		"Meu voo da Azul atrasou 10 horas ontem e perdi uma reunião.",
		"Tenho os e-mails da companhia.",
	}, "Não sei.")
	// fatos, datas and partes were in the first message, documentos in the
	// answer to the first question.
	require.Equal(t, []string{"documentos", "valores", "tentativas", "prazos", ""}, questionTopics(turns))
}

func TestNextNeverAsksTheSameTopicTwice(t *testing.T) {
	t.Parallel()
	for _, first := range []string{"Olá.", "Preciso de uma liminar.", "Recebi uma multa de trânsito.", "Há várias partes no meu caso."} {
		_, turns := talk(t, New(Config{}), []string{first}, "Não sei.")
		seen := map[string]bool{}
		for _, name := range questionTopics(turns) {
			if name == "" {
				continue
			}
			require.False(t, seen[name], "%q asked twice after %q", name, first)
			seen[name] = true
		}
	}
}

func TestNaoSeiCountsAsAnswered(t *testing.T) {
	t.Parallel()
	iv := New(Config{})
	msgs := clientSays("Recebi uma multa de trânsito ontem do Detran.")
	turn, err := iv.Next(context.Background(), msgs)
	require.NoError(t, err)
	require.Equal(t, "documentos", turn.Assessment.Missing[0])
	require.Contains(t, turn.Reply, questions[topicDocuments])

	msgs = append(msgs,
		triagem.Message{Role: triagem.AuthorInterviewer, Text: turn.Reply},
		triagem.Message{Role: triagem.AuthorClient, Text: "Não sei"})
	turn, err = iv.Next(context.Background(), msgs)
	require.NoError(t, err)
	require.NotContains(t, turn.Assessment.Missing, "documentos")
	require.Contains(t, turn.Reply, questions[topicAmounts])
	require.True(t, strings.HasPrefix(turn.Reply, "Sem problemas."), "a non-answer is acknowledged kindly: %q", turn.Reply)
}

func TestNextRecognisesQuestionsOfAnotherInterviewer(t *testing.T) {
	t.Parallel()
	msgs := clientSays("Olá, tenho um problema com a minha vizinha.")
	msgs = append(msgs,
		triagem.Message{Role: triagem.AuthorInterviewer, Text: "Entendo. Quando tudo isso começou?"},
		triagem.Message{Role: triagem.AuthorClient, Text: "Não lembro."})
	turn, err := New(Config{}).Next(context.Background(), msgs)
	require.NoError(t, err)
	require.NotContains(t, turn.Assessment.Missing, "datas")
	require.NotContains(t, turn.Reply, questions[topicDates])
}

func TestNextCompletesAtTheQuestionLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cfg        Config
		first      string
		complexity triagem.Complexity
		questions  int
	}{
		{"low stops after 5", Config{}, "Recebi uma multa de trânsito.", triagem.ComplexityLow, 5},
		{"medium stops after 8", Config{}, "Olá, tenho um problema.", triagem.ComplexityMedium, 8},
		{"high stops after 10", Config{}, "Há várias partes no meu caso.", triagem.ComplexityHigh, 10},
		{"limits are configurable", Config{MaxQuestionsLow: 2}, "Recebi uma multa de trânsito.", triagem.ComplexityLow, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, turns := talk(t, New(tt.cfg), []string{tt.first}, "Não sei.", "Ok.")
			last := turns[len(turns)-1]
			require.True(t, last.Assessment.Complete)
			require.Equal(t, tt.complexity, last.Assessment.Complexity)
			require.Len(t, turns, tt.questions+1, "%d questions, then the closing message", tt.questions)
			require.Contains(t, last.Reply, "análise")
			for _, turn := range turns[:len(turns)-1] {
				require.False(t, turn.Assessment.Complete)
			}
		})
	}
}

func TestNextCompletesEarlyWhenEverythingIsCovered(t *testing.T) {
	t.Parallel()
	turn, err := New(Config{}).Next(context.Background(), clientSays(
		"Meu voo da Azul atrasou 8 horas ontem em Recife. Tenho o cartão de embarque e os e-mails. "+
			"Gastei R$ 300,00 com hotel. Já reclamei no Procon e a audiência é amanhã."))
	require.NoError(t, err)
	require.True(t, turn.Assessment.Complete)
	require.Empty(t, turn.Assessment.Missing)
	require.GreaterOrEqual(t, turn.Assessment.Confidence, CompleteConfidenceDefault)
	require.Contains(t, turn.Reply, "análise")
}

func TestConfidenceRisesWithCoveredTopics(t *testing.T) {
	t.Parallel()
	_, turns := talk(t, New(Config{}), []string{
		"Meu voo atrasou.",
		"Foi em 12/03/2024.",
		"Com a companhia Azul.",
	}, "Não sei.")
	for i := 1; i < len(turns); i++ {
		require.GreaterOrEqual(t, turns[i].Assessment.Confidence, turns[i-1].Assessment.Confidence)
	}
	require.Greater(t, turns[len(turns)-1].Assessment.Confidence, turns[0].Assessment.Confidence)
}

func TestConfidenceFormula(t *testing.T) {
	t.Parallel()
	all := setOf(coreTopics...)
	require.InDelta(t, 0.1, confidence(0, coreTopics, 0), 1e-9)
	require.InDelta(t, 0.6, confidence(all, coreTopics, 0), 1e-9)
	require.InDelta(t, 1.0, confidence(all, coreTopics, 1), 1e-9)
	require.InDelta(t, 0.5, clarity(3, 0), 1e-9, "one strong phrase, no rival")
	require.InDelta(t, 0.0, clarity(3, 3), 1e-9, "two areas tied")
	require.InDelta(t, 1.0, clarity(9, 0), 1e-9)
}

func TestNextHonoursCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(Config{}).Next(ctx, clientSays("Olá"))
	require.ErrorIs(t, err, context.Canceled)
	_, err = New(Config{}).Greeting(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestNextIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	iv := New(Config{})
	msgs := clientSays("Fui demitido pela empresa em 05/08/2024 e não recebi as verbas rescisórias.")
	want, err := iv.Next(context.Background(), msgs)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := iv.Next(context.Background(), msgs)
			require.NoError(t, err)
			require.Equal(t, want, got, "the same conversation gives the same turn")
		})
	}
	wg.Wait()
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := Config{MaxQuestionsHigh: -1}.WithDefaults()
	require.Equal(t, Config{
		MaxQuestionsLow:    MaxQuestionsLowDefault,
		MaxQuestionsMedium: MaxQuestionsMediumDefault,
		MaxQuestionsHigh:   MaxQuestionsHighDefault,
		CompleteConfidence: CompleteConfidenceDefault,
	}, c)
}

func TestNextWithoutClientMessagesAsksWhatHappened(t *testing.T) {
	t.Parallel()
	turn, err := New(Config{}).Next(context.Background(), clientSays())
	require.NoError(t, err)
	require.False(t, turn.Assessment.Complete)
	require.Contains(t, turn.Reply, questions[topicFacts])
}
