package interview

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// Sentences written for these tests, not taken from the corpus: one table
// per area, colloquial, some without accents or with typos.
func TestAssessmentAreaPerArea(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text    string
		area    triagem.Area
		subarea triagem.Subarea // "" when any subarea of the area will do
	}{
		{"a firma me dispensou mes passado e ate agora nao fizeram meu acerto", triagem.AreaTrabalhista, "rescisao"},
		{"Trabalho de domingo a domingo no mercado e nunca recebi hora extra.", triagem.AreaTrabalhista, "jornada"},
		{"trampei 2 anos na oficina sem carteira assinada", triagem.AreaTrabalhista, "vinculo"},
		{"nao fui demitido, eu pedi as contas e a firma nao pagou minhas ferias", triagem.AreaTrabalhista, "rescisao"},
		{"não é plano de saúde, é a academia que não quer cancelar minha matrícula", triagem.AreaConsumidor, ""},
		{"A companhia aérea perdeu minha mala na volta de Salvador.", triagem.AreaConsumidor, "transporte_aereo"},
		{"comprei uma geladeira que veio com defeito e a loja nao quer trocar", triagem.AreaConsumidor, "produto_defeituoso"},
		{"a operadora de internet me cobra um plano que eu cancelei faz tempo", triagem.AreaConsumidor, ""},
		{"meu ex nao paga a pensao dos meninos desde janeiro", triagem.AreaFamilia, "alimentos"},
		{"Quero me divorciar, estamos casados há 9 anos e temos um apartamento.", triagem.AreaFamilia, "divorcio"},
		{"meu pai morreu e meus irmaos nao querem fazer o inventario da casa", triagem.AreaFamilia, "sucessoes"},
		{"O vizinho de cima faz barulho de madrugada toda semana.", triagem.AreaCivil, "vizinhanca"},
		{"emprestei 3 mil pro meu cunhado e ele nao me devolve", triagem.AreaCivil, "cobranca_divida"},
		{"um carro bateu na traseira da minha moto no sinal e o motorista nao quer pagar o conserto", triagem.AreaCivil, "acidente_transito"},
		{"Meu filho foi preso ontem à noite e está na delegacia.", triagem.AreaCriminal, "prisao"},
		{"meu marido me bate quando bebe e eu tenho medo", triagem.AreaCriminal, "violencia_domestica"},
		{"o INSS negou meu auxilio doença mesmo com o laudo do medico", triagem.AreaPrevidenciario, "beneficio_incapacidade"},
		{"Tenho 63 anos e 30 de contribuição, quero saber se já posso me aposentar.", triagem.AreaPrevidenciario, "aposentadoria"},
		{"cai na malha fina por causa de um recibo medico", triagem.AreaTributario, "imposto_renda"},
		{"A prefeitura está cobrando IPTU atrasado de 2019 de um terreno meu.", triagem.AreaTributario, "iptu_ipva"},
		{"Meu sócio na Ltda está tirando dinheiro do caixa sem me avisar.", triagem.AreaEmpresarial, "societario"},
		{"nossa empresa vai pedir recuperação judicial, devemos para muitos fornecedores", triagem.AreaEmpresarial, "recuperacao_judicial"},
		{"o inquilino nao paga o aluguel faz 4 meses", triagem.AreaImobiliario, "locacao"},
		{"A construtora atrasou a entrega do apartamento em mais de um ano.", triagem.AreaImobiliario, "atraso_obra"},
		{"o sindico aplicou multa por causa do meu cachorro", triagem.AreaImobiliario, "condominio"},
		{"levei uma multa de radar mas nao era eu dirigindo", triagem.AreaAdministrativo, "multa_transito"},
		{"Fui aprovado no concurso da prefeitura e não me chamaram até hoje.", triagem.AreaAdministrativo, "concurso_publico"},
		{"O Ibama me multou por desmatar uma parte do sítio.", triagem.AreaAmbiental, ""},
		{"uma fabrica ta jogando esgoto no rio aqui perto de casa", triagem.AreaAmbiental, "poluicao"},
		{"apareceu um emprestimo consignado na minha aposentadoria que eu nao fiz", triagem.AreaBancario, "consignado"},
		{"Caí no golpe da falsa central do banco e fiz um Pix de 5 mil.", triagem.AreaBancario, "fraude_bancaria"},
		{"o plano de saude negou a cirurgia que o medico pediu com urgencia", triagem.AreaSaude, "plano_saude"},
		{"o posto de saúde não tem o remédio de alto custo da minha mãe pelo SUS", triagem.AreaSaude, "medicamento_sus"},
		{"hackearam meu instagram e estao pedindo dinheiro pros meus seguidores", triagem.AreaDigital, "conta_invadida"},
		{"Vazaram fotos íntimas minhas num grupo de WhatsApp.", triagem.AreaDigital, "exposicao_intima"},
		{"Uma loja está usando o mesmo nome e logotipo da minha marca registrada no INPI.", triagem.AreaPropriedadeIntelectual, "marca"},
		{"um canal copiou minhas musicas e ta ganhando dinheiro com elas", triagem.AreaPropriedadeIntelectual, "direito_autoral"},
		{"Somos dois fundadores de uma startup e um investidor anjo quer entrar com mútuo conversível.", triagem.AreaStartups, "investimento"},
		{"queremos colocar vesting com cliff de 1 ano para o cofundador", triagem.AreaStartups, "vesting"},
		{"Preciso registrar um cosmético que fabricamos na Anvisa antes de vender.", triagem.AreaRegulatorio, "anvisa"},
		{"somos um provedor de internet pequeno e precisamos da autorização da Anatel", triagem.AreaRegulatorio, "telecom_regulatorio"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			a := assess(t, tt.text)
			require.Equal(t, tt.area, a.Area)
			require.True(t, tt.area.Has(a.Subarea), "subarea %q under %q", a.Subarea, a.Area)
			if tt.subarea != "" {
				require.Equal(t, tt.subarea, a.Subarea)
			}
			require.Equal(t, strategyFor(a.Complexity, a.Confidence), a.Strategy)
			require.GreaterOrEqual(t, a.Confidence, 0.0)
			require.LessOrEqual(t, a.Confidence, 1.0)
		})
	}
}

func TestAssessmentComplexityAndStrategy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text       string
		complexity triagem.Complexity
	}{
		{"A empresa entrou com pedido de recuperação judicial.", triagem.ComplexityHigh},
		{"FALÊNCIA", triagem.ComplexityHigh},
		{"Tenho uma disputa societária com meu sócio na Ltda.", triagem.ComplexityHigh},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			a := assess(t, tt.text)
			require.Equal(t, tt.complexity, a.Complexity)
			require.Equal(t, strategyFor(a.Complexity, a.Confidence), a.Strategy)
		})
	}
}

func TestStrategyForAnUnsureSimpleCaseIsFailover(t *testing.T) {
	t.Parallel()
	require.Equal(t, triagem.StrategySimple, strategyFor(triagem.ComplexityLow, 0.8))
	require.Equal(t, triagem.StrategyFailover, strategyFor(triagem.ComplexityLow, 0.3))
	require.Equal(t, triagem.StrategyEnsemble, strategyFor(triagem.ComplexityHigh, 0.3))
}

// Accents, case and whole words: "marcação" is not "marca", "pela" is not
// "PE".
func TestAssessmentIgnoresAccentsAndCase(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"FALÊNCIA DA EMPRESA", "falencia da empresa", "Falência da empresa"} {
		require.Equal(t, triagem.AreaEmpresarial, assess(t, text).Area, text)
	}
	require.NotEqual(t, triagem.AreaPropriedadeIntelectual, assess(t, "Preciso de marcação de consulta no hospital.").Area)
}

func TestFlightCancelledPelaIsNotPE(t *testing.T) {
	t.Parallel()
	a := assess(t, "Voo cancelado pela companhia")
	require.Equal(t, triagem.AreaConsumidor, a.Area)
	require.Equal(t, triagem.Subarea("transporte_aereo"), a.Subarea)
	est := defaultModel().estimateArea([]string{"Voo cancelado pela companhia"})
	require.Equal(t, "cancelamento_voo", est.CaseType)
}

// "Não fui demitido" is still about work, but is no evidence of a
// dismissal.
func TestNegatedTermsDoNotCountForTheirSubarea(t *testing.T) {
	t.Parallel()
	terms := sharedTerms()
	area, sub := terms.score(stemTokens([]string{"não fui demitido"}))
	require.Zero(t, sub["rescisao"])
	require.Positive(t, area[triagem.AreaTrabalhista])
	areaPlain, subPlain := terms.score(stemTokens([]string{"fui demitido"}))
	require.Positive(t, subPlain["rescisao"])
	require.Greater(t, areaPlain[triagem.AreaTrabalhista], area[triagem.AreaTrabalhista])

	// A phrase that is itself a negation is not negated by its own "não".
	_, sub = terms.score(stemTokens([]string{"eles não assinaram a carteira"}))
	require.Positive(t, sub["vinculo"])
}

// Filler turns answer a question but say nothing about the area: they must
// not move the estimate.
func TestFillerTurnsDoNotDiluteTheEstimate(t *testing.T) {
	t.Parallel()
	m := defaultModel()
	base := []string{"o plano de saude negou a quimioterapia da minha mae"}
	want := m.estimateArea(base)
	for _, fillers := range [][]string{{"não sei"}, {"ok", "só isso"}, {"Não sei.", "Não lembro.", "sim", "ok obrigado"}} {
		got := m.estimateArea(append(append([]string{}, base...), fillers...))
		require.Equal(t, want, got, "fillers %q", fillers)
	}
	require.True(t, isFiller("Não sei."))
	require.True(t, isFiller("ok"))
	require.False(t, isFiller("Não sei se foi demitido ou se pediram para eu sair da empresa."))
}

func TestEstimateRanksAreasAndScoresSumToOne(t *testing.T) {
	t.Parallel()
	est := defaultModel().estimateArea([]string{"fui demitido e o banco bloqueou minha conta"})
	require.NotEmpty(t, est.Ranked)
	sum := 0.0
	for i, r := range est.Ranked {
		require.Positive(t, r.Score)
		if i > 0 {
			require.LessOrEqual(t, r.Score, est.Ranked[i-1].Score)
		}
		sum += r.Score
	}
	require.InDelta(t, 1, sum, 1e-9)
	require.Equal(t, est.Ranked[0].Area, est.Area)
	require.GreaterOrEqual(t, est.Evidence, 0.0)
	require.LessOrEqual(t, est.Evidence, 1.0)
	empty := defaultModel().estimateArea(nil)
	require.Zero(t, empty.Evidence)
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
	// Nothing in these words covers a topic or points to an area, so the
	// interviewer walks the general list in order, and each "não sei"
	// answers the question asked.
	cfg := Config{MaxQuestionsLow: 20, MaxQuestionsMedium: 20, MaxQuestionsHigh: 20}
	_, turns := talk(t, New(cfg), []string{"Olá, tenho um problema."}, "Não sei.", "Não tenho.", "Não lembro.")
	asked := questionTopics(turns)
	require.Equal(t, []string{"fatos", "datas", "partes", "documentos", "valores", "tentativas", "prazos"}, asked[:7])
	for _, turn := range turns[:len(turns)-1] {
		require.LessOrEqual(t, strings.Count(turn.Reply, "?"), 1, "one question at a time: %q", turn.Reply)
	}
}

func TestNextSkipsTopicsTheClientAlreadyCovered(t *testing.T) {
	t.Parallel()
	_, turns := talk(t, New(Config{}), []string{
		"Meu voo da Azul atrasou 10 horas ontem e perdi uma reunião.",
		"Tenho os e-mails da companhia.",
	}, "Não sei.")
	// fatos, datas and partes were in the first message (so the consumer
	// question "which company, when?" is not asked), documentos and
	// tentativas in the answer to the protocol question.
	protocol := "fato: " + factQuestions[triagem.AreaConsumidor][1].text
	require.Equal(t, []string{protocol, "valores", "prazos", ""}, questionTopics(turns))
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
	deadline := factQuestions[triagem.AreaAdministrativo][1]
	require.Contains(t, turn.Reply, deadline.text)
	require.Contains(t, turn.Assessment.Missing, "prazos")

	msgs = append(msgs,
		triagem.Message{Role: triagem.AuthorInterviewer, Text: turn.Reply},
		triagem.Message{Role: triagem.AuthorClient, Text: "Não sei"})
	turn, err = iv.Next(context.Background(), msgs)
	require.NoError(t, err)
	require.NotContains(t, turn.Assessment.Missing, "prazos", "the deadline question covers the deadline topic")
	require.Contains(t, turn.Reply, questionFor(topicDocuments, triagem.AreaAdministrativo))
	require.True(t, strings.HasPrefix(turn.Reply, "Sem problemas."), "a non-answer is acknowledged kindly: %q", turn.Reply)
}

// Each area asks first for the facts its lawyers need.
func TestNextAsksTheFactsOfTheArea(t *testing.T) {
	t.Parallel()
	tests := []struct {
		first string
		want  string // a word of the question expected among the first replies
	}{
		{"fui mandado embora da loja e nao me pagaram nada", "carteira assinada"},
		{"meu irmao foi pego pela policia com umas coisas que nao eram dele", "preso ou detido"},
		{"quero pedir pensao pro pai dos meus filhos", "idades"},
		{"o INSS cortou meu beneficio sem explicacao", "Qual benefício"},
		{"comprei um sofa numa loja e ate hoje nao entregaram", "protocolo"},
	}
	for _, tt := range tests {
		t.Run(tt.first, func(t *testing.T) {
			t.Parallel()
			_, turns := talk(t, New(Config{}), []string{tt.first}, "Não sei.")
			var replies []string
			for _, turn := range turns {
				replies = append(replies, turn.Reply)
			}
			require.Contains(t, strings.Join(replies, "\n"), tt.want)
		})
	}
}

// A labour case is never asked about Procon, a boletim de ocorrência or an
// ordem de despejo.
func TestLabourCaseIsNotAskedAboutOtherAreas(t *testing.T) {
	t.Parallel()
	for _, first := range []string{
		"Fui demitido e a empresa não pagou minha rescisão.",
		"trabalho sem carteira faz 3 anos numa padaria",
		"meu chefe me humilha na frente dos colegas todo dia",
	} {
		_, turns := talk(t, New(Config{}), []string{first}, "Não sei.", "Não tenho.")
		for _, turn := range turns {
			require.Equal(t, triagem.AreaTrabalhista, turn.Assessment.Area, first)
			for _, word := range []string{"Procon", "boletim de ocorrência", "despejo"} {
				require.NotContains(t, turn.Reply, word, first)
			}
		}
	}
}

// People never see an internal label: no slug, strategy or topic code.
func TestRepliesNeverShowInternalLabels(t *testing.T) {
	t.Parallel()
	// Slugs that are not words a person would write: with an underscore,
	// or a display name written without its accents ("previdenciario").
	var labels []string
	for _, info := range triagem.Taxonomy() {
		if strings.Contains(string(info.ID), "_") || string(info.ID) != strings.ToLower(info.Name) {
			labels = append(labels, string(info.ID))
		}
		for _, s := range info.Subareas {
			if strings.Contains(string(s.ID), "_") || s.ID == "rescisao" || s.ID == "divorcio" || s.ID == "usucapiao" {
				labels = append(labels, string(s.ID))
			}
		}
	}
	labels = append(labels, "failover", "simple", "ensemble", "fatos", "objetivo")
	for _, first := range []string{
		"fui demitido", "meu voo atrasou", "quero me divorciar", "o plano negou a cirurgia", "meu instagram foi hackeado",
		"preciso registrar minha marca", "temos uma startup", "multa ambiental do Ibama", "Olá.",
	} {
		_, turns := talk(t, New(Config{}), []string{first}, "Não sei.")
		for _, turn := range turns {
			words := strings.FieldsFunc(turn.Reply, func(r rune) bool {
				return r == ' ' || r == ',' || r == '.' || r == '?' || r == '(' || r == ')' || r == ':'
			})
			for _, w := range words {
				require.NotContains(t, labels, w, "%q in %q", w, turn.Reply)
			}
		}
	}
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
	// Limits below what each case has to ask, so that the limit of the
	// case's complexity is what ends it.
	cfg := Config{MaxQuestionsLow: 3, MaxQuestionsMedium: 4, MaxQuestionsHigh: 5}
	for _, first := range []string{
		"Olá, tenho um problema.",
		"Recebi uma multa de trânsito.",
		"Fui demitido.",
		"Minha empresa entrou em recuperação judicial.",
	} {
		_, turns := talk(t, New(cfg), []string{first}, "Não sei.", "Ok.")
		last := turns[len(turns)-1]
		require.True(t, last.Assessment.Complete)
		require.Len(t, turns, New(cfg).limit(last.Assessment.Complexity)+1, "%q: the limit's questions, then the closing message", first)
		require.Contains(t, last.Reply, "análise")
		for _, turn := range turns[:len(turns)-1] {
			require.False(t, turn.Assessment.Complete)
		}
	}
	// The defaults: 5, 8 and 10.
	iv := New(Config{})
	require.Equal(t, []int{5, 8, 10}, []int{iv.limit(triagem.ComplexityLow), iv.limit(triagem.ComplexityMedium), iv.limit(triagem.ComplexityHigh)})
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
