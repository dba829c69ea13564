package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/jobs"
	"github.com/triagem/triagem/orchestrator"
)

// Tasks is the background-job service behind /api/v2/tasks; *jobs.Client
// implements it.
type Tasks interface {
	TaskList(ctx context.Context, f jobs.TaskFilter) (jobs.TaskPage, error)
	TaskGet(ctx context.Context, id int64) (*jobs.Task, error)
	TaskRetry(ctx context.Context, id int64) (*jobs.Task, error)
	TaskCancel(ctx context.Context, id int64) (*jobs.Task, error)
	QueueStats(ctx context.Context) ([]jobs.QueueStat, error)
	QueuePause(ctx context.Context, queue string) error
	QueueResume(ctx context.Context, queue string) error
}

// taskRoutes mounts the tasks API and the River UI. Clients see the tasks of
// their own cases; acting on tasks and queues is for admins.
func (s *Server) taskRoutes() {
	if s.cfg.Tasks == nil {
		return
	}
	const tasks = "/api/v2/tasks"
	s.handle("GET "+tasks, s.api(s.handleTaskList))
	s.handle("GET "+tasks+"/stats", s.api(s.admin(s.handleTaskStats)))
	s.handle("GET "+tasks+"/{task_id}", s.api(s.handleTaskGet))
	s.handle("POST "+tasks+"/{task_id}/retry", s.api(s.admin(s.taskAction(s.cfg.Tasks.TaskRetry))))
	s.handle("POST "+tasks+"/{task_id}/cancel", s.api(s.admin(s.taskAction(s.cfg.Tasks.TaskCancel))))
	s.handle("POST "+tasks+"/queues/{queue}/pause", s.api(s.admin(s.queueAction(s.cfg.Tasks.QueuePause))))
	s.handle("POST "+tasks+"/queues/{queue}/resume", s.api(s.admin(s.queueAction(s.cfg.Tasks.QueueResume))))
	if s.cfg.RiverUI != nil {
		s.mux.Handle("/admin/riverui/", withRoute("/admin/riverui/", s.adminUI(s.cfg.RiverUI)))
	}
}

func (s *Server) admin(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
		if !p.IsAdmin() {
			return triagem.Errorf(triagem.EFORBIDDEN, "this action is for admins")
		}
		return h(w, r, p)
	}
}

func (s *Server) handleTaskList(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	q := r.URL.Query()
	f := jobs.TaskFilter{
		State:  triagem.TaskState(q.Get("state")),
		Kind:   q.Get("kind"),
		CaseID: q.Get("case_id"),
		Cursor: q.Get("cursor"),
	}
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return triagem.Errorf(triagem.EINVALID, "limit must be a positive integer")
		}
		f.Limit = n
	}
	if f.CaseID != "" {
		if _, err := s.orch.Case(r.Context(), p, f.CaseID); err != nil {
			return err
		}
	}
	if !p.CanSeeAll() {
		f.OwnerID = p.Subject
	}
	page, err := s.cfg.Tasks.TaskList(r.Context(), f)
	if err != nil {
		return err
	}
	if page.Tasks == nil {
		page.Tasks = []jobs.Task{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) handleTaskGet(w http.ResponseWriter, r *http.Request, p orchestrator.Principal) error {
	task, err := s.visibleTask(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, task)
	return nil
}

// visibleTask loads the task named in the path; another user's task is
// ENOTFOUND, as a case is.
func (s *Server) visibleTask(r *http.Request, p orchestrator.Principal) (*jobs.Task, error) {
	id, err := taskID(r)
	if err != nil {
		return nil, err
	}
	task, err := s.cfg.Tasks.TaskGet(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !p.CanSeeAll() && task.OwnerID != p.Subject {
		return nil, triagem.Errorf(triagem.ENOTFOUND, "task %d not found", id)
	}
	return task, nil
}

func taskID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("task_id"), 10, 64)
	if err != nil || id < 1 {
		return 0, triagem.Errorf(triagem.EINVALID, "task id must be a positive integer")
	}
	return id, nil
}

func (s *Server) taskAction(act func(context.Context, int64) (*jobs.Task, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, _ orchestrator.Principal) error {
		id, err := taskID(r)
		if err != nil {
			return err
		}
		task, err := act(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, task)
		return nil
	}
}

func (s *Server) queueAction(act func(context.Context, string) error) handler {
	return func(w http.ResponseWriter, r *http.Request, _ orchestrator.Principal) error {
		if err := act(r.Context(), r.PathValue("queue")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func (s *Server) handleTaskStats(w http.ResponseWriter, r *http.Request, _ orchestrator.Principal) error {
	stats, err := s.cfg.Tasks.QueueStats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stats)
	return nil
}

// adminUI guards the River UI. A browser cannot send a bearer header to a
// single-page app, so a token given once as ?access_token= is kept in an
// HttpOnly cookie scoped to the dashboard.
func (s *Server) adminUI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := s.verify(r, streamToken)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="triagem"`)
			s.writeError(w, r, err)
			return
		}
		setUser(r, id.Subject)
		if id.Role != triagem.RoleAdmin {
			s.writeError(w, r, triagem.Errorf(triagem.EFORBIDDEN, "the task dashboard is for admins"))
			return
		}
		if tok := r.URL.Query().Get("access_token"); tok != "" {
			http.SetCookie(w, &http.Cookie{
				Name: "access_token", Value: tok, Path: "/admin/riverui/",
				HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
				Expires: id.ExpiresAt,
			})
		}
		next.ServeHTTP(w, r)
	})
}
