package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// migrationFS holds the schema, one directory per dialect, one file per
// version named NNN_description.up.sql. Files are only ever added: a
// released migration never changes.
//
//go:embed migration/*/*.sql
var migrationFS embed.FS

// migration is one numbered schema step.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// Bookkeeping SQL. The table is created outside the numbered migrations
// because it records them.
const (
	migrationTablePostgres = `CREATE TABLE IF NOT EXISTS triagem_migration (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL
)`
	migrationTableSQLite = `CREATE TABLE IF NOT EXISTS triagem_migration (
    version    INTEGER PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT`
	// The lock is per schema, so that tests migrating their own schemas in
	// parallel do not queue behind each other.
	migrationLockPostgres = `SELECT pg_advisory_xact_lock(hashtext('triagem_migrate.' || coalesce(current_schema(), '')))`
	migrationAppliedSQL   = `SELECT version FROM triagem_migration`
	migrationRecordSQL    = `INSERT INTO triagem_migration (version, name, applied_at) VALUES ($1, $2, $3)`
)

// Migrate brings the schema up to date. It is idempotent, and safe to run
// from several processes at once: on Postgres they queue on an advisory
// lock, on SQLite on the database write lock. Everything runs in one
// transaction, so a failed migration leaves the schema as it was.
func (s *Store) Migrate(ctx context.Context) (err error) {
	defer wrapError(&err, "migrate")
	migrations, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.prepareMigrationTable(ctx, tx); err != nil {
			return err
		}
		applied, err := appliedVersions(ctx, tx)
		if err != nil {
			return err
		}
		for _, m := range migrations {
			if applied[m.Version] {
				continue
			}
			if err := s.applyMigration(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// prepareMigrationTable takes the migration lock (Postgres) and makes sure
// the bookkeeping table exists. The lock comes first: two concurrent CREATE
// TABLE IF NOT EXISTS can still collide on Postgres.
func (s *Store) prepareMigrationTable(ctx context.Context, tx *sql.Tx) error {
	createTable := migrationTableSQLite
	if s.dialect == DialectPostgres {
		if _, err := tx.ExecContext(ctx, migrationLockPostgres); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		createTable = migrationTablePostgres
	}
	if _, err := tx.ExecContext(ctx, createTable); err != nil {
		return fmt.Errorf("create migration table: %w", err)
	}
	return nil
}

func appliedVersions(ctx context.Context, tx *sql.Tx) (map[int]bool, error) {
	rows, err := tx.QueryContext(ctx, migrationAppliedSQL)
	if err != nil {
		return nil, fmt.Errorf("read applied versions: %w", err)
	}
	defer rows.Close()
	applied := make(map[int]bool)
	for rows.Next() {
		var version int
		if err := rows.Scan(&version); err != nil {
			return nil, fmt.Errorf("read applied versions: %w", err)
		}
		applied[version] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read applied versions: %w", err)
	}
	return applied, nil
}

func (s *Store) applyMigration(ctx context.Context, tx *sql.Tx, m migration) error {
	// Executed without arguments, a file may hold several statements on
	// both drivers (pgx then uses the simple protocol).
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("apply %03d_%s: %w", m.Version, m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, migrationRecordSQL, m.Version, m.Name, s.timeArg(s.nowNormalized())); err != nil {
		return fmt.Errorf("record %03d_%s: %w", m.Version, m.Name, err)
	}
	return nil
}

// loadMigrations returns the dialect's migrations in version order.
func loadMigrations(dialect Dialect) ([]migration, error) {
	dir := path.Join("migration", string(dialect))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	migrations := make([]migration, 0, len(entries))
	for _, entry := range entries {
		m, err := parseMigration(dir, entry.Name())
		if err != nil {
			return nil, err
		}
		migrations = append(migrations, m)
	}
	slices.SortFunc(migrations, func(a, b migration) int { return a.Version - b.Version })
	for i := 1; i < len(migrations); i++ {
		if migrations[i].Version == migrations[i-1].Version {
			return nil, fmt.Errorf("migration version %d appears twice", migrations[i].Version)
		}
	}
	return migrations, nil
}

// parseMigration reads one NNN_description.up.sql file.
func parseMigration(dir, file string) (migration, error) {
	versionText, rest, ok := strings.Cut(file, "_")
	name, isUp := strings.CutSuffix(rest, ".up.sql")
	if !ok || !isUp || name == "" {
		return migration{}, fmt.Errorf("migration file %q is not named NNN_description.up.sql", file)
	}
	version, err := strconv.Atoi(versionText)
	if err != nil || version < 1 {
		return migration{}, fmt.Errorf("migration file %q: version %q is not a positive number", file, versionText)
	}
	body, err := fs.ReadFile(migrationFS, path.Join(dir, file))
	if err != nil {
		return migration{}, fmt.Errorf("read migration %q: %w", file, err)
	}
	return migration{Version: version, Name: name, SQL: string(body)}, nil
}
