package interview

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"

	"github.com/triagem/triagem"
)

// Defaults of Config.
const (
	MaxQuestionsLowDefault    = 5
	MaxQuestionsMediumDefault = 8
	MaxQuestionsHighDefault   = 10
	CompleteConfidenceDefault = 0.7
)

// Config tunes an Interviewer. The zero value uses the defaults.
type Config struct {
	// MaxQuestionsLow is the most questions asked in a low-complexity case
	// before the interview ends. Defaults to 5.
	MaxQuestionsLow int
	// MaxQuestionsMedium is the same for a medium case. Defaults to 8.
	MaxQuestionsMedium int
	// MaxQuestionsHigh is the same for a high case. Defaults to 10.
	MaxQuestionsHigh int
	// CompleteConfidence is the confidence from which an interview whose
	// topics are all covered ends before its question limit. Defaults to 0.7.
	CompleteConfidence float64
}

// WithDefaults returns c with every zero or negative field set to its
// default.
func (c Config) WithDefaults() Config {
	positive := func(n int) int { return max(n, 0) }
	c.MaxQuestionsLow = cmp.Or(positive(c.MaxQuestionsLow), MaxQuestionsLowDefault)
	c.MaxQuestionsMedium = cmp.Or(positive(c.MaxQuestionsMedium), MaxQuestionsMediumDefault)
	c.MaxQuestionsHigh = cmp.Or(positive(c.MaxQuestionsHigh), MaxQuestionsHighDefault)
	if c.CompleteConfidence <= 0 || math.IsNaN(c.CompleteConfidence) {
		c.CompleteConfidence = CompleteConfidenceDefault
	}
	return c
}

// Interviewer is the built-in Portuguese interviewer. It keeps no state
// between calls and is safe for concurrent use.
type Interviewer struct {
	cfg Config
}

var _ triagem.Interviewer = (*Interviewer)(nil)

// New returns an Interviewer; see Config for the defaults.
//
// The first New of a process decodes the area model fitted ahead of time
// (model.bin; the package documentation says what it costs), so that the
// first client's turn does not wait for it.
func New(cfg Config) *Interviewer {
	defaultModel()
	return &Interviewer{cfg: cfg.WithDefaults()}
}

// Greeting is the first message of every case.
func (iv *Interviewer) Greeting(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return greeting, nil
}

const greeting = "Olá! Seja bem-vindo(a). Sou o assistente de triagem jurídica e vou ajudar a entender o seu caso, " +
	"com uma pergunta de cada vez. Para começar, descreva com as suas palavras o problema que você está enfrentando."

// Next reads the whole conversation and returns the next question, or a
// closing message when the interview is complete, with the assessment.
// Every turn re-reads the whole conversation: the area estimate, the
// complexity and the topics covered are never carried over.
func (iv *Interviewer) Next(ctx context.Context, messages []triagem.Message) (triagem.Turn, error) {
	if err := ctx.Err(); err != nil {
		return triagem.Turn{}, err
	}
	conv := readConversation(messages)
	r := read(conv.client)
	est := defaultModel().estimateArea(conv.client)
	facts := readFacts(conv.client) // once: complexity and safety both read it
	complexity, _ := facts.complexity(est.Area, est.Subarea)
	covered := r.evidence() | conv.answered
	required := requiredTopics(complexity)
	clarity := est.Evidence * est.Margin // 0 when the client said nothing yet
	a := triagem.Assessment{
		Complexity:   complexity,
		Area:         est.Area,
		Subarea:      est.Subarea,
		Confidence:   confidence(covered, required, clarity),
		Missing:      missing(covered, required),
		SafetyNotice: facts.safetyNotice(),
	}
	a.Strategy = strategyFor(a.Complexity, a.Confidence)
	pending := pendingFacts(conv, r, est, covered)
	next, done := iv.nextQuestion(conv, a, pending)
	if done {
		a.Complete = true
		return triagem.Turn{Reply: closing(est), Assessment: a}, nil
	}
	return triagem.Turn{Reply: acknowledge(conv, r, est) + next, Assessment: a}, nil
}

// strategyFor is triagem.StrategyFor, except that a simple case the engine
// is unsure of gets a second opinion (failover) rather than the rules alone.
func strategyFor(c triagem.Complexity, confidence float64) triagem.Strategy {
	s := triagem.StrategyFor(c)
	if s == triagem.StrategySimple && confidence < unsureConfidence {
		return triagem.StrategyFailover
	}
	return s
}

// unsureConfidence is the confidence below which a simple case is not left
// to the rules alone.
const unsureConfidence = 0.5

// clearAreaScore is the estimate's top score from which the area's own
// fact questions are asked: below it, "você tinha carteira assinada?"
// might be asked of someone whose case is not about work.
const clearAreaScore = 0.5

// pendingFacts are the area's fact questions neither asked yet nor already
// answered by the client's words.
// A question whose general topics the client already covered is not asked
// either ("qual é a empresa e quando?" after "o voo da Azul, ontem").
func pendingFacts(conv conversation, r *reading, est areaEstimate, covered topicSet) []string {
	if len(est.Ranked) == 0 || est.Ranked[0].Score < clearAreaScore || est.Evidence == 0 {
		return nil
	}
	folded := r.text.folded
	var out []string
	for _, q := range factQuestions[est.Area] {
		switch {
		case conv.factsAsked[q.text],
			q.covered != nil && q.covered(folded),
			q.covers != 0 && covered&q.covers == q.covers:
			continue
		}
		out = append(out, q.text)
	}
	return out
}

// nextQuestion asks, in order: what happened (when unknown), the area's
// facts, then the first required topic still missing and never asked; it
// reports done when the question limit is reached, when everything is
// covered with enough confidence, or when nothing is left to ask.
func (iv *Interviewer) nextQuestion(conv conversation, a triagem.Assessment, facts []string) (question string, done bool) {
	if len(conv.client) > 0 && conv.questions >= iv.limit(a.Complexity) {
		return "", true
	}
	factsMissing := slices.Contains(a.Missing, topicFacts.String()) && !conv.asked.has(topicFacts)
	if !factsMissing && len(facts) > 0 {
		return facts[0], false
	}
	for _, name := range a.Missing {
		t := topicNamed(name)
		if !conv.asked.has(t) {
			return questionFor(t, a.Area), false
		}
	}
	if len(a.Missing) == 0 && a.Confidence >= iv.cfg.CompleteConfidence {
		return "", true
	}
	if !conv.clarifyAsked {
		return clarifyQuestion, false
	}
	return "", true
}

func (iv *Interviewer) limit(c triagem.Complexity) int {
	switch c {
	case triagem.ComplexityLow:
		return iv.cfg.MaxQuestionsLow
	case triagem.ComplexityHigh:
		return iv.cfg.MaxQuestionsHigh
	default:
		return iv.cfg.MaxQuestionsMedium
	}
}

// requiredTopics are the topics an interview of this complexity covers:
// the core seven always, what the client wants (objetivo) from medium up,
// and where it happened (local) for high cases.
func requiredTopics(c triagem.Complexity) []topic {
	switch c {
	case triagem.ComplexityLow:
		return coreTopics
	case triagem.ComplexityHigh:
		return append(append([]topic{}, coreTopics...), topicGoal, topicPlace)
	default:
		return append(append([]topic{}, coreTopics...), topicGoal)
	}
}

func missing(covered topicSet, required []topic) []string {
	out := []string{}
	for _, t := range required {
		if !covered.has(t) {
			out = append(out, t.String())
		}
	}
	return out
}

func topicNamed(name string) topic {
	for t, n := range topicNames {
		if n == name {
			return topic(t)
		}
	}
	return topicCount
}

// confidence is 0.1 + 0.5·coverage + 0.4·clarity, within [0, 1]: coverage
// is the share of required topics covered, clarity how clearly the text
// points to one area (see clarity). With every topic covered, one clear
// area signal (clarity ≥ 0.5) reaches 0.8; an unknown area stays at 0.6.
func confidence(covered topicSet, required []topic, clarity float64) float64 {
	n := 0
	for _, t := range required {
		if covered.has(t) {
			n++
		}
	}
	coverage := float64(n) / float64(len(required))
	c := 0.1 + 0.5*coverage + 0.4*clarity
	return math.Round(math.Max(0, math.Min(1, c))*100) / 100
}

// conversation is what the messages say about the interview itself.
type conversation struct {
	client []string // the client's messages, in order
	// questions counts the interviewer's messages after the client's
	// first one (the greeting is not a question).
	questions int
	asked     topicSet // topics asked, answered or not
	answered  topicSet // topics asked and followed by a client message
	// factsAsked holds the text of every fact question asked.
	factsAsked map[string]bool
	// clarifyAsked is true once the area clarification was asked.
	clarifyAsked bool
}

func readConversation(messages []triagem.Message) conversation {
	conv := conversation{factsAsked: map[string]bool{}}
	var pending topicSet
	for _, m := range messages {
		switch m.Role {
		case triagem.AuthorClient:
			conv.client = append(conv.client, m.Text)
			conv.answered |= pending
			pending = 0
		case triagem.AuthorInterviewer:
			if len(conv.client) == 0 {
				continue // the greeting
			}
			conv.questions++
			pending = topicsAsked(m.Text)
			conv.asked |= pending
			for _, q := range allFactQuestions() {
				if strings.Contains(m.Text, q.text) {
					conv.factsAsked[q.text] = true
					pending |= q.covers
				}
			}
			conv.clarifyAsked = conv.clarifyAsked || strings.Contains(m.Text, clarifyQuestion)
		}
	}
	return conv
}

// topicsAsked recognises the topics an interviewer message asked about: by
// our own question texts, or else by cue words (a message written by another
// interviewer).
func topicsAsked(text string) topicSet {
	var s topicSet
	for t := range topicCount {
		for _, q := range allTopicQuestions(t) {
			if strings.Contains(text, q) {
				s |= setOf(t)
			}
		}
	}
	if s != 0 || strings.Contains(text, clarifyQuestion) {
		return s
	}
	for _, h := range lex.cues.find(newFoldedText(cleanText(text)).tokens) {
		s |= setOf(lex.cueTopics[h.id]...)
	}
	return s
}

// acknowledge opens a reply with a short, varied acknowledgement of what
// the client just said.
func acknowledge(conv conversation, r *reading, est areaEstimate) string {
	last := len(conv.client) - 1
	switch {
	case last < 0:
		return ""
	case conv.questions == 0 && est.Evidence > 0 && len(est.Ranked) > 0 && est.Ranked[0].Score >= clearAreaScore:
		if label := caseLabel(est.CaseType); label != "" {
			return "Entendi. Pelo que você contou, parece um caso de " + label + ", na área de " + areaPhrase(est.Area) + ". "
		}
		return "Entendi. Pelo que você contou, parece um caso da área de " + areaPhrase(est.Area) + ". "
	case conv.questions == 0:
		return "Obrigado por compartilhar. "
	case !r.informative[last]:
		return "Sem problemas. "
	case r.lastMessageNegative():
		return "Sinto muito que você esteja passando por isso. "
	}
	acks := []string{"Entendi. ", "Certo, obrigado. ", "Obrigado pela informação. ", "Anotado. "}
	return acks[conv.questions%len(acks)]
}

// areaPhrase names an area in a sentence ("direito do trabalho").
func areaPhrase(a triagem.Area) string {
	if p, ok := areaLabels[string(a)]; ok {
		return p
	}
	return a.Name()
}

// closing ends the interview.
func closing(est areaEstimate) string {
	subject := "do seu caso"
	if label := caseLabel(est.CaseType); label != "" {
		subject = "do seu caso (" + label + ")"
	}
	return "Obrigado pelas informações, já tenho o que preciso. Vou iniciar agora a análise " + subject +
		" e em instantes você receberá o resultado, com a área, a urgência e os próximos passos."
}

// lastMessageNegative reports whether the client's last message carries a
// negative or urgent tone.
func (r *reading) lastMessageNegative() bool {
	last := len(r.messages) - 1
	for _, h := range r.hits {
		if r.text.tokens[h.from].part != last {
			continue
		}
		if s := lex.vocab.entries[h.id].sentiment; s == sentimentNegative || s == sentimentUrgent {
			return true
		}
	}
	return false
}
