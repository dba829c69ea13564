package interview

import (
	"slices"
	"strings"

	"github.com/triagem/triagem"
)

// guidance is what a client should do and gather for an area or subarea.
type guidance struct {
	steps     []string
	documents []string
	// own is true when the subarea's steps replace the area's: the
	// general criminal steps (a police report) do not fit someone whose
	// relative is detained.
	own bool
}

// Bounds of the guidance lists.
const (
	minSteps     = 2
	maxSteps     = 5
	maxDocuments = 7
)

// areaGuidance holds every area's general steps (at least minSteps) and
// documents; subareaGuidance puts its own first.
var areaGuidance = map[triagem.Area]guidance{
	triagem.AreaTrabalhista: {
		steps: []string{
			"Reunir carteira de trabalho, contracheques e comprovantes de pagamento",
			"Anotar datas de admissão e saída, salário e o que foi pago",
			"Procurar o sindicato da categoria, a Defensoria Pública ou um advogado trabalhista",
			"Se não houver acordo, ajuizar reclamação na Justiça do Trabalho",
		},
		documents: []string{"Carteira de trabalho (física ou digital)", "Contracheques (holerites)", "Extrato do FGTS", "Mensagens e e-mails com a empresa"},
	},
	triagem.AreaConsumidor: {
		steps: []string{
			"Reclamar por escrito com a empresa e anotar o número de protocolo",
			"Registrar reclamação no consumidor.gov.br ou no Procon",
			"Sem solução, procurar o Juizado Especial Cível (até 20 salários mínimos sem advogado)",
		},
		documents: []string{"Nota fiscal ou comprovante de compra", "Contrato ou oferta", "Protocolos de atendimento", "Prints, e-mails e mensagens com a empresa"},
	},
	triagem.AreaFamilia: {
		steps: []string{
			"Reunir documentos pessoais, certidões e comprovantes de renda e despesas",
			"Tentar um acordo por mediação ou no CEJUSC do fórum",
			"Procurar a Defensoria Pública ou um advogado de família",
		},
		documents: []string{"Certidão de casamento ou de nascimento", "Documentos pessoais (RG e CPF)", "Comprovantes de renda e de despesas"},
	},
	triagem.AreaCivil: {
		steps: []string{
			"Reunir provas do fato e do prejuízo (fotos, orçamentos, recibos, testemunhas)",
			"Enviar notificação por escrito pedindo a solução ou o pagamento",
			"Procurar o Juizado Especial Cível (até 40 salários mínimos) ou um advogado",
		},
		documents: []string{"Contratos e recibos", "Fotos e vídeos", "Orçamentos e notas do prejuízo", "Mensagens trocadas", "Contatos de testemunhas"},
	},
	triagem.AreaCriminal: {
		steps: []string{
			"Registrar boletim de ocorrência na delegacia ou pela delegacia online",
			"Guardar provas: mensagens, fotos, laudos e nomes de testemunhas",
			"Procurar um advogado criminalista ou a Defensoria Pública",
		},
		documents: []string{"Boletim de ocorrência", "Mensagens, prints e fotos", "Laudos e atestados", "Nomes e contatos de testemunhas"},
	},
	triagem.AreaPrevidenciario: {
		steps: []string{
			"Consultar o CNIS e o processo no Meu INSS (site ou aplicativo)",
			"Reunir laudos, carteira de trabalho e carnês de contribuição",
			"Recorrer da decisão pelo Meu INSS ou procurar a Defensoria Pública da União ou um advogado previdenciário",
		},
		documents: []string{"Extrato do CNIS", "Carta de decisão do INSS", "Carteira de trabalho e carnês", "Documentos pessoais"},
	},
	triagem.AreaTributario: {
		steps: []string{
			"Reunir a notificação, o auto de infração ou a certidão de dívida ativa",
			"Verificar a situação no e-CAC da Receita ou no portal da prefeitura ou do estado",
			"Avaliar com um advogado tributarista defesa, parcelamento ou ação judicial",
		},
		documents: []string{"Notificação ou auto de infração", "Declarações e comprovantes de pagamento", "Certidão de dívida ativa, se houver"},
	},
	triagem.AreaEmpresarial: {
		steps: []string{
			"Reunir contrato social, alterações e contratos com as outras partes",
			"Levantar dívidas, créditos e a situação financeira da empresa",
			"Procurar um advogado empresarial antes de assinar ou notificar",
		},
		documents: []string{"Contrato social e alterações", "Contratos com clientes e fornecedores", "Balanços e demonstrativos", "Notificações recebidas ou enviadas"},
	},
	triagem.AreaImobiliario: {
		steps: []string{
			"Reunir o contrato e a matrícula atualizada do imóvel no cartório de registro",
			"Notificar a outra parte por escrito",
			"Procurar o Juizado Especial Cível, a Defensoria Pública ou um advogado imobiliário",
		},
		documents: []string{"Contrato de locação ou de compra e venda", "Matrícula do imóvel", "Comprovantes de pagamento", "Notificações e mensagens"},
	},
	triagem.AreaAdministrativo: {
		steps: []string{
			"Guardar a notificação ou a decisão do órgão e anotar o prazo de defesa ou recurso",
			"Apresentar defesa ou recurso por escrito ao próprio órgão dentro do prazo",
			"Se negado, procurar a Defensoria Pública ou um advogado para a via judicial",
		},
		documents: []string{"Notificação ou decisão do órgão", "Protocolo do pedido ou do recurso", "Documentos pessoais"},
	},
	triagem.AreaAmbiental: {
		steps: []string{
			"Guardar o auto de infração ou a notificação e anotar o prazo de defesa",
			"Reunir licenças, fotos e documentos da área",
			"Procurar um advogado ambiental para a defesa administrativa",
		},
		documents: []string{"Auto de infração ou notificação", "Licenças e autorizações", "Fotos e mapas da área", "Matrícula ou CAR do imóvel"},
	},
	triagem.AreaBancario: {
		steps: []string{
			"Pedir ao banco o contrato e o extrato detalhado da dívida",
			"Consultar o Registrato do Banco Central para ver contratos e dívidas em seu nome",
			"Reclamar no banco (SAC e ouvidoria) e no Banco Central ou no consumidor.gov.br",
			"Sem solução, procurar o Juizado Especial Cível ou um advogado",
		},
		documents: []string{"Contrato do empréstimo, cartão ou financiamento", "Extratos bancários", "Protocolos de reclamação", "Relatório do Registrato"},
	},
	triagem.AreaSaude: {
		steps: []string{
			"Reunir o pedido médico e o laudo que mostre a urgência do tratamento",
			"Pedir por escrito a negativa ou a justificativa do plano, do hospital ou da secretaria de saúde",
			"Procurar a Defensoria Pública ou um advogado para pedir liminar",
		},
		documents: []string{"Pedido médico e laudo", "Negativa por escrito", "Carteirinha e contrato do plano", "Exames e receitas"},
	},
	triagem.AreaDigital: {
		steps: []string{
			"Salvar prints com data, endereço da página e perfil envolvido",
			"Registrar a ata notarial em cartório ou preservar as provas com data e hora",
			"Denunciar na própria plataforma e registrar boletim de ocorrência",
			"Procurar um advogado para pedir remoção e identificação do autor",
		},
		documents: []string{"Prints com data e endereço (URL)", "Boletim de ocorrência", "Protocolos de denúncia na plataforma"},
	},
	triagem.AreaPropriedadeIntelectual: {
		steps: []string{
			"Consultar a base do INPI para ver registros e pedidos",
			"Reunir provas de criação e de uso (datas, arquivos, publicações)",
			"Procurar um advogado de propriedade intelectual antes de notificar",
		},
		documents: []string{"Certificado ou pedido no INPI", "Provas de criação e de uso com data", "Exemplos da cópia ou do uso indevido"},
	},
	triagem.AreaStartups: {
		steps: []string{
			"Reunir contrato social, acordo de sócios e termos de investimento",
			"Listar o que cada sócio ou investidor aportou e o que foi combinado",
			"Procurar um advogado de startups antes de assinar",
		},
		documents: []string{"Contrato social", "Acordo de sócios ou memorando", "Term sheet ou contrato de investimento", "Cap table"},
	},
	triagem.AreaRegulatorio: {
		steps: []string{
			"Identificar a agência e a norma que se aplicam",
			"Reunir licenças, autorizações e notificações do órgão",
			"Procurar um advogado regulatório para a defesa ou o pedido",
		},
		documents: []string{"Licenças e autorizações", "Notificações do órgão regulador", "Protocolos de pedidos"},
	},
}

var subareaGuidance = map[triagem.Subarea]guidance{
	"rescisao": {steps: []string{"Conferir o termo de rescisão (TRCT) e os depósitos do FGTS no aplicativo FGTS"},
		documents: []string{"Termo de rescisão (TRCT)", "Aviso prévio ou carta de dispensa"}},
	"jornada": {steps: []string{"Anotar os horários reais de entrada e saída e guardar os cartões de ponto"},
		documents: []string{"Cartões ou espelhos de ponto", "Escalas e mensagens com horários"}},
	"assedio": {steps: []string{"Anotar datas, falas e testemunhas de cada episódio", "Comunicar o RH ou o canal de denúncia por escrito"},
		documents: []string{"Mensagens e e-mails", "Nomes de testemunhas", "Atestados médicos, se houver"}},
	"vinculo": {steps: []string{"Reunir provas do trabalho: conversas, fotos, comprovantes de pagamento e testemunhas"},
		documents: []string{"Comprovantes de pagamento", "Conversas com o empregador", "Nomes de colegas que podem testemunhar"}},
	"acidente_trabalho": {steps: []string{"Pedir à empresa a emissão da CAT (ou emiti-la pelo Meu INSS)", "Guardar laudos e atestados e pedir o benefício no Meu INSS"},
		documents: []string{"CAT", "Laudos e atestados médicos"}},
	"salario":      {documents: []string{"Extratos bancários com os depósitos de salário"}},
	"estabilidade": {steps: []string{"Reunir a prova da estabilidade (exame de gravidez, CAT, ata da CIPA) e a data da dispensa"}},
	"transporte_aereo": {steps: []string{"Guardar cartão de embarque, comprovantes de gastos extras e prints dos avisos da companhia"},
		documents: []string{"Cartão de embarque e bilhete", "Comprovantes de gastos extras", "Registro de irregularidade de bagagem (RIB), se for o caso"}},
	"cobranca_indevida": {steps: []string{"Pedir a devolução em dobro do que foi pago indevidamente (CDC, art. 42, parágrafo único)"},
		documents: []string{"Faturas com a cobrança", "Comprovantes de pagamento"}},
	"negativacao": {steps: []string{"Consultar o próprio nome no Serasa, SPC e Boa Vista e guardar o comprovante"},
		documents: []string{"Comprovante da negativação", "Prova de que a dívida foi paga ou não existe"}},
	"produto_defeituoso": {steps: []string{"Levar o produto à assistência técnica e guardar a ordem de serviço; sem conserto em 30 dias, pedir troca ou dinheiro de volta"},
		documents: []string{"Ordem de serviço da assistência técnica", "Termo de garantia"}},
	"compra_online": {steps: []string{"Guardar o pedido e o rastreio; compras pela internet podem ser canceladas em até 7 dias"},
		documents: []string{"Comprovante do pedido e do pagamento", "Rastreio da entrega"}},
	"telecomunicacoes": {steps: []string{"Depois da operadora, reclamar na Anatel (site, aplicativo ou telefone 1331)"}},
	"divorcio": {steps: []string{"Se houver acordo e nenhum filho menor, o divórcio pode ser feito em cartório com advogado"},
		documents: []string{"Certidão de casamento atualizada", "Documentos dos bens (matrículas, documentos de veículos)"}},
	"alimentos": {steps: []string{"Anotar as despesas dos filhos e o que o outro genitor ganha ou aparenta ganhar", "Pedir pensão ou cobrar atrasados na Defensoria Pública ou com advogado"},
		documents: []string{"Certidão de nascimento dos filhos", "Comprovantes de despesas dos filhos", "Decisão ou acordo de pensão, se houver"}},
	"guarda": {steps: []string{"Registrar a rotina da criança e quem cuida dela no dia a dia"},
		documents: []string{"Certidão de nascimento dos filhos", "Comprovantes de escola e saúde da criança"}},
	"sucessoes": {steps: []string{"Reunir a certidão de óbito e os documentos dos bens para abrir o inventário (em cartório, se todos concordarem)"},
		documents: []string{"Certidão de óbito", "Documentos dos bens deixados", "Documentos dos herdeiros"}},
	"uniao_estavel": {documents: []string{"Provas da convivência (contas em comum, fotos, declarações)"}},
	"paternidade":   {steps: []string{"Pedir o exame de DNA pela Defensoria Pública ou por ação de investigação de paternidade"}},
	"acidente_transito": {steps: []string{"Registrar o boletim de ocorrência do acidente e fazer três orçamentos do conserto"},
		documents: []string{"Boletim de ocorrência do acidente", "Orçamentos do conserto", "Fotos do local e dos veículos", "Dados do seguro"}},
	"vizinhanca":      {steps: []string{"Registrar as ocorrências com data e hora e comunicar o síndico, se houver"}},
	"cobranca_divida": {documents: []string{"Nota promissória, cheque ou contrato da dívida", "Comprovantes da transferência ou do empréstimo"}},
	"prisao": {own: true, steps: []string{
		"Procurar já um advogado criminalista ou a Defensoria Pública; se alguém está preso, antes da audiência de custódia",
		"Reunir documentos, comprovante de residência e de trabalho da pessoa (ajudam a pedir a liberdade)",
		"Não prestar depoimento nem assinar nada sem advogado",
	},
		documents: []string{"Documento da pessoa presa", "Auto de prisão ou número do processo", "Comprovantes de residência e de trabalho da pessoa presa"}},
	"violencia_domestica": {steps: []string{"Pedir medida protetiva na Delegacia da Mulher, na Defensoria Pública ou no Ministério Público", "Para orientação, ligar 180 (Central de Atendimento à Mulher)"},
		documents: []string{"Boletim de ocorrência", "Laudo do exame de corpo de delito", "Mensagens e áudios de ameaça"}},
	"ameaca": {steps: []string{"Registrar boletim de ocorrência; a ação depende da representação da vítima em até 6 meses"}},
	"estelionato": {steps: []string{"Avisar o banco imediatamente e pedir a devolução pelo MED, se foi Pix", "Registrar boletim de ocorrência"},
		documents: []string{"Comprovantes das transferências", "Conversas com o golpista"}},
	"furto_roubo":  {steps: []string{"Bloquear cartões, celular (IMEI) e documentos levados"}},
	"crimes_honra": {steps: []string{"Guardar prints com data e endereço; a queixa-crime tem prazo de 6 meses"}},
	"aposentadoria": {steps: []string{"Simular a aposentadoria no Meu INSS e conferir os vínculos do CNIS"},
		documents: []string{"Extrato do CNIS", "PPP e laudos de atividade especial, se houver"}},
	"beneficio_incapacidade": {steps: []string{"Recorrer da negativa pelo Meu INSS em até 30 dias ou pedir nova perícia"},
		documents: []string{"Laudos e atestados médicos recentes", "Exames e receitas"}},
	"bpc_loas": {steps: []string{"Manter o CadÚnico atualizado no CRAS e recorrer da negativa pelo Meu INSS"},
		documents: []string{"Comprovante do CadÚnico", "Laudos médicos (deficiência) ou documento de idade"}},
	"pensao_por_morte":    {documents: []string{"Certidão de óbito", "Prova da dependência (casamento, união estável, filhos)"}},
	"salario_maternidade": {documents: []string{"Certidão de nascimento da criança"}},
	"imposto_renda":       {steps: []string{"Consultar as pendências da declaração no e-CAC e, se houver erro, enviar declaração retificadora"}},
	"execucao_fiscal": {steps: []string{"Consultar o processo e a certidão de dívida ativa; depois da citação há 5 dias para pagar ou garantir"},
		documents: []string{"Citação da execução fiscal", "Certidão de dívida ativa"}},
	"parcelamento_debitos": {steps: []string{"Consultar as opções de parcelamento no e-CAC, na PGFN (Regularize) ou no portal da prefeitura"}},
	"recuperacao_judicial": {steps: []string{"Levantar a lista de credores e o fluxo de caixa", "Consultar o processo e o administrador judicial"},
		documents: []string{"Lista de credores e dívidas", "Demonstrações financeiras dos últimos exercícios"}},
	"falencia": {steps: []string{"Consultar o processo de falência e o prazo de contestação ou de habilitação do crédito"}},
	"societario": {steps: []string{"Não assinar alterações nem retirar bens da empresa antes de orientação"},
		documents: []string{"Atas e acordos de sócios"}},
	"locacao": {documents: []string{"Laudo de vistoria de entrada e saída", "Recibos de aluguel"}},
	"despejo": {steps: []string{"Conferir o prazo na citação ou no mandado; em despejo por falta de pagamento é possível pagar o débito para evitar a saída", "Procurar a Defensoria Pública ou um advogado imediatamente"},
		documents: []string{"Citação ou mandado de despejo", "Recibos de aluguel"}},
	"compra_venda": {steps: []string{"Pedir certidões do vendedor e a matrícula atualizada antes de pagar"}},
	"usucapiao":    {steps: []string{"Reunir provas do tempo de posse (contas, IPTU, testemunhas)"}, documents: []string{"Contas e carnês de IPTU em seu nome", "Planta e memorial descritivo"}},
	"condominio":   {documents: []string{"Convenção e regimento interno", "Atas de assembleia"}},
	"atraso_obra":  {documents: []string{"Contrato com a construtora e prazo de entrega", "Comprovantes de pagamento das parcelas"}},
	"multa_transito": {steps: []string{"Apresentar defesa prévia e, depois, recurso à JARI pelo site ou aplicativo do órgão autuador no prazo da notificação"},
		documents: []string{"Notificação de autuação ou de penalidade", "Documento do veículo (CRLV)", "CNH"}},
	"cnh": {steps: []string{"Apresentar defesa e recurso ao Detran no prazo da notificação; conferir a pontuação na Carteira Digital de Trânsito"},
		documents: []string{"Notificação de suspensão ou cassação", "CNH"}},
	"concurso_publico": {steps: []string{"Conferir no edital o prazo de recurso e recorrer pelo site da banca"},
		documents: []string{"Edital", "Resultado e espelho da prova"}},
	"servidor_publico": {documents: []string{"Contracheques", "Portarias e atos de nomeação"}},
	"multa_ambiental":  {steps: []string{"Apresentar defesa ao órgão ambiental em até 20 dias da ciência do auto de infração"}},
	"emprestimo_juros": {steps: []string{"Comparar os juros do contrato com a taxa média do Banco Central para o mesmo tipo de crédito"}},
	"consignado": {steps: []string{"Conferir os descontos no extrato do Meu INSS ou no contracheque e pedir o cancelamento do que não contratou"},
		documents: []string{"Extrato de empréstimos consignados"}},
	"fraude_bancaria": {steps: []string{"Avisar o banco na hora, contestar as operações e pedir o MED do Pix", "Registrar boletim de ocorrência"},
		documents: []string{"Comprovantes das operações contestadas", "Boletim de ocorrência"}},
	"cartao_credito":     {documents: []string{"Faturas do cartão"}},
	"financiamento":      {documents: []string{"Contrato de financiamento", "Comprovantes das parcelas pagas"}},
	"superendividamento": {steps: []string{"Listar todas as dívidas e a renda e pedir repactuação no Procon ou no CEJUSC (Lei do Superendividamento)"}},
	"plano_saude":        {steps: []string{"Pedir a negativa por escrito ao plano (ele deve fornecê-la) e reclamar na ANS (site ou Disque ANS)"}},
	"medicamento_sus": {steps: []string{"Pedir o medicamento na farmácia do SUS ou na secretaria de saúde e guardar a negativa"},
		documents: []string{"Receita e laudo médico", "Negativa da secretaria de saúde"}},
	"erro_medico":      {steps: []string{"Pedir cópia do prontuário ao hospital (é direito do paciente)"}, documents: []string{"Prontuário médico", "Laudos e exames antes e depois"}},
	"reajuste_plano":   {documents: []string{"Boletos com os reajustes", "Contrato do plano"}},
	"dados_pessoais":   {steps: []string{"Pedir à empresa, por escrito, quais dados seus ela tem e com quem compartilhou; ela deve responder em até 15 dias", "Reclamar na ANPD se não houver resposta"}},
	"conta_invadida":   {steps: []string{"Recuperar a conta pelo canal oficial da plataforma e trocar senhas", "Avisar contatos para não caírem em golpes"}},
	"exposicao_intima": {steps: []string{"Pedir a remoção à plataforma, que deve retirar o conteúdo após a notificação da vítima", "Registrar boletim de ocorrência (Delegacia da Mulher ou de crimes cibernéticos)"}},
	"golpe_online":     {steps: []string{"Avisar o banco e pedir o MED, se foi Pix", "Registrar boletim de ocorrência online"}},
	"marca": {steps: []string{"Pesquisar a marca na base do INPI e, se não houver registro, depositar o pedido"},
		documents: []string{"Provas do uso da marca com data"}},
	"patente":                {steps: []string{"Não divulgar a invenção antes do pedido de patente no INPI"}},
	"software":               {documents: []string{"Código-fonte com histórico de versões", "Contratos com desenvolvedores"}},
	"investimento":           {steps: []string{"Conferir valuation, diluição e cláusulas de saída antes de assinar"}},
	"vesting":                {documents: []string{"Contrato de vesting ou de opções"}},
	"anvisa":                 {steps: []string{"Consultar a situação do produto ou da empresa no portal da Anvisa"}},
	"energia":                {steps: []string{"Reclamar na distribuidora com protocolo e depois na ANEEL"}},
	"financeiro_regulatorio": {steps: []string{"Reclamar no Banco Central (instituições financeiras) ou na CVM (investimentos)"}},
}

// nextSteps are 2–5 steps for the subarea and the area, the subarea's
// first; a person in danger is told where to call before anything else.
func nextSteps(area triagem.Area, subarea triagem.Subarea, f *facts) []string {
	var out []string
	safety := f != nil && f.safetyNotice() != ""
	if safety {
		out = append(out, safetyStep(f))
	}
	var steps []string
	own := false
	if area.Has(subarea) {
		steps = append(steps, subareaGuidance[subarea].steps...)
		own = subareaGuidance[subarea].own
	}
	if !own || len(steps) < minSteps {
		steps = append(steps, areaGuidance[area].steps...)
	}
	for _, s := range steps {
		if safety && strings.Contains(s, "ligar 1") {
			continue // the safety step already says where to call
		}
		out = appendNew(out, s)
	}
	if len(out) < minSteps {
		out = appendNew(out, "Reunir documentos e provas do que aconteceu", "Procurar a Defensoria Pública ou um advogado")
	}
	return out[:min(len(out), maxSteps)]
}

// safetyStep is the first step for someone in danger.
func safetyStep(f *facts) string {
	switch {
	case f.has[sigChildRisk]:
		return "Em risco imediato, ligar 190; para denunciar, ligar 100 ou procurar o Conselho Tutelar"
	case f.suicidal():
		return "Ligar 188 (CVV) ou 192 (SAMU) agora; em perigo imediato, 190"
	case f.has[sigDomestic]:
		return "Em perigo, ligar 190; para orientação, ligar 180 ou procurar a Delegacia da Mulher"
	}
	return "Em perigo, ligar 190 e registrar boletim de ocorrência"
}

// documentsFor lists what to gather for the subarea, then for the area.
func documentsFor(area triagem.Area, subarea triagem.Subarea) []string {
	var out []string
	if area.Has(subarea) {
		out = appendNew(out, subareaGuidance[subarea].documents...)
	}
	out = appendNew(out, areaGuidance[area].documents...)
	if len(out) == 0 {
		out = []string{"Documentos pessoais", "Provas do que aconteceu"}
	}
	return out[:min(len(out), maxDocuments)]
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}
