package triagem

import (
	"encoding/json"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file is the firm's side of a case: how the firm handles it (state,
// assignee, internal notes), the client's contact details for a call-back,
// the words pages show for statuses and handling states, and the case list
// query of the inbox. Like taxonomy.go it is the one list: the API's labels
// and the pages take it from here.

// InboxChannel is the bus key of the firm-wide inbox stream: every case
// change is announced there as an EventCaseUpdated summary. It can never be
// a case id (those are UUIDs), so it shares the bus's history, resume and
// fan-out without colliding with any case.
const InboxChannel = "inbox"

// Events of the inbox stream.
const (
	// EventCaseUpdated carries a case's summary after any committed change.
	EventCaseUpdated = "case_updated"
	// EventCaseErased carries only the case_id of an erased case.
	EventCaseErased = "case_erased"
)

// StatusInfo is a status with its Portuguese name.
type StatusInfo struct {
	ID   Status `json:"id"`
	Name string `json:"name"`
}

var statusNames = []StatusInfo{
	{StatusInterviewing, "Em conversa"},
	{StatusAnalyzing, "Em análise"},
	{StatusCompleted, "Concluído"},
	{StatusFailed, "Falhou"},
}

// StatusInfos lists every status with its name, in life order.
func StatusInfos() []StatusInfo { return append([]StatusInfo(nil), statusNames...) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, info := range statusNames {
		if info.ID == s {
			return true
		}
	}
	return false
}

// HandlingState is where the firm is with a case.
type HandlingState string

// Handling states: every case starts new; the firm marks it contacted once
// it reached the client, and closed when it is done.
const (
	HandlingNew       HandlingState = "new"
	HandlingContacted HandlingState = "contacted"
	HandlingClosed    HandlingState = "closed"
)

// HandlingStateInfo is a handling state with its Portuguese name.
type HandlingStateInfo struct {
	ID   HandlingState `json:"id"`
	Name string        `json:"name"`
}

var handlingStates = []HandlingStateInfo{
	{HandlingNew, "Novo"},
	{HandlingContacted, "Contatado"},
	{HandlingClosed, "Encerrado"},
}

// HandlingStates lists every handling state with its name, in order.
func HandlingStates() []HandlingStateInfo {
	return append([]HandlingStateInfo(nil), handlingStates...)
}

// Valid reports whether h is a known handling state.
func (h HandlingState) Valid() bool {
	for _, info := range handlingStates {
		if info.ID == h {
			return true
		}
	}
	return false
}

// Handling is the firm's data about a case: shown only to staff and admins,
// erased with the case.
type Handling struct {
	State HandlingState `json:"state"`
	// Assignee is the subject of the staff member who took the case; empty
	// when nobody did.
	Assignee  string    `json:"assignee"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Notes are the firm's internal notes, oldest first.
	Notes []Note `json:"notes"`
}

// HandlingChange is a partial update of a case's handling: nil fields stay.
type HandlingChange struct {
	State    *HandlingState
	Assignee *string
}

// MaxAssigneeLength bounds an assignee (a token subject).
const MaxAssigneeLength = 200

// Validate checks the change before anything is stored.
func (c HandlingChange) Validate() error {
	if c.State == nil && c.Assignee == nil {
		return Errorf(EINVALID, "give state or assignee")
	}
	if c.State != nil && !c.State.Valid() {
		return Errorf(EINVALID, "state must be new, contacted or closed")
	}
	if c.Assignee != nil {
		a := *c.Assignee
		if utf8.RuneCountInString(a) > MaxAssigneeLength || !utf8.ValidString(a) || strings.ContainsFunc(a, unicode.IsControl) {
			return Errorf(EINVALID, "assignee must be a subject of at most %d characters on one line", MaxAssigneeLength)
		}
	}
	return nil
}

// Note is one internal note of the firm on a case.
type Note struct {
	ID     string    `json:"id"`
	Author string    `json:"author"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// MaxNoteLength bounds a note, in characters.
const MaxNoteLength = 4000

// CheckNoteText refuses an empty, oversized or malformed note.
func CheckNoteText(text string) error {
	if !utf8.ValidString(text) {
		return Errorf(EINVALID, "note must be valid UTF-8")
	}
	if strings.TrimSpace(text) == "" {
		return Errorf(EINVALID, "note must not be empty")
	}
	if utf8.RuneCountInString(text) > MaxNoteLength {
		return Errorf(EINVALID, "note is longer than %d characters", MaxNoteLength)
	}
	return nil
}

// Contact is how the client asks a lawyer to reach them. It is stored with
// the case, erased with it, and never logged.
type Contact struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	Phone string    `json:"phone"`
	At    time.Time `json:"at"`
}

// Bounds of contact fields.
const (
	MaxContactNameLength = 120
	MaxEmailLength       = 254
	MinPhoneDigits       = 8
	MaxPhoneDigits       = 15
)

// Normalize trims the fields and checks them: at least an e-mail or a phone,
// an e-mail that is a plain address, a phone of 8 to 15 digits written with
// digits, spaces, "+", "-", "(" and ")". Errors are EINVALIDCONTACT.
func (c Contact) Normalize() (Contact, error) {
	c.Name = strings.TrimSpace(c.Name)
	c.Email = strings.TrimSpace(c.Email)
	c.Phone = strings.TrimSpace(c.Phone)
	if c.Email == "" && c.Phone == "" {
		return c, Errorf(EINVALIDCONTACT, "give an e-mail or a phone")
	}
	if !utf8.ValidString(c.Name) || utf8.RuneCountInString(c.Name) > MaxContactNameLength || strings.ContainsFunc(c.Name, unicode.IsControl) {
		return c, Errorf(EINVALIDCONTACT, "name must be at most %d characters on one line", MaxContactNameLength)
	}
	if c.Email != "" && !plainEmail(c.Email) {
		return c, Errorf(EINVALIDCONTACT, "e-mail is not a valid address")
	}
	if c.Phone != "" && !plainPhone(c.Phone) {
		return c, Errorf(EINVALIDCONTACT, "phone must have %d to %d digits", MinPhoneDigits, MaxPhoneDigits)
	}
	return c, nil
}

func plainEmail(s string) bool {
	if len(s) > MaxEmailLength {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".")
}

func plainPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= MinPhoneDigits && digits <= MaxPhoneDigits
}

// CaseSummary is one line of the inbox: the case with the firm's handling
// state and whether the client left contact details.
type CaseSummary struct {
	Case       Case
	Handling   HandlingState
	Assignee   string
	HasContact bool
}

// CaseSort orders a case list.
type CaseSort string

// Sorts: by urgency (most urgent first, cases with no urgency yet last,
// then newest first), or by last update (newest first).
const (
	SortUrgency CaseSort = "urgency"
	SortUpdated CaseSort = "updated"
)

// Case list bounds.
const (
	CaseListLimitDefault = 50
	CaseListLimitMax     = 200
)

// CaseQuery filters and pages a case list. Zero fields do not filter.
type CaseQuery struct {
	// OwnerID limits the list to one client's cases.
	OwnerID  string
	Status   Status
	Area     Area
	Urgency  UrgencyLevel
	Handling HandlingState
	Sort     CaseSort
	// Limit defaults to CaseListLimitDefault and is capped at CaseListLimitMax.
	Limit int
	// Cursor is the NextCursor of the previous page; empty for the first.
	Cursor string
}

// Validate checks the filters' values.
func (q CaseQuery) Validate() error {
	if q.Status != "" && !q.Status.Valid() {
		return Errorf(EINVALID, "unknown status %q", q.Status)
	}
	if q.Area != "" && !q.Area.Valid() {
		return Errorf(EINVALID, "unknown area %q", q.Area)
	}
	if q.Urgency != "" && !q.Urgency.Valid() {
		return Errorf(EINVALID, "unknown urgency level %q", q.Urgency)
	}
	if q.Handling != "" && !q.Handling.Valid() {
		return Errorf(EINVALID, "unknown handling state %q", q.Handling)
	}
	if q.Sort != "" && q.Sort != SortUrgency && q.Sort != SortUpdated {
		return Errorf(EINVALID, "sort must be urgency or updated")
	}
	if q.Limit < 0 {
		return Errorf(EINVALID, "limit must be positive")
	}
	return nil
}

// CasePage is one page of a case list.
type CasePage struct {
	Cases []CaseSummary
	// NextCursor fetches the next page; empty on the last.
	NextCursor string
}

// Valid reports whether l is a known urgency level.
func (l UrgencyLevel) Valid() bool {
	for _, info := range urgencyLevels {
		if info.ID == l {
			return true
		}
	}
	return false
}

// HourRange is the urgency_h range of level l: from min to max hours,
// both included; max 0 means no upper bound.
func (l UrgencyLevel) HourRange() (minHours, maxHours int) {
	low := 1
	for _, info := range urgencyLevels {
		if info.ID == l {
			return low, info.MaxHours
		}
		low = info.MaxHours + 1
	}
	return 0, 0
}

// CaseUpdated is sent on the firm's inbox after every committed change of
// a case (started, a turn, completed, failed): the case's summary as the
// list shows it, slugs with their display names. A case list (GET
// /api/v2/triage/cases) shows the same object per case.
type CaseUpdated struct {
	CaseID       string          `json:"case_id"`
	Status       Status          `json:"status"`
	AreaID       Area            `json:"area_id,omitempty"`
	Area         string          `json:"area,omitempty"`
	Subarea      Subarea         `json:"subarea,omitempty"`
	SubareaName  string          `json:"subarea_name,omitempty"`
	UrgencyH     int             `json:"urgency_h,omitempty"`
	UrgencyLevel UrgencyLevel    `json:"urgency_level,omitempty"`
	Summary      string          `json:"summary,omitempty"`
	Complexity   Complexity      `json:"complexity,omitempty"`
	Handling     SummaryHandling `json:"handling"`
	HasContact   bool            `json:"has_contact"`
	ConsentAt    time.Time       `json:"consent_at,omitzero"`
	StartedAt    time.Time       `json:"started_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// SummaryHandling is the firm's handling as a case summary shows it: a
// case nobody has touched yet is new.
type SummaryHandling struct {
	State    HandlingState `json:"state"`
	Assignee string        `json:"assignee"`
}

// Updated is the summary as pages see it: the inbox's case_updated payload.
func (s CaseSummary) Updated() CaseUpdated {
	c := s.Case
	u := CaseUpdated{
		CaseID: c.ID, Status: c.Status, AreaID: c.Area, Area: c.Area.Name(),
		Subarea: c.Subarea, SubareaName: SubareaName(c.Subarea),
		UrgencyH: c.UrgencyH, Summary: c.Summary, Complexity: c.Complexity,
		Handling:   SummaryHandling{State: cmpHandling(s.Handling), Assignee: s.Assignee},
		HasContact: s.HasContact, ConsentAt: c.ConsentAt, StartedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	if c.UrgencyH > 0 {
		u.UrgencyLevel = UrgencyLevelFor(c.UrgencyH).ID
	}
	return u
}

// MarshalJSON renders the summary pages show (see Updated).
func (s CaseSummary) MarshalJSON() ([]byte, error) { return json.Marshal(s.Updated()) }

func cmpHandling(h HandlingState) HandlingState {
	if h == "" {
		return HandlingNew
	}
	return h
}
