// Package llm is Triagem's interviewer, analyzers and judge on any
// OpenAI-compatible Chat Completions endpoint (OpenAI itself, Azure's
// OpenAI-compatible route, vLLM, Ollama, llama.cpp, LiteLLM …), through the
// official OpenAI Go SDK.
//
// # Analyzers and judge
//
// An Analyzer sends the conversation to one model with a Portuguese system
// prompt that describes the triage JSON (area, subarea, urgency_h,
// urgency_reason, summary, keywords, sentiment, distress, case_type,
// complexity_factors, next_steps, documents, safety_notice, entities), with
// the 17 areas and their subareas taken from the root taxonomy, and asks for
// it through response_format (a strict json_schema by default, json_object
// for servers without structured outputs). The answer is parsed strictly:
// one JSON object (a ```json fence around it is tolerated), the right JSON
// types, urgency_h a whole number of hours in 1..8760, an area of the root
// taxonomy (so that an ensemble vote compares like with like; "direito do
// consumidor" is read as "consumidor", a legacy "penal" as "criminal"), a
// subarea of that area (else its general one), a sentiment of the root list
// (older names such as "negativo" are mapped), at most five next steps, a
// safety notice only when it names an emergency number (190, 180, 100,
// 188), trimmed strings of sane length without control characters, and
// lists never nil. The deadline warning is never taken from a model: the
// orchestrator completes every result with the built-in engine, whose
// warnings come from a closed list of legal time limits. Anything
// else is an error wrapping ErrInvalidAnswer, so that a failover chain moves
// on to its next analyzer.
//
// NewAnalyzers returns one analyzer per configured model, in order: the
// failover order and the ensemble members. NewJudge returns an analyzer
// whose prompt asks it to settle the legal area of a case on which the
// ensemble disagreed; the orchestrator uses its Area.
//
// # Interviewer
//
// The Interviewer asks its model for the next reply and an assessment
// (complexity, confidence, area, subarea, complete, missing topics) and
// derives the strategy with triagem.StrategyFor. When the model fails — an
// HTTP error, a timeout, an invalid answer — that turn is answered by the
// fallback interviewer (the built-in one), so the conversation never
// breaks; after a failure to reach the model at all it uses the fallback
// alone for Config.Cooldown. The greeting always comes from the fallback.
// An interview ends after Config.MaxQuestions questions whatever the model
// says.
//
// # Privacy and errors
//
// The package never logs message text, and its errors never quote the
// conversation or the model's answer: they name the model, the HTTP status
// and what was wrong. HTTP 401 and 403 wrap ErrUnauthorized, a permanent
// configuration error that retrying does not fix.
package llm
