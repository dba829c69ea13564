package interview

import (
	"encoding/json"
	"testing"

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
		{"Saí da empresa em 03/2024.", []string{"03/2024"}},
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
		{"Moro em Cametá e o Sítio Boa Esperança é do meu tio.", []string{"Sítio Boa Esperança"}},
		{"A loja fica no Norte e o CNPJ dela é de uma tal de Mercantil Alvorada.", []string{"loja", "Mercantil Alvorada"}},
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
		{"O acidente foi em Caruaru.", []string{"Caruaru"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, extract(tt.text).Entities.Locations)
		})
	}
}

func TestExtractAmountsDropTheSentenceFullStop(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"R$ 3.000"}, extract("Me devem R$ 3.000. Preciso receber.").Entities.Amounts)
}

func TestExtractDeadlines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []int // hours
	}{
		{"O juiz deu prazo de 5 dias.", []int{120}},
		{"tenho 48h pra resolver", []int{48}},
		{"Daqui a duas semanas acaba tudo.", []int{336}},
		{"Recebi 15 dias para desocupar a casa.", []int{360}},
		{"Faltam 3 dias para o leilão.", []int{72}},
		{"O celular quebrou em 2 dias de uso.", nil},
		{"Trabalho 12h por dia sem folga.", nil},
		{"Faz 5 dias que ninguém me responde.", nil},
		{"Há 3 semanas espero o reembolso.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			var got []int
			for _, d := range readFacts([]string{tt.text}).reading().deadlines {
				got = append(got, d.hours)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestExtractFallsBackToTheAssessmentArea(t *testing.T) {
	t.Parallel()
	d := Extract(clientSays("Olá."), triagem.Assessment{Area: triagem.AreaFamilia, Subarea: "guarda"})
	require.Equal(t, triagem.AreaFamilia, d.Area)
	require.Equal(t, triagem.Subarea("guarda"), d.Subarea)
	d = Extract(clientSays("Olá."), triagem.Assessment{Area: triagem.AreaFamilia, Subarea: "multa_transito"})
	require.Equal(t, triagem.Subarea("divorcio"), d.Subarea, "a subarea of another area falls back to the general one")
}

func TestExtractAreaAndSubareaAgree(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"", "Olá.", "Meu voo atrasou.", "fui mandado embora e nao me pagaram nada", "A construtora atrasou a obra do apartamento."} {
		d := extract(text)
		require.True(t, d.Area.Valid(), text)
		require.True(t, d.Area.Has(d.Subarea), "%q: %s/%s", text, d.Area, d.Subarea)
	}
}

func TestExtractAreaAlternatives(t *testing.T) {
	t.Parallel()
	d := extract("Fui demitido e a empresa não depositou o FGTS.")
	require.NotEmpty(t, d.AreaAlternatives)
	require.LessOrEqual(t, len(d.AreaAlternatives), 3)
	require.Equal(t, d.Area, d.AreaAlternatives[0].Area, "the chosen area comes first")
	for i, alt := range d.AreaAlternatives {
		require.True(t, alt.Area.Valid())
		require.GreaterOrEqual(t, alt.Score, 0.0)
		require.LessOrEqual(t, alt.Score, 1.0)
		if i > 0 {
			require.NotEqual(t, d.Area, alt.Area)
		}
	}
}

func TestAlternativesPutTheChosenAreaFirst(t *testing.T) {
	t.Parallel()
	est := areaEstimate{Ranked: []triagem.AreaAlternative{
		{Area: triagem.AreaCivil, Score: 0.5}, {Area: triagem.AreaConsumidor, Score: 0.3}, {Area: triagem.AreaBancario, Score: 0.1}, {Area: triagem.AreaDigital, Score: 0.1},
	}}
	got := alternatives(est, triagem.AreaBancario)
	require.Equal(t, []triagem.AreaAlternative{{Area: triagem.AreaBancario, Score: 0.1}, {Area: triagem.AreaCivil, Score: 0.5}, {Area: triagem.AreaConsumidor, Score: 0.3}}, got)
	require.Equal(t, []triagem.AreaAlternative{{Area: triagem.AreaSaude, Score: 1}}, alternatives(areaEstimate{}, triagem.AreaSaude))
}

func TestExtractSlicesAreNeverNil(t *testing.T) {
	t.Parallel()
	for _, d := range []triagem.TriageData{Extract(nil, triagem.Assessment{}), extract(""), extract("Olá.")} {
		b, err := json.Marshal(d)
		require.NoError(t, err)
		require.NotContains(t, string(b), "null")
		require.Positive(t, d.UrgencyH)
		require.NotEmpty(t, d.UrgencyReason)
		require.NotEmpty(t, d.Summary)
		require.True(t, d.Sentiment.Valid())
		require.GreaterOrEqual(t, len(d.NextSteps), 2)
	}
}
