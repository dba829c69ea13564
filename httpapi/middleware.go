package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/triagem/triagem/auth"
)

type ctxKey int

const (
	requestInfoKey ctxKey = iota
	identityKey
)

// requestInfo is filled in by handlers for the access log.
type requestInfo struct {
	route string
	user  string
}

// withRoute records the matched pattern for the access log and metrics
// (the pattern, not the path: paths carry ids and would explode labels).
func withRoute(pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(requestInfoKey).(*requestInfo); ok {
			info.route = pattern
		}
		h.ServeHTTP(w, r)
	})
}

func setUser(r *http.Request, user string) {
	if info, ok := r.Context().Value(requestInfoKey).(*requestInfo); ok {
		info.user = user
	}
}

func withIdentity(ctx context.Context, id auth.Identity) context.Context {
	return context.WithValue(ctx, identityKey, id)
}

func identityFrom(ctx context.Context) auth.Identity {
	id, _ := ctx.Value(identityKey).(auth.Identity)
	return id
}

// statusRecorder remembers the status for the access log. Unwrap keeps
// http.ResponseController working through it (Flush, deadlines).
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request: method, route pattern, status,
// duration and user id. Never the query string (it may carry a token) nor
// bodies (they carry what clients wrote).
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		info := &requestInfo{}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestInfoKey, info)))
		route := info.route
		if route == "" {
			route = "unmatched"
		}
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(route, http.StatusText(status)).Inc()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.Int("status", status),
			slog.Duration("duration", time.Since(began)), slog.String("user_id", info.user))
	})
}

// limiter allows each user RequestsPerMinute on average, in bursts of up to
// a quarter of it.
type limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	users map[string]*userLimit
	now   func() time.Time
}

type userLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute int, now func() time.Time) *limiter {
	if perMinute < 0 {
		return &limiter{every: rate.Inf, now: now, users: map[string]*userLimit{}}
	}
	return &limiter{
		every: rate.Limit(float64(perMinute) / 60),
		burst: max(1, perMinute/4),
		users: map[string]*userLimit{},
		now:   now,
	}
}

// allow reports whether user may make a request now and, if not, how long
// to wait. Idle users are forgotten so the map does not grow for ever.
func (l *limiter) allow(user string) (time.Duration, bool) {
	if l.every == rate.Inf {
		return 0, true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.users[user]
	if !ok {
		if len(l.users) >= 10_000 {
			l.forgetIdle(now)
		}
		u = &userLimit{lim: rate.NewLimiter(l.every, l.burst)}
		l.users[user] = u
	}
	u.seen = now
	res := u.lim.ReserveN(now, 1)
	if delay := res.DelayFrom(now); delay > 0 {
		res.CancelAt(now)
		return delay, false
	}
	return 0, true
}

func (l *limiter) forgetIdle(now time.Time) {
	for user, u := range l.users {
		if now.Sub(u.seen) > 10*time.Minute {
			delete(l.users, user)
		}
	}
}

type metrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	streams  prometheus.GaugeFunc
}

func newMetrics(reg *prometheus.Registry, h *hub) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triagem_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "triagem_http_errors_total", Help: "Error answers by problem code.",
		}, []string{"code"}),
		streams: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "triagem_open_streams", Help: "Event streams open on this instance.",
		}, func() float64 { return float64(h.open()) }),
	}
	reg.MustRegister(m.requests, m.errors, m.streams)
	return m
}
