package interview

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

var fuzzSeeds = []string{
	"",
	"Voo cancelado pela companhia",
	"Meu voo da Azul atrasou 10 horas no dia 12/03/2024 em São Paulo|Gastei R$ 850,00|Não sei",
	"FALÊNCIA|liminar amanhã em Recife-PE|R$ 2.500.000,00",
	"há 3 meses|em 5 dias|2 mil reais|Banco do Brasil",
	"\xff\xfe inválido \x00 NUL|e\u0301|R$\xff100",
	"Mato Grosso do|Sul de|DF|Rio de",
	"r$ 9999999999999999999999999999999,99 bilhoes de reais",
}

// fuzzConversation turns "a|b|c" into a greeting and client messages a, b, c
// with the interviewer's real replies in between.
func fuzzConversation(t *testing.T, iv *Interviewer, input string) ([]triagem.Message, triagem.Turn) {
	msgs := []triagem.Message{{Role: triagem.AuthorInterviewer, Text: greeting}}
	var turn triagem.Turn
	for _, text := range strings.SplitN(input, "|", 12) {
		msgs = append(msgs, triagem.Message{Role: triagem.AuthorClient, Text: text})
		var err error
		turn, err = iv.Next(context.Background(), msgs)
		require.NoError(t, err)
		checkTurn(t, turn)
		msgs = append(msgs, triagem.Message{Role: triagem.AuthorInterviewer, Text: turn.Reply})
	}
	return msgs, turn
}

func checkTurn(t *testing.T, turn triagem.Turn) {
	a := turn.Assessment
	require.NotEmpty(t, turn.Reply)
	require.True(t, utf8.ValidString(turn.Reply))
	require.GreaterOrEqual(t, a.Confidence, 0.0)
	require.LessOrEqual(t, a.Confidence, 1.0)
	require.Contains(t, []triagem.Complexity{triagem.ComplexityLow, triagem.ComplexityMedium, triagem.ComplexityHigh}, a.Complexity)
	require.Equal(t, strategyFor(a.Complexity, a.Confidence), a.Strategy)
	for _, m := range a.Missing {
		require.Contains(t, topicNames[:], m)
	}
}

func checkTriageData(t *testing.T, d triagem.TriageData, client []string) {
	lists := [][]string{d.Keywords, d.ComplexityFactors, d.NextSteps, d.Documents, d.Entities.Parties, d.Entities.Dates, d.Entities.Amounts, d.Entities.Locations}
	for _, list := range lists {
		require.NotNil(t, list)
		for _, s := range list {
			require.True(t, utf8.ValidString(s), "%q", s)
			require.NotEmpty(t, s)
		}
	}
	for _, s := range []string{d.Summary, d.UrgencyReason, d.CaseType} {
		require.NotEmpty(t, s)
		require.True(t, utf8.ValidString(s), "%q", s)
	}
	require.True(t, d.Area.Valid(), d.Area)
	require.True(t, d.Area.Has(d.Subarea), "%s/%s", d.Area, d.Subarea)
	require.True(t, d.Sentiment.Valid(), d.Sentiment)
	requireSummaryShape(t, d.Summary, client)
	require.Positive(t, d.UrgencyH)
	require.GreaterOrEqual(t, len(d.NextSteps), minSteps)
	require.LessOrEqual(t, len(d.NextSteps), maxSteps)
	require.NotEmpty(t, d.AreaAlternatives)
	require.LessOrEqual(t, len(d.AreaAlternatives), maxAlternatives)
	require.Equal(t, d.Area, d.AreaAlternatives[0].Area)
	if d.SafetyNotice != "" {
		require.True(t, d.Distress)
		require.Contains(t, d.SafetyNotice, "190")
	}
	require.False(t, slices.Contains(d.Entities.Locations, "pe"))
	_, err := json.Marshal(d)
	require.NoError(t, err)
}

func FuzzNext(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	iv := New(Config{})
	f.Fuzz(func(t *testing.T, input string) {
		fuzzConversation(t, iv, input)
	})
}

func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add("meu marido me bateu|tenho medo dele, não quero mais viver|prazo de 5 dias")
	f.Add("Companhia Brasileira de Transportes Aéreos do Sul de Minas Gerais|R$ 1.000.000,00 em 03/2024|não fui preso")
	iv := New(Config{})
	f.Fuzz(func(t *testing.T, input string) {
		msgs, turn := fuzzConversation(t, iv, input)
		client := clientTexts(msgs)
		checkTriageData(t, Extract(msgs, turn.Assessment), client)
		d, err := NewLexiconAnalyzer().Analyze(context.Background(), triagem.AnalysisInput{Messages: msgs, Assessment: turn.Assessment})
		require.NoError(t, err)
		checkTriageData(t, d, client)
		// Completing a bare answer (a terse model's) gives whole data too.
		bare := triagem.TriageData{Area: d.Area, Subarea: "x", UrgencyH: 9999, Summary: input}
		checkTriageData(t, NewRulesAnalyzer().Complete(context.Background(), triagem.AnalysisInput{Messages: msgs}, bare), client)
	})
}

// benchConversation is the ten client messages of a high-complexity case,
// fillers included, that the engine's benchmarks read.
var benchConversation = []string{
	"Minha empresa entrou em recuperação judicial e há várias partes envolvidas: bancos, fornecedores e sócios.",
	"O pedido foi feito em 10/01/2024 em Belo Horizonte e precisamos de uma liminar urgente.",
	"Temos o contrato social, balanços e os contratos com os credores.",
	"As dívidas somam R$ 2.500.000,00.",
	"Já tentamos negociar com os credores sem sucesso.",
	"Queremos aprovar o plano de recuperação.",
	"Não sei.",
	"A sede fica em Belo Horizonte, MG.",
	"Não tenho mais detalhes.",
	"Foi isso.",
}

func BenchmarkNext(b *testing.B) {
	lines := benchConversation
	iv := New(Config{MaxQuestionsHigh: 100})
	msgs := []triagem.Message{{Role: triagem.AuthorInterviewer, Text: greeting}}
	for _, line := range lines {
		msgs = append(msgs, triagem.Message{Role: triagem.AuthorClient, Text: line})
		turn, err := iv.Next(context.Background(), msgs)
		require.NoError(b, err)
		msgs = append(msgs, triagem.Message{Role: triagem.AuthorInterviewer, Text: turn.Reply})
	}
	msgs = msgs[:len(msgs)-1] // end on the client's tenth message
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iv.Next(context.Background(), msgs); err != nil {
			b.Fatal(err)
		}
	}
}
