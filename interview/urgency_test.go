package interview

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// urgencyIn is the urgency of one message read in a given area.
func urgencyIn(text string, area triagem.Area, subarea triagem.Subarea) urgency {
	return readFacts([]string{text}).urgencyOf(area, subarea)
}

func TestUrgencyRules(t *testing.T) {
	t.Parallel()
	civil, general := triagem.AreaCivil, triagem.AreaCivil.GeneralSubarea()
	tests := []struct {
		name, text string
		area       triagem.Area
		subarea    triagem.Subarea
		hours      int
		reason     string // a part of urgency_reason
	}{
		{"hearing tomorrow", "minha audiência é amanhã cedo e ainda não achei advogado", civil, general, 24, "amanhã"},
		{"deadline in days", "o juiz me deu prazo de 5 dias pra juntar os papéis", civil, general, 120, "prazo de 5 dias"},
		{"deadline in hours", "tenho 48h para apresentar a defesa", civil, general, 48, "48h"},
		{"days to leave", "recebi um papel dando 15 dias para desocupar o apartamento", triagem.AreaImobiliario, "locacao", 24, "desocupação"},
		{"next week", "o leilão da casa está marcado pra semana que vem", civil, general, 48, "leilão"},
		{"dated day", "a perícia está marcada para o dia 15 e eu nem tenho os exames", civil, general, 72, "data marcada"},
		{"detained now", "levaram meu irmão preso ontem de noite, ele está na delegacia", triagem.AreaCriminal, "prisao", 12, "presa"},
		{"violence now", "ele me bateu de novo hoje cedo", triagem.AreaCriminal, "violencia_domestica", 12, "violência"},
		{"surgery refused", "o convênio negou a cirurgia do meu pai", triagem.AreaSaude, "plano_saude", 24, "negado"},
		{"intensive care", "minha filha está na UTI e o hospital quer transferir", triagem.AreaSaude, "internacao_cirurgia", 12, "saúde"},
		{"injunction", "preciso de uma liminar para o plano liberar o remédio", triagem.AreaSaude, "plano_saude", 24, "liminar"},
		{"eviction ordered", "o oficial de justiça veio com a ordem de despejo", triagem.AreaImobiliario, "despejo", 24, "despejo"},
		{"time limit running out", "o prazo do recurso vence essa semana e ninguém me ajuda", triagem.AreaPrevidenciario, "beneficio_incapacidade", 48, "prazo"},
		{"account frozen", "bloquearam minha conta por causa de uma penhora", triagem.AreaTributario, "execucao_fiscal", 48, "penhora"},
		{"dismissal without pay", "me mandaram embora faz duas semanas e até hoje nada", triagem.AreaTrabalhista, "rescisao", 72, "rescis"},
		{"no pay in words", "a empresa fechou e não pagou nada pra ninguém", triagem.AreaTrabalhista, "rescisao", 72, ""},
		{"denied benefit", "o INSS indeferiu meu pedido de auxílio", triagem.AreaPrevidenciario, "beneficio_incapacidade", 168, "30 dias"},
		{"traffic fine", "chegou uma multa de um radar que eu nem passei", triagem.AreaAdministrativo, "multa_transito", 168, "notificação"},
		{"usucapiao", "moro no terreno há 20 anos e quero regularizar", triagem.AreaImobiliario, "usucapiao", 720, "usucapião"},
		{"area default", "quero entender meus direitos", triagem.AreaPropriedadeIntelectual, "direito_autoral", 336, "propriedade intelectual"},
		{"summons without a date", "fui citado num processo de cobrança", civil, "cobranca_divida", 72, "citação"},
		{"a named deadline beats the summons guess", "fui citado e tenho prazo de 15 dias para contestar", civil, "cobranca_divida", 360, "15 dias"},
		{"a risk beats a later deadline", "meu filho está preso e o advogado disse que temos 10 dias", triagem.AreaCriminal, "prisao", 12, "presa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := urgencyIn(tt.text, tt.area, tt.subarea)
			require.Equal(t, tt.hours, u.hours, u.reason)
			require.Contains(t, u.reason, tt.reason)
		})
	}
}

func TestUrgencyNegation(t *testing.T) {
	t.Parallel()
	area, sub := triagem.AreaCriminal, triagem.Subarea("crimes_honra")
	usual := defaultUrgency(area, sub).hours
	tests := []struct {
		text  string
		hours int
	}{
		{"ele não foi preso, só prestou depoimento", usual},
		{"nunca me bateu, mas me xinga na frente dos outros", usual},
		{"não tenho audiência marcada ainda", usual},
		{"ele foi preso em 2019 mas já foi solto", usual},
		{"ainda não é urgente, quero só entender", usual},
		{"ele não para de me ameaçar", urgencyThreatH},
		{"ele foi preso hoje de manhã", urgencyDetainedH},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			u := urgencyIn(tt.text, area, sub)
			require.Equal(t, tt.hours, u.hours, u.reason)
		})
	}
}

func TestUrgencyDefaultsCoverEveryArea(t *testing.T) {
	t.Parallel()
	for _, a := range triagem.Taxonomy() {
		_, ok := areaUrgency[a.ID]
		require.True(t, ok, a.ID)
		for _, s := range a.Subareas {
			u := defaultUrgency(a.ID, s.ID)
			require.Positive(t, u.hours, s.ID)
			require.True(t, strings.HasPrefix(u.reason, "sem prazo informado"), s.ID)
		}
	}
	for s := range subareaUrgency {
		require.NotEmpty(t, triagem.SubareaName(s), "%s is not a subarea of the taxonomy", s)
	}
}
