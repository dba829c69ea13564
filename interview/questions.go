package interview

import (
	"regexp"
	"strings"

	"github.com/triagem/triagem"
)

// factQuestion asks for a fact a lawyer of the area needs first. It is
// asked once, before the general topics, unless the client's words already
// give it (covered). Once answered it also covers the general topics in
// covers, so the interview does not ask for the same thing twice in other
// words.
type factQuestion struct {
	text    string
	covered func(folded string) bool
	covers  topicSet
}

// anyWord reports whether the folded text has one of the words or phrases
// (folded, whole words).
func anyWord(words ...string) func(string) bool {
	var alts []string
	for _, w := range words {
		alts = append(alts, regexp.QuoteMeta(fold(w)))
	}
	re := regexp.MustCompile(`\b(?:` + strings.Join(alts, "|") + `)\b`)
	return re.MatchString
}

var (
	childAge   = regexp.MustCompile(`\b(?:filh[oa]s?|crianc[a]s?|menin[oa]s?|bebe)\b.{0,60}\b\d{1,2}\s+(?:anos?|meses)\b|\b\d{1,2}\s+(?:anos?|meses)\b.{0,40}\b(?:filh[oa]s?|crianc[a]s?)\b`)
	noChildren = anyWord("sem filhos", "não temos filhos", "não tenho filhos", "não tivemos filhos")
)

// factQuestions are the first facts of each area, most important first.
var factQuestions = map[triagem.Area][]factQuestion{
	triagem.AreaTrabalhista: {
		{text: "Em que data você começou a trabalhar nessa empresa e, se já saiu, em que data foi a saída?", covered: anyWord("admitido", "admitida", "admissão", "comecei em", "entrei em", "entrei na"), covers: setOf(topicDates)},
		{text: "Você tinha carteira assinada durante todo o período?", covered: anyWord("carteira assinada", "sem carteira", "sem registro", "registrado", "registrada", "CLT", "CTPS", "carteira de trabalho")},
		{text: "Qual era o seu salário e o que a empresa já pagou até agora (saldo de salário, férias, 13º, FGTS, multa de 40%)?", covered: anyWord("salário de", "ganhava", "recebia"), covers: setOf(topicAmounts)},
	},
	triagem.AreaConsumidor: {
		{text: "Qual é a empresa envolvida e em que data foi a compra ou a contratação do serviço?", covers: setOf(topicParties, topicDates)},
		{text: "Você tem números de protocolo dos atendimentos ou das reclamações que já fez?", covered: anyWord("protocolo", "protocolos"), covers: setOf(topicAttempts)},
	},
	triagem.AreaPrevidenciario: {
		{text: "Qual benefício do INSS você pediu ou recebia: aposentadoria, auxílio por incapacidade, BPC/LOAS, pensão por morte ou salário-maternidade?", covered: anyWord("aposentadoria", "auxílio", "BPC", "LOAS", "pensão por morte", "salário maternidade")},
		{text: "Em que data o INSS negou ou cortou o benefício? Você recebeu a carta com a decisão?", covered: anyWord("indeferimento", "carta do INSS", "carta de indeferimento"), covers: setOf(topicDates)},
	},
	triagem.AreaCriminal: {
		{text: "Alguém está preso ou detido neste momento? Se sim, desde quando e onde?", covered: anyWord("preso", "presa", "detido", "detida", "solto", "solta", "cadeia", "presídio", "delegacia")},
		{text: "Já foi registrado boletim de ocorrência ou existe inquérito ou processo aberto?", covered: anyWord("boletim", "BO", "inquérito", "processo", "denúncia"), covers: setOf(topicDocuments, topicAttempts)},
	},
	triagem.AreaFamilia: {
		{text: "Há filhos envolvidos? Se sim, quantos são e quais as idades?", covered: func(s string) bool { return childAge.MatchString(s) || noChildren(s) }},
		{text: "Vocês eram casados no papel ou viviam juntos em união estável? Desde quando?", covered: anyWord("casados", "casamento", "casei", "união estável", "morávamos juntos", "moramos juntos", "namorava", "nunca fomos casados")},
	},
	triagem.AreaCivil: {
		{text: "Quem é a outra parte (uma pessoa, uma empresa) e existe algo por escrito, como contrato, recibo ou mensagens?", covers: setOf(topicParties, topicDocuments)},
	},
	triagem.AreaTributario: {
		{text: "Qual imposto está em questão e quem está cobrando (Receita Federal, estado ou prefeitura)? De que ano é o débito?", covered: anyWord("Receita Federal", "prefeitura", "Sefaz", "PGFN"), covers: setOf(topicParties)},
	},
	triagem.AreaEmpresarial: {
		{text: "Qual é o tipo da empresa (MEI, Ltda, S.A.) e quem são os sócios ou as empresas envolvidas?", covered: anyWord("Ltda", "limitada", "S.A.", "MEI", "sociedade anônima"), covers: setOf(topicParties)},
	},
	triagem.AreaImobiliario: {
		{text: "Existe contrato de aluguel, de compra e venda ou escritura do imóvel? Em nome de quem está?", covered: anyWord("contrato de aluguel", "contrato de locação", "escritura", "matrícula", "contrato de compra"), covers: setOf(topicDocuments)},
	},
	triagem.AreaAdministrativo: {
		{text: "Qual órgão público está envolvido (Detran, prefeitura, banca do concurso, secretaria) e qual decisão ou notificação você recebeu?", covered: anyWord("Detran", "prefeitura", "banca", "secretaria", "governo"), covers: setOf(topicParties)},
		{text: "A notificação ou o edital indica um prazo para recorrer? Até quando?", covered: anyWord("prazo"), covers: setOf(topicDeadlines)},
	},
	triagem.AreaAmbiental: {
		{text: "Qual órgão ambiental está envolvido (Ibama, órgão estadual, prefeitura) e houve auto de infração, embargo ou pedido de licença?", covered: anyWord("Ibama", "ICMBio", "auto de infração", "embargo", "licença"), covers: setOf(topicParties)},
	},
	triagem.AreaBancario: {
		{text: "Qual é o banco ou a financeira, e de que operação se trata: empréstimo, consignado, cartão, Pix ou financiamento?", covers: setOf(topicParties)},
		{text: "Você já contestou junto ao banco? Tem o número do protocolo ou do boletim de ocorrência, se houve golpe?", covered: anyWord("protocolo", "contestei", "contestação"), covers: setOf(topicAttempts)},
	},
	triagem.AreaSaude: {
		{text: "É plano de saúde ou SUS? O que foi negado ou está faltando: cirurgia, exame, medicamento, terapia ou internação?", covers: setOf(topicParties)},
		{text: "Há pedido ou relatório médico dizendo que é urgente?", covered: anyWord("relatório médico", "laudo", "pedido médico", "urgente", "urgência"), covers: setOf(topicDocuments, topicDeadlines)},
	},
	triagem.AreaDigital: {
		{text: "Em que plataforma ou site isso aconteceu? Você guardou prints, links ou o endereço do perfil envolvido?", covered: anyWord("print", "prints", "link", "captura"), covers: setOf(topicDocuments)},
	},
	triagem.AreaPropriedadeIntelectual: {
		{text: "O que está em jogo (marca, invenção, obra, software ou design) e existe registro no INPI ou outra prova de autoria com data?", covered: anyWord("INPI", "registro", "registrei", "registrada"), covers: setOf(topicDocuments)},
	},
	triagem.AreaStartups: {
		{text: "Em que fase está a startup e quem está envolvido (fundadores, investidores)? Já existe algum documento assinado, como memorando, contrato social ou term sheet?", covers: setOf(topicParties, topicDocuments)},
	},
	triagem.AreaRegulatorio: {
		{text: "Qual agência ou órgão regulador está envolvido e qual autorização, registro ou exigência está em jogo?", covered: anyWord("Anvisa", "Aneel", "Anatel", "Banco Central", "CVM", "ANTT", "ANAC", "ANP"), covers: setOf(topicParties)},
	},
}

// topicQuestionsByArea replace a general question where its examples would
// be out of place: a labour case is never asked about Procon, a boletim de
// ocorrência or an ordem de despejo.
var topicQuestionsByArea = map[triagem.Area]map[topic]string{
	triagem.AreaTrabalhista: {
		topicDocuments: "Você tem documentos do trabalho, como carteira de trabalho, holerites, contrato, termo de rescisão, extrato do FGTS ou mensagens?",
		topicAttempts:  "Você já tentou resolver de alguma forma, por exemplo, conversando com a empresa ou o RH, pelo sindicato ou com uma reclamação trabalhista?",
		topicDeadlines: "Existe algum prazo ou urgência, como audiência marcada na Justiça do Trabalho ou um documento que pediram para você assinar?",
		topicGoal:      "O que você gostaria de conseguir? Por exemplo: receber as verbas rescisórias, o registro na carteira, horas extras ou uma indenização.",
	},
	triagem.AreaFamilia: {
		topicDocuments: "Você tem documentos como certidão de casamento ou de nascimento, acordo ou decisão judicial anterior, comprovantes ou mensagens?",
		topicAttempts:  "Vocês já tentaram um acordo, uma mediação ou já existe algum processo na Vara de Família?",
		topicDeadlines: "Existe algum prazo ou urgência, como audiência marcada ou uma decisão que precisa ser cumprida?",
	},
	triagem.AreaPrevidenciario: {
		topicDocuments: "Você tem documentos como a carta do INSS, o extrato do CNIS, laudos e atestados médicos ou a carteira de trabalho?",
		topicAttempts:  "Você já fez pedido ou recurso pelo Meu INSS, ou já existe um processo na Justiça?",
		topicDeadlines: "Existe algum prazo ou urgência, como prazo de recurso, perícia marcada ou o benefício cortado e sem renda?",
	},
	triagem.AreaCriminal: {
		topicAttempts:  "Já há um advogado ou a Defensoria Pública acompanhando o caso?",
		topicDeadlines: "Existe algum prazo ou urgência, como audiência marcada, intimação ou mandado?",
	},
	triagem.AreaSaude: {
		topicAttempts:  "Você já reclamou com o plano ou a secretaria de saúde, na ANS ou na Defensoria Pública? Tem os protocolos?",
		topicDeadlines: "Existe algum prazo ou urgência, como cirurgia marcada, internação ou tratamento que não pode esperar?",
	},
	triagem.AreaAdministrativo: {
		topicAttempts: "Você já apresentou defesa, recurso ou pedido ao órgão? Em que data?",
	},
	triagem.AreaTributario: {
		topicAttempts: "Você já apresentou defesa, impugnação ou pediu parcelamento? Em que data?",
	},
}

// questionFor is the question about topic t for a case of area a.
func questionFor(t topic, a triagem.Area) string {
	if q, ok := topicQuestionsByArea[a][t]; ok {
		return q
	}
	return questions[t]
}

// allTopicQuestions lists every wording of a topic's question, for
// recognising it in later turns whatever the area was then.
func allTopicQuestions(t topic) []string {
	out := []string{questions[t]}
	for _, byTopic := range topicQuestionsByArea {
		if q, ok := byTopic[t]; ok {
			out = append(out, q)
		}
	}
	return out
}

// allFactQuestions lists every fact question of every area.
func allFactQuestions() []factQuestion {
	var out []factQuestion
	for _, a := range triagem.Areas() {
		out = append(out, factQuestions[a]...)
	}
	return out
}

// caseLabel is the Portuguese label of a case type ("atraso de voo"), ""
// for an unknown one.
func caseLabel(caseType string) string {
	for _, d := range caseTable {
		if d.caseType == caseType {
			return d.label
		}
	}
	return ""
}
