package interview

import (
	"fmt"

	"github.com/triagem/triagem"
)

// urgency is within how many hours the client should get help, and the
// rule that said so, in Portuguese.
type urgency struct {
	hours  int
	reason string
}

// Urgencies of the risk signals, in hours. A person detained needs a
// defence before the custody hearing (CPP art. 310: within 24 hours of the
// arrest); violence or a threat now needs protection at once.
const (
	urgencyDangerH       = 12
	urgencyDetainedH     = 12
	urgencyTodayH        = 12
	urgencyTomorrowH     = 24
	urgencyDayAfterH     = 48
	urgencyThisWeekH     = 72
	urgencyNextWeekH     = 72 // "semana que vem" may be tomorrow: erring early
	urgencyDatedH        = 72 // "dia 15": how far off is unknown, so soon
	urgencyLiminarH      = 24
	urgencyEvictionH     = 24
	urgencyCareH         = 24
	urgencyCriticalH     = 12
	urgencyLimitH        = 48
	urgencySeizedH       = 48
	urgencyUtilityH      = 48
	urgencySummonsH      = 72
	urgencyHearingH      = 72
	urgencyThreatH       = 24
	urgencyNoIncomeH     = 72
	urgencyPrisonThreatH = 72
	urgencyClientSays    = 72
)

// eventWindow is how many words apart a day ("amanhã") and the thing that
// happens on it ("audiência") may be.
const eventWindow = 8

// urgencyOf is within how many hours the client needs help: the smallest
// of the risks found (someone detained, violence, a refused surgery …)
// and of the deadlines the client named or dated ("prazo de 5 dias",
// "audiência amanhã"). A named deadline replaces the guesses made when
// none is known: the area's usual urgency and the placeholders of an
// undated summons, hearing or plea of urgency.
func (f *facts) urgencyOf(area triagem.Area, subarea triagem.Subarea) urgency {
	risks, dated, guesses := f.urgencies()
	candidates := risks
	if len(dated) > 0 {
		candidates = append(candidates, dated...)
	} else {
		candidates = append(append(candidates, guesses...), defaultUrgency(area, subarea))
	}
	best := candidates[0]
	for _, u := range candidates[1:] {
		if u.hours < best.hours {
			best = u
		}
	}
	best.hours = max(1, best.hours)
	return best
}

// urgencies lists the urgencies the text implies: risks, which always
// count; dated deadlines; and guesses, which count only when nothing is
// dated.
func (f *facts) urgencies() (risks, dated, guesses []urgency) {
	add := func(list *[]urgency, ok bool, hours int, reason string) {
		if ok {
			*list = append(*list, urgency{hours, reason})
		}
	}
	for _, d := range f.reading().deadlines {
		add(&dated, true, d.hours, fmt.Sprintf("prazo informado pelo cliente (%s)", d.written))
	}
	dated = append(dated, f.datedEvents()...)
	h := f.has
	add(&risks, f.detainedNow(), urgencyDetainedH, "pessoa presa agora: a defesa precisa agir antes da audiência de custódia")
	add(&risks, h[sigViolence] || h[sigChildRisk], urgencyDangerH, "relato de violência: risco à segurança agora")
	add(&risks, f.suicidal(), urgencyDangerH, "relato de risco à própria vida")
	add(&risks, h[sigThreat], urgencyThreatH, "relato de ameaça: risco à segurança")
	add(&risks, h[sigProtectiveOrder], urgencyThreatH, "medida protetiva pedida ou descumprida")
	add(&risks, h[sigCareCritical], urgencyCriticalH, "risco grave à saúde")
	add(&risks, h[sigCareRefused], urgencyCareH, "tratamento, cirurgia ou medicamento negado: risco à saúde")
	add(&risks, h[sigLiminar], urgencyLiminarH, "pedido de liminar: medida urgente")
	add(&risks, h[sigEvictionOrder], urgencyEvictionH, "despejo ou desocupação já ordenados")
	add(&risks, h[sigLimitEnding], urgencyLimitH, "prazo legal prestes a vencer")
	add(&risks, h[sigAssetSeized], urgencySeizedH, "bloqueio, penhora, leilão ou apreensão de bens")
	add(&risks, h[sigUtilityCut], urgencyUtilityH, "corte de serviço essencial (luz ou água)")
	add(&risks, h[sigPrisonThreat] && !f.detainedNow(), urgencyPrisonThreatH, "risco de prisão: a defesa deve agir antes")
	add(&risks, h[sigNoIncome], urgencyNoIncomeH, "cliente sem receber o que lhe é devido: precisa do dinheiro agora")
	add(&guesses, h[sigSummons], urgencySummonsH, "citação ou intimação recebida: prazo processual correndo")
	add(&guesses, h[sigHearing], urgencyHearingH, "audiência ou julgamento marcado")
	add(&guesses, h[sigUrgentWord], urgencyClientSays, "cliente diz que é urgente")
	return risks, dated, guesses
}

// datedEvents are the days named next to something that happens on them:
// "audiência amanhã", "tenho que sair até sexta", "o leilão é dia 15".
func (f *facts) datedEvents() []urgency {
	days := []struct {
		sig    signal
		hours  int
		reason string
	}{
		{sigToday, urgencyTodayH, "compromisso ou prazo para hoje"},
		{sigTomorrow, urgencyTomorrowH, "compromisso ou prazo para amanhã"},
		{sigDayAfterTomorrow, urgencyDayAfterH, "compromisso ou prazo para depois de amanhã"},
		{sigThisWeek, urgencyThisWeekH, "compromisso ou prazo ainda nesta semana"},
		{sigNextWeek, urgencyNextWeekH, "compromisso ou prazo na semana que vem"},
	}
	var out []urgency
	for _, d := range days {
		for _, h := range f.hits {
			if h.sig == d.sig && !f.sinceThen(h.from) && f.near(sigEvent, h.from, h.to, eventWindow) {
				out = append(out, urgency{d.hours, d.reason})
				break
			}
		}
	}
	if f.datedDay() {
		out = append(out, urgency{urgencyDatedH, "data marcada para um compromisso ou prazo"})
	}
	return out
}

// sinceThen reports whether the day at token i counts up to now rather
// than ahead ("até hoje não pagaram", "desde amanhã").
func (f *facts) sinceThen(i int) bool {
	if i == 0 {
		return false
	}
	w := f.text.tokens[i-1].word
	return w == "ate" || w == "desde" || w == "de" || happenedWords[w]
}

// happenedWords put the day just after them in the past: "o oficial veio
// hoje" tells when a summons came, not when something is due.
var happenedWords = map[string]bool{"veio": true, "vieram": true, "foi": true, "aconteceu": true, "chegou": true, "chegaram": true, "recebi": true,
	"apareceu": true, "esteve": true, "passou": true, "teve": true, "levaram": true, "levou": true, "ligou": true, "ligaram": true, "mandou": true}

// datedDay reports whether "dia N" or "N/M" follows, closely, a word of
// something that has a date ("audiência dia 15", "despejo marcado para
// 20/05"), with no word of the past in between.
func (f *facts) datedDay() bool {
	toks := f.text.tokens
	for _, h := range f.hits {
		if h.sig != sigEvent {
			continue
		}
		for i := h.to; i < len(toks) && i < h.to+5 && toks[i].part == toks[h.from].part; i++ {
			w := toks[i].word
			if pastWords[w] {
				break
			}
			if (w == "dia" && i+1 < len(toks) && isDayNumber(toks[i+1].word)) || (isDayNumber(w) && i+1 < len(toks) && isDayNumber(toks[i+1].word) && f.text.folded[toks[i].end] == '/') {
				return true
			}
		}
	}
	return false
}

// pastWords put what follows in the past: "a audiência foi dia 10".
var pastWords = map[string]bool{"foi": true, "era": true, "teve": true, "aconteceu": true, "ocorreu": true, "passou": true, "houve": true, "desde": true}

func isDayNumber(w string) bool {
	if w == "" || len(w) > 2 {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// usualUrgency is how soon a case of an area or subarea needs a lawyer when
// the client names no deadline and no risk: thinking as a lawyer, not as a
// calendar (a labour claim may be filed within two years, but a person
// dismissed without pay needs the money now).
type usualUrgency struct {
	hours  int
	reason string
}

// areaUrgency is the usual urgency of each area; subareaUrgency refines it.
var areaUrgency = map[triagem.Area]usualUrgency{
	triagem.AreaTrabalhista:            {168, "questão trabalhista"},
	triagem.AreaConsumidor:             {240, "questão de consumo"},
	triagem.AreaFamilia:                {168, "questão de família"},
	triagem.AreaCivil:                  {336, "questão civil"},
	triagem.AreaCriminal:               {48, "questão criminal: a defesa deve começar cedo"},
	triagem.AreaPrevidenciario:         {240, "questão previdenciária"},
	triagem.AreaTributario:             {240, "questão tributária"},
	triagem.AreaEmpresarial:            {168, "questão empresarial"},
	triagem.AreaImobiliario:            {240, "questão imobiliária"},
	triagem.AreaAdministrativo:         {168, "questão administrativa: os prazos de defesa e recurso costumam ser curtos"},
	triagem.AreaAmbiental:              {168, "questão ambiental: a defesa contra auto de infração tem prazo curto"},
	triagem.AreaBancario:               {168, "questão bancária"},
	triagem.AreaSaude:                  {72, "questão de saúde: o tratamento não pode esperar"},
	triagem.AreaDigital:                {120, "questão digital: provas e conteúdos se perdem rápido"},
	triagem.AreaPropriedadeIntelectual: {336, "questão de propriedade intelectual"},
	triagem.AreaStartups:               {336, "questão societária ou contratual de startup"},
	triagem.AreaRegulatorio:            {240, "questão regulatória"},
}

var subareaUrgency = map[triagem.Subarea]usualUrgency{
	"rescisao":               {72, "demissão: as verbas rescisórias vencem em 10 dias e o cliente fica sem renda"},
	"salario":                {72, "salário não pago: o cliente está sem renda"},
	"estabilidade":           {72, "dispensa de quem tem estabilidade: a reintegração pede ação rápida"},
	"acidente_trabalho":      {120, "acidente ou doença do trabalho: afastamento e benefício a garantir"},
	"assedio":                {120, "assédio no trabalho: situação que continua a cada dia"},
	"jornada":                {336, "horas extras: o direito se perde mês a mês após 5 anos"},
	"vinculo":                {240, "trabalho sem carteira: direitos a reconhecer"},
	"transporte_aereo":       {168, "problema com voo ou bagagem: as provas e reclamações devem ser feitas logo"},
	"produto_defeituoso":     {168, "produto com defeito: o prazo para reclamar é de 30 ou 90 dias"},
	"compra_online":          {168, "compra pela internet: o arrependimento vale por 7 dias e a reclamação deve ser rápida"},
	"negativacao":            {120, "nome negativado: o cliente fica sem crédito enquanto isso dura"},
	"cobranca_indevida":      {240, "cobrança indevida"},
	"alimentos":              {72, "pensão alimentícia: o sustento dos filhos não pode esperar"},
	"guarda":                 {120, "guarda de filhos: a rotina da criança está em jogo"},
	"divorcio":               {336, "divórcio sem urgência informada"},
	"sucessoes":              {336, "inventário: deve ser aberto em até 2 meses do falecimento"},
	"acidente_transito":      {168, "acidente de trânsito: provas e orçamentos devem ser reunidos logo"},
	"prisao":                 {72, "defesa criminal: quanto antes começar, melhor"},
	"violencia_domestica":    {12, "violência doméstica: risco à segurança"},
	"ameaca":                 {24, "ameaça: risco à segurança"},
	"estelionato":            {48, "golpe: quanto antes o banco e a polícia forem avisados, maior a chance de recuperar"},
	"furto_roubo":            {72, "furto ou roubo: registrar a ocorrência e bloquear o que foi levado"},
	"drogas":                 {72, "defesa criminal: quanto antes começar, melhor"},
	"crimes_honra":           {168, "ofensa à honra: a queixa-crime tem prazo de 6 meses"},
	"beneficio_incapacidade": {168, "benefício por incapacidade: o recurso contra a negativa tem prazo de 30 dias"},
	"bpc_loas":               {168, "BPC/LOAS: o recurso contra a negativa tem prazo de 30 dias"},
	"pensao_por_morte":       {168, "pensão por morte: pedida em até 90 dias, é paga desde o óbito"},
	"salario_maternidade":    {168, "salário-maternidade: o recurso contra a negativa tem prazo de 30 dias"},
	"aposentadoria":          {336, "aposentadoria"},
	"revisao_beneficio":      {720, "revisão de benefício: prazo de 10 anos"},
	"execucao_fiscal":        {72, "execução fiscal: depois da citação há 5 dias para pagar ou garantir"},
	"recuperacao_judicial":   {72, "recuperação judicial: prazos curtos e muitos credores"},
	"falencia":               {48, "falência: a contestação do pedido tem prazo de 10 dias"},
	"societario":             {168, "conflito entre sócios: o negócio sofre enquanto dura"},
	"despejo":                {48, "despejo: risco de perder a moradia"},
	"locacao":                {240, "questão de aluguel"},
	"usucapiao":              {720, "usucapião: sem prazo urgente"},
	"multa_transito":         {168, "multa de trânsito: a defesa tem o prazo indicado na notificação"},
	"cnh":                    {120, "CNH suspensa ou cassada: o recurso tem o prazo indicado na notificação"},
	"concurso_publico":       {72, "concurso público: os prazos de recurso do edital são curtos"},
	"licitacao":              {72, "licitação: os prazos de recurso são curtos"},
	"multa_ambiental":        {168, "multa ambiental: a defesa tem prazo de 20 dias"},
	"fraude_bancaria":        {24, "fraude bancária ou Pix: avisar o banco imediatamente aumenta a chance de reaver o dinheiro"},
	"consignado":             {120, "descontos no benefício ou salário a cada mês"},
	"financiamento":          {168, "financiamento em atraso: risco de busca e apreensão"},
	"plano_saude":            {48, "plano de saúde: negativa ou problema de cobertura pode atrasar o tratamento"},
	"medicamento_sus":        {48, "medicamento ou tratamento pelo SUS: a saúde não pode esperar"},
	"internacao_cirurgia":    {24, "internação ou cirurgia: risco à saúde"},
	"erro_medico":            {336, "erro médico: reunir prontuário e laudos"},
	"reajuste_plano":         {240, "reajuste do plano"},
	"conta_invadida":         {24, "conta invadida: recuperar o acesso e evitar golpes em seu nome"},
	"golpe_online":           {48, "golpe pela internet: quanto antes o banco for avisado, melhor"},
	"exposicao_intima":       {24, "exposição de imagens íntimas: o conteúdo precisa ser removido já"},
	"remocao_conteudo":       {72, "conteúdo ofensivo no ar: o dano cresce a cada dia"},
	"dados_pessoais":         {240, "dados pessoais"},
	"marca":                  {240, "marca: oposições e registros têm prazos no INPI"},
	"investimento":           {240, "investimento em startup"},
	"anvisa":                 {168, "questão com a Anvisa: autuações têm prazo de defesa"},
}

// defaultUrgency is the usual urgency of the subarea, or else of the area.
func defaultUrgency(area triagem.Area, subarea triagem.Subarea) urgency {
	if u, ok := subareaUrgency[subarea]; ok && area.Has(subarea) {
		return urgency{u.hours, "sem prazo informado; " + u.reason}
	}
	if u, ok := areaUrgency[area]; ok {
		return urgency{u.hours, "sem prazo informado; " + u.reason}
	}
	return urgency{urgencyUnknownAreaH, "sem prazo informado"}
}

// urgencyUnknownAreaH applies when not even the area is known.
const urgencyUnknownAreaH = 240
