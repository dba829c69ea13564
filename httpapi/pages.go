package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/orchestrator"
)

// What the pages need besides the triage API: tokens without a login (an
// anonymous session for the intake, a dev sign-in for the inbox) and the
// labels they show.

// AnonymousSubjectPrefix starts the subject of every anonymous session, so
// that renewal can tell the sessions Triagem gave out from the identity
// provider's users (whose tokens it never extends).
const AnonymousSubjectPrefix = "anon-"

type tokenResponse struct {
	Token     string       `json:"token"`
	ExpiresAt time.Time    `json:"expires_at"`
	Subject   string       `json:"subject"`
	Role      triagem.Role `json:"role"`
}

// handleSession serves POST /api/v2/session: a new anonymous client token,
// or with a valid session token, a fresh one for the same subject. Absent
// (404) unless public intake is on; limited per client IP.
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.PublicIntake || s.cfg.Issuer == nil {
		s.writeError(w, r, triagem.Errorf(triagem.ENOTFOUND, "public intake is off"))
		return
	}
	if err := s.allowIP(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := s.decodeOptionalObject(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	subject := AnonymousSubjectPrefix + uuid.NewString()
	if bearerToken(r) != "" {
		id, err := s.verify(r, bearerToken)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="triagem"`)
			s.writeError(w, r, err)
			return
		}
		if id.Role != triagem.RoleClient || !strings.HasPrefix(id.Subject, AnonymousSubjectPrefix) {
			s.writeError(w, r, triagem.Errorf(triagem.EFORBIDDEN, "only anonymous sessions are renewed here"))
			return
		}
		subject = id.Subject
	}
	setUser(r, subject)
	s.issue(w, r, subject, triagem.RoleClient, s.cfg.SessionTTL)
}

type devTokenRequest struct {
	Role triagem.Role `json:"role"`
}

// handleDevToken serves POST /api/v2/dev/token in dev mode only: a staff
// or admin token for the inbox's sign-in button. The subject is fixed per
// role, so that what a dev "staff" was assigned survives a new sign-in.
func (s *Server) handleDevToken(w http.ResponseWriter, r *http.Request) {
	if err := s.allowIP(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	var req devTokenRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Role != triagem.RoleStaff && req.Role != triagem.RoleAdmin {
		s.writeError(w, r, triagem.Errorf(triagem.EINVALID, "role must be staff or admin"))
		return
	}
	subject := "dev-" + string(req.Role)
	setUser(r, subject)
	s.issue(w, r, subject, req.Role, DevTokenTTLDefault)
}

func (s *Server) issue(w http.ResponseWriter, r *http.Request, subject string, role triagem.Role, ttl time.Duration) {
	token, expires, err := s.cfg.Issuer.Issue(subject, role, ttl)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, tokenResponse{Token: token, ExpiresAt: expires, Subject: subject, Role: role})
}

// decodeOptionalObject accepts an empty body or a JSON object.
func (s *Server) decodeOptionalObject(r *http.Request) error {
	if r.ContentLength == 0 {
		return nil
	}
	var body map[string]any
	return decode(r, &body)
}

// allowIP applies the per-client-IP limit of unauthenticated routes.
func (s *Server) allowIP(r *http.Request) error {
	ip := clientIP(r, s.cfg.TrustedProxies)
	if wait, ok := s.ipLimiter.allow(ip.String()); !ok {
		return retryAfter{triagem.Errorf(triagem.ERATELIMITED, "too many requests from this address"), wait}
	}
	return nil
}

// clientIP is the address the request came from: the connection's peer,
// or, when the peer is a trusted proxy, the last address in
// X-Forwarded-For that is not itself a trusted proxy. Only a trusted proxy
// can name the client: anyone else could write any header.
func clientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := remoteAddr(r)
	if !isTrusted(peer, trusted) {
		return peer
	}
	hops := forwardedFor(r)
	for i := len(hops) - 1; i >= 0; i-- {
		if !isTrusted(hops[i], trusted) {
			return hops[i]
		}
	}
	if len(hops) > 0 {
		return hops[0]
	}
	return peer
}

func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	return addr.Unmap()
}

// forwardedFor parses every X-Forwarded-For header, in order; an entry
// that is not an address ends the list (nothing left of it can be trusted).
func forwardedFor(r *http.Request) []netip.Addr {
	var hops []netip.Addr
	for _, header := range r.Header.Values("X-Forwarded-For") {
		for part := range strings.SplitSeq(header, ",") {
			addr, err := netip.ParseAddr(strings.TrimSpace(part))
			if err != nil {
				hops = nil
				continue
			}
			hops = append(hops, addr.Unmap())
		}
	}
	return hops
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads a comma-separated list of CIDRs or addresses.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			addr, err := netip.ParseAddr(part)
			if err != nil {
				return nil, triagem.Errorf(triagem.EINVALID, "trusted proxy %q is not an address or CIDR", part)
			}
			out = append(out, netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, triagem.Errorf(triagem.EINVALID, "trusted proxy %q is not an address or CIDR", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

type labelsResponse struct {
	Areas          []triagem.AreaInfo          `json:"areas"`
	UrgencyLevels  []triagem.UrgencyLevelInfo  `json:"urgency_levels"`
	Statuses       []triagem.StatusInfo        `json:"statuses"`
	HandlingStates []triagem.HandlingStateInfo `json:"handling_states"`
	Sentiments     []triagem.SentimentInfo     `json:"sentiments"`
	RetentionDays  int                         `json:"retention_days"`
	PublicIntake   bool                        `json:"public_intake"`
	DevMode        bool                        `json:"dev_mode"`
}

// handleLabels serves GET /api/v2/labels: every word the pages show for a
// slug, from the root's one vocabulary.
func (s *Server) handleLabels(w http.ResponseWriter, _ *http.Request, _ orchestrator.Principal) error {
	writeJSON(w, http.StatusOK, labelsResponse{
		Areas:          triagem.Taxonomy(),
		UrgencyLevels:  triagem.UrgencyLevels(),
		Statuses:       triagem.StatusInfos(),
		HandlingStates: triagem.HandlingStates(),
		Sentiments:     triagem.Sentiments(),
		RetentionDays:  int(max(0, (s.cfg.Retention+24*time.Hour-1)/(24*time.Hour))),
		PublicIntake:   s.cfg.PublicIntake,
		DevMode:        s.cfg.DevMode,
	})
	return nil
}
