package interview

import "strings"

// The safety notices, shown before anything else when the client's words
// signal danger now. Numbers: 190 Polícia Militar, 180 Central de
// Atendimento à Mulher, 100 Disque Direitos Humanos (children and
// adolescents among others), 188 CVV (emotional support), 192 SAMU.
const (
	safetyDomestic = "Se você está em perigo agora, ligue 190 (Polícia Militar). " +
		"Para orientação e denúncia de violência contra a mulher, ligue 180 (Central de Atendimento à Mulher), gratuito e 24 horas; " +
		"a Delegacia da Mulher pode pedir medidas protetivas."
	safetyThreat = "Se você está em perigo agora, ligue 190 (Polícia Militar) e registre a ameaça na delegacia."
	safetyChild  = "Se uma criança ou adolescente está em risco, ligue 190 (Polícia Militar) numa emergência " +
		"ou 100 (Disque Direitos Humanos), gratuito e 24 horas; o Conselho Tutelar da cidade também pode agir."
	safetySuicide = "Se você está pensando em tirar a própria vida, ligue agora para 188 (CVV, apoio emocional gratuito e 24 horas) " +
		"ou 192 (SAMU); em perigo imediato, ligue 190."
)

// safetyNotice is the notice for a person in danger now, or "" when the
// client's messages signal none. The interviewer shows it before its
// question; the result carries it.
func safetyNotice(client []string) string {
	return readFacts(client).safetyNotice()
}

// safetyNotice picks the notices the signals call for: a child at risk,
// talk of suicide, violence or threats at home, other threats; several
// join in that order.
func (f *facts) safetyNotice() string {
	h := f.has
	var parts []string
	if h[sigChildRisk] {
		parts = append(parts, safetyChild)
	}
	if f.suicidal() {
		parts = append(parts, safetySuicide)
	}
	switch {
	case (h[sigViolence] || h[sigThreat] || h[sigProtectiveOrder]) && (h[sigDomestic] || h[sigProtectiveOrder]):
		parts = append(parts, safetyDomestic)
	case h[sigViolence] || h[sigThreat] || f.suicideIsAThreat():
		parts = append(parts, safetyThreat)
	}
	return strings.Join(parts, " ")
}

// suicidal reports whether the client speaks of ending their own life.
func (f *facts) suicidal() bool { return f.has[sigSuicidal] && !f.suicideIsAThreat() }

// suicideIsAThreat reports whether "me matar" is someone else's threat ("ele
// disse que vai me matar") rather than the client's own thought: a threat
// phrase covering the same words.
func (f *facts) suicideIsAThreat() bool {
	for _, s := range f.hits {
		if s.sig != sigSuicidal {
			continue
		}
		own := true
		for _, t := range f.hits {
			if t.sig == sigThreat && t.from <= s.from && s.to <= t.to {
				own = false
			}
		}
		if own {
			return false
		}
	}
	return f.has[sigSuicidal]
}
