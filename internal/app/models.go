package app

import (
	"context"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
	"github.com/triagem/triagem/interview"
	"github.com/triagem/triagem/llm"
)

// Models are who interviews and analyses (orchestrator.Config's fields of
// the same names). Judge may be nil.
type Models struct {
	Interviewer triagem.Interviewer
	Simple      triagem.Analyzer
	Analyzers   []triagem.Analyzer
	Judge       triagem.Analyzer
}

// BuiltinModels are the offline models: the built-in interviewer, the rules
// analyzer as the simple strategy, and the rules and lexicon analyzers as
// the ensemble.
func BuiltinModels() Models {
	rules := interview.NewRulesAnalyzer()
	return Models{
		Interviewer: interview.New(interview.Config{}),
		Simple:      rules,
		Analyzers:   []triagem.Analyzer{rules, interview.NewLexiconAnalyzer()},
	}
}

// models picks who interviews and analyses: Config.Models when set; offline,
// the built-ins. With LLM models, the first model interviews (the built-in
// takes any turn it fails) and judges; every model analyses, in order,
// before the built-in rules analyzer, which stays the simple strategy's and
// the chain's last resort. The lexicon analyzer then leaves the ensemble, or
// the two built-ins would outvote a single model.
func (a *App) models() Models {
	if a.cfg.Models != nil {
		return *a.cfg.Models
	}
	builtin := BuiltinModels()
	if !a.cfg.llmEnabled() {
		return builtin
	}
	lc := a.cfg.llmConfig()
	lc.Logger = a.log
	first := lc.Models[0]
	return Models{
		Interviewer: llm.NewInterviewer(lc, first, builtin.Interviewer),
		Simple:      builtin.Simple,
		Analyzers:   append(llm.NewAnalyzers(lc), builtin.Simple),
		Judge:       llm.NewJudge(lc, first),
	}
}

// maxQuestions is the interviewer's question limit, for the pages'
// progress: the LLM interviewer's one limit, or the built-in's per
// complexity (its default Config).
func (a *App) maxQuestions(c triagem.Complexity) int {
	if a.cfg.llmEnabled() {
		return a.cfg.llmConfig().MaxQuestions
	}
	switch c {
	case triagem.ComplexityLow:
		return interview.MaxQuestionsLowDefault
	case triagem.ComplexityHigh:
		return interview.MaxQuestionsHighDefault
	default:
		return interview.MaxQuestionsMediumDefault
	}
}

// verifier checks bearer tokens: the identity provider's (JWKS), the HS256
// ones Triagem and its operators sign, or both; in dev mode, the dev secret's.
func (a *App) verifier(ctx context.Context) (auth.Verifier, error) {
	switch {
	case a.cfg.JWKSURL != "" && a.cfg.JWTSecret != "":
		// The identity provider's tokens, and the sessions Triagem issues.
		jwks, err := auth.NewJWKS(ctx, auth.JWKSConfig{URL: a.cfg.JWKSURL})
		if err != nil {
			return nil, err
		}
		return auth.Either{HMAC: auth.NewHMAC(a.cfg.JWTSecret), Other: jwks}, nil
	case a.cfg.JWKSURL != "":
		return auth.NewJWKS(ctx, auth.JWKSConfig{URL: a.cfg.JWKSURL})
	case a.cfg.JWTSecret != "":
		return auth.NewHMAC(a.cfg.JWTSecret), nil
	default:
		a.log.Warn("dev mode: no TRIAGEM_JWT_SECRET or TRIAGEM_JWKS_URL; tokens from `triagem token` are accepted, loopback only")
		return auth.NewHMAC(auth.DevSecret), nil
	}
}

// issuer signs the tokens Triagem gives out itself (sessions, dev
// sign-in) with the HS256 secret; nil when only a JWKS is configured.
func (a *App) issuer() *auth.Issuer {
	switch {
	case a.cfg.JWTSecret != "":
		return auth.NewIssuer(a.cfg.JWTSecret, nil)
	case a.cfg.DevMode():
		return auth.NewIssuer(auth.DevSecret, nil)
	default:
		return nil
	}
}
