// Package auth issues and checks the bearer tokens of the API: JWTs signed
// with a shared HS256 secret, or RS256/ES256 verified against a JWKS URL.
package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/triagem/triagem"
)

// DevSecret signs tokens when no key is configured. It is public on
// purpose: dev mode listens on loopback only, and `triagem token` must mint
// tokens the dev server accepts without any setup.
const DevSecret = "triagem-dev-mode-not-a-secret"

// Claims are the token fields Triagem reads.
type Claims struct {
	Role triagem.Role `json:"role"`
	jwt.RegisteredClaims
}

// Identity is a verified caller.
type Identity struct {
	Subject   string
	Role      triagem.Role
	ExpiresAt time.Time
}

// Verifier checks a bearer token.
type Verifier interface {
	// Verify returns the caller, or an *triagem.Error with EUNAUTHORIZED or
	// ETOKENEXPIRED.
	Verify(ctx context.Context, token string) (Identity, error)
}

// Every verifier here passes the contract suite in auth/authtest.
var (
	_ Verifier = (*HMAC)(nil)
	_ Verifier = Either{}
)

// HMAC verifies HS256 tokens with a shared secret.
type HMAC struct {
	secret []byte
	parser *jwt.Parser
}

// NewHMAC returns a verifier for tokens signed with secret.
func NewHMAC(secret string) *HMAC {
	return &HMAC{
		secret: []byte(secret),
		parser: jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()),
	}
}

// Verify implements Verifier.
func (h *HMAC) Verify(_ context.Context, token string) (Identity, error) {
	return parse(h.parser, token, func(*jwt.Token) (any, error) { return h.secret, nil })
}

func parse(p *jwt.Parser, token string, key jwt.Keyfunc) (Identity, error) {
	var claims Claims
	if _, err := p.ParseWithClaims(token, &claims, key); err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return Identity{}, &triagem.Error{Code: triagem.ETOKENEXPIRED, Message: "token expired", Err: err}
		}
		return Identity{}, &triagem.Error{Code: triagem.EUNAUTHORIZED, Message: "invalid token", Err: err}
	}
	if claims.Subject == "" {
		return Identity{}, triagem.Errorf(triagem.EUNAUTHORIZED, "token has no subject")
	}
	role := claims.Role
	if role == "" {
		role = triagem.RoleClient
	}
	if !role.Valid() {
		return Identity{}, triagem.Errorf(triagem.EUNAUTHORIZED, "token has an unknown role")
	}
	return Identity{Subject: claims.Subject, Role: role, ExpiresAt: claims.ExpiresAt.Time}, nil
}

// Mint signs an HS256 token for sub with role, valid for ttl.
func Mint(secret, sub string, role triagem.Role, ttl time.Duration, now time.Time) (string, error) {
	if sub == "" {
		return "", errors.New("auth: subject required")
	}
	if !role.Valid() {
		return "", fmt.Errorf("auth: unknown role %q", role)
	}
	claims := Claims{
		Role: role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   sub,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		return "", fmt.Errorf("auth: sign: %w", err)
	}
	return signed, nil
}

// Issuer mints the HS256 tokens Triagem gives out itself: the intake
// page's anonymous sessions and, in dev mode, the inbox's sign-in.
type Issuer struct {
	secret string
	now    func() time.Time
}

// NewIssuer returns an Issuer signing with secret; now defaults to time.Now.
func NewIssuer(secret string, now func() time.Time) *Issuer {
	if now == nil {
		now = time.Now
	}
	return &Issuer{secret: secret, now: now}
}

// Issue signs a token for sub with role, valid for ttl from now, and says
// when it expires.
func (i *Issuer) Issue(sub string, role triagem.Role, ttl time.Duration) (string, time.Time, error) {
	now := i.now()
	token, err := Mint(i.secret, sub, role, ttl, now)
	if err != nil {
		return "", time.Time{}, err
	}
	// Claims carry whole seconds; report what the token says.
	return token, jwt.NewNumericDate(now.Add(ttl)).Time.UTC(), nil
}

// Either accepts HS256 tokens with hmac (the ones Triagem issued itself)
// and every other algorithm with other (the firm's identity provider).
type Either struct {
	HMAC  Verifier
	Other Verifier
}

// Verify implements Verifier: the token's header picks the verifier, so an
// HS256 token can never be checked against the identity provider's keys
// nor the reverse.
func (e Either) Verify(ctx context.Context, token string) (Identity, error) {
	parsed, _, err := jwt.NewParser().ParseUnverified(token, &Claims{})
	if err != nil {
		return Identity{}, &triagem.Error{Code: triagem.EUNAUTHORIZED, Message: "invalid token", Err: err}
	}
	if parsed.Method.Alg() == jwt.SigningMethodHS256.Alg() {
		return e.HMAC.Verify(ctx, token)
	}
	return e.Other.Verify(ctx, token)
}
