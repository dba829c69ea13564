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
