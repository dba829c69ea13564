package interview

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/triagem/triagem"
)

// Extract is the interviewer's own reading of a conversation, used by the
// simple strategy: the same rules as the interview, turned into triage
// data. The assessment supplies area and subarea when the text names none.
// Every slice is non-nil, so the data serialises with [] rather than null.
func Extract(messages []triagem.Message, a triagem.Assessment) triagem.TriageData {
	r := read(clientTexts(messages))
	area, subarea, caseType := r.area, r.subarea, caseTypeUnknown
	if r.best != nil {
		caseType = r.best.caseType
	}
	if area == "" {
		area, subarea = string(cmp.Or(a.Area, areaUnknown)), string(cmp.Or(a.Subarea, subareaUnknown))
	}
	return r.triageData(area, subarea, caseType, r.keywords())
}

// triageData assembles the parts every analyzer shares (summary, sentiment,
// factors, entities) around its own area, case type and keywords.
func (r *reading) triageData(area, subarea, caseType string, keywords []string) triagem.TriageData {
	urgency, _ := r.urgency(area)
	return triagem.TriageData{
		Area:              triagem.Area(area),
		Subarea:           triagem.Subarea(subarea),
		UrgencyH:          urgency,
		Summary:           r.summary(labelOf(caseType)),
		Keywords:          keywords,
		Sentiment:         triagem.Sentiment(r.sentiment()),
		CaseType:          caseType,
		ComplexityFactors: append([]string{}, r.factors...),
		Entities: triagem.Entities{
			Parties:   r.entities.Parties,
			Dates:     r.entities.Dates,
			Amounts:   r.entities.Amounts,
			Locations: r.entities.Locations,
		},
	}
}

func clientTexts(messages []triagem.Message) []string {
	var out []string
	for _, m := range messages {
		if m.Role == triagem.AuthorClient {
			out = append(out, m.Text)
		}
	}
	return out
}

// labelOf is the Portuguese label of a case type, "" for an unknown one.
func labelOf(caseType string) string {
	for _, d := range caseTable {
		if d.caseType == caseType {
			return d.label
		}
	}
	return ""
}

// maxSummaryRunes bounds the summary: enough for the gist, never the whole
// conversation (clients write personal data; the summary travels further).
const maxSummaryRunes = 280

// summary is the case label followed by the client's informative messages
// ("não sei" answers left out), cut at a word boundary.
func (r *reading) summary(label string) string {
	var parts []string
	for i, m := range r.messages {
		if !r.informative[i] {
			continue
		}
		m = strings.Join(strings.Fields(m), " ")
		if last, _ := utf8.DecodeLastRuneInString(m); !strings.ContainsRune(".!?…", last) {
			m += "."
		}
		parts = append(parts, m)
	}
	text := strings.Join(parts, " ")
	if text == "" {
		text = "Relato sem detalhes."
	}
	if label != "" {
		text = upperFirst(label) + ": " + text
	}
	return truncateWords(text, maxSummaryRunes)
}

// truncateWords cuts s to at most n runes, at the last space before the
// limit, and marks the cut with "…".
func truncateWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, runes := len(s), 0
	for i := range s {
		if runes == n-1 { // leave room for the ellipsis
			cut = i
			break
		}
		runes++
	}
	head := s[:cut]
	if sp := strings.LastIndexByte(head, ' '); sp > len(head)/2 {
		head = head[:sp]
	}
	return strings.TrimRightFunc(head, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
