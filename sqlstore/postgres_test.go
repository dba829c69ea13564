package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/testenv"
	"github.com/triagem/triagem/sqlstore"
	"github.com/triagem/triagem/sqlstore/storetest"
)

// unreachablePostgresURL points at a port nothing listens on.
const unreachablePostgresURL = "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2"

// newPostgresStore returns a migrated store in a schema of its own, so that
// tests run in parallel and leave nothing behind.
func newPostgresStore(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	url := testenv.PostgresURL(tb)
	return openMigrated(tb, url, sqlstore.WithSchema(newTestSchema(tb, url)))
}

// newTestSchema creates an empty schema, dropped with everything in it when
// tb ends.
func newTestSchema(tb testing.TB, url string) string {
	tb.Helper()
	schema := "triagem_test_" + strings.ToLower(rand.Text())
	execAdmin(tb, tb.Context(), url, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() {
		// tb.Context is already canceled during cleanup.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		execAdmin(tb, ctx, url, "DROP SCHEMA "+schema+" CASCADE")
	})
	return schema
}

// execAdmin runs one statement on a connection of its own.
func execAdmin(tb testing.TB, ctx context.Context, url, statement string) {
	tb.Helper()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(tb, err)
	defer func() { _ = conn.Close(ctx) }()
	_, err = conn.Exec(ctx, statement)
	require.NoError(tb, err)
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) triagem.Store { return newPostgresStore(t) })
}

func TestPostgresAccessors(t *testing.T) {
	t.Parallel()
	store := newPostgresStore(t)

	require.Equal(t, sqlstore.DialectPostgres, store.Dialect())
	require.NotNil(t, store.Pool())
	require.NoError(t, store.Pool().Ping(t.Context()))
	require.NoError(t, store.DB().PingContext(t.Context()))
}

func TestPostgresTablesLiveInTheSchema(t *testing.T) {
	t.Parallel()
	url := testenv.PostgresURL(t)
	schema := newTestSchema(t, url)
	store := openMigrated(t, url, sqlstore.WithSchema(schema))

	rows, err := store.DB().QueryContext(t.Context(),
		`SELECT table_schema, table_name FROM information_schema.tables
		 WHERE table_name IN ('cases', 'messages', 'results', 'triagem_migration')
		 AND table_schema LIKE 'triagem_test_%' AND table_schema = $1
		 ORDER BY table_name`, schema)
	require.NoError(t, err)
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var tableSchema, table string
		require.NoError(t, rows.Scan(&tableSchema, &table))
		tables = append(tables, table)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"cases", "messages", "results", "triagem_migration"}, tables)
}

func TestPostgresMigrateIdempotent(t *testing.T) {
	t.Parallel()
	store := newPostgresStore(t) // migrated once
	ctx := t.Context()

	require.NoError(t, store.Migrate(ctx))
	require.NoError(t, store.Migrate(ctx))

	var versions int
	require.NoError(t, store.DB().QueryRowContext(ctx, `SELECT count(*) FROM triagem_migration`).Scan(&versions))
	require.Equal(t, migrationCount(t, sqlstore.DialectPostgres), versions)
}

// TestPostgresMigrateConcurrent: several processes starting at once on an
// empty schema must neither fail nor apply a migration twice.
func TestPostgresMigrateConcurrent(t *testing.T) {
	t.Parallel()
	url := testenv.PostgresURL(t)
	schema := newTestSchema(t, url)
	ctx := t.Context()

	const processes = 4
	stores := make([]*sqlstore.Store, processes)
	for i := range stores {
		store, err := sqlstore.Open(ctx, url, sqlstore.WithSchema(schema))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, store.Close()) })
		stores[i] = store
	}

	errs := make([]error, processes)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, store := range stores {
		wg.Go(func() {
			<-start
			errs[i] = store.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "process %d", i)
	}

	var versions, distinct int
	require.NoError(t, stores[0].DB().QueryRowContext(ctx,
		`SELECT count(*), count(DISTINCT version) FROM triagem_migration`).Scan(&versions, &distinct))
	require.Equal(t, migrationCount(t, sqlstore.DialectPostgres), versions)
	require.Equal(t, versions, distinct)
}

// TestPostgresUnreachable: Open does not connect, and every call on a
// database that cannot be reached answers EUNAVAILABLE with pgx's error as
// the cause. Needs no running Postgres.
func TestPostgresUnreachable(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, err := sqlstore.Open(ctx, unreachablePostgresURL)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })

	errs := map[string]error{"Ping": store.Ping(ctx), "Migrate": store.Migrate(ctx)}
	_, errs["CaseGet"] = store.CaseGet(ctx, "any")
	errs["CaseCreate"] = store.CaseCreate(ctx, triagem.CaseWrite{Case: &triagem.Case{OwnerID: "alice"}})
	_, errs["CaseCountByStatus"] = store.CaseCountByStatus(ctx)
	for method, err := range errs {
		require.Equal(t, triagem.EUNAVAILABLE, triagem.ErrorCode(err), "%s: %v", method, err)
		_, isConnectError := errors.AsType[*pgconn.ConnectError](err)
		require.True(t, isConnectError, "%s keeps the cause: %v", method, err)
	}
}

func TestPostgresClosedPoolIsUnavailable(t *testing.T) {
	t.Parallel()
	store := newPostgresStore(t)
	store.Pool().Close()

	_, err := store.CaseGet(t.Context(), "any")
	require.Equal(t, triagem.EUNAVAILABLE, triagem.ErrorCode(err), "error: %v", err)
	require.Equal(t, triagem.EUNAVAILABLE, triagem.ErrorCode(store.Ping(t.Context())))
}

// TestPostgresDeadlineIsUnavailable: a server that stops answering shows up
// as the caller's deadline passing mid-transaction; the write is rolled back.
func TestPostgresDeadlineIsUnavailable(t *testing.T) {
	t.Parallel()
	store := newPostgresStore(t)
	c := &triagem.Case{OwnerID: "alice", Status: triagem.StatusInterviewing}
	require.NoError(t, store.CaseCreate(t.Context(), triagem.CaseWrite{Case: c}))

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	next := *c
	err := store.CaseUpdate(ctx, triagem.CaseWrite{
		Case: &next,
		Hook: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `SELECT pg_sleep(5)`) // the stalled server
			return err
		},
	})
	require.Equal(t, triagem.EUNAVAILABLE, triagem.ErrorCode(err), "error: %v", err)

	got, err := store.CaseGet(t.Context(), c.ID)
	require.NoError(t, err)
	require.Equal(t, *c, *got)
}

func TestPostgresRejectsBadSchema(t *testing.T) {
	t.Parallel()
	for _, schema := range []string{"Upper", "semi;colon", "1starts_with_digit", `quo"te`} {
		_, err := sqlstore.Open(t.Context(), unreachablePostgresURL, sqlstore.WithSchema(schema))
		require.Equal(t, triagem.EINVALID, triagem.ErrorCode(err), "%q: %v", schema, err)
	}
}

func TestPostgresTextWithNULIsInvalid(t *testing.T) {
	t.Parallel()
	store := newPostgresStore(t)

	err := store.CaseCreate(t.Context(), triagem.CaseWrite{
		Case:     &triagem.Case{OwnerID: "alice"},
		Messages: []triagem.Message{{Role: triagem.AuthorClient, Text: "nul \x00 byte"}},
	})
	require.Equal(t, triagem.EINVALID, triagem.ErrorCode(err), "error: %v", err)
}

func BenchmarkPostgresCaseUpdate(b *testing.B) {
	storetest.BenchCaseUpdate(b, newPostgresStore(b))
}
