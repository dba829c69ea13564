package interview

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/triagem/triagem"
)

// Analyzer names, as reported in results.
const (
	RulesAnalyzerName   = "builtin-rules"
	LexiconAnalyzerName = "builtin-lexicon"
)

// RulesAnalyzer analyses a conversation with Extract: case types identified
// by strong phrases and word pairs.
type RulesAnalyzer struct{}

var _ triagem.Analyzer = (*RulesAnalyzer)(nil)

// NewRulesAnalyzer returns the rules analyzer, named "builtin-rules".
func NewRulesAnalyzer() *RulesAnalyzer { return &RulesAnalyzer{} }

// Name is "builtin-rules".
func (*RulesAnalyzer) Name() string { return RulesAnalyzerName }

// Analyze returns Extract of the conversation.
func (*RulesAnalyzer) Analyze(ctx context.Context, in triagem.AnalysisInput) (triagem.TriageData, error) {
	if err := ctx.Err(); err != nil {
		return triagem.TriageData{}, err
	}
	return Extract(in.Messages, in.Assessment), nil
}

// Complete fills what another analyzer's data lacks (steps, documents, the
// deadline warning from the closed list, a sooner urgency, the safety
// notice, a summary that is not a paste …) for that data's own area; the
// orchestrator calls it on every result.
func (*RulesAnalyzer) Complete(ctx context.Context, in triagem.AnalysisInput, d triagem.TriageData) triagem.TriageData {
	return completeData(clientTexts(in.Messages), d)
}

// LexiconAnalyzer analyses a conversation as a bag of words: every
// occurrence of a weighted term adds its weight to an area, a subarea and a
// case type, and the heaviest of each wins. Unlike the rules it needs no
// word pairs, so on mixed texts the two can disagree — which is what an
// ensemble vote is for. Dates, amounts, parties, places, sentiment and the
// summary come from the shared extraction.
type LexiconAnalyzer struct{}

var _ triagem.Analyzer = (*LexiconAnalyzer)(nil)

// NewLexiconAnalyzer returns the lexicon analyzer, named "builtin-lexicon".
func NewLexiconAnalyzer() *LexiconAnalyzer { return &LexiconAnalyzer{} }

// Name is "builtin-lexicon".
func (*LexiconAnalyzer) Name() string { return LexiconAnalyzerName }

// Analyze scores the client's words against the weighted lexicon; the
// rest of the result (urgency, steps, summary …) follows from its area as
// in Extract.
func (*LexiconAnalyzer) Analyze(ctx context.Context, in triagem.AnalysisInput) (triagem.TriageData, error) {
	if err := ctx.Err(); err != nil {
		return triagem.TriageData{}, err
	}
	f := readFacts(clientTexts(in.Messages))
	if err := ctx.Err(); err != nil {
		return triagem.TriageData{}, err
	}
	s := scoreWeighted(f.reading())
	est := s.estimate()
	if est.Evidence < weakEvidence && in.Assessment.Area.Valid() {
		est = assessedEstimate(in.Assessment)
	}
	return f.triageData(est, s.keywords()), nil
}

// decisiveWeight is the lexicon weight of an area that leaves no doubt (two
// terms that name the case outright).
const decisiveWeight = 8

// estimate turns the tally into an area estimate: areas ranked by their
// share of the weight, the heaviest subarea and case type of the first.
func (s *weightedScore) estimate() areaEstimate {
	total := map[triagem.Area]float64{}
	sum := 0.0
	for name, w := range s.area {
		if a, err := triagem.ParseArea(name); err == nil {
			total[a] += w
			sum += w
		}
	}
	est := areaEstimate{Area: triagem.AreaCivil, Subarea: triagem.AreaCivil.GeneralSubarea()}
	for _, a := range triagem.Areas() { // taxonomy order breaks ties
		if total[a] > 0 {
			est.Ranked = append(est.Ranked, triagem.AreaAlternative{Area: a, Score: total[a] / sum})
		}
	}
	slices.SortStableFunc(est.Ranked, func(x, y triagem.AreaAlternative) int { return cmp.Compare(y.Score, x.Score) })
	if len(est.Ranked) == 0 {
		return est
	}
	est.Area = est.Ranked[0].Area
	est.Subarea = est.Area.GeneralSubarea()
	est.Evidence = min(1, total[est.Area]/decisiveWeight)
	area, subarea, caseType := s.best()
	if a, err := triagem.ParseArea(area); err == nil && a == est.Area {
		if est.Area.Has(triagem.Subarea(subarea)) {
			est.Subarea = triagem.Subarea(subarea)
		}
		if caseType != caseTypeUnknown {
			est.CaseType = caseType
		}
	}
	est.Margin = est.Ranked[0].Score
	if len(est.Ranked) > 1 {
		est.Margin -= est.Ranked[1].Score
	}
	return est
}

// maxCountedOccurrences caps how often one term counts, so that a client
// repeating a word does not outweigh everything else.
const maxCountedOccurrences = 3

// weightedScore is the lexicon analyzer's tally for one text.
type weightedScore struct {
	area, subarea, caseType map[string]float64
	// termWeight is each matched term's contribution, for the keywords.
	termWeight map[int]float64
	order      []int // matched terms in order of first occurrence
	urgent     int   // distinct urgency terms
}

func scoreWeighted(r *reading) *weightedScore {
	s := &weightedScore{area: map[string]float64{}, subarea: map[string]float64{}, caseType: map[string]float64{}, termWeight: map[int]float64{}}
	counts := map[int]int{}
	for _, h := range weighted.vocab.find(r.text.tokens) {
		if counts[h.id] == maxCountedOccurrences {
			continue
		}
		if counts[h.id] == 0 {
			s.order = append(s.order, h.id)
		}
		counts[h.id]++
		for _, g := range weighted.groups[h.id] {
			s.add(g)
			s.termWeight[h.id] += g.weight
		}
	}
	urgent := map[int]bool{}
	for _, h := range r.hits {
		if lex.vocab.entries[h.id].urgencyH > 0 {
			urgent[h.id] = true
		}
	}
	s.urgent = len(urgent)
	return s
}

func (s *weightedScore) add(g weightedGroup) {
	s.area[g.area] += g.weight
	if g.subarea != "" {
		s.subarea[g.area+"/"+g.subarea] += g.weight
	}
	if g.caseType != "" {
		s.caseType[g.area+"/"+g.subarea+"/"+g.caseType] += g.weight
	}
}

// best returns the heaviest area, its heaviest subarea and that subarea's
// heaviest case type; ties go to the earlier group of the table.
func (s *weightedScore) best() (area, subarea, caseType string) {
	area = heaviest(s.area, func(g weightedGroup) (string, bool) { return g.area, true })
	if area == "" {
		return "", "", caseTypeUnknown
	}
	sub := heaviest(s.subarea, func(g weightedGroup) (string, bool) {
		return g.area + "/" + g.subarea, g.area == area && g.subarea != ""
	})
	if sub == "" {
		return area, subareaUnknown, caseTypeUnknown
	}
	ct := heaviest(s.caseType, func(g weightedGroup) (string, bool) {
		return g.area + "/" + g.subarea + "/" + g.caseType, g.area+"/"+g.subarea == sub && g.caseType != ""
	})
	if ct == "" {
		return area, strings.TrimPrefix(sub, area+"/"), caseTypeUnknown
	}
	return area, strings.TrimPrefix(sub, area+"/"), strings.TrimPrefix(ct, sub+"/")
}

// heaviest returns the key with the highest score among the table's groups
// that key accepts; the earlier group wins a tie.
func heaviest(score map[string]float64, key func(weightedGroup) (string, bool)) string {
	best := ""
	for _, g := range weightedTable {
		k, ok := key(g)
		if ok && score[k] > 0 && (best == "" || score[k] > score[best]) {
			best = k
		}
	}
	return best
}

// maxLexiconKeywords bounds the keywords: the heaviest terms say enough.
const maxLexiconKeywords = 10

// keywords are the matched terms, heaviest first.
func (s *weightedScore) keywords() []string {
	ids := slices.Clone(s.order)
	slices.SortStableFunc(ids, func(a, b int) int { return cmp.Compare(s.termWeight[b], s.termWeight[a]) })
	out := []string{}
	for _, id := range ids[:min(len(ids), maxLexiconKeywords)] {
		out = append(out, weighted.vocab.entries[id].display)
	}
	return out
}
