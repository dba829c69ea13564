package interview_test

import (
	"testing"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/analyzertest"
	"github.com/triagem/triagem/interview"
)

func TestRulesAnalyzerContract(t *testing.T) {
	analyzertest.Run(t, func(*testing.T) triagem.Analyzer { return interview.NewRulesAnalyzer() })
}

func TestLexiconAnalyzerContract(t *testing.T) {
	analyzertest.Run(t, func(*testing.T) triagem.Analyzer { return interview.NewLexiconAnalyzer() })
}
