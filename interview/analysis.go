package interview

import (
	"math"
	"strings"

	"github.com/triagem/triagem"
)

// lexicon is the compiled form of the tables in lexicon.go: one vocabulary
// whose entries carry every tag, and the case rules as entry ids. It is
// built once at package init and only read afterwards.
type lexicon struct {
	vocab      *vocabulary
	cues       *vocabulary // question cues, matched on interviewer text
	cueTopics  [][]topic   // by cue entry id
	cases      []caseRule
	high       []highRule
	stateCodes map[string]bool
	notNames   map[string]bool
}

type caseRule struct {
	caseDef
	strong  []int
	pairs   [][2][]int
	support []int
}

type highRule struct {
	factor string
	ids    []int
}

var lex = newLexicon()

func newLexicon() *lexicon {
	v := newVocabulary()
	lx := &lexicon{vocab: v, cues: newVocabulary(), stateCodes: map[string]bool{}, notNames: map[string]bool{}}
	for _, d := range caseTable {
		r := caseRule{caseDef: d, strong: v.addAll(d.strong...), support: v.addAll(d.support...)}
		for _, p := range d.pairs {
			r.pairs = append(r.pairs, [2][]int{v.addAll(p.a...), v.addAll(p.b...)})
		}
		lx.cases = append(lx.cases, r)
	}
	for _, h := range highSignals {
		lx.high = append(lx.high, highRule{factor: h.factor, ids: v.addAll(h.phrases...)})
	}
	for _, u := range urgencyTerms {
		for _, id := range v.addAll(u.phrases...) {
			e := &v.entries[id]
			if e.urgencyH == 0 || u.hours < e.urgencyH {
				e.urgencyH = u.hours
			}
			e.topics |= setOf(topicDeadlines)
		}
	}
	for _, ev := range evidence {
		for _, id := range v.addAll(ev.phrases...) {
			v.entries[id].topics |= setOf(ev.topic)
		}
	}
	for _, id := range v.addAll(partyRoles...) {
		v.entries[id].party = true
	}
	for _, s := range sentimentTerms {
		for _, id := range v.addAll(s.phrases...) {
			v.entries[id].sentiment = s.sentiment
		}
	}
	for _, id := range v.addAll(nonAnswers...) {
		v.entries[id].nonAnswer = true
	}
	for _, id := range v.addAll(locations...) {
		v.entries[id].location = plainLocation
	}
	for _, id := range v.addAll(ambiguousLocations...) {
		v.entries[id].location = ambiguousLocation
	}
	for _, c := range stateCodes {
		lx.stateCodes[fold(c)] = true
	}
	for _, n := range notNames {
		lx.notNames[n] = true
	}
	for t, cues := range questionCues {
		for _, id := range lx.cues.addAll(cues...) {
			for len(lx.cueTopics) <= id {
				lx.cueTopics = append(lx.cueTopics, nil)
			}
			lx.cueTopics[id] = append(lx.cueTopics[id], topic(t))
		}
	}
	return lx
}

// reading is what the rules make of the client's messages.
type reading struct {
	messages []string // the client's messages, cleaned
	text     *foldedText
	hits     []hit
	seen     []bool // by entry id

	best       *caseRule // the leading case type; nil when none matched
	area       string    // "" when unknown
	subarea    string
	clarity    float64 // 0..1: how clearly the text points to one area
	complexity triagem.Complexity
	factors    []string
	keywordIDs map[int]bool

	entities  triagem.Entities
	maxAmount float64    // largest amount named, in its currency unit
	deadlines []deadline // explicit deadlines ("prazo de 5 dias")
	// informative marks, by message, those that say more than "não sei".
	informative []bool
	words       int // words in informative messages
}

// read applies the rules to the client's messages.
func read(messages []string) *reading {
	r := &reading{messages: make([]string, len(messages))}
	for i, m := range messages {
		r.messages[i] = cleanText(m)
	}
	r.text = newFoldedText(strings.Join(r.messages, partSeparator))
	r.hits = lex.vocab.find(r.text.tokens)
	r.seen = make([]bool, len(lex.vocab.entries))
	for _, h := range r.hits {
		r.seen[h.id] = true
	}
	r.readCase()
	r.readEntities()
	r.readInformative()
	return r
}

// cleanText makes client text safe to fold and to echo: valid UTF-8, no NUL
// (the message separator).
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, " "), "\x00", " ")
}

// readCase scores every case rule, picks the area with the highest total
// and its best case type, and decides the complexity.
func (r *reading) readCase() {
	r.keywordIDs = map[int]bool{}
	areaScore := map[string]int{}
	bestScore := map[string]int{}
	bestRule := map[string]*caseRule{}
	anyHighCase := false
	for i := range lex.cases {
		rule := &lex.cases[i]
		score := r.score(rule)
		if score == 0 {
			continue
		}
		areaScore[rule.area] += score
		if score > bestScore[rule.area] {
			bestScore[rule.area], bestRule[rule.area] = score, rule
		}
		if rule.complexity == high {
			anyHighCase = true
			r.factors = appendUnique(r.factors, rule.factor)
		}
	}
	first, second := "", 0
	for _, rule := range lex.cases { // table order breaks ties
		s := areaScore[rule.area]
		switch {
		case first == "" && s > 0, first != "" && s > areaScore[first]:
			first = rule.area
		}
	}
	for a, s := range areaScore {
		if a != first && s > second {
			second = s
		}
	}
	if first != "" {
		r.best, r.area, r.subarea = bestRule[first], first, bestRule[first].subarea
		r.clarity = clarity(areaScore[first], second)
	}
	anyHighSignal := false
	for _, h := range lex.high {
		for _, id := range h.ids {
			if r.seen[id] {
				anyHighSignal = true
				r.keywordIDs[id] = true
				r.factors = appendUnique(r.factors, h.factor)
			}
		}
	}
	switch {
	case anyHighCase || anyHighSignal:
		r.complexity = high
	case r.best != nil && r.best.complexity == low:
		r.complexity = low
		r.factors = appendUnique(r.factors, "caso padronizado: "+r.best.label)
	default:
		r.complexity = medium
	}
}

// score is a case rule's score: 3 per strong phrase, 3 per satisfied pair,
// then 1 per support word once the case is identified. It records the
// matched words as keywords.
func (r *reading) score(rule *caseRule) int {
	score := 0
	var matched []int
	take := func(ids []int) bool {
		found := false
		for _, id := range ids {
			if r.seen[id] {
				matched = append(matched, id)
				found = true
			}
		}
		return found
	}
	for _, id := range rule.strong {
		if r.seen[id] {
			score += 3
			matched = append(matched, id)
		}
	}
	for _, p := range rule.pairs {
		before := len(matched)
		if take(p[0]) && take(p[1]) {
			score += 3
		} else {
			matched = matched[:before]
		}
	}
	if score == 0 {
		return 0
	}
	for _, id := range rule.support {
		if r.seen[id] {
			score++
			matched = append(matched, id)
		}
	}
	for _, id := range matched {
		r.keywordIDs[id] = true
	}
	return score
}

// clarity is how clearly the text points to one area, 0..1: the strength of
// the leading area (its score over 6, capped at 1: two strong phrases are
// plenty) times its margin over the runner-up ((best−second)/best).
func clarity(best, second int) float64 {
	if best <= 0 {
		return 0
	}
	strength := math.Min(1, float64(best)/6)
	margin := float64(best-second) / float64(best)
	return strength * margin
}

// readInformative marks the messages that say more than "não sei" and
// counts their words.
func (r *reading) readInformative() {
	r.informative = make([]bool, len(r.messages))
	words := make([]int, len(r.messages))
	nonAnswer := make([]bool, len(r.messages))
	for _, t := range r.text.tokens {
		if t.part < len(words) {
			words[t.part]++
		}
	}
	for _, h := range r.hits {
		if p := r.text.tokens[h.from].part; p < len(nonAnswer) && lex.vocab.entries[h.id].nonAnswer {
			nonAnswer[p] = true
		}
	}
	for i := range r.messages {
		r.informative[i] = words[i] > 0 && !(nonAnswer[i] && words[i] <= 8)
		if r.informative[i] {
			r.words += words[i]
		}
	}
}

// evidence is the set of topics the client's own words already cover.
func (r *reading) evidence() topicSet {
	var s topicSet
	for _, h := range r.hits {
		s |= lex.vocab.entries[h.id].topics
	}
	if r.best != nil || r.words >= factsMinWords {
		s |= setOf(topicFacts)
	}
	if len(r.entities.Dates) > 0 {
		s |= setOf(topicDates)
	}
	if len(r.entities.Parties) > 0 {
		s |= setOf(topicParties)
	}
	if len(r.entities.Amounts) > 0 {
		s |= setOf(topicAmounts)
	}
	if len(r.deadlines) > 0 {
		s |= setOf(topicDeadlines)
	}
	if len(r.entities.Locations) > 0 {
		s |= setOf(topicPlace)
	}
	return s
}

// factsMinWords is how many words of description count as "what happened"
// when no case type was recognised.
const factsMinWords = 12

// keywords are the matched lexicon terms, in the order the client wrote
// them, each once; where terms overlap only the longest counts ("cartão de
// embarque", not also "embarque").
func (r *reading) keywords() []string {
	out := []string{}
	for _, h := range longest(r.hits, func(h hit) bool { return r.keywordIDs[h.id] }) {
		out = appendUnique(out, lex.vocab.entries[h.id].display)
		if len(out) == maxKeywords {
			break
		}
	}
	return out
}

const maxKeywords = 15

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
