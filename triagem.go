// Package triagem holds the domain language of the legal-case triage service:
// cases, messages, assessments, results, events, and the interfaces that the
// subpackages implement (Store, Bus, Interviewer, Analyzer). It imports none of
// its subpackages; dependencies live at the edges (see README, "Layout").
package triagem

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
)

// Status is where a case is in its life.
type Status string

// Statuses. A case moves interviewing → analyzing → completed, or to failed.
const (
	StatusInterviewing Status = "interviewing"
	StatusAnalyzing    Status = "analyzing"
	StatusCompleted    Status = "completed"
	StatusFailed       Status = "failed"
)

// Statuses lists every status, in life order.
var Statuses = []Status{StatusInterviewing, StatusAnalyzing, StatusCompleted, StatusFailed}

// Complexity is the interviewer's estimate of how hard a case is.
type Complexity string

// Complexity levels.
const (
	ComplexityLow    Complexity = "low"
	ComplexityMedium Complexity = "medium"
	ComplexityHigh   Complexity = "high"
)

// Strategy is how the background analysis runs.
type Strategy string

// Strategies: simple uses the interviewer's own extraction; failover tries
// analyzers in order until one succeeds; ensemble runs several in parallel and
// combines them by vote (and a judge where they disagree).
const (
	StrategySimple   Strategy = "simple"
	StrategyFailover Strategy = "failover"
	StrategyEnsemble Strategy = "ensemble"
)

// StrategyFor is the strategy a complexity level calls for.
func StrategyFor(c Complexity) Strategy {
	switch c {
	case ComplexityLow:
		return StrategySimple
	case ComplexityHigh:
		return StrategyEnsemble
	default:
		return StrategyFailover
	}
}

// FlowType names the analysis flow a strategy runs, as reported to clients.
type FlowType string

// Flow types, one per strategy.
const (
	FlowDirectSimple     FlowType = "direct_simple"
	FlowStandardAnalysis FlowType = "standard_analysis"
	FlowEnsembleAnalysis FlowType = "ensemble_analysis"
)

// FlowType is the flow this strategy runs.
func (s Strategy) FlowType() FlowType {
	switch s {
	case StrategySimple:
		return FlowDirectSimple
	case StrategyEnsemble:
		return FlowEnsembleAnalysis
	default:
		return FlowStandardAnalysis
	}
}

// Role is what a caller may do.
type Role string

// Roles: a client reaches only its own cases; staff (the firm's people)
// read and handle every case but cannot manage queues; a service may also
// publish custom events; an admin reaches everything.
const (
	RoleClient  Role = "client"
	RoleStaff   Role = "staff"
	RoleAdmin   Role = "admin"
	RoleService Role = "service"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleClient || r == RoleStaff || r == RoleAdmin || r == RoleService
}

// ReadsAllCases reports whether r sees every case, not only its own.
func (r Role) ReadsAllCases() bool { return r == RoleStaff || r == RoleAdmin }

// Case is one person's legal problem going through triage.
type Case struct {
	ID         string     `json:"case_id"`
	OwnerID    string     `json:"owner_id"`
	Status     Status     `json:"status"`
	Complexity Complexity `json:"complexity"`
	Confidence float64    `json:"confidence"`
	Strategy   Strategy   `json:"strategy"`
	// Area is the current estimate of the legal area.
	Area Area `json:"area"`
	// Subarea is the interviewer's estimate, then the result's.
	Subarea Subarea `json:"subarea,omitempty"`
	// UrgencyH and Summary come from the result (0 and empty until there
	// is one); the store copies them so that lists sort and show them.
	UrgencyH int    `json:"urgency_h,omitempty"`
	Summary  string `json:"summary,omitempty"`
	// Questions counts the questions the interviewer has asked, greeting excluded.
	Questions int `json:"questions"`
	// Error is why the case failed, when it did.
	Error string `json:"error,omitempty"`
	// ForcedReason is the reason given to force-complete, when one was.
	ForcedReason string `json:"forced_reason,omitempty"`
	// ConsentAt is when the client accepted the data notice; zero when the
	// case was started without it (API clients).
	ConsentAt time.Time `json:"consent_at,omitzero"`
	CreatedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version grows by one on every write; writes carry the version they read
	// so that two concurrent turns cannot both win (optimistic locking).
	Version int64 `json:"-"`
}

// MessageRole says who wrote a message.
type MessageRole string

// Message authors.
const (
	AuthorClient      MessageRole = "client"
	AuthorInterviewer MessageRole = "interviewer"
)

// Message is one line of the conversation.
type Message struct {
	CaseID string      `json:"case_id"`
	Index  int         `json:"index"` // 0, 1, 2 … within the case
	Role   MessageRole `json:"role"`
	Text   string      `json:"text"`
	At     time.Time   `json:"at"`
}

// Assessment is the interviewer's reading of the case after a turn.
type Assessment struct {
	Complexity Complexity `json:"complexity"`
	Confidence float64    `json:"confidence"` // 0..1
	Strategy   Strategy   `json:"strategy"`
	Area       Area       `json:"area"`
	Subarea    Subarea    `json:"subarea"`
	// SafetyNotice, when set, tells a person in danger now where to call
	// (190, 180, 100); it is shown before anything else.
	SafetyNotice string `json:"safety_notice,omitempty"`
	// Complete is true when the interviewer has what it needs.
	Complete bool `json:"complete"`
	// Missing lists the topics still unknown, most important first.
	Missing []string `json:"missing,omitempty"`
}

// Turn is the interviewer's answer to the conversation so far.
type Turn struct {
	Reply      string     `json:"reply"`
	Assessment Assessment `json:"assessment"`
}

// Interviewer conducts the conversation. Implementations must be safe for
// concurrent use and must not keep per-case state: everything they need is in
// the messages.
type Interviewer interface {
	// Greeting is the first message of every case.
	Greeting(ctx context.Context) (string, error)
	// Next reads the conversation (greeting and every turn, the client's last
	// message included) and returns the reply and the assessment.
	Next(ctx context.Context, messages []Message) (Turn, error)
}

// AnalysisInput is what an analyzer reads.
type AnalysisInput struct {
	CaseID     string     `json:"case_id"`
	Messages   []Message  `json:"messages"`
	Assessment Assessment `json:"assessment"`
}

// Analyzer turns a conversation into structured triage data.
type Analyzer interface {
	// Name identifies the analyzer in results and task logs.
	Name() string
	Analyze(ctx context.Context, in AnalysisInput) (TriageData, error)
}

// TriageData is the structured reading of a case.
type TriageData struct {
	// Area is the legal area; in JSON "area_id" is its slug and "area" its
	// display name (see MarshalJSON).
	Area    Area    `json:"area_id"`
	Subarea Subarea `json:"subarea"`
	// UrgencyH is within how many hours the client should get help.
	UrgencyH int `json:"urgency_h"`
	// UrgencyReason says which rule set UrgencyH, in Portuguese.
	UrgencyReason string `json:"urgency_reason"`
	// Summary is one composed Portuguese sentence of at most 240 characters.
	Summary   string    `json:"summary"`
	Keywords  []string  `json:"keywords"`
	Sentiment Sentiment `json:"sentiment"`
	// Distress is true when the client shows fear, despair or urgency.
	Distress          bool     `json:"distress"`
	CaseType          string   `json:"case_type"`
	ComplexityFactors []string `json:"complexity_factors"`
	// NextSteps are 2–5 concrete steps for the area and subarea.
	NextSteps []string `json:"next_steps"`
	// Documents are what the client should gather.
	Documents []string `json:"documents"`
	// DeadlineWarning names a well-established legal time limit that
	// applies, with its source; empty when none does.
	DeadlineWarning string `json:"deadline_warning,omitempty"`
	// SafetyNotice is set when the description signals danger now.
	SafetyNotice     string            `json:"safety_notice,omitempty"`
	AreaAlternatives []AreaAlternative `json:"area_alternatives"`
	Entities         Entities          `json:"entities"`
}

// AreaAlternative is one candidate area with its score (0..1).
type AreaAlternative struct {
	Area  Area    `json:"area_id"`
	Score float64 `json:"score"`
}

// MarshalJSON adds the display names: "area" (and "subarea_name",
// "urgency_level") beside the slugs, so that clients never map slugs to
// words themselves.
func (d TriageData) MarshalJSON() ([]byte, error) {
	type plain TriageData
	return json.Marshal(struct {
		AreaName string `json:"area"`
		plain
		SubareaName  string       `json:"subarea_name"`
		UrgencyLevel UrgencyLevel `json:"urgency_level"`
	}{d.Area.Name(), plain(d), SubareaName(d.Subarea), UrgencyLevelFor(d.UrgencyH).ID})
}

// UnmarshalJSON reads what MarshalJSON writes, and rows stored before the
// 17-area taxonomy (whose "area" held a slug and had no "area_id").
func (d *TriageData) UnmarshalJSON(b []byte) error {
	type plain TriageData
	var v struct {
		AreaName string `json:"area"`
		plain
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = TriageData(v.plain)
	if d.Area == "" && v.AreaName != "" {
		a, err := ParseArea(v.AreaName)
		if err != nil {
			return err
		}
		d.Area = a
	}
	return nil
}

// MarshalJSON adds the area's display name as "area".
func (a AreaAlternative) MarshalJSON() ([]byte, error) {
	type plain AreaAlternative
	return json.Marshal(struct {
		Name string `json:"area"`
		plain
	}{a.Area.Name(), plain(a)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (a *AreaAlternative) UnmarshalJSON(b []byte) error {
	type plain AreaAlternative
	var v struct {
		Name string `json:"area"`
		plain
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*a = AreaAlternative(v.plain)
	if a.Area == "" && v.Name != "" {
		parsed, err := ParseArea(v.Name)
		if err != nil {
			return err
		}
		a.Area = parsed
	}
	return nil
}

// Entities are the things named in the conversation.
type Entities struct {
	Parties   []string `json:"parties"`
	Dates     []string `json:"dates"`
	Amounts   []string `json:"amounts"`
	Locations []string `json:"locations"`
}

// Result is the outcome of a completed triage.
type Result struct {
	CaseID              string          `json:"case_id"`
	StrategyUsed        Strategy        `json:"strategy_used"`
	ComplexityLevel     Complexity      `json:"complexity_level"`
	ConfidenceScore     float64         `json:"confidence_score"`
	FlowType            FlowType        `json:"flow_type"`
	TriageData          TriageData      `json:"triage_data"`
	ConversationSummary string          `json:"conversation_summary"`
	ProcessingTimeMS    int64           `json:"processing_time_ms"`
	AnalysisDetails     AnalysisDetails `json:"analysis_details"`
	CreatedAt           time.Time       `json:"created_at"`
}

// AnalysisDetails explains how a result was reached.
type AnalysisDetails struct {
	Analyzers []AnalyzerRun `json:"analyzers"`
	// Agreement is the share of analyzers that agreed with the chosen area
	// (1 for a single analyzer).
	Agreement float64 `json:"agreement"`
	// Judge names the analyzer that settled a disagreement, when one did.
	Judge string `json:"judge,omitempty"`
	// Forced is true when the interview was cut short by force-complete.
	Forced       bool   `json:"forced"`
	ForcedReason string `json:"forced_reason,omitempty"`
}

// AnalyzerRun records one analyzer's part in a result.
type AnalyzerRun struct {
	Name       string `json:"name"`
	OK         bool   `json:"ok"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	Area       Area   `json:"area,omitempty"`
}

// TxHook runs inside the transaction that writes a case, so that work queued
// there (a background job) commits or rolls back with the case.
type TxHook func(ctx context.Context, tx *sql.Tx) error

// CaseWrite is one atomic change to a case: the new case row, messages to
// append and an optional result, all committed together.
type CaseWrite struct {
	Case *Case
	// Messages are appended after the stored ones; their Index is assigned.
	Messages []Message
	// Result, when set, is stored (replacing any earlier one).
	Result *Result
	// Hook, when set, runs in the same transaction after the writes.
	Hook TxHook
}

// Store persists cases, their messages and results.
//
// Every method returns an *Error with ENOTFOUND when the case does not exist
// and ECONFLICT when CaseWrite finds that the case changed since it was read.
type Store interface {
	// CaseCreate inserts a new case (Version 1) with its first messages.
	CaseCreate(ctx context.Context, w CaseWrite) error
	// CaseGet returns one case.
	CaseGet(ctx context.Context, id string) (*Case, error)
	// CaseUpdate writes w.Case if the stored version equals w.Case.Version,
	// then bumps w.Case.Version and UpdatedAt, appends w.Messages, stores
	// w.Result and runs w.Hook, all in one transaction.
	CaseUpdate(ctx context.Context, w CaseWrite) error
	// CaseDelete erases a case with its messages, result, contact details,
	// handling and notes.
	CaseDelete(ctx context.Context, id string) error
	// CaseCountByStatus counts cases per status (every status present, zero
	// included).
	CaseCountByStatus(ctx context.Context) (map[Status]int, error)
	// CaseListUpdatedBefore returns up to limit ids of cases last written
	// before t, oldest first (retention clean-up).
	CaseListUpdatedBefore(ctx context.Context, t time.Time, limit int) ([]string, error)
	// MessageList returns a case's messages in order.
	MessageList(ctx context.Context, caseID string) ([]Message, error)
	// ResultGet returns a case's result; ENOTFOUND when there is none.
	ResultGet(ctx context.Context, caseID string) (*Result, error)
	// CaseList returns one page of case summaries matching q (see CaseQuery).
	// An unreadable cursor is EINVALID.
	CaseList(ctx context.Context, q CaseQuery) (*CasePage, error)
	// CaseSummaryGet returns one case's summary.
	CaseSummaryGet(ctx context.Context, id string) (*CaseSummary, error)
	// ContactPut stores (replacing) the client's contact details; At is set
	// from the store's clock when zero.
	ContactPut(ctx context.Context, caseID string, c *Contact) error
	// ContactGet returns the contact details; ENOTFOUND when none were given.
	ContactGet(ctx context.Context, caseID string) (*Contact, error)
	// HandlingGet returns the firm's handling with its notes; a case the
	// firm has not touched is HandlingNew with no assignee and no notes.
	HandlingGet(ctx context.Context, caseID string) (*Handling, error)
	// HandlingUpdate applies change and returns the handling as stored.
	HandlingUpdate(ctx context.Context, caseID string, change HandlingChange) (*Handling, error)
	// NoteAdd appends a note; ID and At are assigned when empty.
	NoteAdd(ctx context.Context, caseID string, n *Note) error
	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}
