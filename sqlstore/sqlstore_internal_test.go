package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestSQLiteDSN(t *testing.T) {
	t.Parallel()
	const params = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	for dsn, want := range map[string]string{
		"":                         "triagem.db?" + params,
		"data/triagem.db":          "data/triagem.db?" + params,
		"sqlite://data/triagem.db": "data/triagem.db?" + params,
		"sqlite:///var/lib/t.db":   "/var/lib/t.db?" + params,
		"file:t.db?mode=rwc":       "file:t.db?mode=rwc&" + params,
		":memory:":                 ":memory:?" + params,
	} {
		require.Equal(t, want, sqliteDSN(dsn, BusyTimeoutDefault), "dsn %q", dsn)
	}
	require.Contains(t, sqliteDSN("", 250*time.Millisecond), "busy_timeout(250)")
}

func TestIsPostgresDSN(t *testing.T) {
	t.Parallel()
	require.True(t, isPostgresDSN("postgres://u@h/db"))
	require.True(t, isPostgresDSN("postgresql://u@h/db"))
	require.False(t, isPostgresDSN("postgres.db"))
	require.False(t, isPostgresDSN("sqlite://postgres://x"))
}

// TestMigrationsMatchAcrossDialects: both dialects must have the same
// versions, numbered 1, 2, 3 … without gaps, or the two modes drift.
func TestMigrationsMatchAcrossDialects(t *testing.T) {
	t.Parallel()
	versions := func(dialect Dialect) []int {
		migrations, err := loadMigrations(dialect)
		require.NoError(t, err)
		var versions []int
		for i, m := range migrations {
			require.Equal(t, i+1, m.Version, "%s: versions start at 1 without gaps", dialect)
			require.NotEmpty(t, m.SQL)
			versions = append(versions, m.Version)
		}
		return versions
	}
	require.Equal(t, versions(DialectSQLite), versions(DialectPostgres))
}

func TestParseMigrationRejectsBadNames(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"initial.up.sql", "001_initial.sql", "001_.up.sql", "x01_initial.up.sql", "000_zero.up.sql"} {
		_, err := parseMigration("migration/sqlite", file)
		require.Error(t, err, file)
	}
}

func TestInterpretError(t *testing.T) {
	t.Parallel()
	coded := triagem.Errorf(triagem.ENOTINTERVIEW, "past interview")
	plain := errors.New("syntax error")
	for name, tc := range map[string]struct {
		err  error
		code string
	}{
		"NoRows":             {fmt.Errorf("scan: %w", sql.ErrNoRows), triagem.ENOTFOUND},
		"Coded":              {fmt.Errorf("hook: %w", coded), triagem.ENOTINTERVIEW},
		"Deadline":           {context.DeadlineExceeded, triagem.EUNAVAILABLE},
		"BadConn":            {driver.ErrBadConn, triagem.EUNAVAILABLE},
		"ConnDone":           {sql.ErrConnDone, triagem.EUNAVAILABLE},
		"NetError":           {&net.OpError{Op: "dial", Err: errors.New("connection refused")}, triagem.EUNAVAILABLE},
		"AdminShutdown":      {&pgconn.PgError{Code: "57P01"}, triagem.EUNAVAILABLE},
		"ConnectionFailure":  {&pgconn.PgError{Code: "08006"}, triagem.EUNAVAILABLE},
		"TooManyConnections": {&pgconn.PgError{Code: "53300"}, triagem.EUNAVAILABLE},
		"UniqueViolation":    {&pgconn.PgError{Code: "23505"}, triagem.ECONFLICT},
		"SerializeFailure":   {&pgconn.PgError{Code: "40001"}, triagem.ECONFLICT},
		"Deadlock":           {&pgconn.PgError{Code: "40P01"}, triagem.ECONFLICT},
		"NULByte":            {&pgconn.PgError{Code: "22021"}, triagem.EINVALID},
		"SyntaxError":        {&pgconn.PgError{Code: "42601"}, triagem.EINTERNAL},
		"Plain":              {plain, triagem.EINTERNAL},
	} {
		got := interpretError(tc.err)
		require.Equal(t, tc.code, triagem.ErrorCode(got), name)
		require.ErrorIs(t, got, tc.err, "%s: the cause is kept", name)
	}
	require.NoError(t, interpretError(nil))
}

func TestWrapErrorNamesTheOperation(t *testing.T) {
	t.Parallel()
	err := error(sql.ErrNoRows)
	wrapError(&err, "case get %s", "abc")
	require.Equal(t, triagem.ENOTFOUND, triagem.ErrorCode(err))
	require.ErrorIs(t, err, sql.ErrNoRows)
	require.Contains(t, err.Error(), "sqlstore: case get abc: ")

	var none error
	wrapError(&none, "case get %s", "abc")
	require.NoError(t, none)
}

func TestTimeColumn(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)
	for _, src := range []any{
		"2025-01-02T03:04:05.123456Z",
		[]byte("2025-01-02T03:04:05.123456Z"),
		time.Date(2025, 1, 2, 0, 4, 5, 123456789, time.FixedZone("BRT", -3*60*60)),
	} {
		var got time.Time
		require.NoError(t, timeColumn{&got}.Scan(src))
		require.Equal(t, want, got, "%T", src)
	}
	var got time.Time
	require.Error(t, timeColumn{&got}.Scan(int64(1)))
	require.Error(t, timeColumn{&got}.Scan("yesterday"))
}

func TestSQLiteTimeTextSortsLikeTime(t *testing.T) {
	t.Parallel()
	earlier := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // no fraction
	later := earlier.Add(time.Microsecond)
	s := &Store{dialect: DialectSQLite}
	require.Less(t, s.timeArg(earlier).(string), s.timeArg(later).(string))
	require.Len(t, s.timeArg(earlier).(string), len(sqliteTimeLayout))
}
