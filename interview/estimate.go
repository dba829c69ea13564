package interview

import "github.com/triagem/triagem"

// areaEstimate is the engine's reading of which area a conversation is about.
type areaEstimate struct {
	Area     triagem.Area
	Subarea  triagem.Subarea
	CaseType string                    // a finer case code, when known ("atraso_voo"), else ""
	Ranked   []triagem.AreaAlternative // areas with a score > 0, best first; scores sum to 1
	Margin   float64                   // Ranked[0].Score − Ranked[1].Score (Ranked[0].Score if alone)
	Evidence float64                   // 0..1: how much area evidence the text carries
}
