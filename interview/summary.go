package interview

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/triagem/triagem"
)

// Bounds of the summary.
const (
	// maxSummaryRunes bounds the summary: the gist, never the conversation
	// (clients write personal data; the summary travels further).
	maxSummaryRunes = 240
	// maxEchoedWords is the longest run of the client's own words the
	// summary may repeat; a longer one would make it a paste.
	maxEchoedWords = 5
	// maxSummaryParties and maxPartyRunes keep the names short.
	maxSummaryParties = 2
	maxPartyRunes     = 40
)

// summary composes one Portuguese sentence from the facts: what (the
// subarea), the area, who, when, how much and the one situation that
// matters most ("pessoa presa agora"). Parts that do not fit in
// maxSummaryRunes, or that would repeat more than maxEchoedWords of the
// client's words in a row, are left out whole: the sentence is never cut.
func (f *facts) summary(area triagem.Area, subarea triagem.Subarea) string {
	head := "Cliente relata questão da área " + area.Name()
	if name := triagem.SubareaName(subarea); name != "" && area.Has(subarea) {
		head = "Cliente relata caso de " + lowerFirst(name) + " (área " + area.Name() + ")"
	}
	if !area.Valid() {
		head = "Cliente relata um problema jurídico ainda sem área definida"
	}
	// Optional parts, most expendable last.
	parts := []string{}
	if s := f.situation(); s != "" {
		parts = append(parts, s)
	}
	if p := f.summaryParties(); p != "" {
		parts = append(parts, "envolvidos: "+p)
	}
	if a := f.largestAmount(); a != "" {
		parts = append(parts, "valor citado: "+a)
	}
	if dates := f.reading().entities.Dates; len(dates) > 0 {
		parts = append(parts, "quando: "+dates[0])
	}
	client := wordRuns(f.text.tokens)
	if s := composeSummary(head, nil); echoes(s, client) {
		return summaryFallback
	}
	var kept []string
	for _, p := range parts {
		s := composeSummary(head, append(kept, p))
		if utf8.RuneCountInString(s) <= maxSummaryRunes && !echoes(s, client) {
			kept = append(kept, p)
		}
	}
	s := composeSummary(head, kept)
	if utf8.RuneCountInString(s) > maxSummaryRunes {
		return summaryFallback
	}
	return s
}

// summaryFallback is the summary when even the head would not do.
const summaryFallback = "Cliente relata um problema jurídico."

// composeSummary joins the head and the parts into one sentence.
func composeSummary(head string, parts []string) string {
	if len(parts) == 0 {
		return head + "."
	}
	return head + "; " + strings.Join(parts, "; ") + "."
}

// situation names the most pressing fact found, "" when none.
func (f *facts) situation() string {
	h := f.has
	switch {
	case f.detainedNow():
		return "há pessoa presa agora"
	case h[sigViolence] || h[sigChildRisk]:
		return "há relato de violência"
	case h[sigThreat]:
		return "há relato de ameaça"
	case h[sigCareRefused]:
		return "tratamento ou medicamento negado"
	case h[sigEvictionOrder]:
		return "despejo já ordenado"
	case h[sigAssetSeized]:
		return "bens ou contas bloqueados"
	case h[sigSummons]:
		return "cliente foi citado ou intimado"
	case h[sigHearing]:
		return "há audiência marcada"
	case h[sigNoIncome]:
		return "cliente está sem receber o que lhe é devido"
	case len(f.reading().deadlines) > 0:
		return "há prazo em curso"
	}
	return ""
}

// summaryParties are the first parties named, short ones only.
func (f *facts) summaryParties() string {
	var out []string
	for _, p := range f.reading().entities.Parties {
		if utf8.RuneCountInString(p) <= maxPartyRunes {
			out = append(out, p)
		}
		if len(out) == maxSummaryParties {
			break
		}
	}
	return strings.Join(out, ", ")
}

// largestAmount is the largest amount named, as written.
func (f *facts) largestAmount() string {
	best, bestValue := "", 0.0
	for _, a := range f.reading().entities.Amounts {
		if v := amountValue(fold(a)); v > bestValue && utf8.RuneCountInString(a) <= maxPartyRunes {
			best, bestValue = a, v
		}
	}
	return best
}

// wordRuns is every run of maxEchoedWords+1 consecutive words of the
// client's text (within one message), folded.
func wordRuns(toks []token) map[string]bool {
	n := maxEchoedWords + 1
	runs := map[string]bool{}
	for i := 0; i+n <= len(toks); i++ {
		if toks[i].part != toks[i+n-1].part {
			continue
		}
		runs[tokenWords(toks[i:i+n])] = true
	}
	return runs
}

// echoes reports whether s repeats a run of the client's words.
func echoes(s string, client map[string]bool) bool {
	toks := newFoldedText(s).tokens
	n := maxEchoedWords + 1
	for i := 0; i+n <= len(toks); i++ {
		if client[tokenWords(toks[i:i+n])] {
			return true
		}
	}
	return false
}

// properNames begin some subarea names and keep their capital.
var properNames = map[string]bool{"Anvisa": true}

// lowerFirst lower-cases the first letter of a name that starts a phrase,
// unless its first word is an acronym ("CNH suspensa") or the name goes on
// capitalised ("Banco Central e CVM").
func lowerFirst(s string) string {
	words := strings.Fields(s)
	if len(words) == 0 || isAllUpper(words[0]) || properNames[words[0]] {
		return s
	}
	if len(words) > 1 {
		if r, _ := utf8.DecodeRuneInString(words[1]); unicode.IsUpper(r) {
			return s
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}
