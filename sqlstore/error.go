package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/triagem/triagem"
)

// Messages shown to users for the codes this package assigns.
const (
	messageUnavailable = "The database is unavailable; retry later."
	messageConflict    = "The case changed concurrently; reload it and retry."
	messageExists      = "The case already exists."
	messageInvalidText = "The text contains characters the database cannot store."
)

// wrapError translates *errp and prefixes it with the operation, so that
// every error leaving an exported method names what was attempted and
// carries a triagem code where the caller can act on it. Use it deferred:
//
//	defer wrapError(&err, "case get %s", id)
func wrapError(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	*errp = fmt.Errorf("sqlstore: %s: %w", fmt.Sprintf(format, args...), interpretError(*errp))
}

// interpretError turns driver errors into triagem errors, keeping the
// original as Err. Errors that already carry a code (from this package or
// from a TxHook) pass through unchanged; anything unrecognised stays as it
// is and becomes EINTERNAL upstream.
func interpretError(err error) error {
	switch {
	case err == nil:
		return nil
	case errorIsCode(err):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return errNotFound(err)
	case isUnavailable(err):
		return &triagem.Error{Code: triagem.EUNAVAILABLE, Message: messageUnavailable, Err: err}
	case isDuplicate(err):
		return &triagem.Error{Code: triagem.ECONFLICT, Message: messageExists, Err: err}
	case isConcurrencyFailure(err):
		return &triagem.Error{Code: triagem.ECONFLICT, Message: messageConflict, Err: err}
	case isUnstorableText(err):
		return &triagem.Error{Code: triagem.EINVALID, Message: messageInvalidText, Err: err}
	}
	return err
}

// isUnavailable reports whether err means the database could not be reached
// or did not answer in time, as opposed to refusing the statement.
func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || // a dead server stalls until the deadline
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, puddle.ErrClosedPool) || // pgxpool closed under the *sql.DB
		errors.Is(err, io.ErrUnexpectedEOF) || // server went away mid-answer
		pgconn.Timeout(err) {
		return true
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return isPostgresUnavailableCode(pgErr.Code)
	}
	if code, ok := sqliteCode(err); ok {
		// SQLITE_BUSY after busy_timeout: another process holds the lock.
		primary := code & 0xff
		return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
	}
	return false
}

// isPostgresUnavailableCode matches SQLSTATEs that mean "try again later":
// class 08 (connection exception), the server shutting down or starting up,
// and too many connections.
func isPostgresUnavailableCode(code string) bool {
	switch {
	case len(code) == 5 && code[:2] == "08":
		return true
	case code == "57P01", code == "57P02", code == "57P03", code == "53300":
		return true
	}
	return false
}

// isDuplicate reports a primary-key or unique violation.
func isDuplicate(err error) bool {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code == "23505"
	}
	if code, ok := sqliteCode(err); ok {
		return code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || code == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// isConcurrencyFailure reports a Postgres serialization failure or deadlock:
// the write lost a race and may simply be retried.
func isConcurrencyFailure(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// isUnstorableText reports text Postgres refuses, such as a NUL byte.
func isUnstorableText(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && (pgErr.Code == "22021" || pgErr.Code == "22P05")
}

// sqliteCode returns the extended result code of a SQLite error.
func sqliteCode(err error) (int, bool) {
	sqliteErr, ok := errors.AsType[*sqlite.Error](err)
	if !ok {
		return 0, false
	}
	return sqliteErr.Code(), true
}

// errNotFound is the one ENOTFOUND this package returns.
func errNotFound(cause error) *triagem.Error {
	return &triagem.Error{Code: triagem.ENOTFOUND, Message: "Not found.", Err: cause}
}

// errorIsCode reports whether err carries a triagem code already.
func errorIsCode(err error) bool {
	_, ok := errors.AsType[*triagem.Error](err)
	return ok
}
