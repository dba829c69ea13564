// Package authtest is the contract every auth.Verifier must pass. Run it
// from a verifier's tests with a factory that builds a fresh verifier and
// the means to sign tokens for it:
//
//	authtest.Run(t, func(t *testing.T) authtest.Setup { … })
//
// Tokens are stamped with the wall clock, so the verifier under test must
// use it too.
package authtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
)

// SignFunc signs claims into a compact JWT.
type SignFunc func(t *testing.T, claims jwt.Claims) string

// Setup is one verifier under test with its issuers.
type Setup struct {
	Verifier auth.Verifier
	// Sign signs as the issuer the verifier trusts: its algorithm, its key,
	// and whatever header (a kid) the verifier needs to find that key.
	Sign SignFunc
	// SignUntrusted signs like Sign but with a key the verifier does not
	// trust, as a forger holding the wrong key would.
	SignUntrusted SignFunc
}

// Factory builds the setup for one test.
type Factory func(t *testing.T) Setup

// Guard bounds the concurrent case; it is a hang guard, not a latency target.
const Guard = 30 * time.Second

// Run exercises every documented behaviour of auth.Verifier.
func Run(t *testing.T, newSetup Factory) {
	t.Run("ValidTokenGivesItsClaims", func(t *testing.T) { testValid(t, newSetup) })
	t.Run("MissingRoleIsClient", func(t *testing.T) { testMissingRole(t, newSetup) })
	t.Run("ExpiredIsTokenExpired", func(t *testing.T) { testExpired(t, newSetup) })
	t.Run("RefusedIsUnauthorized", func(t *testing.T) { testRefused(t, newSetup) })
	t.Run("MalformedIsUnauthorized", func(t *testing.T) { testMalformed(t, newSetup) })
	t.Run("AlgNoneIsUnauthorized", func(t *testing.T) { testAlgNone(t, newSetup) })
	t.Run("TamperedPayloadIsUnauthorized", func(t *testing.T) { testTampered(t, newSetup) })
	t.Run("ConcurrentUse", func(t *testing.T) { testConcurrent(t, newSetup) })
}

// claimsFor is the claims of a token for sub with role, issued now and valid
// for ttl.
func claimsFor(sub string, role triagem.Role, ttl time.Duration) auth.Claims {
	now := time.Now()
	return auth.Claims{
		Role: role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   sub,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
}

// requireCode fails t unless err is an *triagem.Error with code.
func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, triagem.ErrorCode(err), "error: %v", err)
}

func verify(s Setup, token string) (auth.Identity, error) {
	return s.Verifier.Verify(context.Background(), token)
}

func testValid(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	for _, role := range []triagem.Role{triagem.RoleClient, triagem.RoleStaff, triagem.RoleAdmin, triagem.RoleService} {
		claims := claimsFor("user-"+string(role), role, time.Hour)
		id, err := verify(s, s.Sign(t, claims))
		require.NoError(t, err, "role %s", role)
		require.Equal(t, claims.Subject, id.Subject)
		require.Equal(t, role, id.Role)
		require.Equal(t, claims.ExpiresAt.Unix(), id.ExpiresAt.Unix())
	}
}

func testMissingRole(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	id, err := verify(s, s.Sign(t, claimsFor("user-1", "", time.Hour)))
	require.NoError(t, err)
	require.Equal(t, triagem.RoleClient, id.Role)
}

func testExpired(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	claims := claimsFor("user-1", triagem.RoleAdmin, time.Minute)
	claims.IssuedAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
	claims.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour + time.Minute))
	_, err := verify(s, s.Sign(t, claims))
	requireCode(t, err, triagem.ETOKENEXPIRED)
}

// testRefused covers tokens that are well formed but must not pass.
func testRefused(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	valid := claimsFor("user-1", triagem.RoleAdmin, time.Hour)
	noSubject, unknownRole, noExp, notYet := valid, valid, valid, valid
	noSubject.Subject = ""
	unknownRole.Role = "root"
	noExp.ExpiresAt = nil
	notYet.NotBefore = jwt.NewNumericDate(time.Now().Add(30 * time.Minute))
	for name, token := range map[string]string{
		"wrong signature": s.SignUntrusted(t, valid),
		"missing sub":     s.Sign(t, noSubject),
		"unknown role":    s.Sign(t, unknownRole),
		"missing exp":     s.Sign(t, noExp),
		"not yet valid":   s.Sign(t, notYet),
	} {
		_, err := verify(s, token)
		require.Equal(t, triagem.EUNAUTHORIZED, triagem.ErrorCode(err), "%s: %v", name, err)
	}
}

func testMalformed(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	good := s.Sign(t, claimsFor("user-1", triagem.RoleAdmin, time.Hour))
	header, payload, _ := splitToken(t, good)
	for _, token := range []string{
		"", "garbage", "a.b", "a.b.c", "..", "Bearer " + good,
		good[:len(good)-4],           // signature cut short
		header + "." + payload,       // no signature segment
		header + "." + payload + ".", // empty signature
		header + ".%%%." + "c2ln",    // payload not base64url
		encodeSegment(t, "not json") + "." + payload + ".c2ln",
	} {
		_, err := verify(s, token)
		require.Equal(t, triagem.EUNAUTHORIZED, triagem.ErrorCode(err), "token %q: %v", token, err)
	}
}

// testAlgNone re-signs a trusted token with "alg": "none", keeping every
// other header (the kid) so that only the algorithm gives it away.
func testAlgNone(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	header, payload, _ := splitToken(t, s.Sign(t, claimsFor("attacker", triagem.RoleAdmin, time.Hour)))
	for _, alg := range []string{"none", "None", "NONE"} {
		forged := rewriteSegment(t, header, func(h map[string]any) { h["alg"] = alg }) + "." + payload + "."
		_, err := verify(s, forged)
		require.Equal(t, triagem.EUNAUTHORIZED, triagem.ErrorCode(err), "alg %q: %v", alg, err)
	}
}

// testTampered raises the role of a trusted token and keeps its signature.
func testTampered(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	header, payload, sig := splitToken(t, s.Sign(t, claimsFor("user-1", triagem.RoleClient, time.Hour)))
	payload = rewriteSegment(t, payload, func(c map[string]any) { c["role"] = string(triagem.RoleAdmin) })
	_, err := verify(s, header+"."+payload+"."+sig)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func testConcurrent(t *testing.T, newSetup Factory) {
	t.Parallel()
	s := newSetup(t)
	good := s.Sign(t, claimsFor("user-1", triagem.RoleStaff, time.Hour))
	forged := s.SignUntrusted(t, claimsFor("user-1", triagem.RoleAdmin, time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), Guard)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range cap(errs) {
		wg.Go(func() {
			if i%2 == 0 {
				id, err := s.Verifier.Verify(ctx, good)
				if err == nil && id.Role != triagem.RoleStaff {
					err = fmt.Errorf("role %q, want staff", id.Role)
				}
				errs <- err
				return
			}
			if _, err := s.Verifier.Verify(ctx, forged); triagem.ErrorCode(err) != triagem.EUNAUTHORIZED {
				errs <- fmt.Errorf("forged token: got %v, want %s", err, triagem.EUNAUTHORIZED)
				return
			}
			errs <- nil
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func splitToken(t *testing.T, token string) (header, payload, signature string) {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3, "a compact JWT has three segments")
	return parts[0], parts[1], parts[2]
}

// rewriteSegment decodes a token's JSON segment, lets change alter it and
// encodes it again.
func rewriteSegment(t *testing.T, segment string, change func(map[string]any)) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(segment)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v))
	change(v)
	return encodeSegment(t, v)
}

func encodeSegment(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}
