package interview

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

func TestComplexity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		text    string
		area    triagem.Area
		subarea triagem.Subarea
		want    triagem.Complexity
		factor  string // one factor that must be listed
	}{
		{"delayed flight", "o voo atrasou quatro horas", triagem.AreaConsumidor, "transporte_aereo", triagem.ComplexityLow, ""},
		{"parking fine", "levei uma multa por estacionar na calçada", triagem.AreaAdministrativo, "multa_transito", triagem.ComplexityLow, ""},
		{"international flight", "a bagagem sumiu num voo vindo de Portugal", triagem.AreaConsumidor, "transporte_aereo", triagem.ComplexityMedium, "elemento internacional"},
		{"a plain question", "fui demitido e não recebi nada", triagem.AreaTrabalhista, "rescisao", triagem.ComplexityLow, ""},
		{"dismissal told in full", "Trabalhei de 2019 a março de 2024 na Metalúrgica Boa Liga como soldador, fui dispensado sem justa causa e o acerto que me mostraram dá R$ 4.200, mas faltam as horas extras e o FGTS de dois anos.",
			triagem.AreaTrabalhista, "rescisao", triagem.ComplexityMedium, "verbas trabalhistas"},
		{"benefit denied", "Pedi a aposentadoria em janeiro, o INSS negou em maio dizendo que faltam contribuições de quando trabalhei na roça, e eu tenho as notas do sindicato rural.",
			triagem.AreaPrevidenciario, "aposentadoria", triagem.ComplexityMedium, "órgão público"},
		{"insolvency", "a empresa entrou em recuperação judicial e deve a vários credores", triagem.AreaEmpresarial, "recuperacao_judicial", triagem.ComplexityHigh, "insolvência"},
		{"partners and money abroad", "meu sócio mandou o dinheiro da empresa para uma conta no exterior", triagem.AreaEmpresarial, "societario", triagem.ComplexityHigh, "elemento internacional"},
		{"patent", "copiaram a patente da nossa máquina", triagem.AreaPropriedadeIntelectual, "patente", triagem.ComplexityHigh, "propriedade intelectual"},
		{"high amount", "o contrato de R$ 2.000.000,00 não foi cumprido", triagem.AreaCivil, "contratos", triagem.ComplexityHigh, "valor elevado"},
		{"detained", "meu filho está preso desde ontem", triagem.AreaCriminal, "prisao", triagem.ComplexityHigh, "pessoa presa"},
		{"violence now", "meu marido me agrediu hoje", triagem.AreaCriminal, "violencia_domestica", triagem.ComplexityHigh, "violência"},
		{"regulated company", "Somos uma importadora de cosméticos em Curitiba e a Anvisa suspendeu o registro do nosso principal produto em 10/04/2024, mandando recolher os lotes já vendidos às farmácias.", triagem.AreaRegulatorio, "anvisa", triagem.ComplexityHigh, "societária"},
		{"several parties", "são vários herdeiros brigando pela casa da minha avó", triagem.AreaFamilia, "sucessoes", triagem.ComplexityMedium, "várias partes"},
		{"appeal decisions", "perdi em primeira instância e o tribunal reformou outra decisão parecida", triagem.AreaCivil, "danos_morais", triagem.ComplexityMedium, "decisões"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			level, factors := complexityOf([]string{tt.text}, areaEstimate{Area: tt.area, Subarea: tt.subarea})
			require.Equal(t, tt.want, level, "%v", factors)
			if level != triagem.ComplexityLow {
				require.NotEmpty(t, factors)
			}
			if tt.factor != "" {
				found := false
				for _, f := range factors {
					if strings.Contains(f, tt.factor) {
						found = true
					}
				}
				require.True(t, found, "%q not in %v", tt.factor, factors)
			}
		})
	}
}

func TestMediumOrHighCasesAlwaysListAFactor(t *testing.T) {
	t.Parallel()
	for _, a := range triagem.Taxonomy() {
		for _, s := range a.Subareas {
			level, factors := readFacts([]string{"preciso de ajuda"}).complexity(a.ID, s.ID)
			if level != triagem.ComplexityLow {
				require.NotEmpty(t, factors, "%s/%s", a.ID, s.ID)
			}
		}
	}
}
