package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/triagem/triagem"
)

// statusByCode maps every error code to its HTTP status: the one place where
// domain errors become HTTP.
var statusByCode = map[string]int{
	triagem.EINVALID:        http.StatusBadRequest,
	triagem.EINVALIDJSON:    http.StatusBadRequest,
	triagem.EINVALIDCASEID:  http.StatusBadRequest,
	triagem.EEMPTYMESSAGE:   http.StatusBadRequest,
	triagem.EMESSAGETOOLONG: http.StatusRequestEntityTooLarge,
	triagem.EBODYTOOLARGE:   http.StatusRequestEntityTooLarge,
	triagem.EINVALIDEVENT:   http.StatusBadRequest,
	triagem.EINVALIDCONTACT: http.StatusBadRequest,
	triagem.EUNAUTHORIZED:   http.StatusUnauthorized,
	triagem.ETOKENEXPIRED:   http.StatusUnauthorized,
	triagem.EFORBIDDEN:      http.StatusForbidden,
	triagem.ENOTFOUND:       http.StatusNotFound,
	triagem.ENOTINTERVIEW:   http.StatusConflict,
	triagem.ECONFLICT:       http.StatusConflict,
	triagem.ENOTREADY:       http.StatusConflict,
	triagem.ERATELIMITED:    http.StatusTooManyRequests,
	triagem.ETOOMANYSTREAMS: http.StatusTooManyRequests,
	triagem.EUNAVAILABLE:    http.StatusServiceUnavailable,
	triagem.EINTERNAL:       http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem details body with Triagem's stable code.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Code     string `json:"code"`
}

// retryAfter carries a Retry-After value with an error.
type retryAfter struct {
	error
	after time.Duration
}

func (r retryAfter) Unwrap() error { return r.error }

// writeError answers err as problem+json. Only internal errors are logged
// with their cause; the client sees the code and a safe message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := triagem.ErrorCode(err)
	status, ok := statusByCode[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if ra, ok := errors.AsType[retryAfter](err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(ra.after.Seconds()+0.999))))
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "route", r.Pattern, "code", code, "err", err)
	}
	s.metrics.errors.WithLabelValues(code).Inc()
	writeProblem(w, Problem{
		Type:     "urn:triagem:problem:" + code,
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   triagem.ErrorMessage(err),
		Instance: r.URL.Path,
		Code:     code,
	})
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Default().Error("encode response", "err", err)
	}
}
