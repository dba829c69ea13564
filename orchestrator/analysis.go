package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/triagem/triagem"
)

// Analyze runs the strategy the interview chose, stores the result, marks
// the case completed and publishes triage_completed. It is idempotent: a case
// already completed returns its stored result, so a retried or rescued job
// never analyses twice. A failed case is analysed again: its task was
// retried on purpose.
func (o *Orchestrator) Analyze(ctx context.Context, caseID string) (*triagem.Result, error) {
	c, err := o.cfg.Store.CaseGet(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: analyze: %w", err)
	}
	switch c.Status {
	case triagem.StatusCompleted:
		return o.cfg.Store.ResultGet(ctx, caseID)
	case triagem.StatusAnalyzing, triagem.StatusFailed:
	default:
		return nil, fmt.Errorf("orchestrator: analyze: case %s is %s", caseID, c.Status)
	}
	messages, err := o.cfg.Store.MessageList(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: analyze: %w", err)
	}
	began := time.Now()
	in := triagem.AnalysisInput{CaseID: caseID, Messages: messages, Assessment: assessmentOf(c)}
	data, details, err := o.runStrategy(ctx, c.Strategy, in)
	if err != nil {
		return nil, fmt.Errorf("orchestrator: analyze case %s: %w", caseID, err)
	}
	data = o.complete(ctx, in, data)
	details.Forced = c.ForcedReason != ""
	details.ForcedReason = c.ForcedReason
	result := &triagem.Result{
		CaseID:              caseID,
		StrategyUsed:        c.Strategy,
		ComplexityLevel:     c.Complexity,
		ConfidenceScore:     c.Confidence,
		FlowType:            c.Strategy.FlowType(),
		TriageData:          data,
		ConversationSummary: conversationSummary(messages, c, data),
		ProcessingTimeMS:    time.Since(began).Milliseconds(),
		AnalysisDetails:     details,
		CreatedAt:           o.now(),
	}
	c.Status = triagem.StatusCompleted
	c.Error = ""
	c.Area = data.Area
	if err := o.cfg.Store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Result: result}); err != nil {
		if triagem.IsCode(err, triagem.ECONFLICT) {
			// Another worker finished first (a rescued job racing the
			// original): its stored result stands.
			return o.cfg.Store.ResultGet(ctx, caseID)
		}
		return nil, fmt.Errorf("orchestrator: store result: %w", err)
	}
	o.log.InfoContext(ctx, "case analysed", "case_id", caseID, "strategy", c.Strategy,
		"area", data.Area, "ms", result.ProcessingTimeMS)
	o.publish(ctx, caseID, triagem.TriageCompleted{Status: c.Status, Result: result})
	return result, nil
}

// Fail marks a case failed with reason and publishes triage_failed. A
// completed case is left as it is; a failed one (a retried task that failed
// again) takes the new reason.
func (o *Orchestrator) Fail(ctx context.Context, caseID, reason string) error {
	return o.fail(ctx, caseID, reason, triagem.StatusAnalyzing, triagem.StatusFailed)
}

// Abandon marks a case failed with reason only while it is analyzing: its
// analysis was given up (a worker died on the last attempt) and nothing else
// will finish it.
func (o *Orchestrator) Abandon(ctx context.Context, caseID, reason string) error {
	return o.fail(ctx, caseID, reason, triagem.StatusAnalyzing)
}

// fail moves a case in one of the from statuses to failed.
func (o *Orchestrator) fail(ctx context.Context, caseID, reason string, from ...triagem.Status) error {
	c, err := o.cfg.Store.CaseGet(ctx, caseID)
	if err != nil {
		if triagem.IsCode(err, triagem.ENOTFOUND) {
			return nil
		}
		return fmt.Errorf("orchestrator: fail: %w", err)
	}
	if !slices.Contains(from, c.Status) {
		return nil
	}
	c.Status = triagem.StatusFailed
	c.Error = reason
	if err := o.cfg.Store.CaseUpdate(ctx, triagem.CaseWrite{Case: c}); err != nil {
		return fmt.Errorf("orchestrator: fail case %s: %w", caseID, err)
	}
	o.log.WarnContext(ctx, "case failed", "case_id", caseID, "reason", reason)
	o.publish(ctx, caseID, triagem.TriageFailed{Status: c.Status, Error: reason})
	return nil
}

func assessmentOf(c *triagem.Case) triagem.Assessment {
	return triagem.Assessment{
		Complexity: c.Complexity,
		Confidence: c.Confidence,
		Strategy:   c.Strategy,
		Area:       c.Area,
		Complete:   true,
	}
}

// completer fills what an analyzer left out (an LLM that gave no steps, a
// deadline outside the closed list, an overlong summary …) for the area
// the analyzer chose. The built-in analyzer implements it; the
// orchestrator uses it when Config.Simple does.
type completer interface {
	Complete(ctx context.Context, in triagem.AnalysisInput, d triagem.TriageData) triagem.TriageData
}

// complete runs Config.Simple's completion over data, when it has one.
func (o *Orchestrator) complete(ctx context.Context, in triagem.AnalysisInput, data triagem.TriageData) triagem.TriageData {
	if c, ok := o.cfg.Simple.(completer); ok {
		return c.Complete(ctx, in, data)
	}
	return data
}

func (o *Orchestrator) runStrategy(ctx context.Context, s triagem.Strategy, in triagem.AnalysisInput) (triagem.TriageData, triagem.AnalysisDetails, error) {
	switch s {
	case triagem.StrategySimple:
		return runFailover(ctx, []triagem.Analyzer{o.cfg.Simple}, in)
	case triagem.StrategyEnsemble:
		return runEnsemble(ctx, o.cfg.Analyzers, o.cfg.Judge, in)
	default:
		return runFailover(ctx, o.cfg.Analyzers, in)
	}
}

// runFailover tries analyzers in order until one succeeds.
func runFailover(ctx context.Context, chain []triagem.Analyzer, in triagem.AnalysisInput) (triagem.TriageData, triagem.AnalysisDetails, error) {
	var details triagem.AnalysisDetails
	var errs []error
	for _, a := range chain {
		run, data, err := runOne(ctx, a, in)
		details.Analyzers = append(details.Analyzers, run)
		if err == nil {
			details.Agreement = 1
			return data, details, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", a.Name(), err))
		if ctx.Err() != nil {
			break
		}
	}
	return triagem.TriageData{}, details, fmt.Errorf("every analyzer failed: %w", errors.Join(errs...))
}

// runEnsemble runs every analyzer at once and combines the answers: the area
// most of them chose wins; on a tie the judge (or, without one, the first
// analyzer in order) decides. Lists are merged from the analyzers that agree.
func runEnsemble(ctx context.Context, analyzers []triagem.Analyzer, judge triagem.Analyzer, in triagem.AnalysisInput) (triagem.TriageData, triagem.AnalysisDetails, error) {
	runs := make([]triagem.AnalyzerRun, len(analyzers))
	datas := make([]triagem.TriageData, len(analyzers))
	errs := make([]error, len(analyzers))
	var wg sync.WaitGroup
	for i, a := range analyzers {
		wg.Go(func() { runs[i], datas[i], errs[i] = runOne(ctx, a, in) })
	}
	wg.Wait()
	var ok []triagem.TriageData
	for i := range analyzers {
		if errs[i] == nil {
			ok = append(ok, datas[i])
		}
	}
	details := triagem.AnalysisDetails{Analyzers: runs}
	if len(ok) == 0 {
		return triagem.TriageData{}, details, fmt.Errorf("every analyzer failed: %w", errors.Join(errs...))
	}
	area, votes, tied := voteArea(ok)
	var verdict *triagem.TriageData
	if tied && judge != nil {
		run, v, err := runOne(ctx, judge, in)
		details.Analyzers = append(details.Analyzers, run)
		if err == nil {
			area, details.Judge, verdict = v.Area, judge.Name(), &v
			votes = countArea(ok, area)
		}
	}
	details.Agreement = float64(votes) / float64(len(ok))
	return mergeAgreeing(ok, area, verdict), details, nil
}

func runOne(ctx context.Context, a triagem.Analyzer, in triagem.AnalysisInput) (triagem.AnalyzerRun, triagem.TriageData, error) {
	began := time.Now()
	data, err := a.Analyze(ctx, in)
	run := triagem.AnalyzerRun{Name: a.Name(), OK: err == nil, DurationMS: time.Since(began).Milliseconds(), Area: data.Area}
	if err != nil {
		run.Error = err.Error()
		run.Area = ""
	}
	return run, data, err
}

// voteArea returns the most chosen area (earliest analyzer first on ties),
// its votes and whether another area had as many.
func voteArea(datas []triagem.TriageData) (area triagem.Area, votes int, tied bool) {
	for _, d := range datas {
		n := countArea(datas, d.Area)
		switch {
		case n > votes:
			area, votes, tied = d.Area, n, false
		case n == votes && d.Area != area:
			tied = true
		}
	}
	return area, votes, tied
}

func countArea(datas []triagem.TriageData, area triagem.Area) int {
	n := 0
	for _, d := range datas {
		if d.Area == area {
			n++
		}
	}
	return n
}

// mergeAgreeing keeps the result coherent: the first analyzer that chose
// area is the base, so the subarea, case type, summary, steps, documents,
// deadline warning and alternatives all come from one reading of that
// area; the others that agree add keywords, factors and entities. Safety
// comes from every analyzer: the first safety notice any of them gave is
// kept, distress from any, and the urgency is the smallest of all, with its
// reason. When no analyzer chose area (a judge's own pick), the judge's
// verdict is the base.
func mergeAgreeing(datas []triagem.TriageData, area triagem.Area, verdict *triagem.TriageData) triagem.TriageData {
	var out triagem.TriageData
	found := false
	for _, d := range datas {
		if d.Area != area {
			continue
		}
		if !found {
			out, found = cloneData(d), true
			continue
		}
		out.Keywords = union(out.Keywords, d.Keywords)
		out.ComplexityFactors = union(out.ComplexityFactors, d.ComplexityFactors)
		out.Entities.Parties = union(out.Entities.Parties, d.Entities.Parties)
		out.Entities.Dates = union(out.Entities.Dates, d.Entities.Dates)
		out.Entities.Amounts = union(out.Entities.Amounts, d.Entities.Amounts)
		out.Entities.Locations = union(out.Entities.Locations, d.Entities.Locations)
	}
	if !found {
		base := datas[0]
		if verdict != nil && verdict.Area == area {
			base = *verdict
		}
		out = cloneData(base)
		if out.Area != area {
			// Nobody read this area: nothing area-specific of another
			// area may stay (the completion fills them for area).
			out.Area, out.Subarea, out.CaseType = area, "", ""
			out.NextSteps, out.Documents, out.DeadlineWarning, out.AreaAlternatives = []string{}, []string{}, "", nil
		}
	}
	for _, d := range datas {
		if d.UrgencyH > 0 && (out.UrgencyH <= 0 || d.UrgencyH < out.UrgencyH) {
			out.UrgencyH, out.UrgencyReason = d.UrgencyH, d.UrgencyReason
		}
		if out.SafetyNotice == "" {
			out.SafetyNotice = d.SafetyNotice
		}
		out.Distress = out.Distress || d.Distress
	}
	out.Distress = out.Distress || out.SafetyNotice != ""
	return out
}

func cloneData(d triagem.TriageData) triagem.TriageData {
	d.Keywords = union(nil, d.Keywords)
	d.NextSteps = union(nil, d.NextSteps)
	d.Documents = union(nil, d.Documents)
	d.AreaAlternatives = append([]triagem.AreaAlternative{}, d.AreaAlternatives...)
	d.ComplexityFactors = union(nil, d.ComplexityFactors)
	d.Entities.Parties = union(nil, d.Entities.Parties)
	d.Entities.Dates = union(nil, d.Entities.Dates)
	d.Entities.Amounts = union(nil, d.Entities.Amounts)
	d.Entities.Locations = union(nil, d.Entities.Locations)
	return d
}

// union appends the items of b missing from a; the result is never nil, so
// it serialises as [] rather than null.
func union(a, b []string) []string {
	out := append(make([]string, 0, len(a)+len(b)), a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// conversationSummary says how the interview went, without repeating the
// client's words (those are in the triage summary).
func conversationSummary(messages []triagem.Message, c *triagem.Case, data triagem.TriageData) string {
	answers := 0
	for _, m := range messages {
		if m.Role == triagem.AuthorClient {
			answers++
		}
	}
	label := map[triagem.Complexity]string{
		triagem.ComplexityLow: "baixa", triagem.ComplexityMedium: "média", triagem.ComplexityHigh: "alta",
	}[c.Complexity]
	var b strings.Builder
	subject := data.Area.Name()
	if name := triagem.SubareaName(data.Subarea); name != "" {
		subject += " (" + name + ")"
	}
	fmt.Fprintf(&b, "Entrevista com %d resposta(s) do cliente. Caso da área %s, complexidade %s, confiança %.0f%%.",
		answers, subject, label, c.Confidence*100)
	if c.ForcedReason != "" {
		fmt.Fprintf(&b, " Entrevista encerrada antes do fim: %s.", c.ForcedReason)
	}
	return b.String()
}
