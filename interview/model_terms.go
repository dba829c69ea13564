package interview

import (
	"strings"
	"sync"

	"github.com/triagem/triagem"
)

// stemToken is one word of the client's text, stemmed, with the message it
// belongs to (a phrase never spans two messages).
type stemToken struct {
	stem string
	part int
}

// stemTokens folds, splits and stems the messages.
func stemTokens(msgs []string) []stemToken {
	var toks []token
	for part, m := range msgs {
		for _, t := range tokenize(fold(m)) {
			t.part = part
			toks = append(toks, t)
		}
	}
	return stemsOf(toks)
}

// stemsOf stems folded words.
func stemsOf(toks []token) []stemToken {
	out := make([]stemToken, len(toks))
	for i, t := range toks {
		out[i] = stemToken{stem: stem(t.word), part: t.part}
	}
	return out
}

// termLexicon is areaTerms compiled for matching on stems.
type termLexicon struct {
	phrases [][]string // stems of each phrase
	groups  [][]int    // phrase → indexes into areaTerms
	byFirst map[string][]int
	// negates marks the phrases that begin with a negation themselves
	// ("não assinou a carteira"): a negation before them is not theirs.
	negates []bool
}

var sharedTerms = sync.OnceValue(func() *termLexicon { return compileTerms(areaTerms) })

func compileTerms(terms []areaTerm) *termLexicon {
	l := &termLexicon{byFirst: map[string][]int{}}
	byKey := map[string]int{}
	for gi, g := range terms {
		if g.subarea != "" && !g.area.Has(g.subarea) {
			panic("interview: area term subarea " + string(g.subarea) + " is not under " + string(g.area))
		}
		for _, p := range g.phrases {
			var stems []string
			for _, t := range tokenize(fold(p)) {
				stems = append(stems, stem(t.word))
			}
			if len(stems) == 0 {
				panic("interview: empty area term in " + string(g.area))
			}
			key := strings.Join(stems, " ")
			id, ok := byKey[key]
			if !ok {
				id = len(l.phrases)
				byKey[key] = id
				l.phrases = append(l.phrases, stems)
				l.groups = append(l.groups, nil)
				l.negates = append(l.negates, termNegators[stems[0]])
				l.byFirst[stems[0]] = append(l.byFirst[stems[0]], id)
			}
			l.groups[id] = append(l.groups[id], gi)
		}
	}
	return l
}

// termNegators negate the words shortly after them ("não fui demitido").
var termNegators = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"não", "nunca", "nem", "jamais", "nenhum", "nenhuma"} {
		m[stem(fold(w))] = true
	}
	return m
}()

// termNegationWindow is how many words before a phrase a negator reaches.
const termNegationWindow = 3

// score sums, per area and per subarea, the weights of the phrases found.
// Where phrases overlap, the longest counts; a phrase counts at most
// maxTermCount times. A negated phrase counts
// negatedWeight for its area and nothing for its subarea.
func (l *termLexicon) score(toks []stemToken) (map[triagem.Area]float64, map[triagem.Subarea]float64) {
	area := map[triagem.Area]float64{}
	sub := map[triagem.Subarea]float64{}
	counts := map[int]int{}
	covered := 0 // tokens before this index belong to a longer phrase already counted
	for i, t := range toks {
		longest, end := -1, 0
		for _, id := range l.byFirst[t.stem] {
			if n := len(l.phrases[id]); l.matchesAt(toks, i, id) && i+n > end {
				longest, end = id, i+n
			}
		}
		// Inside a longer phrase, a shorter one says nothing of its own:
		// "pensão por morte" is not also "pensão".
		if longest < 0 || end <= covered {
			continue
		}
		covered = end
		for _, id := range []int{longest} {
			if counts[id] == maxTermCount {
				continue
			}
			counts[id]++
			factor := 1.0
			negated := !l.negates[id] && isNegated(toks, i)
			if negated {
				factor = negatedWeight
			}
			// A phrase in several groups of one area counts once for the
			// area, at its largest weight.
			best := map[triagem.Area]float64{}
			for _, gi := range l.groups[id] {
				g := areaTerms[gi]
				best[g.area] = max(best[g.area], g.weight)
				if g.subarea != "" && !negated {
					sub[g.subarea] += g.weight
				}
			}
			for a, w := range best {
				area[a] += factor * w
			}
		}
	}
	return area, sub
}

func (l *termLexicon) matchesAt(toks []stemToken, i, id int) bool {
	p := l.phrases[id]
	if i+len(p) > len(toks) {
		return false
	}
	for j, s := range p {
		if toks[i+j].stem != s || toks[i+j].part != toks[i].part {
			return false
		}
	}
	return true
}

// isNegated reports whether a negator precedes token i closely, in the
// same message.
func isNegated(toks []stemToken, i int) bool {
	for j := i - 1; j >= 0 && j >= i-termNegationWindow; j-- {
		if toks[j].part != toks[i].part {
			return false
		}
		if termNegators[toks[j].stem] {
			return true
		}
	}
	return false
}
