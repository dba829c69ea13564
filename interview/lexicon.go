package interview

import "github.com/triagem/triagem"

// This file holds the Portuguese lexicon as plain tables, written with
// accents as a person would; newLexicon folds and indexes them once. Every
// phrase matches on whole words only (see vocabulary), so inflections that
// should count are listed explicitly: "patenteado" counts as "patente"
// because it is listed, "marcação" never counts as "marca" because it is not.

// caseDef describes one case type and the words that identify it.
type caseDef struct {
	caseType string // snake_case code reported as case_type
	area     string
	subarea  string
	label    string // Portuguese, for replies and summaries
	// complexity is what the case type calls for on its own; any high
	// signal elsewhere in the text still raises the case to high.
	complexity triagem.Complexity
	// factor is the complexity factor reported when the case type is found.
	factor string
	// strong phrases identify the case on their own (3 points each).
	strong []string
	// pairs identify the case when a word of each side occurs anywhere in
	// the client's text, as "voo" with "atrasou" (3 points each pair).
	pairs []pair
	// support words add 1 point each, but only to a case already identified.
	support []string
}

type pair struct{ a, b []string }

const (
	low    = triagem.ComplexityLow
	medium = triagem.ComplexityMedium
	high   = triagem.ComplexityHigh
)

var (
	flightWords  = []string{"voo", "voos", "avião", "aeroporto", "companhia aérea", "passagem aérea", "passagens aéreas", "embarque", "conexão"}
	delayWords   = []string{"atraso", "atrasos", "atrasou", "atrasado", "atrasada", "atrasados", "atrasaram", "atrasar", "horas de atraso"}
	cancelWords  = []string{"cancelado", "cancelada", "cancelou", "cancelaram", "cancelamento"}
	childWords   = []string{"filho", "filha", "filhos", "filhas", "criança", "crianças", "menino", "menina"}
	vehicleWords = []string{"carro", "moto", "motocicleta", "veículo", "ônibus", "caminhão", "bicicleta", "trânsito", "motorista"}
)

// caseTable lists the case types. On equal scores the earlier one wins.
var caseTable = []caseDef{
	// consumidor: the simple, repetitive cases first.
	{caseType: "atraso_voo", area: "consumidor", subarea: "transporte_aereo", label: "atraso de voo", complexity: low,
		strong:  []string{"atraso de voo", "atraso do voo"},
		pairs:   []pair{{flightWords, delayWords}},
		support: []string{"companhia", "cartão de embarque", "Anac", "reunião", "hotel", "perdi a conexão"}},
	{caseType: "cancelamento_voo", area: "consumidor", subarea: "transporte_aereo", label: "cancelamento de voo", complexity: low,
		strong:  []string{"cancelamento de voo", "cancelamento do voo", "voo cancelado", "voo foi cancelado", "cancelaram o voo", "cancelaram meu voo"},
		pairs:   []pair{{flightWords, cancelWords}},
		support: []string{"companhia", "cartão de embarque", "Anac", "remarcação", "reacomodação", "hotel"}},
	{caseType: "extravio_bagagem", area: "consumidor", subarea: "transporte_aereo", label: "extravio de bagagem", complexity: low,
		strong:  []string{"extravio de bagagem", "bagagem extraviada", "mala extraviada", "extraviaram minha mala", "extraviaram minha bagagem"},
		pairs:   []pair{{[]string{"bagagem", "bagagens", "mala", "malas"}, []string{"extraviada", "extraviadas", "extravio", "extraviaram", "perdida", "perderam", "danificada", "danificaram"}}},
		support: []string{"companhia", "voo", "aeroporto"}},
	{caseType: "cobranca_indevida", area: "consumidor", subarea: "cobranca_indevida", label: "cobrança indevida", complexity: low,
		strong: []string{"cobrança indevida", "cobranças indevidas", "cobrança abusiva", "cobrança duplicada", "cobrado indevidamente", "cobrada indevidamente", "cobraram indevidamente", "cobrança em dobro"},
		pairs: []pair{{
			[]string{"cobrança", "cobranças", "cobraram", "cobrando", "cobrou", "cobrado", "cobrada", "fatura", "conta", "boleto", "débito", "descontaram"},
			[]string{"indevida", "indevidas", "indevido", "indevidos", "indevidamente", "não reconheço", "duplicada", "duplicado", "em dobro", "abusiva", "abusivo", "sem autorização", "não contratei", "não autorizei", "não solicitei"},
		}},
		support: []string{"fatura", "estorno", "devolução", "operadora", "cartão de crédito"}},
	{caseType: "negativacao_indevida", area: "consumidor", subarea: "negativacao", label: "negativação indevida", complexity: low,
		strong:  []string{"nome sujo", "nome negativado", "negativação", "negativado", "negativada", "negativaram", "Serasa", "SPC", "cadastro de inadimplentes", "sujaram meu nome", "sujou meu nome"},
		support: []string{"dívida", "cobrança", "indevida", "indevidamente", "não reconheço"}},
	// trânsito
	{caseType: "multa_transito", area: "administrativo", subarea: "multa_transito", label: "multa de trânsito", complexity: low,
		strong: []string{"multa de trânsito", "multas de trânsito", "infração de trânsito", "multa do Detran", "multa de velocidade", "multa por excesso de velocidade", "lei seca"},
		pairs: []pair{{
			[]string{"multa", "multas", "multado", "multada", "multaram", "autuado", "autuada", "autuação", "infração"},
			append([]string{"Detran", "radar", "velocidade", "CNH", "placa", "estacionar", "estacionado", "estacionamento", "sinal vermelho", "rodízio", "bafômetro", "faixa exclusiva"}, vehicleWords...),
		}},
		support: []string{"recurso", "defesa prévia", "JARI", "pontos", "carteira de motorista"}},
	{caseType: "suspensao_cnh", area: "administrativo", subarea: "cnh", label: "suspensão da CNH", complexity: medium,
		strong:  []string{"suspensão da CNH", "CNH suspensa", "cassação da CNH", "CNH cassada", "suspensão do direito de dirigir"},
		pairs:   []pair{{[]string{"CNH", "carteira de motorista", "habilitação"}, []string{"suspensa", "suspensão", "cassada", "cassação", "bloqueada"}}},
		support: []string{"pontos", "Detran", "recurso"}},
	{caseType: "acidente_transito", area: "civil", subarea: "acidente_transito", label: "acidente de trânsito", complexity: medium,
		strong:  []string{"acidente de trânsito", "acidente de carro", "acidente de moto"},
		pairs:   []pair{{[]string{"acidente", "batida", "bateu", "bateram", "colisão", "atropelado", "atropelada", "atropelamento"}, vehicleWords}},
		support: []string{"seguro", "seguradora", "conserto", "oficina", "boletim de ocorrência"}},
	// consumidor: the remaining cases
	{caseType: "produto_defeituoso", area: "consumidor", subarea: "produto_defeituoso", label: "produto com defeito", complexity: medium,
		strong: []string{"produto com defeito", "produto defeituoso", "vício do produto"},
		pairs: []pair{{
			[]string{"produto", "celular", "geladeira", "televisão", "TV", "notebook", "computador", "aparelho", "máquina de lavar", "fogão", "sofá", "móveis"},
			[]string{"defeito", "defeituoso", "defeituosa", "quebrou", "quebrado", "quebrada", "estragou", "estragado", "parou de funcionar", "não funciona", "não liga"},
		}},
		support: []string{"garantia", "assistência técnica", "troca", "loja", "nota fiscal"}},
	{caseType: "compra_nao_entregue", area: "consumidor", subarea: "compra_online", label: "compra não entregue", complexity: medium,
		strong: []string{"produto não entregue", "compra não entregue", "não entregaram", "atraso na entrega", "nunca recebi o produto"},
		pairs: []pair{{
			[]string{"compra", "compras", "pedido", "encomenda", "comprei", "produto"},
			[]string{"não chegou", "não foi entregue", "nunca chegou", "não recebi", "não entregaram"},
		}},
		support: []string{"loja", "site", "reembolso", "estorno", "rastreio"}},
	{caseType: "plano_saude", area: "saude", subarea: "plano_saude", label: "problema com plano de saúde", complexity: medium,
		strong:  []string{"plano de saúde", "convênio médico", "negativa de cobertura"},
		support: []string{"cobertura", "negaram", "negou", "cirurgia", "reajuste", "carência", "internação", "exame"}},
	{caseType: "servico_telefonia", area: "consumidor", subarea: "telecomunicacoes", label: "problema com telefonia ou internet", complexity: medium,
		strong:  []string{"operadora de telefonia", "operadora de celular", "linha telefônica", "internet não funciona", "sem internet"},
		pairs:   []pair{{[]string{"operadora", "internet", "telefone", "linha", "TV a cabo"}, []string{"cancelar", "cancelamento", "não funciona", "caiu", "cortaram", "portabilidade"}}},
		support: []string{"protocolo", "Anatel", "fatura"}},
	{caseType: "contrato_bancario", area: "bancario", subarea: "emprestimo_juros", label: "contrato bancário", complexity: medium,
		strong:  []string{"juros abusivos", "empréstimo consignado", "consignado", "tarifa bancária", "revisão de juros", "revisão do contrato bancário"},
		support: []string{"banco", "parcelas", "juros", "financiamento", "cartão de crédito"}},
	// trabalhista
	{caseType: "rescisao_trabalhista", area: "trabalhista", subarea: "rescisao", label: "rescisão trabalhista", complexity: medium,
		strong:  []string{"verbas rescisórias", "rescisão trabalhista", "demitido", "demitida", "demissão", "mandaram embora", "mandado embora", "mandada embora", "dispensado", "dispensada", "justa causa", "aviso prévio", "seguro-desemprego", "multa do FGTS"},
		support: []string{"rescisão", "FGTS", "carteira de trabalho", "salário", "salários", "patrão", "empregador", "chefe", "RH", "férias", "décimo terceiro", "holerite", "holerites"}},
	{caseType: "horas_extras", area: "trabalhista", subarea: "jornada", label: "horas extras", complexity: medium,
		strong:  []string{"horas extras", "hora extra", "banco de horas", "adicional noturno", "jornada de trabalho", "jornada excessiva", "intervalo de almoço", "sem intervalo"},
		support: []string{"ponto", "cartão de ponto", "salário", "empregador", "chefe"}},
	{caseType: "assedio_moral", area: "trabalhista", subarea: "assedio", label: "assédio no trabalho", complexity: medium,
		strong: []string{"assédio moral", "assédio no trabalho", "assédio sexual no trabalho"},
		pairs: []pair{{
			[]string{"assédio", "humilhado", "humilhada", "humilhação", "perseguição", "perseguido", "perseguida"},
			[]string{"chefe", "gerente", "supervisor", "supervisora", "patrão", "colegas de trabalho", "trabalho"},
		}},
		support: []string{"testemunhas", "empresa", "RH"}},
	{caseType: "vinculo_empregaticio", area: "trabalhista", subarea: "vinculo", label: "reconhecimento de vínculo de emprego", complexity: medium,
		strong:  []string{"carteira assinada", "sem registro", "sem carteira", "vínculo empregatício", "vínculo de emprego", "registro em carteira", "pejotização"},
		support: []string{"patrão", "empregador", "salário", "trabalhei"}},
	{caseType: "acidente_trabalho", area: "trabalhista", subarea: "acidente_trabalho", label: "acidente de trabalho", complexity: medium,
		strong:  []string{"acidente de trabalho", "acidente no trabalho", "doença ocupacional", "CAT"},
		support: []string{"afastamento", "afastado", "afastada", "INSS", "estabilidade"}},
	{caseType: "salario_atrasado", area: "trabalhista", subarea: "salario", label: "salário atrasado", complexity: medium,
		strong:  []string{"salário atrasado", "salários atrasados", "atraso de salário", "atraso no salário", "não pagaram o salário", "não recebi o salário", "não recebo salário"},
		support: []string{"empregador", "patrão", "empresa"}},
	// família
	{caseType: "divorcio", area: "familia", subarea: "divorcio", label: "divórcio", complexity: medium,
		strong:  []string{"divórcio", "divorciar", "divorciada", "divorciado", "separação", "partilha de bens", "divórcio litigioso", "divórcio consensual"},
		support: []string{"casamento", "casada", "casado", "marido", "esposa", "ex-marido", "ex-mulher", "bens"}},
	{caseType: "pensao_alimenticia", area: "familia", subarea: "alimentos", label: "pensão alimentícia", complexity: medium,
		strong:  []string{"pensão alimentícia", "ação de alimentos", "revisão de pensão", "não paga pensão", "não paga a pensão"},
		pairs:   []pair{{[]string{"pensão"}, append([]string{"alimentícia", "pai", "ex-marido", "ex-mulher", "ex-companheiro", "ex-companheira"}, childWords...)}},
		support: []string{"pensão", "guarda", "visitas"}},
	{caseType: "guarda", area: "familia", subarea: "guarda", label: "guarda de filhos", complexity: medium,
		strong:  []string{"guarda compartilhada", "guarda unilateral", "guarda dos filhos", "guarda do meu filho", "guarda da minha filha", "direito de visita", "regulamentação de visitas"},
		pairs:   []pair{{[]string{"guarda"}, childWords}},
		support: []string{"visitas", "pensão"}},
	{caseType: "inventario", area: "familia", subarea: "sucessoes", label: "inventário e herança", complexity: medium,
		strong:  []string{"inventário", "herança", "testamento", "herdeiro", "herdeiros", "espólio", "partilha da herança"},
		pairs:   []pair{{[]string{"faleceu", "falecido", "falecida", "morreu"}, []string{"deixou", "imóvel", "bens", "herança"}}},
		support: []string{"imóvel", "bens", "cartório"}},
	{caseType: "uniao_estavel", area: "familia", subarea: "uniao_estavel", label: "união estável", complexity: medium,
		strong:  []string{"união estável"},
		support: []string{"companheiro", "companheira", "bens"}},
	// previdenciário
	{caseType: "aposentadoria", area: "previdenciario", subarea: "aposentadoria", label: "aposentadoria", complexity: medium,
		strong:  []string{"aposentadoria", "aposentar", "me aposentar", "tempo de contribuição", "aposentadoria por invalidez", "aposentadoria especial"},
		support: []string{"INSS", "contribuição", "CNIS", "revisão"}},
	{caseType: "beneficio_incapacidade", area: "previdenciario", subarea: "beneficio_incapacidade", label: "benefício por incapacidade", complexity: medium,
		strong:  []string{"auxílio-doença", "auxílio-acidente", "benefício por incapacidade", "perícia do INSS", "perícia médica"},
		support: []string{"INSS", "afastado", "afastada", "laudo", "atestado"}},
	{caseType: "bpc_loas", area: "previdenciario", subarea: "bpc_loas", label: "benefício assistencial (BPC/LOAS)", complexity: medium,
		strong:  []string{"BPC", "LOAS", "benefício assistencial"},
		support: []string{"INSS", "deficiência", "idoso", "idosa"}},
	{caseType: "pensao_por_morte", area: "previdenciario", subarea: "pensao_por_morte", label: "pensão por morte", complexity: medium,
		strong:  []string{"pensão por morte"},
		support: []string{"INSS", "faleceu", "falecido", "falecida"}},
	{caseType: "beneficio_negado", area: "previdenciario", subarea: "beneficio_incapacidade", label: "benefício negado pelo INSS", complexity: medium,
		strong:  []string{"benefício negado", "benefício indeferido", "benefício cortado", "salário-maternidade"},
		pairs:   []pair{{[]string{"INSS"}, []string{"negou", "negaram", "negado", "negada", "indeferido", "indeferiu", "cortou", "cortaram", "suspendeu", "cessou"}}},
		support: []string{"benefício", "perícia", "recurso"}},
	// imobiliário
	{caseType: "despejo", area: "imobiliario", subarea: "despejo", label: "despejo", complexity: medium,
		strong:  []string{"despejo", "ordem de despejo", "ação de despejo", "despejar", "despejado", "despejada"},
		support: []string{"aluguel", "aluguéis", "inquilino", "inquilina", "locador", "locadora", "proprietário", "proprietária", "imobiliária"}},
	{caseType: "locacao", area: "imobiliario", subarea: "locacao", label: "locação de imóvel", complexity: medium,
		strong:  []string{"contrato de locação", "contrato de aluguel", "aluguel", "aluguéis", "caução", "inquilino", "inquilina", "locatário", "locatária", "locador", "locadora"},
		support: []string{"imobiliária", "reajuste", "proprietário", "proprietária", "vistoria"}},
	{caseType: "usucapiao", area: "imobiliario", subarea: "usucapiao", label: "usucapião", complexity: medium,
		strong:  []string{"usucapião"},
		support: []string{"terreno", "posse", "imóvel", "escritura"}},
	{caseType: "atraso_entrega_imovel", area: "imobiliario", subarea: "atraso_obra", label: "atraso na entrega de imóvel", complexity: medium,
		strong:  []string{"atraso na obra", "atraso da obra", "atraso na entrega do imóvel", "distrato", "imóvel na planta"},
		pairs:   []pair{{[]string{"construtora", "apartamento", "imóvel", "obra"}, []string{"atraso", "atrasou", "atrasada", "atrasado", "não entregou", "não entregaram"}}},
		support: []string{"construtora", "financiamento", "chaves"}},
	{caseType: "condominio", area: "imobiliario", subarea: "condominio", label: "questão de condomínio", complexity: medium,
		strong:  []string{"condomínio", "taxa condominial", "síndico", "síndica", "assembleia do condomínio"},
		support: []string{"multa", "vizinho", "vizinhos", "apartamento"}},
	// civil
	{caseType: "conflito_vizinhanca", area: "civil", subarea: "vizinhanca", label: "conflito de vizinhança", complexity: medium,
		strong:  []string{"direito de vizinhança", "perturbação do sossego"},
		pairs:   []pair{{[]string{"vizinho", "vizinha", "vizinhos", "vizinhança"}, []string{"barulho", "som alto", "infiltração", "muro", "obra", "árvore", "briga", "cachorro", "vazamento"}}},
		support: []string{"condomínio", "síndico"}},
	{caseType: "cobranca_divida", area: "civil", subarea: "cobranca_divida", label: "cobrança de dívida", complexity: medium,
		strong:  []string{"me deve", "me devem", "não me pagou", "não me pagaram", "emprestei dinheiro", "cobrar uma dívida"},
		support: []string{"empréstimo", "dívida", "devolver", "nota promissória", "cheque"}},
	{caseType: "descumprimento_contrato", area: "civil", subarea: "contratos", label: "descumprimento de contrato", complexity: medium,
		strong:  []string{"quebra de contrato", "descumprimento de contrato", "descumprimento contratual", "rescisão contratual", "não cumpriu o contrato", "prestação de serviço", "prestação de serviços"},
		support: []string{"contrato", "multa", "serviço", "obra"}},
	// criminal
	{caseType: "prisao", area: "criminal", subarea: "prisao", label: "prisão", complexity: medium,
		strong:  []string{"preso", "presa", "prisão", "prisão em flagrante", "flagrante", "mandado de prisão", "detido", "detida", "audiência de custódia", "prisão preventiva", "habeas corpus"},
		support: []string{"delegacia", "polícia", "fiança"}},
	{caseType: "violencia_domestica", area: "criminal", subarea: "violencia_domestica", label: "violência doméstica", complexity: medium,
		strong: []string{"violência doméstica", "Maria da Penha", "medida protetiva", "medidas protetivas"},
		pairs: []pair{{
			[]string{"agressão", "agrediu", "agredida", "agrediram", "espancou", "violência"},
			[]string{"marido", "companheiro", "namorado", "ex-marido", "ex-companheiro", "ex-namorado", "esposa", "companheira"},
		}},
		support: []string{"delegacia", "boletim de ocorrência", "ameaça", "ameaçou"}},
	{caseType: "estelionato", area: "criminal", subarea: "estelionato", label: "golpe ou estelionato", complexity: medium,
		strong:  []string{"golpe", "golpes", "estelionato", "golpe do Pix", "fraude", "fui enganado", "fui enganada", "clonaram", "clonado", "clonada"},
		support: []string{"Pix", "transferência", "boletim de ocorrência", "banco"}},
	{caseType: "furto_roubo", area: "criminal", subarea: "furto_roubo", label: "furto ou roubo", complexity: medium,
		strong:  []string{"furto", "roubo", "assalto", "roubaram", "furtaram", "assaltado", "assaltada", "fui roubado", "fui roubada"},
		support: []string{"boletim de ocorrência", "delegacia", "polícia"}},
	{caseType: "ameaca", area: "criminal", subarea: "ameaca", label: "ameaça", complexity: medium,
		strong:  []string{"ameaça", "ameaças", "ameaçou", "ameaçando", "ameaça de morte"},
		support: []string{"boletim de ocorrência", "delegacia", "mensagens"}},
	{caseType: "crime_contra_honra", area: "criminal", subarea: "crimes_honra", label: "calúnia, difamação ou injúria", complexity: medium,
		strong:  []string{"calúnia", "difamação", "injúria", "me difamou", "crime contra a honra"},
		support: []string{"redes sociais", "mensagens", "prints"}},
	// tributário
	{caseType: "malha_fina", area: "tributario", subarea: "imposto_renda", label: "malha fina do imposto de renda", complexity: medium,
		strong:  []string{"malha fina", "imposto de renda"},
		support: []string{"Receita Federal", "declaração", "restituição"}},
	{caseType: "execucao_fiscal", area: "tributario", subarea: "execucao_fiscal", label: "execução fiscal", complexity: medium,
		strong:  []string{"execução fiscal", "dívida ativa", "certidão de dívida ativa"},
		support: []string{"penhora", "bloqueio", "prefeitura", "Receita Federal"}},
	{caseType: "cobranca_tributo", area: "tributario", subarea: "iptu_ipva", label: "cobrança de tributo", complexity: medium,
		strong:  []string{"IPTU", "IPVA", "ICMS", "ISS", "tributo", "tributos", "imposto", "impostos", "taxa de importação"},
		support: []string{"Receita Federal", "prefeitura", "Sefaz"}},
	// empresarial and propriedade intelectual: the complex cases.
	{caseType: "recuperacao_judicial", area: "empresarial", subarea: "recuperacao_judicial", label: "recuperação judicial", complexity: high,
		factor:  "recuperação judicial",
		strong:  []string{"recuperação judicial", "recuperação extrajudicial", "plano de recuperação"},
		support: []string{"credores", "assembleia de credores", "fornecedores", "administrador judicial", "dívidas", "bancos", "balanços", "contrato social"}},
	{caseType: "falencia", area: "empresarial", subarea: "falencia", label: "falência", complexity: high,
		factor:  "falência",
		strong:  []string{"falência", "pedido de falência", "faliu", "falir", "massa falida", "decretação de falência"},
		support: []string{"credores", "dívidas", "administrador judicial", "sócios"}},
	{caseType: "societario", area: "empresarial", subarea: "societario", label: "questão societária", complexity: high,
		factor:  "questão societária",
		strong:  []string{"societário", "societária", "disputa societária", "dissolução de sociedade", "dissolução da sociedade", "exclusão de sócio", "acordo de sócios", "acordo de acionistas", "quotas", "cotas sociais", "briga entre sócios", "conflito entre sócios", "apuração de haveres"},
		support: []string{"sócio", "sócios", "sociedade", "contrato social", "acionistas", "empresa"}},
	{caseType: "contrato_internacional", area: "empresarial", subarea: "contratos_empresariais", label: "contrato internacional", complexity: high,
		factor:  "contrato internacional",
		strong:  []string{"contrato internacional", "contratos internacionais", "empresa estrangeira", "arbitragem internacional", "fornecedor estrangeiro", "cliente estrangeiro"},
		support: []string{"exportação", "importação", "câmbio", "arbitragem"}},
	{caseType: "patente", area: "propriedade_intelectual", subarea: "patente", label: "patente", complexity: high,
		factor:  "patente (propriedade intelectual)",
		strong:  []string{"patente", "patentes", "patenteado", "patenteada", "patenteados", "patenteadas", "patentear", "pedido de patente"},
		support: []string{"INPI", "invenção", "cópia", "copiaram", "concorrente"}},
	{caseType: "registro_marca", area: "propriedade_intelectual", subarea: "marca", label: "registro ou uso indevido de marca", complexity: high,
		factor: "registro ou uso de marca",
		strong: []string{"registro de marca", "registro da marca", "registrar a marca", "registrar minha marca", "registrar nossa marca", "marca registrada", "minha marca", "nossa marca", "uso indevido da marca", "INPI"},
		// A bare "marca" is too common ("celular da marca X") to raise a
		// case to high: it needs a word of the trademark context beside it.
		pairs:   []pair{{[]string{"marca", "marcas"}, []string{"INPI", "registro", "registrar", "registrada", "copiaram", "copiou", "copiando", "cópia", "plágio", "imitação", "imitando", "concorrente"}}},
		support: []string{"logotipo", "logo", "nome comercial"}},
	{caseType: "direito_autoral", area: "propriedade_intelectual", subarea: "direito_autoral", label: "direito autoral", complexity: medium,
		strong:  []string{"direito autoral", "direitos autorais", "plágio", "plagiaram", "pirataria"},
		support: []string{"obra", "música", "livro", "fotos", "vídeo"}},
}

// highSignals raise any case to high complexity, whatever its type.
var highSignals = []struct {
	factor  string
	phrases []string
}{
	{"várias partes envolvidas", []string{"várias partes", "diversas partes", "muitas partes", "múltiplas partes", "vários réus", "vários credores", "várias empresas", "diversas empresas", "vários envolvidos", "litisconsórcio"}},
	{"pedido de liminar", []string{"liminar", "liminares", "medida liminar", "tutela de urgência", "tutela antecipada"}},
}

// areaLabels name the areas in replies.
var areaLabels = map[string]string{
	"consumidor":              "direito do consumidor",
	"trabalhista":             "direito do trabalho",
	"familia":                 "direito de família",
	"previdenciario":          "direito previdenciário",
	"civil":                   "direito civil",
	"empresarial":             "direito empresarial",
	"criminal":                "direito criminal",
	"tributario":              "direito tributário",
	"administrativo":          "direito administrativo",
	"ambiental":               "direito ambiental",
	"bancario":                "direito bancário",
	"saude":                   "direito à saúde",
	"digital":                 "direito digital",
	"startups":                "direito de startups",
	"regulatorio":             "direito regulatório",
	"imobiliario":             "direito imobiliário",
	"propriedade_intelectual": "propriedade intelectual",
}

// Fallbacks when nothing in the text points to an area.
const (
	areaUnknown     = "civil"
	subareaUnknown  = "geral"
	caseTypeUnknown = "outro"
)

// areaUrgencyH is how soon a case of each area usually needs action, in
// hours, when the client names no deadline: criminal matters first, then
// family and business, then the rest.
var areaUrgencyH = map[string]int{
	"criminal":                48,
	"saude":                   72,
	"bancario":                240,
	"digital":                 168,
	"administrativo":          360,
	"ambiental":               240,
	"startups":                360,
	"regulatorio":             360,
	"familia":                 168,
	"empresarial":             168,
	"trabalhista":             240,
	"consumidor":              240,
	"imobiliario":             240,
	"previdenciario":          360,
	"civil":                   360,
	"tributario":              360,
	"propriedade_intelectual": 360,
}

// urgencyDefaultH applies when the area itself is unknown.
const urgencyDefaultH = 240

// urgentWithinH marks an urgency worth a complexity factor.
const urgentWithinH = 24

// urgencyTerms say how many hours remain before action is needed; the
// smallest found wins.
var urgencyTerms = []struct {
	hours   int
	phrases []string
}{
	{12, []string{"preso", "presa", "prisão", "mandado de prisão", "flagrante", "detido", "detida", "audiência de custódia", "audiência hoje", "UTI"}},
	{24, []string{"liminar", "tutela de urgência", "tutela antecipada", "despejo", "ordem de despejo", "despejar", "amanhã", "audiência amanhã", "medida protetiva", "internação", "internado", "internada"}},
	{48, []string{"urgente", "urgência", "emergência", "leilão", "penhora", "bloqueio judicial", "conta bloqueada", "corte de luz", "corte de energia", "corte de água", "cortaram a luz", "cortaram a água", "cortaram a energia", "cirurgia"}},
	{72, []string{"audiência", "citação", "intimação", "prazo final", "último dia", "vence", "vencimento"}},
}

// evidence lists the words that show the client already spoke to a topic.
// Dates, amounts and places are found by pattern instead (entities.go).
var evidence = []struct {
	topic   topic
	phrases []string
}{
	{topicDocuments, []string{
		"contrato", "contratos", "nota fiscal", "notas fiscais", "print", "prints", "captura de tela", "e-mail", "e-mails", "email", "emails",
		"comprovante", "comprovantes", "boletim de ocorrência", "recibo", "recibos", "foto", "fotos", "vídeo", "vídeos", "áudio", "áudios",
		"mensagem", "mensagens", "conversa", "conversas", "WhatsApp", "testemunha", "testemunhas", "holerite", "holerites", "contracheque",
		"contracheques", "carteira de trabalho", "extrato", "extratos", "fatura", "faturas", "boleto", "boletos", "laudo", "laudos", "atestado",
		"atestados", "certidão", "certidões", "documento", "documentos", "cartão de embarque", "bilhete", "passagem", "passagens", "protocolo",
		"protocolos", "contrato social", "balanço", "balanços", "prova", "provas", "gravação", "gravações", "escritura", "auto de infração",
	}},
	{topicAttempts, []string{
		"Procon", "reclamação", "reclamações", "reclamei", "reclamamos", "reclamar", "Reclame Aqui", "notificação", "notifiquei",
		"notificação extrajudicial", "processo", "processei", "ação judicial", "juizado", "consumidor.gov", "SAC", "ouvidoria", "tentei",
		"tentamos", "tentativa", "tentativas", "negociar", "negociei", "negociação", "acordo", "entrei em contato", "liguei", "mediação",
		"conciliação", "advogado", "advogada", "defesa prévia", "recurso", "recorri", "denúncia", "denunciei", "sindicato", "falei com",
		"contestei", "contestação",
	}},
	{topicDeadlines, []string{"prazo", "prazos", "data limite", "agendada", "agendado", "marcada", "marcado"}},
	{topicGoal, []string{
		"quero", "queria", "gostaria", "pretendo", "desejo", "reembolso", "ressarcimento", "indenização", "indenizado", "indenizada",
		"devolução", "estorno", "reintegração", "anular", "cancelar", "receber",
	}},
}

// partyRoles are words that name a party by its role.
var partyRoles = []string{
	"empresa", "empresas", "empregador", "empregadora", "patrão", "patroa", "chefe", "gerente", "banco", "bancos", "companhia aérea", "companhia",
	"vizinho", "vizinha", "vizinhos", "locador", "locadora", "locatário", "inquilino", "inquilina", "proprietário", "proprietária", "loja",
	"operadora", "seguradora", "plano de saúde", "hospital", "médico", "médica", "escola", "faculdade", "construtora", "imobiliária",
	"condomínio", "síndico", "síndica", "fornecedor", "fornecedores", "credor", "credores", "sócio", "sócios", "marido", "esposa", "ex-marido",
	"ex-mulher", "ex-esposa", "ex-companheiro", "ex-companheira", "companheiro", "companheira", "namorado", "pai", "mãe", "filho", "filha",
	"filhos", "INSS", "prefeitura", "Detran", "Receita Federal", "governo", "polícia", "vendedor", "vendedora", "devedor", "concorrente",
	"cliente", "clientes", "RH",
}

// sentimentTerms classify the client's tone. urgente wins over the others;
// otherwise the more frequent of negativo and positivo, neutro on a tie.
var sentimentTerms = []struct {
	sentiment string
	phrases   []string
}{
	{sentimentUrgent, []string{"urgente", "urgentemente", "urgência", "emergência", "socorro", "o quanto antes", "imediatamente", "com urgência"}},
	{sentimentNegative, []string{
		"desesperado", "desesperada", "desespero", "revoltado", "revoltada", "revolta", "indignado", "indignada", "absurdo", "absurda", "raiva",
		"triste", "tristeza", "humilhado", "humilhada", "humilhação", "angústia", "angustiado", "angustiada", "preocupado", "preocupada",
		"prejuízo", "prejudicado", "prejudicada", "perdi", "injusto", "injusta", "injustiça", "desrespeito", "não aguento", "cansado", "cansada",
		"nervoso", "nervosa", "medo", "descaso",
	}},
	{sentimentPositive, []string{"obrigado", "obrigada", "agradeço", "grato", "grata", "feliz", "ótimo", "ótima", "satisfeito", "satisfeita", "tranquilo", "tranquila"}},
}

// Sentiments reported in TriageData.
const (
	sentimentUrgent   = "urgente"
	sentimentNegative = "negativo"
	sentimentPositive = "positivo"
	sentimentNeutral  = "neutro"
)

// nonAnswers mark a short message that says the client does not know or
// has nothing: it still answers the question asked.
var nonAnswers = []string{
	"não sei", "não sei dizer", "não tenho", "não lembro", "não me lembro", "nada", "nenhum", "nenhuma", "não há", "não houve", "mais nada",
	"nada mais", "só isso", "foi isso", "não possuo", "desconheço", "sem mais",
}

// locations are the states and the larger cities. Ambiguous ones are also
// common words or first names and need to be written exactly, capitalised,
// inside a sentence.
var (
	locations = []string{
		"Acre", "Alagoas", "Amapá", "Amazonas", "Bahia", "Ceará", "Distrito Federal", "Espírito Santo", "Goiás", "Maranhão", "Mato Grosso",
		"Mato Grosso do Sul", "Minas Gerais", "Paraíba", "Paraná", "Pernambuco", "Piauí", "Rio de Janeiro", "Rio Grande do Norte",
		"Rio Grande do Sul", "Rondônia", "Roraima", "Santa Catarina", "São Paulo", "Sergipe", "Tocantins",
		"Aracaju", "Belém", "Belo Horizonte", "Brasília", "Cuiabá", "Curitiba", "Florianópolis", "Goiânia", "João Pessoa", "Macapá",
		"Maceió", "Manaus", "Porto Alegre", "Porto Velho", "Recife", "São Luís", "Teresina", "Campinas", "Guarulhos", "Niterói", "Osasco",
		"Sorocaba", "Londrina", "Joinville", "Uberlândia", "Ribeirão Preto", "Caxias do Sul", "Feira de Santana", "São Bernardo do Campo",
		"Santo André", "São José dos Campos", "Duque de Caxias", "Nova Iguaçu", "São Gonçalo", "Maringá", "Blumenau",
	}
	ambiguousLocations = []string{"Pará", "Natal", "Vitória", "Palmas", "Salvador", "Fortaleza", "Boa Vista", "Campo Grande", "Rio Branco", "Santos", "Contagem", "Juiz de Fora"}
	// stateCodes count as a place only as a standalone capitalised token
	// in a place context ("Recife-PE", "em SP"), never inside a word.
	stateCodes = []string{"AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO"}
)

// notNames are capitalised words that are not parties even inside a
// sentence (folded).
var notNames = []string{
	"eu", "meu", "minha", "meus", "minhas", "o", "a", "os", "as", "um", "uma", "nao", "sim", "ja", "ele", "ela", "eles", "elas", "voce",
	"voces", "nos", "senhor", "senhora", "dr", "dra", "sr", "sra", "procon", "pix", "whatsapp", "cpf", "rg", "cnh", "sac", "deus", "justica",
	"juiz", "juiza", "janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro",
	"dezembro", "segunda", "terca", "quarta", "quinta", "sexta", "sabado", "domingo", "natal", "pascoa", "fgts", "inpi", "serasa", "spc",
	"reclame", "aqui", "cat", "bpc", "loas", "iptu", "ipva", "icms", "iss", "uti", "anac", "anatel", "jari", "cnis", "tv", "ok",
}
