package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/triagem/triagem"
)

// JWKS defaults.
const (
	defaultJWKSTimeout            = 10 * time.Second
	defaultJWKSRefreshInterval    = 15 * time.Minute
	defaultJWKSMinRefreshInterval = time.Minute

	// maxJWKSBytes bounds the key set document read from the server.
	maxJWKSBytes = 1 << 20
	// minRSABits is the smallest RSA modulus accepted from a key set.
	minRSABits = 2048
)

// JWKSConfig configures NewJWKS.
type JWKSConfig struct {
	// URL of the JWK Set document (RFC 7517). Required; http or https.
	URL string
	// HTTPClient fetches URL. Default: a client with a 10 s timeout.
	HTTPClient *http.Client
	// RefreshInterval is how long a fetched key set is used before Verify
	// fetches it again. Default: 15 min.
	RefreshInterval time.Duration
	// MinRefreshInterval is the least time between two fetches: a token
	// naming an unknown kid refetches the set at most once per interval, and
	// a failed refresh is retried no sooner. Default: 1 min.
	MinRefreshInterval time.Duration
	// Now is the clock used for refresh timing and token expiry.
	// Default: time.Now.
	Now func() time.Time
}

// JWKS verifies RS256 and ES256 (P-256) tokens against the keys of a JWK
// Set fetched over HTTP. The token's kid header selects the key.
//
// The key set is refreshed lazily, inside Verify, when it is older than
// RefreshInterval or when a token names a kid it does not hold; there is no
// background goroutine, so nothing needs stopping. A failed refresh keeps
// the previous keys.
type JWKS struct {
	url         string
	client      *http.Client
	timeout     time.Duration
	refresh     time.Duration
	minRefresh  time.Duration
	now         func() time.Time
	parser      *jwt.Parser
	mu          sync.Mutex
	keys        map[string][]jwk // by kid
	fetchedAt   time.Time        // last successful fetch
	attemptedAt time.Time        // last fetch started, successful or not
	fetching    chan struct{}    // non-nil while a fetch runs; closed when done
}

// jwk is one usable verification key.
type jwk struct {
	alg string // the key's alg member; "" if the set does not say
	key any    // *rsa.PublicKey or *ecdsa.PublicKey
}

var _ Verifier = (*JWKS)(nil)

// NewJWKS fetches the key set at cfg.URL and returns a verifier for it. It
// fails if the first fetch fails or yields no usable key; the error then
// carries triagem.EUNAVAILABLE.
func NewJWKS(ctx context.Context, cfg JWKSConfig) (*JWKS, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("auth: JWKS URL %q is not an http(s) URL", cfg.URL)
	}
	j := &JWKS{
		url:        cfg.URL,
		client:     cfg.HTTPClient,
		refresh:    cfg.RefreshInterval,
		minRefresh: cfg.MinRefreshInterval,
		now:        cfg.Now,
	}
	if j.client == nil {
		j.client = &http.Client{Timeout: defaultJWKSTimeout}
	}
	j.timeout = j.client.Timeout
	if j.timeout <= 0 {
		j.timeout = defaultJWKSTimeout
	}
	if j.refresh <= 0 {
		j.refresh = defaultJWKSRefreshInterval
	}
	if j.minRefresh <= 0 {
		j.minRefresh = defaultJWKSMinRefreshInterval
	}
	if j.now == nil {
		j.now = time.Now
	}
	j.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256", "ES256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(j.now),
	)

	now := j.now()
	keys, err := j.fetch(ctx)
	if err != nil {
		return nil, &triagem.Error{Code: triagem.EUNAVAILABLE, Message: "JWKS unavailable", Err: err}
	}
	j.keys, j.fetchedAt, j.attemptedAt = keys, now, now
	return j, nil
}

// Verify implements Verifier.
func (j *JWKS) Verify(ctx context.Context, token string) (Identity, error) {
	return parse(j.parser, token, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("auth: token has no kid")
		}
		return j.key(ctx, kid, t.Method.Alg())
	})
}

// key returns the key(s) for kid usable with alg, refreshing the set first
// if it is stale or lacks kid, within the MinRefreshInterval rate limit.
// At most one fetch runs at a time; callers needing its result wait for it.
func (j *JWKS) key(ctx context.Context, kid, alg string) (any, error) {
	for {
		j.mu.Lock()
		found := match(j.keys[kid], alg)
		now := j.now()
		if j.fetching == nil && now.Sub(j.attemptedAt) >= j.minRefresh &&
			(found == nil || now.Sub(j.fetchedAt) >= j.refresh) {
			j.fetchLocked(ctx, now) // unlocks
			continue
		}
		if found != nil {
			// Known kid: use it, even while a refresh runs.
			j.mu.Unlock()
			return found, nil
		}
		wait := j.fetching
		j.mu.Unlock()
		if wait == nil {
			return nil, fmt.Errorf("auth: no JWKS key for kid %q and alg %s", kid, alg)
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// fetchLocked refreshes the key set. It is called with j.mu held and
// returns with it released. The fetch itself runs unlocked, so that tokens
// with known kids verify meanwhile. It is detached from ctx's cancellation
// (it is shared work, and a cancelled attempt would still use up the rate
// limit) and bounded by the HTTP timeout instead.
func (j *JWKS) fetchLocked(ctx context.Context, now time.Time) {
	done := make(chan struct{})
	j.fetching = done
	j.attemptedAt = now
	j.mu.Unlock()

	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), j.timeout)
	keys, err := j.fetch(fctx)
	cancel()

	j.mu.Lock()
	if err == nil {
		j.keys, j.fetchedAt = keys, now
	}
	j.fetching = nil
	close(done)
	j.mu.Unlock()
}

// match returns the keys of one kid usable with alg: nil, a single key, or a
// jwt.VerificationKeySet when a kid names several.
func match(keys []jwk, alg string) any {
	var out []jwt.VerificationKey
	for _, k := range keys {
		if k.alg != "" && k.alg != alg {
			continue
		}
		switch k.key.(type) {
		case *rsa.PublicKey:
			if alg != "RS256" {
				continue
			}
		case *ecdsa.PublicKey:
			if alg != "ES256" {
				continue
			}
		default:
			continue
		}
		out = append(out, k.key)
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	default:
		return jwt.VerificationKeySet{Keys: out}
	}
}

// fetch downloads and parses the key set.
func (j *JWKS) fetch(ctx context.Context) (map[string][]jwk, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, fmt.Errorf("auth: JWKS request: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("auth: fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxJWKSBytes))
		return nil, fmt.Errorf("auth: fetch JWKS: %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("auth: read JWKS: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("auth: JWKS larger than %d bytes", maxJWKSBytes)
	}
	return parseJWKS(body)
}

// jwkJSON is a JSON Web Key (RFC 7517, RFC 7518 section 6) as sent.
type jwkJSON struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS returns the usable signature keys of a JWK Set by kid. Keys
// without a kid, with a use other than "sig", of an unknown kty or curve, or
// malformed are skipped; a set with no usable key is an error.
func parseJWKS(body []byte) (map[string][]jwk, error) {
	var set struct {
		Keys []jwkJSON `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("auth: decode JWKS: %w", err)
	}
	keys := make(map[string][]jwk)
	var skipped []error
	for i, k := range set.Keys {
		if k.Kid == "" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		var (
			key any
			err error
		)
		switch k.Kty {
		case "RSA":
			key, err = rsaKey(k)
		case "EC":
			key, err = ecKey(k)
		default:
			continue
		}
		if err != nil {
			skipped = append(skipped, fmt.Errorf("key %d (kid %q): %w", i, k.Kid, err))
			continue
		}
		keys[k.Kid] = append(keys[k.Kid], jwk{alg: k.Alg, key: key})
	}
	if len(keys) == 0 {
		err := errors.New("auth: JWKS has no usable RS256 or ES256 signature key")
		return nil, errors.Join(append([]error{err}, skipped...)...)
	}
	return keys, nil
}

func rsaKey(k jwkJSON) (*rsa.PublicKey, error) {
	n, err := b64(k.N)
	if err != nil {
		return nil, fmt.Errorf("n: %w", err)
	}
	e, err := b64(k.E)
	if err != nil {
		return nil, fmt.Errorf("e: %w", err)
	}
	if len(e) == 0 || len(e) > 4 {
		return nil, errors.New("e out of range")
	}
	var exp int64
	for _, b := range e {
		exp = exp<<8 | int64(b)
	}
	if exp < 3 || exp%2 == 0 || exp > 1<<31-1 {
		return nil, errors.New("e out of range")
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp)}
	if pub.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("RSA key of %d bits, want at least %d", pub.N.BitLen(), minRSABits)
	}
	return pub, nil
}

func ecKey(k jwkJSON) (*ecdsa.PublicKey, error) {
	if k.Crv != "P-256" {
		return nil, fmt.Errorf("unsupported curve %q", k.Crv)
	}
	x, err := b64(k.X)
	if err != nil {
		return nil, fmt.Errorf("x: %w", err)
	}
	y, err := b64(k.Y)
	if err != nil {
		return nil, fmt.Errorf("y: %w", err)
	}
	const size = 32 // RFC 7518 6.2.1.2: full length for the curve
	if len(x) != size || len(y) != size {
		return nil, errors.New("P-256 coordinates must be 32 bytes")
	}
	point := make([]byte, 0, 1+2*size)
	point = append(point, 4) // uncompressed
	point = append(point, x...)
	point = append(point, y...)
	// Rejects points not on the curve.
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
}

// b64 decodes base64url without padding, tolerating padding.
func b64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
