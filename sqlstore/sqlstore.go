package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/triagem/triagem"
)

var _ triagem.Store = (*Store)(nil)

// Dialect names the database a Store runs on.
type Dialect string

// Dialects.
const (
	DialectSQLite   Dialect = "sqlite"
	DialectPostgres Dialect = "postgres"
)

// SQLiteFileDefault is the database file used when Open gets an empty DSN.
const SQLiteFileDefault = "triagem.db"

// BusyTimeoutDefault is how long a SQLite write waits for another process's
// lock before failing with EUNAVAILABLE.
const BusyTimeoutDefault = 5 * time.Second

// SchemaMaxLength is the longest schema name WithSchema and jobs accept:
// River's limit, Postgres's 63-byte names less a dot and the longest
// notification topic ("river_leadership"), which River prefixes with the
// schema. The store and River's tables share one search_path, so one rule
// serves both.
const SchemaMaxLength = 46

// schemaPattern is what WithSchema accepts: a plain lower-case identifier, so
// that it can go into search_path without quoting.
var schemaPattern = regexp.MustCompile(fmt.Sprintf(`^[a-z_][a-z0-9_]{0,%d}$`, SchemaMaxLength-1))

// ValidSchema reports whether name is a schema WithSchema accepts; jobs
// checks its Schema with it.
func ValidSchema(name string) bool { return schemaPattern.MatchString(name) }

// Option changes how Open sets up a Store.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	now         func() time.Time
	schema      string
}

// WithSchema makes a Postgres store create and use its tables in schema, by
// setting search_path on every pooled connection. The schema must already
// exist. Tests use it to give each test its own schema; production leaves it
// unset and uses the server's default search_path. It is an error on SQLite.
func WithSchema(schema string) Option {
	return func(o *options) { o.schema = schema }
}

// WithNow replaces the clock that stamps UpdatedAt and fills zero times.
// Defaults to time.Now.
func WithNow(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithBusyTimeout sets how long a SQLite statement waits on a lock held by
// another process before failing. Defaults to BusyTimeoutDefault. Ignored on
// Postgres.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// Store is a triagem.Store on SQLite or Postgres. It is safe for concurrent
// use.
type Store struct {
	db      *sql.DB
	pool    *pgxpool.Pool // nil on SQLite
	dialect Dialect
	now     func() time.Time
}

// Open returns a Store for dsn without connecting: call Ping or Migrate to
// reach the database, so that a server can start while its database is down
// and report it through readiness.
//
// A dsn starting with postgres:// or postgresql:// opens Postgres through a
// pgxpool.Pool; pgx's own parameters (pool_max_conns, connect_timeout …)
// apply. Anything else is a SQLite database: a file path, a
// sqlite://path, a file: URI or ":memory:"; empty means SQLiteFileDefault.
// SQLite runs with WAL, foreign keys, synchronous=NORMAL, a busy timeout,
// transactions that take the write lock at BEGIN (_txlock=immediate) and one
// open connection (River needs it).
// With one connection, code holding a transaction must use that *sql.Tx and
// never the *sql.DB, or it waits for itself forever.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{busyTimeout: BusyTimeoutDefault, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	if isPostgresDSN(dsn) {
		return openPostgres(ctx, dsn, o)
	}
	return openSQLite(dsn, o)
}

func (o options) validate() error {
	if o.schema != "" && !schemaPattern.MatchString(o.schema) {
		return triagem.Errorf(triagem.EINVALID, "Schema %q is not a plain lower-case identifier.", o.schema)
	}
	if o.busyTimeout < 0 {
		return triagem.Errorf(triagem.EINVALID, "Busy timeout %v is negative.", o.busyTimeout)
	}
	if o.now == nil {
		return triagem.Errorf(triagem.EINVALID, "Clock is nil.")
	}
	return nil
}

func isPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openPostgres(ctx context.Context, dsn string, o options) (*Store, error) {
	config, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	if o.schema != "" {
		config.ConnConfig.RuntimeParams["search_path"] = o.schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open postgres: %w", interpretError(err))
	}
	return &Store{
		db:      stdlib.OpenDBFromPool(pool),
		pool:    pool,
		dialect: DialectPostgres,
		now:     o.now,
	}, nil
}

func openSQLite(dsn string, o options) (*Store, error) {
	if o.schema != "" {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w",
			triagem.Errorf(triagem.EINVALID, "A schema is only supported on Postgres."))
	}
	db, err := sql.Open("sqlite", sqliteDSN(dsn, o.busyTimeout))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	// One connection: River's SQLite driver needs it, and it makes every
	// in-process writer queue in database/sql instead of failing with
	// SQLITE_BUSY. It also keeps a ":memory:" database alive and single.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return &Store{db: db, dialect: DialectSQLite, now: o.now}, nil
}

// sqliteDSN turns what the user configured into the modernc DSN with our
// connection settings. _txlock=immediate makes every transaction take the
// write lock at BEGIN, so that a second process waits on busy_timeout rather
// than failing when its read lock cannot be upgraded.
func sqliteDSN(dsn string, busyTimeout time.Duration) string {
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" {
		path = SQLiteFileDefault
	}
	params := []string{
		"_pragma=busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")",
		"_pragma=journal_mode(WAL)",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
		"_txlock=immediate",
	}
	separator := "?"
	if strings.Contains(path, "?") {
		separator = "&"
	}
	return path + separator + strings.Join(params, "&")
}

// DB returns the database handle, for River and for work that must share the
// Store's transactions. On SQLite it has one connection: see Open.
func (s *Store) DB() *sql.DB { return s.db }

// Pool returns the Postgres pool behind DB, for River's pgx driver; nil on
// SQLite.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Dialect reports which database the Store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers. Returns EUNAVAILABLE when it does
// not.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer wrapError(&err, "ping")
	return s.db.PingContext(ctx)
}

// Close releases the database handle and, on Postgres, the pool.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.pool != nil {
		s.pool.Close()
	}
	if err != nil {
		return fmt.Errorf("sqlstore: close: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise (or when it panics).
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit

	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// sqliteTimeLayout is fixed width (always six fraction digits, always Z) so
// that SQLite's text comparison orders times correctly.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// normalizeTime is the form every stored time takes: UTC, whole
// microseconds (Postgres's precision), no monotonic reading. Values written
// and read back then compare equal on both dialects.
func normalizeTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// nowNormalized returns the store clock's time in stored form.
func (s *Store) nowNormalized() time.Time { return normalizeTime(s.now()) }

// timeArg encodes a normalized time as a query argument: Postgres takes
// time.Time into timestamptz; SQLite gets the fixed-width text.
func (s *Store) timeArg(t time.Time) any {
	if s.dialect == DialectSQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// nullTimeArg is timeArg with the zero time stored as NULL.
func (s *Store) nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.timeArg(normalizeTime(t))
}

// nullTimeColumn scans a nullable time column; NULL is the zero time.
type nullTimeColumn struct{ dst *time.Time }

func (c nullTimeColumn) Scan(src any) error {
	if src == nil {
		*c.dst = time.Time{}
		return nil
	}
	return timeColumn(c).Scan(src)
}

// timeColumn scans a time column from either dialect into dst, normalized.
type timeColumn struct{ dst *time.Time }

func (c timeColumn) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*c.dst = normalizeTime(v)
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("scan time: unsupported type %T", src)
	}
}

func (c timeColumn) parse(text string) error {
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.dst = normalizeTime(t)
	return nil
}
