// Package sqlstore implements triagem.Store on SQLite (embedded mode, pure Go
// through modernc.org/sqlite) and on Postgres (distributed mode, through
// pgx). Both dialects run through database/sql, so that a triagem.TxHook
// receives a *sql.Tx on either, and so that River, which shares the
// database, can be handed the same *sql.DB (SQLite) or *pgxpool.Pool
// (Postgres): see DB, Pool and Dialect.
//
// # Schema
//
// The schema lives in embedded, numbered migrations, one directory per
// dialect (migration/sqlite, migration/postgres) with the same versions in
// both. Migrate applies the missing ones in one transaction and records them
// in triagem_migration; on Postgres it holds an advisory lock so that
// several processes may migrate at once.
//
// # One SQL text, two dialects
//
// Queries use $1, $2 … placeholders on both dialects: modernc binds $n to the
// n-th argument as Postgres does, so no rebinding is needed. The only
// per-dialect differences are the migrations and how times are encoded.
//
// # Times
//
// Every stored time is UTC, truncated to microseconds (Postgres's
// precision), so a value reads back equal to what was written on either
// dialect. Postgres keeps them in timestamptz; SQLite as fixed-width text
// (2006-01-02T15:04:05.000000Z), whose text order is time order. On success
// CaseCreate and CaseUpdate write the stored values back into the caller's
// structs, so the caller holds exactly what a later read returns.
//
// # Errors
//
// Every error names the operation and case ("sqlstore: case get <id>: …")
// and, where the caller can act on it, carries a triagem code with the
// driver's error kept as Err: ENOTFOUND (no such case or result), ECONFLICT
// (stale version, duplicate id, serialization failure), EUNAVAILABLE
// (database unreachable, closed, timed out or locked past the busy timeout:
// answer 503) and EINVALID. Errors a TxHook returns keep their own code.
//
// # SQLite and its single connection
//
// A SQLite Store has exactly one open connection (River needs it). Code that
// holds a transaction, a TxHook included, must use that *sql.Tx and never
// the Store or its *sql.DB until the transaction ends, or it waits for
// itself forever.
package sqlstore
