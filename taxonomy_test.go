package triagem_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestTaxonomyHasTheSeventeenAreas(t *testing.T) {
	t.Parallel()
	var names []string
	seen := map[triagem.Subarea]bool{}
	for _, a := range triagem.Taxonomy() {
		names = append(names, a.Name)
		require.True(t, a.ID.Valid())
		require.GreaterOrEqual(t, len(a.Subareas), 5, "%s", a.ID)
		require.Equal(t, a.Subareas[0].ID, a.ID.GeneralSubarea())
		for _, s := range a.Subareas {
			require.False(t, seen[s.ID], "subarea %s appears under two areas", s.ID)
			seen[s.ID] = true
			require.Equal(t, a.ID, s.Area)
			require.True(t, a.ID.Has(s.ID))
			require.NotEmpty(t, triagem.SubareaName(s.ID))
		}
	}
	require.Equal(t, []string{"Trabalhista", "Consumidor", "Família", "Civil", "Criminal", "Previdenciário",
		"Tributário", "Empresarial", "Imobiliário", "Administrativo", "Ambiental", "Bancário", "Saúde",
		"Digital", "Propriedade Intelectual", "Startups", "Regulatório"}, names)
	require.Len(t, triagem.Areas(), 17)
}

func TestParseArea(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]triagem.Area{
		"familia": triagem.AreaFamilia, "Família": triagem.AreaFamilia, " FAMÍLIA ": triagem.AreaFamilia,
		"propriedade intelectual": triagem.AreaPropriedadeIntelectual, "Propriedade Intelectual": triagem.AreaPropriedadeIntelectual,
		"propriedade-intelectual": triagem.AreaPropriedadeIntelectual, "saúde": triagem.AreaSaude,
		"penal": triagem.AreaCriminal, "transito": triagem.AreaAdministrativo,
	} {
		got, err := triagem.ParseArea(in)
		require.NoError(t, err, "%q", in)
		require.Equal(t, want, got, "%q", in)
	}
	for _, bad := range []string{"", "penalidade", "trabalho escravo", "civil2"} {
		_, err := triagem.ParseArea(bad)
		require.Equal(t, triagem.EINVALID, triagem.ErrorCode(err), "%q", bad)
	}
}

func TestUrgencyLevelFor(t *testing.T) {
	t.Parallel()
	for hours, want := range map[int]triagem.UrgencyLevel{
		1: triagem.UrgencyCritical, 12: triagem.UrgencyCritical, 13: triagem.UrgencyHigh, 24: triagem.UrgencyHigh,
		48: triagem.UrgencyMedium, 72: triagem.UrgencyMedium, 73: triagem.UrgencyLow, 720: triagem.UrgencyLow,
		0: triagem.UrgencyLow,
	} {
		require.Equal(t, want, triagem.UrgencyLevelFor(hours).ID, "%d h", hours)
	}
	require.Equal(t, "Alta", triagem.UrgencyLevelFor(24).Name)
}

// TestTriageDataJSON: clients read display names beside the slugs, and a
// result stored before the taxonomy (a slug in "area", no "area_id") reads.
func TestTriageDataJSON(t *testing.T) {
	t.Parallel()
	d := triagem.TriageData{Area: triagem.AreaFamilia, Subarea: "alimentos", UrgencyH: 24,
		AreaAlternatives: []triagem.AreaAlternative{{Area: triagem.AreaCivil, Score: 0.2}}}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(b, &fields))
	require.Equal(t, "Família", fields["area"])
	require.Equal(t, "familia", fields["area_id"])
	require.Equal(t, "Pensão alimentícia", fields["subarea_name"])
	require.Equal(t, "alta", fields["urgency_level"])
	require.Equal(t, "Civil", fields["area_alternatives"].([]any)[0].(map[string]any)["area"])

	var back triagem.TriageData
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, d, back)

	var old triagem.TriageData
	require.NoError(t, json.Unmarshal([]byte(`{"area":"penal","subarea":"prisao"}`), &old))
	require.Equal(t, triagem.AreaCriminal, old.Area)
}
