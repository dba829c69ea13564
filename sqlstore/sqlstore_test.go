package sqlstore_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/sqlstore"
)

// openMigrated opens dsn, migrates it and closes it when tb ends.
func openMigrated(tb testing.TB, dsn string, opts ...sqlstore.Option) *sqlstore.Store {
	tb.Helper()
	store, err := sqlstore.Open(tb.Context(), dsn, opts...)
	require.NoError(tb, err)
	tb.Cleanup(func() { require.NoError(tb, store.Close()) })
	require.NoError(tb, store.Migrate(tb.Context()))
	return store
}

// migrationCount is how many migrations the dialect has on disk.
func migrationCount(tb testing.TB, dialect sqlstore.Dialect) int {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("migration", string(dialect), "*.up.sql"))
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	return len(files)
}
