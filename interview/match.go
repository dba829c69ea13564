package interview

import (
	"slices"
	"strings"
)

// vocabulary is a set of words and phrases matched on whole words only: a
// phrase matches a run of consecutive tokens equal to its own tokens, so
// "pe" never matches inside "pela" and "marca" never inside "marcação".
// A vocabulary is built once and then only read.
type vocabulary struct {
	entries []entry
	byKey   map[string]int
	byFirst map[string][]int
}

// entry is one phrase of a vocabulary with what it tells about a case.
type entry struct {
	words   []string
	display string // as shown to users, accents kept
	// The tags below say what a match of the phrase evidences.
	topics    topicSet
	party     bool
	location  locationKind
	sentiment string
	urgencyH  int // hours until action is needed; 0 when the phrase says nothing
	nonAnswer bool
}

type locationKind uint8

const (
	notLocation locationKind = iota
	// plainLocation is matched however it is written ("sao paulo").
	plainLocation
	// ambiguousLocation is also a common word ("Pará"/"para", "Natal",
	// "Vitória"): matched only when written exactly, capitalised, inside a
	// sentence.
	ambiguousLocation
)

// hit is one occurrence of an entry: tokens [from, to).
type hit struct {
	id       int
	from, to int
}

func newVocabulary() *vocabulary {
	return &vocabulary{byKey: map[string]int{}, byFirst: map[string][]int{}}
}

// add returns the id of the phrase, adding it when new. Phrases are folded
// and tokenised exactly like client text, so "e-mail" and "e mail" agree.
func (v *vocabulary) add(display string) int {
	words := make([]string, 0, 4)
	for _, t := range tokenize(fold(display)) {
		words = append(words, t.word)
	}
	if len(words) == 0 {
		panic("interview: empty lexicon phrase " + display)
	}
	key := strings.Join(words, " ")
	if id, ok := v.byKey[key]; ok {
		return id
	}
	id := len(v.entries)
	v.entries = append(v.entries, entry{words: words, display: display})
	v.byKey[key] = id
	v.byFirst[words[0]] = append(v.byFirst[words[0]], id)
	return id
}

// addAll adds phrases and returns their ids.
func (v *vocabulary) addAll(displays ...string) []int {
	ids := make([]int, len(displays))
	for i, d := range displays {
		ids[i] = v.add(d)
	}
	return ids
}

// find returns every occurrence of every phrase in toks, ordered by
// position then by length (longest first).
func (v *vocabulary) find(toks []token) []hit {
	var hits []hit
	for i, t := range toks {
		for _, id := range v.byFirst[t.word] {
			if n := len(v.entries[id].words); v.matchesAt(toks, i, id) {
				hits = append(hits, hit{id: id, from: i, to: i + n})
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.from != b.from {
			return a.from - b.from
		}
		return b.to - a.to
	})
	return hits
}

func (v *vocabulary) matchesAt(toks []token, i, id int) bool {
	words := v.entries[id].words
	if i+len(words) > len(toks) {
		return false
	}
	for j, w := range words {
		t := toks[i+j]
		if t.word != w || t.part != toks[i].part {
			return false
		}
	}
	return true
}

// longest keeps, from hits ordered as find orders them, the ones accepted by
// keep that do not overlap an earlier or longer one: "companhia aérea" wins
// over "companhia", "Rio Grande do Sul" over "Rio Grande".
func longest(hits []hit, keep func(hit) bool) []hit {
	var out []hit
	next := 0
	for _, h := range hits {
		if h.from < next || !keep(h) {
			continue
		}
		out = append(out, h)
		next = h.to
	}
	return out
}
