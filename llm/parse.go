package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/triagem/triagem"
)

// areas are the legal areas an answer may name: the root taxonomy's slugs.
var areas = slugs(triagem.Areas())

// areaAliases read other spellings of an area, after normalisation (slugs,
// display names and legacy slugs are read by triagem.ParseArea).
var areaAliases = map[string]triagem.Area{
	"consumer": triagem.AreaConsumidor, "defesa_do_consumidor": triagem.AreaConsumidor,
	"trabalho": triagem.AreaTrabalhista, "labor": triagem.AreaTrabalhista, "employment": triagem.AreaTrabalhista,
	"family": triagem.AreaFamilia, "familia_e_sucessoes": triagem.AreaFamilia, "sucessoes": triagem.AreaFamilia,
	"previdencia": triagem.AreaPrevidenciario, "social_security": triagem.AreaPrevidenciario,
	"civel":     triagem.AreaCivil,
	"comercial": triagem.AreaEmpresarial, "societario": triagem.AreaEmpresarial, "business": triagem.AreaEmpresarial, "corporate": triagem.AreaEmpresarial,
	"processo_penal": triagem.AreaCriminal, "crime": triagem.AreaCriminal,
	"tributos": triagem.AreaTributario, "fiscal": triagem.AreaTributario, "tax": triagem.AreaTributario,
	"imobiliaria": triagem.AreaImobiliario, "real_estate": triagem.AreaImobiliario,
	"intellectual_property": triagem.AreaPropriedadeIntelectual, "pi": triagem.AreaPropriedadeIntelectual,
	"administrative": triagem.AreaAdministrativo, "environmental": triagem.AreaAmbiental,
	"banking": triagem.AreaBancario, "banco": triagem.AreaBancario, "health": triagem.AreaSaude, "direito_digital": triagem.AreaDigital,
	"startup": triagem.AreaStartups, "regulatory": triagem.AreaRegulatorio, "regulacao": triagem.AreaRegulatorio,
}

// sentiments are the client's tones an answer may name: the root's list.
var sentiments = func() []string {
	var out []string
	for _, s := range triagem.Sentiments() {
		out = append(out, string(s.ID))
	}
	return out
}()

// sentimentAliases read the tones of the earlier vocabulary and English.
var sentimentAliases = map[string]triagem.Sentiment{
	"urgent": triagem.SentimentDistressed, "urgente": triagem.SentimentDistressed, "negative": triagem.SentimentFrustrated,
	"negativo": triagem.SentimentFrustrated, "neutral": triagem.SentimentNeutral, "positive": triagem.SentimentNeutral,
	"positivo": triagem.SentimentNeutral, "worried": triagem.SentimentWorried, "angry": triagem.SentimentIndignant,
	"frustrated": triagem.SentimentFrustrated, "distressed": triagem.SentimentDistressed,
}

// parseArea reads an area however a model spells it ("Direito do
// Consumidor", "família", "penal"). The error does not quote s.
func parseArea(s string) (triagem.Area, error) {
	n := normalize(s)
	for _, prefix := range []string{"direito_do_", "direito_de_", "direito_da_", "direito_"} {
		if t, ok := strings.CutPrefix(n, prefix); ok && t != "" {
			if _, err := triagem.ParseArea(t); err == nil || areaAliases[t] != "" {
				n = t
			}
			break
		}
	}
	if a, err := triagem.ParseArea(n); err == nil && n != "" {
		return a, nil
	}
	if a, ok := areaAliases[n]; ok {
		return a, nil
	}
	if n == "" {
		return "", errors.New("empty")
	}
	return "", fmt.Errorf("not one of %s", strings.Join(areas, ", "))
}

// parseSentiment reads a sentiment of the root's list or an alias.
func parseSentiment(s string) (triagem.Sentiment, error) {
	n := normalize(s)
	if v := triagem.Sentiment(n); v.Valid() {
		return v, nil
	}
	if v, ok := sentimentAliases[n]; ok {
		return v, nil
	}
	return "", fmt.Errorf("not one of %s", strings.Join(sentiments, ", "))
}

func slugs(as []triagem.Area) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

// Complexities an interview answer may name, with Portuguese spellings.
var complexityAliases = map[string]triagem.Complexity{
	"low": triagem.ComplexityLow, "baixa": triagem.ComplexityLow,
	"medium": triagem.ComplexityMedium, "media": triagem.ComplexityMedium,
	"high": triagem.ComplexityHigh, "alta": triagem.ComplexityHigh,
}

// topics are the interview topics, as the built-in interviewer names them.
var topics = []string{"fatos", "datas", "partes", "documentos", "valores", "tentativas", "prazos", "objetivo", "local"}

// Limits of an answer. Anything longer means the model went astray.
const (
	MaxUrgencyH    = 8760 // one year
	maxReasonRunes = 300  // urgency_reason
	maxNoticeRunes = 600  // safety_notice
	maxSteps       = 5
	maxAnswerBytes = 64 << 10
	maxSlugRunes   = 64   // area, subarea, case_type
	maxSummary     = 2000 // runes
	maxItemRunes   = 200  // one keyword, factor or entity
	maxListItems   = 50
	maxReplyRunes  = 2000
	maxMissing     = 20
)

// triageAnswer is the JSON an analyzer asks for. Pointers tell a missing
// field from an empty one; json reports a wrong type.
type triageAnswer struct {
	Area              *string  `json:"area"`
	Subarea           *string  `json:"subarea"`
	UrgencyH          *float64 `json:"urgency_h"`
	Summary           *string  `json:"summary"`
	Keywords          []string `json:"keywords"`
	Sentiment         *string  `json:"sentiment"`
	CaseType          *string  `json:"case_type"`
	ComplexityFactors []string `json:"complexity_factors"`
	UrgencyReason     *string  `json:"urgency_reason"`
	Distress          *bool    `json:"distress"`
	NextSteps         []string `json:"next_steps"`
	Documents         []string `json:"documents"`
	SafetyNotice      *string  `json:"safety_notice"`
	Entities          *struct {
		Parties   []string `json:"parties"`
		Dates     []string `json:"dates"`
		Amounts   []string `json:"amounts"`
		Locations []string `json:"locations"`
	} `json:"entities"`
}

// ParseTriageData reads a model's answer as triage data; see the package
// documentation for what it accepts. Unknown fields are ignored; a subarea
// missing or not of the area reads the area's general one, a missing
// case_type the subarea, a missing sentiment "neutro", missing lists [];
// next_steps keeps its first five; a safety_notice that names none of the
// emergency numbers (190, 180, 100, 188) is dropped. Errors never quote
// the answer.
func ParseTriageData(answer string) (triagem.TriageData, error) {
	var a triageAnswer
	if err := decodeObject(answer, &a); err != nil {
		return triagem.TriageData{}, err
	}
	var d triagem.TriageData
	var errs []error
	var err error
	if a.Area == nil {
		errs = append(errs, errors.New("area missing"))
	} else if area, err := parseArea(*a.Area); err != nil {
		errs = append(errs, fmt.Errorf("area: %w", err))
	} else {
		d.Area = area
	}
	subarea, err := slugField(a.Subarea, "")
	if d.Subarea = triagem.Subarea(subarea); !d.Area.Has(d.Subarea) {
		d.Subarea = d.Area.GeneralSubarea()
	}
	errs = appendErr(errs, "subarea", err)
	d.CaseType, err = slugField(a.CaseType, string(d.Subarea))
	errs = appendErr(errs, "case_type", err)
	switch u := a.UrgencyH; {
	case u == nil:
		errs = append(errs, errors.New("urgency_h missing"))
	case *u != math.Trunc(*u) || *u < 1 || *u > MaxUrgencyH:
		errs = append(errs, fmt.Errorf("urgency_h must be a whole number of hours in 1..%d", MaxUrgencyH))
	default:
		d.UrgencyH = int(*u)
	}
	if a.UrgencyReason != nil {
		d.UrgencyReason = strings.Join(strings.Fields(cleanText(*a.UrgencyReason, false)), " ")
		if utf8.RuneCountInString(d.UrgencyReason) > maxReasonRunes {
			errs = append(errs, fmt.Errorf("urgency_reason over %d characters", maxReasonRunes))
		}
	}
	if a.Summary == nil || cleanText(*a.Summary, true) == "" {
		errs = append(errs, errors.New("summary missing or empty"))
	} else if d.Summary = cleanText(*a.Summary, true); utf8.RuneCountInString(d.Summary) > maxSummary {
		errs = append(errs, fmt.Errorf("summary over %d characters", maxSummary))
	}
	d.Sentiment = triagem.SentimentNeutral
	if a.Sentiment != nil && strings.TrimSpace(*a.Sentiment) != "" {
		d.Sentiment, err = parseSentiment(*a.Sentiment)
		errs = appendErr(errs, "sentiment", err)
	}
	d.Distress = a.Distress != nil && *a.Distress
	if a.SafetyNotice != nil {
		d.SafetyNotice = safetyNotice(*a.SafetyNotice)
		if utf8.RuneCountInString(d.SafetyNotice) > maxNoticeRunes {
			errs = append(errs, fmt.Errorf("safety_notice over %d characters", maxNoticeRunes))
		}
	}
	d.NextSteps, err = cleanList(a.NextSteps)
	errs = appendErr(errs, "next_steps", err)
	d.NextSteps = d.NextSteps[:min(len(d.NextSteps), maxSteps)]
	d.Documents, err = cleanList(a.Documents)
	errs = appendErr(errs, "documents", err)
	d.Keywords, err = cleanList(a.Keywords)
	errs = appendErr(errs, "keywords", err)
	d.ComplexityFactors, err = cleanList(a.ComplexityFactors)
	errs = appendErr(errs, "complexity_factors", err)
	if a.Entities == nil {
		a.Entities = &struct {
			Parties   []string `json:"parties"`
			Dates     []string `json:"dates"`
			Amounts   []string `json:"amounts"`
			Locations []string `json:"locations"`
		}{}
	}
	d.Entities.Parties, err = cleanList(a.Entities.Parties)
	errs = appendErr(errs, "entities.parties", err)
	d.Entities.Dates, err = cleanList(a.Entities.Dates)
	errs = appendErr(errs, "entities.dates", err)
	d.Entities.Amounts, err = cleanList(a.Entities.Amounts)
	errs = appendErr(errs, "entities.amounts", err)
	d.Entities.Locations, err = cleanList(a.Entities.Locations)
	errs = appendErr(errs, "entities.locations", err)
	if err := errors.Join(errs...); err != nil {
		return triagem.TriageData{}, err
	}
	return d, nil
}

// turnAnswer is the JSON the interviewer asks for.
type turnAnswer struct {
	Reply      *string  `json:"reply"`
	Complexity *string  `json:"complexity"`
	Confidence *float64 `json:"confidence"`
	Area       *string  `json:"area"`
	Subarea    *string  `json:"subarea"`
	Complete   *bool    `json:"complete"`
	Missing    []string `json:"missing"`
	// SafetyNotice is optional: an interviewer that sees danger now.
	SafetyNotice *string `json:"safety_notice"`
}

// ParseTurn reads a model's answer as an interview turn: a reply of at most
// 2000 characters, a complexity (low, medium, high), a confidence in 0..1,
// an area of the analyzers' vocabulary or "" while unknown. The strategy is
// triagem.StrategyFor(complexity).
func ParseTurn(answer string) (triagem.Turn, error) {
	var a turnAnswer
	if err := decodeObject(answer, &a); err != nil {
		return triagem.Turn{}, err
	}
	var t triagem.Turn
	var errs []error
	var err error
	if a.Reply == nil || cleanText(*a.Reply, true) == "" {
		errs = append(errs, errors.New("reply missing or empty"))
	} else if t.Reply = cleanText(*a.Reply, true); utf8.RuneCountInString(t.Reply) > maxReplyRunes {
		errs = append(errs, fmt.Errorf("reply over %d characters", maxReplyRunes))
	}
	if a.Complexity == nil {
		errs = append(errs, errors.New("complexity missing"))
	} else if c, ok := complexityAliases[normalize(*a.Complexity)]; !ok {
		errs = append(errs, errors.New("complexity must be low, medium or high"))
	} else {
		t.Assessment.Complexity, t.Assessment.Strategy = c, triagem.StrategyFor(c)
	}
	switch c := a.Confidence; {
	case c == nil:
		errs = append(errs, errors.New("confidence missing"))
	case !(*c >= 0 && *c <= 1):
		errs = append(errs, errors.New("confidence must be in 0..1"))
	default:
		t.Assessment.Confidence = *c
	}
	if a.Area != nil && strings.TrimSpace(*a.Area) != "" {
		t.Assessment.Area, err = parseArea(*a.Area)
		errs = appendErr(errs, "area", err)
	}
	if t.Assessment.Area != "" {
		var subarea string
		subarea, err = slugField(a.Subarea, "")
		if t.Assessment.Subarea = triagem.Subarea(subarea); !t.Assessment.Area.Has(t.Assessment.Subarea) {
			t.Assessment.Subarea = ""
		}
		errs = appendErr(errs, "subarea", err)
	}
	if a.SafetyNotice != nil {
		t.Assessment.SafetyNotice = safetyNotice(*a.SafetyNotice)
		if utf8.RuneCountInString(t.Assessment.SafetyNotice) > maxNoticeRunes {
			errs = append(errs, fmt.Errorf("safety_notice over %d characters", maxNoticeRunes))
		}
	}
	t.Assessment.Complete = a.Complete != nil && *a.Complete
	t.Assessment.Missing, err = cleanList(a.Missing)
	errs = appendErr(errs, "missing", err)
	if len(t.Assessment.Missing) > maxMissing {
		errs = append(errs, fmt.Errorf("missing: more than %d topics", maxMissing))
	}
	if err := errors.Join(errs...); err != nil {
		return triagem.Turn{}, err
	}
	return t, nil
}

func appendErr(errs []error, field string, err error) []error {
	if err != nil {
		return append(errs, fmt.Errorf("%s: %w", field, err))
	}
	return errs
}

// decodeObject decodes exactly one JSON object, alone or in a ``` fence,
// into v.
func decodeObject(answer string, v any) error {
	if len(answer) > maxAnswerBytes {
		return fmt.Errorf("answer over %d bytes", maxAnswerBytes)
	}
	body, err := unfence(answer)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(body, "{") {
		return errors.New("the answer is not a JSON object")
	}
	dec := json.NewDecoder(strings.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("malformed JSON: %w", jsonError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("text after the JSON object")
	}
	return nil
}

// jsonError keeps json's explanation but not the offending value.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		kind, _, _ := strings.Cut(typeErr.Value, " ") // "number 1e999" → "number"
		return fmt.Errorf("field %s must not be a JSON %s", cmpOr(typeErr.Field, "(root)"), kind)
	}
	return err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// unfence returns the trimmed answer, or the content of its one ``` fence
// (```json or ``` alone) when there is one.
func unfence(answer string) (string, error) {
	s := strings.TrimSpace(answer)
	start := strings.Index(s, "```")
	if start < 0 {
		return s, nil
	}
	rest := s[start+3:]
	nl := strings.IndexByte(rest, '\n')
	if nl < 0 {
		return "", errors.New("unterminated code fence")
	}
	if lang := strings.TrimSpace(rest[:nl]); lang != "" && !strings.EqualFold(lang, "json") {
		return "", errors.New("code fence of another language than JSON")
	}
	rest = rest[nl+1:]
	end := strings.Index(rest, "```")
	if end < 0 {
		return "", errors.New("unterminated code fence")
	}
	if strings.Contains(rest[end+3:], "```") {
		return "", errors.New("more than one code fence")
	}
	return strings.TrimSpace(rest[:end]), nil
}

// emergencyNumbers are the numbers a safety notice must point to.
var emergencyNumbers = []string{"190", "180", "100", "188"}

// safetyNotice cleans a model's safety notice; one that names no emergency
// number is no notice.
func safetyNotice(s string) string {
	s = strings.Join(strings.Fields(cleanText(s, false)), " ")
	for _, n := range emergencyNumbers {
		if strings.Contains(s, n) {
			return s
		}
	}
	return ""
}

// slugField normalises an optional snake_case field, def when absent or
// empty.
func slugField(s *string, def string) (string, error) {
	if s == nil {
		return def, nil
	}
	n := normalize(*s)
	switch {
	case n == "":
		return def, nil
	case utf8.RuneCountInString(n) > maxSlugRunes:
		return "", fmt.Errorf("over %d characters", maxSlugRunes)
	}
	return n, nil
}

// normalize lower-cases s, removes accents and turns every run of other
// characters than letters and digits into one underscore:
// "Direito do Consumidor" → "direito_do_consumidor".
func normalize(s string) string {
	if len(s) > 4*maxSlugRunes { // not worth folding; fails the length check
		return strings.Repeat("x", maxSlugRunes+1)
	}
	var b strings.Builder
	sep := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r): // an accent, decomposed
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		default:
			sep = true
		}
	}
	return norm.NFC.String(b.String())
}

// cleanText trims s, makes it valid UTF-8 and replaces control characters
// (NUL included: Postgres refuses it) with spaces; multiline keeps line
// breaks.
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case multiline && r == '\n':
			return r
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\uFEFF':
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cleanList trims every item, drops empty ones and duplicates, and returns
// a non-nil list; too many or too long items are an error.
func cleanList(items []string) ([]string, error) {
	if len(items) > maxListItems {
		return nil, fmt.Errorf("more than %d items", maxListItems)
	}
	out := []string{}
	for _, it := range items {
		it = strings.Join(strings.Fields(cleanText(it, false)), " ")
		switch {
		case it == "" || slices.Contains(out, it):
			continue
		case utf8.RuneCountInString(it) > maxItemRunes:
			return nil, fmt.Errorf("an item over %d characters", maxItemRunes)
		}
		out = append(out, it)
	}
	return out, nil
}

// compactJSON is used by tests and prompts alike: json without HTML
// escaping.
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only ever called with plain data
	}
	return strings.TrimSpace(b.String())
}
