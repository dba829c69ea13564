package jobs

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Job kinds.
const (
	KindAnalyze   = "analyze"
	KindNotify    = "notify"
	KindCleanup   = "cleanup"
	KindReconcile = "reconcile"
)

// Priorities: River runs 1 before 2 before 3 before 4.
const (
	PriorityUrgent = 1 // a client is waiting on the stream
	PriorityBatch  = 2 // nobody is watching
	priorityNotify = 2
	priorityChores = 4
)

// nonFinalStates are the states in which a second analyze job for the same
// case is refused: once the first has finished (even failed or cancelled), a
// new analysis may be queued.
var nonFinalStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// AnalyzeArgs runs a case's analysis. OwnerID is carried so that task lists
// can be filtered by owner without joining the case table.
type AnalyzeArgs struct {
	CaseID  string `json:"case_id"`
	OwnerID string `json:"owner_id"`
}

// Kind is the job kind.
func (AnalyzeArgs) Kind() string { return KindAnalyze }

// InsertOpts makes analyze unique per case while one is pending or running,
// so that a double click cannot analyse twice. Priority and MaxAttempts are
// set at insert time from the caller's urgency and the Config.
func (AnalyzeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:      QueueAnalysis,
		Priority:   PriorityBatch,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: nonFinalStates},
	}
}

// NotifyArgs delivers a completed case's result to the webhook.
type NotifyArgs struct {
	CaseID  string `json:"case_id"`
	OwnerID string `json:"owner_id"`
}

// Kind is the job kind.
func (NotifyArgs) Kind() string { return KindNotify }

// InsertOpts makes notify unique per case in every state but discarded and
// cancelled: an analyze job that runs again after its notify was queued or
// delivered does not notify twice.
func (NotifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:      QueueNotifications,
		Priority:   priorityNotify,
		UniqueOpts: river.UniqueOpts{ByArgs: true},
	}
}

// CleanupArgs erases the cases past their retention. It has no fields: the
// cut-off is computed when the job runs.
type CleanupArgs struct{}

// Kind is the job kind.
func (CleanupArgs) Kind() string { return KindCleanup }

// InsertOpts puts cleanup on the maintenance queue at the lowest priority.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, Priority: priorityChores}
}

// ReconcileArgs fails the cases whose analysis was given up without anyone
// marking them: a worker that died on the last attempt, whose job River's
// rescuer discards without running our middleware.
type ReconcileArgs struct{}

// Kind is the job kind.
func (ReconcileArgs) Kind() string { return KindReconcile }

// InsertOpts puts reconcile with the other chores.
func (ReconcileArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMaintenance, Priority: priorityChores}
}
