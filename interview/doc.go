// Package interview is Triagem's built-in Portuguese interviewer and its two
// analyzers. It needs no network: everything is deterministic rules over the
// client's words, so the same conversation always gives the same answer.
//
// # Matching
//
// Text is lower-cased and its accents removed ("FALÊNCIA" and "falencia" are
// the same), then split into words. Every lexicon entry matches whole words
// or whole phrases only, never a substring: "pela" does not contain "pe",
// "marcação" does not contain "marca". Inflections that should count are
// listed in the lexicon ("patente", "patenteado", "patentear"), so an
// unlisted derivation such as "patenteamento" does not count. A bare
// "marca" is too common ("celular da marca X") to make a trademark case: it
// needs a word of that context beside it ("INPI", "registro", "copiaram") or
// a phrase such as "minha marca".
//
// # Case type, area and complexity
//
// Each case type (lexicon.go) scores 3 per strong phrase it finds, 3 per
// word pair found anywhere in the client's messages ("voo" with "atrasou"),
// and, once identified, 1 per support word. Scores add up per area; the
// highest area wins, and its best case type gives the subarea. Complexity:
//
//   - high when any high signal is present: a high case type (recuperação
//     judicial, falência, patente, marca, societário, contrato internacional)
//     or "várias partes", "liminar", "tutela de urgência";
//   - otherwise low when the leading case type is a simple one (atraso or
//     cancelamento de voo, extravio de bagagem, multa de trânsito, cobrança
//     indevida, nome sujo/negativação);
//   - otherwise medium.
//
// The strategy is triagem.StrategyFor(complexity).
//
// # The interview
//
// The interviewer asks one question at a time about the first topic still
// missing, in this order: fatos, datas, partes, documentos, valores,
// tentativas, prazos; medium and high cases also need objetivo, and high
// cases local. A topic is covered when the client's words show it (a date,
// an amount, a party, a document word, a place …) or when it was asked and
// the client answered anything, "não sei" included. A topic is never asked
// twice. Its questions are recognised in later turns by their text (or, for
// another interviewer's messages, by cue words), so the interviewer keeps no
// state.
//
// Confidence is 0.1 + 0.5·coverage + 0.4·clarity, where coverage is the
// share of required topics covered and clarity = min(1, best/6) ·
// (best − second)/best over the area scores. The interview ends when every
// required topic is covered and confidence reaches Config.CompleteConfidence
// (0.7), after Config's question limit (5, 8 or 10 questions for low, medium
// or high), or when nothing is left to ask (after one clarifying question
// when the area stays unclear).
//
// # Extraction and analyzers
//
// Extract turns a conversation into triagem.TriageData with the same rules;
// RulesAnalyzer wraps it. LexiconAnalyzer scores a weighted bag of words
// instead, so the two can disagree and an ensemble vote means something.
// Urgency is the smallest of the hours implied by urgent words (prisão 12,
// liminar/despejo/amanhã 24, urgente 48, audiência 72) and explicit
// deadlines ("em 5 dias" is 120), or else a default for the area.
package interview
