package interview

import (
	"cmp"
	"slices"

	"github.com/triagem/triagem"
)

// areaEstimate is the engine's reading of which area a conversation is about.
type areaEstimate struct {
	Area     triagem.Area
	Subarea  triagem.Subarea
	CaseType string                    // a finer case code, when known ("atraso_voo"), else ""
	Ranked   []triagem.AreaAlternative // areas with a score > 0, best first; scores sum to 1
	Margin   float64                   // Ranked[0].Score − Ranked[1].Score (Ranked[0].Score if alone)
	Evidence float64                   // 0..1: how much area evidence the text carries
}

// engineModel is everything the engine has learnt: immutable once built,
// shared by every goroutine.
type engineModel struct{}

// defaultModel returns the engine's model, built once per process.
func defaultModel() *engineModel { return &engineModel{} }

// estimateArea reads the client's messages (whole conversation, filler
// turns ignored) and says which area, subarea and case type they are about.
func (m *engineModel) estimateArea(client []string) areaEstimate {
	r := read(client)
	scores := map[triagem.Area]float64{}
	for i := range lex.cases {
		if s := r.score(&lex.cases[i]); s > 0 {
			a, err := triagem.ParseArea(lex.cases[i].area)
			if err == nil {
				scores[a] += float64(s)
			}
		}
	}
	est := areaEstimate{Area: triagem.AreaCivil, Subarea: triagem.AreaCivil.GeneralSubarea()}
	total := 0.0
	for _, s := range scores {
		total += s
	}
	for a, s := range scores {
		est.Ranked = append(est.Ranked, triagem.AreaAlternative{Area: a, Score: s / total})
	}
	slices.SortFunc(est.Ranked, func(x, y triagem.AreaAlternative) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.Area, y.Area))
	})
	if len(est.Ranked) == 0 {
		return est
	}
	est.Area = est.Ranked[0].Area
	est.Subarea = est.Area.GeneralSubarea()
	if r.best != nil {
		est.CaseType = r.best.caseType
		if s := triagem.Subarea(r.best.subarea); est.Area.Has(s) {
			est.Subarea = s
		}
	}
	est.Margin = est.Ranked[0].Score
	if len(est.Ranked) > 1 {
		est.Margin -= est.Ranked[1].Score
	}
	est.Evidence = r.clarity
	return est
}
