package interview

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func extract(texts ...string) triagem.TriageData {
	return Extract(clientSays(texts...), triagem.Assessment{})
}

func TestExtractDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Aconteceu em 12/03/2024.", []string{"12/03/2024"}},
		{"Foi no dia 12/03/2024, e de novo em 5/4.", []string{"12/03/2024", "5/4"}},
		{"Foi ontem.", []string{"ontem"}},
		{"Foi na semana passada.", []string{"semana passada"}},
		{"Começou HÁ 3 MESES.", []string{"HÁ 3 MESES"}},
		{"Faz dois anos que espero.", []string{"Faz dois anos"}},
		{"Em 15 de março de 2024 assinei.", []string{"15 de março de 2024"}},
		{"Foi em março.", []string{"março"}},
		{"Trabalho lá desde 2021.", []string{"2021"}},
		{"Foi na segunda-feira.", []string{"segunda-feira"}},
		{"A audiência é amanhã.", []string{"amanhã"}},
		{"Dividimos 50/50 e 13/13.", []string{}},
		{"Trabalhei por 3 anos.", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, extract(tt.text).Entities.Dates)
		})
	}
}

func TestExtractAmounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Paguei R$ 1.500,00 pela passagem.", []string{"R$ 1.500,00"}},
		{"Paguei R$1.500 e mais R$ 20,50.", []string{"R$1.500", "R$ 20,50"}},
		{"Perdi 2 mil reais.", []string{"2 mil reais"}},
		{"Gastei mil reais.", []string{"mil reais"}},
		{"Devem dois mil reais.", []string{"dois mil reais"}},
		{"Pagamos 350 reais.", []string{"350 reais"}},
		{"A dívida é de 1,5 milhão de reais.", []string{"1,5 milhão de reais"}},
		{"Paguei US$ 300 na taxa.", []string{"US$ 300"}},
		{"O voo atrasou 10 horas.", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, extract(tt.text).Entities.Amounts)
		})
	}
}

func TestAmountValue(t *testing.T) {
	t.Parallel()
	require.InDelta(t, 1500, amountValue(fold("R$ 1.500,00")), 1e-9)
	require.InDelta(t, 2000, amountValue(fold("2 mil reais")), 1e-9)
	require.InDelta(t, 1000, amountValue(fold("mil reais")), 1e-9)
	require.InDelta(t, 1.5e6, amountValue(fold("1,5 milhão de reais")), 1e-9)
	require.InDelta(t, 2.5e6, amountValue(fold("R$ 2.500.000,00")), 1e-9)
}

func TestExtractParties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Meu voo da Azul atrasou.", []string{"Azul"}},
		{"Tenho conta no Banco do Brasil e o banco me cobrou.", []string{"Banco do Brasil"}},
		{"O meu empregador não pagou.", []string{"empregador"}},
		{"A companhia aérea cancelou.", []string{"companhia aérea"}},
		{"Meu vizinho e o locador brigaram.", []string{"vizinho", "locador"}},
		{"Azul cancelou.", []string{}},                      // a capital at the start of a sentence says nothing
		{"Moro em São Paulo com meu pai.", []string{"pai"}}, // a place is not a party
		{"Processei a Vivo e a Claro, e o Procon ajudou.", []string{"Vivo", "Claro"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, extract(tt.text).Entities.Parties)
		})
	}
}

func TestExtractLocations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Moro em São Paulo.", []string{"São Paulo"}},
		{"moro em sao paulo", []string{"sao paulo"}},
		{"Aconteceu em Recife-PE.", []string{"Recife", "PE"}},
		{"Sou de Porto Alegre, RS.", []string{"Porto Alegre", "RS"}},
		{"O caso é em SP.", []string{"SP"}},
		{"Moro no Rio Grande do Sul.", []string{"Rio Grande do Sul"}},
		{"Voo cancelado pela companhia", []string{}},
		{"Fui pe na estrada, pe.", []string{}},
		{"Para resolver isso fui para casa.", []string{}},
		{"Moro no Pará.", []string{"Pará"}},
		{"Passei o Natal em Natal.", []string{"Natal"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, extract(tt.text).Entities.Locations)
		})
	}
}

func TestExtractUrgency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text     string
		atMostH  int
		atLeastH int
	}{
		{"Preciso de uma liminar para operar.", 1, 24},
		{"Tenho audiência amanhã.", 1, 24},
		{"Meu filho foi preso.", 1, 24},
		{"Recebi uma ordem de despejo.", 1, 24},
		{"Tenho que responder em 5 dias.", 120, 120},
		{"O prazo de 48 horas acaba.", 48, 48},
		{"Tenho audiência marcada.", 72, 72},
		{"Recebi uma cobrança indevida.", 240, 240}, // consumidor, no deadline named
		{"Caí em um golpe.", 48, 48},                // penal, no deadline named
		{"Olá.", 360, 360},                          // no area: civil, the fallback
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := extract(tt.text).UrgencyH
			require.GreaterOrEqual(t, got, min(tt.atMostH, tt.atLeastH))
			require.LessOrEqual(t, got, tt.atLeastH)
		})
	}
}

func TestExtractSentiment(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"Estou desesperado com essa situação.", "negativo"},
		{"Estou revoltado.", "negativo"},
		{"É urgente, por favor.", "urgente"},
		{"Estou revoltado e é urgente.", "urgente"},
		{"Muito obrigado pela ajuda.", "positivo"},
		{"Meu voo atrasou.", "neutro"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, extract(tt.text).Sentiment)
		})
	}
}

func TestExtractCaseType(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"Meu voo atrasou 5 horas.", "atraso_voo"},
		{"Voo cancelado pela companhia", "cancelamento_voo"},
		{"Levei uma multa de trânsito.", "multa_transito"},
		{"Fui multado pelo radar com o carro.", "multa_transito"},
		{"Recebi uma cobrança indevida.", "cobranca_indevida"},
		{"Meu nome foi negativado no Serasa.", "negativacao_indevida"},
		{"Fui demitido sem justa causa.", "rescisao_trabalhista"},
		{"Nunca recebi minhas horas extras.", "horas_extras"},
		{"Quero o divórcio.", "divorcio"},
		{"Ele não paga a pensão alimentícia.", "pensao_alimenticia"},
		{"A empresa está em recuperação judicial.", "recuperacao_judicial"},
		{"O fornecedor pediu falência.", "falencia"},
		{"Quero fazer o registro de marca.", "registro_marca"},
		{"Tenho uma patente.", "patente"},
		{"Recebi uma ordem de despejo.", "despejo"},
		{"Quero entrar com usucapião do terreno.", "usucapiao"},
		{"Olá, tudo bem?", "outro"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, extract(tt.text).CaseType)
		})
	}
}

func TestExtractFallsBackToTheAssessmentArea(t *testing.T) {
	t.Parallel()
	d := Extract(clientSays("Olá."), triagem.Assessment{Area: "familia", Subarea: "guarda"})
	require.Equal(t, "familia", d.Area)
	require.Equal(t, "guarda", d.Subarea)
	require.Equal(t, "outro", d.CaseType)
	d = extract("Olá.")
	require.Equal(t, "civil", d.Area)
	require.Equal(t, "geral", d.Subarea)
}

func TestExtractSummary(t *testing.T) {
	t.Parallel()
	d := extract("Meu voo atrasou 5 horas", "Não sei.", "Tenho  os\n e-mails.")
	require.Equal(t, "Atraso de voo: Meu voo atrasou 5 horas. Tenho os e-mails.", d.Summary, "no 'não sei', whitespace collapsed")

	long := strings.Repeat("Meu vizinho faz muito barulho durante a noite inteira. ", 20)
	d = extract(long)
	require.LessOrEqual(t, utf8.RuneCountInString(d.Summary), maxSummaryRunes)
	require.True(t, strings.HasSuffix(d.Summary, "…"))
	require.True(t, strings.HasPrefix(d.Summary, "Conflito de vizinhança: Meu vizinho"))
	require.NotContains(t, d.Summary, " …", "cut on a word boundary")
}

func TestExtractKeywordsAreMatchedTermsOnce(t *testing.T) {
	t.Parallel()
	d := extract("Meu voo atrasou. O voo atrasou de novo e preciso de uma liminar.")
	require.Equal(t, []string{"voo", "atrasou", "liminar"}, d.Keywords)
}

func TestExtractSlicesAreNeverNil(t *testing.T) {
	t.Parallel()
	for _, d := range []triagem.TriageData{Extract(nil, triagem.Assessment{}), extract(""), extract("Olá.")} {
		b, err := json.Marshal(d)
		require.NoError(t, err)
		require.NotContains(t, string(b), "null")
		require.Positive(t, d.UrgencyH)
		require.NotEmpty(t, d.Summary)
	}
}
