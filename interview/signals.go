package interview

import (
	"strings"
)

// signal is one fact about the situation that the result acts on (someone
// detained, a hearing tomorrow, a health plan's refusal …), as opposed to
// the words that decide the area, which the estimate reads.
type signal uint8

const (
	sigDetained        signal = iota // someone is detained now
	sigReleased                      // already released, or prison long past
	sigPrisonThreat                  // prison threatened, not happened ("pode ser preso")
	sigViolence                      // physical violence
	sigDomestic                      // a partner or the home is involved
	sigThreat                        // threats
	sigChildRisk                     // a child abused or in danger
	sigSuicidal                      // talk of ending one's life
	sigProtectiveOrder               // a protective order asked for or broken
	sigLiminar                       // an injunction is needed or was granted
	sigEvictionOrder                 // an eviction ordered, with a date or an officer
	sigEviction                      // an eviction talked about
	sigCareRefused                   // treatment, surgery or medicine refused
	sigCareCritical                  // intensive care, risk of death
	sigLimitEnding                   // a legal time limit about to run out
	sigSummons                       // served with a suit or a summons
	sigHearing                       // a hearing
	sigAssetSeized                   // accounts frozen, assets seized or auctioned
	sigUtilityCut                    // electricity or water cut
	sigUrgentWord                    // the client says it is urgent
	sigNoIncome                      // without pay, without money for food
	sigEvent                         // something that has a date (hearing, deadline, surgery …)
	sigToday
	sigTomorrow
	sigDayAfterTomorrow
	sigThisWeek
	sigNextWeek
	// complexity
	sigManyParties
	sigCorporate
	sigIntellectualProperty
	sigInsolvency
	sigInternational
	sigConflictingDecisions
	sigPublicBody
	// tone
	sigDistress
	sigIndignant
	sigFrustrated
	sigWorried
	sigHarm // a loss suffered: not paid, refused, lost money
	sigCount
)

// signalTerms are the phrases of each signal, written as a client would;
// they are folded and matched on whole words (see vocabulary).
var signalTerms = []struct {
	sig     signal
	phrases []string
}{
	{sigDetained, []string{"preso", "presa", "foi preso", "foi presa", "está preso", "está presa", "prenderam", "detido", "detida", "prisão em flagrante",
		"preso em flagrante", "presa em flagrante", "audiência de custódia", "mandado de prisão", "na cadeia", "no presídio", "delegacia levou",
		"levaram ele preso", "levaram meu filho", "prisão preventiva", "prisão temporária", "foi apreendido pela", "foi apreendida pela",
		"apreendido pela polícia", "apreendido pela PM", "está na delegacia", "tá na delegacia", "ta na delegacia", "está na DP", "ta na DP",
		"tá na DP", "levaram preso", "levou preso", "foi detido", "foi detida", "acabou de ser preso", "acabou de ser presa"}},
	{sigPrisonThreat, []string{"ser preso", "ser presa", "ser presos", "pode ser preso", "pode ser presa", "vai ser preso", "vai ser presa", "vou ser preso", "vou ser presa", "risco de ser preso",
		"risco de ser presa", "medo de ser preso", "medo de ser presa", "ameaça de prisão", "risco de prisão", "pedido de prisão", "prisão civil",
		"podem me prender", "vão me prender", "vai me prender", "mandar prender"}},
	{sigReleased, []string{"foi solto", "foi solta", "já saiu da cadeia", "saiu da prisão", "cumpriu pena", "cumpri pena", "já cumpriu", "antecedentes",
		"ficha criminal", "limpar a ficha", "liberdade provisória", "responde em liberdade", "respondo em liberdade"}},
	{sigViolence, []string{"me bateu", "me bate", "me batia", "bateu em mim", "me agrediu", "me agride", "me agredia", "agressão", "agredida", "agredido",
		"me espancou", "espancada", "me empurrou", "me enforcou", "violência doméstica", "me machucou", "apanhei", "apanho", "soco", "socos", "tapa",
		"chutes", "me chutou", "me violentou", "estupro", "estuprada"}},
	{sigDomestic, []string{"marido", "meu marido", "companheiro", "meu companheiro", "namorado", "meu namorado", "ex-marido", "ex-companheiro",
		"ex-namorado", "meu ex", "dentro de casa", "em casa", "esposo", "pai dos meus filhos", "Maria da Penha"}},
	{sigThreat, []string{"me ameaçou", "me ameaça", "está me ameaçando", "ameaçando", "me ameaçar", "ameaçar", "ameaça de morte", "ameaçou me matar", "vai me matar",
		"disse que vai me matar", "jurou de morte", "ameaçou matar", "com uma faca", "com faca", "arma de fogo", "com uma arma", "mostrou a arma"}},
	{sigChildRisk, []string{"abuso sexual", "abusou da minha filha", "abusou do meu filho", "abusando", "abusa da", "abusa do", "bate no meu filho",
		"bate na minha filha", "bate nas crianças", "bate nos meus filhos", "maltrata as crianças", "maltrata meu filho", "maltrata minha filha",
		"criança em risco", "crianças em risco", "criança abandonada", "deixa as crianças sozinhas", "espancou meu filho", "espancou minha filha",
		"agrediu meu filho", "agrediu minha filha", "machucou meu filho", "machucou minha filha", "exploração infantil", "trabalho infantil"}},
	{sigSuicidal, []string{"me matar", "tirar minha vida", "tirar a minha vida", "tirar a própria vida", "não quero mais viver", "acabar com a minha vida",
		"acabar com minha vida", "suicídio", "me suicidar", "pensando em morrer", "quero morrer", "vontade de morrer", "não aguento mais viver"}},
	{sigProtectiveOrder, []string{"medida protetiva", "medidas protetivas", "descumpriu a medida", "Maria da Penha"}},
	{sigLiminar, []string{"liminar", "liminares", "medida liminar", "tutela de urgência", "tutela antecipada", "pedido urgente ao juiz"}},
	{sigEvictionOrder, []string{"ordem de despejo", "mandado de despejo", "prazo para desocupar", "prazo pra desocupar",
		"dias para desocupar", "dias pra desocupar", "dias para sair", "dias pra sair", "reintegração de posse", "mandado de reintegração",
		"ordem de desocupação", "despejo marcado", "vão me despejar amanhã"}},
	{sigEviction, []string{"despejo", "despejar", "despejado", "despejada", "me despejar", "desocupar o imóvel", "sair do imóvel", "me tirar de casa",
		"me botar pra fora", "me colocar na rua"}},
	{sigCareRefused, []string{"negou a cirurgia", "negaram a cirurgia", "negou cirurgia", "negaram cirurgia", "cirurgia negada", "negou o tratamento",
		"negaram o tratamento", "tratamento negado", "negou o remédio", "negaram o remédio", "negou o medicamento", "negaram o medicamento",
		"medicamento negado", "remédio negado", "negou a internação", "negaram a internação", "internação negada", "negativa de cobertura",
		"negou cobertura", "negaram cobertura", "negou a cobertura", "negaram a cobertura", "não quer cobrir", "não autorizou a cirurgia",
		"não autorizaram a cirurgia", "não autoriza a cirurgia", "não liberou a cirurgia", "não liberaram", "falta de medicamento",
		"sem o remédio", "sem o medicamento", "negou o exame", "negaram o exame", "não autorizou o exame", "não autorizaram o exame",
		"quimioterapia", "radioterapia", "home care", "remédio de alto custo", "medicamento de alto custo"}},
	{sigCareCritical, []string{"UTI", "risco de morte", "risco de vida", "corre risco", "estado grave", "entubado", "entubada", "intubado", "intubada",
		"cirurgia urgente", "cirurgia de urgência", "emergência médica", "câncer", "cancer", "tumor", "infarto", "AVC"}},
	{sigLimitEnding, []string{"prazo vence", "prazo vai vencer", "prazo está acabando", "prazo acabando", "prazo acaba", "prazo termina", "último dia do prazo",
		"último dia", "vai prescrever", "vai caducar", "está prescrevendo", "prazo final", "perder o prazo", "fim do prazo", "vencendo", "vai vencer",
		"vence essa semana", "vence esta semana", "vence nesta semana", "vence amanhã", "vence hoje"}},
	{sigSummons, []string{"citação", "fui citado", "fui citada", "recebi uma citação", "intimação", "fui intimado", "fui intimada", "recebi uma intimação",
		"mandado de citação", "contestação", "oficial de justiça", "me processou", "me processaram", "estou sendo processado", "estou sendo processada"}},
	{sigHearing, []string{"audiência", "audiencia", "audiência marcada", "julgamento", "júri", "pericia marcada", "perícia marcada", "audiência de conciliação"}},
	{sigAssetSeized, []string{"penhora", "penhoraram", "penhorado", "bloqueio judicial", "conta bloqueada", "bloquearam minha conta", "bloquearam a conta",
		"bloqueio da conta", "Sisbajud", "leilão", "leiloar", "vai a leilão", "busca e apreensão", "tomaram o carro", "vão tomar o carro",
		"vão tomar a casa", "vão tomar meu carro", "vão tomar minha casa"}},
	{sigUtilityCut, []string{"cortaram a luz", "cortaram a água", "cortaram a energia", "corte de luz", "corte de energia", "corte de água", "sem luz", "sem água",
		"vão cortar a luz", "vão cortar a água", "ameaça de corte", "aviso de corte"}},
	{sigUrgentWord, []string{"urgente", "urgentemente", "urgência", "com urgência", "emergência", "socorro", "o quanto antes", "imediatamente"}},
	{sigNoIncome, []string{"sem salário", "sem receber", "passando fome", "passando necessidade", "não tenho o que comer", "sem ter o que comer",
		"não recebi nada", "nada da rescisão", "não pagaram nada", "não me pagaram", "não pagou nada", "sem pagar", "não pagaram a rescisão",
		"não pagaram as verbas", "não recebi as verbas", "não recebi a rescisão", "não depositaram", "salário atrasado", "salários atrasados"}},
	{sigEvent, []string{"audiência", "julgamento", "prazo", "vence", "vencimento", "despejo", "desocupar", "sair do imóvel", "leilão", "cirurgia", "perícia",
		"oficial de justiça", "júri", "prova", "inscrição", "recurso", "defesa", "pagar", "pagamento", "posse", "mudança", "internação", "consulta",
		"exame", "entrevista", "depoimento", "tenho que", "marcada", "marcado", "marcaram", "assembleia", "viagem", "viajar", "passagem", "embarque",
		"voo", "prisão"}},
	{sigToday, []string{"hoje", "hoje mesmo", "hoje à tarde", "hoje à noite"}},
	{sigTomorrow, []string{"amanhã", "amanha cedo", "amanhã de manhã", "amanhã cedo"}},
	{sigDayAfterTomorrow, []string{"depois de amanhã"}},
	{sigThisWeek, []string{"esta semana", "essa semana", "nesta semana", "nessa semana", "até sexta", "até sexta-feira", "fim de semana", "final de semana"}},
	{sigNextWeek, []string{"semana que vem", "próxima semana", "na outra semana", "segunda que vem", "segunda-feira que vem"}},
	{sigManyParties, []string{"várias partes", "diversas partes", "muitas partes", "vários réus", "vários credores", "várias empresas", "diversas empresas",
		"vários envolvidos", "vários herdeiros", "muitos herdeiros", "todos os herdeiros", "vários sócios", "vários irmãos", "os irmãos", "meus irmãos",
		"litisconsórcio", "vários vizinhos", "todos os moradores", "vários funcionários", "vários colegas", "ação coletiva", "vários bancos"}},
	{sigCorporate, []string{"sócio", "sócios", "sócia", "sociedade", "contrato social", "quotas", "cotas", "acionistas", "acionista", "holding", "CNPJ",
		"minha empresa", "nossa empresa", "somos uma empresa", "nossa fábrica", "nossa indústria", "importadora", "distribuidora", "acordo de sócios", "acordo de acionistas", "investidor", "investidores", "rodada", "valuation", "vesting",
		"stock options", "franquia", "franqueado", "franqueadora", "ltda", "S/A", "S.A."}},
	{sigIntellectualProperty, []string{"INPI", "patente", "patentes", "marca registrada", "registro de marca", "registro da marca", "minha marca",
		"nossa marca", "direito autoral", "direitos autorais", "plágio", "pirataria", "software", "código-fonte", "desenho industrial", "copiaram"}},
	{sigInsolvency, []string{"recuperação judicial", "recuperação extrajudicial", "falência", "faliu", "massa falida", "insolvência", "insolvente",
		"superendividamento", "superendividado", "superendividada", "plano de recuperação", "credores"}},
	{sigInternational, []string{"exterior", "estrangeiro", "estrangeira", "internacional", "importação", "exportação", "importada", "importado", "câmbio",
		"outro país", "fora do Brasil", "Portugal", "Estados Unidos", "EUA", "Argentina", "Europa", "China", "offshore", "dólares", "euros"}},
	{sigConflictingDecisions, []string{"decisões contraditórias", "decisões diferentes", "sentenças diferentes", "duas decisões", "juiz mandou e depois",
		"decisão contrária", "apelação", "perdi em primeira instância", "ganhei em primeira instância", "segunda instância", "acórdão",
		"tribunal reformou", "STJ", "STF", "outro processo", "dois processos", "vários processos"}},
	{sigPublicBody, []string{"INSS", "prefeitura", "município", "governo", "Receita Federal", "Detran", "órgão público", "poder público",
		"secretaria", "SUS", "Ibama", "Anvisa", "Aneel", "Anatel", "ANS", "Banco Central", "CVM", "universidade federal", "servidor público",
		"concurso público", "Fazenda", "Sefaz", "procuradoria", "autarquia", "DNIT", "PRF", "fiscalização", "licitação"}},
	{sigDistress, []string{"desesperado", "desesperada", "desespero", "desesperador", "angustiado", "angustiada", "angústia", "não sei o que fazer",
		"não sei mais o que fazer", "socorro", "pelo amor de Deus", "chorando", "choro", "não durmo", "não consigo dormir", "apavorado", "apavorada",
		"em pânico", "pânico", "aterrorizada", "aterrorizado", "com muito medo", "tenho medo", "estou com medo", "morrendo de medo", "medo dele",
		"medo de morrer", "não aguento mais", "passando fome", "sem ter o que comer", "me ajudem", "me ajuda por favor", "por favor me ajudem",
		"depressão", "deprimido", "deprimida"}},
	{sigIndignant, []string{"absurdo", "absurda", "um absurdo", "revoltado", "revoltada", "revoltante", "indignado", "indignada", "indignação",
		"falta de respeito", "desrespeito", "descaso", "palhaçada", "vergonha", "sacanagem", "injusto", "injusta", "injustiça", "humilhado",
		"humilhada", "humilhação", "roubo descarado", "cara de pau", "ridículo", "inadmissível", "inaceitável", "safadeza", "me enganaram"}},
	{sigFrustrated, []string{"já tentei", "tentei de tudo", "ninguém resolve", "ninguém me ajuda", "ninguém responde", "não resolvem", "não resolveram",
		"várias vezes", "diversas vezes", "de novo", "mais uma vez", "sem resposta", "sem solução", "me enrolando", "enrolando", "enrolação",
		"cansado", "cansada", "cansei", "perdi a paciência", "já liguei", "liguei várias", "protocolos", "só me enrolam", "empurrando", "nada resolvido",
		"até hoje nada", "até agora nada", "até hoje não", "até agora não"}},
	{sigWorried, []string{"preocupado", "preocupada", "preocupação", "receio", "com receio", "medo de perder", "tenho medo de", "medo", "nervoso", "nervosa",
		"ansioso", "ansiosa", "inseguro", "insegura", "e agora", "o que eu faço", "o que faço", "será que", "não sei se", "aflito", "aflita", "apreensivo"}},
	{sigHarm, []string{"desempregado", "desempregada", "sem renda", "sem dinheiro", "não tenho dinheiro", "não tenho como pagar", "contas atrasadas",
		"não pagaram", "não pagou", "não me pagaram", "não recebi", "sem receber", "negaram", "negou", "indeferiram", "indeferido",
		"indeferida", "cortaram", "cortou", "perdi", "prejuízo", "prejudicado", "prejudicada", "golpe", "roubaram", "furtaram", "demitido", "demitida",
		"mandaram embora", "me mandaram embora", "dispensado", "dispensada", "despedido", "despedida", "negativaram", "sujaram meu nome", "nome sujo",
		"cobrando", "cobraram", "descontaram", "desconto indevido", "clonaram", "invadiram", "hackearam", "vazaram", "expuseram", "bloquearam",
		"multaram", "multado", "multada", "suspenderam", "cassaram", "atrasou", "atrasado", "atrasada", "quebrou", "defeito", "não entregaram",
		"não chegou", "não devolveram", "não devolve", "não paga", "parou de pagar", "me deve", "devendo", "erro médico", "errou"}},
}

// signalLexicon is signalTerms compiled: one vocabulary, and for each entry
// the signals it carries. Built once at package init, only read afterwards.
type signalLexicon struct {
	vocab   *vocabulary
	signals [][]signal // by entry id
}

var signalLex = newSignalLexicon()

func newSignalLexicon() *signalLexicon {
	l := &signalLexicon{vocab: newVocabulary()}
	for _, t := range signalTerms {
		for _, id := range l.vocab.addAll(t.phrases...) {
			for len(l.signals) <= id {
				l.signals = append(l.signals, nil)
			}
			l.signals[id] = append(l.signals[id], t.sig)
		}
	}
	return l
}

// signalHit is a signal found at tokens [from, to) of the client's text.
type signalHit struct {
	sig      signal
	from, to int
}

// negators deny what follows them in the same clause: "não fui preso",
// "nunca me bateu", "sem prazo".
var negators = map[string]bool{"nao": true, "nunca": true, "jamais": true, "nem": true, "ninguem": true, "nenhum": true, "nenhuma": true, "sem": true}

// signalNegationWindow is how many words before a phrase a negator reaches.
const signalNegationWindow = 3

// notNegating follow a negator without denying the phrase after them: "não
// para de me ameaçar", "não sei se vão me despejar".
var notNegating = map[string]bool{"para": true, "parou": true, "deixa": true, "deixou": true, "sei": true, "so": true, "somente": true, "apenas": true,
	"aguento": true, "consigo": true}

// negated reports whether the phrase at tokens [from, to) is denied by a
// negator just before it, in the same message and clause. A phrase that
// itself starts with a negator ("não recebi", "sem salário") is never
// denied by one more.
func negated(t *foldedText, from int) bool {
	if negators[t.tokens[from].word] {
		return false
	}
	part := t.tokens[from].part
	for i := from - 1; i >= 0 && i >= from-signalNegationWindow; i-- {
		tok := t.tokens[i]
		if tok.part != part || clauseBreak(t, i, i+1) {
			return false
		}
		if negators[tok.word] {
			if i+1 < from && notNegating[t.tokens[i+1].word] {
				return false
			}
			return true
		}
	}
	return false
}

// clauseBreak reports whether punctuation that ends a clause separates
// tokens i and j.
func clauseBreak(t *foldedText, i, j int) bool {
	between := t.folded[t.tokens[i].end:t.tokens[j].start]
	return strings.ContainsAny(between, ".,;:!?\n")
}

// readSignals finds the signals of a folded text, negated ones left out.
// Where phrases overlap, each still counts: "foi preso" and "preso" both
// say sigDetained, which is harmless.
func readSignals(t *foldedText) (hits []signalHit, has [sigCount]bool) {
	for _, h := range signalLex.vocab.find(t.tokens) {
		if negated(t, h.from) {
			continue
		}
		for _, s := range signalLex.signals[h.id] {
			hits = append(hits, signalHit{sig: s, from: h.from, to: h.to})
			has[s] = true
		}
	}
	return hits, has
}
