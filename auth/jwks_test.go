package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
)

// Keys are generated once: RSA 2048 generation is slow under -race.
var (
	rsaKeyA = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	rsaKeyB = sync.OnceValue(func() *rsa.PrivateKey { return mustRSA() })
	ecKeyA  = sync.OnceValue(func() *ecdsa.PrivateKey { return mustEC() })
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func mustEC() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

var b64 = base64.RawURLEncoding.EncodeToString

func rsaJWK(kid string, k *rsa.PublicKey) map[string]any {
	return map[string]any{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	}
}

func ecJWK(kid string, k *ecdsa.PublicKey) map[string]any {
	p, err := k.Bytes() // 0x04 || X || Y
	if err != nil {
		panic(err)
	}
	return map[string]any{
		"kty": "EC", "use": "sig", "crv": "P-256", "kid": kid,
		"x": b64(p[1:33]), "y": b64(p[33:65]),
	}
}

// jwksServer serves a JWK Set that tests can change, and counts its hits.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int64
	mu   sync.Mutex
	doc  []byte
	down bool
}

func newJWKSServer(t *testing.T, keys ...map[string]any) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.set(t, keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		doc, down := s.doc, s.down
		s.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(t *testing.T, keys ...map[string]any) {
	t.Helper()
	doc, err := json.Marshal(map[string]any{"keys": keys})
	require.NoError(t, err)
	s.mu.Lock()
	s.doc = doc
	s.mu.Unlock()
}

func (s *jwksServer) setDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	testRefresh    = 15 * time.Minute
	testMinRefresh = time.Minute
)

func newTestJWKS(t *testing.T, srv *jwksServer, clk *clock) *auth.JWKS {
	t.Helper()
	v, err := auth.NewJWKS(context.Background(), auth.JWKSConfig{
		URL:                srv.URL,
		HTTPClient:         srv.Client(),
		RefreshInterval:    testRefresh,
		MinRefreshInterval: testMinRefresh,
		Now:                clk.Now,
	})
	require.NoError(t, err)
	require.EqualValues(t, 1, srv.hits.Load())
	return v
}

func claimsAt(now time.Time, sub string, role triagem.Role, ttl time.Duration) auth.Claims {
	return auth.Claims{
		Role: role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   sub,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
}

func sign(t *testing.T, m jwt.SigningMethod, kid string, claims jwt.Claims, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

func TestJWKSValid(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey), ecJWK("ec-a", &ecKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)

	rs := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(clk.Now(), "svc-1", triagem.RoleService, time.Hour), rsaKeyA())
	id, err := v.Verify(context.Background(), rs)
	require.NoError(t, err)
	require.Equal(t, "svc-1", id.Subject)
	require.Equal(t, triagem.RoleService, id.Role)
	require.True(t, id.ExpiresAt.Equal(clk.Now().Add(time.Hour)), "ExpiresAt %v", id.ExpiresAt)

	es := sign(t, jwt.SigningMethodES256, "ec-a", claimsAt(clk.Now(), "admin-1", triagem.RoleAdmin, time.Hour), ecKeyA())
	id, err = v.Verify(context.Background(), es)
	require.NoError(t, err)
	require.Equal(t, "admin-1", id.Subject)
	require.Equal(t, triagem.RoleAdmin, id.Role)

	require.EqualValues(t, 1, srv.hits.Load(), "known kids must not refetch")
}

func TestJWKSUnknownKidRateLimited(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)

	bad := sign(t, jwt.SigningMethodRS256, "nope", claimsAt(clk.Now(), "u", triagem.RoleClient, 2*time.Hour), rsaKeyA())

	// The fetch in NewJWKS counts: no refetch within MinRefreshInterval of it.
	_, err := v.Verify(context.Background(), bad)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	require.EqualValues(t, 1, srv.hits.Load())

	clk.Advance(testMinRefresh)
	for range 100 {
		_, err := v.Verify(context.Background(), bad)
		requireCode(t, err, triagem.EUNAUTHORIZED)
	}
	require.EqualValues(t, 2, srv.hits.Load(), "unknown kids refetch at most once per MinRefreshInterval")

	clk.Advance(testMinRefresh - time.Second)
	_, err = v.Verify(context.Background(), bad)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	require.EqualValues(t, 2, srv.hits.Load())

	clk.Advance(time.Second)
	_, err = v.Verify(context.Background(), bad)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	require.EqualValues(t, 3, srv.hits.Load())

	// Known kids still verify throughout.
	good := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour), rsaKeyA())
	_, err = v.Verify(context.Background(), good)
	require.NoError(t, err)
	require.EqualValues(t, 3, srv.hits.Load())
}

func TestJWKSUnknownKidFloodConcurrent(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)

	bad := sign(t, jwt.SigningMethodRS256, "nope", claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour), rsaKeyA())
	good := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour), rsaKeyA())
	clk.Advance(testMinRefresh)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			if i%2 == 0 {
				_, err := v.Verify(context.Background(), bad)
				requireCode(t, err, triagem.EUNAUTHORIZED)
				return
			}
			_, err := v.Verify(context.Background(), good)
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.EqualValues(t, 2, srv.hits.Load())
}

func TestJWKSKeyRotation(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)

	oldTok := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(clk.Now(), "u", triagem.RoleClient, 2*time.Hour), rsaKeyA())
	newTok := sign(t, jwt.SigningMethodRS256, "rsa-b", claimsAt(clk.Now(), "u2", triagem.RoleAdmin, 2*time.Hour), rsaKeyB())

	// The issuer rotates: it publishes the new key and drops the old one.
	srv.set(t, rsaJWK("rsa-b", &rsaKeyB().PublicKey))
	clk.Advance(testMinRefresh)

	id, err := v.Verify(context.Background(), newTok)
	require.NoError(t, err)
	require.Equal(t, "u2", id.Subject)
	require.Equal(t, triagem.RoleAdmin, id.Role)
	require.EqualValues(t, 2, srv.hits.Load())

	// The fresh set lacks rsa-a; a refetch for it is rate limited, and
	// tokens signed with the dropped key are refused.
	_, err = v.Verify(context.Background(), oldTok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	require.EqualValues(t, 2, srv.hits.Load())
}

func TestJWKSPeriodicRefreshDropsOldKey(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	tok := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(clk.Now(), "u", triagem.RoleClient, 2*time.Hour), rsaKeyA())

	srv.set(t, rsaJWK("rsa-b", &rsaKeyB().PublicKey))
	clk.Advance(testRefresh - time.Second)
	_, err := v.Verify(context.Background(), tok)
	require.NoError(t, err, "the cached set is still fresh")
	require.EqualValues(t, 1, srv.hits.Load())

	clk.Advance(time.Second)
	_, err = v.Verify(context.Background(), tok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	require.EqualValues(t, 2, srv.hits.Load())
}

func TestJWKSServerDownKeepsOldKeys(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	tok := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(clk.Now(), "u", triagem.RoleClient, 2*time.Hour), rsaKeyA())

	srv.setDown(true)
	clk.Advance(testRefresh)
	for range 10 {
		_, err := v.Verify(context.Background(), tok)
		require.NoError(t, err)
	}
	require.EqualValues(t, 2, srv.hits.Load(), "one failed refresh, then no retry before MinRefreshInterval")

	// Once MinRefreshInterval passes, a stale set retries; still down.
	clk.Advance(testMinRefresh)
	_, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.EqualValues(t, 3, srv.hits.Load())

	// Back up: the next retry succeeds, and the set is fresh again.
	srv.setDown(false)
	clk.Advance(testMinRefresh)
	_, err = v.Verify(context.Background(), tok)
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.EqualValues(t, 4, srv.hits.Load())
}

func TestJWKSServerDownUnknownKid(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	srv.setDown(true)
	bad := sign(t, jwt.SigningMethodRS256, "nope", claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour), rsaKeyA())
	clk.Advance(testMinRefresh)
	_, err := v.Verify(context.Background(), bad)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	require.EqualValues(t, 2, srv.hits.Load())
}

func TestJWKSExpired(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey), ecJWK("ec-a", &ecKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)

	rs := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(clk.Now(), "u", triagem.RoleClient, time.Minute), rsaKeyA())
	es := sign(t, jwt.SigningMethodES256, "ec-a", claimsAt(clk.Now(), "u", triagem.RoleClient, time.Minute), ecKeyA())
	clk.Advance(2 * time.Minute)
	_, err := v.Verify(context.Background(), rs)
	requireCode(t, err, triagem.ETOKENEXPIRED)
	_, err = v.Verify(context.Background(), es)
	requireCode(t, err, triagem.ETOKENEXPIRED)
}

func TestJWKSMissingExp(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	tok := sign(t, jwt.SigningMethodRS256, "rsa-a", auth.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: "u"}}, rsaKeyA())
	_, err := v.Verify(context.Background(), tok)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestJWKSAlgorithmConfusion(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	claims := claimsAt(clk.Now(), "attacker", triagem.RoleAdmin, time.Hour)
	clk.Advance(testMinRefresh) // so that a kid lookup could refetch

	// HS256 "signed" with the public key, as PEM and as DER.
	der, err := x509.MarshalPKIXPublicKey(&rsaKeyA().PublicKey)
	require.NoError(t, err)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	for _, secret := range [][]byte{pemBytes, der, x509.MarshalPKCS1PublicKey(&rsaKeyA().PublicKey)} {
		tok := sign(t, jwt.SigningMethodHS256, "rsa-a", claims, secret)
		_, err := v.Verify(context.Background(), tok)
		requireCode(t, err, triagem.EUNAUTHORIZED)
	}

	none := sign(t, jwt.SigningMethodNone, "rsa-a", claims, jwt.UnsafeAllowNoneSignatureType)
	_, err = v.Verify(context.Background(), none)
	requireCode(t, err, triagem.EUNAUTHORIZED)

	// Other RSA algorithms are refused too, even with the right key.
	ps := sign(t, jwt.SigningMethodPS256, "rsa-a", claims, rsaKeyA())
	_, err = v.Verify(context.Background(), ps)
	requireCode(t, err, triagem.EUNAUTHORIZED)

	require.EqualValues(t, 1, srv.hits.Load(), "refused algorithms must not trigger a fetch")
}

func TestJWKSKeyTypeMustMatchAlg(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey), ecJWK("ec-a", &ecKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	claims := claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour)

	// ES256 token naming the RSA key, and the reverse.
	es := sign(t, jwt.SigningMethodES256, "rsa-a", claims, ecKeyA())
	_, err := v.Verify(context.Background(), es)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	rs := sign(t, jwt.SigningMethodRS256, "ec-a", claims, rsaKeyA())
	_, err = v.Verify(context.Background(), rs)
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestJWKSBadSignatureAndMissingKid(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	claims := claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour)

	clk.Advance(testMinRefresh) // so that a kid lookup could refetch
	forged := sign(t, jwt.SigningMethodRS256, "rsa-a", claims, rsaKeyB())
	_, err := v.Verify(context.Background(), forged)
	requireCode(t, err, triagem.EUNAUTHORIZED)

	noKid := sign(t, jwt.SigningMethodRS256, "", claims, rsaKeyA())
	_, err = v.Verify(context.Background(), noKid)
	requireCode(t, err, triagem.EUNAUTHORIZED)
	require.EqualValues(t, 1, srv.hits.Load())
}

func TestJWKSSkipsUnusableKeys(t *testing.T) {
	t.Parallel()
	clk := newClock()
	enc := rsaJWK("rsa-enc", &rsaKeyB().PublicKey)
	enc["use"] = "enc"
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p384Bytes, err := p384.PublicKey.Bytes()
	require.NoError(t, err)
	offCurve := ecJWK("ec-off", &ecKeyA().PublicKey)
	offCurve["y"] = offCurve["x"]
	srv := newJWKSServer(t,
		enc,
		map[string]any{"kty": "oct", "kid": "oct", "k": b64([]byte("secret"))},
		map[string]any{"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": b64(make([]byte, 32))},
		map[string]any{"kty": "EC", "kid": "p384", "crv": "P-384", "x": b64(p384Bytes[1:49]), "y": b64(p384Bytes[49:])},
		map[string]any{"kty": "RSA", "kid": "bad-n", "n": "!!!", "e": "AQAB"},
		offCurve,
		rsaJWK("", &rsaKeyA().PublicKey),      // no kid
		rsaJWK("rsa-a", &rsaKeyA().PublicKey), // the one usable key
	)
	v := newTestJWKS(t, srv, clk)
	claims := claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour)

	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "rsa-a", claims, rsaKeyA()))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "rsa-enc", claims, rsaKeyB()))
	requireCode(t, err, triagem.EUNAUTHORIZED)
	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodES256, "ec-off", claims, ecKeyA()))
	requireCode(t, err, triagem.EUNAUTHORIZED)
}

func TestJWKSSmallRSAKeyRefused(t *testing.T) {
	t.Parallel()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	srv := newJWKSServer(t, rsaJWK("small", &small.PublicKey))
	_, err = auth.NewJWKS(context.Background(), auth.JWKSConfig{URL: srv.URL})
	requireCode(t, err, triagem.EUNAVAILABLE)
}

func TestJWKSSameKidTwoKeyTypes(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newJWKSServer(t, rsaJWK("k1", &rsaKeyA().PublicKey), ecJWK("k1", &ecKeyA().PublicKey))
	v := newTestJWKS(t, srv, clk)
	claims := claimsAt(clk.Now(), "u", triagem.RoleClient, time.Hour)
	_, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, "k1", claims, rsaKeyA()))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodES256, "k1", claims, ecKeyA()))
	require.NoError(t, err)
}

func TestNewJWKSErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	for _, u := range []string{"", "not a url", "ftp://example.com/jwks", "/relative"} {
		_, err := auth.NewJWKS(ctx, auth.JWKSConfig{URL: u})
		require.Error(t, err, "URL %q", u)
	}

	down := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	down.setDown(true)
	_, err := auth.NewJWKS(ctx, auth.JWKSConfig{URL: down.URL})
	requireCode(t, err, triagem.EUNAVAILABLE)

	empty := newJWKSServer(t)
	_, err = auth.NewJWKS(ctx, auth.JWKSConfig{URL: empty.URL})
	requireCode(t, err, triagem.EUNAVAILABLE)

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<html>not json</html>"))
	}))
	t.Cleanup(garbage.Close)
	_, err = auth.NewJWKS(ctx, auth.JWKSConfig{URL: garbage.URL})
	requireCode(t, err, triagem.EUNAVAILABLE)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	ok := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	_, err = auth.NewJWKS(cancelled, auth.JWKSConfig{URL: ok.URL})
	requireCode(t, err, triagem.EUNAVAILABLE)
}

func TestJWKSDefaults(t *testing.T) {
	t.Parallel()
	srv := newJWKSServer(t, rsaJWK("rsa-a", &rsaKeyA().PublicKey))
	v, err := auth.NewJWKS(context.Background(), auth.JWKSConfig{URL: srv.URL})
	require.NoError(t, err)
	tok := sign(t, jwt.SigningMethodRS256, "rsa-a", claimsAt(time.Now(), "u", triagem.RoleClient, time.Hour), rsaKeyA())
	id, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.Equal(t, "u", id.Subject)
	require.Equal(t, triagem.RoleClient, id.Role)
}
