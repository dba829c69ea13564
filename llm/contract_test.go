package llm

import (
	"testing"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/internal/analyzertest"
)

// contractTriage is an answer a well-behaved model gives: every field in
// the taxonomy's vocabulary.
const contractTriage = `{
  "area": "consumidor",
  "subarea": "transporte_aereo",
  "urgency_h": 72,
  "summary": "Cliente teve o voo atrasado em 10 horas e gastou R$ 850,00 sem assistência da companhia.",
  "keywords": ["voo", "atraso", "assistência"],
  "sentiment": "frustrado",
  "case_type": "atraso_voo",
  "complexity_factors": [],
  "entities": {"parties": ["Azul"], "dates": ["12/03/2024"], "amounts": ["R$ 850,00"], "locations": ["Recife"]}
}`

// TestAnalyzerContract runs the contract against a fake OpenAI-compatible
// server that always gives contractTriage.
func TestAnalyzerContract(t *testing.T) {
	analyzertest.Run(t, func(t *testing.T) triagem.Analyzer {
		f := newFake(t, always(answer(contractTriage)))
		return NewAnalyzer(f.config("contract-model"), "contract-model")
	})
}
