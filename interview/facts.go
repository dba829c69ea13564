package interview

import "github.com/triagem/triagem"

// facts is what the engine reads from the client's messages besides the
// area: entities, explicit deadlines and the situation's signals. The
// urgency, the safety notice, the complexity, the sentiment and the summary
// are all computed from it, so a conversation is read once per turn.
type facts struct {
	r    *reading
	hits []signalHit
	has  [sigCount]bool
}

// readFacts reads the client's messages (in order, the interviewer's left
// out).
func readFacts(client []string) *facts {
	r := read(client)
	f := &facts{r: r}
	f.hits, f.has = readSignals(r.text)
	return f
}

// detainedNow reports whether someone is detained now: a word of prison,
// denied by nothing ("não foi preso") and not undone ("já foi solto").
func (f *facts) detainedNow() bool {
	return f.has[sigDetained] && !f.has[sigReleased]
}

// near reports whether a hit of sig lies within window words of tokens
// [from, to), in the same message.
func (f *facts) near(sig signal, from, to, window int) bool {
	toks := f.r.text.tokens
	part := toks[from].part
	for _, h := range f.hits {
		if h.sig != sig || toks[h.from].part != part {
			continue
		}
		if h.to > from-window && h.from < to+window && (h.from != from || h.to != to) {
			return true
		}
	}
	return false
}

// entities returns the named things, every list non-nil.
func (f *facts) entities() triagem.Entities {
	e := f.r.entities
	return triagem.Entities{
		Parties:   nonNil(e.Parties),
		Dates:     nonNil(e.Dates),
		Amounts:   nonNil(e.Amounts),
		Locations: nonNil(e.Locations),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
