package sqlstore_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/testenv"
	"github.com/triagem/triagem/sqlstore"
)

// TestMigrateTaxonomy stores cases and results the way releases before the
// 17-area taxonomy did ("penal", "transito", subareas since renamed) and
// checks that migration 002 reads them back under today's names.
func TestMigrateTaxonomy(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		testMigrateTaxonomy(t, filepath.Join(t.TempDir(), "old.db"), nil)
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		url := testenv.PostgresURL(t)
		testMigrateTaxonomy(t, url, []sqlstore.Option{sqlstore.WithSchema(newTestSchema(t, url))})
	})
}

func testMigrateTaxonomy(t *testing.T, dsn string, opts []sqlstore.Option) {
	ctx := t.Context()
	store, err := sqlstore.Open(ctx, dsn, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	require.NoError(t, store.MigrateTo(ctx, 1))

	type legacy struct {
		id, area, subarea string
		result            bool
		wantArea          triagem.Area
		wantSubarea       triagem.Subarea
	}
	cases := []legacy{
		{"00000000-0000-4000-8000-000000000001", "penal", "prisao", true, triagem.AreaCriminal, "prisao"},
		{"00000000-0000-4000-8000-000000000002", "transito", "acidente", true, triagem.AreaCivil, "acidente_transito"},
		{"00000000-0000-4000-8000-000000000003", "transito", "multa", true, triagem.AreaAdministrativo, "multa_transito"},
		{"00000000-0000-4000-8000-000000000004", "consumidor", "plano_saude", true, triagem.AreaSaude, "plano_saude"},
		{"00000000-0000-4000-8000-000000000005", "civil", "geral", true, triagem.AreaCivil, "responsabilidade_civil"},
		{"00000000-0000-4000-8000-000000000006", "trabalhista", "rescisao", true, triagem.AreaTrabalhista, "rescisao"},
		{"00000000-0000-4000-8000-000000000007", "penal", "", false, triagem.AreaCriminal, ""},
		{"00000000-0000-4000-8000-000000000008", "transito", "", false, triagem.AreaAdministrativo, ""},
	}
	now := "2026-11-01T10:00:00.000000Z"
	for _, c := range cases {
		_, err := store.DB().ExecContext(ctx, `INSERT INTO cases (id, owner_id, status, area, created_at, updated_at, version)
VALUES ($1, 'alice', 'completed', $2, $3, $3, 1)`, c.id, c.area, now)
		require.NoError(t, err)
		if !c.result {
			continue
		}
		body := `{"case_id":"` + c.id + `","strategy_used":"simple","triage_data":{"area":"` + c.area +
			`","subarea":"` + c.subarea + `","urgency_h":72,"summary":"Resumo.","sentiment":"neutro"}}`
		_, err = store.DB().ExecContext(ctx, `INSERT INTO results (case_id, body, created_at) VALUES ($1, $2, $3)`, c.id, body, now)
		require.NoError(t, err)
	}

	require.NoError(t, store.Migrate(ctx))

	for _, c := range cases {
		got, err := store.CaseGet(ctx, c.id)
		require.NoError(t, err)
		require.Equal(t, c.wantArea, got.Area, "case %s (%s/%s)", c.id, c.area, c.subarea)
		if !c.result {
			continue
		}
		result, err := store.ResultGet(ctx, c.id)
		require.NoError(t, err)
		require.Equal(t, c.wantArea, result.TriageData.Area, "result %s", c.id)
		require.Equal(t, c.wantSubarea, result.TriageData.Subarea, "result %s", c.id)
		require.Equal(t, 72, result.TriageData.UrgencyH, "the rest of the result is kept")
	}
}
