package triagem

import (
	"fmt"
	"strings"
)

// This file is Triagem's one vocabulary of legal areas, subareas, urgency
// levels and sentiments. Everything else (the engine, the LLM prompts and
// parsers, the API's labels and OpenAPI enums, the pages through the API)
// takes these lists; nothing copies their strings.

// Area is a legal area's stable slug: stored, filtered on and used in URLs.
// Its display name (Area.Name) is what people read.
type Area string

// The 17 areas.
const (
	AreaTrabalhista            Area = "trabalhista"
	AreaConsumidor             Area = "consumidor"
	AreaFamilia                Area = "familia"
	AreaCivil                  Area = "civil"
	AreaCriminal               Area = "criminal"
	AreaPrevidenciario         Area = "previdenciario"
	AreaTributario             Area = "tributario"
	AreaEmpresarial            Area = "empresarial"
	AreaImobiliario            Area = "imobiliario"
	AreaAdministrativo         Area = "administrativo"
	AreaAmbiental              Area = "ambiental"
	AreaBancario               Area = "bancario"
	AreaSaude                  Area = "saude"
	AreaDigital                Area = "digital"
	AreaPropriedadeIntelectual Area = "propriedade_intelectual"
	AreaStartups               Area = "startups"
	AreaRegulatorio            Area = "regulatorio"
)

// Subarea is a slug under one area ("multa_transito" under Administrativo).
type Subarea string

// AreaInfo is one area with its display name and subareas.
type AreaInfo struct {
	ID       Area          `json:"id"`
	Name     string        `json:"name"`
	Subareas []SubareaInfo `json:"subareas"`
}

// SubareaInfo is one subarea with its display name.
type SubareaInfo struct {
	ID   Subarea `json:"id"`
	Area Area    `json:"area"`
	Name string  `json:"name"`
}

// taxonomy lists every area in display order; its first subarea is the
// area's general one.
var taxonomy = []AreaInfo{
	area(AreaTrabalhista, "Trabalhista",
		"rescisao", "Demissão e verbas rescisórias",
		"jornada", "Jornada e horas extras",
		"assedio", "Assédio no trabalho",
		"vinculo", "Vínculo sem carteira assinada",
		"acidente_trabalho", "Acidente ou doença do trabalho",
		"salario", "Salário atrasado ou não pago",
		"estabilidade", "Estabilidade (gestante, acidentado, cipeiro)"),
	area(AreaConsumidor, "Consumidor",
		"servicos", "Serviço mal prestado",
		"transporte_aereo", "Voo e bagagem",
		"cobranca_indevida", "Cobrança indevida",
		"negativacao", "Nome negativado indevidamente",
		"produto_defeituoso", "Produto com defeito",
		"compra_online", "Compra não entregue",
		"telecomunicacoes", "Telefonia, internet e TV"),
	area(AreaFamilia, "Família",
		"divorcio", "Divórcio e separação",
		"alimentos", "Pensão alimentícia",
		"guarda", "Guarda e visitas",
		"sucessoes", "Inventário e herança",
		"uniao_estavel", "União estável",
		"paternidade", "Reconhecimento de paternidade"),
	area(AreaCivil, "Civil",
		"responsabilidade_civil", "Indenização por danos",
		"acidente_transito", "Acidente de trânsito",
		"vizinhanca", "Conflito de vizinhança",
		"cobranca_divida", "Cobrança de dívida",
		"contratos", "Contrato descumprido",
		"danos_morais", "Danos morais"),
	area(AreaCriminal, "Criminal",
		"prisao", "Prisão e defesa criminal",
		"violencia_domestica", "Violência doméstica",
		"furto_roubo", "Furto ou roubo",
		"estelionato", "Estelionato e golpes",
		"ameaca", "Ameaça",
		"crimes_honra", "Calúnia, difamação ou injúria",
		"drogas", "Drogas"),
	area(AreaPrevidenciario, "Previdenciário",
		"aposentadoria", "Aposentadoria",
		"beneficio_incapacidade", "Auxílio por incapacidade",
		"bpc_loas", "BPC/LOAS",
		"pensao_por_morte", "Pensão por morte",
		"salario_maternidade", "Salário-maternidade",
		"revisao_beneficio", "Revisão de benefício"),
	area(AreaTributario, "Tributário",
		"imposto_renda", "Imposto de renda",
		"iptu_ipva", "IPTU e IPVA",
		"execucao_fiscal", "Execução fiscal",
		"tributos_empresa", "Tributos da empresa",
		"parcelamento_debitos", "Parcelamento de débitos"),
	area(AreaEmpresarial, "Empresarial",
		"societario", "Conflito entre sócios",
		"recuperacao_judicial", "Recuperação judicial",
		"falencia", "Falência",
		"contratos_empresariais", "Contratos entre empresas",
		"cobranca_empresarial", "Cobrança entre empresas"),
	area(AreaImobiliario, "Imobiliário",
		"locacao", "Aluguel",
		"despejo", "Despejo",
		"compra_venda", "Compra e venda de imóvel",
		"usucapiao", "Usucapião",
		"condominio", "Condomínio",
		"atraso_obra", "Atraso na entrega do imóvel"),
	area(AreaAdministrativo, "Administrativo",
		"servico_publico", "Serviço público",
		"multa_transito", "Multa de trânsito",
		"cnh", "CNH suspensa ou cassada",
		"concurso_publico", "Concurso público",
		"servidor_publico", "Direitos do servidor público",
		"licitacao", "Licitação e contratos públicos"),
	area(AreaAmbiental, "Ambiental",
		"multa_ambiental", "Multa ambiental",
		"licenciamento", "Licenciamento ambiental",
		"poluicao", "Poluição",
		"desmatamento", "Desmatamento e queimadas",
		"app_protecao", "Área de preservação"),
	area(AreaBancario, "Bancário",
		"emprestimo_juros", "Empréstimo e juros abusivos",
		"consignado", "Consignado",
		"fraude_bancaria", "Fraude, golpe ou Pix",
		"cartao_credito", "Cartão de crédito",
		"financiamento", "Financiamento",
		"superendividamento", "Superendividamento"),
	area(AreaSaude, "Saúde",
		"plano_saude", "Plano de saúde",
		"medicamento_sus", "Medicamento ou tratamento pelo SUS",
		"erro_medico", "Erro médico",
		"reajuste_plano", "Reajuste do plano de saúde",
		"internacao_cirurgia", "Internação ou cirurgia"),
	area(AreaDigital, "Digital",
		"dados_pessoais", "Dados pessoais e LGPD",
		"conta_invadida", "Conta invadida ou clonada",
		"remocao_conteudo", "Remoção de conteúdo",
		"golpe_online", "Golpe pela internet",
		"exposicao_intima", "Exposição de imagens íntimas"),
	area(AreaPropriedadeIntelectual, "Propriedade Intelectual",
		"marca", "Marca",
		"patente", "Patente",
		"direito_autoral", "Direito autoral",
		"software", "Software",
		"desenho_industrial", "Desenho industrial"),
	area(AreaStartups, "Startups",
		"investimento", "Investimento",
		"acordo_socios", "Acordo entre fundadores",
		"vesting", "Vesting e stock options",
		"constituicao", "Estruturação da empresa",
		"contratos_tecnologia", "Contratos de tecnologia"),
	area(AreaRegulatorio, "Regulatório",
		"autorizacoes", "Licenças e autorizações",
		"anvisa", "Anvisa",
		"energia", "Energia",
		"telecom_regulatorio", "Telecomunicações (regulação)",
		"financeiro_regulatorio", "Banco Central e CVM",
		"transporte_regulatorio", "Transporte (regulação)"),
}

// area builds an AreaInfo from alternating subarea slugs and names.
func area(id Area, name string, subareas ...string) AreaInfo {
	info := AreaInfo{ID: id, Name: name}
	for i := 0; i+1 < len(subareas); i += 2 {
		info.Subareas = append(info.Subareas, SubareaInfo{ID: Subarea(subareas[i]), Area: id, Name: subareas[i+1]})
	}
	return info
}

// Taxonomy returns every area in display order, each with its subareas.
// The slices are copies: callers may keep or change them.
func Taxonomy() []AreaInfo {
	out := make([]AreaInfo, len(taxonomy))
	for i, a := range taxonomy {
		a.Subareas = append([]SubareaInfo(nil), a.Subareas...)
		out[i] = a
	}
	return out
}

// Areas returns the 17 area slugs in display order.
func Areas() []Area {
	out := make([]Area, len(taxonomy))
	for i, a := range taxonomy {
		out[i] = a.ID
	}
	return out
}

func (a Area) info() (AreaInfo, bool) {
	for _, info := range taxonomy {
		if info.ID == a {
			return info, true
		}
	}
	return AreaInfo{}, false
}

// Valid reports whether a is one of the 17 areas.
func (a Area) Valid() bool {
	_, ok := a.info()
	return ok
}

// Name is the area's display name ("Família"); empty for an unknown area.
func (a Area) Name() string {
	info, _ := a.info()
	return info.Name
}

// Subareas lists the area's subareas; the first is its general one.
func (a Area) Subareas() []SubareaInfo {
	info, _ := a.info()
	return append([]SubareaInfo(nil), info.Subareas...)
}

// GeneralSubarea is the subarea used when nothing more specific is known.
func (a Area) GeneralSubarea() Subarea {
	info, _ := a.info()
	if len(info.Subareas) == 0 {
		return ""
	}
	return info.Subareas[0].ID
}

// Has reports whether s is one of the area's subareas.
func (a Area) Has(s Subarea) bool {
	info, _ := a.info()
	for _, sub := range info.Subareas {
		if sub.ID == s {
			return true
		}
	}
	return false
}

// SubareaName is the display name of s under any area; empty when unknown.
func SubareaName(s Subarea) string {
	for _, a := range taxonomy {
		for _, sub := range a.Subareas {
			if sub.ID == s {
				return sub.Name
			}
		}
	}
	return ""
}

// legacyAreas maps the slugs stored before the 17-area taxonomy to their
// area now (migration 002 rewrites stored rows; this serves old JSON).
var legacyAreas = map[string]Area{
	"penal":    AreaCriminal,
	"transito": AreaAdministrativo,
}

// ParseArea reads an area from its slug, its display name or a legacy slug,
// ignoring case, accents and spaces versus underscores ("Família",
// "familia", "propriedade intelectual", "penal"). It returns EINVALID for
// anything else.
func ParseArea(s string) (Area, error) {
	key := foldKey(s)
	for _, a := range taxonomy {
		if key == string(a.ID) || key == foldKey(a.Name) {
			return a.ID, nil
		}
	}
	if a, ok := legacyAreas[key]; ok {
		return a, nil
	}
	return "", Errorf(EINVALID, "unknown area %q", s)
}

// foldKey lower-cases s, strips Portuguese accents and joins words with "_".
func foldKey(s string) string {
	return strings.Join(strings.Fields(accentFolder.Replace(strings.ToLower(strings.TrimSpace(s)))), "_")
}

var accentFolder = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ã", "a", "ä", "a",
	"é", "e", "ê", "e", "è", "e", "í", "i", "ì", "i", "î", "i",
	"ó", "o", "ô", "o", "õ", "o", "ò", "o", "ú", "u", "ù", "u", "ü", "u", "ç", "c",
	"-", " ", "_", " ",
)

// UrgencyLevel groups urgency hours into words a person understands.
type UrgencyLevel string

// Urgency levels, most urgent first.
const (
	UrgencyCritical UrgencyLevel = "critica"
	UrgencyHigh     UrgencyLevel = "alta"
	UrgencyMedium   UrgencyLevel = "media"
	UrgencyLow      UrgencyLevel = "baixa"
)

// UrgencyLevelInfo describes one urgency level.
type UrgencyLevelInfo struct {
	ID UrgencyLevel `json:"id"`
	// Name is the level in words ("Alta").
	Name string `json:"name"`
	// MaxHours is the largest urgency_h in this level; 0 for the last level.
	MaxHours int `json:"max_hours"`
	// Advice says what to do, for pages ("procure atendimento em até 24 h").
	Advice string `json:"advice"`
}

var urgencyLevels = []UrgencyLevelInfo{
	{ID: UrgencyCritical, Name: "Crítica", MaxHours: 12, Advice: "procure ajuda agora"},
	{ID: UrgencyHigh, Name: "Alta", MaxHours: 24, Advice: "procure atendimento em até 24 h"},
	{ID: UrgencyMedium, Name: "Média", MaxHours: 72, Advice: "procure atendimento em até 3 dias"},
	{ID: UrgencyLow, Name: "Baixa", MaxHours: 0, Advice: "procure atendimento nas próximas semanas"},
}

// UrgencyLevels lists the levels, most urgent first.
func UrgencyLevels() []UrgencyLevelInfo { return append([]UrgencyLevelInfo(nil), urgencyLevels...) }

// UrgencyLevelFor is the level of an urgency in hours (0 or less: unknown,
// the lowest level).
func UrgencyLevelFor(hours int) UrgencyLevelInfo {
	if hours > 0 {
		for _, l := range urgencyLevels[:len(urgencyLevels)-1] {
			if hours <= l.MaxHours {
				return l
			}
		}
	}
	return urgencyLevels[len(urgencyLevels)-1]
}

// Sentiment is how the client comes across.
type Sentiment string

// Sentiments.
const (
	SentimentNeutral    Sentiment = "neutro"
	SentimentWorried    Sentiment = "preocupado"
	SentimentFrustrated Sentiment = "frustrado"
	SentimentIndignant  Sentiment = "indignado"
	SentimentDistressed Sentiment = "angustiado"
)

// SentimentInfo describes one sentiment.
type SentimentInfo struct {
	ID   Sentiment `json:"id"`
	Name string    `json:"name"`
}

var sentiments = []SentimentInfo{
	{SentimentNeutral, "Neutro"},
	{SentimentWorried, "Preocupado"},
	{SentimentFrustrated, "Frustrado"},
	{SentimentIndignant, "Indignado"},
	{SentimentDistressed, "Angustiado"},
}

// Sentiments lists every sentiment.
func Sentiments() []SentimentInfo { return append([]SentimentInfo(nil), sentiments...) }

// Valid reports whether s is a known sentiment.
func (s Sentiment) Valid() bool {
	for _, info := range sentiments {
		if info.ID == s {
			return true
		}
	}
	return false
}

// String implements fmt.Stringer for logs.
func (a Area) String() string { return string(a) }

var _ fmt.Stringer = Area("")
