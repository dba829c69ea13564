package interview

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestNextStepsForEveryAreaAndSubarea(t *testing.T) {
	t.Parallel()
	calm := readFacts([]string{"gostaria de uma orientação"})
	for _, a := range triagem.Taxonomy() {
		for _, s := range a.Subareas {
			steps := nextSteps(a.ID, s.ID, calm)
			require.GreaterOrEqual(t, len(steps), minSteps, "%s/%s", a.ID, s.ID)
			require.LessOrEqual(t, len(steps), maxSteps, "%s/%s", a.ID, s.ID)
			docs := documentsFor(a.ID, s.ID)
			require.NotEmpty(t, docs, "%s/%s", a.ID, s.ID)
			require.LessOrEqual(t, len(docs), maxDocuments)
			for _, list := range [][]string{steps, docs} {
				seen := map[string]bool{}
				for _, item := range list {
					require.NotEmpty(t, item)
					require.False(t, seen[item], "repeated: %s", item)
					seen[item] = true
				}
			}
		}
	}
}

func TestGuidanceTablesNameRealSubareas(t *testing.T) {
	t.Parallel()
	for s := range subareaGuidance {
		require.NotEmpty(t, triagem.SubareaName(s), s)
	}
	for a := range areaGuidance {
		require.True(t, a.Valid(), a)
	}
	require.Len(t, areaGuidance, len(triagem.Areas()))
}

func TestNextStepsPointWhereToGo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		area    triagem.Area
		subarea triagem.Subarea
		want    string
		notWant []string
	}{
		{triagem.AreaTrabalhista, "rescisao", "Justiça do Trabalho", []string{"Procon", "boletim de ocorrência", "despejo"}},
		{triagem.AreaConsumidor, "cobranca_indevida", "consumidor.gov.br", nil},
		{triagem.AreaPrevidenciario, "beneficio_incapacidade", "Meu INSS", nil},
		{triagem.AreaSaude, "plano_saude", "ANS", nil},
		{triagem.AreaBancario, "emprestimo_juros", "Registrato", nil},
		{triagem.AreaCriminal, "violencia_domestica", "Delegacia da Mulher", nil},
		{triagem.AreaPropriedadeIntelectual, "marca", "INPI", nil},
		{triagem.AreaFamilia, "alimentos", "Defensoria Pública", nil},
	}
	for _, tt := range tests {
		steps := strings.Join(nextSteps(tt.area, tt.subarea, nil), " | ")
		require.Contains(t, steps, tt.want, "%s/%s", tt.area, tt.subarea)
		for _, w := range tt.notWant {
			require.NotContains(t, steps, w)
		}
	}
}

func TestDeadlineListEntriesAreWellFormed(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, legalDeadlines)
	ids := map[string]bool{}
	claimed := map[triagem.Subarea]string{}
	for _, d := range legalDeadlines {
		require.NotEmpty(t, d.ID)
		require.False(t, ids[d.ID], "duplicate id %s", d.ID)
		ids[d.ID] = true
		require.True(t, d.Area.Valid(), d.ID)
		require.NotEmpty(t, d.Text, d.ID)
		require.True(t, strings.HasSuffix(d.Text, "."), d.ID)
		require.NotEmpty(t, d.Source, "%s names no source", d.ID)
		require.Regexp(t, `(?i)(art\.|lei|decreto|constituição|código|convenção)`, d.Source, d.ID)
		for _, s := range d.Subareas {
			require.True(t, d.Area.Has(s), "%s: %s is not under %s", d.ID, s, d.Area)
			require.Empty(t, claimed[s], "%s and %s both claim %s", claimed[s], d.ID, s)
			claimed[s] = d.ID
		}
	}
	var raw []map[string]any
	require.NoError(t, json.Unmarshal(deadlinesJSON, &raw))
	for _, e := range raw {
		for k := range e {
			require.Contains(t, []string{"id", "area", "subareas", "text", "source"}, k, "unknown field")
		}
	}
}

func TestDeadlineWarning(t *testing.T) {
	t.Parallel()
	require.Contains(t, deadlineWarning(triagem.AreaTrabalhista, "jornada"), "Constituição Federal, art. 7º, XXIX")
	require.Contains(t, deadlineWarning(triagem.AreaTrabalhista, "rescisao"), "CLT, art. 477")
	require.Contains(t, deadlineWarning(triagem.AreaConsumidor, "produto_defeituoso"), "art. 26")
	require.Contains(t, deadlineWarning(triagem.AreaPrevidenciario, "beneficio_incapacidade"), "30 dias")
	require.Empty(t, deadlineWarning(triagem.AreaStartups, "investimento"), "no well-established limit: no warning")
	require.Empty(t, deadlineWarning(triagem.AreaConsumidor, "cobranca_indevida"))
}
