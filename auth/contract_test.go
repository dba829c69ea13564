package auth_test

import (
	"context"
	"crypto/ecdsa"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/auth/authtest"
)

var ecKeyB = sync.OnceValue(func() *ecdsa.PrivateKey { return mustEC() })

func TestHMACContract(t *testing.T) {
	authtest.Run(t, func(t *testing.T) authtest.Setup {
		return authtest.Setup{
			Verifier:      auth.NewHMAC(testSecret),
			Sign:          func(t *testing.T, c jwt.Claims) string { return signHS256(t, testSecret, c) },
			SignUntrusted: func(t *testing.T, c jwt.Claims) string { return signHS256(t, "another-secret-of-the-same-size", c) },
		}
	})
}

// TestJWKSContract runs the contract once per algorithm, against a key set
// that holds both an RSA and an EC key.
func TestJWKSContract(t *testing.T) {
	for _, alg := range []struct {
		name    string
		method  jwt.SigningMethod
		kid     string
		trusted func() any
		forger  func() any
	}{
		{"RS256", jwt.SigningMethodRS256, "rsa-a", func() any { return rsaKeyA() }, func() any { return rsaKeyB() }},
		{"ES256", jwt.SigningMethodES256, "ec-a", func() any { return ecKeyA() }, func() any { return ecKeyB() }},
	} {
		t.Run(alg.name, func(t *testing.T) {
			authtest.Run(t, func(t *testing.T) authtest.Setup {
				srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey), ecJWK("ec-a", &ecKeyA().PublicKey))
				v, err := auth.NewJWKS(context.Background(), auth.JWKSConfig{URL: srv.URL, HTTPClient: srv.Client()})
				require.NoError(t, err)
				return authtest.Setup{
					Verifier:      v,
					Sign:          func(t *testing.T, c jwt.Claims) string { return sign(t, alg.method, alg.kid, c, alg.trusted()) },
					SignUntrusted: func(t *testing.T, c jwt.Claims) string { return sign(t, alg.method, alg.kid, c, alg.forger()) },
				}
			})
		})
	}
}

// TestEitherContract: the verifier used when Triagem issues its own session
// tokens beside a firm's identity provider passes the contract for both
// halves: HS256 against the secret, RS256 against the key set.
func TestEitherContract(t *testing.T) {
	either := func(t *testing.T) auth.Either {
		srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
		jwks, err := auth.NewJWKS(context.Background(), auth.JWKSConfig{URL: srv.URL, HTTPClient: srv.Client()})
		require.NoError(t, err)
		return auth.Either{HMAC: auth.NewHMAC(testSecret), Other: jwks}
	}
	t.Run("HS256", func(t *testing.T) {
		authtest.Run(t, func(t *testing.T) authtest.Setup {
			return authtest.Setup{
				Verifier:      either(t),
				Sign:          func(t *testing.T, c jwt.Claims) string { return signHS256(t, testSecret, c) },
				SignUntrusted: func(t *testing.T, c jwt.Claims) string { return signHS256(t, "another-secret-of-the-same-size", c) },
			}
		})
	})
	t.Run("RS256", func(t *testing.T) {
		authtest.Run(t, func(t *testing.T) authtest.Setup {
			return authtest.Setup{
				Verifier:      either(t),
				Sign:          func(t *testing.T, c jwt.Claims) string { return sign(t, jwt.SigningMethodRS256, "rsa-a", c, rsaKeyA()) },
				SignUntrusted: func(t *testing.T, c jwt.Claims) string { return sign(t, jwt.SigningMethodRS256, "rsa-a", c, rsaKeyB()) },
			}
		})
	})
}
