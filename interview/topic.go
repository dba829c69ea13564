package interview

// topic is one thing the interviewer wants to know about a case.
type topic uint8

// Topics, in the order the interviewer asks about them (most important
// first). objetivo and local are asked only in medium and high cases.
const (
	topicFacts     topic = iota // fatos: what happened
	topicDates                  // datas: when
	topicParties                // partes: who is involved
	topicDocuments              // documentos: evidence
	topicAmounts                // valores: money involved
	topicAttempts               // tentativas: what was already tried
	topicDeadlines              // prazos: deadlines and urgency
	topicGoal                   // objetivo: what the client wants
	topicPlace                  // local: city and state (jurisdiction)
	topicCount
)

var topicNames = [topicCount]string{"fatos", "datas", "partes", "documentos", "valores", "tentativas", "prazos", "objetivo", "local"}

func (t topic) String() string { return topicNames[t] }

// topicSet is a set of topics.
type topicSet uint16

func setOf(ts ...topic) topicSet {
	var s topicSet
	for _, t := range ts {
		s |= 1 << t
	}
	return s
}

func (s topicSet) has(t topic) bool { return s&(1<<t) != 0 }

// coreTopics are asked in every case; a low-complexity case needs no more.
var coreTopics = []topic{topicFacts, topicDates, topicParties, topicDocuments, topicAmounts, topicAttempts, topicDeadlines}

// questions are the interviewer's questions, one per topic. Each text is
// also how a later turn recognises that the topic was asked, so a question
// must never be a substring of another.
var questions = [topicCount]string{
	topicFacts:     "Pode me contar com mais detalhes o que aconteceu?",
	topicDates:     "Quando isso aconteceu? Se não souber a data exata, uma data aproximada já ajuda.",
	topicParties:   "Quem são as pessoas ou empresas envolvidas? Por exemplo: uma empresa, seu empregador, um banco, um vizinho ou um familiar.",
	topicDocuments: "Você tem documentos ou provas do que aconteceu, como contrato, nota fiscal, comprovantes, e-mails, prints de conversas ou boletim de ocorrência?",
	topicAmounts:   "Há valores em dinheiro envolvidos? Se houver, diga quanto, mesmo que aproximadamente.",
	topicAttempts:  "Você já tentou resolver de alguma forma, por exemplo, reclamação com a empresa, no Procon, uma notificação ou um processo?",
	topicDeadlines: "Existe algum prazo ou urgência, como audiência marcada, ordem de despejo, corte de serviço ou outro prazo próximo?",
	topicGoal:      "O que você gostaria de conseguir? Por exemplo: ressarcimento, indenização, cancelamento de uma cobrança ou o cumprimento de um acordo.",
	topicPlace:     "Em que cidade e estado isso aconteceu?",
}

// clarifyQuestion is asked once, when every topic is covered but the area of
// law is still unclear.
const clarifyQuestion = "Para eu direcionar bem o seu caso, resuma em uma frase o principal problema que você quer resolver."

// questionCues recognise a question about a topic written by another
// interviewer (an LLM in a failover chain): whole words of the folded text.
var questionCues = [topicCount][]string{
	topicFacts:     {"o que aconteceu", "mais detalhes", "descreva", "conte mais"},
	topicDates:     {"quando", "data", "datas"},
	topicParties:   {"quem", "envolvidos", "envolvidas"},
	topicDocuments: {"documento", "documentos", "provas", "comprovantes"},
	topicAmounts:   {"valor", "valores", "quanto"},
	topicAttempts:  {"tentou", "procon", "reclamacao"},
	topicDeadlines: {"prazo", "prazos", "urgencia", "audiencia"},
	topicGoal:      {"gostaria de conseguir", "objetivo", "o que espera"},
	topicPlace:     {"cidade", "estado", "onde"},
}
