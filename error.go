package triagem

import (
	"errors"
	"fmt"
)

// Error codes. Each is stable: clients may branch on it, and the HTTP layer
// maps each to one status code.
const (
	EINVALID        = "invalid_request"  // malformed or missing field
	EINVALIDJSON    = "invalid_json"     // body is not the JSON expected
	EINVALIDCASEID  = "invalid_case_id"  // case id is not a UUID
	EEMPTYMESSAGE   = "empty_message"    // message is blank
	EMESSAGETOOLONG = "message_too_long" // message over the configured limit
	EBODYTOOLARGE   = "body_too_large"   // request body over the limit
	EINVALIDEVENT   = "invalid_event"    // custom event name or payload refused
	EINVALIDCONTACT = "invalid_contact"  // contact details missing or malformed
	EUNAUTHORIZED   = "unauthorized"     // missing, malformed or wrongly signed token
	ETOKENEXPIRED   = "token_expired"    // token past its exp
	EFORBIDDEN      = "forbidden"        // role may not do this
	ENOTFOUND       = "not_found"        // no such thing, or not yours
	ENOTINTERVIEW   = "not_interviewing" // the case is past its interview
	ECONFLICT       = "conflict"         // changed concurrently; retry
	ENOTREADY       = "not_ready"        // result asked for before it exists
	ERATELIMITED    = "rate_limited"     // too many requests
	ETOOMANYSTREAMS = "too_many_streams" // too many open streams for one user
	EUNAVAILABLE    = "unavailable"      // a dependency is down; retry later
	EINTERNAL       = "internal"         // a bug or an unexpected failure
)

// Error is a failure the caller can act on: a stable Code and a Message safe
// to show to users. Any other error is internal.
type Error struct {
	Code    string
	Message string
	// Err is the cause, kept for logs and errors.Is; never shown to users.
	Err error
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("triagem: %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("triagem: %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the *Error's message, or
// "Internal error." so that internals never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Internal error."
}

// IsCode reports whether err carries code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }
