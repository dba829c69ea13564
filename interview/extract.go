package interview

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/triagem/triagem"
)

// Extract is the built-in engine's reading of a conversation, used by the
// simple strategy and by RulesAnalyzer: the area estimate of the whole
// conversation, and around it the urgency, safety notice, complexity
// factors, summary, steps, documents, deadline warning, sentiment and
// entities. The assessment supplies the area when the text names none.
// Every slice is non-nil, so the data serialises with [] rather than null.
func Extract(messages []triagem.Message, a triagem.Assessment) triagem.TriageData {
	client := clientTexts(messages)
	est := defaultModel().estimateArea(client)
	if est.Evidence < weakEvidence && a.Area.Valid() {
		est = assessedEstimate(a)
	}
	f := readFacts(client)
	return f.triageData(est, f.reading().keywords())
}

// weakEvidence is the estimate's evidence below which the text says too
// little about its area to overrule the interview's assessment.
const weakEvidence = 0.05

// assessedEstimate is the interview's own area, when the text says nothing.
func assessedEstimate(a triagem.Assessment) areaEstimate {
	sub := a.Subarea
	if !a.Area.Has(sub) {
		sub = a.Area.GeneralSubarea()
	}
	return areaEstimate{Area: a.Area, Subarea: sub, Ranked: []triagem.AreaAlternative{{Area: a.Area, Score: 1}}}
}

// maxAlternatives is how many candidate areas a result lists.
const maxAlternatives = 3

// triageData assembles the result around an area estimate: every part that
// depends on the area (steps, documents, deadline, urgency default) takes
// the estimate's area and subarea, so they always agree.
func (f *facts) triageData(est areaEstimate, keywords []string) triagem.TriageData {
	area, subarea := est.Area, est.Subarea
	if !area.Valid() {
		area = triagem.AreaCivil
	}
	if !area.Has(subarea) {
		subarea = area.GeneralSubarea()
	}
	u := f.urgencyOf(area, subarea)
	sentiment, distress := f.sentimentOf(subarea)
	_, factors := f.complexity(area, subarea)
	notice := f.safetyNotice()
	caseType := est.CaseType
	if caseType == "" {
		caseType = string(subarea)
	}
	return triagem.TriageData{
		Area:              area,
		Subarea:           subarea,
		UrgencyH:          u.hours,
		UrgencyReason:     u.reason,
		Summary:           f.summary(area, subarea),
		Keywords:          nonNil(keywords),
		Sentiment:         sentiment,
		Distress:          distress || notice != "",
		CaseType:          caseType,
		ComplexityFactors: factors,
		NextSteps:         nextSteps(area, subarea, f),
		Documents:         documentsFor(area, subarea),
		DeadlineWarning:   deadlineWarning(area, subarea),
		SafetyNotice:      notice,
		AreaAlternatives:  alternatives(est, area),
		Entities:          f.entities(),
	}
}

// alternatives are the estimate's top areas with their scores, the chosen
// area first.
func alternatives(est areaEstimate, area triagem.Area) []triagem.AreaAlternative {
	out := []triagem.AreaAlternative{}
	for _, alt := range est.Ranked {
		if len(out) == maxAlternatives {
			break
		}
		if alt.Area.Valid() {
			out = append(out, triagem.AreaAlternative{Area: alt.Area, Score: math.Round(alt.Score*1000) / 1000})
		}
	}
	if len(out) == 0 || out[0].Area != area {
		chosen := []triagem.AreaAlternative{{Area: area, Score: 1}}
		if len(out) > 0 {
			chosen[0].Score = 0
			for _, alt := range est.Ranked {
				if alt.Area == area {
					chosen[0].Score = math.Round(alt.Score*1000) / 1000
				}
			}
		}
		for _, alt := range out {
			if alt.Area != area && len(chosen) < maxAlternatives {
				chosen = append(chosen, alt)
			}
		}
		out = chosen
	}
	return out
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

// completeData fills what another analyzer's data d lacks, for d's own area
// and subarea: steps, documents and alternatives when missing; the deadline
// warning always from the closed list; the urgency when the built-in rules
// find it sooner (a risk the analyzer missed); the safety notice when the
// rules see danger; a summary that is missing, too long or a paste.
func completeData(client []string, d triagem.TriageData) triagem.TriageData {
	f := readFacts(client)
	if !d.Area.Valid() {
		return f.triageData(defaultModel().estimateArea(client), f.reading().keywords())
	}
	if !d.Area.Has(d.Subarea) {
		d.Subarea = d.Area.GeneralSubarea()
	}
	area, sub := d.Area, d.Subarea
	if n := len(d.NextSteps); n < minSteps || n > maxSteps {
		d.NextSteps = nextSteps(area, sub, f)
	}
	if len(d.Documents) == 0 {
		d.Documents = documentsFor(area, sub)
	}
	d.DeadlineWarning = deadlineWarning(area, sub)
	if u := f.urgencyOf(area, sub); d.UrgencyH <= 0 || u.hours < d.UrgencyH {
		d.UrgencyH, d.UrgencyReason = u.hours, u.reason
	}
	if d.UrgencyReason == "" {
		d.UrgencyReason = "prazo estimado pela análise do caso"
	}
	if notice := f.safetyNotice(); notice != "" {
		d.SafetyNotice = notice
	}
	sentiment, distress := f.sentimentOf(sub)
	if !d.Sentiment.Valid() {
		d.Sentiment = sentiment
	}
	d.Distress = d.Distress || distress || d.SafetyNotice != ""
	if d.Summary = oneSentence(d.Summary); d.Summary == "" || echoes(d.Summary, wordRuns(f.text.tokens)) {
		d.Summary = f.summary(area, sub)
	}
	if len(d.AreaAlternatives) == 0 || d.AreaAlternatives[0].Area != area {
		d.AreaAlternatives = alternatives(defaultModel().estimateArea(client), area)
	}
	if d.CaseType == "" {
		d.CaseType = string(sub)
	}
	if len(d.ComplexityFactors) == 0 {
		_, d.ComplexityFactors = f.complexity(area, sub)
	}
	d.Keywords = nonNil(d.Keywords)
	d.Entities = triagem.Entities{Parties: nonNil(d.Entities.Parties), Dates: nonNil(d.Entities.Dates),
		Amounts: nonNil(d.Entities.Amounts), Locations: nonNil(d.Entities.Locations)}
	return d
}

// minSummaryWords is the fewest words a summary taken from another
// analyzer may have.
const minSummaryWords = 2

// oneSentence is s as one sentence of at most maxSummaryRunes on one line,
// ending in a full stop; "" when s is not one (empty, longer, several
// sentences, invalid text).
func oneSentence(s string) string {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return ""
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	// A summary states: a trailing "!" or "?" becomes a full stop, and
	// something without two words (a model's "!" or "ok") is no summary.
	s = strings.TrimRight(s, ".!? ") + "."
	if words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); len(words) < minSummaryWords {
		return ""
	}
	if utf8.RuneCountInString(s) > maxSummaryRunes || strings.Contains(strings.TrimSuffix(s, "."), ". ") || strings.Contains(s, "…") {
		return ""
	}
	return s
}
