package interview

import (
	"strings"

	"github.com/triagem/triagem"
)

// facts is what the engine reads from the client's messages besides the
// area: entities, explicit deadlines and the situation's signals. The
// urgency, the safety notice, the complexity, the sentiment and the summary
// are all computed from it, so a conversation is read once per turn.
type facts struct {
	client []string
	text   *foldedText // the client's messages as read (see read)
	hits   []signalHit
	has    [sigCount]bool
	r      *reading // entities and deadlines, read on first use
}

// readFacts reads the client's messages (in order, the interviewer's left
// out). The signals are read at once; the entities, whose patterns cost
// more, when first asked for (a safety check needs none).
func readFacts(client []string) *facts {
	cleaned := make([]string, len(client))
	for i, m := range client {
		cleaned[i] = cleanText(m)
	}
	f := &facts{client: client, text: newFoldedText(strings.Join(cleaned, partSeparator))}
	f.hits, f.has = readSignals(f.text)
	return f
}

// reading is the full reading of the messages, made once. A facts is used
// by one goroutine only, so the lazy field needs no lock.
func (f *facts) reading() *reading {
	if f.r == nil {
		f.r = read(f.client)
	}
	return f.r
}

// detainedNow reports whether someone is detained now: a word of prison,
// denied by nothing ("não foi preso") and not undone ("já foi solto").
func (f *facts) detainedNow() bool {
	if !f.has[sigDetained] || f.has[sigReleased] {
		return false
	}
	for _, d := range f.hits {
		if d.sig == sigDetained && !f.covered(d, sigPrisonThreat) {
			return true
		}
	}
	return false
}

// covered reports whether a hit of sig spans the words of h ("preso" in
// "pode ser preso").
func (f *facts) covered(h signalHit, sig signal) bool {
	for _, o := range f.hits {
		if o.sig == sig && o.from <= h.from && h.to <= o.to {
			return true
		}
	}
	return false
}

// near reports whether a hit of sig lies within window words of tokens
// [from, to), in the same message.
func (f *facts) near(sig signal, from, to, window int) bool {
	toks := f.text.tokens
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
	e := f.reading().entities
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
