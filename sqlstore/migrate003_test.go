package sqlstore_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/testenv"
	"github.com/triagem/triagem/sqlstore"
)

// TestMigration003BackfillsCasesFromResults upgrades a database that has
// a completed case from before migration 003: the case row gains its
// result's subarea, urgency and summary, and nothing else changes.
func TestMigration003BackfillsCasesFromResults(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		store, err := sqlstore.Open(t.Context(), filepath.Join(t.TempDir(), "old.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
		testMigration003(t, store, "sqlite", "2025-01-02T03:04:05.000000Z")
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := testenv.PostgresURL(t)
		store, err := sqlstore.Open(t.Context(), url, sqlstore.WithSchema(newTestSchema(t, url)))
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
		testMigration003(t, store, "postgres", "2025-01-02T03:04:05Z")
	})
}

func testMigration003(t *testing.T, store *sqlstore.Store, dialect, at string) {
	ctx := t.Context()
	db := store.DB()
	table := `CREATE TABLE triagem_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`
	if dialect == "sqlite" {
		table = `CREATE TABLE triagem_migration (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`
	}
	_, err := db.ExecContext(ctx, table)
	require.NoError(t, err)
	for i, name := range []string{"001_initial", "002_taxonomy"} {
		sql, err := os.ReadFile(filepath.Join("migration", dialect, name+".up.sql"))
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, string(sql))
		require.NoError(t, err, name)
		_, err = db.ExecContext(ctx, `INSERT INTO triagem_migration (version, name, applied_at) VALUES ($1, $2, $3)`, i+1, name, at)
		require.NoError(t, err)
	}
	done, waiting := uuid.NewString(), uuid.NewString()
	for _, id := range []string{done, waiting} {
		_, err = db.ExecContext(ctx, `INSERT INTO cases (id, owner_id, status, area, created_at, updated_at, version)
VALUES ($1, 'alice', 'completed', 'trabalhista', $2, $2, 3)`, id, at)
		require.NoError(t, err)
	}
	body := `{"case_id":"` + done + `","triage_data":{"area":"Trabalhista","area_id":"trabalhista","subarea":"rescisao","urgency_h":48,"summary":"Demissão sem verbas."}}`
	_, err = db.ExecContext(ctx, `INSERT INTO results (case_id, body, created_at) VALUES ($1, $2, $3)`, done, body, at)
	require.NoError(t, err)

	require.NoError(t, store.Migrate(ctx))

	got, err := store.CaseGet(ctx, done)
	require.NoError(t, err)
	require.Equal(t, triagem.Subarea("rescisao"), got.Subarea)
	require.Equal(t, 48, got.UrgencyH)
	require.Equal(t, "Demissão sem verbas.", got.Summary)
	require.True(t, got.ConsentAt.IsZero())
	require.Equal(t, int64(3), got.Version)
	require.Equal(t, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), got.UpdatedAt)

	other, err := store.CaseGet(ctx, waiting)
	require.NoError(t, err)
	require.Zero(t, other.UrgencyH, "no result: no urgency")
	page, err := store.CaseList(ctx, triagem.CaseQuery{})
	require.NoError(t, err)
	require.Len(t, page.Cases, 2)
	require.Equal(t, done, page.Cases[0].Case.ID, "the case with an urgency sorts first")
}
