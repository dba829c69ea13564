package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
)

const testSecret = "test-secret-of-a-reasonable-length"

// signHS256 signs arbitrary claims, for tokens Mint refuses to make.
func signHS256(t *testing.T, secret string, claims jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	require.NoError(t, err)
	return s
}

func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, triagem.ErrorCode(err), "error: %v", err)
}

func TestHMACValid(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, role := range []triagem.Role{triagem.RoleClient, triagem.RoleAdmin, triagem.RoleService} {
		tok, err := auth.Mint(testSecret, "user-1", role, time.Hour, now)
		require.NoError(t, err)
		id, err := auth.NewHMAC(testSecret).Verify(context.Background(), tok)
		require.NoError(t, err)
		require.Equal(t, "user-1", id.Subject)
		require.Equal(t, role, id.Role)
		require.Equal(t, now.Add(time.Hour).Unix(), id.ExpiresAt.Unix())
	}
}

func TestHMACDefaultRoleIsClient(t *testing.T) {
	t.Parallel()
	tok := signHS256(t, testSecret, jwt.RegisteredClaims{
		Subject:   "user-1",
		ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	})
	id, err := auth.NewHMAC(testSecret).Verify(context.Background(), tok)
	require.NoError(t, err)
	require.Equal(t, triagem.RoleClient, id.Role)
}

func TestHMACWrongSecret(t *testing.T) {
	t.Parallel()
	tok, err := auth.Mint("another-secret", "user-1", triagem.RoleAdmin, time.Hour, time.Now())
	require.NoError(t, err)
	_, err = auth.NewHMAC(testSecret).Verify(context.Background(), tok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestHMACExpired(t *testing.T) {
	t.Parallel()
	tok, err := auth.Mint(testSecret, "user-1", triagem.RoleClient, time.Minute, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	_, err = auth.NewHMAC(testSecret).Verify(context.Background(), tok)
	requireCode(t, err, triagem.ETOKENEXPIRED)
}

func TestHMACMissingSubject(t *testing.T) {
	t.Parallel()
	tok := signHS256(t, testSecret, auth.Claims{
		Role:             triagem.RoleAdmin,
		RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))},
	})
	_, err := auth.NewHMAC(testSecret).Verify(context.Background(), tok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestHMACUnknownRole(t *testing.T) {
	t.Parallel()
	tok := signHS256(t, testSecret, auth.Claims{
		Role: "root",
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   "user-1",
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
		},
	})
	_, err := auth.NewHMAC(testSecret).Verify(context.Background(), tok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestHMACMissingExp(t *testing.T) {
	t.Parallel()
	tok := signHS256(t, testSecret, auth.Claims{
		Role:             triagem.RoleAdmin,
		RegisteredClaims: jwt.RegisteredClaims{Subject: "user-1"},
	})
	_, err := auth.NewHMAC(testSecret).Verify(context.Background(), tok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestHMACAlgNone(t *testing.T) {
	t.Parallel()
	claims := auth.Claims{
		Role: triagem.RoleAdmin,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   "user-1",
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	_, err = auth.NewHMAC(testSecret).Verify(context.Background(), tok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestHMACMalformed(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"", "garbage", "a.b.c", "a.b"} {
		_, err := auth.NewHMAC(testSecret).Verify(context.Background(), tok)
		requireCode(t, err, triagem.EUNAUTHORIZED)
	}
}

func TestMintRefuses(t *testing.T) {
	t.Parallel()
	_, err := auth.Mint(testSecret, "", triagem.RoleClient, time.Hour, time.Now())
	require.Error(t, err)
	_, err = auth.Mint(testSecret, "user-1", "root", time.Hour, time.Now())
	require.Error(t, err)
}

type fixedVerifier struct{ id auth.Identity }

func (v fixedVerifier) Verify(context.Context, string) (auth.Identity, error) { return v.id, nil }

func TestEitherPicksTheVerifierByAlgorithm(t *testing.T) {
	t.Parallel()
	idp := fixedVerifier{auth.Identity{Subject: "from-idp", Role: triagem.RoleStaff}}
	v := auth.Either{HMAC: auth.NewHMAC("secret"), Other: idp}

	own, _, err := auth.NewIssuer("secret", nil).Issue("anon-1", triagem.RoleClient, time.Hour)
	require.NoError(t, err)
	id, err := v.Verify(t.Context(), own)
	require.NoError(t, err)
	require.Equal(t, "anon-1", id.Subject, "HS256 goes to the shared secret")

	forged, _, err := auth.NewIssuer("not-the-secret", nil).Issue("anon-2", triagem.RoleAdmin, time.Hour)
	require.NoError(t, err)
	_, err = v.Verify(t.Context(), forged)
	require.Equal(t, triagem.EUNAUTHORIZED, triagem.ErrorCode(err), "an HS256 token is never handed to the identity provider")

	rs := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "x"})
	unsigned, err := rs.SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	id, err = v.Verify(t.Context(), unsigned)
	require.NoError(t, err)
	require.Equal(t, "from-idp", id.Subject, "other algorithms go to the identity provider's verifier")

	_, err = v.Verify(t.Context(), "not a token")
	require.Equal(t, triagem.EUNAUTHORIZED, triagem.ErrorCode(err))
}
