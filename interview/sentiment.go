package interview

import "github.com/triagem/triagem"

// sentimentOf reads the client's tone: angustiado when they show despair or
// are in danger, else indignado, frustrado or preocupado by their words,
// else preocupado when the situation itself is a loss (dismissed without
// pay, a benefit refused, money taken), else neutro. Words denied ("não
// estou preocupado") do not count. distress is true for angustiado and
// whenever someone is in danger or detained now.
func (f *facts) sentimentOf(subarea triagem.Subarea) (s triagem.Sentiment, distress bool) {
	h := f.has
	danger := h[sigViolence] || h[sigThreat] || h[sigChildRisk] || f.suicidal() || f.detainedNow() || h[sigCareCritical]
	switch {
	case h[sigDistress] || danger || (h[sigNoIncome] && (h[sigWorried] || h[sigUrgentWord])):
		return triagem.SentimentDistressed, true
	case h[sigIndignant]:
		return triagem.SentimentIndignant, false
	case h[sigFrustrated]:
		return triagem.SentimentFrustrated, false
	case h[sigWorried] || h[sigUrgentWord] || h[sigNoIncome] || h[sigHarm] || lossSubareas[subarea] ||
		h[sigEvictionOrder] || h[sigCareRefused] || h[sigAssetSeized] || h[sigSummons]:
		return triagem.SentimentWorried, false
	}
	return triagem.SentimentNeutral, false
}

// lossSubareas are situations that are a loss in themselves: whoever
// describes one is not neutral about it, however flatly they write.
var lossSubareas = map[triagem.Subarea]bool{
	"rescisao": true, "salario": true, "assedio": true, "acidente_trabalho": true, "estabilidade": true,
	"negativacao": true, "cobranca_indevida": true, "compra_online": true,
	"alimentos": true, "guarda": true,
	"danos_morais": true, "cobranca_divida": true,
	"prisao": true, "violencia_domestica": true, "furto_roubo": true, "estelionato": true, "ameaca": true, "crimes_honra": true, "drogas": true,
	"beneficio_incapacidade": true, "bpc_loas": true,
	"execucao_fiscal": true, "recuperacao_judicial": true, "falencia": true,
	"despejo": true, "atraso_obra": true,
	"multa_transito": true, "cnh": true, "multa_ambiental": true,
	"fraude_bancaria": true, "superendividamento": true, "consignado": true,
	"plano_saude": true, "medicamento_sus": true, "erro_medico": true, "internacao_cirurgia": true,
	"conta_invadida": true, "golpe_online": true, "exposicao_intima": true, "remocao_conteudo": true,
}
