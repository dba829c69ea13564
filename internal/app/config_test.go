package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPublicIntakeDefaultsToDevMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cfg    Config
		public bool
		err    string
	}{
		{name: "dev mode: on", cfg: Config{}, public: true},
		{name: "with a key: off", cfg: Config{JWTSecret: "k"}, public: false},
		{name: "with a key, asked for", cfg: Config{JWTSecret: "k", PublicIntake: "true"}, public: true},
		{name: "dev mode, turned off", cfg: Config{PublicIntake: "false"}, public: false},
		{name: "malformed", cfg: Config{PublicIntake: "maybe"}, public: true, err: "public intake"},
		{name: "JWKS only cannot sign sessions", cfg: Config{JWKSURL: "https://idp.example/jwks", PublicIntake: "true"}, public: true, err: "TRIAGEM_JWT_SECRET"},
		{name: "bad proxy", cfg: Config{TrustedProxies: "10.0.0.0/8, nope"}, public: true, err: "trusted proxies"},
		{name: "bad frame ancestor", cfg: Config{FrameAncestors: "https://a.example 'unsafe-inline'"}, public: true, err: "frame ancestors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Addr, cfg.MaxAttempts, cfg.SessionTTL = "127.0.0.1:0", 1, time.Hour
			cfg = cfg.WithDefaults()
			require.Equal(t, tt.public, cfg.publicIntake())
			err := cfg.Validate()
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.err)
		})
	}
}

func TestRescueMustExceedTheJobTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		jobTimeout, rescue time.Duration
		err                bool
	}{
		{name: "unset: timeout plus a margin", jobTimeout: 2 * time.Minute},
		{name: "longer", jobTimeout: time.Second, rescue: 2 * time.Second},
		{name: "shorter", jobTimeout: 2 * time.Minute, rescue: time.Second, err: true},
		{name: "equal", jobTimeout: time.Minute, rescue: time.Minute, err: true},
		{name: "negative", jobTimeout: time.Minute, rescue: -time.Second, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{JWTSecret: "k", JobTimeout: tt.jobTimeout, RescueAfter: tt.rescue}.WithDefaults()
			err := cfg.Validate()
			if !tt.err {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, "must exceed the job timeout")
		})
	}
}
