package interview

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/triagem/triagem"
)

// The patterns below run on folded text (lower case, no accents), so "Há 3
// meses" and "ha 3 meses" are the same; matches are reported as written.
// \b is an ASCII word boundary, which folded Portuguese is.
const (
	monthNames  = `janeiro|fevereiro|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro`
	countWords  = `um|uma|dois|duas|tres|quatro|cinco|seis|sete|oito|nove|dez|onze|doze|quinze|vinte|trinta|alguns|algumas|poucos|poucas|muitos|muitas|varios|varias`
	numberWords = `um|uma|dois|duas|tres|quatro|cinco|seis|sete|oito|nove|dez|vinte|trinta|quarenta|cinquenta|sessenta|setenta|oitenta|noventa|cem|duzentos|trezentos|quatrocentos|quinhentos|seiscentos|setecentos|oitocentos|novecentos`
	scaleWords  = `mil|milhao|milhoes|bilhao|bilhoes`
	currencies  = `reais|real|dolares|euros`
)

// pattern is one way of writing a date or an amount.
type pattern struct {
	re *regexp.Regexp
	// group reports the first group instead of the whole match ("2023" in
	// "desde 2023").
	group bool
	// valid, when set, vets each match.
	valid func(string) bool
	// worth, when set, is a cheap test a message must pass for the
	// pattern to be tried on it: most messages have no digit, no month,
	// no currency, and the regexp is the costly part of reading a turn.
	worth func(string) bool
}

var (
	// numericDate is vetted by validDate (day 1–31, month 1–12).
	numericDate  = regexp.MustCompile(`\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?\b`)
	datePatterns = []pattern{
		{re: numericDate, valid: validDate, worth: hasDigit},
		{re: regexp.MustCompile(`\b(?:0?[1-9]|1[0-2])/(?:19|20)\d{2}\b`), worth: hasDigit}, // month/year: "03/2024"
		{re: regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`), worth: hasDigit},
		{re: regexp.MustCompile(`\b(?:dia\s+)?\d{1,2}o?\s+de\s+(?:` + monthNames + `)(?:\s+de\s+\d{4})?\b`), worth: hasDigit},
		{re: regexp.MustCompile(`\b(?:` + monthNames + `)(?:\s+(?:de\s+)?\d{4}|\s+passado)?\b`), worth: containsAny(strings.Split(monthNames, "|")...)},
		{re: regexp.MustCompile(`\b(?:depois de amanha|anteontem|ontem|hoje|amanha)\b`), worth: containsAny("ontem", "hoje", "amanha")},
		{re: regexp.MustCompile(`\b(?:semana|mes|ano)\s+(?:passad[oa]|que vem)\b|\bproxim[oa]\s+(?:semana|mes|ano)\b`), worth: containsAny("passad", "que vem", "proxim")},
		{re: regexp.MustCompile(`\b(?:ha|faz|fazem)\s+(?:mais de\s+|cerca de\s+|uns\s+|umas\s+)?(?:\d+|` + countWords + `)\s+(?:dia|dias|semana|semanas|mes|meses|ano|anos)\b`), worth: containsAny("dia", "semana", "mes", "ano")},
		{re: regexp.MustCompile(`\b(?:em|de|desde|no ano de)\s+((?:19|20)\d{2})\b`), group: true, worth: hasDigit},
		{re: regexp.MustCompile(`\bdia\s+\d{1,2}\b`), worth: hasDigit},
		{re: regexp.MustCompile(`\b(?:segunda|terca|quarta|quinta|sexta)[\s-]feira\b|\b(?:sabado|domingo) passado\b`), worth: containsAny("feira", "sabado", "domingo")},
	}
	amountPatterns = []pattern{
		{re: regexp.MustCompile(`(?:\br\$|\bus\$|€)\s*\d[\d.]*(?:,\d+)?(?:\s*(?:` + scaleWords + `)\b)?`), worth: containsAny("$", "€")},
		{re: regexp.MustCompile(`\b\d[\d.]*(?:,\d+)?\s*(?:(?:` + scaleWords + `)\s+)?(?:de\s+)?(?:` + currencies + `)\b`), worth: hasDigit},
		{re: regexp.MustCompile(`\b(?:(?:` + numberWords + `)\s+)?(?:` + scaleWords + `)\s+(?:de\s+)?(?:` + currencies + `)\b`), worth: containsAny("mil", "bilh")},
		{re: regexp.MustCompile(`\b(?:` + numberWords + `)\s+(?:` + currencies + `)\b`), worth: containsAny("rea", "dolar", "euro")},
	}
	amountNumber = regexp.MustCompile(`\d[\d.]*(?:,\d+)?`)
	// deadlinePatterns find deadlines still ahead: "prazo de 5 dias",
	// "daqui a duas semanas", "tenho 48h", "15 dias para desocupar". A
	// span already past ("há 5 dias") or a duration ("quebrou em 2 dias
	// de uso", "12h por dia") is not one.
	deadlinePatterns = []pattern{
		{worth: containsAny("dia", "hora", "semana", "mes", "h"), re: regexp.MustCompile(`\b(?:no prazo de|prazo de|prazo e de|prazo sao|dentro de|daqui a|daqui|faltam|falta|restam|resta|so tenho|tenho so|tenho apenas|tenho|temos|em ate|em|vence em|acaba em|termina em)\s+(?:so\s+|apenas\s+|mais\s+)?(\d{1,4}|` + countWords + `)\s*(h|hs|hrs|horas?|dias?|semanas?|mes|meses)\b(\s+(?:de uso|de atraso|depois|apos|atras|seguid\w*|por dia|por semana|de trabalho|diarias|de casa|de empresa|de servico|de contrato)\b)?`)},
		{worth: containsAny("para", "pra", "prazo"), re: regexp.MustCompile(`\b(\d{1,4}|` + countWords + `)\s*(h|hs|hrs|horas?|dias?|semanas?)(?:\s+uteis)?(?:\s+de prazo\b|\s+(?:para|pra)\s+(?:eu\s+|a gente\s+)?(?:sair|desocupar|pagar|responder|recorrer|apresentar|entregar|contestar|me defender|fazer|devolver|quitar|regularizar|comparecer)\b)`)},
		{worth: hasDigit, re: regexp.MustCompile(`\b(\d{1,3})(h|hs)\b(\s+(?:por dia|por semana|de trabalho|diarias|seguidas|de atraso|da manha|da tarde|da noite))?`)},
	}
)

// deadline is a time limit the client named, in hours from now.
type deadline struct {
	hours   int
	written string // as the client wrote it
}

// highAmount is the amount from which "valor elevado" is a complexity factor.
const highAmount = 500_000

// readEntities fills the entities, the largest amount and the deadlines.
func (r *reading) readEntities() {
	t := r.text
	r.entities = triagem.Entities{
		Dates: written(t, findAll(t.folded, datePatterns)),
	}
	amounts := findAll(t.folded, amountPatterns)
	for i := range amounts { // "R$ 3.000." ends a sentence, not the number
		for amounts[i].end > amounts[i].start && t.folded[amounts[i].end-1] == '.' {
			amounts[i].end--
		}
	}
	r.entities.Amounts = written(t, amounts)
	for _, s := range amounts {
		r.maxAmount = max(r.maxAmount, amountValue(t.folded[s.start:s.end]))
	}
	r.deadlines = readDeadlines(t)
	places := r.locations()
	if extra := r.placeNames(places); len(extra) > 0 {
		places = append(places, extra...)
		slices.SortFunc(places, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	}
	r.entities.Locations = written(t, places)
	r.entities.Parties = r.parties(places)
}

// span is a byte range of the folded text.
type span struct{ start, end int }

// findAll returns the non-overlapping matches of the patterns in text
// order. Where matches overlap the longest wins ("12/03/2024" over "dia 12"
// in "dia 12/03/2024"), then the earliest.
func findAll(folded string, patterns []pattern) []span {
	var all []span
	for _, p := range patterns {
		for _, m := range p.findAll(folded) {
			s := span{m[0], m[1]}
			if p.group && m[2] >= 0 {
				s = span{m[2], m[3]}
			}
			if p.valid != nil && !p.valid(folded[s.start:s.end]) {
				continue
			}
			all = append(all, s)
		}
	}
	slices.SortFunc(all, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end))
	})
	var out []span
	for _, s := range all {
		last := len(out) - 1
		switch {
		case last < 0 || s.start >= out[last].end:
			out = append(out, s)
		case s.end-s.start > out[last].end-out[last].start:
			out[last] = s // a longer match overlapping the one kept
		}
	}
	return out
}

// findAll returns the submatch indexes of every match in folded, message
// by message: a message that fails worth is skipped. Indexes are offsets of
// folded; an unmatched group stays -1.
func (p pattern) findAll(folded string) [][]int {
	var out [][]int
	for start := 0; start <= len(folded); {
		end := strings.Index(folded[start:], partSeparator)
		if end < 0 {
			end = len(folded)
		} else {
			end += start
		}
		if part := folded[start:end]; p.worth == nil || p.worth(part) {
			for _, m := range p.re.FindAllStringSubmatchIndex(part, -1) {
				for i := range m {
					if m[i] >= 0 {
						m[i] += start
					}
				}
				out = append(out, m)
			}
		}
		start = end + len(partSeparator)
	}
	return out
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// containsAny returns a test for any of the substrings.
func containsAny(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, sub := range subs {
			if strings.Contains(s, sub) {
				return true
			}
		}
		return false
	}
}

// validDate accepts "12/03", "12/03/2024", "1.2.24" when day and month are
// plausible, so that a ratio such as "50/50" is not a date.
func validDate(s string) bool {
	m := numericDate.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return false
	}
	// Without a year, only "/" makes a date: "1.5" and "3-2" are not.
	return m[3] != "" || strings.Contains(s, "/")
}

// written returns the spans as the client wrote them, each once.
func written(t *foldedText, spans []span) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range spans {
		if w := t.original(s.start, s.end); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// amountValue estimates the number in a folded amount ("r$ 2.500.000,00",
// "2 mil reais", "um milhao de reais"); only its size matters.
func amountValue(s string) float64 {
	value := 1.0
	if n := amountNumber.FindString(s); n != "" {
		n = strings.ReplaceAll(strings.ReplaceAll(n, ".", ""), ",", ".")
		if v, err := strconv.ParseFloat(n, 64); err == nil {
			value = v
		}
	} else if w := strings.Fields(s); len(w) > 0 {
		value = float64(max(1, wordValue(w[0])))
	}
	switch {
	case strings.Contains(s, "bilh"):
		value *= 1e9
	case strings.Contains(s, "milh"):
		value *= 1e6
	case strings.Contains(s, "mil"):
		value *= 1e3
	}
	return value
}

var smallNumbers = map[string]int{
	"um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7, "oito": 8, "nove": 9, "dez": 10,
	"onze": 11, "doze": 12, "quinze": 15, "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60, "setenta": 70,
	"oitenta": 80, "noventa": 90, "cem": 100, "duzentos": 200, "trezentos": 300, "quatrocentos": 400, "quinhentos": 500,
	"seiscentos": 600, "setecentos": 700, "oitocentos": 800, "novecentos": 900,
	// Vague counts lean short, which errs on the side of urgency.
	"alguns": 3, "algumas": 3, "poucos": 2, "poucas": 2, "muitos": 10, "muitas": 10, "varios": 5, "varias": 5,
}

func wordValue(w string) int { return smallNumbers[w] }

// countValue reads "5" or "cinco".
func countValue(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return wordValue(s)
}

// readDeadlines finds the deadlines of a text, in text order, each span
// once.
func readDeadlines(t *foldedText) []deadline {
	var out []deadline
	taken := []span{}
	for _, p := range deadlinePatterns {
		for _, m := range p.findAll(t.folded) {
			if len(m) > 6 && m[6] >= 0 { // a duration, not a deadline
				continue
			}
			s := span{m[0], m[1]}
			if overlapsAny(s, taken) {
				continue
			}
			n := countValue(t.folded[m[2]:m[3]])
			if n <= 0 {
				continue
			}
			taken = append(taken, s)
			out = append(out, deadline{hours: n * unitHours(t.folded[m[4]:m[5]]), written: t.original(s.start, s.end)})
		}
	}
	return out
}

func overlapsAny(s span, spans []span) bool {
	for _, o := range spans {
		if s.start < o.end && o.start < s.end {
			return true
		}
	}
	return false
}

func unitHours(unit string) int {
	switch strings.TrimSuffix(strings.TrimSuffix(unit, "es"), "s") {
	case "hora", "h", "hr", "":
		return 1
	case "dia":
		return 24
	case "semana":
		return 7 * 24
	default: // mes, meses
		return 30 * 24
	}
}

// locations finds states and cities (longest name first) and two-letter
// state codes written in a place context ("Recife-PE", "em SP").
func (r *reading) locations() []span {
	t := r.text
	var out []span
	placeEnd := -1 // token index just after the last place found
	hits := longest(r.hits, func(h hit) bool { return lex.vocab.entries[h.id].location != notLocation })
	next := 0
	for i := range t.tokens {
		if next < len(hits) && hits[next].from == i {
			h := hits[next]
			next++
			if r.acceptLocation(h) {
				out = append(out, span{t.tokens[h.from].start, t.tokens[h.to-1].end})
				placeEnd = h.to
			}
			continue
		}
		if r.isStateCode(i, placeEnd == i) {
			out = append(out, span{t.tokens[i].start, t.tokens[i].end})
			placeEnd = i + 1
		}
	}
	return out
}

func (r *reading) acceptLocation(h hit) bool {
	e := lex.vocab.entries[h.id]
	if e.location != ambiguousLocation {
		return true
	}
	t := r.text
	asWritten := t.original(t.tokens[h.from].start, t.tokens[h.to-1].end)
	return asWritten == e.display && !t.atSentenceStart(h.from)
}

// isStateCode accepts token i as a state code when the client wrote it as
// two capital letters and it follows a place or a preposition of place.
func (r *reading) isStateCode(i int, afterPlace bool) bool {
	t := r.text
	tok := t.tokens[i]
	if !lex.stateCodes[tok.word] || t.tokenOriginal(i) != strings.ToUpper(tok.word) {
		return false
	}
	if afterPlace {
		return true
	}
	if i == 0 || t.tokens[i-1].part != tok.part {
		return false
	}
	switch t.tokens[i-1].word {
	case "em", "no", "na", "do", "da", "de", "estado":
		return true
	}
	return false
}

// party is one party found in the text.
type party struct {
	at      int // folded offset, for ordering
	display string
	key     string // folded words
	role    bool   // a role word rather than a name
}

// parties lists who is involved: role words ("empregador", "companhia
// aérea") and proper nouns written capitalised inside a sentence ("Azul",
// "Banco do Brasil"), in the order written. A role already part of a name
// ("banco" in "Banco do Brasil") is not repeated, nor is a place.
func (r *reading) parties(places []span) []string {
	t := r.text
	var found []party
	for _, h := range longest(r.hits, func(hit) bool { return true }) {
		if e := lex.vocab.entries[h.id]; e.party {
			found = append(found, party{at: t.tokens[h.from].start, display: e.display, key: strings.Join(e.words, " "), role: true})
		}
	}
	for _, n := range r.properNouns(places) {
		if notParties[tokenWords(t.tokens[n.from:n.to])] {
			continue
		}
		start, end := t.tokens[n.from].start, t.tokens[n.to-1].end
		found = append(found, party{at: start, display: t.original(start, end), key: tokenWords(t.tokens[n.from:n.to])})
	}
	slices.SortStableFunc(found, func(a, b party) int { return a.at - b.at })
	out := []string{}
	seen := map[string]bool{}
	for _, p := range found {
		if seen[p.key] || p.role && partOfName(p.key, found) {
			continue
		}
		seen[p.key] = true
		out = append(out, p.display)
	}
	return out
}

// placeNames are capitalised names the lexicon does not know written
// right after "em" ("moro em Caruaru", "aconteceu em Cametá"): places, not
// parties.
func (r *reading) placeNames(places []span) []span {
	t := r.text
	var out []span
	for _, n := range r.properNouns(places) {
		if n.from > 0 && t.tokens[n.from-1].part == t.tokens[n.from].part && t.tokens[n.from-1].word == "em" {
			out = append(out, span{t.tokens[n.from].start, t.tokens[n.to-1].end})
		}
	}
	return out
}

// notParties are capitalised words that name no party: regions, countries,
// registrations (folded).
var notParties = map[string]bool{
	"norte": true, "sul": true, "nordeste": true, "sudeste": true, "centro oeste": true, "leste": true, "oeste": true, "brasil": true,
	"portugal": true, "europa": true, "eua": true, "mei": true, "cnpj": true, "cpf": true, "ltda": true, "me": true,
}

// partOfName reports whether a role's words occur inside a longer name.
func partOfName(key string, all []party) bool {
	for _, p := range all {
		if !p.role && p.key != key && strings.Contains(" "+p.key+" ", " "+key+" ") {
			return true
		}
	}
	return false
}

func tokenWords(toks []token) string {
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.word
	}
	return strings.Join(words, " ")
}

// properNouns finds runs of capitalised words inside sentences, joined by
// "do", "da", "de", "dos", "das" ("Banco do Brasil"), skipping places and
// common capitalised words.
func (r *reading) properNouns(places []span) []hit {
	t := r.text
	var out []hit
	for i := 0; i < len(t.tokens); i++ {
		if !r.startsName(i) {
			continue
		}
		end := i + 1
		for end < len(t.tokens) && r.continuesName(end) {
			end++
		}
		for end > i+1 && isConnector(t.tokens[end-1].word) {
			end--
		}
		if !overlaps(t, i, end, places) {
			out = append(out, hit{from: i, to: end})
		}
		i = end - 1
	}
	return out
}

func (r *reading) startsName(i int) bool {
	t := r.text
	w := t.tokenOriginal(i)
	first, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(first) || utf8.RuneCountInString(w) < 2 || lex.notNames[t.tokens[i].word] || lex.stateCodes[t.tokens[i].word] {
		return false
	}
	if isAllUpper(w) && utf8.RuneCountInString(w) <= 2 {
		return false
	}
	return !t.atSentenceStart(i)
}

// continuesName reports whether token i extends the name before it: a
// capitalised word or a connector, separated by spaces only.
func (r *reading) continuesName(i int) bool {
	t := r.text
	prev, cur := t.tokens[i-1], t.tokens[i]
	if prev.part != cur.part || strings.TrimSpace(t.original(prev.end, cur.start)) != "" || strings.ContainsRune(t.original(prev.end, cur.start), '\n') {
		return false
	}
	if isConnector(cur.word) {
		return i+1 < len(t.tokens) && r.continuesName(i+1) && !isConnector(t.tokens[i+1].word)
	}
	first, _ := utf8.DecodeRuneInString(t.tokenOriginal(i))
	return unicode.IsUpper(first) && !lex.notNames[cur.word]
}

func isConnector(w string) bool {
	switch w {
	case "do", "da", "de", "dos", "das":
		return true
	}
	return false
}

func isAllUpper(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

func overlaps(t *foldedText, from, to int, places []span) bool {
	start, end := t.tokens[from].start, t.tokens[to-1].end
	for _, p := range places {
		if p.start < end && start < p.end {
			return true
		}
	}
	return false
}
