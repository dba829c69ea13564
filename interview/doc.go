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
// # The area model
//
// Which of the 17 areas (and which subarea) a conversation is about is read
// by two things combined (model.go): a multinomial logistic regression over
// the client's words, and a weighted lexicon of area terms (model_lexicon.go).
//
//   - Features (classifier_features.go): accent-folded, lower-cased words
//     with a light Portuguese stemmer ("demitido", "demitida", "demitiram"
//     → "demit"), pairs of consecutive stems, and the character 3- to
//     5-grams of each word (typos: "trabaiava" shares most grams with
//     "trabalhava"); function words dropped; log-damped counts, unit length;
//     features hashed to 64 bits; only features found in at least three
//     training descriptions get weights (rarer ones fit nothing but the
//     description they come from: dropping them halves the model and
//     leaves the cross-validated area accuracy as it was).
//   - The lexicon: about 2,000 phrases written for this engine, each with an
//     area, often a subarea, and a weight 1–5, matched on stems, longest
//     phrase first (so "pensão por morte" is not also "pensão"); a phrase
//     preceded closely by a negation ("não fui demitido") counts half for its
//     area and nothing for its subarea; phrases of weight 0 mask ordinary
//     words that stem like legal ones ("posso"/"posse", "marcado"/"marca").
//   - An area's score is the classifier's log-odds plus half the lexicon's
//     weight; a softmax over the 17 gives the ranked alternatives. The
//     subarea is the best of the area's subareas by a naive Bayes classifier
//     over subarea labels plus the lexicon's subarea weights (the area's
//     general subarea when the text carries almost no evidence). The case
//     type comes from the case rules of lexicon.go within that area.
//   - Filler turns ("não sei", "só isso", "ok") are dropped before reading,
//     so they never dilute the estimate; every turn re-reads the whole
//     conversation.
//
// The classifiers are fitted ahead of time, not at start-up: go generate
// ./interview/ runs internal/genmodel, which fits them from the corpus
// embedded with go:embed (testdata/corpus/*.jsonl, see testdata/WRITING.md)
// deterministically (fixed example order and seed, sums in a fixed order:
// the same corpus gives the same bytes) and writes model.bin (format in
// model_file.go: float32 weights as fitted, sparse rows for the naive Bayes
// matrix, a header with SHA-256 hashes of the corpus files and of the fit
// and feature settings). The package embeds model.bin and decodes it the
// first time the process needs it (New does it up front), keeping it for
// the life of the process behind a sync.OnceValue: an immutable value, not
// mutable state. TestShippedModelIsCurrent fails when the corpus or the
// settings no longer match the file's hashes, and
// TestShippedModelMatchesFreshFit (skipped by -short) when a fresh fit
// would not give the same bytes: after changing either, run go generate
// ./interview/ and commit model.bin. Fit stays for triagem eval -cv, which
// refits on every fold.
//
// Measured on the 1,772 shipped descriptions (one core): model.bin is
// 2.9 MB (19,533 features, 17 areas, 98 subareas); decoding it takes about
// 8 ms and allocates 9.6 MiB (BenchmarkLoadShippedModel), and the first New
// of a process, lexicon included, about 25 ms, against 1.3–1.6 s and
// 185 MiB allocated when the model was fitted at start-up. Fitting costs
// about 1 s and 115 MiB allocated (BenchmarkFitModel), paid only by go
// generate and by each fold of a cross-validation. Reading a ten-message
// conversation costs about 0.35 ms of CPU, a whole turn about 0.9 ms
// (BenchmarkEstimateArea, BenchmarkNext). `triagem eval` measures the
// accuracy (README: "The engine, measured").
//
// Complexity is the subarea's base plus weighted factors (complexity.go);
// the strategy is triagem.StrategyFor(complexity), except that a simple case
// the engine is unsure of (confidence below 0.5) fails over.
//
// # The interview
//
// The interviewer asks one question at a time: what happened, when the
// client has not said; then the facts a lawyer of the estimated area needs
// first (questions.go: for labour the dates of admission and dismissal,
// carteira assinada, salary and what was paid; for consumer cases the
// company, the purchase date and protocol numbers; for INSS the benefit and
// the date of the denial; for criminal cases whether someone is detained
// now; for family cases the children and their ages; one or two for every
// other area), asked only once the area is clear (top score at least 0.5);
// then the first general topic still missing, in this order: fatos, datas,
// partes, documentos, valores, tentativas, prazos; medium and high cases
// also need objetivo, and high cases local. The general questions are worded
// for the area where the default examples would be out of place (a labour
// case is never asked about Procon, boletim de ocorrência or despejo).
//
// A topic is covered when the client's words show it (a date, an amount, a
// party, a document word, a place …) or when it was asked and the client
// answered anything, "não sei" included; an area question, once answered,
// also covers the general topics it asked for. No question is asked twice.
// Questions are recognised in later turns by their text (or, for another
// interviewer's messages, by cue words), so the interviewer keeps no state.
//
// Confidence is 0.1 + 0.5·coverage + 0.4·clarity, where coverage is the
// share of required topics covered and clarity is the estimate's evidence
// (0..1) times the margin between its two best areas. The interview ends
// when every required topic is covered and confidence reaches
// Config.CompleteConfidence (0.7), after Config's question limit (5, 8 or
// 10 questions for low, medium or high), or when nothing is left to ask
// (after one clarifying question when the area stays unclear). A turn whose
// client signals danger now carries the safety notice (safety.go).
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
