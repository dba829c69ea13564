package interview

// weightedGroup is a set of terms of the lexicon analyzer with one weight.
// A group with an empty subarea (or case type) counts for the area (or
// subarea) only.
type weightedGroup struct {
	area, subarea, caseType string
	weight                  float64
	phrases                 []string
}

// weightedTable is the lexicon analyzer's vocabulary. Weights: 1 for words
// common to many problems, 2–3 for words typical of one, 4–5 for words that
// name the case outright.
var weightedTable = []weightedGroup{
	{"consumidor", "", "", 1, []string{"consumidor", "loja", "compra", "comprei", "produto", "serviço", "fornecedor", "Procon", "Reclame Aqui", "nota fiscal", "reembolso", "estorno", "garantia", "SAC"}},
	{"consumidor", "transporte_aereo", "", 3, []string{"voo", "voos", "companhia aérea", "aeroporto", "embarque", "cartão de embarque", "Anac", "conexão"}},
	{"consumidor", "transporte_aereo", "atraso_voo", 1, []string{"atraso", "atrasou", "atrasado", "atrasada"}},
	{"consumidor", "transporte_aereo", "cancelamento_voo", 1, []string{"cancelado", "cancelada", "cancelamento", "cancelaram", "cancelou", "remarcação"}},
	{"consumidor", "transporte_aereo", "extravio_bagagem", 2, []string{"bagagem", "mala", "extraviada", "extravio", "extraviaram"}},
	{"consumidor", "cobranca_indevida", "cobranca_indevida", 3, []string{"cobrança indevida", "indevida", "indevido", "indevidamente", "não reconheço", "duplicada", "em dobro"}},
	{"consumidor", "cobranca_indevida", "cobranca_indevida", 1, []string{"cobrança", "cobranças", "cobraram", "fatura"}},
	{"consumidor", "negativacao", "negativacao_indevida", 4, []string{"Serasa", "SPC", "negativado", "negativada", "negativação", "nome sujo", "negativaram"}},
	{"consumidor", "produto_defeituoso", "produto_defeituoso", 2, []string{"defeito", "defeituoso", "defeituosa", "quebrou", "assistência técnica", "parou de funcionar"}},
	{"consumidor", "compra_online", "compra_nao_entregue", 2, []string{"entrega", "não chegou", "rastreio", "encomenda", "pedido"}},
	{"saude", "plano_saude", "plano_saude", 3, []string{"plano de saúde", "convênio", "cobertura", "carência"}},
	{"bancario", "emprestimo_juros", "contrato_bancario", 2, []string{"juros", "empréstimo consignado", "consignado", "financiamento", "cartão de crédito", "tarifa"}},
	{"consumidor", "telecomunicacoes", "servico_telefonia", 2, []string{"operadora", "internet", "telefone", "Anatel", "portabilidade"}},

	{"trabalhista", "", "", 1, []string{"trabalho", "trabalhei", "trabalhava", "emprego", "empregado", "empregada", "salário", "chefe", "patrão", "empregador", "RH", "carteira de trabalho", "CLT", "sindicato", "holerite", "holerites"}},
	{"trabalhista", "rescisao", "rescisao_trabalhista", 3, []string{"demitido", "demitida", "demissão", "rescisão", "verbas rescisórias", "aviso prévio", "FGTS", "justa causa", "seguro-desemprego", "mandaram embora"}},
	{"trabalhista", "jornada", "horas_extras", 3, []string{"horas extras", "hora extra", "jornada", "banco de horas", "adicional noturno", "plantão"}},
	{"trabalhista", "assedio", "assedio_moral", 3, []string{"assédio", "humilhação", "humilhado", "humilhada", "perseguição"}},
	{"trabalhista", "vinculo", "vinculo_empregaticio", 3, []string{"carteira assinada", "sem registro", "vínculo", "informal"}},
	{"trabalhista", "acidente_trabalho", "acidente_trabalho", 3, []string{"acidente de trabalho", "CAT", "doença ocupacional"}},

	{"familia", "", "", 1, []string{"família", "casamento", "casada", "casado", "marido", "esposa", "filho", "filha", "filhos", "ex-marido", "ex-mulher", "pai", "mãe"}},
	{"familia", "divorcio", "divorcio", 3, []string{"divórcio", "divorciar", "separação", "partilha de bens"}},
	{"familia", "alimentos", "pensao_alimenticia", 3, []string{"pensão", "alimentícia", "alimentos"}},
	{"familia", "guarda", "guarda", 3, []string{"guarda", "visitas", "guarda compartilhada"}},
	{"familia", "sucessoes", "inventario", 3, []string{"inventário", "herança", "testamento", "herdeiro", "herdeiros", "faleceu"}},

	{"previdenciario", "", "", 2, []string{"INSS", "benefício", "previdência", "contribuição"}},
	{"previdenciario", "aposentadoria", "aposentadoria", 3, []string{"aposentadoria", "aposentar", "aposentado", "aposentada"}},
	{"previdenciario", "beneficio_incapacidade", "beneficio_incapacidade", 3, []string{"auxílio-doença", "perícia", "incapacidade", "afastado", "afastada"}},
	{"previdenciario", "bpc_loas", "bpc_loas", 3, []string{"BPC", "LOAS"}},

	{"civil", "", "", 1, []string{"indenização", "danos morais", "dano moral", "danos materiais", "prejuízo", "contrato", "dívida", "empréstimo"}},
	{"civil", "vizinhanca", "conflito_vizinhanca", 3, []string{"vizinho", "vizinha", "vizinhos", "barulho", "muro", "infiltração"}},
	{"civil", "cobranca_divida", "cobranca_divida", 2, []string{"me deve", "me devem", "emprestei", "nota promissória", "cheque"}},
	{"civil", "contratos", "descumprimento_contrato", 2, []string{"quebra de contrato", "descumprimento", "prestação de serviço"}},

	{"imobiliario", "", "", 1, []string{"imóvel", "casa", "apartamento", "terreno", "escritura", "imobiliária"}},
	{"imobiliario", "despejo", "despejo", 3, []string{"despejo", "despejar", "despejado", "despejada"}},
	{"imobiliario", "locacao", "locacao", 2, []string{"aluguel", "inquilino", "inquilina", "locador", "locadora", "locação", "caução"}},
	{"imobiliario", "usucapiao", "usucapiao", 3, []string{"usucapião", "posse"}},
	{"imobiliario", "atraso_obra", "atraso_entrega_imovel", 2, []string{"construtora", "distrato", "na planta", "obra"}},
	{"imobiliario", "condominio", "condominio", 2, []string{"condomínio", "síndico", "condominial"}},

	{"administrativo", "", "", 1, []string{"carro", "moto", "veículo", "Detran", "CNH", "trânsito", "motorista", "placa"}},
	{"administrativo", "multa_transito", "multa_transito", 3, []string{"multa", "multas", "multado", "multada", "radar", "infração", "autuação", "JARI"}},
	{"administrativo", "cnh", "suspensao_cnh", 3, []string{"suspensão", "cassação", "pontos", "habilitação"}},
	{"civil", "acidente_transito", "acidente_transito", 3, []string{"acidente", "batida", "colisão", "atropelamento", "atropelado"}},

	{"criminal", "", "", 2, []string{"polícia", "delegacia", "crime", "boletim de ocorrência"}},
	{"criminal", "prisao", "prisao", 3, []string{"preso", "presa", "prisão", "flagrante", "detido", "habeas corpus", "fiança"}},
	{"criminal", "violencia_domestica", "violencia_domestica", 3, []string{"agressão", "agrediu", "Maria da Penha", "medida protetiva", "violência doméstica"}},
	{"criminal", "estelionato", "estelionato", 3, []string{"golpe", "estelionato", "fraude", "enganado", "enganada", "clonaram"}},
	{"criminal", "furto_roubo", "furto_roubo", 3, []string{"furto", "roubo", "assalto", "roubaram", "furtaram"}},
	{"criminal", "ameaca", "ameaca", 2, []string{"ameaça", "ameaçou", "ameaças"}},

	{"tributario", "", "", 2, []string{"imposto", "impostos", "tributo", "tributos", "Receita Federal", "fisco"}},
	{"tributario", "imposto_renda", "malha_fina", 3, []string{"malha fina", "imposto de renda", "restituição"}},
	{"tributario", "execucao_fiscal", "execucao_fiscal", 3, []string{"execução fiscal", "dívida ativa"}},
	{"tributario", "iptu_ipva", "cobranca_tributo", 3, []string{"IPTU", "IPVA", "ICMS", "ISS"}},

	{"empresarial", "", "", 1, []string{"empresa", "empresas", "sócio", "sócios", "sociedade", "contrato social", "CNPJ", "fornecedores", "credores", "balanços", "faturamento", "negócio"}},
	{"empresarial", "recuperacao_judicial", "recuperacao_judicial", 5, []string{"recuperação judicial", "recuperação extrajudicial", "plano de recuperação", "assembleia de credores"}},
	{"empresarial", "falencia", "falencia", 5, []string{"falência", "faliu", "falir", "massa falida"}},
	{"empresarial", "societario", "societario", 3, []string{"societário", "societária", "quotas", "acionistas", "dissolução"}},
	{"empresarial", "contratos_empresariais", "contrato_internacional", 3, []string{"internacional", "estrangeira", "estrangeiro", "exportação", "importação", "arbitragem"}},

	{"propriedade_intelectual", "", "", 2, []string{"INPI", "propriedade intelectual"}},
	{"propriedade_intelectual", "patente", "patente", 4, []string{"patente", "patentes", "patenteado", "patenteada", "invenção"}},
	// A bare "marca" weighs little: "celular da marca X" is not a trademark case.
	{"propriedade_intelectual", "marca", "registro_marca", 4, []string{"marca registrada", "registro de marca", "registro da marca", "logotipo"}},
	{"propriedade_intelectual", "marca", "registro_marca", 1, []string{"marca", "marcas"}},
	{"propriedade_intelectual", "direito_autoral", "direito_autoral", 3, []string{"direito autoral", "direitos autorais", "plágio", "pirataria"}},
}

// weightedLexicon is weightedTable compiled: one vocabulary, and for each
// of its entries the groups it belongs to.
type weightedLexicon struct {
	vocab  *vocabulary
	groups [][]weightedGroup // by entry id
}

var weighted = newWeightedLexicon()

func newWeightedLexicon() *weightedLexicon {
	w := &weightedLexicon{vocab: newVocabulary()}
	for _, g := range weightedTable {
		for _, id := range w.vocab.addAll(g.phrases...) {
			for len(w.groups) <= id {
				w.groups = append(w.groups, nil)
			}
			w.groups[id] = append(w.groups[id], g)
		}
	}
	return w
}
