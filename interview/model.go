package interview

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/triagem/triagem"
)

// engineModel is everything the engine has learnt: a statistical
// classifier over areas, one over subareas, and the weighted area lexicon
// (areaTerms). It is immutable once built and shared by every goroutine.
type engineModel struct {
	area    *classifier // classes: area slugs
	subarea *classifier // classes: "area/subarea"
	// subareasOf lists, per area, its columns in subarea.
	subareasOf map[triagem.Area][]int
	terms      *termLexicon
}

// How the two readings are combined: the classifier's scores are log-odds,
// the lexicon's are sums of weights; lexiconWeight converts the second into
// the first. A decisive term (weight 4) is worth about a factor e^2 in odds.
const (
	lexiconWeight        = 0.5
	subareaLexiconWeight = 1
	// negatedWeight is what a term counts for its area when negated ("não
	// fui demitido" is still about work, but not about a dismissal).
	negatedWeight = 0.5
	// maxTermCount caps how often one phrase counts: repeating a word does
	// not make a case.
	maxTermCount = 2
	// minSubareaEvidence is the evidence below which the text says too
	// little to pick a subarea ("olá, tenho um problema"): the area's
	// general one is reported.
	minSubareaEvidence = 0.15
	// minRankedScore drops areas too unlikely to list as alternatives.
	minRankedScore = 0.01
)

// shippedModel is the model fitted ahead of time from the embedded corpus
// (model.bin, written by go generate: see model_file.go), decoded on first
// use and kept for the life of the process. It is a sync.OnceValue over an
// immutable value, not mutable global state. Decoding it costs what the
// package documentation states (see doc.go).
var shippedModel = sync.OnceValue(func() *engineModel {
	m, err := decodeModel(shippedModelFile)
	if err != nil {
		panic(fmt.Sprintf("interview: embedded %s: %v (run go generate ./interview/)", modelFileName, err)) // a build defect, caught by every test
	}
	return m
})

// defaultModel returns the shipped model.
func defaultModel() *engineModel { return shippedModel() }

// modelClasses are the classes of the two classifiers, in taxonomy order:
// area slugs, and "area/subarea" keys.
func modelClasses() (areas, subareas []string) {
	for _, info := range triagem.Taxonomy() {
		areas = append(areas, string(info.ID))
		for _, s := range info.Subareas {
			subareas = append(subareas, subareaKey(info.ID, s.ID))
		}
	}
	return areas, subareas
}

// fitModel fits the classifiers on examples; the lexicon is fixed.
func fitModel(exs []Example) *engineModel {
	areaClasses, subClasses := modelClasses()
	docs := make([]features, len(exs))
	areaLabels, subLabels := make([]int, len(exs)), make([]int, len(exs))
	for i, ex := range exs {
		docs[i] = textFeatures(ex.Messages)
		areaLabels[i] = slices.Index(areaClasses, string(ex.Area))
		sub := cmpSubarea(ex.Area, ex.Subarea)
		subLabels[i] = slices.Index(subClasses, subareaKey(ex.Area, sub))
	}
	ix := newFeatureIndex(docs)
	return newEngineModel(fitLogistic(ix, areaLabels, areaClasses), fitBayes(ix, subLabels, subClasses))
}

// newEngineModel puts fitted (or decoded) classifiers together with the
// lexicon.
func newEngineModel(area, subarea *classifier) *engineModel {
	m := &engineModel{area: area, subarea: subarea, subareasOf: map[triagem.Area][]int{}, terms: sharedTerms()}
	for j, c := range subarea.classes {
		a, _, _ := strings.Cut(c, "/")
		m.subareasOf[triagem.Area(a)] = append(m.subareasOf[triagem.Area(a)], j)
	}
	return m
}

func cmpSubarea(a triagem.Area, s triagem.Subarea) triagem.Subarea {
	if a.Has(s) {
		return s
	}
	return a.GeneralSubarea()
}

func subareaKey(a triagem.Area, s triagem.Subarea) string { return string(a) + "/" + string(s) }

// estimateArea reads the client's messages (whole conversation, filler
// turns ignored) and says which area, subarea and case type they are about.
func (m *engineModel) estimateArea(client []string) areaEstimate {
	words := readClientWords(client) // folded and split once for every reading below
	f := wordFeatures(words)
	toks := stemsOf(words)
	lexArea, lexSub := m.terms.score(toks)

	known := m.area.lookup(f)
	scores := m.area.scores(known)
	for i, c := range m.area.classes {
		scores[i] += lexiconWeight * lexArea[triagem.Area(c)]
	}
	probs := slices.Clone(scores)
	softmax(probs)
	est := areaEstimate{}
	for i, c := range m.area.classes {
		if probs[i] >= minRankedScore {
			est.Ranked = append(est.Ranked, triagem.AreaAlternative{Area: triagem.Area(c), Score: probs[i]})
		}
	}
	slices.SortStableFunc(est.Ranked, func(x, y triagem.AreaAlternative) int {
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return 0
	})
	total := 0.0
	for _, r := range est.Ranked {
		total += r.Score
	}
	for i := range est.Ranked {
		est.Ranked[i].Score /= total
	}
	est.Area = est.Ranked[0].Area
	est.Margin = est.Ranked[0].Score
	if len(est.Ranked) > 1 {
		est.Margin -= est.Ranked[1].Score
	}
	est.Evidence = areaEvidence(lexArea[est.Area], len(toks), len(known.rows))
	est.Subarea = est.Area.GeneralSubarea()
	if est.Evidence >= minSubareaEvidence {
		est.Subarea = m.bestSubarea(est.Area, f, lexSub)
	}
	est.CaseType = caseTypeFor(words, est.Area)
	return est
}

// bestSubarea is the subarea of area with the best combined score.
func (m *engineModel) bestSubarea(area triagem.Area, f features, lexSub map[triagem.Subarea]float64) triagem.Subarea {
	cols := m.subareasOf[area]
	if len(cols) == 0 {
		return area.GeneralSubarea()
	}
	scores := m.subarea.scoresOf(m.subarea.lookup(f), cols)
	best := 0
	for i, j := range cols {
		_, s, _ := strings.Cut(m.subarea.classes[j], "/")
		scores[i] += subareaLexiconWeight * lexSub[triagem.Subarea(s)]
		if scores[i] > scores[best] {
			best = i
		}
	}
	_, s, _ := strings.Cut(m.subarea.classes[cols[best]], "/")
	return triagem.Subarea(s)
}

// areaEvidence is how much area evidence the text carries, 0..1: the leading
// area's lexicon weight (two decisive terms are plenty) and how many words
// the classifier knows.
func areaEvidence(lexTop float64, words, known int) float64 {
	lexical := min(1, lexTop/8)
	statistical := min(1, float64(known)/150)
	if words == 0 {
		return 0
	}
	return 0.6*lexical + 0.4*statistical
}

// caseTypeFor is the case rules' leading case type when it is of area.
func caseTypeFor(words []token, area triagem.Area) string {
	r := &reading{keywordIDs: map[int]bool{}, seen: make([]bool, len(lex.vocab.entries))}
	for _, h := range lex.vocab.find(words) {
		r.seen[h.id] = true
	}
	best := ""
	bestScore := 0
	for i := range lex.cases {
		rule := &lex.cases[i]
		if rule.area != string(area) {
			continue
		}
		if s := r.score(rule); s > bestScore {
			best, bestScore = rule.caseType, s
		}
	}
	return best
}

// readClientWords folds and splits the client's messages, dropping filler
// turns ("não sei", "só isso", "ok"): they answer a question but say nothing
// about the area, and must not dilute it. Each word's part is its message.
func readClientWords(client []string) []token {
	var out []token
	for part, m := range client {
		toks := tokenize(fold(cleanText(m)))
		if isFillerWords(toks) {
			continue
		}
		for _, t := range toks {
			t.part = part
			out = append(out, t)
		}
	}
	return out
}

// fillerMaxWords is the longest message that can be a filler.
const fillerMaxWords = 6

// isFiller reports whether a message is a filler turn.
func isFiller(m string) bool { return isFillerWords(tokenize(fold(cleanText(m)))) }

func isFillerWords(toks []token) bool {
	if len(toks) == 0 {
		return true
	}
	if len(toks) > fillerMaxWords {
		return false
	}
	for _, h := range lex.vocab.find(toks) {
		if lex.vocab.entries[h.id].nonAnswer {
			return true
		}
	}
	for _, t := range toks {
		if !fillerWords[t.word] {
			return false
		}
	}
	return true
}

// fillerWords make a message a filler when it has nothing else.
var fillerWords = map[string]bool{
	"ok": true, "okay": true, "sim": true, "nao": true, "isso": true, "so": true, "obrigado": true, "obrigada": true,
	"ta": true, "certo": true, "entendi": true, "beleza": true, "blz": true, "tudo": true, "bem": true, "oi": true, "ola": true,
	"bom": true, "dia": true, "boa": true, "tarde": true, "noite": true, "hum": true, "ah": true, "e": true, "eh": true, "acho": true,
	"que": true, "talvez": true, "nada": true, "mais": true, "pois": true, "claro": true, "exato": true, "isto": true, "s": true, "n": true,
}
