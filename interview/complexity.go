package interview

import "github.com/triagem/triagem"

// complexityFactor is one thing that makes a case harder, with the weight it
// adds to the case's score (see complexity).
type complexityFactor struct {
	label  string // Portuguese, as reported in complexity_factors
	weight int
}

// The complexity factors.
var (
	factorManyParties   = complexityFactor{"várias partes envolvidas", 1}
	factorCorporate     = complexityFactor{"questão societária ou empresarial", 1}
	factorIP            = complexityFactor{"propriedade intelectual", 2}
	factorInsolvency    = complexityFactor{"insolvência (recuperação judicial, falência ou superendividamento)", 3}
	factorInternational = complexityFactor{"elemento internacional", 2}
	factorHighAmount    = complexityFactor{"valor elevado", 2}
	factorPrison        = complexityFactor{"pessoa presa", 3}
	factorConflicting   = complexityFactor{"decisões ou processos anteriores envolvidos", 1}
	factorPublicBody    = complexityFactor{"órgão público como parte contrária", 1}
	factorLiminar       = complexityFactor{"pedido de liminar", 1}
	factorUrgent        = complexityFactor{"prazo urgente (até 24 horas)", 1}
	factorDanger        = complexityFactor{"violência ou ameaça em curso", 3}
)

// Scores: a case scoring at most lowMaxScore is low, from highMinScore high.
const (
	lowMaxScore  = 0
	highMinScore = 3
	// urgentFactorH is the urgency from which a deadline or risk named by
	// the client is itself a factor.
	urgentFactorH = 24
	// manyPartiesMin is how many distinct parties named make "várias partes".
	manyPartiesMin = 4
)

// defaultBase is the score of a subarea not in subareaBase.
var defaultBase = 1

// areaBase overrides defaultBase for a whole area: regulated sectors need a
// specialist whatever the question.
var areaBase = map[triagem.Area]int{triagem.AreaRegulatorio: 2}

// subareaBase is the score a subarea starts from: 0 for the standard,
// repetitive cases (a delayed flight, a parking fine), 3 for those that are
// complex by nature (insolvency, patents, partners in dispute); any other
// subarea starts from 1, a medium case.
var subareaBase = map[triagem.Subarea]int{
	"transporte_aereo": 0, "cobranca_indevida": 0, "negativacao": 0, "telecomunicacoes": 0, "compra_online": 0, "produto_defeituoso": 0,
	"multa_transito": 0, "cartao_credito": 0,
	"recuperacao_judicial": 3, "falencia": 3, "societario": 3, "patente": 3, "marca": 2, "licitacao": 2, "investimento": 2, "acordo_socios": 2,
	"vesting": 2, "desenho_industrial": 2, "superendividamento": 2, "licenciamento": 2, "financeiro_regulatorio": 2,
}

// publicSideAreas have a public body on the other side by nature: it is a
// factor to list, not one to raise the score (a parking fine stays low).
var publicSideAreas = map[triagem.Area]bool{
	triagem.AreaAdministrativo: true, triagem.AreaPrevidenciario: true, triagem.AreaTributario: true, triagem.AreaAmbiental: true,
	triagem.AreaRegulatorio: true,
}

// areaFactor names what makes an area's ordinary case more than standard,
// listed when a medium or high case has no other factor.
var areaFactor = map[triagem.Area]string{
	triagem.AreaTrabalhista:            "cálculo de verbas trabalhistas e prova da relação de emprego",
	triagem.AreaConsumidor:             "prova do dano e da relação de consumo",
	triagem.AreaFamilia:                "acordo ou decisão sobre filhos, pensão ou bens",
	triagem.AreaCivil:                  "prova do dano e do valor a indenizar",
	triagem.AreaCriminal:               "defesa criminal",
	triagem.AreaPrevidenciario:         "prova de contribuições ou de incapacidade perante o INSS",
	triagem.AreaTributario:             "discussão com o Fisco",
	triagem.AreaEmpresarial:            "questão empresarial",
	triagem.AreaImobiliario:            "documentação e situação do imóvel",
	triagem.AreaAdministrativo:         "órgão público como parte contrária",
	triagem.AreaAmbiental:              "órgão ambiental como parte contrária",
	triagem.AreaBancario:               "análise de contrato e encargos bancários",
	triagem.AreaSaude:                  "prova médica e cobertura do contrato ou do SUS",
	triagem.AreaDigital:                "identificação do autor e preservação de provas digitais",
	triagem.AreaPropriedadeIntelectual: "propriedade intelectual",
	triagem.AreaStartups:               "estrutura societária e contratos de startup",
	triagem.AreaRegulatorio:            "regulação setorial",
}

// complexityOf is the complexity of the client's case in the estimated area
// and the factors behind it; the interviewer calls it every turn.
func complexityOf(client []string, est areaEstimate) (triagem.Complexity, []string) {
	return readFacts(client).complexity(est.Area, est.Subarea)
}

// complexity scores the case: the subarea's base plus the weight of every
// factor found; low up to lowMaxScore, high from highMinScore. A medium or
// high case always lists at least one factor.
func (f *facts) complexity(area triagem.Area, subarea triagem.Subarea) (triagem.Complexity, []string) {
	score, ok := subareaBase[subarea]
	if !ok || !area.Has(subarea) {
		score = defaultBase
		if b, ok := areaBase[area]; ok {
			score = b
		}
	}
	factors := []string{}
	add := func(c complexityFactor, found bool, weight int) {
		if found {
			factors = append(factors, c.label)
			score += weight
		}
	}
	h := f.has
	add(factorInsolvency, h[sigInsolvency] || subarea == "recuperacao_judicial" || subarea == "falencia", factorInsolvency.weight)
	add(factorCorporate, h[sigCorporate] || area == triagem.AreaEmpresarial && subarea == "societario", factorCorporate.weight)
	ipWeight := factorIP.weight
	if area == triagem.AreaPropriedadeIntelectual {
		ipWeight = 1 // the subarea's base already says how hard
	}
	add(factorIP, h[sigIntellectualProperty] || area == triagem.AreaPropriedadeIntelectual, ipWeight)
	add(factorInternational, h[sigInternational], factorInternational.weight)
	add(factorHighAmount, f.reading().maxAmount >= highAmount, factorHighAmount.weight)
	add(factorManyParties, h[sigManyParties] || len(f.reading().entities.Parties) >= manyPartiesMin, factorManyParties.weight)
	add(factorPrison, f.detainedNow(), factorPrison.weight)
	add(factorDanger, f.has[sigViolence] || f.has[sigThreat] || f.has[sigChildRisk], factorDanger.weight)
	if f.brief() {
		score-- // one plain question: a standard case unless a factor says otherwise
	}
	add(factorConflicting, h[sigConflictingDecisions], factorConflicting.weight)
	add(factorLiminar, h[sigLiminar], factorLiminar.weight)
	publicSide := publicSideAreas[area] || subarea == "medicamento_sus" || subarea == "servidor_publico"
	weight := factorPublicBody.weight
	if publicSide {
		weight = 0
	}
	add(factorPublicBody, h[sigPublicBody] || publicSide, weight)
	if u := f.urgencyOf(area, subarea); u.hours <= urgentFactorH && u.hours < defaultUrgency(area, subarea).hours {
		add(factorUrgent, true, 0)
	}
	level := triagem.ComplexityMedium
	switch {
	case score <= lowMaxScore:
		level = triagem.ComplexityLow
	case score >= highMinScore:
		level = triagem.ComplexityHigh
	}
	if level != triagem.ComplexityLow && len(factors) == 0 {
		if label, ok := areaFactor[area]; ok {
			factors = append(factors, label)
		} else {
			factors = append(factors, "caso que pede análise de documentos e provas")
		}
	}
	return level, factors
}

// briefWords is the longest description that may count as brief.
const briefWords = 20

// brief reports whether the description is one plain question: few words,
// no amount, at most one date and one party.
func (f *facts) brief() bool {
	e := f.reading().entities
	return len(f.text.tokens) <= briefWords && len(e.Amounts) == 0 && len(e.Dates) <= 1 && len(e.Parties) <= 1
}
