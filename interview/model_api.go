package interview

import "github.com/triagem/triagem"

// Model is a fitted area model: what the engine uses to read a
// conversation's area, exported so that an evaluation can fit one on a
// training split and score it on the rest.
type Model struct{ m *engineModel }

// Fit fits a model on labelled examples (deterministic: the same examples
// give the same model).
func Fit(exs []Example) *Model { return &Model{m: fitModel(exs)} }

// ShippedModel is the model the engine uses: the one fitted from the
// embedded corpus by go generate (model.bin).
func ShippedModel() *Model { return &Model{m: defaultModel()} }

// Classification is a model's reading of a description.
type Classification struct {
	Area     triagem.Area
	Subarea  triagem.Subarea
	CaseType string
	// Alternatives are the likeliest areas, best first (scores sum to 1).
	Alternatives []triagem.AreaAlternative
}

// Classify reads the client's messages.
func (m *Model) Classify(messages []string) Classification {
	est := m.m.estimateArea(messages)
	return Classification{Area: est.Area, Subarea: est.Subarea, CaseType: est.CaseType, Alternatives: est.Ranked}
}
