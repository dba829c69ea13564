package sqlstore_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/sqlstore"
	"github.com/triagem/triagem/sqlstore/storetest"
)

// newSQLiteStore returns a migrated store on a fresh file of its own.
func newSQLiteStore(tb testing.TB, opts ...sqlstore.Option) *sqlstore.Store {
	tb.Helper()
	return openMigrated(tb, filepath.Join(tb.TempDir(), "triagem.db"), opts...)
}

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) triagem.Store { return newSQLiteStore(t) })
}

func TestSQLiteInMemory(t *testing.T) {
	t.Parallel()
	// With its single connection, ":memory:" is one database for the
	// store's whole life.
	storetest.Run(t, func(t *testing.T) triagem.Store { return openMigrated(t, ":memory:") })
}

func TestSQLiteDSNForms(t *testing.T) {
	t.Parallel()
	for name, dsn := range map[string]func(dir string) string{
		"Path":      func(dir string) string { return filepath.Join(dir, "a.db") },
		"SQLiteURL": func(dir string) string { return "sqlite://" + filepath.Join(dir, "a.db") },
		"FileURI":   func(dir string) string { return "file:" + filepath.Join(dir, "a.db") + "?mode=rwc" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			store := openMigrated(t, dsn(dir))
			require.Equal(t, sqlstore.DialectSQLite, store.Dialect())
			require.Nil(t, store.Pool())
			require.FileExists(t, filepath.Join(dir, "a.db"))
		})
	}
}

func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)
	ctx := t.Context()

	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"synchronous":  "1", // NORMAL
	} {
		var got string
		require.NoError(t, store.DB().QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got), pragma)
		require.Equal(t, want, got, pragma)
	}
	require.Equal(t, 1, store.DB().Stats().MaxOpenConnections)
}

// TestSQLitePlaceholders pins down what the package's SQL relies on:
// modernc binds $n to the n-th argument, in any order and repeated, as
// Postgres does, so one SQL text serves both dialects.
func TestSQLitePlaceholders(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)

	var second, first, firstAgain string
	err := store.DB().QueryRowContext(t.Context(), `SELECT $2, $1, $1`, "a", "b").Scan(&second, &first, &firstAgain)
	require.NoError(t, err)
	require.Equal(t, []string{"b", "a", "a"}, []string{second, first, firstAgain})
}

func TestSQLiteMigrateIdempotent(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t) // migrated once
	ctx := t.Context()

	require.NoError(t, store.Migrate(ctx))
	require.NoError(t, store.Migrate(ctx))

	var versions int
	require.NoError(t, store.DB().QueryRowContext(ctx, `SELECT count(*) FROM triagem_migration`).Scan(&versions))
	require.Equal(t, migrationCount(t, sqlstore.DialectSQLite), versions)
}

func TestSQLiteMigrateFromTwoStores(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shared.db")
	first, second := openMigrated(t, path), openMigrated(t, path)

	var versions int
	require.NoError(t, second.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM triagem_migration`).Scan(&versions))
	require.Equal(t, migrationCount(t, sqlstore.DialectSQLite), versions)
	require.NoError(t, first.Ping(t.Context()))
}

// TestSQLiteBusyIsUnavailable: when another process holds the write lock past
// the busy timeout, the caller gets EUNAVAILABLE (HTTP 503), with SQLite's
// error kept as the cause.
func TestSQLiteBusyIsUnavailable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shared.db")
	holder := openMigrated(t, path)
	waiter := openMigrated(t, path, sqlstore.WithBusyTimeout(50*time.Millisecond))
	ctx := t.Context()

	tx, err := holder.DB().BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()

	err = waiter.CaseCreate(ctx, triagem.CaseWrite{Case: &triagem.Case{OwnerID: "alice"}})
	require.Equal(t, triagem.EUNAVAILABLE, triagem.ErrorCode(err), "error: %v", err)
	_, isSQLiteError := errors.AsType[*sqlite.Error](err)
	require.True(t, isSQLiteError, "cause kept: %v", err)

	require.NoError(t, tx.Rollback())
	require.NoError(t, waiter.CaseCreate(ctx, triagem.CaseWrite{Case: &triagem.Case{OwnerID: "alice"}}))
}

func TestSQLiteRejectsSchema(t *testing.T) {
	t.Parallel()
	_, err := sqlstore.Open(t.Context(), filepath.Join(t.TempDir(), "a.db"), sqlstore.WithSchema("triagem"))
	require.Equal(t, triagem.EINVALID, triagem.ErrorCode(err), "error: %v", err)
}

func TestSQLiteNowOverride(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.UTC)
	store := newSQLiteStore(t, sqlstore.WithNow(func() time.Time { return fixed }))
	ctx := t.Context()

	c := &triagem.Case{OwnerID: "alice", Status: triagem.StatusInterviewing}
	require.NoError(t, store.CaseCreate(ctx, triagem.CaseWrite{Case: c}))
	require.NoError(t, store.CaseUpdate(ctx, triagem.CaseWrite{Case: c}))
	require.Equal(t, fixed.Truncate(time.Microsecond), c.UpdatedAt)

	got, err := store.CaseGet(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, *c, *got)
}

func BenchmarkSQLiteCaseUpdate(b *testing.B) {
	storetest.BenchCaseUpdate(b, newSQLiteStore(b))
}
